/**
 * `deployer-policy`: the least-privilege IAM policy for whoever runs preview, up, refresh and
 * destroy for one stack, derived from the stack's offline plan (its declared resources and
 * lookups) and a table of the API calls the provider makes for each resource type. Pure: no
 * Pulumi, no AWS.
 *
 * The calls are those of terraform-provider-aws, which @pulumi/aws bridges: each row cites the
 * provider's file (hashicorp/terraform-provider-aws, internal/service/<service>/<file>.go) whose
 * create, read, update and delete functions make them. A refresh and a preview read; up creates
 * and updates; destroy deletes: the policy is the union over the whole lifecycle.
 *
 * The tables are per AWS service under automation/deployer/ (iam.ts, ssm.ts, ec2.ts, kms.ts,
 * sts.ts), sharing the vocabulary of targets.ts; this file merges them into one policy.
 */
import type { PlannedResource, StackPlan } from "./plan";
import {
    PolicyDocument,
    PolicyStatement,
    partitionOfRegion,
    policyDocument,
    servicePrincipal,
} from "../policies/iam";
import { EC2_LOOKUP_CALLS, EC2_RESOURCE_CALLS } from "./deployer/ec2";
import { IAM_LOOKUP_CALLS, IAM_RESOURCE_CALLS } from "./deployer/iam";
import { KMS_LOOKUP_CALLS } from "./deployer/kms";
import { SSM_RESOURCE_CALLS } from "./deployer/ssm";
import { STS_LOOKUP_CALLS } from "./deployer/sts";
import { Context, Grant, Row, asResource, iam, ref, self, wildcard } from "./deployer/targets";

/**
 * IAM's limit on a managed policy's size, whitespace excluded ("IAM and AWS STS quotas":
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
 */
export const MANAGED_POLICY_MAX_CHARS = 6144;

/**
 * The API calls each resource type's create, read, update and delete make, with the provider
 * file that makes them (hashicorp/terraform-provider-aws). Component resources (ssm-access:*)
 * make none.
 */
export const RESOURCE_CALLS: Record<string, Row> = {
    ...IAM_RESOURCE_CALLS,
    ...SSM_RESOURCE_CALLS,
    ...EC2_RESOURCE_CALLS,
};

/** The calls each lookup (invoke) makes. A token mapped to [] needs no permission. */
export const LOOKUP_CALLS: Record<string, Row> = {
    ...IAM_LOOKUP_CALLS,
    ...STS_LOOKUP_CALLS,
    ...EC2_LOOKUP_CALLS,
    ...KMS_LOOKUP_CALLS,
};

/** A statement being assembled: grants with one Sid merge here. */
interface Acc {
    actions: Set<string>;
    resources: Set<string>;
    conditions: Map<string, { operator: string; key: string; values: Set<string> }>;
}

/**
 * The roles the stack hands to a service, each with the service: the instance role to EC2 (an
 * instance profile holds it; a relaunched instance is launched with it) and the Default Host
 * Management role to SSM (the service setting names it). AddRoleToInstanceProfile,
 * RunInstances with a profile and UpdateServiceSetting each pass a role ("Granting a user
 * permissions to pass a role to an AWS service":
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html; Default Host
 * Management's permissions: https://docs.aws.amazon.com/systems-manager/latest/userguide/fleet-manager-default-host-management-configuration.html).
 */
