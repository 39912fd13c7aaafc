/** The small interface the driver needs from Pulumi, so tests can stand a fake in for it. */
import type { ResourceChange } from "./engineEvents";
import type { StackLock } from "./locks";
import type { PendingCreate } from "./pending";

/**
 * `preview-destroy` shows what `destroy` would delete, touching nothing; `preview-refresh` reads
 * the live resources and reports, as its `resources`, those that differ from the state (drift),
 * touching nothing.
 */
export type Command =
    "preview" | "up" | "refresh" | "destroy" | "preview-destroy" | "preview-refresh";

export interface Changes {
    create: number;
    update: number;
    delete: number;
    replace: number;
    same: number;
}

/** One resource step the engine reports (op: create, update, delete, replace, same, ...). */
export interface Step {
    op: string;
    urn: string;
    type: string;
}

export interface OpResult {
    changes: Changes;
    /** Every step, `same` included: what the guard checks. */
    steps: Step[];
    /** The resources that change, with their property diffs: what a person reviews. */
    resources: ResourceChange[];
    /** Every engine warning, one line each. */
    warnings: string[];
}

export interface OpOptions {
    signal: AbortSignal;
    onStep(step: Step): void;
}

/** One resource in a stack's state. */
export interface StateResource {
    urn: string;
    type: string;
    /** The state's `protect` flag: the engine refuses to delete the resource while it is set. */
    protect: boolean;
}

export interface StackEngine {
    run(command: Command, stack: string, opts: OpOptions): Promise<OpResult>;
    /** Creates an earlier update started and never finished (from the exported state). */
    pendingCreates(stack: string): Promise<PendingCreate[]>;
    /**
     * The locks the stack's running updates hold in a file or S3 backend (automation/locks.ts);
     * undefined where the driver cannot read them: Pulumi Cloud, or a failed read.
     */
    stackLocks(stack: string): Promise<StackLock[] | undefined>;
    /** The command that removes the stack's stale locks in the backend in use. */
    staleLockRemoval(stack: string): string;
    /** The resources in the stack's state, those pending deletion left out; secrets stay encrypted. */
    stateResources(stack: string): Promise<StateResource[]>;
    /** Sets or clears one resource's `protect` flag in the state, changing nothing else. */
    setProtect(stack: string, urn: string, protect: boolean): Promise<void>;
    /** Stack outputs with secrets masked by the engine ("[secret]"). */
    outputs(stack: string): Promise<Record<string, unknown>>;
    /** Stack outputs with secrets in plaintext: for export-keys only, never printed. */
    secretOutputs(stack: string): Promise<Record<string, unknown>>;
}

export function emptyChanges(): Changes {
    return { create: 0, update: 0, delete: 0, replace: 0, same: 0 };
}

/** Folds the engine's op counts (create, update, delete, same, replace, create-replacement, ...) into Changes. */
export function changesFrom(ops: Record<string, number | undefined>): Changes {
    const c = emptyChanges();
    for (const [op, n] of Object.entries(ops)) {
        const count = n ?? 0;
        if (
            op === "create" ||
            op === "update" ||
            op === "delete" ||
            op === "replace" ||
            op === "same"
        ) {
            c[op] += count;
        } else if (op === "create-replacement") {
            c.replace += count;
        }
    }
    return c;
}
