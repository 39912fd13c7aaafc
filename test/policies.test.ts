import * as assert from "assert";
import { decide } from "./support/simulate";
import { partitionOfRegion, servicePrincipal } from "../policies/iam";
import {
    agentBucketObjectArns,
    guideInstancePolicy,
    outputAccessPolicy,
} from "../policies/instance";
import { serviceTrustPolicy, verifyServiceTrust } from "../policies/trust";
import { assertValidIdentityPolicy, assertValidTrustPolicy } from "./support/iam";

// The guide's "Create the IAM Policy for EC2 Instances", transcribed from
// ../shared/reference/ssm-run-command-iam-guide.txt (not produced by the code under test).
/** The guide's actions that are not S3 or logs, statement for statement, all on Resource "*". */
const GUIDE_ACTIONS_ON_STAR = [
    [
        "ssm:DescribeAssociation",
        "ssm:GetDocument",
        "ssm:ListAssociations",
        "ssm:UpdateAssociationStatus",
        "ssm:UpdateInstanceInformation",
    ],
    [
        "ec2messages:AcknowledgeMessage",
        "ec2messages:DeleteMessage",
        "ec2messages:FailMessage",
        "ec2messages:GetEndpoint",
        "ec2messages:GetMessages",
        "ec2messages:SendReply",
    ],
    ["cloudwatch:PutMetricData"],
    ["ec2:DescribeInstanceStatus"],
    ["ds:CreateComputer", "ds:DescribeDirectories"],
    ["logs:DescribeLogGroups"],
];

describe("partitions", () => {
    it("maps regions to partitions", () => {
        assert.deepStrictEqual(
            ["us-east-1", "cn-north-1", "us-gov-west-1", "eu-west-2"].map(partitionOfRegion),
            ["aws", "aws-cn", "aws-us-gov", "aws"],
        );
    });

    const principals: [Parameters<typeof servicePrincipal>, string][] = [
        [["ec2", "aws"], "ec2.amazonaws.com"],
        [["ec2", "aws-cn"], "ec2.amazonaws.com.cn"],
        [["ec2", "aws-us-gov"], "ec2.amazonaws.com"],
        [["ssm", "aws"], "ssm.amazonaws.com"],
        [["ssm", "aws-cn"], "ssm.amazonaws.com"],
        [["ssm", "aws-us-gov"], "ssm.amazonaws.com"],
    ];
    for (const [[service, partition], expected] of principals) {
        it(`names ${expected} for ${service} in ${partition}`, () => {
            assert.strictEqual(servicePrincipal(service, partition), expected);
        });
    }
});

describe("serviceTrustPolicy", () => {
    it("is the guide's trust policy for EC2", async () => {
        const doc = serviceTrustPolicy("ec2", "aws");
        assert.deepStrictEqual(doc, {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Service: "ec2.amazonaws.com" },
                    Action: "sts:AssumeRole",
                },
            ],
        });
        await assertValidTrustPolicy(doc);
    });

    it("uses the China principal in aws-cn", () => {
        assert.strictEqual(
            serviceTrustPolicy("ec2", "aws-cn").Statement[0].Principal?.Service,
            "ec2.amazonaws.com.cn",
        );
    });
});

