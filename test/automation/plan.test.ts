import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { EXIT, main } from "../../automation/cli";
import { KNOWN_AT_DEPLOY, SECRET, formatPlan, planStack, render } from "../../automation/plan";
import { discoverStacks } from "../../automation/stacks";
import { ofType, settled } from "../support/mocks";
import { planOf, shippedDevPlan } from "../support/plans";
import { FakeEngine, ROOT, deps } from "../support/driverFakes";

const SHIPPED = discoverStacks(ROOT);

describe("automation/plan: render", () => {
    it("shows secrets as [secret], unknowns as known-at-deploy, and documents parsed", () => {
        const rendered = render({
            secret: {
                "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
                value: "hunter2",
            },
            role: { __pulumiUnknown: true },
            policy: '{"Version":"2012-10-17","Statement":[]}',
            name: "plain",
        });
        assert.deepStrictEqual(rendered, {
            secret: SECRET,
            role: KNOWN_AT_DEPLOY,
            policy: { Version: "2012-10-17", Statement: [] },
            name: "plain",
        });
        assert.ok(!JSON.stringify(rendered).includes("hunter2"));
    });
});

describe("automation/plan: the real program under mocks, in this process", () => {
    it("plan --json covers every shipped stack in the documented shape", async () => {
        const d = deps(new FakeEngine());
        assert.strictEqual(await main(["plan", "--json"], d), EXIT.ok);
        const doc = JSON.parse(d.out.text);
        assert.deepStrictEqual(Object.keys(doc), ["stacks"]);
        assert.deepStrictEqual(
            doc.stacks.map((s: { stack: string }) => s.stack),
            SHIPPED,
        );
        for (const s of doc.stacks) {
            assert.strictEqual(s.error, undefined, `${s.stack}: ${s.error}`);
            assert.ok(s.resources.length > 5);
            for (const r of s.resources) {
                assert.deepStrictEqual(Object.keys(r), ["type", "name", "inputs"]);
            }
            const role = s.resources.find((r: { type: string }) => r.type === "aws:iam/role:Role");
            assert.strictEqual(
                typeof role.inputs.assumeRolePolicy,
                "object",
                "policy documents are parsed JSON",
            );
        }
    });

    it("shows inputs known from config", async () => {
        const plan = await shippedDevPlan();
        const key = plan.resources.find((r) => r.type === "aws:iam/accessKey:AccessKey")!;
        assert.strictEqual(key.inputs.user, "dev-admin");
    });

    it("marks what only AWS can answer as a deploy-time lookup, never inventing it", async () => {
        const plan = await shippedDevPlan();
        const profile = plan.resources.find(
            (r) => r.type === "aws:iam/instanceProfile:InstanceProfile",
        )!;
        assert.strictEqual(
            profile.inputs.role,
            "ssm-access-dev-instance-role-[random suffix chosen at deploy]",
            "the provider-chosen role name is not invented: its prefix, and what AWS adds",
        );
    });
});

describe("automation/plan: a stack with a secret setting", () => {
    it("takes a secure value as unset and says so, instead of validating the placeholder", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-access-plan-"));
        fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        fs.writeFileSync(
            path.join(dir, "Pulumi.s.yaml"),
            "config:\n  aws:region: us-east-1\n  ssm-access:logGroupName:\n    secure: AAABAJ0gZm9v\n",
        );
        const plan = await planStack(dir, "s");
        fs.rmSync(dir, { recursive: true, force: true });
        assert.strictEqual(plan.error, undefined);
        assert.deepStrictEqual(plan.notes, [
            "ssm-access:logGroupName is set as a secret: its value is not in the stack file, so the plan takes it as unset; preview checks it",
        ]);
    });
});

describe("automation/plan: a stack with a secret inside a setting", () => {
    it("names where the secret sits and that the whole setting is taken as unset", async () => {
        const plan = await planOf(
            "  aws:region: us-east-1\n  ssm-access:users:\n    - name: alice\n      level: admin\n" +
                "      accessKeys:\n        - secure: v1:abc\n",
        );
        assert.strictEqual(plan.error, undefined);
        assert.deepStrictEqual(plan.notes, [
            "ssm-access:users holds a secret at users[0].accessKeys[0]: its value is not in the stack file, so the plan takes all of ssm-access:users as unset; preview checks it",
        ]);
    });
});

describe("automation/plan: what the header and warnings say", () => {
    it("names the region in the header of a stack whose configuration is refused", async () => {
        const plan = await planOf("  aws:region: eu-west-1\n  ssm-access:instanceMode: admin\n");
        assert.ok(plan.error);
        assert.strictEqual(
            formatPlan(plan).split("\n")[0],
            `Stack p (region eu-west-1, account ${KNOWN_AT_DEPLOY})`,
        );
    });

    it("warns that hardening for users the stack lacks has no effect yet", async () => {
        const plan = await planOf("  aws:region: us-east-1\n  ssm-access:requireMfa: true\n");
        assert.deepStrictEqual(plan.warnings, [
            "ssm-access:requireMfa = true has no effect yet: it applies to admin users, and this stack has none",
        ]);
    });
});

describe("automation/plan: a failed stack among healthy ones", () => {
    it("ends with the failed stacks on stderr and exits 1", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-access-plan-"));
        fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        fs.writeFileSync(path.join(dir, "Pulumi.a.yaml"), "config:\n  aws:region: us-east-1\n");
        fs.writeFileSync(
            path.join(dir, "Pulumi.b.yaml"),
            "config:\n  aws:region: us-east-1\n  ssm-access:instanceMode: admin\n",
        );
        const d = deps(new FakeEngine(), { projectDir: dir });
        const code = await main(["plan"], d);
        fs.rmSync(dir, { recursive: true, force: true });
        assert.strictEqual(code, EXIT.failed);
        assert.strictEqual(
            d.err.text.trim().split("\n").pop(),
            "plan failed for 1 of 2 stacks: b (see each stack's error above); exit 1",
        );
    });
});

describe("automation/plan: its own Pulumi runtime state, apart from the caller's", () => {
    before(async () => {
        await planStack(ROOT, "dev");
    });

    it("leaves the caller's mocks in force: a resource declared after it is the caller's", async () => {
        new aws.iam.Group("declared-after-the-plan", {});
        await settled();
        assert.deepStrictEqual(
            ofType("aws:iam/group:Group").map((r) => r.name),
            ["declared-after-the-plan"],
        );
    });

    it("leaves the caller's project, stack and preview flag as they were", () => {
        assert.deepStrictEqual(
            [pulumi.getProject(), pulumi.getStack(), pulumi.runtime.isDryRun()],
            ["ssm-access", "test", false],
        );
    });

    it("records none of the caller's resources still registering when it starts", async () => {
        new aws.iam.Group("registering-as-the-plan-starts", {});
        const plan = await planStack(ROOT, "dev");
        await settled();
        assert.deepStrictEqual(
            plan.resources.filter((r) => r.name === "registering-as-the-plan-starts"),
            [],
        );
        assert.deepStrictEqual(
            ofType("aws:iam/group:Group").map((r) => r.name),
            ["registering-as-the-plan-starts"],
        );
    });
});
