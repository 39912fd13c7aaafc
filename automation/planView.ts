/** How a plan reads: resources, every policy document in full, attached policies, who can do what. */
import type { StackArgs } from "../config";
import { SSM_FULL_ACCESS, SSM_READ_ONLY, groupName } from "../policies/users";
import type { StackPlan } from "./plan";
import { KNOWN_AT_DEPLOY } from "./planMocks";

/** Inputs that hold a JSON document: shown parsed, in full. */
export const DOCUMENT_INPUTS = new Set(["assumeRolePolicy", "policy", "content"]);

export interface UserAccess {
    user: string;
    level: string;
    group: string;
    accessKeys: string[];
    /** What the user may do, in words. */
    may: string;
}

export interface AccessView {
    users: UserAccess[];
    /** One line per relaunch entry: what happens to the source. */
    relaunch: string[];
}

/** Who can do what in a stack, from its validated configuration. */
export function accessView(args: StackArgs): AccessView {
    const rc = args.runCommand;
    const operator = rc.operatorAccess;
    const may = (level: string): string => {
        if (level === "admin") {
            return rc.useManagedUserPolicies
                ? `${SSM_FULL_ACCESS}: every SSM action on every resource (any document, AWS-RunShellScript included, on any instance), plus the other services that policy grants`
                : "ssm:* and ec2:DescribeInstanceStatus on every resource (the guide's user policy): any document, AWS-RunShellScript included, on any instance";
        }
        if (level === "read-only") {
            return `${SSM_READ_ONLY}: describe, get and list SSM resources, Parameter Store values excepted (explicitly denied), every command's parameters and output included (IAM cannot scope those); runs nothing`;
        }
        return (
            `runs only ${operator?.documents.join(", ")} on instances tagged ${operator?.instanceTag.key}=${operator?.instanceTag.value}; ` +
            "reads every command's parameters and output (IAM cannot scope ListCommands and GetCommandInvocation), no Parameter Store values (explicitly denied); cannot start sessions, automations or associations, or edit documents (explicitly denied)"
        );
    };
    return {
        users: (rc.users ?? []).map((u) => ({
            user: u.name,
            level: u.level,
            group: groupName(`ssm-access-${args.stack}`, u.level),
            accessKeys: u.accessKeys,
            may: may(u.level),
        })),
        relaunch: args.relaunch.map(
            (r) =>
                `${r.instanceId}: imaged ${r.noReboot ? "without a reboot (noReboot: true)" : "with one reboot of the source (noReboot: false), again whenever the image is replaced"}; a replacement with the instance profile runs beside it until you cut over`,
        ),
    };
}

function policyArnsOf(plan: StackPlan): string[] {
    const attached = plan.resources
        .filter((r) => /PolicyAttachment$/.test(r.type) && typeof r.inputs.policyArn === "string")
        .map((r) => `${r.name} -> ${r.inputs.policyArn as string}`);
    const boundaries = plan.resources
        .filter((r) => typeof r.inputs.permissionsBoundary === "string")
        .map(
            (r) => `${r.name} -> ${r.inputs.permissionsBoundary as string} (permissions boundary)`,
        );
    return [...attached, ...boundaries];
}

const EXCLUSIVE = /^aws:iam\/(group|user|role)(PolicyAttachments|Policies)Exclusive:/;

/**
 * Each principal whose policies the stack owns exclusively, with the managed ARNs and inline names
 * it may hold: anything else found there is drift, and `up` after a refresh removes it.
 */
function exclusiveSetsOf(plan: StackPlan): string[] {
    const sets = new Map<string, { managed?: unknown[]; inline?: unknown[] }>();
    for (const r of plan.resources) {
        const m = EXCLUSIVE.exec(r.type);
        if (!m) {
            continue;
        }
        const [, kind, what] = m;
        const principal = `${kind} ${String(r.inputs[`${kind}Name`])}`;
        const set = sets.get(principal) ?? {};
        if (what === "PolicyAttachments") {
            set.managed = r.inputs.policyArns as unknown[];
        } else {
            set.inline = r.inputs.policyNames as unknown[];
        }
        sets.set(principal, set);
    }
    const list = (items?: unknown[]) => (items?.length ? items.join(", ") : "none");
    return [...sets]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(
            ([principal, s]) =>
                `${principal}: managed ${list(s.managed)}; inline ${list(s.inline)}`,
        );
}

/** The plan as a person reads it. */
export function formatPlan(plan: StackPlan): string {
    const lines = [`Stack ${plan.stack} (region ${plan.region ?? "?"}, account ${plan.account})`];
    if (plan.error) {
        return [...lines, `  error: ${plan.error.split("\n").join("\n  ")}`].join("\n");
    }
    lines.push(...plan.notes.map((n) => `  note: ${n}`));
    lines.push(...plan.warnings.map((w) => `  warning: ${w}`));
    const byType = new Map<string, string[]>();
    for (const r of plan.resources) {
        byType.set(r.type, [...(byType.get(r.type) ?? []), r.name]);
    }
    lines.push(`  ${plan.resources.length} resources would be created:`);
    for (const [type, names] of byType) {
        lines.push(`    ${type} (${names.length})`, ...names.map((n) => `      ${n}`));
    }
    const attached = policyArnsOf(plan);
    if (attached.length > 0) {
        lines.push(
            "  Attached managed policies and boundaries:",
            ...attached.map((a) => `    ${a}`),
        );
    }
    const exclusive = exclusiveSetsOf(plan);
    if (exclusive.length > 0) {
        lines.push(
            "  Policies held exclusively (anything else there is drift; up after a refresh removes it):",
            ...exclusive.map((e) => `    ${e}`),
        );
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
            } else if (typeof doc === "string" && key !== "content") {
                lines.push(`  ${r.type} ${r.name} ${key}: ${doc}`);
            }
        }
    }
    if (plan.access) {
        lines.push("  Who can do what:");
        for (const u of plan.access.users) {
            const keys = u.accessKeys.length > 0 ? `keys ${u.accessKeys.join(", ")}` : "no keys";
            lines.push(`    ${u.user} (${u.level}, group ${u.group}, ${keys}): ${u.may}`);
        }
        if (plan.access.users.length === 0) {
            lines.push("    no users");
        }
        lines.push(...plan.access.relaunch.map((r) => `    relaunch ${r}`));
    }
    if (plan.lookups.length > 0) {
        lines.push(
            `  Deploy-time lookups (AWS answers these at preview/up; values derived from them show as ${KNOWN_AT_DEPLOY}):`,
        );
        lines.push(...plan.lookups.map((l) => `    ${l.token} ${JSON.stringify(l.inputs)}`));
    }
    return lines.join("\n");
}
