/**
 * What a preview or refresh shows for review, as a person reads it: each changing resource with
 * its property diffs (a policy document as a line diff), then the engine's warnings. The changes
 * come from the engine's events (automation/engineEvents.ts).
 */
import { SECRET } from "./engineValues";
import { PropertyChange, ResourceChange, UNKNOWN_TEXT } from "./engineEvents";

/** Steps a person reviews; `same` and `read` change nothing. */
export function isChange(op: string): boolean {
    return op !== "same" && op !== "read";
}

const SYMBOL: Record<string, string> = {
    create: "+",
    update: "~",
    delete: "-",
    replace: "+-",
    import: "=",
    discard: "-",
};

/** A string holding a JSON object or array (a policy document), parsed; else undefined. */
function jsonDocument(value: unknown): unknown {
    if (typeof value !== "string" || !/^\s*[[{]/.test(value)) {
        return undefined;
    }
    try {
        return JSON.parse(value);
    } catch {
        return undefined;
    }
}

/** A line diff (longest common subsequence): unchanged lines `  `, removed `- `, added `+ `. */
export function lineDiff(before: string[], after: string[]): string[] {
    const n = before.length;
    const m = after.length;
    const lcs = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
    for (let i = n - 1; i >= 0; i--) {
        for (let j = m - 1; j >= 0; j--) {
            lcs[i][j] =
                before[i] === after[j]
                    ? lcs[i + 1][j + 1] + 1
                    : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
        }
    }
    const out: string[] = [];
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && before[i] === after[j]) {
            out.push(`  ${before[i++]}`);
            j++;
        } else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) {
            out.push(`- ${before[i++]}`);
        } else {
            out.push(`+ ${after[j++]}`);
        }
    }
    return out;
}

/**
 * Keeps `context` unchanged lines around each change; a run of two or more unchanged lines
 * further away becomes `  ...`.
 */
export function withContext(lines: string[], context: number): string[] {
    const changed = lines.map((l) => !l.startsWith("  "));
    const keep = lines.map((_, i) =>
        changed.slice(Math.max(0, i - context), i + context + 1).some(Boolean),
    );
    const out: string[] = [];
    for (let i = 0; i < lines.length;) {
        let end = i;
        while (end < lines.length && !keep[end]) {
            end++;
        }
        if (end - i >= 2) {
            out.push("  ...");
            i = end;
        } else {
            out.push(lines[i++]);
        }
    }
    return out;
}

/** Unchanged lines shown around each change in a document. */
const DOCUMENT_CONTEXT = 3;

/** One property change for a person: a JSON document as a line diff, else `old => new`. */
export function formatProperty(p: PropertyChange): string[] {
    const head = `${p.path}${p.replaces ? " (forces replacement)" : ""}`;
    const oldDoc = jsonDocument(p.old);
    const newDoc = jsonDocument(p.new);
    if (oldDoc !== undefined || newDoc !== undefined) {
        const lines = (doc: unknown, raw: unknown) =>
            raw === undefined ? [] : JSON.stringify(doc ?? raw, null, 2).split("\n");
        const diff = lineDiff(lines(oldDoc, p.old), lines(newDoc, p.new));
        return [`${head}:`, ...withContext(diff, DOCUMENT_CONTEXT)];
    }
    const show = (v: unknown) => (v === SECRET || v === UNKNOWN_TEXT ? v : JSON.stringify(v));
    switch (p.kind) {
        case "add":
            return [`${head}: + ${show(p.new)}`];
        case "delete":
            return [`${head}: - ${show(p.old)}`];
        default:
            return [`${head}: ${show(p.old)} => ${show(p.new)}`];
    }
}

/** A stack's drift: each resource whose live state differs from the state, with the differences. */
export function formatDrift(stack: string, resources: ResourceChange[]): string {
    const lines = [
        resources.length === 0
            ? `${stack}: no drift`
            : `${stack}: ${resources.length} resource${resources.length === 1 ? "" : "s"} differ${resources.length === 1 ? "s" : ""} from the state`,
    ];
    for (const r of resources) {
        lines.push(
            r.op === "delete"
                ? `  - gone ${r.type} ${r.name} (in the state, no longer in the cloud)`
                : `  ~ drifted ${r.type} ${r.name}`,
        );
        for (const p of r.properties) {
            lines.push(...formatProperty(p).map((l) => `        ${l}`));
        }
    }
    return lines.join("\n");
}

/** A stack's review: each changing resource with its property diffs, then the warnings. */
export function formatReview(
    stack: string,
    resources: ResourceChange[],
    warnings: string[],
): string {
    const lines = [
        resources.length === 0
            ? `${stack}: no changes`
            : `${stack}: ${resources.length} resource${resources.length === 1 ? "" : "s"} to change`,
    ];
    for (const r of resources) {
        lines.push(`  ${SYMBOL[r.op] ?? r.op} ${r.op} ${r.type} ${r.name}`);
        for (const p of r.properties) {
            lines.push(...formatProperty(p).map((l) => `        ${l}`));
        }
    }
    lines.push(...warnings.map((w) => `  warning: ${w}`));
    return lines.join("\n");
}
