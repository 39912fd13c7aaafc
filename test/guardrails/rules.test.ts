import * as assert from "assert";
import type { PolicyResource, StackValidationArgs } from "@pulumi/policy";
import {
    DocumentContent,
    documentPassesParametersByEnvironment,
    noS3OnStarWithBucket,
} from "../../guardrails/rules";

/** What the engine shows the pack of one resource: only the fields the rules read. */
function resource(type: string, name: string, props: Record<string, unknown>): PolicyResource {
    return { type, name, urn: `urn:${name}`, props } as unknown as PolicyResource;
}

/** The messages a rule reports for these resources. */
function violations(resources: PolicyResource[]): string[] {
    const found: string[] = [];
    noS3OnStarWithBucket({ resources } as unknown as StackValidationArgs, (message) =>
        found.push(message),
    );
    return found;
}

// A policy scoped to an output bucket: what makes a wide S3 grant elsewhere a violation.
const SCOPED = resource("aws:iam/policy:Policy", "output", {
    policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            { Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::ssm-out/*" },
        ],
    }),
});
const S3_FULL = "arn:aws:iam::aws:policy/AmazonS3FullAccess";

describe("guardrails/rules: no-s3-on-star-with-output-bucket", () => {
    it("sees a wide managed policy attached only through an exclusive set", () => {
        assert.deepStrictEqual(
            violations([
                SCOPED,
                resource(
                    "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
                    "role-managed-exclusive",
                    { roleName: "r", policyArns: [S3_FULL] },
                ),
            ]),
            [
                'role-managed-exclusive attaches the AWS managed policy AmazonS3FullAccess, which allows s3:* on "*", although an output bucket is configured: attach a policy scoped to the bucket (instanceMode managed or guide)',
            ],
        );
    });

    it("reports a policy the attachment and the exclusive set beside it both list once, on the attachment", () => {
        const found = violations([
            SCOPED,
            resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "role-s3", {
                role: "r",
                policyArn: S3_FULL,
            }),
            resource(
                "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
                "role-managed-exclusive",
                { roleName: "r", policyArns: [S3_FULL] },
            ),
        ]);
        assert.deepStrictEqual(
            found.map((m) => m.split(" ")[0]),
            ["role-s3"],
        );
    });

    it("reports the same policy on two principals once each", () => {
        const found = violations([
            SCOPED,
            resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "role-s3", {
                role: "r",
                policyArn: S3_FULL,
            }),
            resource(
                "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive",
                "group-managed-exclusive",
                { groupName: "g", policyArns: [S3_FULL] },
            ),
        ]);
        assert.deepStrictEqual(
            found.map((m) => m.split(" ")[0]),
            ["role-s3", "group-managed-exclusive"],
        );
    });
});

describe("guardrails/rules: documents-pass-parameters-by-environment", () => {
    /** A one-step document: these parameters and commands, on the action given. */
    const content = (
        parameters: DocumentContent["parameters"],
        runCommand: string[],
        action = "aws:runShellScript",
    ): DocumentContent => ({ parameters, mainSteps: [{ action, inputs: { runCommand } }] });
    const reported = (c: DocumentContent) => {
        const found: string[] = [];
        documentPassesParametersByEnvironment(c, (m) => found.push(m));
        return found;
    };
    const SERVICE = {
        Service: {
            type: "String" as const,
            allowedPattern: "^[a-z]{1,16}$",
            interpolationType: "ENV_VAR",
        },
    };

    it("reports a Parameter Store reference pasted into a command", () => {
        assert.deepStrictEqual(reported(content({}, ["/opt/app/deploy.sh {{ssm:/app/release}}"])), [
            "a command holds the run-time reference {{ssm:/app/release}}, whose value SSM Agent pastes unescaped into the script: pass it as a declared, constrained parameter read from SSM_<Name>, or fetch it in the script with aws ssm get-parameter",
        ]);
    });

    it("reports {{ssm-secure:}} and {{resolve:}} references too, in every step", () => {
        const c: DocumentContent = {
            mainSteps: [
                { action: "aws:runShellScript", inputs: { runCommand: ["a {{ssm-secure:/x}}"] } },
                {
                    action: "aws:runPowerShellScript",
                    inputs: { runCommand: ["b {{resolve:ssm:/y}}"] },
                },
            ],
        };
        assert.deepStrictEqual(
            reported(c).map((m) => /reference (\S+),/.exec(m)?.[1]),
            ["{{ssm-secure:/x}}", "{{resolve:ssm:/y}}"],
        );
    });

    it("reports an Integer spliced without a proven allowedPattern", () => {
        const pid = { Pid: { type: "Integer" as const } };
        assert.deepStrictEqual(reported(content(pid, ["kill {{ Pid }}"])), [
            'a command splices Integer parameter Pid with {{ Pid }} without a proven allowedPattern: a negative value reads as an option; give it allowedPattern "^[0-9]{1,9}$"',
        ]);
    });

    it("passes an Integer with a proven allowedPattern and a String read from the environment", () => {
        const params = {
            ...SERVICE,
            Pid: { type: "Integer" as const, allowedPattern: "^[0-9]{1,7}$" },
        };
        const commands = ['systemctl kill "$SSM_Service"', "kill {{ Pid }}"];
        assert.deepStrictEqual(reported(content(params, commands)), []);
    });

    it("reports a String parameter spliced with {{ }}", () => {
        assert.deepStrictEqual(reported(content(SERVICE, ["systemctl restart {{ Service }}"])), [
            'a command splices String parameter Service with {{ Service }}: read it as "$SSM_Service" (PowerShell: $env:SSM_Service)',
        ]);
    });
});
