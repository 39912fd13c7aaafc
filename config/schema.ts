/**
 * The schema of a stack's `ssm-access:` settings, one per partition (ARN rules depend on it). It
 * is the one source of the settings' types: the reader, Pulumi.yaml's declarations and the editor
 * schema (npm run schema) are checked against it.
 */
import { z } from "zod";
import { Partition } from "../policies/iam";
import { flag, map, problem } from "./fields";
import { PROJECT } from "./problems";
import { instanceChecks, instanceKeys } from "./instance";
import { relaunchChecks, relaunchKeys } from "./relaunch";
import { runCommandChecks, runCommandKeys } from "./runCommand";

const TAG_VALUE = "tag values are strings of up to 256 characters";

// EC2 and IAM tagging rules: keys of 1-128 characters, values up to 256; the aws: prefix is
// reserved for AWS's own tags.
const tags = z
    .record(z.string(), z.string({ error: TAG_VALUE }).max(256, { error: TAG_VALUE }), {
        error: "must be a map (YAML mapping)",
    })
    .superRefine((map, ctx) => {
        for (const key of Object.keys(map)) {
            if (key.startsWith(`${PROJECT}:`)) {
                problem(
                    ctx,
                    [],
                    key,
                    `is reserved: the program sets ${PROJECT}: tags itself (e.g. ${PROJECT}:stack): choose another key`,
                );
            } else if (key.length === 0 || key.length > 128 || /^aws:/i.test(key)) {
                problem(
                    ctx,
                    [],
                    key,
                    "is not a usable tag key: keys are 1-128 characters and may not start with aws: (reserved by AWS)",
                );
            }
        }
    })
    .default({});

/** Settings that were removed, with why and what to do instead. */
export const RETIRED_SETTINGS: Record<string, string> = {
    maxSessionDurationSeconds:
        "has no effect and was removed: EC2 instance-profile credentials are not subject to a role's maximum session duration (IAM API Reference, UpdateRole: MaxSessionDuration). Remove it",
};

function keys(partition: Partition) {
    return {
        ...instanceKeys(partition),
        tags,
        protectFromDeletion: flag().default(true),
        ...runCommandKeys,
        ...relaunchKeys(partition),
    };
}

function build(partition: Partition) {
    return map(keys(partition)).check(...instanceChecks, ...runCommandChecks, ...relaunchChecks);
}

export type StackSchema = ReturnType<typeof build>;
export type StackValues = z.output<StackSchema>;

const built = new Map<Partition, StackSchema>();

/** The schema of the settings for a stack in `partition` (built once per partition). */
export function stackSchema(partition: Partition): StackSchema {
    let schema = built.get(partition);
    if (!schema) {
        schema = build(partition);
        built.set(partition, schema);
    }
    return schema;
}

/** Every setting's name. */
export const SETTINGS: readonly string[] = Object.keys(keys("aws"));

export type SettingKind = "string" | "integer" | "boolean" | "array" | "object";

/** The JSON type of each setting, as the engine and Pulumi.yaml see it. */
export function settingKinds(): Record<string, SettingKind> {
    const json = z.toJSONSchema(stackSchema("aws"), { io: "input", unrepresentable: "any" }) as {
        properties: Record<string, { type?: SettingKind }>;
    };
    return Object.fromEntries(
        Object.entries(json.properties).map(([k, v]) => [k, v.type ?? "string"]),
    );
}
