import * as assert from "assert";
import type { StepEventMetadata } from "@pulumi/pulumi/automation";
import {
    UNKNOWN_TEXT,
    driftChange,
    mask,
    parsePath,
    resourceChange,
    warningFrom,
} from "../../automation/engineEvents";
import { SECRET } from "../../automation/engineValues";

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

describe("automation/engineEvents", () => {
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
});

describe("automation/engineEvents: drift", () => {
    const KEY = "aws:iam/accessKey:AccessKey";
    const KEY_URN = `urn:pulumi:dev::ssm-access::ssm-access:users:RunCommandUsers$${KEY}::dev-key`;
    const outputs = (o: Record<string, unknown>) =>
        ({ inputs: {}, outputs: o }) as unknown as StepEventMetadata["old"];

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
});
