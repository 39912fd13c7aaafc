import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { RunCommandUsers, RunCommandUsersArgs } from "../components/runCommandUsers";
import { ACCOUNT, ofType, one, promiseOf, recorded, settled } from "./support/mocks";
import { assertValidIdentityPolicy } from "./support/iam";
import { decide } from "./support/simulate";

const RESTART = {
    name: "RestartService",
    description: "Restart one allow-listed service",
    platform: "Linux" as const,
    parameters: {
        Service: {
            type: "String" as const,
            description: "Service",
            allowedValues: ["nginx", "app"],
        },
    },
    commands: ["systemctl restart {{ Service }}"],
};
const BASE: RunCommandUsersArgs = {
    partition: "aws",
    groupPrefix: "ssm-access-test",
    users: [
        { name: "alice", level: "admin", accessKeys: ["2026-11"] },
        { name: "rita", level: "read-only", accessKeys: [] },
        { name: "otto", level: "operator", accessKeys: ["a", "b"] },
    ],
    documents: [RESTART],
    operatorAccess: {
        documents: ["RestartService"],
        instanceTag: { key: "ssm-access:operators", value: "web" },
    },
};
// AWS's AmazonSSMReadOnlyAccess managed policy (its published document).
const SSM_READ_ONLY_DOCUMENT = {
    Version: "2012-10-17",
    Statement: [
        { Effect: "Allow", Action: ["ssm:Describe*", "ssm:Get*", "ssm:List*"], Resource: "*" },
    ],
};
const DOC_ARN = `arn:aws:ssm:us-east-1:${ACCOUNT}:document/RestartService`;
const INSTANCE = `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0abc`;
// The simulator needs an account in a document ARN; AWS-owned documents have none, and the Deny's
// pattern (account *) matches either form.
const SHELL_DOC = `arn:aws:ssm:us-east-1:${ACCOUNT}:document/AWS-RunShellScript`;

function groupPolicy(level: string): any {
    const p = ofType("aws:iam/groupPolicy:GroupPolicy").find(
        (r) => r.inputs.group === `ssm-access-test-${level}`,
    );
    return p && JSON.parse(p.inputs.policy);
}

