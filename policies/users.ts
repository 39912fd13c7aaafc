import { Partition, PolicyDocument, awsManagedPolicyArn, policyDocument } from "./iam";

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

/** The documents the guide says amount to administrator access on an instance. */
export const SHELL_DOCUMENTS = ["AWS-RunShellScript", "AWS-RunPowerShellScript"];

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

export interface OperatorScope {
    /** ARNs of the only documents operators may run. */
    documentArns: string[];
    /** Operators may target only instances carrying this tag. */
    instanceTag: { key: string; value: string };
}

/** ARN pattern of a document in any region and account (AWS-owned documents have an empty account). */
export function anyDocumentArn(partition: Partition, name: string): string {
    return `arn:${partition}:ssm:*:*:document/${name}`;
}

/**
 * The guide's "create SSM documents for specific tasks and delegate access to non-administrators",
 * made concrete. ssm:SendCommand authorizes the document and every target instance separately, so
 * the grant is the listed documents plus instances carrying the tag. The list/get actions that let
 * operators follow their commands are wildcard-only in IAM, so they are on "*". The shell
 * documents are denied explicitly: an Allow added elsewhere cannot turn them back on.
 */
export function operatorPolicy(partition: Partition, scope: OperatorScope): PolicyDocument {
    return policyDocument([
        {
            Sid: "SendOnlyTheseDocuments",
            Effect: "Allow",
            Action: ["ssm:SendCommand"],
            Resource: scope.documentArns,
        },
        {
            Sid: "SendOnlyToTaggedInstances",
            Effect: "Allow",
            Action: ["ssm:SendCommand"],
            Resource: `arn:${partition}:ec2:*:*:instance/*`,
            Condition: {
                StringEquals: {
                    [`ssm:resourceTag/${scope.instanceTag.key}`]: scope.instanceTag.value,
                },
            },
        },
        {
            Sid: "ReadTheseDocuments",
            Effect: "Allow",
            Action: ["ssm:DescribeDocument", "ssm:GetDocument"],
            Resource: scope.documentArns,
        },
        {
            Sid: "FollowCommands",
            Effect: "Allow",
            Action: [
                "ssm:ListCommands",
                "ssm:ListCommandInvocations",
                "ssm:GetCommandInvocation",
                "ssm:DescribeInstanceInformation",
                "ec2:DescribeInstanceStatus",
            ],
            Resource: "*",
        },
        {
            Sid: "DenyShellDocuments",
            Effect: "Deny",
            Action: ["ssm:SendCommand"],
            Resource: SHELL_DOCUMENTS.map((d) => anyDocumentArn(partition, d)),
        },
    ]);
}
