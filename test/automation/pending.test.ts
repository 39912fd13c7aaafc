import * as assert from "assert";
import { pendingAdvice, pendingCreatesOf } from "../../automation/pending";

const GROUP_URN =
    "urn:pulumi:dev::ssm-access::ssm-access:users:RunCommandUsers$aws:iam/group:Group::ssm-access-dev-users-admin";
const POLICY_URN =
    "urn:pulumi:dev::ssm-access::ssm-access:instance:InstanceAccess$aws:iam/policy:Policy::ssm-access-dev-instance-output";

describe("automation/pending: pendingCreatesOf", () => {
    it("takes only creating operations, with the type, the recorded id and the name input", () => {
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
            },
            { urn: POLICY_URN, type: "aws:iam/policy:Policy", id: "arn:p", name: undefined },
        ]);
    });

    it("finds none in a deployment without pending operations", () => {
        assert.deepStrictEqual(pendingCreatesOf({}), []);
    });
});

describe("automation/pending: pendingAdvice", () => {
    const removeLock = "rm /s/.pulumi/locks/organization/ssm-access/dev/*.json";
    const advice = pendingAdvice(
        "dev",
        [
            { urn: GROUP_URN, type: "aws:iam/group:Group", name: "ssm-access-dev-admin" },
            { urn: POLICY_URN, type: "aws:iam/policy:Policy", id: "arn:p" },
        ],
        removeLock,
    );

    it("says first to remove the killed update's stale lock, which refresh would stop on", () => {
        assert.strictEqual(
            advice.split("\n")[1],
            `  first, unless an update of this stack is running now, remove the killed update's stale lock: ${removeLock}`,
        );
    });

    it("names each pending resource with its type and what is known of its id", () => {
        assert.match(
            advice,
            /- aws:iam\/group:Group ssm-access-dev-users-admin \(id not recorded; its name is "ssm-access-dev-admin"/,
        );
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
        assert.ok(
            advice.includes(
                `--import-pending-creates '${GROUP_URN}' --import-pending-creates '<ID>'`,
            ),
        );
    });

    it("ends with the command that clears the rest", () => {
        assert.ok(
            advice.endsWith("then: pulumi refresh --yes --stack dev --clear-pending-creates"),
        );
    });
});
