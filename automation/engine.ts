/** The small interface the driver needs from Pulumi, so tests can stand a fake in for it. */

export type Command = "preview" | "up" | "refresh" | "destroy";

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
    steps: Step[];
}

export interface OpOptions {
    signal: AbortSignal;
    onStep(step: Step): void;
}

export interface StackEngine {
    run(command: Command, stack: string, opts: OpOptions): Promise<OpResult>;
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

/** Resource types whose replacement or deletion cuts people or machines off. */
export const GUARDED_TYPES = [
    "aws:iam/accessKey:AccessKey",
    "aws:iam/user:User",
    "aws:ec2/instance:Instance",
];
const DESTRUCTIVE_OPS = new Set([
    "replace",
    "create-replacement",
    "delete-replaced",
    "delete",
    "discard",
    "discard-replaced",
]);

/** The steps `up` must refuse without --allow-replace: a replaced or deleted key, user or instance. */
export function guardedSteps(steps: Step[]): Step[] {
    const seen = new Set<string>();
    return steps.filter((s) => {
        // A replacement reports several steps for one URN; name each resource once.
        if (!GUARDED_TYPES.includes(s.type) || !DESTRUCTIVE_OPS.has(s.op) || seen.has(s.urn)) {
            return false;
        }
        seen.add(s.urn);
        return true;
    });
}

/** The resource name at the end of a URN. */
export function urnName(urn: string): string {
    return urn.split("::").pop() ?? urn;
}