describe("guideInstancePolicy", () => {
    it("keeps the guide's actions on Resource * only where IAM cannot scope them", async () => {
        const doc = guideInstancePolicy("aws", "us-east-1");
        const onStar = doc.Statement.filter((s) => s.Resource === "*");
        assert.deepStrictEqual(
            onStar.map((s) => s.Action),
            GUIDE_ACTIONS_ON_STAR,
        );
        await assertValidIdentityPolicy(doc);
    });

    // Without outputBucket or logGroupName: S3 reads of the region's agent buckets, logs in SSM's
    // default groups, and nothing else (decided by the IAM simulator).
    const UNSCOPED: [string, string, string][] = [
        [
            "s3:GetObject",
            "arn:aws:s3:::amazon-ssm-us-east-1/latest/linux_amd64/amazon-ssm-agent.rpm",
            "Allowed",
        ],
        ["s3:GetObject", "arn:aws:s3:::us-east-1-birdwatcher-prod/x", "Allowed"],
        ["s3:GetObject", "arn:aws:s3:::someone-elses-bucket/secrets.txt", "ImplicitlyDenied"],
        ["s3:GetObject", "arn:aws:s3:::amazon-ssm-eu-west-1/x", "ImplicitlyDenied"],
        ["s3:PutObject", "arn:aws:s3:::any-bucket/out.txt", "ImplicitlyDenied"],
        [
            "logs:PutLogEvents",
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/ssm/AWS-RunShellScript:log-stream:i-1/run",
            "Allowed",
        ],
        [
            "logs:CreateLogGroup",
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/ssm/RestartWebService",
            "Allowed",
        ],
        [
            "logs:PutLogEvents",
            "arn:aws:logs:us-east-1:123456789012:log-group:/app/audit:log-stream:s",
            "ImplicitlyDenied",
        ],
    ];
    for (const [action, resource, expected] of UNSCOPED) {
        it(`without an output scope: ${action} on ${resource.split(":::").pop()?.split(":log-group:").pop()} is ${expected}`, async () => {
            const doc = guideInstancePolicy("aws", "us-east-1");
            assert.strictEqual(await decide([doc], action, resource), expected);
        });
    }

    it("reads the distributor bucket where AWS documents one instead of birdwatcher", () => {
        const arns = agentBucketObjectArns("aws", "af-south-1");
        assert.ok(arns.includes("arn:aws:s3:::aws-ssm-distributor-file-af-south-1/*"));
        assert.ok(!arns.some((a) => a.includes("birdwatcher")));
    });

    it("puts object actions on bucket/prefix* and the bucket action on the bucket", async () => {
        const doc = guideInstancePolicy("aws-us-gov", "us-gov-west-1", {
            outputBucket: "cmd-out",
            outputKeyPrefix: "runs/",
        });
        const s3 = doc.Statement.filter(
            (s) =>
                String(s.Action).startsWith("s3:") ||
                (Array.isArray(s.Action) && s.Action[0].startsWith("s3:")),
        );
        assert.deepStrictEqual(s3[0], {
            Sid: "AgentManagedBuckets",
            Effect: "Allow",
            Action: ["s3:GetObject"],
            Resource: agentBucketObjectArns("aws-us-gov", "us-gov-west-1"),
        });
        assert.deepStrictEqual(s3.slice(1), [
            {
                Sid: "RunCommandOutputObjects",
                Effect: "Allow",
                Action: [
                    "s3:PutObject",
                    "s3:GetObject",
                    "s3:AbortMultipartUpload",
                    "s3:ListMultipartUploadParts",
                ],
                Resource: "arn:aws-us-gov:s3:::cmd-out/runs/*",
            },
            {
                Sid: "RunCommandOutputBucket",
                Effect: "Allow",
                Action: ["s3:ListBucketMultipartUploads"],
                Resource: "arn:aws-us-gov:s3:::cmd-out",
            },
        ]);
        assert.ok(!JSON.stringify(s3).includes('"*"'), "no S3 statement on *");
        await assertValidIdentityPolicy(doc);
    });

    // The forms IAM evaluates the agent's calls against (service authorization reference, and
    // AccessDenied messages naming log-group:NAME:log-stream: for CreateLogGroup and
    // DescribeLogStreams), decided by a simulator nobody here wrote.
    const LOG_REQUESTS: [string, string][] = [
        ["logs:CreateLogGroup", "arn:aws:logs:us-east-1:123456789012:log-group:/ssm/run-command"],
        [
            "logs:CreateLogGroup",
            "arn:aws:logs:us-east-1:123456789012:log-group:/ssm/run-command:log-stream:",
        ],
        [
            "logs:DescribeLogStreams",
            "arn:aws:logs:us-east-1:123456789012:log-group:/ssm/run-command:log-stream:",
        ],
        [
            "logs:PutLogEvents",
            "arn:aws:logs:us-east-1:123456789012:log-group:/ssm/run-command:log-stream:i-0abc/run",
        ],
    ];
    for (const [action, resource] of LOG_REQUESTS) {
        it(`allows ${action} on ${resource.split(":log-group:")[1]}`, async () => {
            const doc = guideInstancePolicy("aws", "us-east-1", {
                logGroupName: "/ssm/run-command",
            });
            assert.strictEqual(await decide([doc], action, resource), "Allowed");
        });
    }

    it("allows nothing on another log group", async () => {
        const doc = guideInstancePolicy("aws", "us-east-1", { logGroupName: "/ssm/run-command" });
        assert.strictEqual(
            await decide(
                [doc],
                "logs:PutLogEvents",
                "arn:aws:logs:us-east-1:123456789012:log-group:/other:log-stream:s",
            ),
            "ImplicitlyDenied",
        );
    });

    it("narrows logs to one group, keeping only the list action on *", async () => {
        const doc = guideInstancePolicy("aws", "us-east-1", { logGroupName: "/ssm/run-command" });
        const logs = doc.Statement.filter((s) =>
            ([] as string[]).concat(s.Action)[0].startsWith("logs:"),
        );
        assert.deepStrictEqual(logs, [
            {
                Sid: "RunCommandLogGroup",
                Effect: "Allow",
                Action: ["logs:CreateLogGroup", "logs:DescribeLogStreams"],
                Resource: [
                    "arn:aws:logs:*:*:log-group:/ssm/run-command",
                    "arn:aws:logs:*:*:log-group:/ssm/run-command:*",
                ],
            },
            {
                Sid: "RunCommandLogStreams",
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                Resource: "arn:aws:logs:*:*:log-group:/ssm/run-command:log-stream:*",
            },
            {
                Sid: "RunCommandListLogGroups",
                Effect: "Allow",
                Action: ["logs:DescribeLogGroups"],
                Resource: "*",
            },
        ]);
        await assertValidIdentityPolicy(doc);
    });
});

