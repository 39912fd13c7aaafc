import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EXIT, main } from "../../automation/cli";
import { deployerPolicy } from "../../automation/deployerPolicy";
import { StackPlan, planStack } from "../../automation/plan";
import { PolicyDocument } from "../../policies/iam";
import { FakeEngine, ROOT, deps } from "../support/driverFakes";
import { assertValidIdentityPolicy } from "../support/iam";
import { ACCOUNT } from "../support/mocks";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { shippedDevPlan } from "../support/plans";
import { decide } from "../support/simulate";

/**
 * A lifecycle call: an action on a concrete resource, as AWS would authorize it at deploy. Written
 * out by hand from the dev stack's plan (Pulumi.dev.yaml) and the provider's calls, not computed
 * by the builder: "a1b2c3d" stands for the random suffix of an auto-named resource.
 */
interface Call {
    action: string;
    resource: string;
    context?: Record<string, string>;
}

const IAM = `arn:aws:iam::${ACCOUNT}`;
const ROLE = `${IAM}:role/ssm-access/ssm-access-dev-instance-role-a1b2c3d`;
const PROFILE = `${IAM}:instance-profile/ssm-access/ssm-access-dev-instance-profile-a1b2c3d`;
const OUTPUT_POLICY = `${IAM}:policy/ssm-access/ssm-access-dev-instance-output-a1b2c3d`;
const CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";
const READ_ONLY = "arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess";
const DOCUMENT = `arn:aws:ssm:us-east-1:${ACCOUNT}:document/RestartWebService`;
const user = (name: string) => `${IAM}:user/ssm-access/${name}`;
const group = (level: string) => `${IAM}:group/ssm-access/ssm-access-dev-${level}`;
const each = (actions: string[], resource: string): Call[] =>
    actions.map((action) => ({ action, resource }));

const DEV_LIFECYCLE: Call[] = [
    ...each(
        [
            "iam:CreateRole",
            "iam:GetRole",
            "iam:ListRolePolicies",
            "iam:ListAttachedRolePolicies",
            "iam:UpdateAssumeRolePolicy",
            "iam:TagRole",
            "iam:ListInstanceProfilesForRole",
            "iam:DetachRolePolicy",
            "iam:DeleteRole",
        ],
        ROLE,
    ),
    { action: "iam:AttachRolePolicy", resource: ROLE, context: { "iam:PolicyARN": CORE } },
    {
        action: "iam:AttachRolePolicy",
        resource: ROLE,
        context: { "iam:PolicyARN": OUTPUT_POLICY },
    },
    {
        action: "iam:PassRole",
        resource: ROLE,
        context: { "iam:PassedToService": "ec2.amazonaws.com" },
    },
    ...each(
        [
            "iam:CreatePolicy",
            "iam:GetPolicy",
            "iam:GetPolicyVersion",
            "iam:ListPolicyVersions",
            "iam:CreatePolicyVersion",
            "iam:DeletePolicyVersion",
            "iam:DeletePolicy",
        ],
        OUTPUT_POLICY,
    ),
    ...each(
        [
            "iam:CreateInstanceProfile",
            "iam:GetInstanceProfile",
            "iam:AddRoleToInstanceProfile",
            "iam:RemoveRoleFromInstanceProfile",
            "iam:DeleteInstanceProfile",
        ],
        PROFILE,
    ),
    ...["dev-admin", "dev-auditor", "dev-oncall"].flatMap((name) =>
        each(
            [
                "iam:CreateUser",
                "iam:GetUser",
                "iam:TagUser",
                "iam:ListGroupsForUser",
                "iam:DeleteUser",
            ],
            user(name),
        ),
    ),
    ...["dev-admin", "dev-oncall"].flatMap((name) =>
        each(
            [
                "iam:CreateAccessKey",
                "iam:ListAccessKeys",
                "iam:UpdateAccessKey",
                "iam:DeleteAccessKey",
            ],
            user(name),
        ),
    ),
    ...["admin", "operator", "read-only"].flatMap((level) =>
        each(
            [
                "iam:CreateGroup",
                "iam:GetGroup",
                "iam:DeleteGroup",
                "iam:PutGroupPolicy",
                "iam:GetGroupPolicy",
                "iam:DeleteGroupPolicy",
                "iam:AddUserToGroup",
                "iam:RemoveUserFromGroup",
            ],
            group(level),
        ),
    ),
    {
        action: "iam:AttachGroupPolicy",
        resource: group("read-only"),
        context: { "iam:PolicyARN": READ_ONLY },
    },
    // The exclusive sets: every group's, user's and the created role's whole set is read, and
    // what the stack does not declare is detached or deleted.
    ...["admin", "operator", "read-only"].flatMap((level) =>
        each(
            [
                "iam:ListAttachedGroupPolicies",
                "iam:DetachGroupPolicy",
                "iam:ListGroupPolicies",
                "iam:DeleteGroupPolicy",
            ],
            group(level),
        ),
    ),
    ...["dev-admin", "dev-auditor", "dev-oncall"].flatMap((name) =>
        each(
            [
                "iam:ListAttachedUserPolicies",
                "iam:DetachUserPolicy",
                "iam:ListUserPolicies",
                "iam:DeleteUserPolicy",
            ],
            user(name),
        ),
    ),
    ...each(["iam:ListRolePolicies", "iam:DeleteRolePolicy"], ROLE),
    ...each(
        [
            "ssm:CreateDocument",
            "ssm:DescribeDocument",
            "ssm:GetDocument",
            "ssm:UpdateDocument",
            "ssm:UpdateDocumentDefaultVersion",
            "ssm:AddTagsToResource",
            "ssm:ListTagsForResource",
            "ssm:DeleteDocument",
        ],
        DOCUMENT,
    ),
];

