/**
 * Plain IAM policy document types and small helpers shared by the builders. Nothing here
 * depends on Pulumi, so every document can be built and tested on its own.
 */

export type Partition = "aws" | "aws-cn" | "aws-us-gov";

export const PARTITIONS: readonly Partition[] = ["aws", "aws-cn", "aws-us-gov"];

export interface PolicyStatement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: { Service: string | string[] };
    Action: string | string[];
    Resource?: string | string[];
    /** Every resource except these (for a Deny that must cover what is not listed). */
    NotResource?: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: PolicyStatement[];
}

export function policyDocument(statements: PolicyStatement[]): PolicyDocument {
    return { Version: "2012-10-17", Statement: statements };
}

/** The partition a region belongs to: cn-* is aws-cn, us-gov-* is aws-us-gov, all else aws. */
export function partitionOfRegion(region: string): Partition {
    if (region.startsWith("cn-")) {
        return "aws-cn";
    }
    if (region.startsWith("us-gov-")) {
        return "aws-us-gov";
    }
    return "aws";
}

/** The services whose trust principals this project writes. */
export type PrincipalService = "ec2" | "ssm";

/**
 * Service principals that differ from `<service>.amazonaws.com`, per partition. Most services use
 * the global form everywhere, also in China ("The global service principal is always correct",
 * aws-cdk region-info/lib/default.ts; lambda.amazonaws.com.cn is refused as an invalid principal,
 * aws/aws-cdk#2198). EC2 in China is the exception: the China console and EKS expect
 * ec2.amazonaws.com.cn, ec2.amazonaws.com has been refused there (hashicorp/packer#10026), and
 * terraform-provider-aws returns ec2.amazonaws.com.cn since PR #47141. SSM's own documentation for
 * China names ssm.amazonaws.com (Default Host Management, hybrid activations).
 */
const PRINCIPAL_EXCEPTIONS: Partial<Record<Partition, Partial<Record<PrincipalService, string>>>> =
    {
        "aws-cn": { ec2: "ec2.amazonaws.com.cn" },
    };

/** The principal a trust policy names for `service` in `partition`. */
export function servicePrincipal(service: PrincipalService, partition: Partition): string {
    return PRINCIPAL_EXCEPTIONS[partition]?.[service] ?? `${service}.amazonaws.com`;
}

/** ARN of an AWS managed policy, e.g. awsManagedPolicyArn("aws", "AmazonSSMManagedInstanceCore"). */
export function awsManagedPolicyArn(partition: Partition, nameWithPath: string): string {
    return `arn:${partition}:iam::aws:policy/${nameWithPath}`;
}
