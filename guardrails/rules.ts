/**
 * The guardrails' checks, each a function of what the engine shows the pack: trust, S3 on `*`,
 * ssm:* for non-admins, the operators' denies and document parameters. index.ts declares the pack.
 */
import { PolicyResource, ReportViolation, StackValidationArgs } from "@pulumi/policy";
import { PARTITIONS, Partition, partitionOfRegion } from "../policies/iam";
import { verifyServiceTrust } from "../policies/trust";
import { ParameterRule } from "../policies/parameterSafety";
import { runtimeReferences, unsafeSplices } from "../policies/ssmDocument";
import { OPERATOR_DENIED_ACTIONS, PARAMETER_READ_ACTIONS } from "../policies/ssmActions";
import { levelOfGroup } from "../policies/users";

interface Statement {
    Effect?: string;
    Action?: string | string[];
    Resource?: string | string[];
    NotResource?: string | string[];
    Condition?: Record<string, Record<string, unknown>>;
}

const list = <T>(v: T | T[] | undefined): T[] =>
    v === undefined ? [] : Array.isArray(v) ? v : [v];

function statements(resource: PolicyResource): Statement[] {
    const text = resource.props.policy;
    if (typeof text !== "string") {
        return [];
    }
    try {
        return list((JSON.parse(text) as { Statement?: Statement | Statement[] }).Statement);
    } catch {
        return [];
    }
}

const POLICY_TYPES = [
    "aws:iam/policy:Policy",
    "aws:iam/groupPolicy:GroupPolicy",
    "aws:iam/rolePolicy:RolePolicy",
];

/**
 * The partition a role lives in, from the region its provider was configured with (the stack's
 * aws:region for the default provider), known at every preview; the role's ARN, the fallback, is
 * unknown until the role exists.
 */
function partitionOf(role: PolicyResource): Partition {
    const region = role.provider?.props.region;
    if (typeof region === "string" && region !== "") {
        return partitionOfRegion(region);
    }
    const fromArn = String(role.props.arn ?? "").split(":")[1];
    return PARTITIONS.includes(fromArn as Partition) ? (fromArn as Partition) : "aws";
}

export function instanceRolesTrustEc2(args: StackValidationArgs, report: ReportViolation): void {
    const roles = args.resources.filter((r) => r.type === "aws:iam/role:Role");
    for (const profile of args.resources.filter(
        (r) => r.type === "aws:iam/instanceProfile:InstanceProfile",
    )) {
        const role = roles.find((r) => r.props.name === profile.props.role);
        if (!role || typeof role.props.assumeRolePolicy !== "string") {
            continue;
        }
        const verdict = verifyServiceTrust(role.props.assumeRolePolicy, "ec2", partitionOf(role));
        if (!verdict.trusted) {
            report(
                `instance profile ${profile.name} holds role ${role.name}, which EC2 cannot assume: ${verdict.reason}`,
                role.urn,
            );
        }
    }
}

/**
 * AWS managed policies that allow S3 actions on "*", by name after `:iam::aws:policy/`, as AWS
 * publishes them (AWS managed policy reference; archived in zoph-io/MAMIP policies/<name>).
 */
const MANAGED_S3_ON_STAR: Record<string, string> = {
    // v8: s3:GetObject, PutObject, ListBucket and five more on "*".
    "service-role/AmazonEC2RoleforSSM": "s3:GetObject, s3:PutObject, s3:ListBucket and more",
    // v2: s3:* and s3-object-lambda:* on "*".
    AmazonS3FullAccess: "s3:*",
    // v3: s3:Get*, s3:List*, s3:Describe* on "*".
    AmazonS3ReadOnlyAccess: "s3:Get*, s3:List*, s3:Describe*",
    // v12: NotAction iam:*, organizations:*, account:* on "*".
    PowerUserAccess: "every action but iam, organizations and account",
    AdministratorAccess: "*",
};

/** Resource types that attach managed policies: one (`policyArn`) or an exclusive set (`policyArns`). */
const ATTACHMENT_TYPES = [
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
    "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive",
    "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive",
];

/** Each (principal, policy ARN) a resource attaches, the principal as "role x", "group y". */
function attachedPairs(attachment: PolicyResource): { principal: string; arn: string }[] {
    const kind = /^aws:iam\/(role|group|user)/.exec(attachment.type)?.[1] ?? "";
    const name = attachment.props[kind] ?? attachment.props[`${kind}Name`];
    return list<unknown>(attachment.props.policyArn ?? attachment.props.policyArns).map((arn) => ({
        principal: `${kind} ${String(name)}`,
        arn: String(arn),
    }));
}

/** The wide S3 grant of an AWS managed policy, by ARN, or undefined. */
function managedS3OnStar(arn: string): { name: string; grants: string } | undefined {
    const match = /^arn:[a-z-]+:iam::aws:policy\/(.+)$/.exec(arn);
    const grants = match ? MANAGED_S3_ON_STAR[match[1]] : undefined;
    return match && grants ? { name: match[1], grants } : undefined;
}

