/**
 * The stack's configuration: one typed, validated object, built before any resource is declared.
 * Every problem is reported at once, each naming the config key, the bad value and what is
 * accepted, so `pulumi preview` fails fast and nothing is half-applied.
 */
import * as pulumi from "@pulumi/pulumi";
import { Partition, partitionOfRegion } from "./policies/iam";
import { OutputScope } from "./policies/instance";
import {
    CommandDocumentSpec,
    DocumentParameter,
    referencedParameters,
    unconstrainedReason,
} from "./policies/ssmDocument";

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
    users: "array",
    documents: "array",
    operatorAccess: "object",
    useManagedUserPolicies: "boolean",
    pgpPublicKey: "string",
    relaunch: "array",
    privateNetwork: "object",
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

export const ACCESS_LEVELS = ["admin", "read-only", "operator"] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

export interface UserConfig {
    name: string;
    level: AccessLevel;
    /** Access key slots (at most two): adding a slot and later removing the old one rotates. */
    accessKeys: string[];
}

export interface OperatorAccessConfig {
    /** Names of documents (declared in `documents`) operators may run. */
    documents: string[];
    /** Operators may target only instances carrying this tag. */
    instanceTag: { key: string; value: string };
}

export interface RunCommandConfig {
    users: UserConfig[];
    documents: CommandDocumentSpec[];
    operatorAccess?: OperatorAccessConfig;
    /** Admins get AmazonSSMFullAccess instead of the guide's policy. */
    useManagedUserPolicies: boolean;
    /** Base64 of the binary OpenPGP public key, the form IAM's CreateAccessKey PGP option takes. */
    pgpKey?: string;
}

export interface RelaunchConfig {
    instanceId: string;
    instanceType?: string;
    subnetId?: string;
    /** Launch into the stack's private network (its first isolated subnet and instance security group). */
    privateNetwork: boolean;
    noReboot: boolean;
    kmsKeyId?: string;
}

export interface StackConfig {
    stack: string;
    region: string;
    partition: Partition;
    tags: Record<string, string>;
    instanceAccess: InstanceAccessConfig;
    runCommand: RunCommandConfig;
    relaunch: RelaunchConfig[];
    privateNetwork?: PrivateNetworkConfig;
}

export interface PrivateNetworkConfig {
    cidrBlock: string;
    availabilityZones: number;
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
    fail(key: string, value: unknown, accepted: string, shown: string = show(value)): undefined {
        this.problems.push(`${this.qualified(key)} = ${shown}: ${accepted}`);
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
        return this.map(key, value);
    }

    /** `value` as a map, or a problem recorded under `key` when it is not one. */
    map(key: string, value: unknown): Record<string, unknown> | undefined {
        if (typeof value !== "object" || value === null || Array.isArray(value)) {
            return this.fail(key, value, "must be a map (YAML mapping)");
        }
        return value as Record<string, unknown>;
    }
}

