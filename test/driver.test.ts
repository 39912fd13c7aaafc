import * as assert from "assert";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as openpgp from "openpgp";
import * as os from "os";
import * as path from "path";
import { CliArgs, parseCli } from "../automation/args";
import { CliDeps, EXIT, main } from "../automation/cli";
import {
    Command,
    OpOptions,
    OpResult,
    StackEngine,
    Step,
    emptyChanges,
} from "../automation/stackEngine";
import { guardedSteps } from "../automation/guard";
import { explain } from "../automation/errors";
import { ConfigError } from "../config";
import { ConcurrentUpdateError } from "@pulumi/pulumi/automation";
import { KNOWN_AT_DEPLOY, SECRET, planStack, render } from "../automation/plan";
import { installTestMocks } from "./support/mocks";
import { discoverStacks, selectStacks } from "../automation/stacks";

const ROOT = path.join(__dirname, "..");
const SHIPPED = discoverStacks(ROOT);

class Sink {
    text = "";
    isTTY = false;
    write(chunk: string): boolean {
        this.text += chunk;
        return true;
    }
}

/** A StackEngine that records calls and behaves per stack as the test says. */
class FakeEngine implements StackEngine {
    readonly calls: string[] = [];
    constructor(
        private readonly behaviour: Record<
            string,
            (cmd: Command, opts: OpOptions) => Promise<OpResult>
        > = {},
        private readonly secrets: Record<string, Record<string, unknown>> = {},
    ) {}
    async run(cmd: Command, stack: string, opts: OpOptions): Promise<OpResult> {
        this.calls.push(`${cmd} ${stack}`);
        const b = this.behaviour[stack];
        return b ? b(cmd, opts) : { changes: { ...emptyChanges(), create: 2 }, steps: [] };
    }
    async outputs(stack: string): Promise<Record<string, unknown>> {
        return { stack, secretThing: "[secret]" };
    }
    async secretOutputs(stack: string): Promise<Record<string, unknown>> {
        return this.secrets[stack] ?? {};
    }
}

/** An Automation API error as the SDK builds it from a failed CLI run (its constructor is internal). */
function automationError(
    kind: typeof ConcurrentUpdateError,
    stderr: string,
): InstanceType<typeof ConcurrentUpdateError> {
    const Kind = kind as unknown as new (r: {
        stdout: string;
        stderr: string;
        code: number;
    }) => ConcurrentUpdateError;
    return new Kind({ stdout: "", stderr, code: 255 });
}

function deps(
    engine: StackEngine,
    extra: Partial<CliDeps> = {},
): CliDeps & { out: Sink; err: Sink } {
    const out = new Sink();
    const err = new Sink();
    return {
        projectDir: ROOT,
        stdout: out,
        stderr: err,
        stdinIsTTY: false,
        engine: (_args: CliArgs) => engine,
        checkConfig: async () => undefined,
        confirm: async () => false,
        signal: new AbortController().signal,
        out,
        err,
        ...extra,
    };
}

describe("driver: arguments", () => {
    it("defaults to plan, all stacks, 4 in parallel", () => {
        const a = parseCli([]);
        assert.deepStrictEqual(
            [a.command, a.env, a.parallel, a.json, a.yes],
            ["plan", undefined, 4, false, false],
        );
    });

    it("rejects an unknown command, naming the commands", () => {
        assert.throws(
            () => parseCli(["deploy"]),
            /unknown command "deploy"; commands: plan, preview, up, refresh, destroy, outputs, export-keys/,
        );
    });

    it("rejects a bad --parallel, naming the flag and value", () => {
        assert.throws(
            () => parseCli(["up", "--parallel", "zero"]),
            /--parallel "zero": give a whole number from 1 to 64/,
        );
    });

    it("needs one stack, --out and a recipient or --plaintext for export-keys", () => {
        assert.throws(
            () => parseCli(["export-keys", "--out", "x", "--plaintext"]),
            /name exactly one stack with --env STACK/,
        );
        assert.throws(() => parseCli(["export-keys", "--env", "dev", "--plaintext"]), /--out DIR/);
        assert.throws(
            () => parseCli(["export-keys", "--env", "dev", "--out", "x"]),
            /--recipient FILE/,
        );
        assert.strictEqual(
            parseCli(["export-keys", "--env", "dev", "--out", "x", "--plaintext"]).plaintext,
            true,
        );
    });
});

