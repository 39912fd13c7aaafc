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

/**
 * A check across several keys, run even when other keys have problems (so every problem is
 * reported at once), but only when none of `keys` has one of its own: another check across keys
 * finding one there does not count.
 */
export function across<T>(
    keys: readonly string[],
    check: (value: T, ctx: z.RefinementCtx) => void,
) {
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
                        keys.includes(String(i.path?.[0])) &&
                        !(i as { params?: Record<string, unknown> }).params?.[ACROSS],
                ),
        },
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
