import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * What the replacement takes from the instance it replaces: read once, before any resource is
 * declared (lookUpSource), as plain values.
 */
export interface SourceAttributes {
    readonly instanceType: string;
    readonly subnetId: string;
    readonly vpcSecurityGroupIds: string[];
    readonly keyName?: string;
    readonly monitoring: boolean;
    readonly ebsOptimized: boolean;
    readonly tenancy: string;
    readonly placementGroup?: string;
    /** Whether the primary network interface has a public IPv4 address. */
    readonly associatePublicIpAddress: boolean;
    readonly sourceDestCheck: boolean;
    /** IMDS PUT response hop limit. */
    readonly hopLimit: number;
    /** T-family CPU credits ("standard" or "unlimited"), when the type has them. */
    readonly cpuCredits?: string;
    readonly userDataBase64?: string;
    readonly disableApiStop: boolean;
    /** The instance profile the instance has, if any (a name). */
    readonly instanceProfile?: string;
    readonly tags: Record<string, string>;
}

export interface RelaunchArgs {
    /** The running instance to image. The program never stops or modifies it (imaging may reboot it). */
    readonly instanceId: string;
    /** The source's settings, from lookUpSource (unanswered() in the offline plan). */
    readonly source: pulumi.Input<SourceAttributes>;
    /**
     * The instance profile for the replacement: pass InstanceAccess.ready, so the launch waits
     * until every policy attachment exists and the SSM agent registers on first boot.
     */
    readonly instanceProfile: pulumi.Input<string>;
    /** The stack's region (the AMI copy's source region). */
    readonly region: string;
    /** Instance type of the replacement. @default the source's */
    readonly instanceType?: string;
    /** Subnet of the replacement. @default the source's */
    readonly subnetId?: pulumi.Input<string>;
    /** Security groups of the replacement. @default the source's */
    readonly securityGroupIds?: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Launch with the source's user data. Off, the replacement boots without it: a new instance
     * runs cloud-init's per-instance user data again, so a bootstrap that registers workers or
     * starts jobs would run a second time beside the source (cloud-init's scripts_user runs once
     * per instance: https://cloudinit.readthedocs.io/en/latest/reference/modules.html). @default true
     */
    readonly copyUserData?: boolean;
    /** Whether the replacement gets a public IPv4 address. @default the source's */
    readonly associatePublicIpAddress?: boolean;
    /**
     * Image without rebooting the source. Faster and without a blip, but file systems may be
     * captured mid-write, so the image can be inconsistent. @default false (reboot once)
     */
    readonly noReboot?: boolean;
    /** Copy the AMI encrypted with this KMS key and launch from the copy: a key ARN (resolveKmsKey). */
    readonly kmsKeyArn?: pulumi.Input<string>;
    readonly tags?: Record<string, string>;
}

/** The tag naming the instance a replacement was relaunched from. */
export const RELAUNCHED_FROM_TAG = "ssm-access:relaunched-from";

/**
 * IMDS hop limit when the source reports none. AWS recommends 2 where containers call IMDSv2 (a
 * container adds a network hop; with 1 the token response never reaches it):
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html
 */
export const DEFAULT_HOP_LIMIT = 2;

/**
 * Every input of the replacement that comes from the source or the entry, fixed at launch. The
 * engine keeps the values in state (ignoreChanges), so the source may be stopped, changed or
 * terminated, and an edit to the entry never updates, stops or replaces the replacement: after
 * launch it is the workload's, not the program's. Only tags and the instance profile follow the
 * stack.
 */
export const FIXED_AT_LAUNCH = [
    "ami",
    "instanceType",
    "subnetId",
    "vpcSecurityGroupIds",
    "keyName",
    "monitoring",
    "ebsOptimized",
    "tenancy",
    "placementGroup",
    "associatePublicIpAddress",
    "sourceDestCheck",
    "creditSpecification",
    "userDataBase64",
    "disableApiStop",
    "metadataOptions",
];

/**
 * The guide's last section as a component: image a running instance and launch a replacement
 * from the image with the SSM instance profile and IMDSv2 required, keeping the source's settings
 * unless overridden. Cutover (moving traffic, stopping the source) stays a human decision.
 */
export class Relaunch extends pulumi.ComponentResource {
    readonly imageId: pulumi.Output<string>;
    readonly replacementId: pulumi.Output<string>;
    readonly replacementPrivateIp: pulumi.Output<string>;

