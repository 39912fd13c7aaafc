import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError, validateStack } from "../../config";
import { fromFiles } from "../../config/raw";

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
                    '  ssm-access:defaultHostManagement: "true"\n  ssm-access:useManagedUserPolicies: "true"\n',
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
});