describe("driver: stack discovery", () => {
    it("finds every shipped Pulumi.<stack>.yaml", () => {
        assert.deepStrictEqual(SHIPPED, ["dev", "prod", "staging"]);
    });

    it("selects named stacks and lists the known ones for an unknown name", () => {
        assert.deepStrictEqual(selectStacks(SHIPPED, "staging,dev"), ["staging", "dev"]);
        assert.throws(
            () => selectStacks(SHIPPED, "dev,qa"),
            /--env: unknown stack "qa"; known stacks: dev, prod, staging/,
        );
    });
});

describe("driver: replacement guard", () => {
    const step = (op: string, type: string, name: string): Step => ({
        op,
        type,
        urn: `urn:pulumi:dev::ssm-access::${type}::${name}`,
    });

    it("names each replaced or deleted key, user and instance once, whatever its other steps", () => {
        const steps = [
            step("replace", "aws:iam/accessKey:AccessKey", "key-a"),
            step("delete", "aws:iam/user:User", "bob"),
            step("create-replacement", "aws:ec2/instance:Instance", "web"),
            step("update", "aws:iam/user:User", "carol"),
            step("replace", "aws:iam/role:Role", "role"),
            step("create", "aws:iam/accessKey:AccessKey", "key-b"),
            step("same", "aws:iam/user:User", "dave"),
            step("delete-replaced", "aws:iam/user:User", "dave"),
            step("delete-replaced", "aws:iam/accessKey:AccessKey", "key-a"),
        ];
        assert.deepStrictEqual(
            guardedSteps(steps).map((s) => s.urn.split("::").pop()),
            ["key-a", "bob", "web", "dave"],
        );
    });
});

describe("driver: masking and plan rendering", () => {
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

    describe("plan (the real program under mocks, in this process)", () => {
        after(installTestMocks);

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
                const role = s.resources.find(
                    (r: { type: string }) => r.type === "aws:iam/role:Role",
                );
                assert.strictEqual(
                    typeof role.inputs.assumeRolePolicy,
                    "object",
                    "policy documents are parsed JSON",
                );
            }
        });

        it("marks what only AWS can answer as a deploy-time lookup, never inventing it", async () => {
            const plan = await planStack(ROOT, "dev");
            const key = plan.resources.find((r) => r.type === "aws:iam/accessKey:AccessKey")!;
            assert.strictEqual(key.inputs.user, "dev-admin", "inputs known from config are shown");
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
});

describe("driver: plan of a stack with a secret setting", () => {
    it("takes a secure value as unset and says so, instead of validating the placeholder", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-access-plan-"));
        fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        fs.writeFileSync(
            path.join(dir, "Pulumi.s.yaml"),
            "config:\n  aws:region: us-east-1\n  ssm-access:logGroupName:\n    secure: AAABAJ0gZm9v\n",
        );
        const plan = await planStack(dir, "s");
        installTestMocks();
        assert.strictEqual(plan.error, undefined);
        assert.deepStrictEqual(plan.notes, [
            "ssm-access:logGroupName is set as a secret: its value is not in the stack file, so the plan takes it as unset; preview checks it",
        ]);
    });
});

