/**
 * The stack's configuration: one typed, validated object, built before any resource is declared.
 * Every problem is reported at once, each naming the config key, the bad value and what is
 * accepted, so `pulumi preview` fails fast and nothing is half-applied.
 */
import * as pulumi from "@pulumi/pulumi";
import { Partition, partitionOfRegion } from "./policies/document";
import { OutputScope } from "./policies/instance";

export const PROJECT = "ssm-access";

export const INSTANCE_MODES = ["managed", "guide", "legacy-managed", "none"] as const;
export type InstanceMode = (typeof INSTANCE_MODES)[number];

export type ConfigKind = "string" | "integer" | "boolean" | "array" | "object";

/** Every key this project reads, with the type Pulumi.yaml declares for it. */
export const CONFIG_KEYS = {
    instanceMode: "string",
    existingRoleName: "string",
    existingInstanceProfileName: "string",
    roleName: "string",
    rolePath: "string",
    permissionsBoundaryArn: "string",
    maxSessionDurationSeconds: "integer",
    additionalPolicyArns: "array",
    outputBucket: "string",
    outputKeyPrefix: "string",
    logGroupName: "string",
    defaultHostManagement: "boolean",
    tags: "object",
} as const satisfies Record<string, ConfigKind>;

export type ConfigKey = keyof typeof CONFIG_KEYS;

/** Raw values as read from stack config (keys without the project namespace). */
export type RawConfig = Partial<Record<ConfigKey, unknown>> & Record<string, unknown>;

export interface InstanceAccessConfig {
    mode: InstanceMode;
    existingRoleName?: string;
    existingInstanceProfileName?: string;
    roleName?: string;
    rolePath: string;
    permissionsBoundaryArn?: string;
    maxSessionDurationSeconds?: number;
    additionalPolicyArns: string[];
    output: OutputScope;
    defaultHostManagement: boolean;
}

export interface StackConfig {
    stack: string;
    region: string;
    partition: Partition;
    tags: Record<string, string>;
    instanceAccess: InstanceAccessConfig;
}

