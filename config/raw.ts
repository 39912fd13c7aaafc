/**
 * The one reader of raw configuration, for the engine (the running program) and for stack files
 * (the offline plan), with the engine's namespace rules: a bare key in a stack file belongs to
 * this project, `aws:` and `pulumi:` keys are the engine's and the provider's, and any other
 * namespace is a mistake.
 */
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { isConfigSecret } from "../runtime/sdkInternals";
import { PROJECT, SECRET_VALUE } from "./problems";
import { SettingKind, settingKinds } from "./schema";

/** Namespaces other than this project's whose keys a stack may carry. */
export const OTHER_NAMESPACES = ["aws", "pulumi"];

/** One stack's configuration as read, before validation. */
export interface RawStack {
    stack: string;
    region: unknown;
    /** This project's settings, keys without the namespace, values typed as the engine types them. */
    values: Record<string, unknown>;
    /** Settings set as secrets: their values are never shown. */
    secretKeys: Set<string>;
    /** Keys in a namespace nobody reads, e.g. a misspelt "ssm_access:instanceMode". */
    foreign: Record<string, unknown>;
}

let kinds: Record<string, SettingKind> | undefined;

/**
 * A value typed as the engine types it: the engine hands every value over as text, and settings
 * that are not strings are JSON ("3600", "true", "[...]"). Stack files are read the same way.
 */
function typed(key: string, value: unknown): unknown {
    kinds ??= settingKinds();
    const kind = kinds[key];
    if (typeof value !== "string" || kind === undefined || kind === "string") {
        return value;
    }
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}

function splitKey(fullKey: string): [string, string] {
    const at = fullKey.indexOf(":");
    return at < 0 ? [PROJECT, fullKey] : [fullKey.slice(0, at), fullKey.slice(at + 1)];
}

function emptyStack(stack: string): RawStack {
    return { stack, region: undefined, values: {}, secretKeys: new Set(), foreign: {} };
}

function add(raw: RawStack, fullKey: string, value: unknown, secret: boolean): void {
    const [ns, key] = splitKey(fullKey);
    if (ns === PROJECT) {
        raw.values[key] = typed(key, value);
        if (secret) {
            raw.secretKeys.add(key);
        } else {
            raw.secretKeys.delete(key);
        }
    } else if (fullKey === "aws:region") {
        raw.region = value;
    } else if (!OTHER_NAMESPACES.includes(ns)) {
        raw.foreign[fullKey] = secret ? SECRET_VALUE : value;
    }
}

/** The running stack's configuration, as the engine hands it to the program. */
export function fromEngine(): RawStack {
    const raw = emptyStack(pulumi.getStack());
    for (const [fullKey, text] of Object.entries(pulumi.runtime.allConfig())) {
        add(raw, fullKey, text, isConfigSecret(fullKey));
    }
    return raw;
}

/** The `config:` map of Pulumi.<stack>.yaml, values as YAML typed them. */
export function readStackFile(projectDir: string, stack: string): Record<string, unknown> {
    const file = path.join(projectDir, `Pulumi.${stack}.yaml`);
    const doc = (yaml.load(fs.readFileSync(file, "utf8")) ?? {}) as {
        config?: Record<string, unknown>;
    };
    return doc.config ?? {};
}

/** The parts of Pulumi.yaml this project reads, as YAML typed them. */
export interface ProjectFile {
    name?: unknown;
    config?: Record<string, { type?: string; description?: string; default?: unknown }>;
}

export function readProjectFile(projectDir: string): ProjectFile {
    const file = path.join(projectDir, "Pulumi.yaml");
    return (yaml.load(fs.readFileSync(file, "utf8")) ?? {}) as ProjectFile;
}

/**
 * A stack's configuration as the engine would give it, from files: Pulumi.yaml's defaults, then
 * the stack file's values. A secure value cannot be read offline; it stands as "[secret]".
 */
export function fromFiles(projectDir: string, stack: string): RawStack {
    const raw = emptyStack(stack);
    for (const [key, declaration] of Object.entries(readProjectFile(projectDir).config ?? {})) {
        if (declaration && "default" in declaration) {
            add(raw, key, declaration.default, false);
        }
    }
    for (const [fullKey, value] of Object.entries(readStackFile(projectDir, stack))) {
        const secure = value !== null && typeof value === "object" && "secure" in value;
        add(raw, fullKey, secure ? SECRET_VALUE : value, secure);
    }
    return raw;
}