describe("driver: runs, exit codes and JSON", () => {
    it("runs every stack, exits 1 when one fails, and keeps the others going", async () => {
        const engine = new FakeEngine({
            staging: async () => Promise.reject(new Error("error: boom in staging")),
        });
        const d = deps(engine);
        const code = await main(["preview", "--json"], d);
        assert.strictEqual(code, EXIT.failed);
        assert.deepStrictEqual(engine.calls.sort(), [
            "preview dev",
            "preview prod",
            "preview staging",
        ]);
        const doc = JSON.parse(d.out.text);
        assert.deepStrictEqual(
            doc.stacks.map((s: { stack: string; status: string; error?: string }) => [
                s.stack,
                s.status,
                s.error,
            ]),
            [
                ["dev", "succeeded", undefined],
                ["prod", "succeeded", undefined],
                ["staging", "failed", "boom in staging"],
            ],
        );
        assert.deepStrictEqual(doc.stacks[0].changes, {
            create: 2,
            update: 0,
            delete: 0,
            replace: 0,
            same: 0,
        });
        assert.match(
            d.err.text,
            /stack\s+status\s+create/,
            "progress and the summary go to stderr",
        );
    });

    it("stops queued stacks after the first failure with --fail-fast", async () => {
        const engine = new FakeEngine({
            dev: async () => Promise.reject(new Error("error: dev broke")),
        });
        const d = deps(engine);
        const code = await main(["preview", "--json", "--parallel", "1", "--fail-fast"], d);
        assert.strictEqual(code, EXIT.failed);
        assert.deepStrictEqual(
            JSON.parse(d.out.text).stacks.map((s: { status: string }) => s.status),
            ["failed", "skipped", "skipped"],
        );
        assert.deepStrictEqual(engine.calls, ["preview dev"]);
    });

    it("needs --yes for up when stdin is not a terminal, touching nothing", async () => {
        const engine = new FakeEngine();
        const d = deps(engine);
        assert.strictEqual(await main(["up", "--env", "dev"], d), EXIT.usage);
        assert.match(d.err.text, /up changes infrastructure: pass --yes/);
        assert.deepStrictEqual(engine.calls, []);
    });

    it("refuses an up whose preview replaces an access key, naming it, and applies nothing", async () => {
        const risky: Step = {
            op: "replace",
            type: "aws:iam/accessKey:AccessKey",
            urn: "urn:pulumi:dev::ssm-access::aws:iam/accessKey:AccessKey::key-alice",
        };
        const engine = new FakeEngine({
            dev: async (cmd) => ({
                changes: emptyChanges(),
                steps: cmd === "preview" ? [risky] : [],
            }),
        });
        const d = deps(engine);
        assert.strictEqual(await main(["up", "--env", "dev", "--yes", "--json"], d), EXIT.failed);
        assert.deepStrictEqual(engine.calls, ["preview dev"]);
        assert.match(
            JSON.parse(d.out.text).stacks[0].error,
            /up would replace aws:iam\/accessKey:AccessKey "key-alice"; nothing was changed/,
        );
        const allowed = new FakeEngine({
            dev: async (cmd) => ({
                changes: emptyChanges(),
                steps: cmd === "preview" ? [risky] : [],
            }),
        });
        assert.strictEqual(
            await main(["up", "--env", "dev", "--yes", "--allow-replace"], deps(allowed)),
            EXIT.ok,
        );
        assert.deepStrictEqual(allowed.calls, ["preview dev", "up dev"]);
    });

    it("cancels running stacks on Ctrl-C, skips queued ones and exits 130", async () => {
        const cancel = new AbortController();
        const engine = new FakeEngine({
            dev: (_cmd, opts) =>
                new Promise((_, reject) => {
                    opts.signal.addEventListener("abort", () =>
                        reject(new Error("update canceled")),
                    );
                    setTimeout(() => cancel.abort(), 10);
                }),
        });
        const d = deps(engine, { signal: cancel.signal });
        const code = await main(["preview", "--parallel", "1", "--json"], d);
        assert.strictEqual(code, EXIT.cancelled);
        assert.deepStrictEqual(
            JSON.parse(d.out.text).stacks.map((s: { status: string }) => s.status),
            ["cancelled", "skipped", "skipped"],
        );
    });

    it("prints outputs as the engine masked them", async () => {
        const d = deps(new FakeEngine());
        assert.strictEqual(await main(["outputs", "--env", "dev", "--json"], d), EXIT.ok);
        assert.deepStrictEqual(JSON.parse(d.out.text), {
            stacks: [{ stack: "dev", outputs: { stack: "dev", secretThing: "[secret]" } }],
        });
    });
});

