#!/usr/bin/env node
// Entry point of `npm run stacks`: registers transpile-only TypeScript, then runs the driver.
"use strict";
const path = require("path");
require("ts-node").register({ transpileOnly: true, project: path.join(__dirname, "..", "..", "tsconfig.json") });
// Pulumi captures a stack trace for every resource and promise it tracks, and ts-node's source
// maps make each capture a lookup: about 0.5 s of a three-stack preview (CPU profile). The driver
// prints stack traces only with --verbose (-v), so only then are they mapped to TypeScript lines.
let verbose = false;
try {
    verbose = require("../args.ts").parseCli(process.argv.slice(2)).verbose;
} catch {
    // A bad command line: main() reports it.
}
if (!verbose) {
    delete Error.prepareStackTrace;
}
require("../main.ts");
