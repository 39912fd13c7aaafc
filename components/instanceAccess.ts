import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Partition, awsManagedPolicyArn } from "../policies/iam";
import { OutputScope, guideInstancePolicy, outputAccessPolicy } from "../policies/instance";
import { serviceTrustPolicy, trustStatement, verifyServiceTrust } from "../policies/trust";
import { DefaultHostManagementRole, defaultHostManagement } from "./defaultHostManagement";
import { shortHash } from "./hash";
import { ownRolePolicies } from "./rolePolicies";

/** How instances get SSM permissions; see InstanceAccessArgs.mode. */
export const INSTANCE_MODES = ["managed", "guide", "legacy-managed", "none"] as const;
export type InstanceMode = (typeof INSTANCE_MODES)[number];

export { DHMC_ROLE_CHOICES, DHMC_ROLE_NAME } from "./defaultHostManagement";
export type { DefaultHostManagementRole } from "./defaultHostManagement";

/** AWS's current recommendation for instances managed by Systems Manager. */
export const MANAGED_INSTANCE_CORE = "AmazonSSMManagedInstanceCore";
/** The policy the guide names; AWS has deprecated it in favour of MANAGED_INSTANCE_CORE. */
export const LEGACY_INSTANCE_POLICY = "service-role/AmazonEC2RoleforSSM";

export interface InstanceAccessArgs {
    /** The partition ARNs are built in (from the stack's region). */
    readonly partition: Partition;
    /** The stack's region, for the Default Host Management service setting. */
    readonly region: string;
    /**
     * How instances get SSM permissions: "managed" (AmazonSSMManagedInstanceCore), "guide" (the
     * guide's custom policy as a customer-managed policy), "legacy-managed" (AmazonEC2RoleforSSM,
     * deprecated) or "none" (no instance role or profile).
     * @default "managed"
     */
    readonly mode?: InstanceMode;
    /** Adopt this existing role, after verifying that it trusts EC2, instead of creating one. */
    readonly existingRoleName?: string;
    /** With an existing role: reuse this instance profile (it must hold the role) instead of creating one. */
    readonly existingInstanceProfileName?: string;
    /** Name of the created role. @default auto-named from the component name */
    readonly roleName?: string;
    /** IAM path of the created role and profile. @default "/" */
    readonly rolePath?: string;
    /** Permissions boundary of the created role. @default none */
    readonly permissionsBoundaryArn?: string;
    /** More managed policies to attach; order does not matter. @default [] */
    readonly additionalPolicyArns?: string[];
    /** Where command output goes; narrows the guide policy, or adds a scoped policy in "managed" mode. */
    readonly output?: OutputScope;
    /** Turn on Default Host Management Configuration for the account and region. @default false */
    readonly defaultHostManagement?: boolean;
    /**
     * Who owns the Default Host Management role, which is account-wide (IAM is global) while the
     * service setting is per region: "create" makes this stack its owner; "existing" uses the role
     * another stack (another region) or the console created, after verifying it trusts SSM.
     * @default "create"
     */
    readonly defaultHostManagementRole?: DefaultHostManagementRole;
    /**
     * Mark the created role and instance profile `protect`: a plain `pulumi up` or `destroy` that
     * would delete or replace them (running instances would lose their SSM access) fails instead.
     * @default true
     */
    readonly protect?: boolean;
    /** Tags for every taggable child. @default {} */
    readonly tags?: Record<string, string>;
}

/**
 * The EC2 instance role and instance profile SSM Run Command needs (the guide's steps 1, 3 and
 * 5), or an existing role adopted after its trust policy is verified.
 */
export class InstanceAccess extends pulumi.ComponentResource {
    /** Name of the instance role (created or adopted); undefined in mode "none". */
    readonly roleName?: pulumi.Output<string>;
    readonly roleArn?: pulumi.Output<string>;
    readonly instanceProfileName?: pulumi.Output<string>;
    readonly instanceProfileArn?: pulumi.Output<string>;
    /** Every managed policy ARN attached to the role (customer-managed ones included). */
    readonly attachedPolicyArns: pulumi.Output<string[]>;
    /**
     * The instance profile name, resolving only after every policy attachment exists: launch
     * instances from this so the SSM agent has its permissions on first boot.
     */
    readonly ready?: pulumi.Output<string>;
    /** The Default Host Management role's ARN, when that mode is on. */
    readonly defaultHostManagementRoleArn?: pulumi.Output<string>;

