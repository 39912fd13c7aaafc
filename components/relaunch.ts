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

/** What lookUpSource needs to know about one relaunch entry. */
export interface SourceQuery {
    readonly instanceId: string;
    readonly region: string;
    /** The stack's name: its replacements carry the tag ssm-access:stack with it. */
    readonly stack: string;
    /** How the entry is named in errors, e.g. ssm-access:relaunch[0]. */
    readonly label: string;
    /** Launch the replacement with the SSM profile even though the source has a profile of its own. */
    readonly replaceInstanceProfile?: boolean;
    /** A subnet override and its security groups, checked to be in one VPC before the launch. */
    readonly network?: { readonly subnetId: string; readonly securityGroupIds: string[] };
}

/** States of an instance that still exists (DescribeInstances lists terminated ones for a while). */
const LIVE_STATES = ["pending", "running", "stopping", "stopped"];

/** One line naming the entry, the instance and the region: a RunError prints without a stack trace. */
function refuse(q: SourceQuery, what: string): never {
    throw new pulumi.RunError(
        `${q.label}.instanceId = "${q.instanceId}" (region ${q.region}): ${what}`,
    );
}

/**
 * Reads the settings a replacement is launched with, before any resource is declared, so that a
 * missing instance fails the preview in seconds with one line.
 *
 * Once this stack has launched a replacement (found by its tags), the source is not read again:
 * the replacement's own settings are returned, and the launch-time inputs are kept in state
 * (FIXED_AT_LAUNCH), so the source may be stopped, changed or terminated. Until then the source
 * must exist and not be terminating: DescribeInstances lists terminated instances for "usually
 * less than one hour" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstances.html),
 * and a lookup by filter, unlike one by id, answers an empty list rather than an error.
 */
export async function lookUpSource(
    q: SourceQuery,
    opts?: pulumi.InvokeOptions,
): Promise<SourceAttributes | undefined> {
    try {
        return await readSource(q, opts);
    } catch (err) {
        if (err instanceof pulumi.RunError) {
            throw err;
        }
        return refuse(q, `cannot be read: ${invokeReason(err)}`);
    }
}

async function readSource(
    q: SourceQuery,
    opts?: pulumi.InvokeOptions,
): Promise<SourceAttributes | undefined> {
    const live = { instanceStateNames: LIVE_STATES };
    const [replacements, sources] = await Promise.all([
        aws.ec2.getInstances(
            {
                ...live,
                filters: [
                    { name: `tag:${RELAUNCHED_FROM_TAG}`, values: [q.instanceId] },
                    { name: "tag:ssm-access:stack", values: [q.stack] },
                ],
            },
            opts,
        ),
        aws.ec2.getInstances(
            { ...live, filters: [{ name: "instance-id", values: [q.instanceId] }] },
            opts,
        ),
    ]);
    if (!Array.isArray(replacements.ids) || !Array.isArray(sources.ids)) {
        // Unanswered: the offline plan's mocks answer every lookup with an unknown value.
        return undefined;
    }
    if (replacements.ids.length > 1) {
        refuse(
            q,
            `this stack has ${replacements.ids.length} replacements of it (${replacements.ids.join(", ")}): keep one, and remove the ${RELAUNCHED_FROM_TAG} tag from the others`,
        );
    }
    const [replacementId] = replacements.ids;
    if (replacementId === undefined && sources.ids.length === 0) {
        refuse(
            q,
            "no such running or stopped instance, and this stack has no replacement of it: check the id and aws:region",
        );
    }
    const read = await aws.ec2.getInstance(
        { instanceId: replacementId ?? q.instanceId, getUserData: true },
        opts,
    );
    const attributes = attributesOf(read);
    if (
        replacementId === undefined &&
        attributes.instanceProfile !== undefined &&
        !q.replaceInstanceProfile
    ) {
        refuse(
            q,
            `has its own instance profile "${attributes.instanceProfile}", which the replacement would lose: better, set existingRoleName to its role so the SSM permissions are added to it; or set replaceInstanceProfile: true on the entry`,
        );
    }
    if (replacementId === undefined && q.network) {
        await checkNetwork(q, q.network, opts);
    }
    return attributes;
}

/**
 * A subnet override's security groups must exist and be in the subnet's VPC: "a security group
 * can be used only in the VPC for which it is created"
 * (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html). Checked only before the launch: the
 * network is fixed at launch, and its groups may change afterwards.
 */
