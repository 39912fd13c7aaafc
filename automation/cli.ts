/**
 * The multi-environment driver: `npm run stacks -- <command> [options]`. Human progress goes to
 * stderr; with --json, stdout carries exactly one JSON document. Exit codes: 0 every stack
 * succeeded, 1 a stack failed or was refused, 2 bad command line, 3 drift found, 130 cancelled.
 */
import * as fs from "fs";
import * as readline from "readline";
import { CliArgs, USAGE, parseCli } from "./args";
import { guardedSteps, refusal } from "./guard";
import { formatDrift, formatReview, isChange } from "./review";
import { Command, OpResult, StackEngine } from "./stackEngine";
import { DriverError, UsageError, explain } from "./errors";
import { Progress, summaryTable } from "./progress";
import { StackRun, Worker, runStacks } from "./runner";
import { discoverStacks, selectStacks } from "./stacks";

export const EXIT = { ok: 0, failed: 1, usage: 2, drift: 3, cancelled: 130 } as const;

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
            case "drift":
                return await drift(stacks, args, deps, emit);
            case "deployer-policy":
                return await deployerPolicyCommand(stacks[0], args, deps, emit);
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
    // A failure above many healthy plans is easy to miss: end with it, on stderr too.
    const failed = plans.filter((p) => p.error).map((p) => p.stack);
    if (failed.length > 0) {
        deps.stderr.write(
            `plan failed for ${failed.length} of ${plans.length} stacks: ${failed.join(", ")} (see each stack's error above); exit 1\n`,
        );
    }
    return failed.length > 0 ? EXIT.failed : EXIT.ok;
}

async function operate(
    command: Command,
    stacks: string[],
    args: CliArgs,
    deps: CliDeps,
    emit: (doc: unknown) => void,
): Promise<number> {
    const applies = command === "up" || command === "destroy";
    if (applies && !args.yes && !deps.stdinIsTTY) {
        throw new UsageError(
            `${command} changes infrastructure: pass --yes (stdin is not a terminal, so it cannot ask)`,
        );
    }
    const engine = deps.engine(args);
    const phase = (name: string, names: string[], worker: Worker) => {
        const progress = new Progress(deps.stderr, name);
        return runStacks(
            names,
            (stack, signal, onStep) =>
                // Only the steps that change something, unless --verbose.
                worker(stack, signal, (s) => (args.verbose || isChange(s.op)) && onStep(s)),
            {
                parallel: args.parallel,
                failFast: args.failFast,
                signal: deps.signal,
                onChange: (r) => progress.update(r),
            },
        );
    };
    if (command === "refresh") {
        return finish(
            command,
            await phase("refresh", stacks, refreshWorker(engine)),
            args,
            deps,
            emit,
        );
    }

    // Preview every selected stack first; refuse, before anything is touched, to cut people or
    // machines off. A refused stack's preview is still shown, so the refusal can be reviewed.
    const previews = new Map<string, OpResult>();
    const previewed = await phase("preview", stacks, async (stack, signal, onStep) => {
        if (command !== "destroy") {
            await deps.checkConfig(stack);
        }
        const preview = command === "destroy" ? "preview-destroy" : "preview";
        const result = await engine.run(preview, stack, { signal, onStep });
        previews.set(stack, result);
        const risky = applies ? guardedSteps(result.steps) : [];
        if (risky.length > 0 && !args.allowReplace) {
            throw new DriverError(refusal(command, risky));
        }
        return result;
    });
    const reviewed = previewed.map((r) => withPreview(r, previews.get(r.stack)));
    const review = reviewed
        .filter((r) => previews.has(r.stack))
        .map((r) => `${formatReview(r.stack, r.resources ?? [], r.warnings ?? [])}\n`)
        .join("\n");
    const ready = reviewed.filter((r) => r.status === "succeeded").map((r) => r.stack);
    const stopped = deps.signal.aborted || (args.failFast && ready.length < stacks.length);
    if (!applies || stopped || ready.length === 0) {
        if (!args.json) {
            deps.stdout.write(`\n${review}`);
        }
        return finish(command, reviewed, args, deps, emit);
    }
    if (!args.json || !args.yes) {
        // With --json, stdout is the document: the review a person answers goes to stderr.
        (args.json ? deps.stderr : deps.stdout).write(`\n${review}`);
    }
    if (!args.yes && !(await deps.confirm(`\n${command} ${ready.join(", ")}? [y/N] `))) {
        deps.stderr.write("Nothing done.\n");
        const declined = reviewed.map((r): StackRun =>
            ready.includes(r.stack) ? { ...r, status: "skipped" } : r,
        );
        return finish(command, declined, args, deps, emit);
    }
    const applied = await phase("apply", ready, async (stack, signal, onStep) =>
        engine.run(command, stack, { signal, onStep }),
    );
    const runs = reviewed.map((r) => {
        const a = applied.find((x) => x.stack === r.stack);
        return a
            ? {
                  ...a,
                  resources: r.resources,
                  warnings: [...new Set([...(r.warnings ?? []), ...(a.warnings ?? [])])],
                  durationMs: (r.durationMs ?? 0) + (a.durationMs ?? 0),
              }
            : r;
    });
    return finish(command, runs, args, deps, emit);
}

