/**
 * Configuration problems as people read them: one line each, naming the full key path, the value
 * (never a secret or key material) and what is accepted.
 */
import * as pulumi from "@pulumi/pulumi";
import type { core } from "zod";

export const PROJECT = "ssm-access";

/** A configuration problem for one stack; `problems` holds one line per bad key. */
export class ConfigError extends pulumi.RunError {
    constructor(
        readonly stack: string,
        readonly problems: string[],
    ) {
        super(
            `Invalid configuration for stack "${stack}" (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
                problems.map((p) => `  - ${p}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

/** Shown instead of a value that was set as a secret. */
export const SECRET_VALUE = "[secret]";

/** A value as it appears in an error: strings quoted, long values cut, key material never shown. */
export function show(value: unknown): string {
    const text = JSON.stringify(value) ?? String(value);
    if (text.includes("-----BEGIN PGP")) {
        return "(an OpenPGP key block, not shown)";
    }
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** `ssm-access:users[1].accessKeys` from ["users", 1, "accessKeys"]; keys with a namespace stay as they are. */
export function keyPath(path: readonly PropertyKey[]): string {
    let out = "";
    for (const part of path) {
        out +=
            typeof part === "number" ? `[${part}]` : out === "" ? String(part) : `.${String(part)}`;
    }
    return out.includes(":") && !out.includes(".") && !out.includes("[")
        ? out
        : `${PROJECT}:${out}`;
}

/**
 * The known name closest to `name`: one it abbreviates, or one within an edit distance of about a
 * third of its length.
 */
export function closest(name: string, known: readonly string[]): string | undefined {
    const lower = name.toLowerCase();
    const abbreviated = known.find((k) => lower.length >= 3 && k.toLowerCase().startsWith(lower));
    if (abbreviated) {
        return abbreviated;
    }
    let best: string | undefined;
    let bestDistance = Math.max(2, Math.ceil(name.length / 3)) + 1;
    for (const candidate of known) {
        const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
        if (d < bestDistance) {
            best = candidate;
            bestDistance = d;
        }
    }
    return best;
}

function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            current[j] = Math.min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
            );
        }
        previous = current;
    }
    return previous[b.length];
}

/** `KEY = VALUE`, or `KEY is missing` when nothing was written there. */
export function stated(key: string, shownValue: string, value: unknown): string {
    return value === undefined ? `${key} is missing` : `${key} = ${shownValue}`;
}

/** Extra fields a custom issue may carry: how to show its value. */
export interface ShownParams {
    shown?: string;
}

/**
 * One line per problem in a zod error. An unknown key names the closest known key; a value set
 * as a secret is never shown.
 */
export function problemLines(
    issues: readonly core.$ZodIssue[],
    knownKeys: (path: readonly PropertyKey[]) => readonly string[],
    secretKeys: ReadonlySet<string>,
): string[] {
    const lines: string[] = [];
    const shown = (path: readonly PropertyKey[], value: unknown, custom?: string) =>
        secretKeys.has(String(path[0])) && value !== undefined
            ? SECRET_VALUE
            : (custom ?? show(value));
    for (const issue of issues) {
        if (issue.code === "unrecognized_keys") {
            const known = knownKeys(issue.path);
            const where = issue.path.length === 0 ? "this project" : keyPath(issue.path);
            for (const key of issue.keys) {
                const path = [...issue.path, key];
                const guess = closest(key, known);
                const value = (issue.input as Record<string, unknown> | undefined)?.[key];
                lines.push(
                    `${keyPath(path)} = ${shown(path, value)}: is not a setting of ${where}; ` +
                        (guess ? `did you mean "${guess}"? ` : "") +
                        `known: ${known.join(", ")}`,
                );
            }
            continue;
        }
        const params = (issue as { params?: ShownParams }).params;
        const input = issue.input;
        // A YAML number or boolean where text belongs (`pulumi config set --path` writes 2026 so).
        const hint =
            issue.code === "invalid_type" &&
            issue.expected === "string" &&
            (typeof input === "number" || typeof input === "boolean")
                ? ` (YAML read ${String(input)} as a ${typeof input}: quote it, "${String(input)}", or set it with pulumi config set --path ... --type string)`
                : "";
        lines.push(
            `${stated(keyPath(issue.path), shown(issue.path, input, params?.shown), input)}: ${issue.message}${hint}`,
        );
    }
    return lines;
}
