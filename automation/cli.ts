/**
 * The multi-environment driver: `npm run stacks -- <command> [options]`. Human progress goes to
 * stderr; with --json, stdout carries exactly one JSON document. Exit codes: 0 every stack
 * succeeded, 1 a stack failed or was refused, 2 bad command line, 130 cancelled.
 */
import * as fs from "fs";
import * as readline from "readline";
import { CliArgs, USAGE, parseCli } from "./args";
import { guardedSteps, refusal } from "./guard";
import { Command, StackEngine } from "./stackEngine";
import { DriverError, UsageError, explain } from "./errors";
import { Progress, summaryTable } from "./progress";
import { StackRun, runStacks } from "./runner";
import { discoverStacks, selectStacks } from "./stacks";

export const EXIT = { ok: 0, failed: 1, usage: 2, cancelled: 130 } as const;

type Writable = { write(text: string): unknown; isTTY?: boolean; columns?: number };

export interface CliDeps {
    projectDir: string;
    stdout: Writable;
    stderr: Writable;
    stdinIsTTY: boolean;
    /** Builds the engine lazily: `plan` needs none. */
    engine(args: CliArgs): StackEngine;
    /** Checks a stack's configuration before the engine starts; throws a ConfigError. */
    checkConfig(stack: string): Promise<void>;
    /** Asks a yes/no question on the terminal. */
    confirm(question: string): Promise<boolean>;
    /** Aborted on the first Ctrl-C. */
    signal: AbortSignal;
}

export async function main(argv: string[], deps: CliDeps): Promise<number> {
    let args: CliArgs;
    try {
        args = parseCli(argv);
    } catch (err) {
        const message = (err as Error).message;
        deps.stderr.write(message ? `error: ${message}\n\n${USAGE}` : USAGE);
        return message ? EXIT.usage : EXIT.ok;
    }
    const emit = (doc: unknown) => deps.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    try {
        const stacks = selectStacks(discoverStacks(deps.projectDir), args.env);
        switch (args.command) {
            case "plan":
                return await plan(stacks, args, deps, emit);
            case "outputs":
                return await outputs(stacks, args, deps, emit);
            case "export-keys":
                return await exportCommand(stacks[0], args, deps, emit);
            default:
                return await operate(args.command, stacks, args, deps, emit);
        }
    } catch (err) {
        if (err instanceof UsageError) {
            deps.stderr.write(`error: ${err.message}\n`);
            return EXIT.usage;
        }
        deps.stderr.write(`error: ${explain(err, args.env ?? "")}\n`);
        if (args.verbose && err instanceof Error && err.stack) {
            deps.stderr.write(`${err.stack}\n`);
        }
        return EXIT.failed;
    }
}

async function plan(
    stacks: string[],
    args: CliArgs,
    deps: CliDeps,
    emit: (doc: unknown) => void,
): Promise<number> {
    // Loaded on demand: the plan pulls in the program and @pulumi/aws, which other commands never need.
    const { formatPlan, planStack } = await import("./plan");
    const plans = [];
    for (const stack of stacks) {
        const p = await planStack(deps.projectDir, stack);
        plans.push(p);
        if (!args.json) {
            deps.stdout.write(`${formatPlan(p)}\n\n`);
        }
    }
    if (args.json) {
        emit({ stacks: plans });
    }
    return plans.some((p) => p.error) ? EXIT.failed : EXIT.ok;
}

async function operate(
    command: Command,
    stacks: string[],
    args: CliArgs,
    deps: CliDeps,
    emit: (doc: unknown) => void,
): Promise<number> {
    if (command === "up" || command === "destroy") {
        if (!args.yes) {
            if (!deps.stdinIsTTY) {
                throw new UsageError(
                    `${command} changes infrastructure: pass --yes (stdin is not a terminal, so it cannot ask)`,
                );
            }
            if (!(await deps.confirm(`${command} ${stacks.join(", ")}? [y/N] `))) {
                deps.stderr.write("Nothing done.\n");
                return EXIT.failed;
            }
        }
    }
    const engine = deps.engine(args);
    const progress = new Progress(deps.stderr);
    const runs = await runStacks(
        stacks,
        async (stack, signal, onStep) => {
            if (command === "preview" || command === "up") {
                await deps.checkConfig(stack);
            }
            if (command !== "up" && command !== "destroy") {
                return engine.run(command, stack, { signal, onStep });
            }
            // Preview first: refuse, before anything is touched, to cut people or machines off.
            const previewCommand = command === "up" ? "preview" : "preview-destroy";
            const preview = await engine.run(previewCommand, stack, { signal, onStep });
            const risky = guardedSteps(preview.steps);
            if (risky.length > 0 && !args.allowReplace) {
                throw new DriverError(refusal(command, risky));
            }
            return engine.run(command, stack, { signal, onStep });
        },
        {
            parallel: args.parallel,
            failFast: args.failFast,
            signal: deps.signal,
            onChange: (r) => progress.update(r),
        },
    );
    deps.stderr.write(`\n${summaryTable(runs)}\n`);
    if (args.verbose) {
        runs.filter((r) => r.detail).forEach((r) =>
            deps.stderr.write(`\n${r.stack}:\n${r.detail}\n`),
        );
    }
    if (args.json) {
        emit({ command, stacks: runs.map(({ detail: _detail, step: _step, ...r }) => r) });
    }
    return exitCode(runs);
}

export function exitCode(runs: StackRun[]): number {
    if (runs.some((r) => r.status === "cancelled")) {
        return EXIT.cancelled;
    }
    return runs.every((r) => r.status === "succeeded") ? EXIT.ok : EXIT.failed;
}

async function outputs(
    stacks: string[],
    args: CliArgs,
    deps: CliDeps,
    emit: (doc: unknown) => void,
): Promise<number> {
    const engine = deps.engine(args);
    const result = [];
    for (const stack of stacks) {
        const outs = await engine.outputs(stack);
        result.push({ stack, outputs: outs });
        if (!args.json) {
            deps.stdout.write(`Stack ${stack}\n${JSON.stringify(outs, null, 2)}\n\n`);
        }
    }
    if (args.json) {
        emit({ stacks: result });
    }
    return EXIT.ok;
}

async function exportCommand(
    stack: string,
    args: CliArgs,
    deps: CliDeps,
    emit: (doc: unknown) => void,
): Promise<number> {
    const { exportKeys, keysFromOutputs } = await import("./exportKeys");
    const recipientArmored = args.recipient ? readRecipient(args.recipient) : undefined;
    const engine = deps.engine(args);
    const keys = keysFromOutputs(stack, await engine.secretOutputs(stack));
    const files = await exportKeys(keys, {
        stack,
        outDir: args.out!,
        recipientArmored,
        plaintext: args.plaintext,
    });
    if (args.json) {
        emit({ stack, files });
    } else {
        deps.stderr.write(
            files.length
                ? files.map((f) => `wrote ${f.path} (${f.user}, ${f.format})\n`).join("")
                : `Stack "${stack}" has no access keys to export.\n`,
        );
    }
    return EXIT.ok;
}

function readRecipient(file: string): string {
    try {
        return fs.readFileSync(file, "utf8");
    } catch (err) {
        throw new DriverError(
            `--recipient "${file}": cannot read it (${(err as NodeJS.ErrnoException).code}); give the path of an armored public key`,
        );
    }
}

/** A yes/no prompt on stderr, reading stdin. */
export function terminalConfirm(question: string): Promise<boolean> {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
    return new Promise((resolve) =>
        rl.question(question, (answer) => {
            rl.close();
            resolve(/^y(es)?$/i.test(answer.trim()));
        }),
    );
}