function passedRoles(ctx: Context): { service: "ec2" | "ssm"; arns: string[] }[] {
    const { resources, lookups } = ctx.plan;
    const dhmc = resources
        .filter((r) => r.type === "aws:ssm/serviceSetting:ServiceSetting")
        .map((r) => String(r.inputs.settingValue ?? ""));
    const toSsm = dhmc.flatMap((value) => {
        const slash = value.lastIndexOf("/");
        const path = `/${value.slice(0, slash + 1)}`.replace(/^\/\//, "/");
        return [iam(ctx, "role", path, wildcard(value.slice(slash + 1)))];
    });
    const dhmcNames = new Set(dhmc.map((v) => v.slice(v.lastIndexOf("/") + 1)));
    const inProfiles = resources
        .filter((r) => r.type === "aws:iam/instanceProfile:InstanceProfile")
        .flatMap((r) => ref("role", "role")(r, ctx));
    // A relaunch through a reused profile launches with the adopted role the profile holds.
    const launches = resources.some((r) => r.type === "aws:ec2/instance:Instance");
    const adopted = launches
        ? lookups
              .filter((l) => l.token === "aws:iam/getRole:getRole")
              .filter((l) => !dhmcNames.has(String(l.inputs.name)))
              .flatMap((l) => ref("role", "name")(asResource(l), ctx))
        : [];
    const notDhmc = (arn: string) => ![...dhmcNames].some((n) => arn.endsWith(`/${n}`));
    return [
        {
            service: "ec2" as const,
            arns: [...new Set([...inProfiles, ...adopted])].filter(notDhmc),
        },
        { service: "ssm" as const, arns: toSsm },
    ].filter((p) => p.arns.length > 0);
}

/** The stack's deployer policy. Throws on a resource type or lookup the table does not know. */
export function deployerPolicy(plan: StackPlan): PolicyDocument {
    if (plan.error) {
        throw new Error(`deployer-policy: stack "${plan.stack}" does not plan: ${plan.error}`);
    }
    if (!plan.region) {
        throw new Error(`deployer-policy: stack "${plan.stack}" has no aws:region`);
    }
    const ctx: Context = { partition: partitionOfRegion(plan.region), region: plan.region, plan };
    const statements = new Map<string, Acc>();
    const add = (grant: Grant, r: PlannedResource) => {
        const acc = statements.get(grant.sid) ?? {
            actions: new Set<string>(),
            resources: new Set<string>(),
            conditions: new Map(),
        };
        statements.set(grant.sid, acc);
        grant.actions.forEach((a) => acc.actions.add(a));
        grant.on(r, ctx).forEach((arn) => acc.resources.add(arn));
        if (grant.condition) {
            const c = grant.condition(r, ctx);
            const id = `${c.operator} ${c.key}`;
            const values = acc.conditions.get(id)?.values ?? new Set<string>();
            c.values.forEach((v) => values.add(v));
            acc.conditions.set(id, { ...c, values });
        }
    };
    for (const r of plan.resources) {
        if (r.type.startsWith("ssm-access:")) {
            continue;
        }
        const row = RESOURCE_CALLS[r.type];
        if (!row) {
            throw new Error(
                `deployer-policy: no API calls known for resource type ${r.type} ("${r.name}"); add its row to RESOURCE_CALLS through its service's table in automation/deployer/, citing the provider's file`,
            );
        }
        row.grants.forEach((g) => add(g, r));
        // Boundary changes only where the stack sets one, and only to that boundary.
        if (r.type === "aws:iam/role:Role" && typeof r.inputs.permissionsBoundary === "string") {
            add(
                {
                    sid: "IamRoleBoundary",
                    actions: ["iam:PutRolePermissionsBoundary"],
                    on: self,
                    condition: () => ({
                        operator: "StringEquals",
                        key: "iam:PermissionsBoundary",
                        values: [String(r.inputs.permissionsBoundary)],
                    }),
                },
                r,
            );
        }
    }
    for (const l of plan.lookups) {
        const row = LOOKUP_CALLS[l.token];
        if (!row) {
            throw new Error(
                `deployer-policy: no API calls known for lookup ${l.token}; add its row to LOOKUP_CALLS through its service's table in automation/deployer/, citing the provider's file`,
            );
        }
        row.grants.forEach((g) => add(g, asResource(l)));
    }
    // A Sid only conditional grants fed, none of which applied (see refWhenAttaching), says nothing.
    const granted = [...statements.entries()].filter(([, acc]) => acc.resources.size > 0);
    const out: PolicyStatement[] = granted.map(([sid, acc]) => ({
        Sid: sid,
        Effect: "Allow",
        Action: [...acc.actions].sort(),
        Resource: [...acc.resources].sort(),
        ...(acc.conditions.size > 0 && {
            Condition: Object.fromEntries(
                [...acc.conditions.values()].map((c) => [
                    c.operator,
                    { [c.key]: [...c.values].sort() },
                ]),
            ),
        }),
    }));
    for (const { service, arns } of passedRoles(ctx)) {
        out.push({
            Sid: service === "ec2" ? "PassInstanceRoleToEc2" : "PassDefaultHostManagementRoleToSsm",
            Effect: "Allow",
            Action: ["iam:PassRole"],
            Resource: arns.sort(),
            Condition: {
                StringEquals: { "iam:PassedToService": servicePrincipal(service, ctx.partition) },
            },
        });
    }
    return policyDocument(out);
}

/** The policy's size as IAM counts it: without whitespace. */
export function policySize(doc: PolicyDocument): number {
    return JSON.stringify(doc).length;
}
