/** The multi-stack driver against the real engine (offline): parallel stacks, locks, Ctrl-C. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as iam from "@aws-sdk/client-iam";
import { Sandbox } from "../../scripts/sandbox";
import { sandboxStackFile } from "../../scripts/sandboxStackFiles";
import { Account, stateOf } from "../support/account";
import { CreateGate, creatingAws, until } from "../support/inFlight";

describe("driver: three stacks in parallel", () => {
    const sb = new Sandbox();
    before(() => sb.startCloud());
    after(() => sb.cleanup());

    it("brings up dev, staging and prod with --parallel 3, each stack's state its own", async () => {
        const run = await sb.driver("up", "--parallel", "3", "--yes", "--json");
        assert.strictEqual(run.code, 0, run.stderr);
        const doc = JSON.parse(run.stdout);
        assert.deepStrictEqual(
            doc.stacks.map((s: { stack: string; status: string }) => [s.stack, s.status]),
            [
                ["dev", "succeeded"],
                ["prod", "succeeded"],
                ["staging", "succeeded"],
            ],
        );
        for (const stack of ["dev", "prod", "staging"]) {
            const state = JSON.parse((await sb.pulumi("stack", "export", "--stack", stack)).stdout);
            const names: string[] = state.deployment.resources
                .filter((r: { custom?: boolean }) => r.custom)
                .map((r: { urn: string }) => r.urn.split("::").pop());
            assert.ok(names.length > 10);
            assert.ok(
                names.every(
                    (n) =>
                        n.startsWith(`ssm-access-${stack}-`) ||
                        n === "default_7_48_0" ||
                        n.startsWith("default"),
                ),
                `${stack} holds only its own resources: ${names.join(", ")}`,
            );
        }
        for (const secret of sb.issuedSecrets()) {
            assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret));
        }
    });

    it("leaves all three in one account side by side, no name shared, each as declared", async () => {
        const account = new Account(sb);
        const regions: Record<string, string> = {
            dev: "us-east-1",
            staging: "eu-west-1",
            prod: "us-west-2",
        };
        for (const [stack, region] of Object.entries(regions)) {
            await account.assertMatches(await stateOf(sb, stack), region);
        }
        const { groups } = await account.names();
        assert.deepStrictEqual(groups, [
            "ssm-access-dev-admin",
            "ssm-access-dev-operator",
            "ssm-access-dev-read-only",
            "ssm-access-prod-admin",
            "ssm-access-prod-read-only",
            "ssm-access-staging-admin",
            "ssm-access-staging-operator",
        ]);
    });
});

describe("driver: review before apply", () => {
    const sb = new Sandbox();
    before(() => sb.startCloud());
    after(() => sb.cleanup());

    it("carries the program's deprecation warning to --json", async () => {
        await sb.pulumi("stack", "init", "dev");
        await sb.pulumi(
            "config",
            "set",
            "--stack",
            "dev",
            "ssm-access:instanceMode",
            "legacy-managed",
        );
        // legacy-managed cannot narrow output (AmazonEC2RoleforSSM allows S3 and logs on *).
        for (const key of ["outputBucket", "outputKeyPrefix", "logGroupName"]) {
            await sb.pulumi("config", "rm", "--stack", "dev", `ssm-access:${key}`);
        }
        const run = await sb.driver("preview", "--env", "dev", "--json");
        assert.strictEqual(run.code, 0, run.stderr);
        const [stack] = JSON.parse(run.stdout).stacks;
        assert.ok(
            stack.warnings.includes(
                'ssm-access-dev-instance: instanceMode "legacy-managed" attaches service-role/AmazonEC2RoleforSSM, which AWS has deprecated; use instanceMode "managed" (AmazonSSMManagedInstanceCore) instead.',
            ),
            JSON.stringify(stack.warnings),
        );
    });

    it("shows a replacement's property diff and refuses it without --allow-replace", async () => {
        assert.strictEqual((await sb.driver("up", "--env", "dev", "--yes")).code, 0);
        await sb.pulumi("config", "set", "--stack", "dev", "ssm-access:rolePath", "/team/");
        const run = await sb.driver("up", "--env", "dev", "--yes");
        assert.strictEqual(run.code, 1, run.stderr);
        assert.match(
            run.stdout,
            /\+- replace aws:iam\/instanceProfile:InstanceProfile ssm-access-dev-instance-profile\n(?: {8}.*\n)*? {8}path \(forces replacement\): "\/ssm-access\/" => "\/team\/"/,
        );
        assert.match(
            run.stderr,
            /up would replace aws:iam\/role:Role "ssm-access-dev-instance-role" \(running instances using the role lose its permissions and their SSM access\)/,
        );
    });
});

describe("driver: the user's stack files", () => {
    const sb = new Sandbox();
    const other = new Sandbox();
    // Previews only: no AWS call, so no cloud; the stack files stay exactly the user's.
    after(() => Promise.all([sb.cleanup(), other.cleanup()]));
    const prodFile = () => path.join(sb.project, "Pulumi.prod.yaml");

    it("keeps typed values when a new stack gets its salt, and says so once", async () => {
        const before = fs.readFileSync(prodFile(), "utf8");
        assert.match(before, /useManagedUserPolicies: true\n/, "the shipped file is typed");
        const run = await sb.driver("preview", "--env", "prod", "--json");
        assert.strictEqual(run.code, 0, run.stderr);
        const after = fs.readFileSync(prodFile(), "utf8");
        assert.strictEqual(after.slice(0, before.length), before);
        assert.match(after.slice(before.length), /^encryptionsalt: v1:\S+\n$/);
        assert.strictEqual(run.stderr.split("the engine added encryptionsalt").length, 2);
    });

    it("leaves the file untouched once the stack exists", async () => {
        const before = fs.readFileSync(prodFile(), "utf8");
        const run = await sb.driver("preview", "--env", "prod");
        assert.strictEqual(run.code, 0, run.stderr);
        assert.strictEqual(fs.readFileSync(prodFile(), "utf8"), before);
        assert.doesNotMatch(run.stderr, /the engine added/);
    });

    it("runs a team's salted stack file in a sandbox with another passphrase", async () => {
        const teamFile = fs.readFileSync(prodFile(), "utf8");
        fs.writeFileSync(path.join(other.project, "Pulumi.prod.yaml"), sandboxStackFile(teamFile));
        const run = await other.driver("preview", "--env", "prod", "--json");
        assert.strictEqual(run.code, 0, run.stderr);
    });
});

describe("driver: a closed stdout pipe", () => {
    const sb = new Sandbox();
    after(() => sb.cleanup());

    it("exits quietly when the reader goes away (| head)", async () => {
        const plan = sb.spawnDriver("plan");
        plan.stdout!.once("data", () => plan.stdout!.destroy());
        const code = await plan.exited;
        assert.strictEqual(code, 0, plan.output.stderr);
        assert.doesNotMatch(plan.output.stderr, /EPIPE|at \w+ \(/);
    });
});

describe("driver: locks and Ctrl-C", () => {
    const sb = new Sandbox();
    // Held creates keep an update in flight until the test has collided with it or interrupted it.
    const gate = new CreateGate(sb.dir);
    Object.assign(sb.extraEnv, gate.env);
    before(() => sb.startCloud());
    after(() => sb.cleanup());

    it("gives two concurrent ups of one stack one clear 'locked' error and no damage", async () => {
        gate.shut();
        const first = sb.spawnDriver("up", "--env", "dev", "--yes", "--json");
        await until(() => sb.locks("dev").length > 0, "the first up to hold the stack's lock");
        const lockDir = path.dirname(sb.locks("dev")[0]);
        const second = await sb.driver("up", "--env", "dev", "--yes", "--json");
        gate.open();
        const code = await first.exited;
        assert.strictEqual(code, 0, first.output.stderr);
        assert.strictEqual(second.code, 1);
        const [stack] = JSON.parse(second.stdout).stacks;
        assert.match(stack.error, /^Stack "dev" is locked by another update\./);
        assert.ok(
            stack.error.endsWith(`remove the stale lock: rm ${lockDir}/*.json`),
            `names the real lock folder ${lockDir}: ${stack.error}`,
        );
        const preview = await sb.pulumi("preview", "--stack", "dev", "--json");
        assert.deepStrictEqual(
            Object.keys(JSON.parse(preview.stdout).changeSummary),
            ["same"],
            "the first up completed whole",
        );
        assert.deepStrictEqual(sb.locks("dev"), []);
    });

    it("on Ctrl-C stops cleanly: exit 130, no lock, no pending operations after the documented recovery", async () => {
        assert.strictEqual(
            (await sb.driver("destroy", "--env", "dev", "--yes", "--allow-replace")).code,
            0,
        );
        gate.shut();
        const up = sb.spawnDriver("up", "--env", "dev", "--yes", "--json");
        await until(() => creatingAws(sb.state, "dev"), "the up to be creating");
        up.kill("SIGINT");
        // The engine lets the creates in flight finish, then stops: nothing new starts.
        gate.open();
        const code = await up.exited;
        assert.strictEqual(code, 130, up.output.stderr);
        assert.strictEqual(JSON.parse(up.output.stdout).stacks[0].status, "cancelled");
        assert.deepStrictEqual(sb.locks("dev"), [], "the lock was released");
        // Documented recovery (README): refresh, clearing any create the interrupt left pending.
        const refresh = await sb.pulumi(
            "refresh",
            "--yes",
            "--clear-pending-creates",
            "--stack",
            "dev",
        );
        assert.strictEqual(refresh.code, 0, refresh.stderr);
        const state = JSON.parse((await sb.pulumi("stack", "export", "--stack", "dev")).stdout);
        assert.deepStrictEqual(state.deployment.pending_operations ?? [], []);
        const resume = await sb.driver("up", "--env", "dev", "--yes", "--json");
        assert.strictEqual(resume.code, 0, resume.stderr);
    });
});

describe("driver: drift", () => {
    const sb = new Sandbox();
    before(() => sb.startCloud());
    after(() => sb.cleanup());

    it("finds no drift right after up: exit 0", async () => {
        const up = await sb.driver("up", "--env", "dev", "--yes");
        assert.strictEqual(up.code, 0, up.stderr);
        const run = await sb.driver("drift", "--env", "dev");
        assert.strictEqual(run.code, 0, run.stderr);
        assert.match(run.stdout, /dev: no drift/);
    });

    it("finds a key deactivated and a trust policy edited by hand: exit 3, changing nothing", async () => {
        // Out of band, as someone in the console would: through the AWS API, not the stack.
        const client = new Account(sb).iam;
        const resources = await stateOf(sb, "dev");
        const key = resources.find(
            (r) => r.type === "aws:iam/accessKey:AccessKey" && r.inputs.user === "dev-oncall",
        )!;
        await client.send(
            new iam.UpdateAccessKeyCommand({
                UserName: "dev-oncall",
                AccessKeyId: key.id,
                Status: "Inactive",
            }),
        );
        const role = resources.find((r) => r.type === "aws:iam/role:Role")!;
        await client.send(
            new iam.UpdateAssumeRolePolicyCommand({
                RoleName: role.id,
                PolicyDocument: role.inputs.assumeRolePolicy.replace(
                    "ec2.amazonaws.com",
                    "lambda.amazonaws.com",
                ),
            }),
        );
        const before = sb.stateText();
        const run = await sb.driver("drift", "--env", "dev", "--json");
        assert.strictEqual(run.code, 3, run.stderr);
        const [stack] = JSON.parse(run.stdout).stacks;
        const found = stack.resources.map(
            (r: { type: string; properties: { path: string; old: unknown; new: unknown }[] }) => [
                r.type,
                r.properties.map((p) => p.path),
            ],
        );
        assert.deepStrictEqual(found.sort(), [
            ["aws:iam/accessKey:AccessKey", ["status"]],
            ["aws:iam/role:Role", ["assumeRolePolicy"]],
        ]);
        assert.strictEqual(sb.stateText(), before, "a preview-only refresh writes no state");
        for (const secret of sb.issuedSecrets()) {
            assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret));
        }
    });
});