    constructor(name: string, args: InstanceAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ssm-access:instance:InstanceAccess", name, {}, opts);
        const mode = args.mode ?? "managed";
        const p = args.partition;
        const tags = args.tags ?? {};

        if (args.defaultHostManagement) {
            this.defaultHostManagementRoleArn = defaultHostManagement(this, name, args, tags);
        }
        if (mode === "none") {
            this.attachedPolicyArns = pulumi.output([]);
            this.registerOutputs({ attachedPolicyArns: this.attachedPolicyArns });
            return;
        }

        const role = args.existingRoleName
            ? this.adoptRole(args.existingRoleName, p)
            : this.createRole(name, args, tags);
        this.roleName = role.name;
        this.roleArn = role.arn;

        const arns: pulumi.Input<string>[] = [];
        const attachments: aws.iam.RolePolicyAttachment[] = [];
        const attach = (suffix: string, policyArn: pulumi.Input<string>): void => {
            arns.push(policyArn);
            attachments.push(
                new aws.iam.RolePolicyAttachment(
                    `${name}-${suffix}`,
                    { role: role.name, policyArn },
                    { parent: this },
                ),
            );
        };
        const staticArns = new Set<string>(args.additionalPolicyArns ?? []);
        if (mode === "managed") {
            staticArns.add(awsManagedPolicyArn(p, MANAGED_INSTANCE_CORE));
            const scoped = outputAccessPolicy(p, args.output ?? {});
            if (scoped) {
                const policy = new aws.iam.Policy(
                    `${name}-output`,
                    {
                        path: args.rolePath,
                        description: "Run Command output: the configured bucket and log group only",
                        policy: JSON.stringify(scoped),
                        tags,
                    },
                    { parent: this },
                );
                attach("output", policy.arn);
            }
        } else if (mode === "legacy-managed") {
            void pulumi.log.warn(
                `instanceMode "legacy-managed" attaches ${LEGACY_INSTANCE_POLICY}, which AWS has deprecated; ` +
                    `use instanceMode "managed" (${MANAGED_INSTANCE_CORE}) instead.`,
                this,
            );
            staticArns.add(awsManagedPolicyArn(p, LEGACY_INSTANCE_POLICY));
        } else {
            const policy = new aws.iam.Policy(
                `${name}-guide`,
                {
                    path: args.rolePath,
                    description:
                        "SSM Run Command instance policy (the AWS guide's RunCommandInstance)",
                    policy: JSON.stringify(guideInstancePolicy(p, args.region, args.output ?? {})),
                    tags,
                },
                { parent: this },
            );
            attach("guide", policy.arn);
        }
        for (const arn of [...staticArns].sort()) {
            attach(`attach-${shortHash(arn)}`, arn);
        }
        this.attachedPolicyArns = pulumi.all(arns);
        if (!args.existingRoleName) {
            ownRolePolicies(this, `${name}-role`, role.name, attachments);
        }

        const profile = args.existingInstanceProfileName
            ? this.reuseProfile(args.existingInstanceProfileName, role.name)
            : new aws.iam.InstanceProfile(
                  `${name}-profile`,
                  { role: role.name, path: args.rolePath, tags },
                  { parent: this, protect: args.protect ?? true },
              );
        this.instanceProfileName = profile.name;
        this.instanceProfileArn = profile.arn;
        this.ready = pulumi
            .all([profile.name, ...attachments.map((a) => a.id)])
            .apply(([profileName]) => profileName);

        this.registerOutputs({
            roleName: this.roleName,
            roleArn: this.roleArn,
            instanceProfileName: this.instanceProfileName,
            instanceProfileArn: this.instanceProfileArn,
            attachedPolicyArns: this.attachedPolicyArns,
            ready: this.ready,
            defaultHostManagementRoleArn: this.defaultHostManagementRoleArn,
        });
    }

    private createRole(
        name: string,
        args: InstanceAccessArgs,
        tags: Record<string, string>,
    ): aws.iam.Role {
        return new aws.iam.Role(
            `${name}-role`,
            {
                name: args.roleName,
                path: args.rolePath,
                description: "EC2 instance role for SSM Run Command",
                assumeRolePolicy: JSON.stringify(serviceTrustPolicy("ec2", args.partition)),
                permissionsBoundary: args.permissionsBoundaryArn,
                tags,
            },
            { parent: this, protect: args.protect ?? true },
        );
    }

    /**
     * Looks the role up and verifies that EC2 may assume it (the guide's "Verify the Trust
     * Policy"). Its name resolves only once verified, so nothing is attached to an untrusted role.
     */
    private adoptRole(
        roleName: string,
        partition: Partition,
    ): { name: pulumi.Output<string>; arn: pulumi.Output<string> } {
        // The Output form: during an offline plan the lookup is unknown, and nothing is invented.
        const found = aws.iam.getRoleOutput({ name: roleName }, { parent: this });
        const name = found.assumeRolePolicy.apply((doc) => {
            const verdict = verifyServiceTrust(doc, "ec2", partition);
            if (!verdict.trusted) {
                throw new pulumi.ResourceError(
                    untrustedRoleMessage(roleName, verdict.reason, partition),
                    this,
                );
            }
            return roleName;
        });
        return { name, arn: found.arn };
    }

    private reuseProfile(
        profileName: string,
        roleName: pulumi.Output<string>,
    ): { name: pulumi.Output<string>; arn: pulumi.Output<string> } {
        const found = pulumi.output(
            aws.iam.getInstanceProfile({ name: profileName }, { parent: this }),
        );
        const name = pulumi.all([found.roleName, roleName]).apply(([holds, expected]) => {
            if (holds !== expected) {
                throw new pulumi.ResourceError(
                    `existingInstanceProfileName "${profileName}" holds role "${holds}", not "${expected}". ` +
                        "Name a profile that holds the adopted role, or unset existingInstanceProfileName to create one.",
                    this,
                );
            }
            return profileName;
        });
        return { name, arn: found.arn };
    }
}

/** The error for a role EC2 cannot assume: names the role and prints the statement to add. */
export function untrustedRoleMessage(
    roleName: string,
    reason: string,
    partition: Partition,
): string {
    return (
        `existingRoleName "${roleName}": EC2 cannot assume this role (${reason}). ` +
        "Add this statement to the role's trust policy (IAM console: Roles > Trust relationships), then run again:\n" +
        JSON.stringify(trustStatement("ec2", partition), null, 2)
    );
}
