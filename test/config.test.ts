import * as assert from "assert";
import { CONFIG_KEYS, ConfigError, RawConfig, parseStackConfig } from "../config";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";

function problems(raw: RawConfig, region: unknown = "us-east-1"): string[] {
    try {
        parseStackConfig("dev", region, raw);
    } catch (err) {
        assert.ok(err instanceof ConfigError, `expected ConfigError, got ${err}`);
        return err.problems;
    }
    return [];
}

describe("parseStackConfig", () => {
    it("defaults to managed mode with no output scope", () => {
        const cfg = parseStackConfig("dev", "eu-west-1", {});
        assert.deepStrictEqual(cfg.instanceAccess, {
            mode: "managed",
            existingRoleName: undefined,
            existingInstanceProfileName: undefined,
            roleName: undefined,
            rolePath: "/",
            permissionsBoundaryArn: undefined,
            maxSessionDurationSeconds: undefined,
            additionalPolicyArns: [],
            output: { bucket: undefined, keyPrefix: undefined, logGroup: undefined },
            defaultHostManagement: false,
        });
        assert.strictEqual(cfg.partition, "aws");
    });

    it("accepts a bucket ARN, keeps the name and ends the prefix with a slash", () => {
        const cfg = parseStackConfig("dev", "us-east-1", {
            outputBucket: "arn:aws:s3:::my-out",
            outputKeyPrefix: "runs",
        });
        assert.deepStrictEqual(cfg.instanceAccess.output, {
            bucket: "my-out",
            keyPrefix: "runs/",
            logGroup: undefined,
        });
    });

    it("rejects an unknown mode, naming the key, the value and the choices", () => {
        assert.deepStrictEqual(problems({ instanceMode: "admin" }), [
            'ssm-access:instanceMode = "admin": must be one of "managed", "guide", "legacy-managed", "none"',
        ]);
    });

    it("rejects a malformed bucket name and a bucket ARN from another partition", () => {
        assert.match(
            problems({ outputBucket: "My_Bucket" })[0],
            /^ssm-access:outputBucket = "My_Bucket": must be an S3 bucket name/,
        );
        assert.deepStrictEqual(problems({ outputBucket: "arn:aws-cn:s3:::out" }), [
            'ssm-access:outputBucket = "arn:aws-cn:s3:::out": is in partition "aws-cn" but the stack\'s region is in "aws"',
        ]);
    });

    it("rejects a malformed or wrong-partition boundary ARN", () => {
        assert.match(
            problems({ permissionsBoundaryArn: "arn:aws:iam::12:policy/x" })[0],
            /permissionsBoundaryArn = .*must be an IAM policy ARN/,
        );
        assert.match(
            problems(
                { permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/Boundary" },
                "cn-north-1",
            )[0],
            /is in partition "aws" but the stack's region is in "aws-cn"/,
        );
    });

    it("rejects a bad path, too-long names and an out-of-range session", () => {
        const found = problems({
            rolePath: "ssm",
            roleName: "r".repeat(65),
            existingInstanceProfileName: undefined,
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

    it("rejects duplicate additional policies and a key prefix without a bucket", () => {
        const arn = "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy";
        const found = problems({ additionalPolicyArns: [arn, arn], outputKeyPrefix: "runs/" });
        assert.deepStrictEqual(found, [
            `ssm-access:additionalPolicyArns[1] = "${arn}": is listed twice: remove the duplicate`,
            'ssm-access:outputKeyPrefix = "runs/": needs outputBucket: set the bucket the prefix belongs to',
        ]);
    });

    it("rejects a missing region and unknown keys", () => {
        const found = problems({ instanceMod: "guide" }, null);
        assert.match(
            found[0],
            /^ssm-access:instanceMod = "guide": is not a setting of this project; known settings: instanceMode,/,
        );
        assert.match(found[1], /^aws:region = null: must be an AWS region such as us-east-1/);
    });

    it("rejects mode none without Default Host Management", () => {
        assert.match(problems({ instanceMode: "none" })[0], /gives instances no way to reach SSM/);
    });

    it("reports every problem in one error message", () => {
        assert.throws(
            () => parseStackConfig("prod", "us-east-1", { instanceMode: "x", rolePath: "y" }),
            (err: Error) =>
                /Invalid configuration for stack "prod" \(2 problems\)/.test(err.message),
        );
    });
});

describe("Pulumi.yaml", () => {
    it("declares every key the program reads, with the same type and a description", () => {
        const project = yaml.load(
            fs.readFileSync(path.join(__dirname, "..", "Pulumi.yaml"), "utf8"),
        ) as {
            config: Record<string, { type?: string; description?: string }>;
        };
        const declared = project.config;
        for (const [key, kind] of Object.entries(CONFIG_KEYS)) {
            assert.strictEqual(declared[key]?.type, kind, `Pulumi.yaml config ${key} type`);
            assert.ok(
                (declared[key]?.description ?? "").length > 10,
                `Pulumi.yaml config ${key} description`,
            );
        }
    });
});
