/** Configuration of the instance role and profile: the keys InstanceAccess takes. */
import { z } from "zod";
import { DHMC_ROLE_CHOICES, INSTANCE_MODES } from "../components/instanceAccess";
import { Partition } from "../policies/iam";
import {
    across,
    flag,
    list,
    noRepeats,
    oneOf,
    otherPartition,
    partitionMismatch,
    problem,
    text,
} from "./fields";

// IAM and S3 naming rules (IAM API reference: CreateRole, CreateInstanceProfile; S3 bucket naming).
export const IAM_NAME = /^[\w+=,.@-]+$/;
const IAM_PATH = /^\/(?:[\x21-\x7E]*\/)?$/;
const POLICY_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}|aws):policy\/[\w+=,.@/-]+$/;
const BUCKET_NAME = /^(?!\d+\.\d+\.\d+\.\d+$)(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const BUCKET_ARN = /^arn:(aws|aws-cn|aws-us-gov):s3:::([^/]+)$/;
const LOG_GROUP = /^[.\-_/#A-Za-z0-9]{1,512}$/;
const KEY_PREFIX = /^[A-Za-z0-9!_.*'()/-]{1,900}$/;

/** An IAM name of at most `max` characters. */
export function iamName(max: number) {
    return text(IAM_NAME, `must be 1-${max} characters of letters, digits and +=,.@_-`, max);
}

/** A role's name; its ARN, a common mistake, is named as such. */
function roleNameField() {
    return z
        .string({ error: "must be 1-64 characters of letters, digits and +=,.@_-" })
        .refine((v) => !v.startsWith("arn:"), {
            error: "is an ARN: give the role's name (the part after the last /)",
            abort: true,
        })
        .pipe(iamName(64))
        .meta({ pattern: IAM_NAME.source, maxLength: 64 });
}

function policyArn(partition: Partition) {
    return text(
        POLICY_ARN,
        "must be an IAM policy ARN like arn:aws:iam::123456789012:policy/Name",
    ).refine((arn) => otherPartition(arn, partition) === undefined, {
        error: (i) => partitionMismatch(otherPartition(String(i.input), partition)!, partition),
    });
}

function bucket(partition: Partition) {
    const accepted =
        "must be an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens) or its ARN arn:aws:s3:::name";
    return z
        .string({ error: accepted })
        .refine((v) => otherPartition(v, partition) === undefined, {
            error: (i) => partitionMismatch(otherPartition(String(i.input), partition)!, partition),
            abort: true,
        })
        .refine((v) => BUCKET_NAME.test(bucketName(v)), { error: accepted });
}

/** The bucket's name, from its name or ARN. */
export function bucketName(value: string): string {
    return BUCKET_ARN.exec(value)?.[2] ?? value;
}

/** A key prefix ending in "/". */
export function keyPrefixDir(value: string): string {
    return value.endsWith("/") ? value : `${value}/`;
}

const keyPrefix = text(
    KEY_PREFIX,
    "must be an S3 key prefix without a leading slash, e.g. run-command/",
).refine((v) => !v.startsWith("/"), {
    error: "must not start with a slash; S3 keys have no leading slash",
});

/** The instance keys, for the stack's partition. */
export function instanceKeys(partition: Partition) {
    return {
        instanceMode: oneOf(INSTANCE_MODES).default("managed"),
        existingRoleName: roleNameField().optional(),
        existingInstanceProfileName: iamName(128).optional(),
        roleName: roleNameField().optional(),
        rolePath: text(
            IAM_PATH,
            'must start and end with "/" (e.g. "/ssm/"), printable ASCII, at most 512 characters',
            512,
        ).default("/"),
        permissionsBoundaryArn: policyArn(partition).optional(),
        additionalPolicyArns: list(policyArn(partition))
            .check(noRepeats(undefined, "is listed twice: remove the duplicate"))
            .default([]),
        outputBucket: bucket(partition).optional(),
        outputKeyPrefix: keyPrefix.optional(),
        logGroupName: text(
            LOG_GROUP,
            "must be a log group name: 1-512 of letters, digits and ._-/#",
        ).optional(),
        defaultHostManagement: flag().default(false),
        defaultHostManagementRole: oneOf(DHMC_ROLE_CHOICES).default("create"),
    };
}

type InstanceValues = z.output<z.ZodObject<ReturnType<typeof instanceKeys>>>;

/** Settings of the instance role and its policies: meaningless without an instance role. */
const ROLE_SETTINGS = [
    "roleName",
    "permissionsBoundaryArn",
    "additionalPolicyArns",
    "outputBucket",
    "outputKeyPrefix",
    "logGroupName",
] as const;

/** Rules across the instance keys. */
export const instanceChecks = [
    across<InstanceValues>(
        ["roleName", "existingRoleName", "permissionsBoundaryArn", "existingInstanceProfileName"],
        (v, ctx) => {
            if (v.existingRoleName && v.permissionsBoundaryArn) {
                problem(
                    ctx,
                    ["permissionsBoundaryArn"],
                    v.permissionsBoundaryArn,
                    `applies only to a role this stack creates; the adopted role "${v.existingRoleName}" keeps its own boundary: remove one of them`,
                );
            }
            if (v.existingInstanceProfileName && !v.existingRoleName) {
                problem(
                    ctx,
                    ["existingInstanceProfileName"],
                    v.existingInstanceProfileName,
                    "needs existingRoleName: a reused profile must hold the role this stack adopts (set existingRoleName to the profile's role, or unset this to create a profile)",
                );
            }
        },
    ),
    across<InstanceValues>(["roleName", "existingRoleName"], (v, ctx) => {
        if (v.existingRoleName && v.roleName) {
            problem(
                ctx,
                ["roleName"],
                v.roleName,
                `cannot be set together with existingRoleName "${v.existingRoleName}": remove one`,
            );
        }
    }),
    across<InstanceValues>(
        [
            "instanceMode",
            "existingRoleName",
            "existingInstanceProfileName",
            "defaultHostManagement",
            "rolePath",
            ...ROLE_SETTINGS,
        ],
        (v, ctx) => {
            if (v.instanceMode !== "none") {
                return;
            }
            if (v.rolePath !== "/") {
                problem(
                    ctx,
                    ["rolePath"],
                    v.rolePath,
                    'configures the instance role, which instanceMode "none" does not create: remove it, or choose managed or guide',
                );
            }
            for (const key of ROLE_SETTINGS) {
                const value = v[key];
                if (value !== undefined && !(Array.isArray(value) && value.length === 0)) {
                    problem(
                        ctx,
                        [key],
                        value,
                        'configures the instance role, which instanceMode "none" does not create: remove it, or choose managed or guide',
                    );
                }
            }
            if (v.existingRoleName) {
                problem(
                    ctx,
                    ["instanceMode"],
                    v.instanceMode,
                    "existingRoleName needs a mode that grants SSM permissions: managed, guide or legacy-managed",
                );
            }
            if (v.existingInstanceProfileName) {
                problem(
                    ctx,
                    ["existingInstanceProfileName"],
                    v.existingInstanceProfileName,
                    'needs instanceMode other than "none"',
                );
            }
            if (!v.defaultHostManagement) {
                problem(
                    ctx,
                    ["instanceMode"],
                    v.instanceMode,
                    "gives instances no way to reach SSM: use managed, guide or legacy-managed, or set defaultHostManagement: true",
                );
            }
        },
    ),
    across<InstanceValues>(["instanceMode", "outputBucket", "logGroupName"], (v, ctx) => {
        if (v.instanceMode !== "legacy-managed") {
            return;
        }
        for (const key of ["outputBucket", "logGroupName"] as const) {
            if (v[key]) {
                problem(
                    ctx,
                    [key],
                    v[key],
                    'cannot narrow instanceMode "legacy-managed": AmazonEC2RoleforSSM allows S3 and CloudWatch Logs actions on every resource. Use instanceMode "managed" or "guide", which scope output to it',
                );
            }
        }
    }),
    across<InstanceValues>(["defaultHostManagement", "defaultHostManagementRole"], (v, ctx) => {
        if (v.defaultHostManagementRole === "existing" && !v.defaultHostManagement) {
            problem(
                ctx,
                ["defaultHostManagementRole"],
                v.defaultHostManagementRole,
                "applies only with defaultHostManagement: true: set that too, or remove this",
            );
        }
    }),
    across<InstanceValues>(["outputBucket", "outputKeyPrefix"], (v, ctx) => {
        if (v.outputKeyPrefix && !v.outputBucket) {
            problem(
                ctx,
                ["outputKeyPrefix"],
                v.outputKeyPrefix,
                "needs outputBucket: set the bucket the prefix belongs to",
            );
        }
    }),
];
