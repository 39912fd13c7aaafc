import { DriverError, explain } from "./errors";
import type { ResourceChange } from "./engineEvents";
import { Changes, OpResult, Step } from "./stackEngine";

export type StackStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled" | "skipped";

export interface StackRun {
    stack: string;
    status: StackStatus;
    /** The step in progress while running, e.g. "create aws:iam/role:Role instance-role". */
    step?: string;
    changes?: Changes;
    /** The resources that change, with their property diffs. */
    resources?: ResourceChange[];
    /** The engine's warnings. */
    warnings?: string[];
    /** Plain-language reason when failed. */
    error?: string;
    /** The raw error, shown only with --verbose. */
    detail?: string;
    durationMs?: number;
}

export type Worker = (
    stack: string,
    signal: AbortSignal,
    onStep: (step: Step) => void,
) => Promise<OpResult>;

export interface RunOptions {
    parallel: number;
    failFast: boolean;
    /** Aborted on Ctrl-C: running stacks stop cleanly, queued ones are skipped. */
    signal: AbortSignal;
    onChange(run: StackRun): void;
}

/**
 * Runs `worker` for each stack, at most `parallel` at once. A failing stack does not stop the
 * others unless failFast; on abort, running stacks are cancelled and queued ones skipped.
 */
export async function runStacks(
    stacks: string[],
    worker: Worker,
    opts: RunOptions,
): Promise<StackRun[]> {
    const runs = stacks.map((stack): StackRun => ({ stack, status: "queued" }));
    runs.forEach((r) => opts.onChange(r));
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    opts.signal.addEventListener("abort", onAbort);
    let next = 0;
    /** The stack whose failure stopped the others under failFast. */
    let firstFailure = "";
    const lane = async (): Promise<void> => {
        while (next < runs.length) {
            const run = runs[next++];
            if (stop.signal.aborted) {
                run.status = "skipped";
                opts.onChange(run);
                continue;
            }
            const started = Date.now();
            run.status = "running";
            opts.onChange(run);
            try {
                const result = await worker(run.stack, stop.signal, (step) => {
                    run.step = `${step.op} ${step.type} ${step.urn.split("::").pop()}`;
                    opts.onChange(run);
                });
                run.changes = result.changes;
                run.resources = result.resources;
                run.warnings = result.warnings;
                run.status = "succeeded";
            } catch (err) {
                const stoppedBy = !opts.signal.aborted && stop.signal.aborted ? firstFailure : "";
                run.status = opts.signal.aborted || stoppedBy ? "cancelled" : "failed";
                run.error = opts.signal.aborted
                    ? "cancelled by Ctrl-C"
                    : stoppedBy
                      ? `stopped because ${stoppedBy} failed (--fail-fast)`
                      : explain(err, run.stack);
                run.detail =
                    err instanceof DriverError
                        ? undefined
                        : err instanceof Error
                          ? (err.stack ?? err.message)
                          : String(err);
                if (opts.failFast && !stop.signal.aborted) {
                    firstFailure = run.stack;
                    stop.abort();
                }
            }
            run.step = undefined;
            run.durationMs = Date.now() - started;
            opts.onChange(run);
        }
    };
    await Promise.all(
        Array.from({ length: Math.max(1, Math.min(opts.parallel, runs.length)) }, lane),
    );
    opts.signal.removeEventListener("abort", onAbort);
    return runs;
}
