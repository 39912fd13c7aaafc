/**
 * A full key rotation on the real engine (offline, the e2e stand-in provider): rotate-keys, then
 * retire-key, on a stack with protectFromDeletion on (the default, as staging and prod have it), so
 * retire-key must unprotect the old key in state. The stand-in keeps no usage data for keys, so
 * retire-key runs with --force here; its IAM check is covered by the unit tests
 * (test/automation/keys.test.ts) with a fake IAM.
 */
import * as assert from "assert";
import * as iam from "@aws-sdk/client-iam";
import * as sts from "@aws-sdk/client-sts";
import * as fs from "fs";
import * as openpgp from "openpgp";
import * as path from "path";
import { newSlotName } from "../../automation/commands/keys";
import { Sandbox } from "../../scripts/sandbox";

interface StateResource {
    urn: string;
    type: string;
    id?: string;
    protect?: boolean;
}

interface UsersOutput {
    [user: string]: { accessKeys: Record<string, { accessKeyId: string }> };
}

describe("key rotation: rotate-keys, then retire-key (protectFromDeletion on)", () => {
    const sb = new Sandbox();
    const stackFile = path.join(sb.project, "Pulumi.dev.yaml");
    const outDir = path.join(sb.dir, "keys");
    /** The new slot: its default name, from the driver's clock (set once rotate-keys ran). */
    let slot = "";
    let privateKey: string;
    let deployed: string;
    let oldKeyId: string;
    after(() => sb.cleanup());

    const state = async (): Promise<StateResource[]> => {
        const run = await sb.pulumi("stack", "export", "--stack", "dev");
        assert.strictEqual(run.code, 0, run.stderr);
        return JSON.parse(run.stdout).deployment.resources;
    };
    /** The state's access keys of dev-admin: [slot, protect]. */
    const adminKeys = async () =>
        (await state())
            .filter((r) => r.type === "aws:iam/accessKey:AccessKey" && /key-dev-admin-/.test(r.urn))
            .map((r) => [r.urn.split("key-dev-admin-")[1], r.protect === true])
            .sort();

    const users = async (): Promise<UsersOutput> => {
        const run = await sb.driver("outputs", "--env", "dev", "--json");
        assert.strictEqual(run.code, 0, run.stderr);
        return JSON.parse(run.stdout).stacks[0].outputs.runCommandUsers;
    };

    before(async () => {
        await sb.startCloud();
        const pair = await openpgp.generateKey({
            userIDs: [{ name: "ops" }],
            type: "curve25519",
            format: "armored",
        });
        privateKey = pair.privateKey;
        fs.writeFileSync(path.join(sb.dir, "ops.pub.asc"), pair.publicKey);
        // The committed dev stack turns protection off; the default (on) is what is tested.
        const off = "ssm-access:protectFromDeletion: false";
        const committed = fs.readFileSync(stackFile, "utf8");
        assert.ok(committed.includes(off), `Pulumi.dev.yaml sets ${off}`);
        fs.writeFileSync(stackFile, committed.replace(off, "ssm-access:protectFromDeletion: true"));
        const up = await sb.driver("up", "--env", "dev", "--yes");
        assert.strictEqual(up.code, 0, up.stderr);
        deployed = fs.readFileSync(stackFile, "utf8");
        oldKeyId = (await users())["dev-admin"].accessKeys["2026-11"].accessKeyId;
    });

    describe("rotate-keys", () => {
        let run: Awaited<ReturnType<Sandbox["driver"]>>;
        before(async () => {
            const started = new Date();
            run = await sb.driver(
                "rotate-keys",
                "--env",
                "dev",
                "--user",
                "dev-admin",
                "--recipient",
                path.join(sb.dir, "ops.pub.asc"),
                "--out",
                outDir,
                "--yes",
            );
            // The default name of the day the driver ran: the day it started, or the next one if
            // the run crossed midnight UTC.
            const written = fs.readFileSync(stackFile, "utf8");
            const named = [started, new Date()].map((d) => newSlotName(d, ["2026-11"]));
            slot = named.find((name) => written.includes(`"${name}"`)) ?? named[0];
        });

        it("succeeds", () => {
            assert.strictEqual(run.code, 0, run.stderr);
        });

        it("changes the stack file's slot list of that user only", () => {
            assert.strictEqual(
                fs.readFileSync(stackFile, "utf8"),
                deployed.replace('accessKeys: ["2026-11"]', `accessKeys: ["2026-11", "${slot}"]`),
            );
        });

        it("creates the new key beside the old one", async () => {
            const keys = (await users())["dev-admin"].accessKeys;
            assert.deepStrictEqual(
                [Object.keys(keys), keys["2026-11"].accessKeyId],
                [["2026-11", slot], oldKeyId],
            );
        });

        it("adds the new key beside the old one, both protected in state", async () => {
            assert.deepStrictEqual(await adminKeys(), [
                ["2026-11", true],
                [slot, true],
            ]);
        });

        it("writes only the new key, encrypted to the recipient", async () => {
            const newKeyId = (await users())["dev-admin"].accessKeys[slot].accessKeyId;
            const armored = fs.readFileSync(path.join(outDir, "dev-dev-admin.asc"), "utf8");
            const { data } = await openpgp.decrypt({
                message: await openpgp.readMessage({ armoredMessage: armored }),
                decryptionKeys: await openpgp.readPrivateKey({ armoredKey: privateKey }),
            });
            assert.match(
                data as string,
                new RegExp(
                    `^\\[dev-dev-admin-${slot}\\]\\naws_access_key_id = ${newKeyId}\\naws_secret_access_key = \\S+\\n$`,
                ),
            );
        });

        it("shows no secret", () => {
            for (const secret of sb.issuedSecrets()) {
                assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret));
            }
        });

        it("prints the retire-key command for the old slot", () => {
            assert.match(
                run.stdout,
                /npm run stacks -- retire-key --env dev --user dev-admin --slot 2026-11\n/,
            );
        });
    });

    describe("the new key in use, then retire-key without --force", () => {
        it("works as credentials: moto's IAM records its use, as IAM does", async () => {
            const armored = fs.readFileSync(path.join(outDir, "dev-dev-admin.asc"), "utf8");
            const { data } = await openpgp.decrypt({
                message: await openpgp.readMessage({ armoredMessage: armored }),
                decryptionKeys: await openpgp.readPrivateKey({ armoredKey: privateKey }),
            });
            const [, accessKeyId, secretAccessKey] =
                /aws_access_key_id = (\S+)\naws_secret_access_key = (\S+)/.exec(data as string)!;
            const asNewKey = new sts.STSClient({
                ...sb.client(),
                credentials: { accessKeyId, secretAccessKey },
            });
            await asNewKey.send(new sts.GetCallerIdentityCommand({}));
            const used = await new iam.IAMClient(sb.client()).send(
                new iam.GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId }),
            );
            assert.ok(used.AccessKeyLastUsed?.LastUsedDate, "IAM shows the new key used");
        });

        it("refuses while the new key is younger than IAM's usage data lag, changing nothing", async () => {
            const before = fs.readFileSync(stackFile, "utf8");
            const retire = await sb.driver(
                "retire-key",
                "--env",
                "dev",
                "--user",
                "dev-admin",
                "--slot",
                "2026-11",
                "--yes",
            );
            assert.strictEqual(retire.code, 1, retire.stderr);
            assert.match(
                retire.stderr,
                /the new key was created at \S+, less than 4 hours ago, and IAM's usage data can lag that long: run this again after \S+, or pass --force\. Nothing was changed\./,
            );
            assert.strictEqual(fs.readFileSync(stackFile, "utf8"), before);
            assert.deepStrictEqual(await adminKeys(), [
                ["2026-11", true],
                [slot, true],
            ]);
        });
    });

    describe("retire-key refused by the guard", () => {
        let rotated: string;
        let run: Awaited<ReturnType<Sandbox["driver"]>>;
        let edited: string;
        before(async () => {
            rotated = fs.readFileSync(stackFile, "utf8");
            // A second, guarded change in the same file: the read-only group would be deleted.
            const auditor = "- name: dev-auditor\n      level: read-only";
            assert.ok(rotated.includes(auditor));
            edited = rotated.replace(auditor, "- name: dev-auditor\n      level: admin");
            fs.writeFileSync(stackFile, edited);
            run = await sb.driver(
                "retire-key",
                "--env",
                "dev",
                "--user",
                "dev-admin",
                "--slot",
                "2026-11",
                "--force",
                "--yes",
            );
        });
        after(() => fs.writeFileSync(stackFile, rotated));

        it("fails, naming what the guard refused", () => {
            assert.strictEqual(run.code, 1, run.stderr);
            assert.match(run.stderr, /would delete aws:iam\/group:Group "[^"]*read-only[^"]*"/);
        });

        it("puts the stack file back as it was", () => {
            assert.strictEqual(fs.readFileSync(stackFile, "utf8"), edited);
        });

        it("leaves the old key in state and protected again", async () => {
            assert.match(
                run.stderr,
                /retire-key: the old key \S+key-dev-admin-2026-11 is protected again/,
            );
            assert.deepStrictEqual(await adminKeys(), [
                ["2026-11", true],
                [slot, true],
            ]);
        });
    });

    describe("a retire-key stopped hard", () => {
        it("leaves a key unprotected in state that the next up protects again", async () => {
            const old = (await state()).find((r) =>
                r.urn.endsWith("::ssm-access-dev-users-key-dev-admin-2026-11"),
            );
            assert.ok(old);
            const unprotect = await sb.pulumi(
                "state",
                "unprotect",
                "--yes",
                "--stack",
                "dev",
                old.urn,
            );
            assert.strictEqual(unprotect.code, 0, unprotect.stderr);
            assert.deepStrictEqual(await adminKeys(), [
                ["2026-11", false],
                [slot, true],
            ]);
            const up = await sb.driver("up", "--env", "dev", "--yes");
            assert.strictEqual(up.code, 0, up.stderr);
            assert.deepStrictEqual(await adminKeys(), [
                ["2026-11", true],
                [slot, true],
            ]);
        });
    });

    describe("retire-key --force", () => {
        let run: Awaited<ReturnType<Sandbox["driver"]>>;
        before(async () => {
            run = await sb.driver(
                "retire-key",
                "--env",
                "dev",
                "--user",
                "dev-admin",
                "--slot",
                "2026-11",
                "--force",
                "--yes",
            );
        });

        it("succeeds, past the guard, saying what --force skipped", () => {
            assert.strictEqual(run.code, 0, run.stderr);
            assert.match(run.stderr, /--force: IAM was not asked whether the key in slot 2026-11/);
        });

        it("says it unprotects the old key, by its URN", () => {
            assert.match(
                run.stderr,
                /retire-key: unprotecting the old key urn:pulumi:dev::ssm-access::\S+\$aws:iam\/accessKey:AccessKey::ssm-access-dev-users-key-dev-admin-2026-11 for its deletion; re-protected if nothing is applied\./,
            );
        });

        it("leaves the stack file as deployed but for the slot", () => {
            assert.strictEqual(
                fs.readFileSync(stackFile, "utf8"),
                deployed.replace('accessKeys: ["2026-11"]', `accessKeys: ["${slot}"]`),
            );
        });

        it("leaves the new key protected", async () => {
            assert.deepStrictEqual(await adminKeys(), [[slot, true]]);
        });

        it("deletes the old key", async () => {
            const state = JSON.parse((await sb.pulumi("stack", "export", "--stack", "dev")).stdout);
            const ids = state.deployment.resources.map((r: { id?: string }) => r.id);
            assert.deepStrictEqual(
                [Object.keys((await users())["dev-admin"].accessKeys), ids.includes(oldKeyId)],
                [[slot], false],
            );
        });
    });
});
