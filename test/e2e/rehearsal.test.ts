/**
 * `--emulator`: a stack's lifecycle rehearsed on the real engine against an emulator (a moto
 * server), in a backend of its own, leaving the user's stack files and backend untouched.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Sandbox } from "../../scripts/sandbox";
import { Moto, startMoto } from "../support/moto";

/** Every file under `dir` with its content: a folder's exact state. */
function snapshot(dir: string): Record<string, string> {
    const files: Record<string, string> = {};
    const walk = (d: string) => {
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
            const p = path.join(d, e.name);
            if (e.isDirectory()) {
                walk(p);
            } else {
                files[path.relative(dir, p)] = fs.readFileSync(p, "utf8");
            }
        }
    };
    walk(dir);
    return files;
}

function stackFiles(project: string): Record<string, string> {
    return Object.fromEntries(
        fs
            .readdirSync(project)
            .filter((f) => /^Pulumi\..+\.yaml$/.test(f))
            .map((f) => [f, fs.readFileSync(path.join(project, f), "utf8")]),
    );
}

/** A value the engine keeps as text when it is JSON (provider inputs), parsed. */
function parsed(value: unknown): unknown {
    return typeof value === "string" && /^[[{]|^(true|false)$/.test(value)
        ? JSON.parse(value)
        : value;
}

describe("rehearsal: up --emulator on the real engine", () => {
    const sb = new Sandbox();
    let moto: Moto;
    let userFiles: Record<string, string>;
    let userState: Record<string, string>;
    const rehearsal = () => path.join(sb.project, ".pulumi-rehearsal");

    before(async () => {
        moto = await startMoto();
        userFiles = stackFiles(sb.project);
        userState = snapshot(sb.state);
    });
    after(async () => {
        await moto?.stop();
        await sb.cleanup();
    });

    /** `pulumi` on the rehearsal's own backend, as a user would inspect it. */
    async function rehearsalPulumi(...args: string[]) {
        const saved = { ...sb.extraEnv };
        Object.assign(sb.extraEnv, {
            PULUMI_BACKEND_URL: `file://${path.join(rehearsal(), "state")}`,
            PULUMI_CONFIG_PASSPHRASE: "rehearsal",
        });
        try {
            return await sb.pulumiAt(path.join(rehearsal(), "work"), ...args);
        } finally {
            sb.extraEnv = saved;
        }
    }

    it("brings dev up and names the rehearsal's backend and passphrase", async () => {
        const run = await sb.driver("up", "--env", "dev", "--emulator", moto.endpoint, "--yes");
        assert.strictEqual(run.code, 0, run.stderr);
        assert.ok(
            run.stderr.startsWith(
                `Rehearsal on the emulator ${moto.endpoint} with dummy credentials: state in ${path.join(rehearsal(), "state")} (passphrase "rehearsal")`,
            ),
            run.stderr,
        );
    });

    it("gives the default aws provider in the rehearsal's state the emulator settings", async () => {
        const exported = await rehearsalPulumi("stack", "export", "--stack", "dev");
        assert.strictEqual(exported.code, 0, exported.stderr);
        const providers = (
            JSON.parse(exported.stdout).deployment.resources as {
                type: string;
                urn: string;
                inputs: Record<string, unknown>;
            }[]
        ).filter((r) => r.type === "pulumi:providers:aws" && r.urn.includes("::default"));
        assert.strictEqual(providers.length, 1);
        const inputs = providers[0].inputs;
        const e = moto.endpoint;
        assert.deepStrictEqual(
            Object.fromEntries(
                [
                    "endpoints",
                    "skipCredentialsValidation",
                    "skipRequestingAccountId",
                    "skipMetadataApiCheck",
                    "s3UsePathStyle",
                    "region",
                    "accessKey",
                    "secretKey",
                ].map((k) => [k, parsed(inputs[k])]),
            ),
            {
                endpoints: [{ ec2: e, iam: e, kms: e, ssm: e, sts: e }],
                skipCredentialsValidation: true,
                skipRequestingAccountId: true,
                skipMetadataApiCheck: true,
                s3UsePathStyle: true,
                region: "us-east-1",
                accessKey: "testing",
                secretKey: "testing",
            },
        );
    });

    it("shows the rehearsal's outputs", async () => {
        const run = await sb.driver(
            "outputs",
            "--env",
            "dev",
            "--emulator",
            moto.endpoint,
            "--json",
        );
        assert.strictEqual(run.code, 0, run.stderr);
        assert.match(
            JSON.parse(run.stdout).stacks[0].outputs.instanceProfileName,
            /^ssm-access-dev-/,
        );
    });

    it("destroys the rehearsal's dev stack", async () => {
        const run = await sb.driver(
            "destroy",
            "--env",
            "dev",
            "--emulator",
            moto.endpoint,
            "--yes",
            "--allow-replace",
            "--json",
        );
        assert.strictEqual(run.code, 0, run.stderr);
        const exported = JSON.parse(
            (await rehearsalPulumi("stack", "export", "--stack", "dev")).stdout,
        );
        assert.deepStrictEqual(exported.deployment.resources ?? [], []);
    });

    it("leaves the user's stack files and normal backend as they were", () => {
        assert.deepStrictEqual(
            [stackFiles(sb.project), snapshot(sb.state)],
            [userFiles, userState],
        );
    });
});
