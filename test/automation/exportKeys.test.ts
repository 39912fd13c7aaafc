import * as assert from "assert";
import { execFileSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as openpgp from "openpgp";
import * as os from "os";
import * as path from "path";
import { EXIT, main } from "../../automation/cli";
import { FakeEngine, deps } from "../support/driverFakes";

const SECRET_VALUE = randomBytes(30).toString("base64");
const OUTPUTS = {
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

async function keyPair() {
    return openpgp.generateKey({
        userIDs: [{ name: "ops" }],
        type: "curve25519",
        format: "armored",
    });
}

describe("automation/exportKeys", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-access-export-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    describe("to a recipient", () => {
        let d: ReturnType<typeof deps>;
        let code: number;
        let privateKey: string;
        beforeEach(async () => {
            const pair = await keyPair();
            privateKey = pair.privateKey;
            fs.writeFileSync(path.join(dir, "ops.pub.asc"), pair.publicKey);
            d = deps(new FakeEngine({}, OUTPUTS));
            code = await main(
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
        });

        it("encrypts each user's keys to the recipient; the private key decrypts them back", async () => {
            assert.strictEqual(code, EXIT.ok);
            const armored = fs.readFileSync(path.join(dir, "out", "dev-alice.asc"), "utf8");
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
        });

        it("prints nothing secret on stdout or stderr", () => {
            assert.ok(!d.out.text.includes(SECRET_VALUE) && !d.err.text.includes(SECRET_VALUE));
        });

        it("writes one file per user with keys, and nothing for a user without", () => {
            assert.deepStrictEqual(fs.readdirSync(path.join(dir, "out")), ["dev-alice.asc"]);
        });
    });

    describe("with --plaintext", () => {
        let d: ReturnType<typeof deps>;
        beforeEach(async () => {
            d = deps(new FakeEngine({}, OUTPUTS));
            assert.strictEqual(
                await main(
                    ["export-keys", "--env", "dev", "--out", dir, "--plaintext", "--json"],
                    d,
                ),
                EXIT.ok,
            );
        });

        it("writes the credentials file with mode 0600", () => {
            const file = path.join(dir, "dev-credentials");
            assert.strictEqual(fs.statSync(file).mode & 0o777, 0o600);
            assert.ok(
                fs.readFileSync(file, "utf8").includes(`aws_secret_access_key = ${SECRET_VALUE}`),
            );
        });

        it("never writes the secret to stdout or stderr", () => {
            assert.ok(!d.out.text.includes(SECRET_VALUE) && !d.err.text.includes(SECRET_VALUE));
        });

        it("lists the written file in the JSON document", () => {
            assert.deepStrictEqual(JSON.parse(d.out.text), {
                stack: "dev",
                files: [
                    {
                        user: "alice",
                        path: path.join(dir, "dev-credentials"),
                        format: "aws-credentials",
                    },
                ],
            });
        });
    });

    describe("plaintext inside a git work tree", () => {
        let repo: string;
        beforeEach(() => {
            repo = path.join(dir, "repo");
            fs.mkdirSync(repo);
            execFileSync("git", ["init", "-q"], { cwd: repo });
        });
        const exportTo = (out: string, ...extra: string[]) => {
            const d = deps(new FakeEngine({}, OUTPUTS));
            return main(
                ["export-keys", "--env", "dev", "--out", out, "--plaintext", ...extra],
                d,
            ).then((code) => ({ code, err: d.err.text }));
        };

        it("refuses a path git does not ignore, writing nothing", async () => {
            const { code, err } = await exportTo(path.join(repo, "keys"));
            assert.strictEqual(code, EXIT.failed);
            assert.match(err, /is inside a git work tree and not ignored/);
            assert.ok(!fs.existsSync(path.join(repo, "keys")));
        });

        it("writes to a git-ignored path", async () => {
            fs.writeFileSync(path.join(repo, ".gitignore"), "keys/\n");
            const { code } = await exportTo(path.join(repo, "keys"));
            assert.strictEqual(code, EXIT.ok);
            assert.ok(fs.existsSync(path.join(repo, "keys", "dev-credentials")));
        });

        it("writes with --force", async () => {
            const { code } = await exportTo(path.join(repo, "keys"), "--force");
            assert.strictEqual(code, EXIT.ok);
        });
    });

    it("refuses a private key as recipient", async () => {
        const { privateKey } = await keyPair();
        fs.writeFileSync(path.join(dir, "key.asc"), privateKey);
        const d = deps(new FakeEngine({}, OUTPUTS));
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