/** What no lifecycle of the dev stack needs. */
const DEV_DENIED: (Call & { why: string })[] = [
    {
        why: "a user outside the stack's path",
        action: "iam:CreateUser",
        resource: `${IAM}:user/dev-admin`,
    },
    {
        why: "a user the stack does not declare",
        action: "iam:CreateUser",
        resource: user("intruder"),
    },
    {
        why: "passing the instance role to Lambda",
        action: "iam:PassRole",
        resource: ROLE,
        context: { "iam:PassedToService": "lambda.amazonaws.com" },
    },
    {
        why: "passing a role that is not the stack's",
        action: "iam:PassRole",
        resource: `${IAM}:role/Admin`,
        context: { "iam:PassedToService": "ec2.amazonaws.com" },
    },
    {
        why: "attaching AdministratorAccess to the instance role",
        action: "iam:AttachRolePolicy",
        resource: ROLE,
        context: { "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess" },
    },
    {
        why: "a role outside the stack's names",
        action: "iam:CreateRole",
        resource: `${IAM}:role/ssm-access/other-role`,
    },
    { why: "running a command", action: "ssm:SendCommand", resource: DOCUMENT },
    {
        why: "deleting a bucket",
        action: "s3:DeleteBucket",
        resource: "arn:aws:s3:::ssm-access-dev-command-output",
    },
    {
        why: "another stack's group",
        action: "iam:PutGroupPolicy",
        resource: `${IAM}:group/ssm-access/ssm-access-prod-admin`,
    },
    {
        why: "attaching AdministratorAccess to the operator group",
        action: "iam:AttachGroupPolicy",
        resource: group("operator"),
        context: { "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess" },
    },
    {
        why: "attaching a policy to a group outside the stack",
        action: "iam:AttachGroupPolicy",
        resource: `${IAM}:group/Admins`,
        context: { "iam:PolicyARN": READ_ONLY },
    },
    {
        why: "detaching a policy from a group outside the stack",
        action: "iam:DetachGroupPolicy",
        resource: `${IAM}:group/Admins`,
    },
    {
        why: "deleting an inline policy of another stack's group",
        action: "iam:DeleteGroupPolicy",
        resource: `${IAM}:group/ssm-access/ssm-access-prod-operator`,
    },
    {
        why: "attaching a policy to a user (users hold none)",
        action: "iam:AttachUserPolicy",
        resource: user("dev-oncall"),
        context: { "iam:PolicyARN": READ_ONLY },
    },
    {
        why: "putting an inline policy on a user",
        action: "iam:PutUserPolicy",
        resource: user("dev-oncall"),
    },
    {
        why: "detaching a policy from a user outside the stack",
        action: "iam:DetachUserPolicy",
        resource: `${IAM}:user/someone-else`,
    },
    {
        why: "putting an inline policy on the instance role",
        action: "iam:PutRolePolicy",
        resource: ROLE,
    },
    {
        why: "relaunching (dev relaunches nothing)",
        action: "ec2:RunInstances",
        resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0fedcba9876543210`,
    },
];

/**
 * KMS authorizes a key only through its key policy: the default one lets the account's IAM
 * policies decide ("Default key policy", https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html),
 * and the simulator models that, so a key's decision needs it.
 */
async function decideOnKey(policy: PolicyDocument, action: string, key: string): Promise<string> {
    const result = await runSimulation(
        {
            request: {
                principal: `arn:aws:iam::${ACCOUNT}:user/someone`,
                action,
                resource: { resource: key, accountId: ACCOUNT },
                contextVariables: {},
            },
            identityPolicies: [{ name: "deployer", policy }],
            resourcePolicy: {
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "Enable IAM User Permissions",
                        Effect: "Allow",
                        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
                        Action: "kms:*",
                        Resource: "*",
                    },
                ],
            },
            serviceControlPolicies: [],
            resourceControlPolicies: [],
        },
        {},
    );
    assert.strictEqual(result.resultType, "single");
    return (result as { overallResult: string }).overallResult;
}

const label = (c: Call) =>
    `${c.action} on ${c.resource}${c.context ? ` with ${JSON.stringify(c.context)}` : ""}`;

describe("automation/deployerPolicy: the shipped dev stack", () => {
    let policy: PolicyDocument;
    before(async () => {
        policy = deployerPolicy(await shippedDevPlan());
    });
    it("is a valid identity policy whose every action AWS knows", async () => {
        await assertValidIdentityPolicy(policy);
    });

    for (const call of DEV_LIFECYCLE) {
        it(`allows ${label(call)}`, async () => {
            assert.strictEqual(
                await decide([policy], call.action, call.resource, call.context),
                "Allowed",
            );
        });
    }

    for (const call of DEV_DENIED) {
        it(`denies ${call.why}: ${label(call)}`, async () => {
            assert.notStrictEqual(
                await decide([policy], call.action, call.resource, call.context),
                "Allowed",
            );
        });
    }

    it("grants no EC2 or KMS action to a stack that relaunches nothing", () => {
        const actions = policy.Statement.flatMap((s) => ([] as string[]).concat(s.Action));
        assert.deepStrictEqual(
            actions.filter((a) => a.startsWith("ec2:") || a.startsWith("kms:")),
            [],
        );
    });
});

const RELAUNCHING = `config:
  aws:region: eu-west-1
  ssm-access:instanceMode: managed
  ssm-access:rolePath: /ssm-access/
  ssm-access:defaultHostManagement: true
  ssm-access:permissionsBoundaryArn: arn:aws:iam::${ACCOUNT}:policy/boundary
  ssm-access:relaunch:
    - instanceId: i-0123456789abcdef0
      kmsKeyId: arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab
      privateNetwork: true
  ssm-access:privateNetwork:
    cidrBlock: 10.20.0.0/16
  ssm-access:users:
    - name: big-admin
      level: admin
`;

describe("automation/deployerPolicy: Default Host Management, a relaunch, a private network", () => {
    const INSTANCE_ROLE = `${IAM}:role/ssm-access/ssm-access-big-instance-role-a1b2c3d`;
    const DHMC_ROLE = `${IAM}:role/service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole`;
    const KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    let policy: PolicyDocument;
    let dir: string;
    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "deployer-policy-"));
        fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        fs.writeFileSync(path.join(dir, "Pulumi.big.yaml"), RELAUNCHING);
        policy = deployerPolicy(await planStack(dir, "big"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("is a valid identity policy whose every action AWS knows", async () => {
        await assertValidIdentityPolicy(policy);
    });

    const cases: (Call & { decision: "Allowed" | "denied" })[] = [
        {
            decision: "Allowed",
            action: "iam:PassRole",
            resource: DHMC_ROLE,
            context: { "iam:PassedToService": "ssm.amazonaws.com" },
        },
        {
            decision: "denied",
            action: "iam:PassRole",
            resource: DHMC_ROLE,
            context: { "iam:PassedToService": "ec2.amazonaws.com" },
        },
        {
            decision: "Allowed",
            action: "iam:PassRole",
            resource: INSTANCE_ROLE,
            context: { "iam:PassedToService": "ec2.amazonaws.com" },
        },
        ...[
            "iam:ListAttachedRolePolicies",
            "iam:DetachRolePolicy",
            "iam:ListRolePolicies",
            "iam:DeleteRolePolicy",
        ].map((action) => ({ decision: "Allowed" as const, action, resource: DHMC_ROLE })),
        {
            decision: "Allowed",
            action: "iam:AttachRolePolicy",
            resource: DHMC_ROLE,
            context: {
                "iam:PolicyARN": "arn:aws:iam::aws:policy/AmazonSSMManagedEC2InstanceDefaultPolicy",
            },
        },
        {
            decision: "denied",
            action: "iam:AttachRolePolicy",
            resource: DHMC_ROLE,
            context: { "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess" },
        },
        {
            decision: "Allowed",
            action: "ssm:UpdateServiceSetting",
            resource: `arn:aws:ssm:eu-west-1:${ACCOUNT}:servicesetting/ssm/managed-instance/default-ec2-instance-management-role`,
        },
        {
            decision: "denied",
            action: "ssm:UpdateServiceSetting",
            resource: `arn:aws:ssm:eu-west-1:${ACCOUNT}:servicesetting/ssm/parameter-store/high-throughput-enabled`,
        },
        {
            decision: "Allowed",
            action: "iam:PutRolePermissionsBoundary",
            resource: INSTANCE_ROLE,
            context: { "iam:PermissionsBoundary": `${IAM}:policy/boundary` },
        },
        {
            decision: "denied",
            action: "iam:PutRolePermissionsBoundary",
            resource: INSTANCE_ROLE,
            context: { "iam:PermissionsBoundary": `${IAM}:policy/wide-open` },
        },
        {
            decision: "Allowed",
            action: "ec2:RunInstances",
            resource: `arn:aws:ec2:eu-west-1:${ACCOUNT}:instance/i-0fedcba9876543210`,
        },
        {
            decision: "Allowed",
            action: "ec2:CreateImage",
            resource: `arn:aws:ec2:eu-west-1:${ACCOUNT}:instance/i-0123456789abcdef0`,
        },
        {
            decision: "denied",
            action: "ec2:TerminateInstances",
            resource: `arn:aws:ec2:eu-west-1:${ACCOUNT}:instance/i-0123456789abcdef0`,
        },
        { decision: "Allowed", action: "kms:CreateGrant", resource: KEY },
        {
            decision: "denied",
            action: "kms:CreateGrant",
            resource: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/another`,
        },
    ];
    for (const c of cases) {
        it(`${c.decision === "Allowed" ? "allows" : "denies"} ${label(c)}`, async () => {
            const decision = c.action.startsWith("kms:")
                ? await decideOnKey(policy, c.action, c.resource)
                : await decide([policy], c.action, c.resource, c.context);
            if (c.decision === "Allowed") {
                assert.strictEqual(decision, "Allowed");
            } else {
                assert.notStrictEqual(decision, "Allowed");
            }
        });
    }
});

