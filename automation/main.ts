import * as path from "path";
import { main, terminalConfirm } from "./cli";
import { resolveBackend } from "./backend";
import { thisHost } from "./locks";
import { prepareRehearsal } from "./rehearsal";
import { InlineProgram, PulumiEngine } from "./pulumiEngine";
import type { StackOutputs } from "../program";

const projectDir = path.resolve(__dirname, "..");

let modules: Promise<typeof import("../program")> | undefined;

/** The program's modules, loaded once for every stack. */
function programModules() {
    modules ??= import("../program");
    return modules;
}

/**
 * The stacks' program, run inline: in this process, loaded once for every stack, rather than one
 * Node process per stack that loads and transpiles it again.
 */
const program: InlineProgram = {
    async run(): Promise<StackOutputs> {
        const { runProgram } = await programModules();
        return runProgram();
    },
    preload() {
        // A failure to load is reported by run(), which awaits the same promise.
        programModules().catch(() => undefined);
    },
};

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

/**
 * stdout, quiet once its reader has gone (`| head`): the rest of the output is dropped and the
 * driver finishes what it started (an update in flight is not abandoned), with no stack trace.
 */
let stdoutClosed = false;
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") {
        throw err;
    }
    stdoutClosed = true;
});
const stdout = {
    write: (text: string) => stdoutClosed || process.stdout.write(text),
    isTTY: process.stdout.isTTY,
    columns: process.stdout.columns,
};

main(process.argv.slice(2), {
    projectDir,
    stdout,
    stderr: process.stderr,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    engine: (args) => {
        if (args.emulator) {
            const rehearsal = prepareRehearsal(projectDir, args.emulator, process.env);
            process.stderr.write(rehearsal.notice);
            // The rehearsal's stack files are the driver's own copies: nothing to tell the user.
            return new PulumiEngine(
                rehearsal.workDir,
                rehearsal.backend,
                program,
                () => undefined,
                rehearsal.env,
            );
        }
        return new PulumiEngine(
            projectDir,
            resolveBackend(projectDir, args.backend, process.env),
            program,
            (message) => process.stderr.write(message),
        );
    },
    checkConfig: async (stack) => (await import("../config")).checkStackFiles(projectDir, stack),
    confirm: terminalConfirm,
    signal: cancel.signal,
    keyUsage: async (target) => (await import("./keyUsage")).iamKeyUsage(target),
    now: () => new Date(),
    host: thisHost,
}).then(
    (code) => {
        process.exitCode = code;
    },
    (err: Error) => {
        process.stderr.write(`error: ${err.message}\n`);
        process.exitCode = 1;
    },
);
