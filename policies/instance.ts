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
const GUIDE_LOGS_ACTIONS = [
    "logs:CreateLogGroup",
    "logs:CreateLogStream",
    "logs:DescribeLogGroups",
    "logs:DescribeLogStreams",
    "logs:PutLogEvents",
];

export function bucketArn(partition: Partition, bucket: string): string {
    return `arn:${partition}:s3:::${bucket}`;
}

export function objectArn(partition: Partition, bucket: string, keyPrefix = ""): string {
    return `arn:${partition}:s3:::${bucket}/${keyPrefix}*`;
}

/** Log groups are per account and region; the role can only write to its own account's. */
export function logGroupArn(partition: Partition, logGroup: string): string {
    return `arn:${partition}:logs:*:*:log-group:${logGroup}`;
}

export function logStreamArn(partition: Partition, logGroup: string): string {
    return `arn:${partition}:logs:*:*:log-group:${logGroup}:log-stream:*`;
}

/**
 * The S3 statements of the guide's policy, each action on the resource type it applies to
 * (AWS service authorization reference): object actions on bucket/prefix*, the one bucket
 * action on the bucket. Without a bucket, the guide's own Resource "*".
 */
function s3Statements(partition: Partition, scope: OutputScope): PolicyStatement[] {
    if (!scope.outputBucket) {
        return [
            {
                Effect: "Allow",
                Action: [...GUIDE_S3_OBJECT_ACTIONS, ...GUIDE_S3_BUCKET_ACTIONS],
                Resource: "*",
            },
        ];
    }
    return [
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
 * The logs statements. Scoped to one log group: CreateLogGroup and DescribeLogStreams on the group
 * in both forms IAM evaluates them against (the service authorization reference's
 * `log-group:NAME`, and `log-group:NAME:log-stream:` as AccessDenied messages show, e.g.
 * vectordotdev/vector#714), streams on `log-group:NAME:log-stream:*`. logs:DescribeLogGroups
 * stays on "*": the agent calls it to find the group (amazon-ssm-agent,
 * agent/agentlogstocloudwatch/cloudwatchlogspublisher/cloudwatchlogsservice.go,
 * IsLogGroupPresent) and IAM cannot restrict that list action to a group.
 */
function logsStatements(partition: Partition, scope: OutputScope): PolicyStatement[] {
    if (!scope.logGroupName) {
        return [{ Effect: "Allow", Action: GUIDE_LOGS_ACTIONS, Resource: "*" }];
    }
    return [
        {
            Sid: "RunCommandLogGroup",
            Effect: "Allow",
            Action: ["logs:CreateLogGroup", "logs:DescribeLogStreams"],
            Resource: [
                logGroupArn(partition, scope.logGroupName),
                `${logGroupArn(partition, scope.logGroupName)}:*`,
            ],
        },
        {
            Sid: "RunCommandLogStreams",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: logStreamArn(partition, scope.logGroupName),
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
export function guideInstancePolicy(partition: Partition, scope: OutputScope = {}): PolicyDocument {
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
        ...s3Statements(partition, scope),
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