async function checkNetwork(
    q: SourceQuery,
    network: { subnetId: string; securityGroupIds: string[] },
    opts?: pulumi.InvokeOptions,
): Promise<void> {
    const [subnet, groups] = await Promise.all([
        aws.ec2.getSubnet({ id: network.subnetId }, opts),
        aws.ec2.getSecurityGroups(
            { filters: [{ name: "group-id", values: network.securityGroupIds }] },
            opts,
        ),
    ]);
    const where = `subnet ${network.subnetId} is in ${subnet.vpcId}`;
    const missing = network.securityGroupIds.filter((id) => !groups.ids.includes(id));
    if (missing.length > 0) {
        refuse(q, `${where}, and security groups ${missing.join(", ")} do not exist`);
    }
    const elsewhere = groups.ids.filter((_, i) => groups.vpcIds[i] !== subnet.vpcId);
    if (elsewhere.length > 0) {
        refuse(
            q,
            `${where}, but security groups ${elsewhere.join(", ")} are not: list groups of ${subnet.vpcId} in securityGroupIds`,
        );
    }
}

/** The source's settings as the provider's instance lookup reports them. */
export function attributesOf(i: aws.ec2.GetInstanceResult): SourceAttributes {
    const hopLimit = i.metadataOptions?.[0]?.httpPutResponseHopLimit;
    return {
        instanceType: i.instanceType,
        subnetId: i.subnetId,
        vpcSecurityGroupIds: i.vpcSecurityGroupIds ?? [],
        keyName: i.keyName || undefined,
        monitoring: Boolean(i.monitoring),
        ebsOptimized: Boolean(i.ebsOptimized),
        tenancy: i.tenancy || "default",
        placementGroup: i.placementGroup || undefined,
        associatePublicIpAddress: Boolean(i.associatePublicIpAddress),
        // The provider leaves it unset outside a VPC subnet; EC2's default is on.
        sourceDestCheck: i.sourceDestCheck ?? true,
        hopLimit: hopLimit && hopLimit > 0 ? hopLimit : DEFAULT_HOP_LIMIT,
        cpuCredits: i.creditSpecifications?.[0]?.cpuCredits || undefined,
        userDataBase64: i.userDataBase64 || undefined,
        disableApiStop: Boolean(i.disableApiStop),
        instanceProfile: i.iamInstanceProfile || undefined,
        tags: i.tags ?? {},
    };
}

/**
 * The ARN of a KMS key given as key id, key ARN, alias/NAME or alias ARN. AmiCopy takes only an
 * ARN: the provider validates kms_key_id with verify.ValidARN (terraform-provider-aws
 * internal/service/ec2/ami_copy.go), and EC2 checks the key only asynchronously, so a bad key
 * otherwise fails the copy long after the call. aws.kms.getKey (DescribeKey) accepts all four forms.
 */
export async function resolveKmsKey(
    keyId: string,
    label: string,
    region: string,
    opts?: pulumi.InvokeOptions,
): Promise<pulumi.Input<string>> {
    try {
        const { arn } = await aws.kms.getKey({ keyId }, opts);
        // Unanswered in the offline plan (see lookUpSource).
        return typeof arn === "string" ? arn : unanswered<string>();
    } catch (err) {
        throw new pulumi.RunError(
            `${label}.kmsKeyId = "${keyId}" (region ${region}): no usable KMS key: ${invokeReason(err)}`,
        );
    }
}

/**
 * The provider's reason from a failed invoke, on one line: the SDK reports it as
 * "Invoke of 'TOKEN' failed: REASON ()" (@pulumi/pulumi runtime/invoke.ts).
 */
export function invokeReason(err: unknown): string {
    const message = err instanceof Error ? err.message : String(err);
    const reason = message
        .split("\n")[0]
        .replace(/^Invoke of '[^']*' failed: /, "")
        .replace(/ \(\)$/, "")
        .trim();
    return reason || "the lookup failed";
}

/**
 * A value only AWS can give, for a lookup left unanswered (the offline plan): every input built
 * from it is unknown, and shown as such.
 */
export function unanswered<T>(): pulumi.Output<T> {
    return pulumi.output(pulumi.unknown) as unknown as pulumi.Output<T>;
}
