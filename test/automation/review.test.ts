import * as assert from "assert";
import type { StepEventMetadata } from "@pulumi/pulumi/automation";
import {
    PropertyChange,
    SECRET,
    UNKNOWN_TEXT,
    driftChange,
    formatDrift,
    formatProperty,
    formatReview,
    isChange,
    lineDiff,
    mask,
    parsePath,
    resourceChange,
    warningFrom,
    withContext,
} from "../../automation/review";

const ROLE = "aws:iam/role:Role";
const URN = `urn:pulumi:dev::ssm-access::ssm-access:instance:InstanceAccess$${ROLE}::dev-role`;
/** Pulumi's secret envelope as engine events carry it (the ciphertext blinded). */
const SECRET_VALUE = {
    "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
    ciphertext: "[secret]",
};

/** Step metadata as the Automation API hands it over (only the fields the review reads). */
function meta(partial: Omit<Partial<StepEventMetadata>, "op"> & { op: string }): StepEventMetadata {
    return { urn: URN, type: ROLE, provider: "", ...partial } as StepEventMetadata;
}
const state = (inputs: Record<string, unknown>) =>
    ({ inputs, outputs: {} }) as unknown as StepEventMetadata["old"];

describe("automation/review", () => {
    describe("mask", () => {
        it("shows a secret envelope as [secret], however deep", () => {
            assert.deepStrictEqual(mask({ keys: [SECRET_VALUE] }), { keys: [SECRET] });
        });

        it("shows the engine's unknown value as known after apply", () => {
            assert.strictEqual(mask("04da6b54-80e4-46f7-96ec-b56ff0331ba9"), UNKNOWN_TEXT);
        });

        it("drops the provider's __defaults bookkeeping", () => {
            assert.deepStrictEqual(mask({ name: "a", __defaults: ["name"] }), { name: "a" });
        });
    });

    const paths: [string, (string | number)[]][] = [
        ["policy", ["policy"]],
        ["tags.team", ["tags", "team"]],
        ['tags["ssm-access:stack"]', ["tags", "ssm-access:stack"]],
        ['tags["a.b"]', ["tags", "a.b"]],
        ["managedPolicyArns[1]", ["managedPolicyArns", 1]],
    ];
    for (const [path, keys] of paths) {
        it(`parses the property path ${path}`, () => {
            assert.deepStrictEqual(parsePath(path), keys);
        });
    }

    describe("resourceChange", () => {
        it("takes property kinds from the provider's detailed diff", () => {
            const change = resourceChange(
                meta({
                    op: "replace",
                    old: state({ path: "/a/", tags: { team: "x" } }),
                    new: state({ path: "/b/", tags: {} }),
                    detailedDiff: {
                        path: { diffKind: "update-replace", inputDiff: true },
                        "tags.team": { diffKind: "delete", inputDiff: true },
                    } as StepEventMetadata["detailedDiff"],
                }),
            );
            assert.deepStrictEqual(change, {
                op: "replace",
                type: ROLE,
                name: "dev-role",
                properties: [
                    { path: "path", kind: "update", replaces: true, old: "/a/", new: "/b/" },
                    { path: "tags.team", kind: "delete", replaces: false, old: "x" },
                ],
            });
        });

        it("names the replace keys, and the other inputs that change with them", () => {
            const change = resourceChange(
                meta({
                    op: "replace",
                    old: state({ path: "/a/", policy: "{}", tags: { a: "1" } }),
                    new: state({ path: "/b/", policy: '{"x":1}', tags: { a: "1" } }),
                    keys: ["path"],
                }),
            );
            assert.deepStrictEqual(change?.properties, [
                { path: "path", kind: "update", replaces: true, old: "/a/", new: "/b/" },
                { path: "policy", kind: "update", replaces: false, old: "{}", new: '{"x":1}' },
            ]);
        });

        it("compares the inputs itself when the engine names no property", () => {
            const change = resourceChange(
                meta({
                    op: "update",
                    old: state({ description: "a", maxSessionDuration: 3600 }),
                    new: state({ description: "a", maxSessionDuration: 7200, path: "/p/" }),
                }),
            );
            assert.deepStrictEqual(change?.properties, [
                {
                    path: "maxSessionDuration",
                    kind: "update",
                    replaces: false,
                    old: 3600,
                    new: 7200,
                },
                { path: "path", kind: "add", replaces: false, new: "/p/" },
            ]);
        });

        it("never carries a secret's value into the review", () => {
            const change = resourceChange(
                meta({
                    op: "update",
                    old: state({ secret: SECRET_VALUE }),
                    new: state({ secret: { ...SECRET_VALUE, ciphertext: "other" } }),
                    diffs: ["secret"],
                }),
            );
            assert.deepStrictEqual(change?.properties, [
                { path: "secret", kind: "update", replaces: false, old: SECRET, new: SECRET },
            ]);
        });

        const unreviewed = ["same", "read", "create-replacement", "delete-replaced", "refresh"];
        for (const op of unreviewed) {
            it(`leaves a ${op} step out of the review`, () => {
                assert.strictEqual(resourceChange(meta({ op })), undefined);
            });
        }

        it("lists a created resource without property diffs", () => {
            assert.deepStrictEqual(resourceChange(meta({ op: "create", new: state({ a: 1 }) })), {
                op: "create",
                type: ROLE,
                name: "dev-role",
                properties: [],
            });
        });
    });

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

    describe("warningFrom", () => {
        it("keeps a warning, naming its resource", () => {
            assert.strictEqual(
                warningFrom({
                    urn: URN,
                    prefix: "warning: ",
                    message: "AmazonEC2RoleforSSM is deprecated\n",
                    color: "never",
                    severity: "warning",
                }),
                "dev-role: AmazonEC2RoleforSSM is deprecated",
            );
        });

        it("strips Pulumi's colour markup", () => {
            assert.strictEqual(
                warningFrom({
                    message: "<{%reset%}>plugin found on $PATH<{%reset%}>\n",
                    color: "never",
                    severity: "warning",
                }),
                "plugin found on $PATH",
            );
        });

        for (const severity of ["info", "info#err", "error", "debug"] as const) {
            it(`ignores a ${severity} diagnostic`, () => {
                assert.strictEqual(
                    warningFrom({
                        message: "m",
                        color: "never",
                        severity: severity as "info",
                    }),
                    undefined,
                );
            });
        }
    });

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
    const KEY = "aws:iam/accessKey:AccessKey";
    const KEY_URN = `urn:pulumi:dev::ssm-access::ssm-access:users:RunCommandUsers$${KEY}::dev-key`;
    const outputs = (o: Record<string, unknown>) =>
        ({ inputs: {}, outputs: o }) as unknown as StepEventMetadata["old"];
    const TRUST = (service: string) =>
        JSON.stringify({
            Version: "2012-10-17",
            Statement: [
                { Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" },
            ],
        });

    it("reports each top-level output the live resource changed, old and new", () => {
        const change = driftChange(
            meta({
                op: "same",
                urn: KEY_URN,
                type: KEY,
                old: outputs({ user: "dev-oncall", status: "Active", secret: SECRET_VALUE }),
                new: outputs({ user: "dev-oncall", status: "Inactive", secret: SECRET_VALUE }),
            }),
        );
        assert.deepStrictEqual(change, {
            op: "update",
            type: KEY,
            name: "dev-key",
            properties: [
                { path: "status", kind: "update", replaces: false, old: "Active", new: "Inactive" },
            ],
        });
    });

    it("reports nothing when the live resource agrees with the state", () => {
        const same = outputs({ status: "Active", secret: SECRET_VALUE });
        assert.strictEqual(driftChange(meta({ op: "same", old: same, new: same })), undefined);
    });

    it("shows a secret output that differs as [secret], never its value", () => {
        const change = driftChange(
            meta({
                op: "same",
                old: outputs({ secret: "old-value" }),
                new: outputs({ secret: SECRET_VALUE }),
            }),
        );
        assert.deepStrictEqual(change?.properties, [
            { path: "secret", kind: "update", replaces: false, old: "old-value", new: SECRET },
        ]);
    });

    it("reports a resource gone from the cloud as deleted", () => {
        const change = driftChange(meta({ op: "delete", old: outputs({ name: "r" }) }));
        assert.deepStrictEqual(
            [change?.op, change?.name, change?.properties],
            ["delete", "dev-role", []],
        );
    });

    it("ignores the stack and provider resources", () => {
        const change = driftChange(
            meta({
                op: "same",
                type: "pulumi:providers:aws",
                old: outputs({ version: "7.47.0" }),
                new: outputs({ version: "7.48.0" }),
            }),
        );
        assert.strictEqual(change, undefined);
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
