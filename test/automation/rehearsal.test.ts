import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "yaml";
import {
    EMULATED_SERVICES,
    REHEARSAL_PASSPHRASE,
    emulatorSettings,
    prepareRehearsal,
    rehearsalEnv,
    rehearsalStackFile,
} from "../../automation/rehearsal";

const ROOT = path.resolve(__dirname, "..", "..");
const URL = "http://127.0.0.1:5000";

describe("automation/rehearsal", () => {
    it("points the aws provider at the emulator with exactly the provider's settings", () => {
        assert.deepStrictEqual(emulatorSettings(URL), {
            "aws:endpoints": [{ ec2: URL, iam: URL, kms: URL, ssm: URL, sts: URL }],
            "aws:skipCredentialsValidation": true,
            "aws:skipRequestingAccountId": true,
            "aws:skipMetadataApiCheck": true,
            "aws:s3UsePathStyle": true,
            "aws:accessKey": "testing",
            "aws:secretKey": "testing",
        });
    });

    it("has an endpoint for every AWS service the program calls", () => {
        // Top-level functions of @pulumi/aws and the service they call.
        const topLevel: Record<string, string> = { getCallerIdentity: "sts" };
        const files = fs.readdirSync(path.join(ROOT, "components")).map((f) => `components/${f}`);
        const used = new Set<string>();
        for (const file of ["program.ts", ...files]) {
            const text = fs.readFileSync(path.join(ROOT, file), "utf8");
            for (const m of text.matchAll(/\baws\.([a-z0-9]+)\.(?:[A-Z]|get)/g)) {
                used.add(m[1]);
            }
            for (const m of text.matchAll(/\baws\.(get[A-Z]\w*?)(?:Output)?\(/g)) {
                used.add(topLevel[m[1]] ?? `aws.${m[1]} (add its service to this table)`);
            }
            for (const m of text.matchAll(/"@pulumi\/awsx\/([a-z0-9]+)"/g)) {
                used.add(m[1]);
            }
        }
        assert.ok(used.has("iam") && used.has("sts"), [...used].join(", "));
        assert.deepStrictEqual(
            [...used].filter((m) => !(EMULATED_SERVICES as readonly string[]).includes(m)),
            [],
        );
    });

    describe("rehearsalStackFile", () => {
        const USER = [
            "config:",
            "  aws:region: eu-west-1",
            "  aws:profile: prod-admin",
            "  ssm-access:requireMfa: true",
            "  ssm-access:pgpPublicKey:",
            "    secure: v1:abc",
            "encryptionsalt: v1:salt",
            "",
        ].join("\n");
        const { text, leftOut } = rehearsalStackFile(USER, URL);
        const config = (yaml.parse(text) as { config: Record<string, unknown> }).config;

        it("keeps the user's region and settings, typed", () => {
            assert.deepStrictEqual(
                [config["aws:region"], config["ssm-access:requireMfa"]],
                ["eu-west-1", true],
            );
        });

        it("adds the emulator settings, typed", () => {
            assert.deepStrictEqual(
                Object.fromEntries(Object.keys(emulatorSettings(URL)).map((k) => [k, config[k]])),
                emulatorSettings(URL),
            );
        });

        it("leaves out the profile, the secure values and the salt, and names them", () => {
            assert.deepStrictEqual(
                [
                    "aws:profile" in config,
                    "ssm-access:pgpPublicKey" in config,
                    text.includes("encryptionsalt"),
                    leftOut,
                ],
                [false, false, false, ["aws:profile", "ssm-access:pgpPublicKey (secret)"]],
            );
        });

        it("gives a file without config the emulator settings", () => {
            const bare = yaml.parse(rehearsalStackFile("", URL).text) as {
                config: Record<string, unknown>;
            };
            assert.deepStrictEqual(bare.config, emulatorSettings(URL));
        });
    });

    it("runs the engine with none of the user's AWS variables or passphrase", () => {
        const env = rehearsalEnv({
            PATH: "/bin",
            AWS_PROFILE: "prod-admin",
            AWS_SESSION_TOKEN: "token",
            AWS_ACCESS_KEY_ID: "AKIAREAL",
            AWS_REGION: "eu-west-1",
            PULUMI_CONFIG_PASSPHRASE_FILE: "/home/me/passphrase",
        });
        assert.deepStrictEqual(env, {
            PATH: "/bin",
            AWS_ACCESS_KEY_ID: "testing",
            AWS_SECRET_ACCESS_KEY: "testing",
            AWS_EC2_METADATA_DISABLED: "true",
            PULUMI_CONFIG_PASSPHRASE: REHEARSAL_PASSPHRASE,
        });
    });

    describe("prepareRehearsal", () => {
        let dir: string;
        beforeEach(() => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-access-rehearsal-"));
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: ssm-access\nruntime: nodejs\n");
            fs.writeFileSync(
                path.join(dir, "Pulumi.dev.yaml"),
                "config:\n  aws:region: us-east-1\n",
            );
        });
        afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("uses a file backend in .pulumi-rehearsal/state and names it", () => {
            const r = prepareRehearsal(dir, URL, {});
            const state = path.join(dir, ".pulumi-rehearsal", "state");
            assert.deepStrictEqual(
                [
                    r.backend,
                    r.workDir,
                    r.notice.includes(`state in ${state} (passphrase "rehearsal")`),
                ],
                [
                    { url: `file://${state}`, source: "--emulator" },
                    path.join(dir, ".pulumi-rehearsal", "work"),
                    true,
                ],
            );
        });

        it("leaves the user's stack file as it was", () => {
            prepareRehearsal(dir, URL, {});
            assert.strictEqual(
                fs.readFileSync(path.join(dir, "Pulumi.dev.yaml"), "utf8"),
                "config:\n  aws:region: us-east-1\n",
            );
        });

        it("keeps the salt the engine gave the rehearsal's stack on an earlier run", () => {
            const r = prepareRehearsal(dir, URL, {});
            const copy = path.join(r.workDir, "Pulumi.dev.yaml");
            fs.appendFileSync(copy, "encryptionsalt: v1:rehearsal\n");
            prepareRehearsal(dir, URL, {});
            assert.match(fs.readFileSync(copy, "utf8"), /\nencryptionsalt: v1:rehearsal\n$/);
        });
    });
});