export function noS3OnStarWithBucket(args: StackValidationArgs, report: ReportViolation): void {
    const policies = args.resources.filter((r) => POLICY_TYPES.includes(r.type));
    const s3 = (s: Statement) => list(s.Action).some((a) => a === "*" || a.startsWith("s3:"));
    const bucketConfigured = policies.some((p) =>
        statements(p).some(
            (s) =>
                s3(s) && list(s.Resource).some((r) => r.startsWith("arn:") && r.includes(":s3:::")),
        ),
    );
    if (!bucketConfigured) {
        return;
    }
    for (const p of policies) {
        if (
            statements(p).some(
                (s) => s.Effect === "Allow" && s3(s) && list(s.Resource).includes("*"),
            )
        ) {
            report(
                `${p.name} allows S3 actions on "*" although an output bucket is configured: scope them to the bucket`,
                p.urn,
            );
        }
    }
    // Reported once per principal and policy: an exclusive set lists what the per-policy
    // attachments beside it attach.
    const reported = new Set<string>();
    for (const a of args.resources.filter((r) => ATTACHMENT_TYPES.includes(r.type))) {
        for (const { principal, arn } of attachedPairs(a)) {
            const wide = managedS3OnStar(arn);
            if (!wide || reported.has(`${principal} ${arn}`)) {
                continue;
            }
            reported.add(`${principal} ${arn}`);
            report(
                `${a.name} attaches the AWS managed policy ${wide.name}, which allows ${wide.grants} on "*", although an output bucket is configured: attach a policy scoped to the bucket (instanceMode managed or guide)`,
                a.urn,
            );
        }
    }
}

export function nonAdminsGetNoSsmStar(args: StackValidationArgs, report: ReportViolation): void {
    for (const p of args.resources.filter((r) => r.type === "aws:iam/groupPolicy:GroupPolicy")) {
        if (levelOfGroup(String(p.props.group ?? "")) === "admin") {
            continue;
        }
        const wide = statements(p)
            .filter((s) => s.Effect === "Allow")
            .flatMap((s) => list(s.Action))
            .filter((a) => a === "*" || a === "ssm:*");
        if (wide.length > 0) {
            report(
                `${p.name} gives the non-admin group ${p.props.group} ${wide.join(", ")}`,
                p.urn,
            );
        }
    }
}

/** What an operator group's policies lack of the complete deny set (empty when complete). */
function operatorDenyGaps(policies: PolicyResource[]): string[] {
    const denies = policies.flatMap(statements).filter((s) => s.Effect === "Deny");
    const sends = (s: Statement) => list(s.Action).includes("ssm:SendCommand");
    const gaps: string[] = [];
    if (!denies.some((s) => sends(s) && s.NotResource !== undefined)) {
        gaps.push(
            "a Deny of ssm:SendCommand with NotResource (every document but the declared ones)",
        );
    }
    const onTag = (s: Statement) =>
        Object.keys(s.Condition?.StringNotEquals ?? {}).some((k) =>
            k.startsWith("ssm:resourceTag/"),
        );
    if (!denies.some((s) => sends(s) && onTag(s))) {
        gaps.push("a Deny of ssm:SendCommand to instances without the operator tag");
    }
    const deniedEverywhere = new Set(
        denies.filter((s) => list(s.Resource).includes("*")).flatMap((s) => list(s.Action)),
    );
    const missing = [...OPERATOR_DENIED_ACTIONS, ...PARAMETER_READ_ACTIONS].filter(
        (a) => !deniedEverywhere.has(a) && !deniedEverywhere.has("ssm:*"),
    );
    if (missing.length > 0) {
        gaps.push(`a Deny on "*" of ${missing.join(", ")}`);
    }
    return gaps;
}

export function operatorGroupsCarryTheDenies(
    args: StackValidationArgs,
    report: ReportViolation,
): void {
    const groupPolicies = args.resources.filter(
        (r) => r.type === "aws:iam/groupPolicy:GroupPolicy",
    );
    for (const group of args.resources.filter((r) => r.type === "aws:iam/group:Group")) {
        const name = String(group.props.name ?? "");
        if (levelOfGroup(name) !== "operator") {
            continue;
        }
        const gaps = operatorDenyGaps(groupPolicies.filter((p) => p.props.group === name));
        if (gaps.length > 0) {
            report(`operator group ${name} lacks ${gaps.join("; ")}`, group.urn);
        }
    }
}

export interface DocumentContent {
    parameters?: Record<string, ParameterRule & { interpolationType?: string }>;
    mainSteps?: { action?: string; inputs?: { runCommand?: unknown } }[];
}

/**
 * Values must reach commands as data: ENV_VAR on every String parameter, no free-text {{ }}
 * splice (an Integer only with a proven allowedPattern), no run-time reference such as {{ssm:name}}.
 */
export function documentPassesParametersByEnvironment(
    content: DocumentContent,
    report: (message: string) => void,
): void {
    const parameters = content.parameters ?? {};
    for (const [name, p] of Object.entries(parameters)) {
        if (p.type === "String" && p.interpolationType !== "ENV_VAR") {
            report(
                `String parameter ${name} is not passed by environment variable: set interpolationType "ENV_VAR"`,
            );
        }
    }
    for (const step of content.mainSteps ?? []) {
        const run = step.inputs?.runCommand;
        const commands = Array.isArray(run) ? run.map(String) : [];
        const platform = step.action === "aws:runPowerShellScript" ? "Windows" : "Linux";
        for (const reference of commands.flatMap(runtimeReferences)) {
            report(
                `a command holds the run-time reference ${reference}, whose value SSM Agent pastes unescaped into the script: pass it as a declared, constrained parameter read from SSM_<Name>, or fetch it in the script with aws ssm get-parameter`,
            );
        }
        for (const { name, type } of unsafeSplices(commands, parameters, platform)) {
            report(
                type === "String"
                    ? `a command splices String parameter ${name} with {{ ${name} }}: read it as "$SSM_${name}" (PowerShell: $env:SSM_${name})`
                    : `a command splices Integer parameter ${name} with {{ ${name} }} without a proven allowedPattern: a negative value reads as an option; give it allowedPattern "^[0-9]{1,9}$"`,
            );
        }
    }
}
