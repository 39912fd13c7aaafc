import * as assert from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    InstanceAccess,
    InstanceAccessArgs,
    untrustedRoleMessage,
} from "../components/instanceAccess";
import { ACCOUNT, calls, onCall, ofType, one, promiseOf, recorded, settled } from "./support/mocks";
import { assertValidIdentityPolicy, assertValidTrustPolicy } from "./support/iam";
import { guideInstancePolicy } from "../policies/instance";
import { discardFailedWork } from "../runtime/sdkInternals";

const BASE: InstanceAccessArgs = { partition: "aws", region: "us-east-1" };

function attachedArns(): string[] {
    return ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        .map((a) => a.inputs.policyArn as string)
        .sort();
}

const MANAGED_EXCLUSIVE = "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive";
const INLINE_EXCLUSIVE = "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive";

/** Each role the exclusive resources own, with its declared managed ARNs and inline names. */
function exclusiveSets(): Record<string, { managed?: string[]; inline?: string[] }> {
    const sets: Record<string, { managed?: string[]; inline?: string[] }> = {};
    for (const r of ofType(MANAGED_EXCLUSIVE)) {
        sets[r.inputs.roleName] = {
            ...sets[r.inputs.roleName],
            managed: [...r.inputs.policyArns].sort(),
        };
    }
    for (const r of ofType(INLINE_EXCLUSIVE)) {
        sets[r.inputs.roleName] = { ...sets[r.inputs.roleName], inline: r.inputs.policyNames };
    }
    return sets;
}

