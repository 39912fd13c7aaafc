import { Partition, PolicyDocument, PolicyStatement, policyDocument } from "./iam";

/** Where Run Command may write command output: an S3 bucket (and key prefix) and a log group. */
export interface OutputScope {
    /** Bucket name (not ARN). */
    outputBucket?: string;
    /** Key prefix inside the bucket, without a leading slash, e.g. "run-command/". */
    outputKeyPrefix?: string;
    /** CloudWatch Logs group name. */
    logGroupName?: string;
}

const GUIDE_S3_OBJECT_ACTIONS = [
    "s3:PutObject",
    "s3:GetObject",
    "s3:AbortMultipartUpload",
    "s3:ListMultipartUploadParts",
];
const GUIDE_S3_BUCKET_ACTIONS = ["s3:ListBucketMultipartUploads"];
/**
 * Without logGroupName, output goes to the group Systems Manager names after the document:
 * "aws/ssm/SystemsManagerDocumentName" (SSM API Reference, CloudWatchOutputConfig), created with
 * a leading slash in practice; both spellings are allowed.
 */
const SSM_DEFAULT_LOG_GROUPS = ["/aws/ssm/*", "aws/ssm/*"];

export function bucketArn(partition: Partition, bucket: string): string {
    return `arn:${partition}:s3:::${bucket}`;
}

export function objectArn(partition: Partition, bucket: string, keyPrefix = ""): string {
    return `arn:${partition}:s3:::${bucket}/${keyPrefix}*`;
}

/**
 * A log group in both ARN forms: IAM evaluates most CloudWatch Logs actions against
 * `log-group:NAME:*` ("Use the second version, with the trailing :*, ... in IAM policies for all
 * other API actions": CloudWatch Logs User Guide, "Overview of managing access permissions to your
 * CloudWatch Logs resources", https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/iam-access-control-overview-cwl.html),
 * the rest against `log-group:NAME`. Log groups are per account and region; the role can only
 * write to its own account's.
 */
export function logGroupArns(partition: Partition, logGroup: string): string[] {
    const arn = `arn:${partition}:logs:*:*:log-group:${logGroup}`;
    return [arn, `${arn}:*`];
}

export function logStreamArn(partition: Partition, logGroup: string): string {
    return `arn:${partition}:logs:*:*:log-group:${logGroup}:log-stream:*`;
}

/**
 * The AWS-managed buckets SSM Agent reads from in a region (agent updates, documents' modules,
 * Distributor packages, patch baselines), from "SSM Agent communications with AWS managed S3
 * buckets" (AWS Systems Manager User Guide), which asks for exact regions, not wildcards. Needed
 * when the instance reaches S3 through a VPC endpoint; otherwise the agent uses HTTP.
 */
export function agentBucketObjectArns(partition: Partition, region: string): string[] {
    const distributor = ["af-south-1", "eu-south-1"].includes(region)
        ? `aws-ssm-distributor-file-${region}`
        : `${region}-birdwatcher-prod`;
    return [
        `aws-windows-downloads-${region}`,
        `amazon-ssm-${region}`,
        `amazon-ssm-packages-${region}`,
        distributor,
        `aws-ssm-document-attachments-${region}`,
        `patch-baseline-snapshot-${region}`,
        `aws-ssm-${region}`,
    ].map((bucket) => `arn:${partition}:s3:::${bucket}/*`);
}

/**
 * The S3 statements of the guide's policy. The guide puts its S3 actions on "*"; here reads go to
 * the region's AWS-managed agent buckets only, and output actions, each on the resource type it
 * applies to (AWS service authorization reference), to the output bucket: object actions on
 * bucket/prefix*, the bucket action on the bucket. Without outputBucket there is no S3 output.
 */
function s3Statements(partition: Partition, region: string, scope: OutputScope): PolicyStatement[] {
    const agent: PolicyStatement = {
        Sid: "AgentManagedBuckets",
        Effect: "Allow",
        Action: ["s3:GetObject"],
        Resource: agentBucketObjectArns(partition, region),
    };
    if (!scope.outputBucket) {
        return [agent];
    }
    return [
        agent,
        {
            Sid: "RunCommandOutputObjects",
            Effect: "Allow",
            Action: GUIDE_S3_OBJECT_ACTIONS,
            Resource: objectArn(partition, scope.outputBucket, scope.outputKeyPrefix),
        },
        {
            Sid: "RunCommandOutputBucket",
            Effect: "Allow",
            Action: GUIDE_S3_BUCKET_ACTIONS,
            Resource: bucketArn(partition, scope.outputBucket),
        },
    ];
}

