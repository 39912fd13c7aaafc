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

/** The DNS suffix of service principals in a partition (ec2.amazonaws.com.cn in China). */
export function servicePrincipal(service: string, partition: Partition): string {
    return partition === "aws-cn" ? `${service}.amazonaws.com.cn` : `${service}.amazonaws.com`;
}

/** ARN of an AWS managed policy, e.g. awsManagedPolicyArn("aws", "AmazonSSMManagedInstanceCore"). */
export function awsManagedPolicyArn(partition: Partition, nameWithPath: string): string {
    return `arn:${partition}:iam::aws:policy/${nameWithPath}`;
}
