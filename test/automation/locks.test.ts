import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { StackLock, isStaleHere, lockHolderOf, readStackLocks } from "../../automation/locks";

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

    it("reads no lock for a file URL the CLI resolves from where it runs (~, relative)", async () => {
        for (const url of ["file://~/state", "file://state"]) {
            assert.strictEqual(await readStackLocks(url, "ssm-access", "dev"), undefined, url);
        }
    });

    it("cannot read a Pulumi Cloud backend's locks (it keeps none)", async () => {
        assert.strictEqual(
            await readStackLocks("https://api.pulumi.com", "ssm-access", "dev"),
            undefined,
        );
    });
});
