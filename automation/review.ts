/**
 * What a preview shows for review: the resources that change, with their property diffs, and the
 * engine's warnings, read from the Automation API's engine events (no CLI text is parsed).
 */
import type { DiagnosticEvent, StepEventMetadata } from "@pulumi/pulumi/automation";

import { SECRET, SECRET_SIG, SIG_KEY, UNKNOWN_SENTINEL } from "./engineValues";

export { SECRET };
export const UNKNOWN_TEXT = "[known after apply]";

export interface PropertyChange {
    /** The property path as the engine names it, e.g. `policy` or `tags["team"]`. */
    path: string;
    kind: "add" | "update" | "delete";
    /** This property's change replaces the resource. */
    replaces: boolean;
    old?: unknown;
    new?: unknown;
}

export interface ResourceChange {
    op: string;
    type: string;
    /** The resource's logical name (the end of its URN). */
    name: string;
    properties: PropertyChange[];
}

/** Steps a person reviews; `same` and `read` change nothing. */
export function isChange(op: string): boolean {
    return op !== "same" && op !== "read";
}

/** Ops shown in the review: a replacement is one line (`replace`), not its three steps. */
const REVIEWED_OPS = new Set(["create", "update", "delete", "replace", "import", "discard"]);

/** A value with secrets shown as [secret] and unknowns as [known after apply]. */
export function mask(value: unknown): unknown {
    if (value === UNKNOWN_SENTINEL) {
        return UNKNOWN_TEXT;
    }
    if (Array.isArray(value)) {
        return value.map(mask);
    }
    if (value !== null && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (record[SIG_KEY] === SECRET_SIG) {
            return SECRET;
        }
        return Object.fromEntries(
            Object.entries(record)
                .filter(([k]) => k !== "__defaults")
                .map(([k, v]) => [k, mask(v)]),
        );
    }
    return value;
}

/** Splits an engine property path (`a.b[0]`, `tags["x.y"]`) into keys. */
export function parsePath(path: string): (string | number)[] {
    const keys: (string | number)[] = [];
    const re = /([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g;
    for (const m of path.matchAll(re)) {
        keys.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : JSON.parse(`"${m[3]}"`)));
    }
    return keys;
}

function at(value: unknown, keys: (string | number)[]): unknown {
    let v = value;
    for (const k of keys) {
        if (v === null || typeof v !== "object") {
            return undefined;
        }
        v = (v as Record<string | number, unknown>)[k];
    }
    return v;
}

function kindOf(diffKind: string): { kind: PropertyChange["kind"]; replaces: boolean } {
    const [kind, replace] = diffKind.split("-");
    return {
        kind: kind === "add" || kind === "delete" ? kind : "update",
        replaces: replace === "replace",
    };
}

/**
 * The property changes of a step: the properties the engine names (`detailedDiff` when the
 * provider gives one, `diffs`, and `keys`, the properties forcing a replacement), and every other
 * top-level input that differs between the old and new state (a provider without a detailed diff
 * names only what forces the replacement, not the policy document that changes with it).
 */
function propertyChanges(meta: StepEventMetadata): PropertyChange[] {
    const oldInputs = meta.old?.inputs ?? {};
    const newInputs = meta.new?.inputs ?? {};
    const replaceKeys = new Set(meta.keys ?? []);
    const detailed = meta.detailedDiff ?? {};
    const paths = [
        ...new Set([...Object.keys(detailed), ...(meta.diffs ?? []), ...(meta.keys ?? [])]),
    ];
    const named = new Set(paths.map((p) => String(parsePath(p)[0])));
    const names = new Set([...Object.keys(oldInputs), ...Object.keys(newInputs)]);
    paths.push(
        ...[...names].filter(
            (k) =>
                k !== "__defaults" &&
                !named.has(k) &&
                JSON.stringify(oldInputs[k]) !== JSON.stringify(newInputs[k]),
        ),
    );
    return paths.sort().map((path) => {
        const keys = parsePath(path);
        const oldValue = mask(at(oldInputs, keys));
        const newValue = mask(at(newInputs, keys));
        const given = detailed[path] as { diffKind: string } | undefined;
        const { kind, replaces } = given
            ? kindOf(given.diffKind)
            : {
                  kind: (oldValue === undefined
                      ? "add"
                      : newValue === undefined
                        ? "delete"
                        : "update") as PropertyChange["kind"],
                  replaces: replaceKeys.has(path),
              };
        return {
            path,
            kind,
            replaces,
            ...(oldValue === undefined ? {} : { old: oldValue }),
            ...(newValue === undefined ? {} : { new: newValue }),
        };
    });
}

/** The reviewable change of a step, or undefined for steps that change nothing or repeat one. */
export function resourceChange(meta: StepEventMetadata): ResourceChange | undefined {
    if (!REVIEWED_OPS.has(meta.op)) {
        return undefined;
    }
    return {
        op: meta.op,
        type: meta.type,
        name: meta.urn.split("::").pop() ?? meta.urn,
        properties: meta.op === "update" || meta.op === "replace" ? propertyChanges(meta) : [],
    };
}

/**
 * Drift a preview-only refresh found in one resource: the top-level outputs the live resource
 * reports (new) that differ from the state's (old), secrets masked; a resource that no longer
 * exists as a delete. Undefined when the two agree. The CLI shows a refresh's diff the same way,
 * from the step's old and new outputs (pulumi/pulumi pkg/backend/display, refresh).
 */
export function driftChange(meta: StepEventMetadata): ResourceChange | undefined {
    if (meta.type.startsWith("pulumi:")) {
        return undefined;
    }
    const name = meta.urn.split("::").pop() ?? meta.urn;
    if (meta.op === "delete" || (meta.old && !meta.new)) {
        return { op: "delete", type: meta.type, name, properties: [] };
    }
    const before = meta.old?.outputs ?? {};
    const after = meta.new?.outputs ?? {};
    const properties: PropertyChange[] = [
        ...new Set([...Object.keys(before), ...Object.keys(after)]),
    ]
        .filter((k) => k !== "__defaults")
        .sort()
        .flatMap((path): PropertyChange[] => {
            const old = mask(before[path]);
            const now = mask(after[path]);
            if (JSON.stringify(old) === JSON.stringify(now)) {
                return [];
            }
            const kind = old === undefined ? "add" : now === undefined ? "delete" : "update";
            return [
                {
                    path,
                    kind,
                    replaces: false,
                    ...(old === undefined ? {} : { old }),
                    ...(now === undefined ? {} : { new: now }),
                },
            ];
        });
    return properties.length > 0 ? { op: "update", type: meta.type, name, properties } : undefined;
}

/** An engine warning as one line, prefixed with the resource it concerns; else undefined. */
export function warningFrom(event: DiagnosticEvent): string | undefined {
    if (event.severity !== "warning") {
        return undefined;
    }
    // Pulumi's colour markup (`<{%reset%}>`) can remain even with colour off.
    const message = event.message.replace(/<\{%[^%]*%\}>/g, "").trim();
    const name = event.urn?.split("::").pop();
    return name ? `${name}: ${message}` : message;
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
