/** Small schema builders shared by the configuration areas: each problem says what is accepted. */
import { z } from "zod";
import { Partition } from "../policies/iam";

/** A string matching `pattern` (and at most `max` characters), else `accepted`. */
export function text(pattern: RegExp, accepted: string, max = Infinity) {
    const error = accepted;
    const base = z.string({ error }).regex(pattern, { error });
    return Number.isFinite(max) ? base.max(max, { error }) : base;
}

/** true or false. */
export function flag() {
    return z.boolean({ error: "must be true or false" });
}

/** A whole number from `min` to `max`. */
export function whole(min: number, max: number) {
    const error = `must be a whole number from ${min} to ${max}`;
    return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

/** One of `choices`, listed in the message. */
export function oneOf<T extends string>(choices: readonly [T, ...T[]]) {
    return z.enum(choices, { error: `must be one of ${choices.map((c) => `"${c}"`).join(", ")}` });
}

/** A list (YAML sequence) of `item`. */
export function list<T extends z.ZodType>(item: T) {
    return z.array(item, { error: "must be a list (YAML sequence)" });
}

/** A map (YAML mapping) with exactly these keys: an unknown key is a problem. */
export function map<T extends z.ZodRawShape>(shape: T) {
    return z.strictObject(shape, {
        error: (issue) =>
            issue.code === "invalid_type" ? "must be a map (YAML mapping)" : undefined,
    });
}

/** Marks a problem found by a check across keys. */
const ACROSS = "acrossKeys";

/** Whether a problem at `at` touches `path` ("users.*.level"): one lies within the other. */
function touches(at: readonly PropertyKey[], path: readonly string[]): boolean {
    return at
        .slice(0, path.length)
        .every((part, i) =>
            path[i] === "*" ? typeof part === "number" : String(part) === path[i],
        );
}

/**
 * A check across several keys, run even when other keys have problems (so every problem is
 * reported at once), but only when none of `paths` has one of its own. A path is a key or a
 * dotted path into one, `*` for any list index ("users.*.level"), so a user's bad name does not
 * hold back a check that reads only levels. Another check across keys finding a problem does
 * not count.
 */
export function across<T>(
    paths: readonly string[],
    check: (value: T, ctx: z.RefinementCtx) => void,
) {
    const split = paths.map((p) => p.split("."));
    return z.superRefine<T>(
        (value, ctx) =>
            check(value, {
                ...ctx,
                addIssue: (issue) =>
                    ctx.addIssue(
                        typeof issue === "string"
                            ? issue
                            : { ...issue, params: { ...(issue.params as object), [ACROSS]: true } },
                    ),
            }),
        {
            when: (payload) =>
                !payload.issues.some(
                    (i) =>
                        !(i as { params?: Record<string, unknown> }).params?.[ACROSS] &&
                        // An unknown key's problem sits on its map: it touches only that key.
                        (i.code === "unrecognized_keys"
                            ? i.keys.map((k) => [...(i.path ?? []), k])
                            : [i.path ?? []]
                        ).some((at) => split.some((path) => touches(at, path))),
                ),
        },
    );
}

/**
 * A problem for each list entry whose `field` (or, without one, the entry itself) repeats an
 * earlier entry's after `fold`. Run over every entry that has the value, even when other entries
 * have problems.
 */
export function noRepeats<T>(
    field: string | undefined,
    message: string,
    fold: (value: string) => string = (v) => v,
) {
    return z.superRefine<T[]>(
        (entries, ctx) => {
            const seen = new Set<string>();
            entries.forEach((entry, i) => {
                const value =
                    field === undefined ? entry : (entry as Record<string, unknown>)?.[field];
                if (typeof value !== "string") {
                    return;
                }
                if (seen.has(fold(value))) {
                    problem(ctx, field === undefined ? [i] : [i, field], value, message);
                }
                seen.add(fold(value));
            });
        },
        { when: (payload) => Array.isArray(payload.value) },
    );
}

/** A problem at `path`, for use inside across(). */
export function problem(
    ctx: z.RefinementCtx,
    path: PropertyKey[],
    input: unknown,
    message: string,
): void {
    ctx.addIssue({ code: "custom", path, input, message });
}

/** The partition in an ARN's second field, when it differs from the stack's. */
export function otherPartition(arn: string, partition: Partition): string | undefined {
    const p = /^arn:([^:]+):/.exec(arn)?.[1];
    return p !== undefined && p !== partition ? p : undefined;
}

export function partitionMismatch(found: string, partition: Partition): string {
    return `is in partition "${found}" but the stack's region is in "${partition}"`;
}