describe("InstanceAccess", () => {
    describe("mode managed (default)", () => {
        it("creates an EC2-trusted role with AmazonSSMManagedInstanceCore and its profile", async () => {
            const ia = new InstanceAccess("t", BASE);
            await settled();
            const role = one("aws:iam/role:Role");
            assert.deepStrictEqual(JSON.parse(role.inputs.assumeRolePolicy), {
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Principal: { Service: "ec2.amazonaws.com" },
                        Action: "sts:AssumeRole",
                    },
                ],
            });
            await assertValidTrustPolicy(role.inputs.assumeRolePolicy);
            assert.deepStrictEqual(attachedArns(), [
                "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
            ]);
            const profile = one("aws:iam/instanceProfile:InstanceProfile");
            assert.strictEqual(profile.inputs.role, role.state.name);
            assert.strictEqual(
                ofType("aws:iam/policy:Policy").length,
                0,
                "no custom policy without an output scope",
            );
            assert.strictEqual(await promiseOf(ia.ready!), profile.state.name);
            assert.strictEqual(calls.length, 0, "creating a role needs no lookups");
        });

        /** Names of the children an InstanceAccess built with `args` marks protect. */
        async function protectedChildren(args: InstanceAccessArgs): Promise<string[]> {
            const found: string[] = [];
            const capture: pulumi.ResourceTransformation = (a) => {
                if (a.opts.protect) found.push(`${a.type} ${a.name}`);
                return undefined;
            };
            new InstanceAccess("t", args, { transformations: [capture] });
            await settled();
            return found.sort();
        }

        it("marks the role and the instance profile protect, and nothing else, by default", async () => {
            assert.deepStrictEqual(
                await protectedChildren({
                    ...BASE,
                    output: { outputBucket: "out", logGroupName: "/ssm/out" },
                }),
                ["aws:iam/instanceProfile:InstanceProfile t-profile", "aws:iam/role:Role t-role"],
            );
        });

        it("with protect false, marks nothing protect", async () => {
            assert.deepStrictEqual(await protectedChildren({ ...BASE, protect: false }), []);
        });

        it("adds a scoped policy for the output bucket and log group", async () => {
            new InstanceAccess("t", {
                ...BASE,
                output: { outputBucket: "out", outputKeyPrefix: "runs/", logGroupName: "/ssm/out" },
            });
            await settled();
            const policy = one("aws:iam/policy:Policy");
            const doc = JSON.parse(policy.inputs.policy);
            assert.deepStrictEqual(
                doc.Statement.map((s: { Resource: string | string[] }) => s.Resource),
                [
                    "arn:aws:s3:::out/runs/*",
                    "arn:aws:s3:::out",
                    [
                        "arn:aws:logs:*:*:log-group:/ssm/out",
                        "arn:aws:logs:*:*:log-group:/ssm/out:*",
                    ],
                    "arn:aws:logs:*:*:log-group:/ssm/out:log-stream:*",
                    "*",
                ],
            );
            await assertValidIdentityPolicy(doc);
            assert.deepStrictEqual(
                attachedArns(),
                [policy.state.arn, "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"].sort(),
            );
        });

        it("passes boundary, path and tags to the role, and leaves its session duration alone", async () => {
            new InstanceAccess("t", {
                ...BASE,
                roleName: "RunCommandInstance",
                rolePath: "/ssm/",
                permissionsBoundaryArn: `arn:aws:iam::${ACCOUNT}:policy/Boundary`,
                tags: { team: "platform" },
            });
            await settled();
            const role = one("aws:iam/role:Role");
            assert.strictEqual(role.inputs.name, "RunCommandInstance");
            assert.strictEqual(role.inputs.path, "/ssm/");
            assert.strictEqual(
                role.inputs.permissionsBoundary,
                `arn:aws:iam::${ACCOUNT}:policy/Boundary`,
            );
            assert.strictEqual(role.inputs.maxSessionDuration, undefined);
            assert.deepStrictEqual(role.inputs.tags, { team: "platform" });
            assert.strictEqual(one("aws:iam/instanceProfile:InstanceProfile").inputs.path, "/ssm/");
        });

        it("names attachments from the policy ARN, so reordering the list renames nothing", async () => {
            const a = "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy";
            const b = `arn:aws:iam::${ACCOUNT}:policy/Extra`;
            new InstanceAccess("t", { ...BASE, additionalPolicyArns: [a, b] });
            await settled();
            const first = new Map(
                ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((r) => [
                    r.inputs.policyArn,
                    r.name,
                ]),
            );
            recorded.length = 0;
            new InstanceAccess("t", { ...BASE, additionalPolicyArns: [b, a] });
            await settled();
            const second = new Map(
                ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((r) => [
                    r.inputs.policyArn,
                    r.name,
                ]),
            );
            assert.strictEqual(first.size, 3);
            assert.deepStrictEqual(second, first);
        });

        it("resolves ready only after every attachment exists", async () => {
            const ia = new InstanceAccess("t", {
                ...BASE,
                additionalPolicyArns: ["arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"],
            });
            const deps = await (
                ia.ready! as unknown as { allResources(): Promise<Set<pulumi.Resource>> }
            ).allResources();
            const attachments = [...deps].filter((r) => r instanceof aws.iam.RolePolicyAttachment);
            assert.strictEqual(
                attachments.length,
                2,
                "ready carries both attachments as dependencies",
            );
        });
    });

    describe("exclusive ownership of the created role's policies", () => {
        it("owns exactly the attached managed policies, the output policy included, and no inline policy", async () => {
            new InstanceAccess("t", {
                ...BASE,
                roleName: "ssm-role",
                output: { outputBucket: "ssm-out" },
                additionalPolicyArns: ["arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"],
            });
            await settled();
            const output = one("aws:iam/policy:Policy").state.arn;
            assert.deepStrictEqual(exclusiveSets(), {
                "ssm-role": {
                    managed: [
                        "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
                        "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy",
                        output,
                    ].sort(),
                    inline: [],
                },
            });
        });

        it("lists in the exclusive set exactly what the per-policy attachments attach (no perpetual diff)", async () => {
            new InstanceAccess("t", { ...BASE, mode: "guide", roleName: "ssm-role" });
            await settled();
            assert.deepStrictEqual(exclusiveSets()["ssm-role"].managed, attachedArns());
        });

        it("owns the Default Host Management role it creates: its one policy, no inline policy", async () => {
            onCall("aws:index/getCallerIdentity:getCallerIdentity", () => ({
                accountId: ACCOUNT,
                arn: "x",
                userId: "y",
                id: ACCOUNT,
            }));
            new InstanceAccess("t", { ...BASE, mode: "none", defaultHostManagement: true });
            await settled();
            assert.deepStrictEqual(exclusiveSets(), {
                AWSSystemsManagerDefaultEC2InstanceManagementRole: {
                    managed: ["arn:aws:iam::aws:policy/AmazonSSMManagedEC2InstanceDefaultPolicy"],
                    inline: [],
                },
            });
        });
    });

    describe("mode guide", () => {
        it("creates the guide's policy as a customer-managed policy, narrowed to the bucket", async () => {
            new InstanceAccess("t", { ...BASE, mode: "guide", output: { outputBucket: "out" } });
            await settled();
            const policy = one("aws:iam/policy:Policy");
            assert.deepStrictEqual(
                JSON.parse(policy.inputs.policy),
                guideInstancePolicy("aws", "us-east-1", { outputBucket: "out" }),
            );
            assert.deepStrictEqual(attachedArns(), [policy.state.arn]);
        });
    });

    describe("mode legacy-managed", () => {
        it("attaches AmazonEC2RoleforSSM and warns that it is deprecated", async () => {
            const warnings: string[] = [];
            const original = pulumi.log.warn;
            pulumi.log.warn = (msg: string) => {
                warnings.push(msg);
                return Promise.resolve();
            };
            try {
                new InstanceAccess("t", { ...BASE, mode: "legacy-managed" });
                await settled();
            } finally {
                pulumi.log.warn = original;
            }
            assert.deepStrictEqual(attachedArns(), [
                "arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM",
            ]);
            assert.strictEqual(warnings.length, 1);
            assert.match(
                warnings[0],
                /deprecated; use instanceMode "managed" \(AmazonSSMManagedInstanceCore\)/,
            );
        });
    });

    describe("mode none with Default Host Management", () => {
        it("creates no instance role or profile, only the DHMC role and service setting", async () => {
            onCall("aws:index/getCallerIdentity:getCallerIdentity", () => ({
                accountId: ACCOUNT,
                arn: "x",
                userId: "y",
                id: ACCOUNT,
            }));
            const ia = new InstanceAccess("t", {
                ...BASE,
                mode: "none",
                defaultHostManagement: true,
            });
            await settled();
            assert.strictEqual(ia.ready, undefined);
            assert.strictEqual(ofType("aws:iam/instanceProfile:InstanceProfile").length, 0);
            const role = one("aws:iam/role:Role");
            assert.strictEqual(
                role.inputs.name,
                "AWSSystemsManagerDefaultEC2InstanceManagementRole",
            );
            assert.strictEqual(role.inputs.path, "/service-role/");
            assert.strictEqual(
                JSON.parse(role.inputs.assumeRolePolicy).Statement[0].Principal.Service,
                "ssm.amazonaws.com",
            );
            assert.deepStrictEqual(attachedArns(), [
                "arn:aws:iam::aws:policy/AmazonSSMManagedEC2InstanceDefaultPolicy",
            ]);
            const setting = one("aws:ssm/serviceSetting:ServiceSetting");
            assert.deepStrictEqual(setting.inputs, {
                settingId: `arn:aws:ssm:us-east-1:${ACCOUNT}:servicesetting/ssm/managed-instance/default-ec2-instance-management-role`,
                settingValue: "service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole",
            });
        });
    });

    describe("Default Host Management with the account's existing role", () => {
        afterEach(discardFailedWork);
        const DHMC_ARN = `arn:aws:iam::${ACCOUNT}:role/service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole`;
        const existing = (service: string) => () => ({
            name: "AWSSystemsManagerDefaultEC2InstanceManagementRole",
            arn: DHMC_ARN,
            id: "AWSSystemsManagerDefaultEC2InstanceManagementRole",
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    { Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" },
                ],
            }),
        });
        beforeEach(() =>
            onCall("aws:index/getCallerIdentity:getCallerIdentity", () => ({
                accountId: ACCOUNT,
                arn: "x",
                userId: "y",
                id: ACCOUNT,
            })),
        );

        it("creates no role: only this region's service setting, pointing at the verified role", async () => {
            onCall("aws:iam/getRole:getRole", existing("ssm.amazonaws.com"));
            const ia = new InstanceAccess("t", {
                ...BASE,
                mode: "none",
                defaultHostManagement: true,
                defaultHostManagementRole: "existing",
            });
            await settled();
            assert.strictEqual(ofType("aws:iam/role:Role").length, 0);
            assert.strictEqual(
                one("aws:ssm/serviceSetting:ServiceSetting").inputs.settingValue,
                "service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole",
            );
            assert.strictEqual(await promiseOf(ia.defaultHostManagementRoleArn!), DHMC_ARN);
        });

        it("leaves the existing role's other policies alone: no exclusive set on it", async () => {
            onCall("aws:iam/getRole:getRole", existing("ssm.amazonaws.com"));
            new InstanceAccess("t", {
                ...BASE,
                mode: "none",
                defaultHostManagement: true,
                defaultHostManagementRole: "existing",
            });
            await settled();
            assert.deepStrictEqual(exclusiveSets(), {});
        });

        it("refuses a role SSM cannot assume, and sets nothing", async () => {
            onCall("aws:iam/getRole:getRole", existing("ec2.amazonaws.com"));
            const ia = new InstanceAccess("t", {
                ...BASE,
                mode: "none",
                defaultHostManagement: true,
                defaultHostManagementRole: "existing",
            });
            await assert.rejects(
                promiseOf(ia.defaultHostManagementRoleArn!),
                /does not let SSM assume it \(no Allow statement lets ssm.amazonaws.com call sts:AssumeRole\)/,
            );
            await settled().catch(() => undefined);
            assert.strictEqual(ofType("aws:ssm/serviceSetting:ServiceSetting").length, 0);
        });
    });

    describe("existing role", () => {
        afterEach(discardFailedWork);
        const trust = (statement: object) =>
            JSON.stringify({ Version: "2012-10-17", Statement: [statement] });
        const role = (assumeRolePolicy: string) => () => ({
            name: "Legacy",
            arn: `arn:aws:iam::${ACCOUNT}:role/Legacy`,
            assumeRolePolicy,
            id: "Legacy",
        });

        it("leaves the adopted role's other policies alone: no exclusive set on it", async () => {
            onCall(
                "aws:iam/getRole:getRole",
                role(
                    trust({
                        Effect: "Allow",
                        Principal: { Service: "ec2.amazonaws.com" },
                        Action: "sts:AssumeRole",
                    }),
                ),
            );
            new InstanceAccess("t", { ...BASE, existingRoleName: "Legacy" });
            await settled();
            assert.strictEqual(
                ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").length,
                1,
            );
            assert.deepStrictEqual(exclusiveSets(), {});
        });

        it("adopts a role whose Service is a string, attaching SSM and creating a profile", async () => {
            onCall(
                "aws:iam/getRole:getRole",
                role(
                    trust({
                        Effect: "Allow",
                        Principal: { Service: "ec2.amazonaws.com" },
                        Action: "sts:AssumeRole",
                    }),
                ),
            );
            const ia = new InstanceAccess("t", { ...BASE, existingRoleName: "Legacy" });
            assert.strictEqual(await promiseOf(ia.roleName!), "Legacy");
            await settled();
            assert.strictEqual(ofType("aws:iam/role:Role").length, 0, "no role is created");
            assert.deepStrictEqual(
                ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((a) => [
                    a.inputs.role,
                    a.inputs.policyArn,
                ]),
                [["Legacy", "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]],
            );
            assert.strictEqual(
                one("aws:iam/instanceProfile:InstanceProfile").inputs.role,
                "Legacy",
            );
        });

        it("adopts a role whose Service is a list", async () => {
            onCall(
                "aws:iam/getRole:getRole",
                role(
                    trust({
                        Effect: "Allow",
                        Principal: { Service: ["ecs.amazonaws.com", "ec2.amazonaws.com"] },
                        Action: ["sts:AssumeRole"],
                    }),
                ),
            );
            const ia = new InstanceAccess("t", { ...BASE, existingRoleName: "Legacy" });
            assert.strictEqual(await promiseOf(ia.roleName!), "Legacy");
        });

        it("refuses an untrusted role, naming it and printing the statement to add", async () => {
            onCall(
                "aws:iam/getRole:getRole",
                role(
                    trust({
                        Effect: "Allow",
                        Principal: { Service: "lambda.amazonaws.com" },
                        Action: "sts:AssumeRole",
                    }),
                ),
            );
            const ia = new InstanceAccess("t", { ...BASE, existingRoleName: "Legacy" });
            await assert.rejects(promiseOf(ia.roleName!), (err: Error) => {
                // The engine may prefix the property that failed; the message itself is whole.
                assert.ok(
                    err.message.endsWith(
                        untrustedRoleMessage(
                            "Legacy",
                            "no Allow statement lets ec2.amazonaws.com call sts:AssumeRole",
                            "aws",
                        ),
                    ),
                );
                assert.match(err.message, /"Service": "ec2.amazonaws.com"/);
                return true;
            });
            await settled().catch(() => undefined);
            assert.ok(
                recorded.every((r) => r.inputs.role !== "Legacy"),
                "nothing is attached to an untrusted role",
            );
        });

        it("refuses a role whose Deny statement blocks EC2", async () => {
            onCall("aws:iam/getRole:getRole", () => ({
                name: "Legacy",
                arn: "a",
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Allow",
                            Principal: { Service: "ec2.amazonaws.com" },
                            Action: "sts:AssumeRole",
                        },
                        {
                            Effect: "Deny",
                            Principal: { Service: "ec2.amazonaws.com" },
                            Action: "sts:AssumeRole",
                        },
                    ],
                }),
            }));
            const ia = new InstanceAccess("t", { ...BASE, existingRoleName: "Legacy" });
            await assert.rejects(
                promiseOf(ia.roleName!),
                /a Deny statement blocks ec2.amazonaws.com/,
            );
        });

        it("fails, attaching nothing, when the role cannot be found", async () => {
            onCall("aws:iam/getRole:getRole", () => {
                throw new Error("NoSuchEntity: The role with name Missing cannot be found.");
            });
            const ia = new InstanceAccess("t", { ...BASE, existingRoleName: "Missing" });
            await assert.rejects(promiseOf(ia.roleName!));
            assert.ok(
                recorded.every(
                    (r) => r.type !== "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                ),
            );
        });

        it("reuses a named instance profile that holds the role", async () => {
            onCall(
                "aws:iam/getRole:getRole",
                role(
                    trust({
                        Effect: "Allow",
                        Principal: { Service: "ec2.amazonaws.com" },
                        Action: "sts:AssumeRole",
                    }),
                ),
            );
            onCall("aws:iam/getInstanceProfile:getInstanceProfile", () => ({
                name: "LegacyProfile",
                arn: "arn:aws:iam::1:instance-profile/LegacyProfile",
                roleName: "Legacy",
                id: "x",
            }));
            const ia = new InstanceAccess("t", {
                ...BASE,
                existingRoleName: "Legacy",
                existingInstanceProfileName: "LegacyProfile",
            });
            assert.strictEqual(await promiseOf(ia.ready!), "LegacyProfile");
            await settled();
            assert.strictEqual(ofType("aws:iam/instanceProfile:InstanceProfile").length, 0);
        });

        it("refuses a named instance profile that holds another role", async () => {
            onCall(
                "aws:iam/getRole:getRole",
                role(
                    trust({
                        Effect: "Allow",
                        Principal: { Service: "ec2.amazonaws.com" },
                        Action: "sts:AssumeRole",
                    }),
                ),
            );
            onCall("aws:iam/getInstanceProfile:getInstanceProfile", () => ({
                name: "Other",
                arn: "a",
                roleName: "SomeoneElse",
                id: "x",
            }));
            const ia = new InstanceAccess("t", {
                ...BASE,
                existingRoleName: "Legacy",
                existingInstanceProfileName: "Other",
            });
            await assert.rejects(
                promiseOf(ia.ready!),
                /existingInstanceProfileName "Other" holds role "SomeoneElse", not "Legacy"/,
            );
        });
    });
});
