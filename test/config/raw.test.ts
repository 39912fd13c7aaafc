import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError, validateStack } from "../../config";
import { fromFiles, fromTexts } from "../../config/raw";

const ROOT = path.join(__dirname, "..", "..");

/** A project folder with the real Pulumi.yaml and one stack file holding `body`. */
function project(body: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-access-raw-"));
    fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    fs.writeFileSync(path.join(dir, "Pulumi.t.yaml"), `config:\n  aws:region: us-east-1\n${body}`);
    return dir;
}

describe("config/raw: reading stack files as the engine does", () => {
    it("reads a bare key in a stack file as this project's setting", async () => {
        const args = await validateStack(fromFiles(project("  instanceMode: guide\n"), "t"));
        assert.strictEqual(args.instanceAccess.mode, "guide");
    });

    it("takes Pulumi.yaml's defaults for settings the stack file leaves out", () => {
        const raw = fromFiles(project(""), "t");
        assert.strictEqual(raw.values.instanceMode, "managed");
        assert.deepStrictEqual(raw.values.users, []);
    });

    it("refuses a key in a namespace nobody reads, naming the key and the fix", async () => {
        await assert.rejects(
            validateStack(fromFiles(project("  ssm_access:instanceMode: guide\n"), "t")),
            (err: ConfigError) => {
                assert.deepStrictEqual(err.problems, [
                    'ssm_access:instanceMode = "guide": "ssm_access" is not a namespace this stack reads: write this project\'s settings as ssm-access:NAME (or NAME alone); aws: and pulumi: keys belong to the engine and the provider',
                ]);
                return true;
            },
        );
    });

    it("types quoted booleans the way the engine hands them over", async () => {
        const args = await validateStack(
            fromFiles(
                project(
                    '  ssm-access:defaultHostManagement: "true"\n  ssm-access:useManagedUserPolicies: "true"\n' +
                        "  ssm-access:users: [{ name: a, level: admin }]\n",
                ),
                "t",
            ),
        );
        assert.strictEqual(args.instanceAccess.defaultHostManagement, true);
        assert.strictEqual(args.runCommand.useManagedUserPolicies, true);
    });

    it("marks a secure value as a secret that is never shown", () => {
        const raw = fromFiles(project("  ssm-access:logGroupName:\n    secure: AAABAJ0g\n"), "t");
        assert.ok(raw.secretKeys.has("logGroupName"));
        assert.strictEqual(raw.values.logGroupName, "[secret]");
    });

    it("refuses a setting given both bare and namespaced, which the engine resolves either way", async () => {
        await assert.rejects(
            validateStack(
                fromFiles(
                    project("  ssm-access:instanceMode: legacy-managed\n  instanceMode: guide\n"),
                    "t",
                ),
            ),
            (err: ConfigError) => {
                assert.deepStrictEqual(err.problems, [
                    "instanceMode: is set twice in Pulumi.t.yaml (also as ssm-access:instanceMode), and the engine picks either: keep one",
                ]);
                return true;
            },
        );
    });

    it("takes a secret nested in a setting (config set --secret --path) as an unread secret", () => {
        const raw = fromFiles(
            project(
                "  ssm-access:users:\n    - name:\n        secure: v1:abc\n      level: admin\n",
            ),
            "t",
        );
        assert.ok(raw.secretKeys.has("users"));
        assert.strictEqual(raw.values.users, "[secret]");
    });

    it("records where secrets sit inside a setting, through lists and maps", () => {
        const raw = fromFiles(
            project(
                "  ssm-access:users:\n    - name:\n        secure: v1:abc\n      level: admin\n" +
                    "  ssm-access:tags:\n    team:\n      secure: v1:def\n" +
                    "  ssm-access:logGroupName:\n    secure: v1:ghi\n",
            ),
            "t",
        );
        assert.deepStrictEqual(raw.secretsInside, {
            users: ["users[0].name"],
            tags: ["tags.team"],
        });
    });

    it("reads a map that merely has a key named secure as a plain map", () => {
        const raw = fromFiles(
            project("  ssm-access:tags:\n    secure: 'yes'\n    team: web\n"),
            "t",
        );
        assert.deepStrictEqual(raw.values.tags, { secure: "yes", team: "web" });
        assert.strictEqual(raw.secretKeys.size, 0);
    });

    it("reads a YAML number in a text setting as its text, as the engine does", async () => {
        const args = await validateStack(fromFiles(project("  ssm-access:roleName: 123\n"), "t"));
        assert.strictEqual(args.instanceAccess.roleName, "123");
    });

    it("reads an empty setting (YAML null) as unset", async () => {
        const args = await validateStack(fromFiles(project("  ssm-access:users:\n"), "t"));
        assert.deepStrictEqual(args.runCommand.users, []);
    });

    it("takes a value Pulumi.yaml sets for every stack", () => {
        const dir = project("");
        fs.writeFileSync(path.join(dir, "Pulumi.t.yaml"), "config: {}\n");
        fs.appendFileSync(path.join(dir, "Pulumi.yaml"), "  aws:region: eu-west-1\n");
        assert.strictEqual(fromFiles(dir, "t").aws.region, "eu-west-1");
    });

    it("reads the files' texts as it reads the files", () => {
        const dir = project(
            "  instanceMode: guide\n  aws:endpoints:\n    - iam: http://127.0.0.1:5000\n",
        );
        const read = (file: string) => fs.readFileSync(path.join(dir, file), "utf8");
        assert.deepStrictEqual(
            fromTexts("t", { project: read("Pulumi.yaml"), stack: read("Pulumi.t.yaml") }),
            fromFiles(dir, "t"),
        );
    });

    it("keeps the provider's aws: settings as YAML typed them, the stack file's over Pulumi.yaml's", () => {
        const raw = fromTexts("t", {
            project:
                "config:\n  aws:region:\n    value: ap-south-1\n  aws:skipMetadataApiCheck: false\n",
            stack: "config:\n  aws:region: eu-west-1\n  aws:endpoints:\n    - iam: http://127.0.0.1:5000\n",
        });
        assert.deepStrictEqual(raw.aws, {
            region: "eu-west-1",
            skipMetadataApiCheck: false,
            endpoints: [{ iam: "http://127.0.0.1:5000" }],
        });
    });

    it("refuses a Pulumi.yaml entry with both default: and value:, as Pulumi does", () => {
        const raw = fromTexts("t", {
            project: "config:\n  roleName:\n    type: string\n    default: a\n    value: b\n",
            stack: "config: {}\n",
        });
        assert.deepStrictEqual(raw.fileProblems, [
            `roleName: Pulumi.yaml gives it both default: and value:, which Pulumi refuses ("cannot have both a 'default' and 'value' attribute"): keep one`,
        ]);
    });

    it("shows a secure aws: setting as [secret]", () => {
        const raw = fromTexts("t", {
            project: "name: p\n",
            stack: "config:\n  aws:secretKey:\n    secure: AAABAJ0g\n",
        });
        assert.strictEqual(raw.aws.secretKey, "[secret]");
    });

    it("refuses a setting written outside config:, where Pulumi ignores it", async () => {
        const dir = project("");
        fs.appendFileSync(path.join(dir, "Pulumi.t.yaml"), "ssm-access:instanceMode: guide\n");
        await assert.rejects(validateStack(fromFiles(dir, "t")), (err: ConfigError) => {
            assert.deepStrictEqual(err.problems, [
                'ssm-access:instanceMode = "guide": is at the top level of Pulumi.t.yaml, where Pulumi ignores it: indent it under config:',
            ]);
            return true;
        });
    });

    it("says that values imported from ESC environments are not read offline", async () => {
        const dir = project("");
        fs.appendFileSync(path.join(dir, "Pulumi.t.yaml"), "environment:\n  - org/shared\n");
        const args = await validateStack(fromFiles(dir, "t"));
        assert.deepStrictEqual(args.unreadable, [
            "Pulumi.t.yaml imports Pulumi ESC environments (environment:); their values are not read offline",
        ]);
    });
});
