/**
 * Stand-ins for the driver's unit tests: a fake StackEngine (no Pulumi CLI, no backend), a sink
 * for stdout/stderr, and the CliDeps wiring them. Nothing in the product uses them.
 */
import * as path from "path";
import { ConcurrentUpdateError } from "@pulumi/pulumi/automation";
import { CliArgs } from "../../automation/args";
import { CliDeps } from "../../automation/cli";
import { StackLock } from "../../automation/locks";
import { PendingCreate } from "../../automation/pending";
import {
    Command,
    OpOptions,
    OpResult,
    StackEngine,
    StateResource,
    emptyChanges,
} from "../../automation/stackEngine";

export const ROOT = path.join(__dirname, "..", "..");

export class Sink {
    text = "";
    isTTY = false;
    write(chunk: string): boolean {
        this.text += chunk;
        return true;
    }
}

/** An engine result: no changes, steps, resources or warnings unless given. */
export function result(partial: Partial<OpResult> = {}): OpResult {
    return { changes: emptyChanges(), steps: [], resources: [], warnings: [], ...partial };
}

export type Behaviour = (cmd: Command, opts: OpOptions) => Promise<OpResult>;

/** A StackEngine that records calls and behaves per stack as the test says. */
export class FakeEngine implements StackEngine {
    readonly calls: string[] = [];
    constructor(
        private readonly behaviour: Record<string, Behaviour> = {},
        private readonly secrets: Record<string, Record<string, unknown>> = {},
    ) {}
    async run(cmd: Command, stack: string, opts: OpOptions): Promise<OpResult> {
        this.calls.push(`${cmd} ${stack}`);
        const b = this.behaviour[stack];
        return b ? b(cmd, opts) : result({ changes: { ...emptyChanges(), create: 2 } });
    }
    /** Pending creates per stack, as a test sets them. */
    readonly pending: Record<string, PendingCreate[]> = {};
    async pendingCreates(stack: string): Promise<PendingCreate[]> {
        return this.pending[stack] ?? [];
    }
    /** Locks per stack, as a test sets them: none unless set; undefined for "cannot read". */
    readonly locks: Record<string, StackLock[] | undefined> = {};
    async stackLocks(stack: string): Promise<StackLock[] | undefined> {
        return stack in this.locks ? this.locks[stack] : [];
    }
    staleLockRemoval(stack: string): string {
        return `rm /state/.pulumi/locks/organization/ssm-access/${stack}/*.json`;
    }

    /** The state's resources per stack, as a test sets them; setProtect edits them. */
    readonly state: Record<string, StateResource[]> = {};
    async stateResources(stack: string): Promise<StateResource[]> {
        return (this.state[stack] ?? []).map((r) => ({ ...r }));
    }
    /** Recorded in `calls` as "protect STACK URN" or "unprotect STACK URN". */
    async setProtect(stack: string, urn: string, protect: boolean): Promise<void> {
        this.calls.push(`${protect ? "protect" : "unprotect"} ${stack} ${urn}`);
        const found = this.state[stack]?.find((r) => r.urn === urn);
        if (!found) {
            // The CLI's words (pulumi/pulumi pkg/cmd/pulumi/state/state_unprotect.go).
            throw new Error(`No such resource "${urn}" exists in the current state`);
        }
        found.protect = protect;
    }
    async outputs(stack: string): Promise<Record<string, unknown>> {
        return { stack, secretThing: "[secret]" };
    }
    async secretOutputs(stack: string): Promise<Record<string, unknown>> {
        return this.secrets[stack] ?? {};
    }
}

/** An Automation API error as the SDK builds it from a failed CLI run (its constructor is internal). */
export function automationError(
    kind: typeof ConcurrentUpdateError,
    stderr: string,
): InstanceType<typeof ConcurrentUpdateError> {
    const Kind = kind as unknown as new (r: {
        stdout: string;
        stderr: string;
        code: number;
    }) => ConcurrentUpdateError;
    return new Kind({ stdout: "", stderr, code: 255 });
}

export function deps(
    engine: StackEngine,
    extra: Partial<CliDeps> = {},
): CliDeps & { out: Sink; err: Sink } {
    const out = new Sink();
    const err = new Sink();
    return {
        projectDir: ROOT,
        stdout: out,
        stderr: err,
        stdinIsTTY: false,
        engine: (_args: CliArgs) => engine,
        checkConfig: async () => undefined,
        confirm: async () => false,
        signal: new AbortController().signal,
        keyUsage: async () => {
            throw new Error("this test asks IAM nothing");
        },
        now: () => new Date("2026-11-28T12:00:00Z"),
        // Every process runs here unless a test says otherwise.
        host: { name: "this-machine", running: () => true },
        out,
        err,
        ...extra,
    };
}
