import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { keepingStackFile, restoreStackFile, usesPassphrase } from "../../automation/stackFile";

const USER =
    "# mine\nconfig:\n  ssm-access:maxSessionDurationSeconds: 3600\n  ssm-access:useManagedUserPolicies: true\n";
const REWRITTEN =
    'config:\n  ssm-access:maxSessionDurationSeconds: "3600"\n  ssm-access:useManagedUserPolicies: "true"\nencryptionsalt: v1:abc=:v1:def/:ghi==\n';

describe("automation/stackFile", () => {
    describe("restoreStackFile", () => {
        it("keeps the user's text and typed values, appending the salt the engine added", () => {
            assert.deepStrictEqual(restoreStackFile(USER, REWRITTEN), {
                text: `${USER}encryptionsalt: v1:abc=:v1:def/:ghi==\n`,
                added: ["encryptionsalt"],
            });
        });

        it("never replaces a salt the user had", () => {
            const mine = `${USER}encryptionsalt: v1:mine\n`;
            assert.deepStrictEqual(restoreStackFile(mine, REWRITTEN), { text: mine, added: [] });
        });

        it("adds a newline before the salt when the user's file lacks a final one", () => {
            assert.strictEqual(
                restoreStackFile("config: {}", "encryptionsalt: s\n").text,
                "config: {}\nencryptionsalt: s\n",
            );
        });

        it("puts back the user's text when the engine only re-serialized it", () => {
            assert.deepStrictEqual(restoreStackFile(USER, REWRITTEN.split("encryptionsalt")[0]), {
                text: USER,
                added: [],
            });
        });
    });

    describe("keepingStackFile", () => {
        let dir: string;
        beforeEach(() => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-access-stackfile-"));
            fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), USER);
        });
        afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("restores the file an operation rewrote and reports the salt once", async () => {
            const reported: string[][] = [];
            await keepingStackFile(
                dir,
                "dev",
                async () => fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), REWRITTEN),
                (_file, keys) => reported.push(keys),
            );
            assert.deepStrictEqual(
                [fs.readFileSync(path.join(dir, "Pulumi.dev.yaml"), "utf8"), reported],
                [`${USER}encryptionsalt: v1:abc=:v1:def/:ghi==\n`, [["encryptionsalt"]]],
            );
        });

        it("restores the file also when the operation fails", async () => {
            await assert.rejects(
                keepingStackFile(
                    dir,
                    "dev",
                    async () => {
                        fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), "config: {}\n");
                        throw new Error("engine failed");
                    },
                    () => undefined,
                ),
                /engine failed/,
            );
            assert.strictEqual(fs.readFileSync(path.join(dir, "Pulumi.dev.yaml"), "utf8"), USER);
        });
    });

    describe("usesPassphrase", () => {
        let dir: string;
        before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-access-secrets-"))));
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        const cases: { file: string | undefined; passphrase: boolean }[] = [
            { file: undefined, passphrase: true },
            { file: "config:\n  aws:region: us-east-1\n", passphrase: true },
            { file: "encryptionsalt: v1:abc\n", passphrase: true },
            { file: "secretsprovider: passphrase\n", passphrase: true },
            {
                file: "secretsprovider: awskms://alias/team-state?region=us-east-1\nencryptedkey: AQIC\n",
                passphrase: false,
            },
            { file: 'secretsprovider: "awskms://alias/team-state"\n', passphrase: false },
        ];
        cases.forEach((c, i) => {
            it(`${c.passphrase ? "needs" : "does not need"} a passphrase for ${JSON.stringify(c.file ?? "no file")}`, () => {
                const stack = `s${i}`;
                if (c.file !== undefined) {
                    fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), c.file);
                }
                assert.strictEqual(usesPassphrase(dir, stack), c.passphrase);
            });
        });
    });
});
