/**
 * `plan`: the real program for each stack under Pulumi mocks. No CLI, no backend, no AWS
 * credentials. Resources are recorded as declared; anything only AWS can answer (lookups, and
 * every value computed from them or from a created resource) stays unknown and is shown as such,
 * never invented.
 */
import * as pulumi from "@pulumi/pulumi";
import { PROJECT, validateStack } from "../config";
import { fromFiles } from "../config/raw";
import { runProgram } from "../program";
import { waitForRegistrations } from "../runtime/sdkInternals";

export const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const KNOWN_AT_DEPLOY = "[known at deploy]";
export const SECRET = "[secret]";
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
/** Inputs that hold a JSON document: shown parsed, in full. */
const DOCUMENT_INPUTS = new Set(["assumeRolePolicy", "policy", "content"]);

export interface PlannedResource {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}

export interface Lookup {
    token: string;
    inputs: Record<string, unknown>;
}

export interface StackPlan {
    stack: string;
    resources: PlannedResource[];
    /** Invokes AWS answers at deploy time; their results are unknown in the plan. */
    lookups: Lookup[];
    /** What the plan could not check, e.g. settings set as secrets (their values are not in the files). */
    notes: string[];
    error?: string;
}

/** Mock-runtime values as a person should read them: unknowns and secrets marked, documents parsed. */
export function render(value: unknown, key = ""): unknown {
    if (Array.isArray(value)) {
        return value.map((v) => render(v));
    }
    if (value && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        if (obj.__pulumiUnknown === true) {
            return KNOWN_AT_DEPLOY;
        }
        if (SECRET_SIG in obj) {
            return SECRET;
        }
        return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, render(v, k)]));
    }
    if (typeof value === "string") {
        if (value === UNKNOWN_SENTINEL) {
            return KNOWN_AT_DEPLOY;
        }
        if (DOCUMENT_INPUTS.has(key)) {
            try {
                return render(JSON.parse(value));
            } catch {
                return value;
            }
        }
    }
    return value;
}

/** Plans one stack in this process. Stacks must be planned one at a time (mocks are global). */
export async function planStack(projectDir: string, stack: string): Promise<StackPlan> {
    const resources: PlannedResource[] = [];
    const lookups: Lookup[] = [];
    const notes: string[] = [];
    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                resources.push({
                    type: args.type,
                    name: args.name,
                    inputs: render(args.inputs) as Record<string, unknown>,
                });
                // Echo the inputs, as a real preview does; ids, ARNs and provider-chosen names stay unknown.
                return { id: "", state: args.inputs };
            },
            call(args) {
                lookups.push({
                    token: args.token,
                    inputs: render(args.inputs) as Record<string, unknown>,
                });
                return { result: UNKNOWN_SENTINEL };
            },
        },
        PROJECT,
        stack,
        true,
    );
    try {
        await runProgram(async () => {
            const args = await validateStack(fromFiles(projectDir, stack));
            notes.push(
                ...args.unreadSecrets.map(
                    (key) =>
                        `${PROJECT}:${key} is set as a secret: its value is not in the stack file, so the plan takes it as unset; preview checks it`,
                ),
            );
            return args;
        });
        await waitForRegistrations();
    } catch (err) {
        return { stack, resources: [], lookups: [], notes, error: (err as Error).message };
    }
    resources.sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
    return { stack, resources, lookups, notes };
}

/** The plan as a person reads it: resources by type, every policy document in full, the lookups. */
export function formatPlan(plan: StackPlan): string {
    const lines = [`Stack ${plan.stack}`];
    if (plan.error) {
        return [...lines, `  error: ${plan.error.split("\n").join("\n  ")}`].join("\n");
    }
    const byType = new Map<string, string[]>();
    for (const r of plan.resources) {
        byType.set(r.type, [...(byType.get(r.type) ?? []), r.name]);
    }
    lines.push(...plan.notes.map((n) => `  note: ${n}`));
    lines.push(`  ${plan.resources.length} resources would be created:`);
    for (const [type, names] of byType) {
        lines.push(`    ${type} (${names.length})`, ...names.map((n) => `      ${n}`));
    }
    for (const r of plan.resources) {
        for (const key of DOCUMENT_INPUTS) {
            const doc = r.inputs[key];
            if (doc && typeof doc === "object") {
                lines.push(
                    `  ${r.type} ${r.name} ${key}:`,
                    ...JSON.stringify(doc, null, 2)
                        .split("\n")
                        .map((l) => `    ${l}`),
                );
            }
        }
    }
    if (plan.lookups.length > 0) {
        lines.push(
            `  Deploy-time lookups (AWS answers these at preview/up; values derived from them show as ${KNOWN_AT_DEPLOY}):`,
        );
        lines.push(...plan.lookups.map((l) => `    ${l.token} ${JSON.stringify(l.inputs)}`));
    }
    return lines.join("\n");
}
