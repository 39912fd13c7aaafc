import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    StackLock,
    isStaleHere,
    lockHolderOf,
    readStackLocks,
    s3ClientConfig,
} from "../../automation/locks";

const LOCK: StackLock = {
    username: "ci",
    hostname: "runner-7",
    pid: 4242,
    timestamp: "2026-11-28T21:01:49.123456789+01:00",
};

describe("automation/locks: lockHolderOf", () => {
    it("names user@host, pid and time to the second, as the CLI's lock listing does", () => {
        assert.strictEqual(
            lockHolderOf(LOCK),
            "ci@runner-7 (pid 4242) at 2026-11-28T21:01:49+01:00",
        );
    });
});

describe("automation/locks: isStaleHere", () => {
    const cases: { what: string; hostname: string; running: boolean; stale: boolean }[] = [
        { what: "this machine's, its process gone", hostname: "box", running: false, stale: true },
        {
            what: "this machine's, its process running",
            hostname: "box",
            running: true,
            stale: false,
        },
        { what: "another machine's", hostname: "runner-7", running: false, stale: false },
    ];
    for (const c of cases) {
        it(`judges a lock ${c.what} ${c.stale ? "stale" : "live"}`, () => {
            const host = { name: "box", running: () => c.running };
            assert.strictEqual(isStaleHere({ ...LOCK, hostname: c.hostname }, host), c.stale);
        });
    }
});

describe("automation/locks: readStackLocks", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "locks-test-"));
    const dir = path.join(root, ".pulumi", "locks", "organization", "ssm-access", "dev");
    after(() => fs.rmSync(root, { recursive: true, force: true }));

    it("finds none for a file backend stack without a lock folder", async () => {
        assert.deepStrictEqual(await readStackLocks(`file://${root}`, "ssm-access", "dev"), []);
    });

    it("reads each lock file of the stack in a file backend", async () => {
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, "5f1c.json"), JSON.stringify(LOCK));
        assert.deepStrictEqual(await readStackLocks(`file://${root}`, "ssm-access", "dev"), [LOCK]);
    });

    it("cannot read a Pulumi Cloud backend's locks (it keeps none)", async () => {
        assert.strictEqual(
            await readStackLocks("https://api.pulumi.com", "ssm-access", "dev"),
            undefined,
        );
    });
});

describe("automation/locks: s3ClientConfig", () => {
    const cases: { url: string; config: object }[] = [
        {
            url: "s3://b?endpoint=http://127.0.0.1:9000&region=us-east-1&use_path_style=true",
            config: {
                region: "us-east-1",
                endpoint: "http://127.0.0.1:9000",
                forcePathStyle: true,
            },
        },
        {
            url: "s3://b?endpoint=minio:9000&disableSSL=true&s3ForcePathStyle=true",
            config: { endpoint: "http://minio:9000", forcePathStyle: true },
        },
        { url: "s3://b?endpoint=s3.example.com", config: { endpoint: "https://s3.example.com" } },
        { url: "s3://b/team?profile=ops", config: { profile: "ops" } },
    ];
    for (const c of cases) {
        it(`takes ${c.url.split("?")[1]} as the CLI does`, () => {
            assert.deepStrictEqual(s3ClientConfig(c.url), c.config);
        });
    }
});
