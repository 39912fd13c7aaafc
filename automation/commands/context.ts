/**
 * What every driver command shares: the process's streams and the engine it is handed (CliDeps),
 * the exit codes, and the closing summary with the JSON document (`finish`).
 */
import { CliArgs } from "../args";
import { Command, StackEngine } from "../stackEngine";
import { summaryTable } from "../progress";
import { StackRun } from "../runner";
import { AwsTarget, KeyUsage } from "../keyUsage";
import { Host } from "../locks";

export const EXIT = { ok: 0, failed: 1, usage: 2, drift: 3, cancelled: 130 } as const;

export type Writable = { write(text: string): unknown; isTTY?: boolean; columns?: number };

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
    /** IAM's view of access keys (retire-key), aimed where the stack's AWS provider is. */
    keyUsage(target: AwsTarget): Promise<KeyUsage>;
    /** The time: names rotate-keys' new slot and dates retire-key's check. */
    now(): Date;
    /** This machine: tells a lock its own killed process left from a running update's. */
    host: Host;
}

/** Writes the one JSON document of a --json run to stdout. */
export type Emit = (doc: unknown) => void;

/** The summary on stderr, the JSON document, and the exit code. */
export function finish(
    command: Command | "drift",
    runs: StackRun[],
    args: CliArgs,
    deps: CliDeps,
    emit: Emit,
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
