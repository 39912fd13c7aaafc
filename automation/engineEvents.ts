/**
 * What a preview or refresh changes, read from the Automation API's engine events (no CLI text is
 * parsed): the resources that change, with their property diffs, secrets masked, and the engine's
 * warnings. automation/review.ts turns them into text for a person.
 */
import type { DiagnosticEvent, StepEventMetadata } from "@pulumi/pulumi/automation";

import { SECRET, SECRET_SIG, SIG_KEY, UNKNOWN_SENTINEL } from "./engineValues";

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
