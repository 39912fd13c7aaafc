/** Configuration of relaunches and the optional private network they may launch into. */
import { z } from "zod";
import type { RelaunchArgs } from "../components/relaunch";
import { Partition } from "../policies/iam";
import {
    across,
    flag,
    list,
    map,
    noRepeats,
    otherPartition,
    partitionMismatch,
    problem,
    text,
    whole,
} from "./fields";

const INSTANCE_ID = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
const SUBNET_ID = /^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const SECURITY_GROUP_ID = /^sg-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
/** A key id (UUID or multi-Region mrk-), alias/NAME, or the ARN of either (KMS's four forms). */
const KMS_KEY =
    /^(?:arn:(aws|aws-cn|aws-us-gov):kms:[a-z0-9-]+:\d{12}:(?:key\/(?:[0-9a-f-]{36}|mrk-[0-9a-f]{32})|alias\/[\w/-]+)|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}|alias\/[\w/-]+)$/;
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** One relaunch entry: what Relaunch takes, plus whether to launch into the stack's private network. */
export type RelaunchEntry = Pick<
    RelaunchArgs,
    "instanceId" | "instanceType" | "noReboot" | "copyUserData"
> & {
    readonly subnetId?: string;
    /** Security groups of the replacement; required with subnetId. @default the source's */
    readonly securityGroupIds?: string[];
    /** A KMS key id, key ARN, alias/NAME or alias ARN: resolved to the key's ARN at deploy. */
    readonly kmsKeyId?: string;
    /** Launch with the SSM profile although the source has an instance profile of its own. */
    readonly replaceInstanceProfile: boolean;
    /** Launch into the stack's private network (its first isolated subnet and instance security group). */
    readonly privateNetwork: boolean;
};

const CIDR_ACCEPTED = 'must be an IPv4 CIDR from /16 to /28, e.g. "10.40.0.0/16"';

function validCidr(value: string): boolean {
    const m = CIDR.exec(value);
    const prefix = m ? Number(m[5]) : NaN;
    return (
        m !== null && m.slice(1, 5).every((o) => Number(o) <= 255) && prefix >= 16 && prefix <= 28
    );
}

/** What the checks across an entry's keys read. */
interface RelaunchItem {
    instanceId?: string;
    subnetId?: string;
    securityGroupIds?: string[];
    privateNetwork: boolean;
}

function entry(partition: Partition) {
    return map({
        instanceId: text(
            INSTANCE_ID,
            "must be an EC2 instance id: i- and 8 or 17 hex digits",
        ).optional(),
        instanceType: text(
            INSTANCE_TYPE,
            "must be an EC2 instance type such as t3.micro or m7g.large",
        ).optional(),
        subnetId: text(SUBNET_ID, "must be a subnet id: subnet- and 8 or 17 hex digits").optional(),
        securityGroupIds: list(
            text(SECURITY_GROUP_ID, "must be a security group id: sg- and 8 or 17 hex digits"),
        )
            // Refinements, not .min()/.max(), which zod runs on any value with a length (a bare
            // id would get a second, bogus problem); the editor schema keeps the bounds.
            .refine((ids) => ids.length >= 1, { error: "must list at least one security group id" })
            // Security groups per network interface: 5 by default, at most 16 on request
            // (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html).
            .refine((ids) => ids.length <= 16, {
                error: "must list at most 16 security groups (EC2's limit per interface)",
            })
            .meta({ minItems: 1, maxItems: 16 })
            .optional(),
        replaceInstanceProfile: flag().default(false),
        copyUserData: flag().default(true),
        privateNetwork: flag().default(false),
        noReboot: flag().default(false),
        kmsKeyId: text(
            KMS_KEY,
            "must be a KMS key id, key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), alias/NAME or alias ARN",
        )
            .refine((arn) => otherPartition(arn, partition) === undefined, {
                error: (i) =>
                    partitionMismatch(otherPartition(String(i.input), partition)!, partition),
            })
            .optional(),
    }).check(
        across<RelaunchItem>(["instanceId"], (r, ctx) => {
            if (r.instanceId === undefined) {
                problem(
                    ctx,
                    ["instanceId"],
                    undefined,
                    "is required: the id of the running instance to relaunch",
                );
            }
        }),
        across<RelaunchItem>(["subnetId", "securityGroupIds", "privateNetwork"], (r, ctx) => {
            if (r.subnetId && !r.securityGroupIds) {
                problem(
                    ctx,
                    ["subnetId"],
                    r.subnetId,
                    "needs securityGroupIds too: security groups belong to one VPC, so the source's may not exist in the new subnet's",
                );
            }
            if (r.privateNetwork && r.securityGroupIds) {
                problem(
                    ctx,
                    ["securityGroupIds"],
                    r.securityGroupIds,
                    "cannot be set with privateNetwork: true, which uses the network's instance security group",
                );
            }
            if (r.privateNetwork && r.subnetId) {
                problem(
                    ctx,
                    ["subnetId"],
                    r.subnetId,
                    "cannot be set with privateNetwork: true, which picks the private subnet",
                );
            }
        }),
    );
}

export function relaunchKeys(partition: Partition) {
    return {
        relaunch: list(entry(partition))
            .check(noRepeats("instanceId", "is listed twice: relaunch each instance once"))
            .default([]),
        privateNetwork: map({
            cidrBlock: z
                .string({ error: CIDR_ACCEPTED })
                .refine(validCidr, { error: CIDR_ACCEPTED })
                .optional(),
            availabilityZones: whole(1, 6).optional(),
            s3GatewayEndpoint: flag().optional(),
        })
            .superRefine((n, ctx) => {
                if (
                    (n.availabilityZones !== undefined || n.s3GatewayEndpoint !== undefined) &&
                    n.cidrBlock === undefined
                ) {
                    problem(ctx, ["cidrBlock"], undefined, CIDR_ACCEPTED);
                }
            })
            .default({}),
    };
}

type RelaunchValues = z.output<z.ZodObject<ReturnType<typeof relaunchKeys>>> & {
    instanceMode: string;
};

/** Relaunch needs an instance profile, and privateNetwork entries need the network. */
export const relaunchChecks = [
    across<RelaunchValues>(["relaunch.*.instanceId", "instanceMode"], (v, ctx) => {
        if (v.relaunch.length > 0 && v.instanceMode === "none") {
            problem(
                ctx,
                ["relaunch"],
                v.relaunch.map((r) => r.instanceId),
                'relaunches onto the instance profile, but instanceMode "none" creates none: set instanceMode to managed or guide',
            );
        }
    }),
    across<RelaunchValues>(["relaunch.*.privateNetwork", "privateNetwork.cidrBlock"], (v, ctx) => {
        v.relaunch.forEach((r, i) => {
            if (r.privateNetwork && !v.privateNetwork.cidrBlock) {
                problem(
                    ctx,
                    ["relaunch", i, "privateNetwork"],
                    true,
                    "needs ssm-access:privateNetwork (its cidrBlock) to be configured",
                );
            }
        });
    }),
];
