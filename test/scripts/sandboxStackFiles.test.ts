import * as assert from "assert";
import * as yaml from "js-yaml";
import { sandboxStackFile } from "../../scripts/sandboxStackFiles";

describe("scripts/sandboxStackFiles: a team's stack file in the sandbox", () => {
    it("copies a file without secrets-provider settings byte for byte", () => {
        const text = "# comment\nconfig:\n  ssm-access:maxSessionDurationSeconds: 3600\n";
        assert.strictEqual(sandboxStackFile(text), text);
    });

    it("drops the team's salt and the secure values made with it, keeping typed values", () => {
        const text = [
            "config:",
            "  ssm-access:maxSessionDurationSeconds: 3600",
            "  ssm-access:logGroupName:",
            "    secure: v1:AAAA",
            "encryptionsalt: v1:team",
            "",
        ].join("\n");
        assert.deepStrictEqual(yaml.load(sandboxStackFile(text)), {
            config: { "ssm-access:maxSessionDurationSeconds": 3600 },
        });
    });

    for (const key of ["encryptedkey", "secretsprovider"]) {
        it(`drops ${key}`, () => {
            assert.deepStrictEqual(yaml.load(sandboxStackFile(`config: {}\n${key}: x\n`)), {
                config: {},
            });
        });
    }
});