describe("automation/deployerPolicy: an adopted role (existingRoleName)", () => {
    const LEGACY = `${IAM}:role/Legacy`;
    let policy: PolicyDocument;
    let dir: string;
    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "deployer-policy-"));
        fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        fs.writeFileSync(
            path.join(dir, "Pulumi.adopt.yaml"),
            "config:\n  aws:region: us-east-1\n  ssm-access:existingRoleName: Legacy\n",
        );
        policy = deployerPolicy(await planStack(dir, "adopt"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const cases: (Call & { decision: "Allowed" | "denied" })[] = [
        { decision: "Allowed", action: "iam:GetRole", resource: LEGACY },
        { decision: "denied", action: "iam:CreateRole", resource: LEGACY },
        {
            decision: "Allowed",
            action: "iam:AttachRolePolicy",
            resource: LEGACY,
            context: { "iam:PolicyARN": CORE },
        },
        {
            decision: "denied",
            action: "iam:AttachRolePolicy",
            resource: `${IAM}:role/Other`,
            context: { "iam:PolicyARN": CORE },
        },
        // Someone else's role: the stack owns only its own attachments, not the role's whole set.
        { decision: "denied", action: "iam:DeleteRolePolicy", resource: LEGACY },
        { decision: "denied", action: "iam:ListRolePolicies", resource: LEGACY },
        {
            decision: "Allowed",
            action: "iam:PassRole",
            resource: LEGACY,
            context: { "iam:PassedToService": "ec2.amazonaws.com" },
        },
    ];
    for (const c of cases) {
        it(`${c.decision === "Allowed" ? "allows" : "denies"} ${label(c)}`, async () => {
            const decision = await decide([policy], c.action, c.resource, c.context);
            if (c.decision === "Allowed") {
                assert.strictEqual(decision, "Allowed");
            } else {
                assert.notStrictEqual(decision, "Allowed");
            }
        });
    }
});

