/**
 * The real Pulumi engine, offline: the CLI built by scripts/install-pulumi.sh, the test language
 * host, and the stand-in aws provider (test/support) calling a moto server. Each describe block
 * has its own sandbox: Pulumi home, file backend, passphrase and moto server.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Sandbox } from "../../scripts/sandbox";
import { Account, stateOf } from "../support/account";

describe("the program through the real engine (dev stack)", () => {
    const sb = new Sandbox();
    before(() => sb.startCloud());
    after(() => sb.cleanup());

    it("previews creates, applies them, then previews and refreshes with no changes", async () => {
        const init = await sb.pulumi("stack", "init", "dev");
        assert.strictEqual(init.code, 0, init.stderr);
        const preview = await sb.pulumi("preview", "--stack", "dev", "--json");
        assert.strictEqual(preview.code, 0, preview.stderr);
        const planned = JSON.parse(preview.stdout).changeSummary;
        assert.ok(planned.create >= 20, `creates planned: ${JSON.stringify(planned)}`);
        assert.deepStrictEqual(
            sb.calls().filter((c) => c.method === "create"),
            [],
            "preview creates nothing",
        );

        const up = await sb.pulumi("up", "--yes", "--stack", "dev");
        assert.strictEqual(up.code, 0, up.stderr + up.stdout);
        const state = JSON.parse((await sb.pulumi("stack", "export", "--stack", "dev")).stdout);
        const custom = state.deployment.resources.filter(
            (r: { custom: boolean; type: string }) =>
                r.custom && !r.type.startsWith("pulumi:providers:"),
        );
        assert.strictEqual(
            sb.calls().filter((c) => c.method === "create").length,
            custom.length,
            "one provider create per resource",
        );

        await new Account(sb).assertMatches(await stateOf(sb, "dev"), "us-east-1");

        const again = await sb.pulumi("preview", "--stack", "dev", "--json");
        assert.deepStrictEqual(
            Object.keys(JSON.parse(again.stdout).changeSummary),
            ["same"],
            "second preview: no changes",
        );
        const refresh = await sb.pulumi("refresh", "--yes", "--stack", "dev", "--json");
        assert.strictEqual(refresh.code, 0, refresh.stderr);
        const afterRefresh = await sb.pulumi("preview", "--stack", "dev", "--json");
        assert.deepStrictEqual(
            Object.keys(JSON.parse(afterRefresh.stdout).changeSummary),
            ["same"],
            "refresh changed nothing",
        );
    });

    it("never stores, prints or exports an access key secret in plaintext", async () => {
        const secrets = sb.issuedSecrets();
        assert.strictEqual(secrets.length, 4, "the dev stack's two keys and their SMTP passwords");
        const exported = await sb.pulumi("stack", "export", "--stack", "dev");
        const outputs = await sb.pulumi("stack", "output", "--json", "--stack", "dev");
        const driver = await sb.driver("outputs", "--env", "dev", "--json");
        assert.strictEqual(driver.code, 0, driver.stderr);
        for (const secret of secrets) {
            for (const [where, text] of [
                ["stack export", exported.stdout],
                ["state files", sb.stateText()],
                ["stack output", outputs.stdout],
                ["driver stdout", driver.stdout],
                ["driver stderr", driver.stderr],
            ]) {
                assert.ok(!text.includes(secret), `the secret appears in ${where}`);
            }
        }
        const users = JSON.parse(driver.stdout).stacks[0].outputs.runCommandUsers;
        assert.strictEqual(users["dev-admin"].accessKeys["2026-11"].secret, "[secret]");
        const keys = (await new Account(sb).user("dev-admin")).keys;
        assert.deepStrictEqual(
            keys.map((k) => k.id),
            [users["dev-admin"].accessKeys["2026-11"].accessKeyId],
            "the output names the key IAM holds",
        );
        const state = JSON.parse(exported.stdout);
        const key = state.deployment.resources.find(
            (r: { type: string }) => r.type === "aws:iam/accessKey:AccessKey",
        );
        assert.ok(key.outputs.secret.ciphertext, "the key's secret output is encrypted in state");
    });

    it("destroys everything, leaving an empty stack", async () => {
        const destroy = await sb.pulumi("destroy", "--yes", "--stack", "dev");
        assert.strictEqual(destroy.code, 0, destroy.stderr);
        const state = JSON.parse((await sb.pulumi("stack", "export", "--stack", "dev")).stdout);
        assert.deepStrictEqual(state.deployment.resources ?? [], []);
        assert.deepStrictEqual(
            await new Account(sb).names(),
            { roles: [], users: [], groups: [], policies: [], instanceProfiles: [] },
            "the account holds no IAM entity any more",
        );
        assert.strictEqual(
            await new Account(sb).document("us-east-1", "RestartWebService"),
            undefined,
            "the document is gone",
        );
    });
});

describe("bad input through the real engine", () => {
    const sb = new Sandbox();
    before(() => sb.startCloud());
    after(() => sb.cleanup());

    it("rejects a config value of the wrong type from the Pulumi.yaml declarations", async () => {
        assert.strictEqual((await sb.pulumi("stack", "init", "dev")).code, 0);
        await sb.pulumi(
            "config",
            "set",
            "--stack",
            "dev",
            "ssm-access:defaultHostManagement",
            "maybe",
        );
        const preview = await sb.pulumi("preview", "--stack", "dev");
        assert.notStrictEqual(preview.code, 0);
        assert.match(preview.stdout + preview.stderr, /defaultHostManagement.*(boolean|type)/i);
        // The driver checks the stack file itself before it starts the engine.
        const run = await sb.driver("preview", "--env", "dev", "--json");
        assert.strictEqual(run.code, 1);
        assert.strictEqual(
            JSON.parse(run.stdout).stacks[0].error,
            'Invalid configuration for stack "dev":\n  - ssm-access:defaultHostManagement = "maybe": must be true or false',
        );
    });

    it("reports a bad secret value found by the program, typed and masked", async () => {
        await sb.pulumi("config", "rm", "--stack", "dev", "ssm-access:defaultHostManagement");
        const plaintext = "not a log group!";
        await sb.pulumi(
            "config",
            "set",
            "--secret",
            "--stack",
            "dev",
            "ssm-access:logGroupName",
            plaintext,
        );
        try {
            // Only the program can read the value: the driver's own check leaves this stack to it.
            const run = await sb.driver("preview", "--env", "dev", "--json");
            assert.strictEqual(run.code, 1, run.stderr);
            assert.strictEqual(
                JSON.parse(run.stdout).stacks[0].error,
                'Invalid configuration for stack "dev":\n  - ssm-access:logGroupName = [secret]: must be a log group name: 1-512 of letters, digits and ._-/#',
            );
            assert.ok(!(run.stdout + run.stderr).includes(plaintext), "the secret is never shown");
        } finally {
            await sb.pulumi("config", "rm", "--stack", "dev", "ssm-access:logGroupName");
        }
    });

    it("surfaces the program's validation error in the driver as one clear line", async () => {
        await sb.pulumi("config", "rm", "--stack", "dev", "ssm-access:defaultHostManagement");
        await sb.pulumi("config", "set", "--stack", "dev", "ssm-access:instanceMode", "admin");
        const run = await sb.driver("preview", "--env", "dev", "--json");
        assert.strictEqual(run.code, 1);
        const [stack] = JSON.parse(run.stdout).stacks;
        assert.strictEqual(stack.status, "failed");
        assert.strictEqual(
            stack.error,
            'Invalid configuration for stack "dev":\n  - ssm-access:instanceMode = "admin": must be one of "managed", "guide", "legacy-managed", "none"',
        );
        assert.ok(!/at \w+ \(/.test(run.stderr), "no stack trace without --verbose");
    });

    it("gives plain `pulumi preview` the program's config error alone, with no promise warning", async () => {
        // instanceMode is still "admin" from the test before. The CLI prints the program's
        // diagnostics on stdout; the node process's own warnings would land there too.
        const preview = await sb.pulumi("preview", "--stack", "dev");
        assert.strictEqual(preview.code, 1, preview.stderr);
        const output = preview.stdout + preview.stderr;
        assert.doesNotMatch(output, /PromiseRejectionHandledWarning|UnhandledPromiseRejection/);
        const diagnostics = /\nDiagnostics:\n([\s\S]*?)\n\S/.exec(preview.stdout)?.[1];
        assert.strictEqual(
            diagnostics?.trimEnd(),
            [
                "  pulumi:pulumi:Stack (ssm-access-dev):",
                '    error: Invalid configuration for stack "dev" (1 problem):',
                '      - ssm-access:instanceMode = "admin": must be one of "managed", "guide", "legacy-managed", "none"',
            ].join("\n"),
        );
    });

    it("fails the stack in seconds, not never, when a lookup feeding a resource fails", async () => {
        await sb.pulumi("config", "rm", "--stack", "dev", "ssm-access:instanceMode");
        await sb.pulumi(
            "config",
            "set",
            "--stack",
            "dev",
            "ssm-access:existingRoleName",
            "NoSuchRole",
        );
        try {
            const started = Date.now();
            const run = await sb.driver("preview", "--env", "dev", "--json");
            assert.strictEqual(run.code, 1, run.stderr);
            assert.ok(Date.now() - started < 60_000, "the driver did not wait for ever");
            assert.match(
                JSON.parse(run.stdout).stacks[0].error,
                /^Stack "dev": the program failed: Invoke of 'aws:iam\/getRole:getRole' failed: NoSuchEntity: .*\bNoSuchRole\b/,
            );
        } finally {
            await sb.pulumi("config", "rm", "--stack", "dev", "ssm-access:existingRoleName");
        }
    });

    it("reports a program that fails to load as its stack's failure, without crashing", async () => {
        await sb.pulumi("config", "rm", "--stack", "dev", "ssm-access:instanceMode");
        const programFile = path.join(sb.project, "program.ts");
        const program = fs.readFileSync(programFile, "utf8");
        fs.writeFileSync(programFile, `${program}\nconst broken: = 1;\n`);
        try {
            const run = await sb.driver("preview", "--env", "dev", "--json");
            assert.strictEqual(run.code, 1, run.stderr);
            const [stack] = JSON.parse(run.stdout).stacks;
            assert.strictEqual(stack.status, "failed");
            assert.match(stack.error, /Unexpected token/);
        } finally {
            fs.writeFileSync(programFile, program);
        }
    });
});