/** A configuration problem; `problems` holds one line per bad key. */
export class ConfigError extends pulumi.RunError {
    constructor(
        readonly stack: string,
        readonly problems: string[],
    ) {
        super(
            `Invalid configuration for stack "${stack}" (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
                problems.map((p) => `  - ${p}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

/** Collects problems while values are read, so every bad key is reported in one error. */
export class Validator {
    readonly problems: string[] = [];

    constructor(private readonly namespace: string = PROJECT) {}

    /** Records a problem with `key`, showing the value and what is accepted. */
    fail(key: string, value: unknown, accepted: string): undefined {
        this.problems.push(`${this.qualified(key)} = ${show(value)}: ${accepted}`);
        return undefined;
    }

    qualified(key: string): string {
        return key.includes(":") ? key : `${this.namespace}:${key}`;
    }

    string(raw: RawConfig, key: string, pattern?: RegExp, accepted?: string): string | undefined {
        const value = raw[key];
        if (value === undefined || value === "") {
            return undefined;
        }
        if (typeof value !== "string") {
            return this.fail(key, value, "must be a string");
        }
        if (pattern && !pattern.test(value)) {
            return this.fail(key, value, accepted ?? `must match ${pattern}`);
        }
        return value;
    }

    oneOf<T extends string>(raw: RawConfig, key: string, allowed: readonly T[], fallback: T): T {
        const value = raw[key] ?? fallback;
        if (typeof value !== "string" || !allowed.includes(value as T)) {
            this.fail(key, value, `must be one of ${allowed.map((a) => `"${a}"`).join(", ")}`);
            return fallback;
        }
        return value as T;
    }

    integer(raw: RawConfig, key: string, min: number, max: number): number | undefined {
        const value = raw[key];
        if (value === undefined) {
            return undefined;
        }
        const n = typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : value;
        if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
            return this.fail(key, value, `must be a whole number from ${min} to ${max}`);
        }
        return n;
    }

    boolean(raw: RawConfig, key: string, fallback: boolean): boolean {
        const value = raw[key];
        if (value === undefined) {
            return fallback;
        }
        if (value === true || value === "true") {
            return true;
        }
        if (value === false || value === "false") {
            return false;
        }
        this.fail(key, value, "must be true or false");
        return fallback;
    }

    array(raw: RawConfig, key: string): unknown[] {
        const value = raw[key];
        if (value === undefined) {
            return [];
        }
        if (!Array.isArray(value)) {
            this.fail(key, value, "must be a list (YAML sequence)");
            return [];
        }
        return value;
    }

    object(raw: RawConfig, key: string): Record<string, unknown> | undefined {
        const value = raw[key];
        if (value === undefined) {
            return undefined;
        }
        if (typeof value !== "object" || value === null || Array.isArray(value)) {
            return this.fail(key, value, "must be a map (YAML mapping)");
        }
        return value as Record<string, unknown>;
    }
}

/** A value as it appears in an error: strings quoted, long values cut. */
export function show(value: unknown): string {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

// IAM and S3 naming rules (IAM API reference: CreateRole, CreateInstanceProfile; S3 bucket naming).
export const IAM_NAME = /^[\w+=,.@-]+$/;
const IAM_PATH = /^\/(?:[\x21-\x7E]*\/)?$/;
const POLICY_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}|aws):policy\/[\w+=,.@/-]+$/;
const BUCKET_NAME = /^(?!\d+\.\d+\.\d+\.\d+$)(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const BUCKET_ARN = /^arn:(aws|aws-cn|aws-us-gov):s3:::([^/]+)$/;
const LOG_GROUP = /^[.\-_/#A-Za-z0-9]{1,512}$/;
const KEY_PREFIX = /^[A-Za-z0-9!_.*'()/-]{1,900}$/;
const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

/** Reads an IAM name of at most `max` characters. */
export function iamName(
    v: Validator,
    raw: RawConfig,
    key: string,
    max: number,
): string | undefined {
    const value = v.string(raw, key);
    if (value !== undefined && (!IAM_NAME.test(value) || value.length > max)) {
        return v.fail(key, value, `must be 1-${max} characters of letters, digits and +=,.@_-`);
    }
    return value;
}

function policyArn(
    v: Validator,
    key: string,
    value: unknown,
    partition: Partition,
): string | undefined {
    const m = typeof value === "string" ? POLICY_ARN.exec(value) : null;
    if (!m) {
        return v.fail(
            key,
            value,
            "must be an IAM policy ARN like arn:aws:iam::123456789012:policy/Name",
        );
    }
    if (m[1] !== partition) {
        return v.fail(
            key,
            value,
            `is in partition "${m[1]}" but the stack's region is in "${partition}"`,
        );
    }
    return value as string;
}

function bucket(v: Validator, raw: RawConfig, partition: Partition): string | undefined {
    const value = v.string(raw, "outputBucket");
    if (value === undefined) {
        return undefined;
    }
    const arn = BUCKET_ARN.exec(value);
    if (arn && arn[1] !== partition) {
        return v.fail(
            "outputBucket",
            value,
            `is in partition "${arn[1]}" but the stack's region is in "${partition}"`,
        );
    }
    const name = arn ? arn[2] : value;
    if (!BUCKET_NAME.test(name)) {
        return v.fail(
            "outputBucket",
            value,
            "must be an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens) or its ARN arn:aws:s3:::name",
        );
    }
    return name;
}

function tags(v: Validator, raw: RawConfig): Record<string, string> {
    const value = v.object(raw, "tags") ?? {};
    const out: Record<string, string> = {};
    for (const [k, val] of Object.entries(value)) {
        if (
            typeof val !== "string" ||
            k.length > 128 ||
            val.length > 256 ||
            k.toLowerCase().startsWith("aws:")
        ) {
            v.fail(
                `tags.${k}`,
                val,
                "tag keys are 1-128 characters not starting with aws:, values are strings up to 256",
            );
            continue;
        }
        out[k] = val;
    }
    return out;
}

function instanceAccess(v: Validator, raw: RawConfig, partition: Partition): InstanceAccessConfig {
    const mode = v.oneOf(raw, "instanceMode", INSTANCE_MODES, "managed");
    const existingRoleName = iamName(v, raw, "existingRoleName", 64);
    const roleName = iamName(v, raw, "roleName", 64);
    if (existingRoleName && roleName) {
        v.fail(
            "roleName",
            roleName,
            `cannot be set together with existingRoleName "${existingRoleName}": remove one`,
        );
    }
    if (existingRoleName && mode === "none") {
        v.fail(
            "instanceMode",
            mode,
            "existingRoleName needs a mode that grants SSM permissions: managed, guide or legacy-managed",
        );
    }
    const rolePath = v.string(raw, "rolePath") ?? "/";
    if (!IAM_PATH.test(rolePath) || rolePath.length > 512) {
        v.fail(
            "rolePath",
            rolePath,
            'must start and end with "/" (e.g. "/ssm/"), printable ASCII, at most 512 characters',
        );
    }
    const boundary = v.string(raw, "permissionsBoundaryArn");
    const additional = v.array(raw, "additionalPolicyArns");
    const seen = new Set<string>();
    additional.forEach((arn, i) => {
        if (seen.has(String(arn))) {
            v.fail(`additionalPolicyArns[${i}]`, arn, "is listed twice: remove the duplicate");
        }
        seen.add(String(arn));
        policyArn(v, `additionalPolicyArns[${i}]`, arn, partition);
    });
    const outputBucket = bucket(v, raw, partition);
    let keyPrefix = v.string(
        raw,
        "outputKeyPrefix",
        KEY_PREFIX,
        "must be an S3 key prefix without a leading slash, e.g. run-command/",
    );
    if (keyPrefix?.startsWith("/")) {
        keyPrefix = v.fail(
            "outputKeyPrefix",
            keyPrefix,
            "must not start with a slash; S3 keys have no leading slash",
        );
    }
    if (keyPrefix && !outputBucket) {
        v.fail(
            "outputKeyPrefix",
            keyPrefix,
            "needs outputBucket: set the bucket the prefix belongs to",
        );
    }
    const logGroup = v.string(
        raw,
        "logGroupName",
        LOG_GROUP,
        "must be a log group name: 1-512 of letters, digits and ._-/#",
    );
    const defaultHostManagement = v.boolean(raw, "defaultHostManagement", false);
    const existingInstanceProfileName = iamName(v, raw, "existingInstanceProfileName", 128);
    if (existingInstanceProfileName && mode === "none") {
        v.fail(
            "existingInstanceProfileName",
            existingInstanceProfileName,
            'needs instanceMode other than "none"',
        );
    }
    if (mode === "none" && !defaultHostManagement) {
        v.fail(
            "instanceMode",
            mode,
            "gives instances no way to reach SSM: use managed, guide or legacy-managed, or set defaultHostManagement: true",
        );
    }
    return {
        mode,
        existingRoleName,
        existingInstanceProfileName,
        roleName,
        rolePath,
        permissionsBoundaryArn:
            boundary === undefined
                ? undefined
                : policyArn(v, "permissionsBoundaryArn", boundary, partition),
        maxSessionDurationSeconds: v.integer(raw, "maxSessionDurationSeconds", 3600, 43200),
        additionalPolicyArns: additional.map(String),
        output: {
            bucket: outputBucket,
            keyPrefix: keyPrefix && !keyPrefix.endsWith("/") ? `${keyPrefix}/` : keyPrefix,
            logGroup,
        },
        defaultHostManagement,
    };
}

/**
 * Validates raw configuration into a StackConfig, or throws one ConfigError listing every
 * problem. `region` is the stack's aws:region.
 */
export function parseStackConfig(stack: string, region: unknown, raw: RawConfig): StackConfig {
    const v = new Validator();
    for (const key of Object.keys(raw)) {
        if (!(key in CONFIG_KEYS)) {
            v.fail(
                key,
                raw[key],
                `is not a setting of this project; known settings: ${Object.keys(CONFIG_KEYS).join(", ")}`,
            );
        }
    }
    let partition: Partition = "aws";
    if (typeof region !== "string" || !REGION.test(region)) {
        v.fail(
            "aws:region",
            region,
            "must be an AWS region such as us-east-1: run `pulumi config set aws:region us-east-1`",
        );
    } else {
        partition = partitionOfRegion(region);
    }
    const config: StackConfig = {
        stack,
        region: typeof region === "string" ? region : "",
        partition,
        tags: tags(v, raw),
        instanceAccess: instanceAccess(v, raw, partition),
    };
    if (v.problems.length > 0) {
        throw new ConfigError(stack, v.problems);
    }
    return config;
}

/** Reads this project's keys from the running stack's configuration. */
export function readRawConfig(): { region: unknown; raw: RawConfig } {
    const all = pulumi.runtime.allConfig();
    const raw: RawConfig = {};
    for (const [fullKey, text] of Object.entries(all)) {
        const [ns, key] = fullKey.split(":", 2);
        if (ns !== PROJECT) {
            continue;
        }
        const kind: ConfigKind | undefined = (CONFIG_KEYS as Record<string, ConfigKind>)[key];
        raw[key] = kind === undefined || kind === "string" ? text : parseJson(text);
    }
    return { region: all["aws:region"], raw };
}

function parseJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

export function loadStackConfig(): StackConfig {
    const { region, raw } = readRawConfig();
    return parseStackConfig(pulumi.getStack(), region, raw);
}
