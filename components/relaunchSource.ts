/**
 * Reading a relaunch's source (or its existing replacement) and its KMS key, once, before any
 * resource is declared: the lookups behind the Relaunch component's `source` and `kmsKeyId`.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_HOP_LIMIT, RELAUNCHED_FROM_TAG, SourceAttributes } from "./relaunch";

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
