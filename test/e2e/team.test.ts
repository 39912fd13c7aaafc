/**
 * A team's set-up for real: Pulumi state in S3 (moto's S3, a third-party model of AWS), stacks run
 * by separate machines and CI jobs. Assertions read the driver's outputs, exit codes and stderr,
 * and the bucket itself, never the stand-in provider's notes.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import {
    CreateBucketCommand,
    GetObjectCommand,
    ListObjectsV2Command,
    S3Client,
} from "@aws-sdk/client-s3";
import { Sandbox } from "../../scripts/sandbox";
import { CreateGate, until } from "../support/inFlight";
import { Moto } from "../support/moto";

// This process reads the bucket with the AWS SDK: keep its Node 20 notice out of the test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const BUCKET = "team-state";
const REGION = "us-east-1";

/**
 * The backend URL a team uses with an S3-compatible server: `endpoint` with an http:// scheme
 * (plain HTTP), `use_path_style` (moto on 127.0.0.1 has no bucket.host names), `region` (options
 * of gocloud.dev's s3blob opener, which the Pulumi CLI v3.274.1 uses; automation/backend.ts cites
 * them).
 */
function backendUrl(moto: Moto): string {
    return `s3://${BUCKET}?endpoint=${moto.endpoint}&region=${REGION}&use_path_style=true`;
}

/** One machine (or CI job) of the team: its own work folder and Pulumi home, the shared bucket. */
function onTeamBackend(sb: Sandbox, moto: Moto, passphrase: string): void {
    Object.assign(sb.extraEnv, {
        PULUMI_BACKEND_URL: backendUrl(moto),
        PULUMI_CONFIG_PASSPHRASE: passphrase,
        AWS_ACCESS_KEY_ID: "testing",
        AWS_SECRET_ACCESS_KEY: "testing",
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    });
}

