/**
 * The commands that run the engine over several stacks: preview, up, destroy and refresh
 * (`operate`: preview and review first, then one question, then apply), and drift.
 */
import { CliArgs } from "../args";
import { guardedSteps, refusal } from "../guard";
import { formatDrift, formatReview, isChange } from "../review";
import { Command, OpResult, StackEngine, Step } from "../stackEngine";
import { DriverError, UsageError } from "../errors";
import { pendingRefusal } from "../pending";
import { Progress } from "../progress";
import { StackRun, Worker, runStacks } from "../runner";
import { CliDeps, EXIT, Emit, finish } from "./context";

/** up and destroy ask first: without a terminal to ask on, --yes must be given. */
export function requireConsent(command: string, args: CliArgs, deps: CliDeps): void {
    if (!args.yes && !deps.stdinIsTTY) {
        throw new UsageError(
            `${command} changes infrastructure: pass --yes (stdin is not a terminal, so it cannot ask)`,
        );
    }
}

export interface OperateOptions {
    /** Guarded steps the caller asked for (retire-key's key deletion): not refused. */
    expected?(step: Step): boolean;
}

export async function operate(
    command: Command,
    stacks: string[],
    args: CliArgs,
    deps: CliDeps,
    emit: Emit,
    options: OperateOptions = {},
): Promise<number> {
    const applies = command === "up" || command === "destroy";
    if (applies) {
        requireConsent(command, args, deps);
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
        const refused = await pendingRefusal(engine, stack, deps.host);
        if (refused) {
            throw new DriverError(refused);
        }
        const preview = command === "destroy" ? "preview-destroy" : "preview";
        const result = await engine.run(preview, stack, { signal, onStep });
        previews.set(stack, result);
        const risky = applies
            ? guardedSteps(result.steps).filter((s) => !options.expected?.(s))
            : [];
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
export async function drift(
    stacks: string[],
    args: CliArgs,
    deps: CliDeps,
    emit: Emit,
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