describe("RunCommandUsers", () => {
    it("creates one group per level, with the guide's admin policy and the read-only managed policy", async () => {
        new RunCommandUsers("u", BASE);
        await settled();
        assert.deepStrictEqual(
            ofType("aws:iam/group:Group")
                .map((g) => g.inputs.name)
                .sort(),
            ["ssm-access-test-admin", "ssm-access-test-operator", "ssm-access-test-read-only"],
        );
        assert.deepStrictEqual(groupPolicy("admin"), {
            Version: "2012-10-17",
            Statement: [
                { Effect: "Allow", Action: ["ssm:*", "ec2:DescribeInstanceStatus"], Resource: "*" },
            ],
        });
        await assertValidIdentityPolicy(groupPolicy("admin"));
        assert.deepStrictEqual(
            ofType("aws:iam/groupPolicyAttachment:GroupPolicyAttachment").map((a) => [
                a.inputs.group,
                a.inputs.policyArn,
            ]),
            [["ssm-access-test-read-only", "arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess"]],
        );
    });

    it("gives admins AmazonSSMFullAccess when the stack asks for managed policies", async () => {
        new RunCommandUsers("u", { ...BASE, useManagedUserPolicies: true });
        await settled();
        assert.strictEqual(groupPolicy("admin"), undefined);
        assert.ok(
            ofType("aws:iam/groupPolicyAttachment:GroupPolicyAttachment").some(
                (a) =>
                    a.inputs.group === "ssm-access-test-admin" &&
                    a.inputs.policyArn === "arn:aws:iam::aws:policy/AmazonSSMFullAccess",
            ),
        );
    });

    it("makes users members of their level's group only, with no policies and no login profile", async () => {
        new RunCommandUsers("u", BASE);
        await settled();
        assert.deepStrictEqual(
            ofType("aws:iam/userGroupMembership:UserGroupMembership").map((m) => [
                m.inputs.user,
                m.inputs.groups,
            ]),
            [
                ["alice", ["ssm-access-test-admin"]],
                ["rita", ["ssm-access-test-read-only"]],
                ["otto", ["ssm-access-test-operator"]],
            ],
        );
        const userScoped = recorded.filter((r) =>
            /aws:iam\/(userPolicy|userPolicyAttachment|userLoginProfile)/.test(r.type),
        );
        assert.deepStrictEqual(userScoped, []);
    });

    it("gives operators exactly their documents, tagged instances, the read actions and the shell Deny", async () => {
        new RunCommandUsers("u", BASE);
        await settled();
        const doc = groupPolicy("operator");
        assert.deepStrictEqual(doc.Statement, [
            {
                Sid: "SendOnlyTheseDocuments",
                Effect: "Allow",
                Action: ["ssm:SendCommand"],
                Resource: [DOC_ARN],
            },
            {
                Sid: "SendOnlyToTaggedInstances",
                Effect: "Allow",
                Action: ["ssm:SendCommand"],
                Resource: "arn:aws:ec2:*:*:instance/*",
                Condition: { StringEquals: { "ssm:resourceTag/ssm-access:operators": "web" } },
            },
            {
                Sid: "ReadTheseDocuments",
                Effect: "Allow",
                Action: ["ssm:DescribeDocument", "ssm:GetDocument"],
                Resource: [DOC_ARN],
            },
            {
                Sid: "FollowCommands",
                Effect: "Allow",
                Action: [
                    "ssm:ListCommands",
                    "ssm:ListCommandInvocations",
                    "ssm:GetCommandInvocation",
                    "ssm:DescribeInstanceInformation",
                    "ec2:DescribeInstanceStatus",
                ],
                Resource: "*",
            },
            {
                Sid: "DenyShellDocuments",
                Effect: "Deny",
                Action: ["ssm:SendCommand"],
                Resource: [
                    "arn:aws:ssm:*:*:document/AWS-RunShellScript",
                    "arn:aws:ssm:*:*:document/AWS-RunPowerShellScript",
                ],
            },
        ]);
        const actions = doc.Statement.flatMap((s: { Action: string[] }) => s.Action);
        assert.ok(
            !actions.some((a: string) => a.endsWith("*")),
            "operators get no wildcard action such as ssm:*",
        );
        await assertValidIdentityPolicy(doc);
    });

    it("lets operators send their document to tagged instances only, never the shell (IAM simulation)", async () => {
        new RunCommandUsers("u", BASE);
        await settled();
        const op = [groupPolicy("operator")];
        const tagged = { "ssm:resourceTag/ssm-access:operators": "web" };
        assert.strictEqual(await decide(op, "ssm:SendCommand", DOC_ARN), "Allowed");
        assert.strictEqual(await decide(op, "ssm:SendCommand", INSTANCE, tagged), "Allowed");
        assert.strictEqual(
            await decide(op, "ssm:SendCommand", INSTANCE, {
                "ssm:resourceTag/ssm-access:operators": "db",
            }),
            "ImplicitlyDenied",
        );
        assert.strictEqual(await decide(op, "ssm:SendCommand", INSTANCE), "ImplicitlyDenied");
        assert.strictEqual(await decide(op, "ssm:SendCommand", SHELL_DOC), "ExplicitlyDenied");
        assert.strictEqual(
            await decide(op, "ssm:SendCommand", `arn:aws:ssm:us-east-1:${ACCOUNT}:document/Other`),
            "ImplicitlyDenied",
        );
        // Even next to the admin policy, the Deny keeps the shell closed.
        assert.strictEqual(
            await decide([...op, groupPolicy("admin")], "ssm:SendCommand", SHELL_DOC),
            "ExplicitlyDenied",
        );
    });

    it("lets read-only users send no command at all (IAM simulation)", async () => {
        assert.strictEqual(
            await decide([SSM_READ_ONLY_DOCUMENT], "ssm:SendCommand", DOC_ARN),
            "ImplicitlyDenied",
        );
        assert.strictEqual(
            await decide([SSM_READ_ONLY_DOCUMENT], "ssm:SendCommand", SHELL_DOC),
            "ImplicitlyDenied",
        );
        assert.strictEqual(
            await decide([SSM_READ_ONLY_DOCUMENT], "ssm:ListCommands", "*"),
            "Allowed",
        );
    });

    it("creates the operator document as a schema 2.2 Command document, String parameters by environment variable", async () => {
        new RunCommandUsers("u", BASE);
        await settled();
        const doc = one("aws:ssm/document:Document");
        assert.strictEqual(doc.inputs.documentType, "Command");
        assert.deepStrictEqual(JSON.parse(doc.inputs.content), {
            schemaVersion: "2.2",
            description: "Restart one allow-listed service",
            parameters: {
                Service: {
                    type: "String",
                    description: "Service",
                    allowedValues: ["nginx", "app"],
                    interpolationType: "ENV_VAR",
                },
            },
            mainSteps: [
                {
                    action: "aws:runShellScript",
                    name: "run",
                    precondition: { StringEquals: ["platformType", "Linux"] },
                    inputs: { runCommand: ["systemctl restart {{ Service }}"] },
                },
            ],
        });
    });

    it("leaves Integer and Boolean parameters without interpolationType (it is for String values)", async () => {
        const typed = {
            ...RESTART,
            parameters: {
                Seconds: { type: "Integer" as const, description: "s" },
                Force: { type: "Boolean" as const, description: "f" },
            },
        };
        new RunCommandUsers("u", { ...BASE, documents: [typed] });
        await settled();
        const content = JSON.parse(one("aws:ssm/document:Document").inputs.content);
        assert.deepStrictEqual(content.parameters, typed.parameters);
    });

    it("replaces a document whose content changes, deleting it first: no older version stays runnable", async () => {
        const options: pulumi.CustomResourceOptions[] = [];
        const capture: pulumi.ResourceTransformation = (a) => {
            if (a.type === "aws:ssm/document:Document") options.push(a.opts);
            return undefined;
        };
        const looser = { ...RESTART, commands: ["systemctl restart {{ Service }}", "id"] };
        new RunCommandUsers("u", BASE, { transformations: [capture] });
        new RunCommandUsers("v", { ...BASE, documents: [looser] }, { transformations: [capture] });
        await settled();
        const contents = ofType("aws:ssm/document:Document").map((d) => d.inputs.content);
        assert.deepStrictEqual(
            options.map((o) => [o.deleteBeforeReplace, o.replacementTrigger]),
            contents.map((c) => [true, createHash("sha256").update(c).digest("hex")]),
        );
        assert.notStrictEqual(options[0].replacementTrigger, options[1].replacementTrigger);
    });

    it("creates one access key per slot, its secret always a Pulumi secret", async () => {
        const c = new RunCommandUsers("u", BASE);
        await settled();
        assert.deepStrictEqual(
            ofType("aws:iam/accessKey:AccessKey").map((k) => [k.name, k.inputs.user]),
            [
                ["u-key-alice-2026-11", "alice"],
                ["u-key-otto-a", "otto"],
                ["u-key-otto-b", "otto"],
            ],
        );
        for (const user of Object.values(c.users)) {
            for (const key of Object.values(user.accessKeys)) {
                assert.strictEqual(await pulumi.isSecret(key.secret!), true);
                assert.strictEqual(key.encryptedSecret, undefined);
                assert.match(await promiseOf(key.accessKeyId), /^AKIA/);
            }
        }
        assert.deepStrictEqual(Object.keys(c.users.rita.accessKeys), []);
    });

    it("with a PGP key, exports only the encrypted secret", async () => {
        const c = new RunCommandUsers("u", { ...BASE, pgpKey: "bW9jay1rZXk=" });
        await settled();
        assert.ok(
            ofType("aws:iam/accessKey:AccessKey").every((k) => k.inputs.pgpKey === "bW9jay1rZXk="),
        );
        const key = c.users.alice.accessKeys["2026-11"];
        assert.strictEqual(key.secret, undefined);
        assert.match(await promiseOf(key.encryptedSecret!), /^wcBMA-encrypted-/);
    });

    it("keeps a slot's key when another slot is added: rotation without downtime", async () => {
        new RunCommandUsers("u", {
            ...BASE,
            users: [{ name: "alice", level: "admin", accessKeys: ["2026-11"] }],
        });
        await settled();
        const before = ofType("aws:iam/accessKey:AccessKey").map((k) => k.name);
        recorded.length = 0;
        new RunCommandUsers("u", {
            ...BASE,
            users: [{ name: "alice", level: "admin", accessKeys: ["2026-11", "2027-05"] }],
        });
        await settled();
        const after = ofType("aws:iam/accessKey:AccessKey").map((k) => k.name);
        assert.deepStrictEqual(before, ["u-key-alice-2026-11"]);
        assert.deepStrictEqual(
            after,
            ["u-key-alice-2026-11", "u-key-alice-2027-05"],
            "the old slot's resource name is unchanged",
        );
    });
});