/** The sandbox's moto server (its cloud) with the team's state bucket in its S3. */
async function startTeamBucket(sb: Sandbox): Promise<{ moto: Moto; s3: S3Client }> {
    const moto = await sb.startCloud();
    const s3 = new S3Client({
        endpoint: moto.endpoint,
        region: REGION,
        forcePathStyle: true,
        credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    return { moto, s3 };
}

async function keys(s3: S3Client, prefix: string): Promise<string[]> {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
    return (listed.Contents ?? []).map((o) => o.Key!).sort();
}

interface Checkpoint {
    checkpoint: { latest?: { resources?: { urn: string; custom?: boolean }[] } };
}

/** A stack's checkpoint as the bucket holds it (the DIY backend's project layout). */
async function checkpoint(s3: S3Client, stack: string): Promise<Checkpoint> {
    const object = await s3.send(
        new GetObjectCommand({ Bucket: BUCKET, Key: `.pulumi/stacks/ssm-access/${stack}.json` }),
    );
    return JSON.parse(await object.Body!.transformToString()) as Checkpoint;
}

function customNames(cp: Checkpoint): string[] {
    return (cp.checkpoint.latest?.resources ?? [])
        .filter((r) => r.custom && !r.urn.includes("::pulumi:providers:"))
        .map((r) => r.urn.split("::").pop()!);
}

describe("team: one stack's whole lifecycle on an S3 backend", () => {
    const sb = new Sandbox();
    let moto: Moto;
    let s3: S3Client;
    before(async () => {
        ({ moto, s3 } = await startTeamBucket(sb));
        onTeamBackend(sb, moto, sb.passphrase);
    });
    after(() => sb.cleanup());

    it("refuses a misspelt backend option in one line, exit 2, before the engine starts", async () => {
        const url = `s3://${BUCKET}?endpoint=${moto.endpoint}&usePathStyle=true`;
        const run = await sb.driver("preview", "--env", "dev", "--backend", url);
        assert.strictEqual(run.code, 2, run.stderr);
        assert.match(
            run.stderr,
            /^error: --backend "s3:\/\/team-state\?[^"]*": the Pulumi CLI does not know the option "usePathStyle" \(did you mean "use_path_style"\?\)/,
        );
        assert.deepStrictEqual(await keys(s3, ""), [], "nothing was written to the bucket");
    });

    it("previews dev, creating the stack in the bucket", async () => {
        const run = await sb.driver("preview", "--env", "dev", "--json");
        assert.strictEqual(run.code, 0, run.stderr);
        assert.ok(
            (await keys(s3, ".pulumi/stacks/")).includes(".pulumi/stacks/ssm-access/dev.json"),
        );
    });

    it("brings dev up: the bucket's checkpoint holds its resources and no lock is left", async () => {
        const run = await sb.driver("up", "--env", "dev", "--yes", "--json");
        assert.strictEqual(run.code, 0, run.stderr);
        const names = customNames(await checkpoint(s3, "dev"));
        assert.ok(names.length > 10, names.join(", "));
        assert.ok(
            names.every((n) => n.startsWith("ssm-access-dev-")),
            names.join(", "),
        );
        assert.deepStrictEqual(await keys(s3, ".pulumi/locks/"), []);
    });

    it("reads dev's outputs from the bucket's state", async () => {
        const run = await sb.driver("outputs", "--env", "dev", "--json");
        assert.strictEqual(run.code, 0, run.stderr);
        const [stack] = JSON.parse(run.stdout).stacks;
        assert.match(stack.outputs.instanceProfileName, /^ssm-access-dev-/);
    });

    it("destroys dev, leaving its checkpoint in the bucket with no resources", async () => {
        const run = await sb.driver(
            "destroy",
            "--env",
            "dev",
            "--yes",
            "--allow-replace",
            "--json",
        );
        assert.strictEqual(run.code, 0, run.stderr);
        assert.deepStrictEqual(customNames(await checkpoint(s3, "dev")), []);
        assert.deepStrictEqual(await keys(s3, ".pulumi/locks/"), []);
    });
});

describe("team: two machines run up on one stack in the S3 backend", () => {
    // Two work folders and Pulumi homes, as two machines or CI runners would have; one cloud.
    const first = new Sandbox();
    const second = new Sandbox();
    const passphrase = first.passphrase;
    const gate = new CreateGate(first.dir);
    let moto: Moto;
    let s3: S3Client;
    before(async () => {
        ({ moto, s3 } = await startTeamBucket(first));
        second.useCloud(moto);
        for (const sb of [first, second]) {
            onTeamBackend(sb, moto, passphrase);
            // One account: what moto lacks (notInMoto.ts) is kept in the first machine's folder.
            sb.extraEnv.SSM_ACCESS_STANDIN_DIR = first.cloud;
        }
        // Held creates keep the first machine's update in flight until the second collided with it.
        Object.assign(first.extraEnv, gate.env);
    });
    after(() => Promise.all([first.cleanup(), second.cleanup()]));

    it("gives the second one clear 'locked' error naming the holder, and does no damage", async () => {
        // The stack exists and its salted stack file is committed: both machines have it.
        assert.strictEqual((await first.driver("preview", "--env", "dev")).code, 0);
        fs.copyFileSync(
            path.join(first.project, "Pulumi.dev.yaml"),
            path.join(second.project, "Pulumi.dev.yaml"),
        );
        gate.shut();
        const up = first.spawnDriver("up", "--env", "dev", "--yes", "--json");
        await until(
            async () => (await keys(s3, ".pulumi/locks/")).length > 0,
            "the first machine to hold the stack's lock",
        );
        const locked = await second.driver("up", "--env", "dev", "--yes", "--json");
        gate.open();
        assert.strictEqual(await up.exited, 0, up.output.stderr);
        assert.strictEqual(locked.code, 1, locked.stderr);
        const [stack] = JSON.parse(locked.stdout).stacks;
        assert.match(
            stack.error,
            /^Stack "dev" is locked by another update\. Its lock was taken by \S+@\S+ \(pid \d+\) at \S+\. Wait for it to finish\./,
        );
        assert.ok(
            stack.error.endsWith(
                `PULUMI_BACKEND_URL=${backendUrl(moto)} pulumi cancel --yes --stack dev`,
            ),
            stack.error,
        );
        // No damage: the first update completed whole, and the second machine sees exactly it.
        const after = await second.driver("preview", "--env", "dev", "--json");
        assert.strictEqual(after.code, 0, after.stderr);
        const { changes } = JSON.parse(after.stdout).stacks[0];
        assert.deepStrictEqual(
            { create: changes.create, update: changes.update, delete: changes.delete },
            { create: 0, update: 0, delete: 0 },
        );
        assert.ok(changes.same > 10);
        assert.deepStrictEqual(await keys(s3, ".pulumi/locks/"), []);
    });
});

describe("team: three stacks in parallel on the S3 backend", () => {
    const sb = new Sandbox();
    let moto: Moto;
    let s3: S3Client;
    before(async () => {
        ({ moto, s3 } = await startTeamBucket(sb));
        onTeamBackend(sb, moto, sb.passphrase);
    });
    after(() => sb.cleanup());

    it("brings up dev, staging and prod at once, each stack's checkpoint its own", async () => {
        const run = await sb.driver("up", "--parallel", "3", "--yes", "--json");
        assert.strictEqual(run.code, 0, run.stderr);
        assert.deepStrictEqual(
            JSON.parse(run.stdout).stacks.map((s: { stack: string; status: string }) => [
                s.stack,
                s.status,
            ]),
            [
                ["dev", "succeeded"],
                ["prod", "succeeded"],
                ["staging", "succeeded"],
            ],
        );
        for (const stack of ["dev", "prod", "staging"]) {
            const names = customNames(await checkpoint(s3, stack));
            assert.ok(names.length > 10, `${stack}: ${names.join(", ")}`);
            assert.ok(
                names.every((n) => n.startsWith(`ssm-access-${stack}-`)),
                `${stack} holds only its own resources: ${names.join(", ")}`,
            );
        }
        assert.deepStrictEqual(await keys(s3, ".pulumi/locks/"), []);
    });
});
