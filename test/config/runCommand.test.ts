import * as assert from "assert";
import * as openpgp from "openpgp";
import { parseStackConfig } from "../../config";
import { problems } from "../support/config";

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

describe("config/runCommand: users, documents and operators", () => {
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
        assert.deepStrictEqual(cfg.runCommand.documents![0].parameters, {
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
