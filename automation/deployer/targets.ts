/**
 * The vocabulary of the deployer policy's tables: what a row is, and the ARNs a grant targets,
 * computed from a planned resource (or lookup) and the whole plan. Pure: no Pulumi, no AWS.
 */
import type { Lookup, PlannedResource, StackPlan } from "../plan";
import { Partition } from "../../policies/iam";

/** What a row grants on: ARNs computed from the resource (or lookup) and the whole plan. */
export type Target = (r: PlannedResource, ctx: Context) => string[];

export interface Grant {
    /** Statement id: grants with one Sid merge into one statement. */
    sid: string;
    actions: string[];
    on: Target;
    /** A condition computed from the resource, e.g. which policies may be attached. */
    condition?: (r: PlannedResource, ctx: Context) => Condition;
}

export interface Condition {
    operator: string;
    key: string;
    values: string[];
}

export interface Row {
    /** The provider file making these calls. */
    source: string;
    grants: Grant[];
}

export interface Context {
    partition: Partition;
    region: string;
    plan: StackPlan;
}

/**
 * The account is "*": only the credentials at deploy say which, and an identity policy's IAM
 * actions reach no other account anyway (IAM entities have no resource policies to trust a
 * foreign principal).
 */
export const iam = (ctx: Context, kind: string, path: string, name: string) =>
    `arn:${ctx.partition}:iam::*:${kind}${path}${name}`;

/**
 * The plan's placeholders ("[known at deploy]", "[random suffix chosen at deploy]") as IAM
 * wildcards. A name the plan does not know is the resource's auto-name: the logical name, a dash
 * and a random suffix (Pulumi's auto-naming, https://www.pulumi.com/docs/iac/concepts/resources/names/).
 */
function namePattern(r: PlannedResource): string {
    const name = r.inputs.name;
    return typeof name === "string" ? wildcard(name) : `${r.name}-*`;
}

export function wildcard(value: string): string {
    return value.replace(/\[[^\]]*\]/g, "*");
}

/** IAM's default path is "/" (CreateRole, CreateUser, ... in the IAM API reference). */
function pathOf(r: PlannedResource): string {
    return typeof r.inputs.path === "string" ? r.inputs.path : "/";
}

const IAM_KINDS: Record<string, string> = {
    "aws:iam/role:Role": "role",
    "aws:iam/policy:Policy": "policy",
    "aws:iam/instanceProfile:InstanceProfile": "instance-profile",
    "aws:iam/user:User": "user",
    "aws:iam/group:Group": "group",
};

/** The IAM entities lookups find by name. */
const LOOKUP_KINDS: Record<string, string> = {
    "aws:iam/getRole:getRole": "role",
    "aws:iam/getInstanceProfile:getInstanceProfile": "instance-profile",
};

/** The resource's own ARN: its kind, path and name (or name pattern). */
export const self: Target = (r, ctx) => {
    const kind = IAM_KINDS[r.type];
    if (kind) {
        return [iam(ctx, kind, pathOf(r), namePattern(r))];
    }
    if (r.type === "aws:ssm/document:Document") {
        // Account "*" as for IAM: a document in another account is that account's to share.
        return [`arn:${ctx.partition}:ssm:${ctx.region}:*:document/${namePattern(r)}`];
    }
    throw new Error(`deployer-policy: no ARN for ${r.type} "${r.name}"`);
};

/** The ARNs of the stack's IAM entities of `kind` a name refers to (a name pattern matches its own). */
function named(ctx: Context, kind: string, name: string): string[] {
    const pattern = wildcard(name);
    if (pattern === "*") {
        // A name known only at deploy (an adopted role's, which resolves once its trust policy
        // is verified): the stack's own entities of that kind and those it looks up by name.
        const declared = ctx.plan.resources.filter((r) => IAM_KINDS[r.type] === kind);
        const lookedUp = ctx.plan.lookups
            .filter((l) => LOOKUP_KINDS[l.token] === kind && typeof l.inputs.name === "string")
            .map((l) => String(l.inputs.name));
        return [
            ...declared.map((r) => iam(ctx, kind, pathOf(r), namePattern(r))),
            ...lookedUp.flatMap((n) => named(ctx, kind, n)),
        ];
    }
    const declared = ctx.plan.resources.filter(
        (r) => IAM_KINDS[r.type] === kind && namePattern(r) === pattern,
    );
    if (declared.length > 0) {
        return declared.map((r) => iam(ctx, kind, pathOf(r), namePattern(r)));
    }
    // Not declared by the stack (an adopted role, an existing profile): its path is unknown, so
    // the name is allowed at the root and under any path.
    return [iam(ctx, kind, "/", pattern), iam(ctx, kind, "/*/", pattern)];
}

/** The stack's entities of `kind` named by the resource's input `key` (a name or list of names). */
export const ref =
    (kind: string, key: string): Target =>
    (r, ctx) =>
        ([] as unknown[])
            .concat(r.inputs[key] ?? [])
            .filter((n): n is string => typeof n === "string")
            .flatMap((n) => named(ctx, kind, n));

/**
 * Every resource: for actions IAM cannot scope to a resource (Describe* and List* calls that
 * take no ARN), or whose resources are only named at deploy (an image, a snapshot, an instance).
 * Each use says which.
 */
export const anyResource: Target = () => ["*"];

/** The managed policy ARNs a resource attaches: an attachment's one, an exclusive set's list. */
function declaredPolicyArns(r: PlannedResource): string[] {
    return ([] as unknown[])
        .concat(r.inputs.policyArn ?? r.inputs.policyArns ?? [])
        .map((arn) => String(arn));
}

/**
 * Which managed policies may be attached: the resource's policy ARNs, each, when it is known only
 * at deploy ("ARN of <policy>"), as the stack's policy of that name.
 */
export const attachedPolicy = (r: PlannedResource, ctx: Context): Condition => {
    const values = declaredPolicyArns(r).flatMap((arn) => {
        const of = /ARN of ([^\]]+)\]/.exec(arn)?.[1];
        const policy = ctx.plan.resources.find(
            (p) => p.type === "aws:iam/policy:Policy" && p.name === of,
        );
        return policy ? self(policy, ctx) : [wildcard(arn)];
    });
    return { operator: "ArnLike", key: "iam:PolicyARN", values };
};

/**
 * `ref`, but only for a resource that attaches some policy: an exclusive set declaring none (a
 * user's) never attaches, so it is granted no Attach* at all.
 */
export const refWhenAttaching =
    (kind: string, key: string): Target =>
    (r, ctx) =>
        declaredPolicyArns(r).length > 0 ? ref(kind, key)(r, ctx) : [];

/** A lookup read as a resource, so the same targets apply to its inputs. */
export function asResource(l: Lookup): PlannedResource {
    return { type: l.token, name: l.token, inputs: l.inputs };
}