/**
 * The logs statements, scoped to logGroupName or else to SSM's default groups: CreateLogGroup and DescribeLogStreams on the group
 * in both forms IAM evaluates them against (the service authorization reference's
 * `log-group:NAME`, and `log-group:NAME:log-stream:` as AccessDenied messages show, e.g.
 * vectordotdev/vector#714), streams on `log-group:NAME:log-stream:*`. logs:DescribeLogGroups
 * stays on "*": the agent calls it to find the group (amazon-ssm-agent,
 * agent/agentlogstocloudwatch/cloudwatchlogspublisher/cloudwatchlogsservice.go,
 * IsLogGroupPresent) and IAM cannot restrict that list action to a group.
 */
function logsStatements(partition: Partition, scope: OutputScope): PolicyStatement[] {
    const groups = scope.logGroupName ? [scope.logGroupName] : SSM_DEFAULT_LOG_GROUPS;
    return [
        {
            Sid: "RunCommandLogGroup",
            Effect: "Allow",
            Action: ["logs:CreateLogGroup", "logs:DescribeLogStreams"],
            Resource: groups.flatMap((g) => logGroupArns(partition, g)),
        },
        {
            Sid: "RunCommandLogStreams",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource:
                groups.length === 1
                    ? logStreamArn(partition, groups[0])
                    : groups.map((g) => logStreamArn(partition, g)),
        },
        {
            Sid: "RunCommandListLogGroups",
            Effect: "Allow",
            Action: ["logs:DescribeLogGroups"],
            Resource: "*",
        },
    ];
}

/**
 * The guide's custom instance policy ("Create the IAM Policy for EC2 Instances"), action for
 * action, with its S3 and logs statements optionally narrowed to one bucket and one log group.
 */
export function guideInstancePolicy(
    partition: Partition,
    region: string,
    scope: OutputScope = {},
): PolicyDocument {
    return policyDocument([
        {
            Effect: "Allow",
            Action: [
                "ssm:DescribeAssociation",
                "ssm:GetDocument",
                "ssm:ListAssociations",
                "ssm:UpdateAssociationStatus",
                "ssm:UpdateInstanceInformation",
            ],
            Resource: "*",
        },
        {
            Effect: "Allow",
            Action: [
                "ec2messages:AcknowledgeMessage",
                "ec2messages:DeleteMessage",
                "ec2messages:FailMessage",
                "ec2messages:GetEndpoint",
                "ec2messages:GetMessages",
                "ec2messages:SendReply",
            ],
            Resource: "*",
        },
        { Effect: "Allow", Action: ["cloudwatch:PutMetricData"], Resource: "*" },
        { Effect: "Allow", Action: ["ec2:DescribeInstanceStatus"], Resource: "*" },
        { Effect: "Allow", Action: ["ds:CreateComputer", "ds:DescribeDirectories"], Resource: "*" },
        ...logsStatements(partition, scope),
        ...s3Statements(partition, region, scope),
    ]);
}

/**
 * What AmazonSSMManagedInstanceCore does not cover: writing command output to the configured
 * bucket and log group. Undefined when neither is configured.
 */
export function outputAccessPolicy(
    partition: Partition,
    scope: OutputScope,
): PolicyDocument | undefined {
    const statements: PolicyStatement[] = [];
    if (scope.outputBucket) {
        statements.push(
            {
                Sid: "RunCommandOutputObjects",
                Effect: "Allow",
                Action: ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
                Resource: objectArn(partition, scope.outputBucket, scope.outputKeyPrefix),
            },
            {
                Sid: "RunCommandOutputBucketEncryption",
                Effect: "Allow",
                Action: ["s3:GetEncryptionConfiguration"],
                Resource: bucketArn(partition, scope.outputBucket),
            },
        );
    }
    if (scope.logGroupName) {
        statements.push(...logsStatements(partition, scope));
    }
    return statements.length > 0 ? policyDocument(statements) : undefined;
}