/** A value as it appears in an error: strings quoted, long values cut, key material never shown. */
export function show(value: unknown): string {
    const text = JSON.stringify(value) ?? String(value);
    if (text.includes("-----BEGIN PGP")) {
        return "(an OpenPGP key block, not shown)";
    }
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

const USER_NAME_MAX = 64;
const KEY_SLOT = /^[a-z0-9][a-z0-9-]{0,31}$/;
const DOCUMENT_NAME = /^[A-Za-z0-9_.-]{3,128}$/;
const RESERVED_DOCUMENT_PREFIX = /^(aws|amazon|amzn)/i;

function users(v: Validator, raw: RawConfig): UserConfig[] {
    const seen = new Set<string>();
    const out: UserConfig[] = [];
    v.array(raw, "users").forEach((item, i) => {
        const at = `users[${i}]`;
        const u = v.map(at, item);
        if (!u) {
            return;
        }
        const name = u.name;
        if (typeof name !== "string" || !IAM_NAME.test(name) || name.length > USER_NAME_MAX) {
            v.fail(
                `${at}.name`,
                name,
                `must be an IAM user name: 1-${USER_NAME_MAX} characters of letters, digits and +=,.@_-`,
            );
            return;
        }
        if (seen.has(name.toLowerCase())) {
            v.fail(
                `${at}.name`,
                name,
                "is listed twice (IAM user names are case-insensitive): remove the duplicate",
            );
        }
        seen.add(name.toLowerCase());
        const level = u.level;
        if (typeof level !== "string" || !ACCESS_LEVELS.includes(level as AccessLevel)) {
            v.fail(
                `${at}.level`,
                level,
                `must be one of ${ACCESS_LEVELS.map((l) => `"${l}"`).join(", ")}`,
            );
            return;
        }
        const slots = u.accessKeys ?? [];
        if (!Array.isArray(slots)) {
            v.fail(`${at}.accessKeys`, slots, 'must be a list of key slot names, e.g. ["2026-11"]');
            return;
        }
        if (slots.length > 2) {
            v.fail(
                `${at}.accessKeys`,
                slots,
                "has more than two slots; AWS allows two access keys per user: remove the oldest slot",
            );
        }
        const bad = slots.find((slot) => typeof slot !== "string" || !KEY_SLOT.test(slot));
        if (bad !== undefined) {
            v.fail(
                `${at}.accessKeys`,
                bad,
                "slot names are 1-32 lowercase letters, digits and hyphens, e.g. 2026-11",
            );
        }
        if (new Set(slots).size !== slots.length) {
            v.fail(
                `${at}.accessKeys`,
                slots,
                "lists a slot twice: each slot is one key, give each a distinct name",
            );
        }
        out.push({ name, level: level as AccessLevel, accessKeys: slots as string[] });
    });
    return out;
}

function parameter(v: Validator, at: string, value: unknown): DocumentParameter | undefined {
    const p = v.map(at, value);
    if (!p) {
        return undefined;
    }
    const type = p.type ?? "String";
    if (type !== "String" && type !== "Integer" && type !== "Boolean") {
        return v.fail(`${at}.type`, type, 'must be "String", "Integer" or "Boolean"');
    }
    if (typeof p.description !== "string" || p.description === "") {
        return v.fail(`${at}.description`, p.description, "must say what the parameter is for");
    }
    const allowedValues = p.allowedValues;
    if (
        allowedValues !== undefined &&
        (!Array.isArray(allowedValues) || allowedValues.some((a) => typeof a !== "string"))
    ) {
        return v.fail(`${at}.allowedValues`, allowedValues, "must be a list of strings");
    }
    const param: DocumentParameter = {
        type,
        description: p.description,
        ...(allowedValues ? { allowedValues: allowedValues as string[] } : {}),
        ...(typeof p.allowedPattern === "string" ? { allowedPattern: p.allowedPattern } : {}),
        ...(typeof p.default === "string" ? { default: p.default } : {}),
    };
    const reason = unconstrainedReason(param);
    if (reason) {
        return v.fail(
            at,
            value,
            `${reason}: operators must not pass arbitrary text to a root shell. Give allowedValues, or an anchored allowedPattern such as "^[a-z0-9-]{1,32}$"`,
        );
    }
    return param;
}

function documents(v: Validator, raw: RawConfig): CommandDocumentSpec[] {
    const out: CommandDocumentSpec[] = [];
    v.array(raw, "documents").forEach((item, i) => {
        const at = `documents[${i}]`;
        const d = v.map(at, item);
        if (!d) {
            return;
        }
        const name = d.name;
        if (
            typeof name !== "string" ||
            !DOCUMENT_NAME.test(name) ||
            RESERVED_DOCUMENT_PREFIX.test(name)
        ) {
            v.fail(
                `${at}.name`,
                name,
                "must be 3-128 letters, digits and _-. and not start with AWS, Amazon or AMZN (reserved by AWS)",
            );
            return;
        }
        const platform = d.platform ?? "Linux";
        if (platform !== "Linux" && platform !== "Windows") {
            v.fail(`${at}.platform`, platform, 'must be "Linux" or "Windows"');
            return;
        }
        const commands = d.commands;
        if (
            !Array.isArray(commands) ||
            commands.length === 0 ||
            commands.some((c) => typeof c !== "string")
        ) {
            v.fail(`${at}.commands`, commands, "must be a non-empty list of command lines");
            return;
        }
        const rawParams = v.map(`${at}.parameters`, d.parameters ?? {}) ?? {};
        const parameters: Record<string, DocumentParameter> = {};
        for (const [pname, pvalue] of Object.entries(rawParams)) {
            const param = parameter(v, `${at}.parameters.${pname}`, pvalue);
            if (param) {
                parameters[pname] = param;
            }
        }
        for (const ref of referencedParameters(commands as string[])) {
            if (!(ref in rawParams)) {
                v.fail(
                    `${at}.commands`,
                    `{{ ${ref} }}`,
                    `uses parameter "${ref}", which the document does not declare under parameters`,
                );
            }
        }
        out.push({
            name,
            description: typeof d.description === "string" ? d.description : `${name} (ssm-access)`,
            platform,
            parameters,
            commands: commands as string[],
        });
    });
    return out;
}

function operatorAccess(
    v: Validator,
    raw: RawConfig,
    docs: CommandDocumentSpec[],
    needed: boolean,
): OperatorAccessConfig | undefined {
    const o = v.object(raw, "operatorAccess");
    if (!needed) {
        return undefined;
    }
    const names = o?.documents;
    if (!Array.isArray(names) || names.length === 0) {
        return v.fail(
            "operatorAccess.documents",
            names,
            "operators need the names of the documents they may run (declared under ssm-access:documents)",
        );
    }
    const declared = new Set(docs.map((d) => d.name));
    for (const name of names) {
        if (typeof name !== "string" || !declared.has(name)) {
            v.fail(
                "operatorAccess.documents",
                name,
                `is not a document this stack declares; operators run only declared, constrained documents (declared: ${[...declared].join(", ") || "none"})`,
            );
        }
    }
    const tag = o?.instanceTag as { key?: unknown; value?: unknown } | undefined;
    if (
        !tag ||
        typeof tag.key !== "string" ||
        tag.key === "" ||
        typeof tag.value !== "string" ||
        tag.value === ""
    ) {
        return v.fail(
            "operatorAccess.instanceTag",
            tag,
            'operators need the tag of the instances they may target, e.g. { key: "ssm-access:operators", value: "web" }',
        );
    }
    return { documents: names as string[], instanceTag: { key: tag.key, value: tag.value } };
}

function runCommand(v: Validator, raw: RawConfig): Omit<RunCommandConfig, "pgpKey"> {
    const userList = users(v, raw);
    const docs = documents(v, raw);
    return {
        users: userList,
        documents: docs,
        operatorAccess: operatorAccess(
            v,
            raw,
            docs,
            userList.some((u) => u.level === "operator"),
        ),
        useManagedUserPolicies: v.boolean(raw, "useManagedUserPolicies", false),
    };
}

/**
 * The PGP public key for access key secrets, as IAM wants it (base64 of the binary key). The
 * value is never echoed in an error: a pasted private key must not end up in a log.
 */
async function pgpKey(v: Validator, raw: RawConfig): Promise<string | undefined> {
    const armored = v.string(raw, "pgpPublicKey");
    if (armored === undefined) {
        return undefined;
    }
    const shown = `(${armored.length} characters, not shown)`;
    if (/PRIVATE KEY/.test(armored)) {
        return v.fail(
            "pgpPublicKey",
            armored,
            "is a PRIVATE key: remove it from config now and give the public key (gpg --export --armor KEYID)",
            shown,
        );
    }
    // Loaded only when a key is configured: most stacks have none.
    const openpgp = await import("openpgp");
    try {
        const key = await openpgp.readKey({ armoredKey: armored });
        if (key.isPrivate()) {
            return v.fail(
                "pgpPublicKey",
                armored,
                "is a private key: give the public key (gpg --export --armor KEYID)",
                shown,
            );
        }
        return Buffer.from(key.toPublic().write()).toString("base64");
    } catch (err) {
        return v.fail(
            "pgpPublicKey",
            armored,
            `is not an armored OpenPGP public key (${(err as Error).message}): paste the output of gpg --export --armor KEYID`,
            shown,
        );
    }
}

const INSTANCE_ID = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
const SUBNET_ID = /^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const KMS_KEY =
    /^(?:arn:(aws|aws-cn|aws-us-gov):kms:[a-z0-9-]+:\d{12}:(?:key\/[0-9a-f-]{36}|alias\/[\w/-]+)|alias\/[\w/-]+)$/;

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

function privateNetwork(v: Validator, raw: RawConfig): PrivateNetworkConfig | undefined {
    const n = v.object(raw, "privateNetwork");
    if (!n || Object.keys(n).length === 0) {
        return undefined;
    }
    const m = typeof n.cidrBlock === "string" ? CIDR.exec(n.cidrBlock) : null;
    const prefix = m ? Number(m[5]) : NaN;
    if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || prefix < 16 || prefix > 28) {
        return v.fail(
            "privateNetwork.cidrBlock",
            n.cidrBlock,
            'must be an IPv4 CIDR from /16 to /28, e.g. "10.40.0.0/16"',
        );
    }
    const zones = n.availabilityZones ?? 2;
    if (typeof zones !== "number" || !Number.isInteger(zones) || zones < 1 || zones > 6) {
        return v.fail(
            "privateNetwork.availabilityZones",
            zones,
            "must be a whole number from 1 to 6",
        );
    }
    return { cidrBlock: n.cidrBlock as string, availabilityZones: zones };
}

