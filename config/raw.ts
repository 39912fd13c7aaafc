/**
 * The one reader of raw configuration, for the engine (the running program) and for stack files
 * (the offline plan, and the driver's commands, which may pass the files' texts), with the engine's
 * namespace rules: a bare key in a stack file belongs to this project, `aws:` and `pulumi:` keys
 * are the provider's and the engine's, and any other namespace is a mistake.
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
    /**
     * The AWS provider's settings (`aws:region`, `aws:endpoints`, ...), keys without the namespace,
     * values as read: from files as YAML types them, from the engine as its text.
     */
    aws: Record<string, unknown>;
    /** This project's settings, keys without the namespace, values typed as the engine types them. */
    values: Record<string, unknown>;
    /** Settings set as secrets: their values are never shown. */
    secretKeys: Set<string>;
    /** Settings read from files that hold secrets deeper inside: where they are, by setting. */
    secretsInside: Record<string, string[]>;
    /** Keys in a namespace nobody reads, e.g. a misspelt "ssm_access:instanceMode". */
    foreign: Record<string, unknown>;
    /** Problems with the files themselves (a key given twice, a key outside `config:`). */
    fileProblems: string[];
    /** What could not be read offline (e.g. values imported from Pulumi ESC environments). */
    unreadable: string[];
}

let kinds: Record<string, SettingKind> | undefined;

/**
 * A value typed as the engine types it: the engine hands every value over as text, and settings
 * that are not strings are JSON ("3600", "true", "[...]"). Stack files are read the same way: a
 * YAML number or boolean in a text setting is its text (the engine gives `roleName: 123` as
 * "123"), and an empty value (YAML null) is "", which means unset.
 */
function typed(key: string, value: unknown): unknown {
    kinds ??= settingKinds();
    const kind = kinds[key];
    if (value === null) {
        return "";
    }
    if (kind === "string" && (typeof value === "number" || typeof value === "boolean")) {
        return String(value);
    }
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

/** A stack with nothing set. */
export function emptyStack(stack: string): RawStack {
    return {
        stack,
        aws: {},
        values: {},
        secretKeys: new Set(),
        secretsInside: {},
        foreign: {},
        fileProblems: [],
        unreadable: [],
    };
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
    } else if (ns === "aws") {
        raw.aws[key] = value;
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

/** The keys a stack file may have at its top level (Pulumi's stack settings file). */
const STACK_FILE_KEYS = [
    "config",
    "secretsprovider",
    "encryptedkey",
    "encryptionsalt",
    "environment",
];

interface StackFile {
    config?: Record<string, unknown>;
    environment?: unknown;
    [key: string]: unknown;
}

/** The parts of Pulumi.yaml this project reads, as YAML typed them. */
export interface ProjectFile {
    name?: unknown;
    /** A declaration ({ type, description, default }), a value ({ value }) or a plain value. */
    config?: Record<string, unknown>;
}

export function readProjectFile(projectDir: string): ProjectFile {
    return (yaml.load(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) ??
        {}) as ProjectFile;
}

/** Exactly what `pulumi config set --secret` writes: { secure: "<ciphertext>" }. */
function isSecure(value: unknown): boolean {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
        return false;
    }
    const keys = Object.keys(value);
    return keys.length === 1 && typeof (value as { secure?: unknown }).secure === "string";
}

/**
 * Where secure values sit inside a value (`pulumi config set --secret --path`), as paths below
 * `key` (`users[0].accessKeys[0]`); `key` alone when the whole value is one.
 */
function securePaths(value: unknown, key: string): string[] {
    if (isSecure(value)) {
        return [key];
    }
    if (value !== null && typeof value === "object") {
        return Object.entries(value).flatMap(([k, v]) =>
            securePaths(v, Array.isArray(value) ? `${key}[${k}]` : `${key}.${k}`),
        );
    }
    return [];
}

/**
 * A Pulumi.yaml config entry as the engine reads it: a declaration with a default, a `value:`
 * that sets it for every stack, or a plain value. (An entry with both is refused: fromProject.)
 */
function projectValue(entry: unknown): { value: unknown } | undefined {
    if (entry !== null && typeof entry === "object" && !Array.isArray(entry)) {
        const e = entry as Record<string, unknown>;
        if ("value" in e) {
            return { value: e.value };
        }
        if ("default" in e) {
            return { value: e.default };
        }
        return "type" in e ? undefined : { value: entry };
    }
    return { value: entry };
}

/** What Pulumi.yaml gives a stack (its defaults and values) before the stack file is read. */
export function fromProject(stack: string, projectText: string): RawStack {
    const raw = emptyStack(stack);
    const project = (yaml.load(projectText) ?? {}) as ProjectFile;
    for (const [key, entry] of Object.entries(project.config ?? {})) {
        if (entry !== null && typeof entry === "object" && "value" in entry && "default" in entry) {
            // pulumi/pulumi sdk/go/common/workspace/project.go, Project.Validate.
            raw.fileProblems.push(
                `${key}: Pulumi.yaml gives it both default: and value:, which Pulumi refuses ("cannot have both a 'default' and 'value' attribute"): keep one`,
            );
        }
        const found = projectValue(entry);
        if (found) {
            add(raw, key, found.value, false);
        }
    }
    return raw;
}

/**
 * A stack's configuration as the engine would give it, from the texts of Pulumi.yaml and
 * Pulumi.<stack>.yaml: Pulumi.yaml's defaults and values, then the stack file's, which win (the
 * engine sets a project value or default only where the stack has none: pulumi/pulumi
 * pkg/workspace/config.go, mergeConfig). A secret (a secure value, at any depth) cannot be read
 * offline: the whole setting stands as "[secret]".
 */
export function fromTexts(stack: string, texts: { project: string; stack: string }): RawStack {
    const raw = fromProject(stack, texts.project);
    const doc = (yaml.load(texts.stack) ?? {}) as StackFile;
    const file = `Pulumi.${stack}.yaml`;
    for (const key of Object.keys(doc).filter((k) => !STACK_FILE_KEYS.includes(k))) {
        raw.fileProblems.push(
            `${key} = ${JSON.stringify(doc[key]) ?? ""}: is at the top level of ${file}, where Pulumi ignores it: indent it under config:`,
        );
    }
    if (doc.environment !== undefined) {
        raw.unreadable.push(
            `${file} imports Pulumi ESC environments (environment:); their values are not read offline`,
        );
    }
    const seen = new Map<string, string>();
    for (const [fullKey, value] of Object.entries(doc.config ?? {})) {
        const [ns, key] = splitKey(fullKey);
        const canonical = `${ns}:${key}`;
        const earlier = seen.get(canonical);
        if (earlier !== undefined) {
            raw.fileProblems.push(
                `${fullKey}: is set twice in ${file} (also as ${earlier}), and the engine picks either: keep one`,
            );
        }
        seen.set(canonical, fullKey);
        const paths = securePaths(value, key);
        if (ns === PROJECT && paths.length > 0 && paths[0] !== key) {
            raw.secretsInside[key] = paths;
        }
        add(raw, fullKey, paths.length > 0 ? SECRET_VALUE : value, paths.length > 0);
    }
    return raw;
}

/** A stack's configuration as the engine would give it, from the files in `projectDir`. */
export function fromFiles(projectDir: string, stack: string): RawStack {
    const read = (file: string) => fs.readFileSync(path.join(projectDir, file), "utf8");
    return fromTexts(stack, { project: read("Pulumi.yaml"), stack: read(`Pulumi.${stack}.yaml`) });
}
