import * as path from "path";
import { main, terminalConfirm } from "./cli";
import { PulumiEngine, resolveBackend } from "./pulumiEngine";

const projectDir = path.resolve(__dirname, "..");
const cancel = new AbortController();
process.on("SIGINT", () => {
    if (cancel.signal.aborted) {
        process.stderr.write("\nStopping at once.\n");
        process.exit(130);
    }
    process.stderr.write(
        "\nCancelling: running stacks stop cleanly and release their locks. Ctrl-C again to stop at once.\n",
    );
    cancel.abort();
});

main(process.argv.slice(2), {
    projectDir,
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    engine: (args) =>
        new PulumiEngine(projectDir, resolveBackend(projectDir, args.backend, process.env)),
    confirm: terminalConfirm,
    signal: cancel.signal,
}).then(
    (code) => {
        process.exitCode = code;
    },
    (err: Error) => {
        process.stderr.write(`error: ${err.message}\n`);
        process.exitCode = 1;
    },
);
