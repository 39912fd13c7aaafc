import * as assert from "assert";
import {
    PendingCreate,
    pendingAdvice,
    pendingCreatesOf,
    pendingRefusal,
} from "../../automation/pending";
import { FakeEngine } from "../support/driverFakes";

const GROUP_URN =
    "urn:pulumi:dev::ssm-access::ssm-access:users:RunCommandUsers$aws:iam/group:Group::ssm-access-dev-users-admin";
const POLICY_URN =
    "urn:pulumi:dev::ssm-access::ssm-access:instance:InstanceAccess$aws:iam/policy:Policy::ssm-access-dev-instance-output";

describe("automation/pending: pendingCreatesOf", () => {
    it("takes only creating operations, with the type, the recorded id and the name and path inputs", () => {
        const deployment = {
            pending_operations: [
                {
                    type: "creating",
                    resource: {
                        urn: GROUP_URN,
                        type: "aws:iam/group:Group",
                        inputs: { name: "ssm-access-dev-admin", path: "/ssm-access/" },
                    },
                },
                {
                    type: "updating",
                    resource: { urn: POLICY_URN, type: "aws:iam/policy:Policy", id: "arn:x" },
                },
                {
                    type: "creating",
                    resource: { urn: POLICY_URN, type: "aws:iam/policy:Policy", id: "arn:p" },
                },
            ],
        };
        assert.deepStrictEqual(pendingCreatesOf(deployment), [
            {
                urn: GROUP_URN,
                type: "aws:iam/group:Group",
                id: undefined,
                name: "ssm-access-dev-admin",
                path: "/ssm-access/",
            },
            {
                urn: POLICY_URN,
                type: "aws:iam/policy:Policy",
                id: "arn:p",
                name: undefined,
                path: undefined,
            },
        ]);
    });

    it("finds none in a deployment without pending operations", () => {
        assert.deepStrictEqual(pendingCreatesOf({}), []);
    });
});

describe("automation/pending: pendingAdvice", () => {
    const removeLock = "rm /s/.pulumi/locks/organization/ssm-access/dev/*.json";
    const pending: PendingCreate[] = [
        { urn: GROUP_URN, type: "aws:iam/group:Group", name: "ssm-access-dev-admin" },
        { urn: POLICY_URN, type: "aws:iam/policy:Policy", id: "arn:p" },
    ];
    const advice = pendingAdvice("dev", pending, {
        kind: "stale",
        holders: ["me@box (pid 7) at 2026-11-28T21:01:49Z"],
        removal: removeLock,
    });

    it("says first to remove the killed update's stale lock, naming it, which refresh would stop on", () => {
        assert.strictEqual(
            advice.split("\n")[1],
            "  first, remove the killed update's stale lock (taken by me@box (pid 7) at 2026-11-28T21:01:49Z, " +
                `no longer running on this machine): ${removeLock}`,
        );
    });

    it("has no lock step when no lock is left", () => {
        const none = pendingAdvice("dev", pending, { kind: "none" });
        assert.match(none.split("\n")[1], /^ {2}- aws:iam\/group:Group /);
    });

    it("names each pending resource with its type and its recorded id", () => {
        assert.match(
            advice,
            /- aws:iam\/policy:Policy ssm-access-dev-instance-output \(id arn:p\)/,
        );
    });

    it("gives the import command of each, its URN and id as separate flag values", () => {
        assert.ok(
            advice.includes(
                `pulumi refresh --yes --stack dev --import-pending-creates '${POLICY_URN}' --import-pending-creates 'arn:p'`,
            ),
        );
    });

    it("ends with the command that clears the rest", () => {
        assert.ok(
            advice.endsWith("then: pulumi refresh --yes --stack dev --clear-pending-creates"),
        );
    });

    // The id each type's create sets, from its name input (terraform-provider-aws; pending.ts cites it).
    const ids: { type: string; path?: string; says: string; id: string }[] = [
        { type: "aws:iam/user:User", says: "id is its name", id: "n" },
        { type: "aws:iam/group:Group", says: "id is its name", id: "n" },
        { type: "aws:iam/role:Role", says: "id is its name", id: "n" },
        { type: "aws:iam/instanceProfile:InstanceProfile", says: "id is its name", id: "n" },
        { type: "aws:ssm/document:Document", says: "id is its name", id: "n" },
        {
            type: "aws:iam/policy:Policy",
            says: "id is its ARN",
            id: "arn:aws:iam::<ACCOUNT>:policy/n",
        },
        {
            type: "aws:iam/policy:Policy",
            path: "/ssm-access/",
            says: "id is its ARN",
            id: "arn:aws:iam::<ACCOUNT>:policy/ssm-access/n",
        },
        { type: "aws:ec2/securityGroup:SecurityGroup", says: "find it in AWS", id: "<ID>" },
    ];
    for (const c of ids) {
        it(`for an unrecorded ${c.type}${c.path ? ` with path ${c.path}` : ""} says its ${c.says} and imports ${c.id}`, () => {
            const urn = `urn:pulumi:dev::ssm-access::${c.type}::x`;
            const text = pendingAdvice("dev", [{ urn, type: c.type, name: "n", path: c.path }], {
                kind: "none",
            });
            assert.ok(text.includes(c.says), text);
            assert.ok(
                text.includes(
                    `--import-pending-creates '${urn}' --import-pending-creates '${c.id}'`,
                ),
                text,
            );
        });
    }
});

describe("automation/pending: pendingRefusal", () => {
    const here = { name: "box", running: () => true };
    const group = { urn: GROUP_URN, type: "aws:iam/group:Group" };

    it("lets the stack go on when an update that held the pending creates ended between the reads", async () => {
        const engine = new FakeEngine();
        const reads = [[group], []];
        engine.pendingCreates = async () => reads.shift()!;
        assert.strictEqual(await pendingRefusal(engine, "dev", here), undefined);
    });

    it("reads no locks for a stack without pending creates", async () => {
        const engine = new FakeEngine();
        engine.stackLocks = async () => assert.fail("locks read");
        assert.strictEqual(await pendingRefusal(engine, "dev", here), undefined);
    });
});
