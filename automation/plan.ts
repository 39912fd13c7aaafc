/**
 * `plan`: the real program for each stack under Pulumi mocks. No CLI, no backend, no AWS
 * credentials. Resources are recorded as declared; anything only AWS can answer (lookups, and
 * every value computed from them) stays unknown and is shown as such, and values the provider
 * chooses (ARNs, ids, auto-names) are placeholders naming what they stand for, never invented.
 */
import { PROJECT, StackArgs, validateStack } from "../config";
import { fromFiles } from "../config/raw";
import { runProgram } from "../program";
import { waitForRegistrations, withOwnRuntimeState } from "../runtime/sdkInternals";
import { SECRET, SIG_KEY, UNKNOWN_SENTINEL } from "./engineValues";
import { KNOWN_AT_DEPLOY, installPlanMocks } from "./planMocks";
import { AccessView, DOCUMENT_INPUTS, accessView } from "./planView";

export { formatPlan } from "./planView";
export { KNOWN_AT_DEPLOY, SECRET };

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
    /** The stack's region, from its configuration. */
    region?: string;
    /** The account: only AWS credentials say which, at deploy. */
    account: string;
    resources: PlannedResource[];
    /** Invokes AWS answers at deploy time; their results are unknown in the plan. */
    lookups: Lookup[];
    /** What the plan could not check, e.g. settings set as secrets (their values are not in the files). */
    notes: string[];
    /** Warnings the program printed (e.g. a deprecated mode). */
    warnings: string[];
    /** Who can do what, from the validated configuration. */
    access?: AccessView;
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
        if (SIG_KEY in obj) {
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

/**
 * Plans one stack in this process, under mocks installed in Pulumi runtime state of its own: the
 * caller's mocks, stack and work in flight are untouched (the unit tests run the program under
 * their own mocks in the same process). Stacks are planned one at a time: the program's warnings
 * are read from console.warn.
 */
export async function planStack(projectDir: string, stack: string): Promise<StackPlan> {
    const plan: StackPlan = {
        stack,
        account: KNOWN_AT_DEPLOY,
        resources: [],
        lookups: [],
        notes: [],
        warnings: [],
    };
    // Under mocks the SDK has no engine to send warnings to and prints them with console.warn.
    const warn = console.warn;
    console.warn = (...parts: unknown[]) =>
        plan.warnings.push(parts.join(" ").replace(/^warning: (\[runtime\] )?/, ""));
    try {
        await withOwnRuntimeState(async () => {
            await installPlanMocks(PROJECT, stack, {
                resource: (type, name, inputs) =>
                    plan.resources.push({
                        type,
                        name,
                        inputs: render(inputs) as Record<string, unknown>,
                    }),
                lookup: (token, inputs) =>
                    plan.lookups.push({ token, inputs: render(inputs) as Record<string, unknown> }),
            });
            await runProgram(() => validated(projectDir, stack, plan));
            await waitForRegistrations();
        });
    } catch (err) {
        return {
            ...plan,
            resources: [],
            lookups: [],
            access: undefined,
            error: (err as Error).message,
        };
    } finally {
        console.warn = warn;
    }
    plan.resources.sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
    return plan;
}

/** The stack's validated configuration, read from its files, noting in `plan` what it shows. */
async function validated(projectDir: string, stack: string, plan: StackPlan): Promise<StackArgs> {
    const raw = fromFiles(projectDir, stack);
    // Shown in the header even when the configuration is refused.
    plan.region = typeof raw.aws.region === "string" ? raw.aws.region : undefined;
    const args: StackArgs = await validateStack(raw);
    plan.access = accessView(args);
    plan.notes.push(...args.unreadable);
    const adopted = args.instanceAccess.existingRoleName;
    if (adopted) {
        plan.notes.push(
            `existingRoleName "${adopted}": whether EC2 may assume it is verified at preview/up, when AWS answers the lookup; nothing is attached to it until then`,
        );
    }
    plan.notes.push(
        ...args.unreadSecrets.map((key) => {
            const inside = raw.secretsInside[key];
            return inside
                ? `${PROJECT}:${key} holds a secret at ${inside.join(", ")}: its value is not in the stack file, so the plan takes all of ${PROJECT}:${key} as unset; preview checks it`
                : `${PROJECT}:${key} is set as a secret: its value is not in the stack file, so the plan takes it as unset; preview checks it`;
        }),
    );
    return args;
}
