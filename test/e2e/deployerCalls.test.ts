/**
 * `deployer-policy` against the calls a lifecycle really sends: the dev stack's preview, up,
 * refresh, drift and destroy run through the driver on the real engine, the stand-in provider logs
 * every AWS call it sends to moto (test/support/standin-aws/aws.ts) or serves itself as the real
 * provider would send it (notInMoto.ts), and the IAM simulator decides each one against the
 * policy the driver prints. moto evaluates no IAM policy, so the simulator is the judge; the
 * calls are the stand-in's, which follow the provider files each handler cites.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { Sandbox } from "../../scripts/sandbox";
import { ACCOUNT } from "../support/mocks";
import { decide } from "../support/simulate";

/** moto's default account (moto/core/models.py DEFAULT_ACCOUNT_ID), the same as the mocks'. */
const IAM = `arn:aws:iam::${ACCOUNT}`;
const REGION = "us-east-1";

/**
 * Calls AWS authorizes without any permission: "No permissions are required to perform this
 * operation" (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).
 * The stand-in makes it for the account id in the ARNs it builds, as the provider does.
 */
const NEEDS_NO_PERMISSION = ["sts:GetCallerIdentity"];

type Input = Record<string, string | string[] | undefined>;

interface Check {
    action: string;
    resource: string;
    context: Record<string, string>;
}

/**
 * The resource a call acts on, as IAM authorizes it (Service Authorization Reference, "Actions
 * defined by AWS Identity and Access Management" and "... AWS Systems Manager"), built from the
 * names the call log keeps: IAM names with the path the call gave or else the stack's, SSM
 * documents and service settings in the stack's region. An attach or detach also carries the
 * policy's ARN as `iam:PolicyARN`, the condition key IAM checks on those actions. A call with no
 * name to build an ARN from (a List or Describe of everything) is checked at action level against
 * `*`, which only a statement with `"Resource": "*"` allows.
 */
function checkOf(action: string, input: Input, stackPath: string): Check {
    const s = (key: string) => {
        const v = input[key];
        return typeof v === "string" ? v : undefined;
    };
    const iamPath = s("Path") ?? stackPath;
    const policyArn = s("PolicyArn");
    const context: Record<string, string> = policyArn ? { "iam:PolicyARN": policyArn } : {};
    const on = (resource: string, ctx = context): Check => ({ action, resource, context: ctx });
    if (action.startsWith("iam:")) {
        if (s("InstanceProfileName")) {
            return on(`${IAM}:instance-profile${iamPath}${s("InstanceProfileName")}`);
        }
        if (s("GroupName")) {
            return on(`${IAM}:group${iamPath}${s("GroupName")}`);
        }
        if (s("RoleName")) {
            return on(`${IAM}:role${iamPath}${s("RoleName")}`);
        }
        if (s("UserName")) {
            return on(`${IAM}:user${iamPath}${s("UserName")}`);
        }
        if (policyArn) {
            return on(policyArn, {});
        }
        if (action === "iam:CreatePolicy" && s("PolicyName")) {
            return on(`${IAM}:policy${iamPath}${s("PolicyName")}`);
        }
    }
    if (action.startsWith("ssm:")) {
        const setting = s("SettingId");
        if (setting) {
            return on(
                setting.startsWith("arn:")
                    ? setting
                    : `arn:aws:ssm:${REGION}:${ACCOUNT}:servicesetting${setting}`,
            );
        }
        const document = s("ResourceType") === "Document" ? s("ResourceId") : s("Name");
        if (document) {
            return on(`arn:aws:ssm:${REGION}:${ACCOUNT}:document/${document}`);
        }
    }
    return on("*", {});
}

describe("deployer-policy allows every call the dev stack's lifecycle sends (moto)", () => {
    const sb = new Sandbox();
    before(() => sb.startCloud());
    after(() => sb.cleanup());

    it("runs preview, up, refresh, drift and destroy through the driver", async () => {
        for (const step of [
            ["preview", "--env", "dev"],
            ["up", "--env", "dev", "--yes"],
            ["refresh", "--env", "dev"],
            ["drift", "--env", "dev"],
            // dev's users and keys are deleted: the guard asks for --allow-replace.
            ["destroy", "--env", "dev", "--yes", "--allow-replace"],
        ]) {
            const run = await sb.driver(...step);
            assert.strictEqual(run.code, 0, `${step.join(" ")}: ${run.stderr}`);
        }
    });

    it("logs the AWS calls of every service the stack uses, creates and deletes alike", () => {
        const actions = new Set(sb.awsCalls().map((c) => c.action));
        for (const expected of [
            "iam:CreateRole",
            "iam:CreateAccessKey",
            "iam:PutGroupPolicy",
            "iam:DeleteRole",
            "iam:DeleteUser",
            "ssm:CreateDocument",
            "ssm:DeleteDocument",
        ]) {
            assert.ok(actions.has(expected), `${expected} in ${[...actions].join(", ")}`);
        }
    });

    it("logs no access key secret", () => {
        const log = fs.readFileSync(path.join(sb.cloud, "calls.jsonl"), "utf8");
        const secrets = sb.issuedSecrets();
        assert.ok(secrets.length > 0, "the dev stack's keys were issued");
        assert.deepStrictEqual(
            secrets.filter((secret) => log.includes(secret)),
            [],
        );
    });

    it("allows each logged call on its resource in the policy the driver prints", async () => {
        const run = await sb.driver("deployer-policy", "--env", "dev", "--json");
        assert.strictEqual(run.code, 0, run.stderr);
        const { policy } = JSON.parse(run.stdout);
        const stackFile = parse(fs.readFileSync(path.join(sb.project, "Pulumi.dev.yaml"), "utf8"));
        const stackPath: string = stackFile.config["ssm-access:rolePath"];

        const checks = new Map<string, Check>();
        for (const call of sb.awsCalls()) {
            if (NEEDS_NO_PERMISSION.includes(call.action)) {
                continue;
            }
            const check = checkOf(call.action, call.input, stackPath);
            checks.set(JSON.stringify(check), check);
        }
        const gaps: string[] = [];
        for (const check of checks.values()) {
            const decision = await decide([policy], check.action, check.resource, check.context);
            if (decision !== "Allowed") {
                gaps.push(
                    `${check.action} on ${check.resource}${
                        Object.keys(check.context).length ? ` ${JSON.stringify(check.context)}` : ""
                    }: ${decision}`,
                );
            }
        }
        assert.deepStrictEqual(gaps, [], `${checks.size} distinct calls checked`);
    });
});
