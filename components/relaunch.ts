import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface RelaunchArgs {
    /** The running instance to image. It is never modified or stopped by this program. */
    readonly instanceId: string;
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
     * Image without rebooting the source. Faster and without a blip, but file systems may be
     * captured mid-write, so the image can be inconsistent. @default false (reboot once)
     */
    readonly noReboot?: boolean;
    /** Copy the AMI encrypted with this KMS key (ARN or alias) and launch from the copy. */
    readonly kmsKeyId?: string;
    readonly tags?: Record<string, string>;
}

/** The tag naming the instance a replacement was relaunched from. */
export const RELAUNCHED_FROM_TAG = "ssm-access:relaunched-from";

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
        const source = aws.ec2.getInstanceOutput({ instanceId: args.instanceId }, { parent: this });

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
        const image = args.kmsKeyId
            ? new aws.ec2.AmiCopy(
                  `${name}-ami-encrypted`,
                  {
                      name: `${name}-${args.instanceId}-encrypted`,
                      description: `Encrypted copy of the image of ${args.instanceId}`,
                      sourceAmiId: ami.id,
                      sourceAmiRegion: args.region,
                      encrypted: true,
                      kmsKeyId: args.kmsKeyId,
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
                keyName: source.keyName.apply((k) => k || undefined),
                iamInstanceProfile: args.instanceProfile,
                monitoring: source.monitoring,
                ebsOptimized: source.ebsOptimized,
                tenancy: source.tenancy,
                placementGroup: source.placementGroup.apply((p) => p || undefined),
                metadataOptions: { httpEndpoint: "enabled", httpTokens: "required" },
                tags: source.tags.apply((sourceTags) => ({
                    ...withoutAwsTags(sourceTags ?? {}),
                    ...tags,
                    [RELAUNCHED_FROM_TAG]: args.instanceId,
                })),
            },
            { parent: this },
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