describe("driver: errors in plain language", () => {
    it("explains a lock, a missing passphrase, a missing CLI and a config error", () => {
        assert.match(
            explain(automationError(ConcurrentUpdateError, "conflict"), "dev"),
            /^Stack "dev" is locked by another update\..*remove the stale lock/,
        );
        assert.match(
            explain(
                new Error("error: passphrase must be set with PULUMI_CONFIG_PASSPHRASE"),
                "dev",
            ),
            /set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE/,
        );
        assert.match(
            explain(new Error("spawn pulumi ENOENT"), "dev"),
            /Pulumi CLI was not found on PATH\. Run scripts\/install-pulumi.sh/,
        );
        assert.strictEqual(
            explain(
                new ConfigError("dev", ['ssm-access:instanceMode = "x": must be one of ...']),
                "dev",
            ),
            'Invalid configuration for stack "dev":\n  - ssm-access:instanceMode = "x": must be one of ...',
        );
    });
});

describe("driver: export-keys", () => {
    const SECRET_VALUE = randomBytes(30).toString("base64");
    const outputs = {
        dev: {
            runCommandUsers: {
                alice: {
                    accessKeys: {
                        "2026-11": { accessKeyId: "AKIAEXAMPLE0000001", secret: SECRET_VALUE },
                    },
                },
                rita: { accessKeys: {} },
            },
        },
    };
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-access-export-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("encrypts each user's keys to the recipient; the private key decrypts them back", async () => {
        const { publicKey, privateKey } = await openpgp.generateKey({
            userIDs: [{ name: "ops" }],
            type: "curve25519",
            format: "armored",
        });
        fs.writeFileSync(path.join(dir, "ops.pub.asc"), publicKey);
        const d = deps(new FakeEngine({}, outputs));
        const code = await main(
            [
                "export-keys",
                "--env",
                "dev",
                "--out",
                path.join(dir, "out"),
                "--recipient",
                path.join(dir, "ops.pub.asc"),
            ],
            d,
        );
        assert.strictEqual(code, EXIT.ok);
        const file = path.join(dir, "out", "dev-alice.asc");
        const armored = fs.readFileSync(file, "utf8");
        assert.match(armored, /^-----BEGIN PGP MESSAGE-----/);
        assert.ok(!armored.includes(SECRET_VALUE));
        const { data } = await openpgp.decrypt({
            message: await openpgp.readMessage({ armoredMessage: armored }),
            decryptionKeys: await openpgp.readPrivateKey({ armoredKey: privateKey }),
        });
        assert.strictEqual(
            data,
            `[dev-alice-2026-11]\naws_access_key_id = AKIAEXAMPLE0000001\naws_secret_access_key = ${SECRET_VALUE}\n`,
        );
        assert.ok(
            !d.out.text.includes(SECRET_VALUE) && !d.err.text.includes(SECRET_VALUE),
            "nothing secret on stdout or stderr",
        );
        assert.deepStrictEqual(fs.readdirSync(path.join(dir, "out")), ["dev-alice.asc"]);
    });

    it("writes a plaintext credentials file only with --plaintext, mode 0600, never to stdout", async () => {
        const d = deps(new FakeEngine({}, outputs));
        assert.strictEqual(
            await main(["export-keys", "--env", "dev", "--out", dir, "--plaintext", "--json"], d),
            EXIT.ok,
        );
        const file = path.join(dir, "dev-credentials");
        assert.strictEqual(fs.statSync(file).mode & 0o777, 0o600);
        assert.ok(
            fs.readFileSync(file, "utf8").includes(`aws_secret_access_key = ${SECRET_VALUE}`),
        );
        assert.ok(!d.out.text.includes(SECRET_VALUE) && !d.err.text.includes(SECRET_VALUE));
        assert.deepStrictEqual(JSON.parse(d.out.text), {
            stack: "dev",
            files: [{ user: "alice", path: file, format: "aws-credentials" }],
        });
    });

    it("refuses a private key as recipient", async () => {
        const { privateKey } = await openpgp.generateKey({
            userIDs: [{ name: "ops" }],
            type: "curve25519",
            format: "armored",
        });
        fs.writeFileSync(path.join(dir, "key.asc"), privateKey);
        const d = deps(new FakeEngine({}, outputs));
        assert.strictEqual(
            await main(
                [
                    "export-keys",
                    "--env",
                    "dev",
                    "--out",
                    dir,
                    "--recipient",
                    path.join(dir, "key.asc"),
                ],
                d,
            ),
            EXIT.failed,
        );
        assert.match(d.err.text, /--recipient: that is a private key/);
    });
});