describe("automation/deployerPolicy: what it cannot derive", () => {
    const plan = (partial: Partial<StackPlan>): StackPlan => ({
        stack: "dev",
        region: "us-east-1",
        account: "[known at deploy]",
        resources: [],
        lookups: [],
        notes: [],
        warnings: [],
        ...partial,
    });

    it("refuses a resource type its table does not know, naming the type and the table", () => {
        assert.throws(
            () =>
                deployerPolicy(
                    plan({ resources: [{ type: "aws:s3/bucket:Bucket", name: "b", inputs: {} }] }),
                ),
            /no API calls known for resource type aws:s3\/bucket:Bucket \("b"\); add its row to RESOURCE_CALLS/,
        );
    });

    it("refuses a lookup its table does not know", () => {
        assert.throws(
            () =>
                deployerPolicy(
                    plan({ lookups: [{ token: "aws:s3/getBucket:getBucket", inputs: {} }] }),
                ),
            /no API calls known for lookup aws:s3\/getBucket:getBucket/,
        );
    });

    it("refuses a stack that does not plan, with the plan's error", () => {
        assert.throws(
            () => deployerPolicy(plan({ error: "ssm-access:users[0].level: bad" })),
            /stack "dev" does not plan: ssm-access:users\[0\]\.level: bad/,
        );
    });
});

describe("automation/cli: deployer-policy", () => {
    describe("without --json", () => {
        const engine = new FakeEngine();
        const d = deps(engine);
        let code: number;
        before(async () => {
            code = await main(["deployer-policy", "--env", "dev"], d);
        });

        it("prints the policy alone on stdout, ready for aws iam create-policy", () => {
            assert.strictEqual(code, EXIT.ok);
            const doc = JSON.parse(d.out.text);
            assert.strictEqual(doc.Version, "2012-10-17");
            assert.ok(
                doc.Statement.some((s: { Sid: string }) => s.Sid === "PassInstanceRoleToEc2"),
            );
        });

        it("runs no engine: it is derived offline from the plan", () => {
            assert.deepStrictEqual(engine.calls, []);
        });
    });

    it("wraps it with the stack's name under --json", async () => {
        const d = deps(new FakeEngine());
        assert.strictEqual(await main(["deployer-policy", "--env", "dev", "--json"], d), EXIT.ok);
        const doc = JSON.parse(d.out.text);
        assert.deepStrictEqual(Object.keys(doc), ["stack", "policy"]);
        assert.strictEqual(doc.stack, "dev");
        assert.strictEqual(doc.policy.Version, "2012-10-17");
    });
});