/**
 * `drift`: a preview-only refresh of every selected stack, listing each resource whose live state
 * differs from the state. Exit 3 when any stack drifted and none failed.
 */
async function drift(
    stacks: string[],
    args: CliArgs,
    deps: CliDeps,
    emit: (doc: unknown) => void,
): Promise<number> {
    const engine = deps.engine(args);
    const progress = new Progress(deps.stderr, "drift");
    const runs = await runStacks(
        stacks,
        (stack, signal, onStep) =>
            engine.run("preview-refresh", stack, {
                signal,
                onStep: (s) => args.verbose && onStep(s),
            }),
        {
            parallel: args.parallel,
            failFast: args.failFast,
            signal: deps.signal,
            onChange: (r) => progress.update(r),
        },
    );
    if (!args.json) {
        const found = runs
            .filter((r) => r.status === "succeeded")
            .map((r) => `${formatDrift(r.stack, r.resources ?? [])}\n`);
        deps.stdout.write(`\n${found.join("\n")}`);
    }
    const code = finish("drift", runs, args, deps, emit);
    return code === EXIT.ok && runs.some((r) => (r.resources ?? []).length > 0) ? EXIT.drift : code;
}

function refreshWorker(engine: StackEngine): Worker {
    return (stack, signal, onStep) => engine.run("refresh", stack, { signal, onStep });
}

/** A run with its preview's review, also when the guard refused it after the preview. */
function withPreview(run: StackRun, preview: OpResult | undefined): StackRun {
    return preview ? { ...run, resources: preview.resources, warnings: preview.warnings } : run;
}

/** The summary on stderr, the JSON document, and the exit code. */
function finish(
    command: Command | "drift",
    runs: StackRun[],
    args: CliArgs,
    deps: CliDeps,
    emit: (doc: unknown) => void,
): number {
    deps.stderr.write(`\n${summaryTable(runs)}\n`);
    if (args.verbose) {
        runs.filter((r) => r.detail).forEach((r) =>
            deps.stderr.write(`\n${r.stack}:\n${r.detail}\n`),
        );
    }
    if (args.json) {
        emit({
            command,
            stacks: runs.map((r) => ({
                stack: r.stack,
                status: r.status,
                changes: r.changes,
                resources: r.resources ?? [],
                warnings: r.warnings ?? [],
                durationMs: r.durationMs,
                error: r.error,
            })),
        });
    }
    return exitCode(runs, deps.signal.aborted);
}

/** 130 when the user cancelled (Ctrl-C), else 0 only if every stack succeeded. */
export function exitCode(runs: StackRun[], cancelled: boolean): number {
    if (cancelled) {
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
        force: args.force,
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

async function deployerPolicyCommand(
    stack: string,
    args: CliArgs,
    deps: CliDeps,
    emit: (doc: unknown) => void,
): Promise<number> {
    const { planStack } = await import("./plan");
    const { MANAGED_POLICY_MAX_CHARS, deployerPolicy, policySize } =
        await import("./deployerPolicy");
    const policy = deployerPolicy(await planStack(deps.projectDir, stack));
    if (args.json) {
        emit({ stack, policy });
    } else {
        deps.stdout.write(`${JSON.stringify(policy, null, 2)}\n`);
    }
    const size = policySize(policy);
    if (size > MANAGED_POLICY_MAX_CHARS) {
        deps.stderr.write(
            `warning: the policy has ${size} characters without whitespace; a managed policy holds at most ${MANAGED_POLICY_MAX_CHARS}: split its statements over two policies\n`,
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