describe("outputAccessPolicy", () => {
    it("is undefined without a bucket or log group", () => {
        assert.strictEqual(outputAccessPolicy("aws", {}), undefined);
    });

    it("grants writes to the bucket prefix and reading the bucket's encryption", async () => {
        const doc = outputAccessPolicy("aws", { outputBucket: "out", outputKeyPrefix: "p/" });
        assert.deepStrictEqual(doc?.Statement, [
            {
                Sid: "RunCommandOutputObjects",
                Effect: "Allow",
                Action: ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
                Resource: "arn:aws:s3:::out/p/*",
            },
            {
                Sid: "RunCommandOutputBucketEncryption",
                Effect: "Allow",
                Action: ["s3:GetEncryptionConfiguration"],
                Resource: "arn:aws:s3:::out",
            },
        ]);
        await assertValidIdentityPolicy(doc!);
    });
});

describe("verifyServiceTrust", () => {
    const doc = (statement: object): string =>
        JSON.stringify({ Version: "2012-10-17", Statement: [statement] });

    it("accepts Service as a string", () => {
        const v = verifyServiceTrust(
            doc({
                Effect: "Allow",
                Principal: { Service: "ec2.amazonaws.com" },
                Action: "sts:AssumeRole",
            }),
            "ec2",
            "aws",
        );
        assert.strictEqual(v.trusted, true);
    });

    it("accepts Service as a list and Action as a list", () => {
        const v = verifyServiceTrust(
            doc({
                Effect: "Allow",
                Principal: { Service: ["lambda.amazonaws.com", "ec2.amazonaws.com"] },
                Action: ["sts:TagSession", "sts:AssumeRole"],
            }),
            "ec2",
            "aws",
        );
        assert.strictEqual(v.trusted, true);
    });

    it("rejects a role that trusts only another service", () => {
        const v = verifyServiceTrust(
            doc({
                Effect: "Allow",
                Principal: { Service: "lambda.amazonaws.com" },
                Action: "sts:AssumeRole",
            }),
            "ec2",
            "aws",
        );
        assert.deepStrictEqual(v, {
            trusted: false,
            reason: "no Allow statement lets ec2.amazonaws.com call sts:AssumeRole",
        });
    });

    it("does not count an Allow of another action", () => {
        const v = verifyServiceTrust(
            doc({
                Effect: "Allow",
                Principal: { Service: "ec2.amazonaws.com" },
                Action: "sts:TagSession",
            }),
            "ec2",
            "aws",
        );
        assert.strictEqual(v.trusted, false);
    });

    it("lets a Deny win over an Allow", () => {
        const text = JSON.stringify({
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Service: "ec2.amazonaws.com" },
                    Action: "sts:AssumeRole",
                },
                {
                    Effect: "Deny",
                    Principal: { Service: ["ec2.amazonaws.com"] },
                    Action: "sts:AssumeRole",
                },
            ],
        });
        assert.deepStrictEqual(verifyServiceTrust(text, "ec2", "aws"), {
            trusted: false,
            reason: "a Deny statement blocks ec2.amazonaws.com from sts:AssumeRole",
        });
    });

    it("reports malformed JSON instead of throwing", () => {
        assert.strictEqual(
            verifyServiceTrust("{not json", "ec2", "aws").reason,
            "its trust policy is not valid JSON",
        );
    });
});
