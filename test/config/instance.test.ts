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
            additionalPolicyArns: [],
            output: {
                outputBucket: undefined,
                outputKeyPrefix: undefined,
                logGroupName: undefined,
            },
            defaultHostManagement: false,
            defaultHostManagementRole: "create",
            protect: true,
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

    it("rejects a bad path and a too-long name", async () => {
        const found = await problems({ rolePath: "ssm", roleName: "r".repeat(65) });
        assert.strictEqual(found.length, 2);
        assert.match(found[0], /^ssm-access:roleName = "r{65}": must be 1-64 characters/);
        assert.match(found[1], /^ssm-access:rolePath = "ssm": must start and end with "\/"/);
    });

    it("explains that maxSessionDurationSeconds was removed because it had no effect", async () => {
        assert.deepStrictEqual(await problems({ maxSessionDurationSeconds: 3600 }), [
            "ssm-access:maxSessionDurationSeconds = 3600: has no effect and was removed: EC2 instance-profile credentials are not subject to a role's maximum session duration (IAM API Reference, UpdateRole: MaxSessionDuration). Remove it",
        ]);
    });

    const refusals: { what: string; raw: Record<string, unknown>; line: string }[] = [
        {
            what: "a boundary for a role the stack adopts",
            raw: {
                existingRoleName: "app",
                permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/B",
            },
            line: 'ssm-access:permissionsBoundaryArn = "arn:aws:iam::123456789012:policy/B": applies only to a role this stack creates; the adopted role "app" keeps its own boundary: remove one of them',
        },
        {
            what: "a reused profile without the role it must hold",
            raw: { existingInstanceProfileName: "app-profile" },
            line: 'ssm-access:existingInstanceProfileName = "app-profile": needs existingRoleName: a reused profile must hold the role this stack adopts (set existingRoleName to the profile\'s role, or unset this to create a profile)',
        },
        {
            what: "a role ARN where the name belongs",
            raw: { existingRoleName: "arn:aws:iam::123456789012:role/ops/app" },
            line: 'ssm-access:existingRoleName = "arn:aws:iam::123456789012:role/ops/app": is an ARN: give the role\'s name (the part after the last /)',
        },
        {
            what: "a role ARN where roleName belongs",
            raw: { roleName: "arn:aws:iam::123456789012:role/foo" },
            line: 'ssm-access:roleName = "arn:aws:iam::123456789012:role/foo": is an ARN: give the role\'s name (the part after the last /)',
        },
        {
            what: "a key prefix without a bucket, quoted as written (no slash added)",
            raw: { outputKeyPrefix: "run-command" },
            line: 'ssm-access:outputKeyPrefix = "run-command": needs outputBucket: set the bucket the prefix belongs to',
        },
        {
            what: "a bucket ARN that legacy-managed would ignore, quoted as written",
            raw: { instanceMode: "legacy-managed", outputBucket: "arn:aws:s3:::out-bucket" },
            line: 'ssm-access:outputBucket = "arn:aws:s3:::out-bucket": cannot narrow instanceMode "legacy-managed": AmazonEC2RoleforSSM allows S3 and CloudWatch Logs actions on every resource. Use instanceMode "managed" or "guide", which scope output to it',
        },
        {
            what: "an output bucket that legacy-managed would ignore",
            raw: { instanceMode: "legacy-managed", outputBucket: "out-bucket" },
            line: 'ssm-access:outputBucket = "out-bucket": cannot narrow instanceMode "legacy-managed": AmazonEC2RoleforSSM allows S3 and CloudWatch Logs actions on every resource. Use instanceMode "managed" or "guide", which scope output to it',
        },
        {
            what: "a log group that legacy-managed would ignore",
            raw: { instanceMode: "legacy-managed", logGroupName: "/ssm/out" },
            line: 'ssm-access:logGroupName = "/ssm/out": cannot narrow instanceMode "legacy-managed": AmazonEC2RoleforSSM allows S3 and CloudWatch Logs actions on every resource. Use instanceMode "managed" or "guide", which scope output to it',
        },
        {
            what: "an existing Default Host Management role without Default Host Management",
            raw: { defaultHostManagementRole: "existing" },
            line: 'ssm-access:defaultHostManagementRole = "existing": applies only with defaultHostManagement: true: set that too, or remove this',
        },
        {
            what: "a tag key AWS reserves, naming ssm-access:tags",
            raw: { tags: { "aws:owner": "me" } },
            line: 'ssm-access:tags = "aws:owner": is not a usable tag key: keys are 1-128 characters and may not start with aws: (reserved by AWS)',
        },
    ];
    const roleSettings: [string, string][] = [
        ["roleName", "MyRole"],
        ["rolePath", "/custom/"],
        ["permissionsBoundaryArn", "arn:aws:iam::123456789012:policy/B"],
        ["logGroupName", "/my/logs"],
    ];
    for (const [key, value] of roleSettings) {
        refusals.push({
            what: `${key} with instanceMode none, which creates no role`,
            raw: { instanceMode: "none", defaultHostManagement: true, [key]: value },
            line: `ssm-access:${key} = "${value}": configures the instance role, which instanceMode "none" does not create: remove it, or choose managed or guide`,
        });
    }
    refusals.push({
        what: "a tag key the program reserves",
        raw: { tags: { "ssm-access:stack": "billing" } },
        line: 'ssm-access:tags = "ssm-access:stack": is reserved: the program sets ssm-access: tags itself (e.g. ssm-access:stack): choose another key',
    });
    for (const c of refusals) {
        it(`refuses ${c.what}, in one precise line`, async () => {
            assert.deepStrictEqual(await problems(c.raw), [c.line]);
        });
    }

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
