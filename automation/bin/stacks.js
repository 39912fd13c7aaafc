#!/usr/bin/env node
// Entry point of `npm run stacks`: registers transpile-only TypeScript, then runs the driver.
"use strict";
const path = require("path");
require("ts-node").register({ transpileOnly: true, project: path.join(__dirname, "..", "..", "tsconfig.json") });
require("../../runtime/stackTraces.ts").skipSourcePositions();
require("../main.ts");
