/**
 * Default Host Management Configuration for the stack's account and region: the account-wide role
 * (created here, or the account's existing one after verifying it trusts SSM) and the per-region
 * service setting that points SSM at it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Partition, awsManagedPolicyArn } from "../policies/iam";
import { serviceTrustPolicy, verifyServiceTrust } from "../policies/trust";
import type { InstanceAccessArgs } from "./instanceAccess";
import { ownRolePolicies } from "./rolePolicies";

/** Who owns the account-wide Default Host Management role; see InstanceAccessArgs. */
export const DHMC_ROLE_CHOICES = ["create", "existing"] as const;
export type DefaultHostManagementRole = (typeof DHMC_ROLE_CHOICES)[number];

/** Default Host Management Configuration: the role name and path AWS documents for it. */
export const DHMC_ROLE_NAME = "AWSSystemsManagerDefaultEC2InstanceManagementRole";
export const DHMC_ROLE_PATH = "/service-role/";
export const DHMC_POLICY = "AmazonSSMManagedEC2InstanceDefaultPolicy";

export function defaultHostManagement(
    parent: pulumi.ComponentResource,
    name: string,
    args: InstanceAccessArgs,
    tags: Record<string, string>,
): pulumi.Output<string> {
    const role =
        args.defaultHostManagementRole === "existing"
            ? existingDhmcRole(parent, args.partition)
            : createDhmcRole(parent, name, args, tags);
    const account = aws.getCallerIdentityOutput({}, { parent }).accountId;
    new aws.ssm.ServiceSetting(
        `${name}-dhmc-setting`,
        {
            settingId: pulumi.interpolate`arn:${args.partition}:ssm:${args.region}:${account}:servicesetting/ssm/managed-instance/default-ec2-instance-management-role`,
            // Through the role's ARN, so an unverified existing role stops the setting.
            settingValue: role.arn.apply(() => `${DHMC_ROLE_PATH.slice(1)}${DHMC_ROLE_NAME}`),
        },
        { parent, dependsOn: role.ready },
    );
    return role.arn;
}

function createDhmcRole(
    parent: pulumi.ComponentResource,
    name: string,
    args: InstanceAccessArgs,
    tags: Record<string, string>,
): { arn: pulumi.Output<string>; ready: pulumi.Resource[] } {
    const role = new aws.iam.Role(
        `${name}-dhmc-role`,
        {
            name: DHMC_ROLE_NAME,
            path: DHMC_ROLE_PATH,
            description:
                "Default Host Management Configuration: SSM manages EC2 instances without an instance profile",
            assumeRolePolicy: JSON.stringify(serviceTrustPolicy("ssm", args.partition)),
            tags,
        },
        { parent },
    );
    const attachment = new aws.iam.RolePolicyAttachment(
        `${name}-dhmc-policy`,
        { role: role.name, policyArn: awsManagedPolicyArn(args.partition, DHMC_POLICY) },
        { parent },
    );
    ownRolePolicies(parent, `${name}-dhmc`, role.name, [attachment]);
    return { arn: role.arn, ready: [attachment] };
}

/**
 * The account's existing Default Host Management role, verified to trust SSM; its ARN resolves
 * only once verified, so the service setting never points at a role SSM cannot assume.
 */
function existingDhmcRole(
    parent: pulumi.ComponentResource,
    partition: Partition,
): {
    arn: pulumi.Output<string>;
    ready: pulumi.Resource[];
} {
    const found = aws.iam.getRoleOutput({ name: DHMC_ROLE_NAME }, { parent });
    const arn = pulumi.all([found.assumeRolePolicy, found.arn]).apply(([doc, roleArn]) => {
        const verdict = verifyServiceTrust(doc, "ssm", partition);
        if (!verdict.trusted) {
            throw new pulumi.ResourceError(
                `defaultHostManagementRole "existing": the role ${DHMC_ROLE_NAME} does not let SSM assume it (${verdict.reason}). ` +
                    'Fix its trust policy, or let one stack own it with defaultHostManagementRole: "create".',
                parent,
            );
        }
        return roleArn;
    });
    return { arn, ready: [] };
}
