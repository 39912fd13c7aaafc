import * as assert from "assert";
import { parseStackConfig } from "../../config";
import { problems } from "../support/config";

describe("config/instance: instance access settings", () => {
    it("defaults to managed mode with no output scope", async () => {
        const cfg = await parseStackConfig("dev", "eu-west-1", {});
        assert.deepStrictEqual(cfg.instanceAccess, {
            mode: "managed",
            existingRoleName: undefined,
            existingInstanceProfileName: undefined,
            roleName: undefined,
            rolePath: "/",
            permissionsBoundaryArn: undefined,
            maxSessionDurationSeconds: undefined,
            additionalPolicyArns: [],
            output: {
                outputBucket: undefined,
                outputKeyPrefix: undefined,
                logGroupName: undefined,
            },
            defaultHostManagement: false,
        });
        assert.strictEqual(cfg.partition, "aws");
    });

    it("treats the empty-string defaults Pulumi.yaml declares as unset", async () => {
        const cfg = await parseStackConfig("dev", "us-east-1", {
            permissionsBoundaryArn: "",
            roleName: "",
            existingRoleName: "",
        });
        assert.strictEqual(cfg.instanceAccess.permissionsBoundaryArn, undefined);
        assert.strictEqual(cfg.instanceAccess.existingRoleName, undefined);
    });

    it("accepts a bucket ARN, keeps the name and ends the prefix with a slash", async () => {
        const cfg = await parseStackConfig("dev", "us-east-1", {
            outputBucket: "arn:aws:s3:::my-out",
            outputKeyPrefix: "runs",
        });
        assert.deepStrictEqual(cfg.instanceAccess.output, {
            outputBucket: "my-out",
            outputKeyPrefix: "runs/",
            logGroupName: undefined,
        });
    });

    it("rejects an unknown mode, naming the key, the value and the choices", async () => {
        assert.deepStrictEqual(await problems({ instanceMode: "admin" }), [
            'ssm-access:instanceMode = "admin": must be one of "managed", "guide", "legacy-managed", "none"',
        ]);
    });

    it("rejects a malformed bucket name and a bucket ARN from another partition", async () => {
        assert.match(
            (await problems({ outputBucket: "My_Bucket" }))[0],
            /^ssm-access:outputBucket = "My_Bucket": must be an S3 bucket name/,
        );
        assert.deepStrictEqual(await problems({ outputBucket: "arn:aws-cn:s3:::out" }), [
            'ssm-access:outputBucket = "arn:aws-cn:s3:::out": is in partition "aws-cn" but the stack\'s region is in "aws"',
        ]);
    });

    it("rejects a malformed or wrong-partition boundary ARN", async () => {
        assert.match(
            (await problems({ permissionsBoundaryArn: "arn:aws:iam::12:policy/x" }))[0],
            /permissionsBoundaryArn = .*must be an IAM policy ARN/,
        );
        assert.match(
            (
                await problems(
                    { permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/Boundary" },
                    "cn-north-1",
                )
            )[0],
            /is in partition "aws" but the stack's region is in "aws-cn"/,
        );
    });

    it("rejects a bad path, too-long names and an out-of-range session", async () => {
        const found = await problems({
            rolePath: "ssm",
            roleName: "r".repeat(65),
            maxSessionDurationSeconds: 60,
        });
        assert.strictEqual(found.length, 3);
        assert.match(found[0], /^ssm-access:roleName = "r{65}": must be 1-64 characters/);
        assert.match(found[1], /^ssm-access:rolePath = "ssm": must start and end with "\/"/);
        assert.match(
            found[2],
            /^ssm-access:maxSessionDurationSeconds = 60: must be a whole number from 3600 to 43200/,
        );
    });

    it("rejects duplicate additional policies and a key prefix without a bucket", async () => {
        const arn = "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy";
        assert.deepStrictEqual(
            await problems({ additionalPolicyArns: [arn, arn], outputKeyPrefix: "runs/" }),
            [
                `ssm-access:additionalPolicyArns[1] = "${arn}": is listed twice: remove the duplicate`,
                'ssm-access:outputKeyPrefix = "runs/": needs outputBucket: set the bucket the prefix belongs to',
            ],
        );
    });

    it("rejects mode none without Default Host Management", async () => {
        assert.match(
            (await problems({ instanceMode: "none" }))[0],
            /gives instances no way to reach SSM/,
        );
    });

    it("reports every problem in one error message", async () => {
        await assert.rejects(
            parseStackConfig("prod", "us-east-1", { instanceMode: "x", rolePath: "y" }),
            /Invalid configuration for stack "prod" \(2 problems\)/,
        );
    });
});
