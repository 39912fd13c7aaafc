import * as assert from "assert";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as openpgp from "openpgp";
import * as path from "path";
import { CONFIG_KEYS, ConfigError, RawConfig, parseStackConfig } from "../config";

async function problems(raw: RawConfig, region: unknown = "us-east-1"): Promise<string[]> {
    try {
        await parseStackConfig("dev", region, raw);
    } catch (err) {
        assert.ok(err instanceof ConfigError, `expected ConfigError, got ${err}`);
        return err.problems;
    }
    return [];
}

const RESTART_DOC = {
    name: "RestartService",
    description: "Restart one allow-listed service",
    parameters: { Service: { description: "Service to restart", allowedValues: ["nginx", "app"] } },
    commands: ["systemctl restart {{ Service }}"],
};
const OPERATOR_ACCESS = {
    documents: ["RestartService"],
    instanceTag: { key: "ssm-access:operators", value: "web" },
};

describe("parseStackConfig: instance access", () => {
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
            output: { bucket: undefined, keyPrefix: undefined, logGroup: undefined },
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
            bucket: "my-out",
            keyPrefix: "runs/",
            logGroup: undefined,
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

    it("rejects a missing region and unknown keys", async () => {
        const found = await problems({ instanceMod: "guide" }, null);
        assert.match(
            found[0],
            /^ssm-access:instanceMod = "guide": is not a setting of this project; known settings: instanceMode,/,
        );
        assert.match(found[1], /^aws:region = null: must be an AWS region such as us-east-1/);
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

describe("parseStackConfig: Run Command users", () => {
    it("reads users, documents and operator access", async () => {
        const cfg = await parseStackConfig("dev", "us-east-1", {
            users: [
                { name: "alice", level: "admin", accessKeys: ["2026-11"] },
                { name: "ops.bob", level: "operator" },
            ],
            documents: [RESTART_DOC],
            operatorAccess: OPERATOR_ACCESS,
        });
        assert.deepStrictEqual(cfg.runCommand.users, [
            { name: "alice", level: "admin", accessKeys: ["2026-11"] },
            { name: "ops.bob", level: "operator", accessKeys: [] },
        ]);
        assert.deepStrictEqual(cfg.runCommand.operatorAccess, OPERATOR_ACCESS);
        assert.deepStrictEqual(cfg.runCommand.documents[0].parameters, {
            Service: {
                type: "String",
                description: "Service to restart",
                allowedValues: ["nginx", "app"],
            },
        });
    });

    it("rejects an unknown level", async () => {
        assert.deepStrictEqual(await problems({ users: [{ name: "a", level: "root" }] }), [
            'ssm-access:users[0].level = "root": must be one of "admin", "read-only", "operator"',
        ]);
    });

    it("rejects operators without documents or without a tag", async () => {
        const users = [{ name: "op", level: "operator" }];
        assert.match(
            (await problems({ users }))[0],
            /^ssm-access:operatorAccess.documents = undefined: operators need the names of the documents/,
        );
        assert.match(
            (
                await problems({
                    users,
                    documents: [RESTART_DOC],
                    operatorAccess: { documents: ["RestartService"] },
                })
            )[0],
            /^ssm-access:operatorAccess.instanceTag = undefined: operators need the tag of the instances they may target/,
        );
    });

    it("rejects operator documents the stack does not declare, such as AWS-RunShellScript", async () => {
        const found = await problems({
            users: [{ name: "op", level: "operator" }],
            documents: [RESTART_DOC],
            operatorAccess: { ...OPERATOR_ACCESS, documents: ["AWS-RunShellScript"] },
        });
        assert.deepStrictEqual(found, [
            'ssm-access:operatorAccess.documents = "AWS-RunShellScript": is not a document this stack declares; operators run only declared, constrained documents (declared: RestartService)',
        ]);
    });

    it("rejects a free-form document parameter as a shell by another name", async () => {
        const doc = { ...RESTART_DOC, parameters: { Service: { description: "Service" } } };
        assert.match(
            (await problems({ documents: [doc] }))[0],
            /^ssm-access:documents\[0\].parameters.Service = .*: free-form text is a shell by another name/,
        );
    });

    it("rejects an unanchored pattern and a pattern that lets shell syntax through", async () => {
        const withPattern = (allowedPattern: string) => ({
            ...RESTART_DOC,
            parameters: { Service: { description: "Service", allowedPattern } },
        });
        assert.match(
            (await problems({ documents: [withPattern("[a-z]+")] }))[0],
            /allowedPattern must be anchored with \^ and \$/,
        );
        assert.match(
            (await problems({ documents: [withPattern("^.*$")] }))[0],
            /allowedPattern accepts "x; id"/,
        );
        assert.deepStrictEqual(
            await problems({ documents: [withPattern("^[a-z0-9-]{1,32}$")] }),
            [],
        );
    });

    it("rejects commands that use an undeclared parameter", async () => {
        const doc = { ...RESTART_DOC, commands: ["systemctl restart {{ Unit }}"] };
        assert.match(
            (await problems({ documents: [doc] }))[0],
            /documents\[0\].commands = "\{\{ Unit \}\}": uses parameter "Unit", which the document does not declare/,
        );
    });

    it("rejects three key slots and duplicate slots", async () => {
        assert.match(
            (
                await problems({
                    users: [{ name: "a", level: "admin", accessKeys: ["k1", "k2", "k3"] }],
                })
            )[0],
            /users\[0\].accessKeys = \["k1","k2","k3"\]: has more than two slots/,
        );
        assert.match(
            (
                await problems({ users: [{ name: "a", level: "admin", accessKeys: ["k1", "k1"] }] })
            )[0],
            /users\[0\].accessKeys = \["k1","k1"\]: lists a slot twice/,
        );
    });

    it("rejects invalid user names: characters, length, duplicates", async () => {
        assert.match(
            (await problems({ users: [{ name: "bad name", level: "admin" }] }))[0],
            /users\[0\].name = "bad name": must be an IAM user name/,
        );
        assert.match(
            (await problems({ users: [{ name: "u".repeat(65), level: "admin" }] }))[0],
            /users\[0\].name = "u{65}": must be an IAM user name: 1-64/,
        );
        assert.match(
            (
                await problems({
                    users: [
                        { name: "Al", level: "admin" },
                        { name: "al", level: "read-only" },
                    ],
                })
            )[0],
            /users\[1\].name = "al": is listed twice/,
        );
    });

    it("rejects a malformed PGP key without echoing it", async () => {
        const junk =
            "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnot a key\n-----END PGP PUBLIC KEY BLOCK-----";
        const found = await problems({ pgpPublicKey: junk });
        assert.match(
            found[0],
            /^ssm-access:pgpPublicKey = \(\d+ characters, not shown\): is not an armored OpenPGP public key/,
        );
        assert.ok(!found[0].includes("not a key"));
    });

    it("refuses a private key and never prints it", async () => {
        const { privateKey } = await openpgp.generateKey({
            userIDs: [{ name: "t" }],
            type: "curve25519",
            format: "armored",
        });
        const found = await problems({ pgpPublicKey: privateKey });
        assert.match(found[0], /is a PRIVATE key: remove it from config now/);
        assert.ok(
            !found.join("\n").includes(privateKey.split("\n")[3]),
            "no line of the key appears in the error",
        );
    });

    it("turns an armored public key into the base64 binary form IAM takes", async () => {
        const { publicKey } = await openpgp.generateKey({
            userIDs: [{ name: "t" }],
            type: "curve25519",
            format: "armored",
        });
        const cfg = await parseStackConfig("dev", "us-east-1", { pgpPublicKey: publicKey });
        const key = await openpgp.readKey({
            binaryKey: Buffer.from(cfg.runCommand.pgpKey!, "base64"),
        });
        assert.strictEqual(
            key.getFingerprint(),
            (await openpgp.readKey({ armoredKey: publicKey })).getFingerprint(),
        );
    });
});

describe("Pulumi.yaml", () => {
    it("declares every key the program reads, with the same type, a description and a default", () => {
        const project = yaml.load(
            fs.readFileSync(path.join(__dirname, "..", "Pulumi.yaml"), "utf8"),
        ) as {
            config: Record<string, { type?: string; description?: string; default?: unknown }>;
        };
        for (const [key, kind] of Object.entries(CONFIG_KEYS)) {
            const declared = project.config[key];
            assert.strictEqual(declared?.type, kind, `Pulumi.yaml config ${key} type`);
            assert.ok(
                (declared.description ?? "").length > 10,
                `Pulumi.yaml config ${key} description`,
            );
            assert.ok(
                "default" in declared,
                `Pulumi.yaml config ${key} needs a default, or the engine makes it required`,
            );
        }
        assert.deepStrictEqual(
            Object.keys(project.config).sort(),
            Object.keys(CONFIG_KEYS).sort(),
            "no undeclared or unread keys",
        );
    });
});