function relaunch(
    v: Validator,
    raw: RawConfig,
    mode: InstanceMode,
    partition: Partition,
    network: boolean,
): RelaunchConfig[] {
    const items = v.array(raw, "relaunch");
    if (items.length > 0 && mode === "none") {
        v.fail(
            "relaunch",
            items.map((r) => (r as { instanceId?: unknown })?.instanceId),
            'relaunches onto the instance profile, but instanceMode "none" creates none: set instanceMode to managed or guide',
        );
    }
    const seen = new Set<string>();
    const out: RelaunchConfig[] = [];
    items.forEach((item, i) => {
        const at = `relaunch[${i}]`;
        const r = v.map(at, item);
        if (!r) {
            return;
        }
        const field = (key: string, pattern: RegExp, accepted: string): string | undefined => {
            const value = r[key];
            if (value === undefined || value === "") {
                return undefined;
            }
            if (typeof value !== "string" || !pattern.test(value)) {
                return v.fail(`${at}.${key}`, value, accepted);
            }
            return value;
        };
        const instanceId = field(
            "instanceId",
            INSTANCE_ID,
            "must be an EC2 instance id: i- and 8 or 17 hex digits",
        );
        if (!instanceId) {
            if (r.instanceId === undefined) {
                v.fail(
                    `${at}.instanceId`,
                    undefined,
                    "is required: the id of the running instance to relaunch",
                );
            }
            return;
        }
        if (seen.has(instanceId)) {
            v.fail(`${at}.instanceId`, instanceId, "is listed twice: relaunch each instance once");
        }
        seen.add(instanceId);
        const kmsKeyId = field(
            "kmsKeyId",
            KMS_KEY,
            "must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/UUID), an alias ARN or alias/NAME",
        );
        const kmsPartition = kmsKeyId ? KMS_KEY.exec(kmsKeyId)?.[1] : undefined;
        if (kmsPartition && kmsPartition !== partition) {
            v.fail(
                `${at}.kmsKeyId`,
                kmsKeyId,
                `is in partition "${kmsPartition}" but the stack's region is in "${partition}"`,
            );
        }
        const inNetwork = r.privateNetwork ?? false;
        if (typeof inNetwork !== "boolean") {
            v.fail(`${at}.privateNetwork`, inNetwork, "must be true or false");
        } else if (inNetwork && !network) {
            v.fail(
                `${at}.privateNetwork`,
                inNetwork,
                "needs ssm-access:privateNetwork (its cidrBlock) to be configured",
            );
        } else if (inNetwork && r.subnetId) {
            v.fail(
                `${at}.subnetId`,
                r.subnetId,
                "cannot be set with privateNetwork: true, which picks the private subnet",
            );
        }
        const noReboot = r.noReboot ?? false;
        if (typeof noReboot !== "boolean") {
            v.fail(`${at}.noReboot`, noReboot, "must be true or false");
        }
        out.push({
            instanceId,
            instanceType: field(
                "instanceType",
                INSTANCE_TYPE,
                "must be an EC2 instance type such as t3.micro or m7g.large",
            ),
            subnetId: field(
                "subnetId",
                SUBNET_ID,
                "must be a subnet id: subnet- and 8 or 17 hex digits",
            ),
            privateNetwork: inNetwork === true,
            noReboot: noReboot === true,
            kmsKeyId,
        });
    });
    return out;
}

/**
 * Validates raw configuration into a StackConfig, or throws one ConfigError listing every
 * problem. `region` is the stack's aws:region.
 */
export async function parseStackConfig(
    stack: string,
    region: unknown,
    raw: RawConfig,
): Promise<StackConfig> {
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
    const access = instanceAccess(v, raw, partition);
    const network = privateNetwork(v, raw);
    const config: StackConfig = {
        stack,
        region: typeof region === "string" ? region : "",
        partition,
        tags: tags(v, raw),
        instanceAccess: access,
        runCommand: {
            ...runCommand(v, raw),
            pgpKey: await pgpKey(v, raw),
        },
        relaunch: relaunch(v, raw, access.mode, partition, network !== undefined),
        privateNetwork: network,
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

export function loadStackConfig(): Promise<StackConfig> {
    const { region, raw } = readRawConfig();
    return parseStackConfig(pulumi.getStack(), region, raw);
}
