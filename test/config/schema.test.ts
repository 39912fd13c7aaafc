import * as assert from "assert";
import Ajv2020 from "ajv/dist/2020";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { EDITOR_SCHEMA_PATH, stackFileSchema } from "../../config/editorSchema";
import { readProjectFile } from "../../config/raw";
import { settingKinds } from "../../config/schema";
import { parseStackConfig } from "../../config";
import { discoverStacks } from "../../automation/stacks";

const ROOT = path.join(__dirname, "..", "..");
const SCHEMA_COMMENT = `# yaml-language-server: $schema=./${EDITOR_SCHEMA_PATH}`;

describe("config/schema: Pulumi.yaml declares exactly the settings the code reads", () => {
    const declared = (readProjectFile(ROOT).config ?? {}) as Record<
        string,
        { type?: string; description?: string; default?: unknown }
    >;
    for (const [key, kind] of Object.entries(settingKinds())) {
        it(`declares ${key} as ${kind}, with a description and a default`, () => {
            assert.strictEqual(declared[key]?.type, kind);
            assert.ok((declared[key].description ?? "").length > 10, "a description");
            assert.ok("default" in declared[key], "a default, or the engine makes it required");
        });
    }

    it("declares no setting the code does not read", () => {
        assert.deepStrictEqual(Object.keys(declared).sort(), Object.keys(settingKinds()).sort());
    });
});

describe("config/schema: the editor schema for stack files", () => {
    const onDisk = JSON.parse(fs.readFileSync(path.join(ROOT, EDITOR_SCHEMA_PATH), "utf8"));

    it("is what npm run schema generates from the code today", () => {
        assert.deepStrictEqual(onDisk, stackFileSchema());
    });

    // Unoptimised generated code validates the same, and compiles in half the time.
    const validate = new Ajv2020({
        allErrors: true,
        strict: false,
        code: { optimize: false },
    }).compile(onDisk);
    for (const stack of discoverStacks(ROOT)) {
        const file = `Pulumi.${stack}.yaml`;
        const text = fs.readFileSync(path.join(ROOT, file), "utf8");

        it(`${file} points YAML editors at the schema`, () => {
            assert.strictEqual(text.split("\n")[0], SCHEMA_COMMENT);
        });

        it(`${file} passes the schema (checked by Ajv, not by this project's code)`, () => {
            assert.ok(validate(yaml.load(text)), JSON.stringify(validate.errors));
        });
    }

    it("rejects a misspelt nested key, as an editor would flag it", () => {
        const ok = validate({
            config: { "ssm-access:users": [{ name: "a", level: "admin", accesKeys: ["2026-11"] }] },
        });
        assert.strictEqual(ok, false);
        assert.ok(validate.errors!.some((e) => e.params.additionalProperty === "accesKeys"));
    });

    it("accepts a value set with pulumi config set --secret", () => {
        assert.ok(validate({ config: { "ssm-access:logGroupName": { secure: "AAABAJ0g" } } }));
    });
});

describe("config/schema: protectFromDeletion", () => {
    const cases: { values: Record<string, unknown>; protect: boolean }[] = [
        { values: {}, protect: true },
        { values: { protectFromDeletion: true }, protect: true },
        { values: { protectFromDeletion: false }, protect: false },
    ];
    for (const c of cases) {
        it(`${JSON.stringify(c.values)} gives both components protect ${c.protect}`, async () => {
            const cfg = await parseStackConfig("dev", "us-east-1", c.values);
            assert.deepStrictEqual(
                [cfg.instanceAccess.protect, cfg.runCommand.protect],
                [c.protect, c.protect],
            );
        });
    }

    it("rejects a value that is not a boolean, naming the key and the value", async () => {
        await assert.rejects(
            parseStackConfig("dev", "us-east-1", { protectFromDeletion: "yes" }),
            /ssm-access:protectFromDeletion = "yes": must be true or false/,
        );
    });
});
