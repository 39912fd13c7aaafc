/**
 * A full key rotation on the real engine (offline, the e2e stand-in provider): rotate-keys, then
 * retire-key. The stand-in keeps no usage data for keys, so retire-key runs with --force here; its
 * IAM check is covered by the unit tests (test/automation/keys.test.ts) with a fake IAM.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as openpgp from "openpgp";
import * as path from "path";
import { newSlotName } from "../../automation/commands/keys";
import { Sandbox } from "../../scripts/sandbox";

interface UsersOutput {
    [user: string]: { accessKeys: Record<string, { accessKeyId: string }> };
}

describe("key rotation: rotate-keys, then retire-key", () => {
    const sb = new Sandbox();
    const stackFile = path.join(sb.project, "Pulumi.dev.yaml");
    const outDir = path.join(sb.dir, "keys");
    const slot = newSlotName(new Date(), ["2026-11"]);
    let privateKey: string;
    let deployed: string;
    let oldKeyId: string;
    after(() => sb.cleanup());

    const users = async (): Promise<UsersOutput> => {
        const run = await sb.driver("outputs", "--env", "dev", "--json");
        assert.strictEqual(run.code, 0, run.stderr);
        return JSON.parse(run.stdout).stacks[0].outputs.runCommandUsers;
    };

    before(async () => {
        const pair = await openpgp.generateKey({
            userIDs: [{ name: "ops" }],
            type: "curve25519",
            format: "armored",
        });
        privateKey = pair.privateKey;
        fs.writeFileSync(path.join(sb.dir, "ops.pub.asc"), pair.publicKey);
        const up = await sb.driver("up", "--env", "dev", "--yes");
        assert.strictEqual(up.code, 0, up.stderr);
        deployed = fs.readFileSync(stackFile, "utf8");
        oldKeyId = (await users())["dev-admin"].accessKeys["2026-11"].accessKeyId;
    });

    describe("rotate-keys", () => {
        let run: Awaited<ReturnType<Sandbox["driver"]>>;
        before(async () => {
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

        it("leaves the stack file as deployed but for the slot", () => {
            assert.strictEqual(
                fs.readFileSync(stackFile, "utf8"),
                deployed.replace('accessKeys: ["2026-11"]', `accessKeys: ["${slot}"]`),
            );
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