    constructor(name: string, args: RelaunchArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ssm-access:relaunch:Relaunch", name, {}, opts);
        const tags = args.tags ?? {};
        const source = pulumi.output(args.source);

        // Deregistering an image does not affect instances launched from it ("Deregister an
        // AMI", EC2 User Guide: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/deregister-ami.html),
        // so images are deleted with their entry; only the replacement is retained.
        const ami = new aws.ec2.AmiFromInstance(
            `${name}-ami`,
            {
                name: `${name}-${args.instanceId}`,
                description: `Image of ${args.instanceId} for relaunch with the SSM instance profile`,
                sourceInstanceId: args.instanceId,
                snapshotWithoutReboot: args.noReboot ?? false,
                tags: { ...tags, [RELAUNCHED_FROM_TAG]: args.instanceId },
            },
            { parent: this },
        );
        const image = args.kmsKeyArn
            ? new aws.ec2.AmiCopy(
                  `${name}-ami-encrypted`,
                  {
                      name: `${name}-${args.instanceId}-encrypted`,
                      description: `Encrypted copy of the image of ${args.instanceId}`,
                      sourceAmiId: ami.id,
                      sourceAmiRegion: args.region,
                      encrypted: true,
                      kmsKeyId: args.kmsKeyArn,
                      tags: { ...tags, [RELAUNCHED_FROM_TAG]: args.instanceId },
                  },
                  { parent: this },
              )
            : ami;
        this.imageId = image.id;

        const replacement = new aws.ec2.Instance(
            `${name}-instance`,
            {
                ami: image.id,
                instanceType: args.instanceType ?? source.instanceType,
                subnetId: args.subnetId ?? source.subnetId,
                vpcSecurityGroupIds: args.securityGroupIds ?? source.vpcSecurityGroupIds,
                keyName: source.keyName,
                iamInstanceProfile: args.instanceProfile,
                monitoring: source.monitoring,
                ebsOptimized: source.ebsOptimized,
                tenancy: source.tenancy,
                placementGroup: source.placementGroup,
                associatePublicIpAddress:
                    args.associatePublicIpAddress ?? source.associatePublicIpAddress,
                sourceDestCheck: source.sourceDestCheck,
                creditSpecification: source.apply((s) =>
                    s.cpuCredits ? { cpuCredits: s.cpuCredits } : undefined,
                ),
                userDataBase64: (args.copyUserData ?? true) ? source.userDataBase64 : undefined,
                // Protection for the replacement: termination always (it is production after
                // cutover), stop as the source had it.
                disableApiTermination: true,
                disableApiStop: source.disableApiStop,
                metadataOptions: {
                    httpEndpoint: "enabled",
                    httpTokens: "required",
                    httpPutResponseHopLimit: source.hopLimit,
                },
                tags: source.apply((s) => ({
                    ...withoutAwsTags(s.tags),
                    ...tags,
                    [RELAUNCHED_FROM_TAG]: args.instanceId,
                })),
            },
            // retainOnDelete: removing the entry, a replacement and `destroy` release the
            // instance from the stack instead of terminating it.
            { parent: this, retainOnDelete: true, ignoreChanges: FIXED_AT_LAUNCH },
        );
        this.replacementId = replacement.id;
        this.replacementPrivateIp = replacement.privateIp;
        this.registerOutputs({
            imageId: this.imageId,
            replacementId: this.replacementId,
            replacementPrivateIp: this.replacementPrivateIp,
        });
    }
}

/** Tags under aws: are AWS's own and cannot be set on a new resource. */
export function withoutAwsTags(tags: Record<string, string>): Record<string, string> {
    return Object.fromEntries(
        Object.entries(tags).filter(([k]) => !k.toLowerCase().startsWith("aws:")),
    );
}
