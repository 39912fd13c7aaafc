import * as assert from "assert";
import type { StepEventMetadata } from "@pulumi/pulumi/automation";
import { PropertyChange, driftChange } from "../../automation/engineEvents";
import { SECRET } from "../../automation/engineValues";
import {
    formatDrift,
    formatProperty,
    formatReview,
    isChange,
    lineDiff,
    withContext,
} from "../../automation/review";

const ROLE = "aws:iam/role:Role";
const URN = `urn:pulumi:dev::ssm-access::ssm-access:instance:InstanceAccess$${ROLE}::dev-role`;

/** Step metadata as the Automation API hands it over (only the fields the review reads). */
function meta(partial: Omit<Partial<StepEventMetadata>, "op"> & { op: string }): StepEventMetadata {
    return { urn: URN, type: ROLE, provider: "", ...partial } as StepEventMetadata;
}

describe("automation/review", () => {
    const changes: [string, boolean][] = [
        ["same", false],
        ["read", false],
        ["create", true],
        ["delete-replaced", true],
    ];
    for (const [op, changes_] of changes) {
        it(`counts ${op} as ${changes_ ? "a change" : "no change"} for progress`, () => {
            assert.strictEqual(isChange(op), changes_);
        });
    }
    it("diffs lines by longest common subsequence", () => {
        assert.deepStrictEqual(lineDiff(["a", "b", "c"], ["a", "x", "c", "d"]), [
            "  a",
            "- b",
            "+ x",
            "  c",
            "+ d",
        ]);
    });

    it("keeps the context around changes and elides the rest", () => {
        const unchanged = (n: number) => Array.from({ length: n }, (_, i) => `  ${i}`);
        assert.deepStrictEqual(
            withContext([...unchanged(5), "- old", "+ new", ...unchanged(5)], 2),
            ["  ...", "  3", "  4", "- old", "+ new", "  0", "  1", "  ..."],
        );
    });

    it("keeps a single unchanged line rather than eliding it", () => {
        assert.deepStrictEqual(withContext(["  a", "  b", "- c"], 1), ["  a", "  b", "- c"]);
    });

    describe("formatProperty", () => {
        it("shows a policy document change as a readable JSON line diff", () => {
            const p: PropertyChange = {
                path: "policy",
                kind: "update",
                replaces: false,
                old: '{"Statement":[{"Action":"ssm:SendCommand","Effect":"Allow"}]}',
                new: '{"Statement":[{"Action":"ssm:*","Effect":"Allow"}]}',
            };
            assert.deepStrictEqual(formatProperty(p), [
                "policy:",
                "  {",
                '    "Statement": [',
                "      {",
                '-       "Action": "ssm:SendCommand",',
                '+       "Action": "ssm:*",',
                '        "Effect": "Allow"',
                "      }",
                "    ]",
                "  }",
            ]);
        });

        const plain: [PropertyChange, string][] = [
            [
                { path: "path", kind: "update", replaces: true, old: "/a/", new: "/b/" },
                'path (forces replacement): "/a/" => "/b/"',
            ],
            [{ path: "tags.team", kind: "add", replaces: false, new: "x" }, 'tags.team: + "x"'],
            [{ path: "tags.team", kind: "delete", replaces: false, old: "x" }, 'tags.team: - "x"'],
            [
                { path: "secret", kind: "update", replaces: false, old: SECRET, new: SECRET },
                "secret: [secret] => [secret]",
            ],
        ];
        for (const [p, line] of plain) {
            it(`shows a ${p.kind} of ${p.path} as ${line}`, () => {
                assert.deepStrictEqual(formatProperty(p), [line]);
            });
        }
    });

    it("formats a stack's review: resources, their diffs, then warnings", () => {
        assert.strictEqual(
            formatReview(
                "dev",
                [
                    {
                        op: "replace",
                        type: ROLE,
                        name: "dev-role",
                        properties: [
                            {
                                path: "path",
                                kind: "update",
                                replaces: true,
                                old: "/a/",
                                new: "/b/",
                            },
                        ],
                    },
                    { op: "create", type: "aws:iam/user:User", name: "bob", properties: [] },
                ],
                ["dev-role: deprecated"],
            ),
            [
                "dev: 2 resources to change",
                "  +- replace aws:iam/role:Role dev-role",
                '        path (forces replacement): "/a/" => "/b/"',
                "  + create aws:iam/user:User bob",
                "  warning: dev-role: deprecated",
            ].join("\n"),
        );
    });

    it("says when a stack has no changes", () => {
        assert.strictEqual(formatReview("prod", [], []), "prod: no changes");
    });
});

describe("automation/review: drift", () => {
    const outputs = (o: Record<string, unknown>) =>
        ({ inputs: {}, outputs: o }) as unknown as StepEventMetadata["old"];
    const TRUST = (service: string) =>
        JSON.stringify({
            Version: "2012-10-17",
            Statement: [
                { Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" },
            ],
        });
    it("formats an edited trust policy as a JSON line diff under the drifted resource", () => {
        const change = driftChange(
            meta({
                op: "same",
                old: outputs({ assumeRolePolicy: TRUST("ec2.amazonaws.com") }),
                new: outputs({ assumeRolePolicy: TRUST("lambda.amazonaws.com") }),
            }),
        )!;
        const text = formatDrift("dev", [change]);
        assert.ok(
            text.startsWith(
                `dev: 1 resource differs from the state\n  ~ drifted ${ROLE} dev-role\n`,
            ),
            text,
        );
        assert.match(text, /\n\s+- +"Service": "ec2\.amazonaws\.com"\n/);
        assert.match(text, /\n\s+\+ +"Service": "lambda\.amazonaws\.com"\n/);
    });

    it("says so when a stack has not drifted", () => {
        assert.strictEqual(formatDrift("dev", []), "dev: no drift");
    });
});
