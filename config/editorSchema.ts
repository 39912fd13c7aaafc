/**
 * The JSON Schema of a Pulumi.<stack>.yaml, generated from the settings' schema so YAML editors
 * complete and check stack files. `npm run schema` writes it; a unit test fails when the file,
 * Pulumi.yaml and the code disagree.
 */
import { z } from "zod";
import { PROJECT } from "./problems";
import { stackSchema } from "./schema";

/** Where the generated schema lives, relative to the project folder. */
export const EDITOR_SCHEMA_PATH = "schema/stack-config.schema.json";

type JsonSchema = Record<string, unknown>;

/** A value set with `pulumi config set --secret`. */
const SECURE: JsonSchema = {
    type: "object",
    properties: { secure: { type: "string" } },
    required: ["secure"],
    additionalProperties: false,
};

/**
 * `pulumi config set NAME true` writes the text "true" (not a YAML boolean), and the engine
 * accepts it for a boolean setting: so does the schema.
 */
function asTheEngineWrites(schema: JsonSchema): JsonSchema {
    if (schema.type === "boolean") {
        const { default: fallback, ...rest } = schema;
        return {
            anyOf: [rest, { type: "string", enum: ["true", "false"] }],
            ...(fallback === undefined ? {} : { default: fallback }),
        };
    }
    return schema;
}

export function stackFileSchema(): JsonSchema {
    const settings = z.toJSONSchema(stackSchema("aws"), {
        io: "input",
        unrepresentable: "any",
    }) as {
        properties: Record<string, JsonSchema>;
    };
    const properties: Record<string, JsonSchema> = {
        "aws:region": { type: "string", description: "The stack's AWS region, e.g. us-east-1." },
    };
    const defs: Record<string, JsonSchema> = { secure: SECURE };
    for (const [key, schema] of Object.entries(settings.properties)) {
        defs[key] = asTheEngineWrites(schema);
        const entry = { anyOf: [{ $ref: `#/$defs/${key}` }, { $ref: "#/$defs/secure" }] };
        properties[`${PROJECT}:${key}`] = entry;
        properties[key] = entry;
    }
    return {
        $schema: "https://json-schema.org/draft/2020-12/schema",
        title: "ssm-access stack configuration (Pulumi.<stack>.yaml)",
        type: "object",
        properties: {
            config: {
                type: "object",
                properties,
                patternProperties: { "^(aws|pulumi):": {} },
                additionalProperties: false,
            },
            secretsprovider: { type: "string" },
            encryptedkey: { type: "string" },
            encryptionsalt: { type: "string" },
            environment: {
                description:
                    "Pulumi ESC environments to import (their values are not read offline).",
            },
        },
        additionalProperties: false,
        $defs: defs,
    };
}
