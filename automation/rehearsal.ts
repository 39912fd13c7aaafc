/**
 * Rehearsal on an emulator (`--emulator URL`: a moto server or LocalStack). The driver runs the
 * stacks with the real engine and the real `aws` provider, pointed at the emulator by exactly the
 * provider settings that do so, with dummy credentials, in a backend of its own. The user's stack
 * files, backend, passphrase and AWS credentials are never used: the engine works on copies of the
 * stack files in `.pulumi-rehearsal/work/` (git-ignored), where the emulator settings are added.
 */
import * as fs from "fs";
import * as path from "path";
import type * as awsConfig from "@pulumi/aws/config/vars";
import type { ProviderEndpoint } from "@pulumi/aws/types/input";
import { isMap, parseDocument } from "yaml";
import type { BackendChoice } from "./backend";
import { restoreStackFile } from "./stackFile";
import { discoverStacks } from "./stacks";

/** The rehearsal's folder inside the project (git-ignored). */
export const REHEARSAL_DIR = ".pulumi-rehearsal";
/** Encrypts only the rehearsal's dummy data, so it can be written here and printed. */
export const REHEARSAL_PASSPHRASE = "rehearsal";
/** The credentials moto's documentation uses; LocalStack accepts any. */
export const DUMMY_KEY = "testing";

/**
 * The services whose endpoint is the emulator: every `aws.<module>` the program uses (ec2, iam,
 * kms, ssm; test/automation/rehearsal.test.ts keeps this list complete) and STS, which the program
 * calls through `aws.getCallerIdentity`. Each name is a key of the provider's `ProviderEndpoint`
 * (@pulumi/aws 7.48.0 types/input.d.ts), so the type checker refuses a misspelt one.
 */
export const EMULATED_SERVICES: readonly (keyof ProviderEndpoint)[] = [
    "ec2",
    "iam",
    "kms",
    "ssm",
    "sts",
];

type AwsSetting = keyof typeof awsConfig;

/**
 * The settings that point the `aws` provider at an emulator, as the provider names them
 * (@pulumi/aws 7.48.0 config/vars.d.ts; the same as terraform-provider-aws's custom service
 * endpoints guide and LocalStack's Pulumi guide): `endpoints` (a list of one map of service to
 * URL), no credential validation (no STS call to check the keys), no account-id lookup, no EC2
 * instance metadata lookup, path-style S3 addresses (emulators serve buckets on one host), and
 * dummy keys.
 */
export function emulatorSettings(endpoint: string): Record<`aws:${AwsSetting}`, unknown> {
    const settings: Partial<Record<AwsSetting, unknown>> = {
        endpoints: [Object.fromEntries(EMULATED_SERVICES.map((s) => [s, endpoint]))],
        skipCredentialsValidation: true,
        skipRequestingAccountId: true,
        skipMetadataApiCheck: true,
        s3UsePathStyle: true,
        accessKey: DUMMY_KEY,
        secretKey: DUMMY_KEY,
    };
    return Object.fromEntries(Object.entries(settings).map(([k, v]) => [`aws:${k}`, v])) as Record<
        `aws:${AwsSetting}`,
        unknown
    >;
}

/**
 * Settings of a user's stack file left out of the rehearsal: those that would find real
 * credentials or accounts (a profile, shared files, a role to assume, a session token, account
 * allow/deny lists the emulator's account would fail), and the secrets-provider keys, which belong
 * to the user's passphrase or key.
 */
const REAL_AWS_SETTINGS: `aws:${AwsSetting}`[] = [
    "aws:profile",
    "aws:sharedConfigFiles",
    "aws:sharedCredentialsFiles",
    "aws:assumeRoles",
    "aws:assumeRoleWithWebIdentity",
    "aws:token",
    "aws:allowedAccountIds",
    "aws:forbiddenAccountIds",
];
const SECRETS_PROVIDER_KEYS = ["secretsprovider", "encryptedkey", "encryptionsalt"];

/**
 * The rehearsal's copy of a user's stack file: the user's settings, less those that would reach
 * real AWS and the `secure:` values (encrypted for the user's passphrase or key), plus the
 * emulator settings. Returns the text and the settings left out, to name them.
 */
export function rehearsalStackFile(
    userText: string,
    endpoint: string,
): { text: string; leftOut: string[] } {
    const doc = parseDocument(userText);
    const leftOut: string[] = [];
    for (const key of SECRETS_PROVIDER_KEYS) {
        if (doc.has(key)) {
            doc.delete(key);
        }
    }
    const config = doc.get("config");
    if (isMap(config)) {
        for (const pair of [...config.items]) {
            const key = String((pair.key as { value?: unknown })?.value ?? pair.key);
            const value = pair.value;
            const secure = isMap(value) && value.has("secure");
            if (REAL_AWS_SETTINGS.includes(key as `aws:${AwsSetting}`) || secure) {
                config.delete(key);
                leftOut.push(secure ? `${key} (secret)` : key);
            }
        }
    } else {
        doc.set("config", doc.createNode({}));
    }
    for (const [key, value] of Object.entries(emulatorSettings(endpoint))) {
        doc.setIn(["config", key], doc.createNode(value));
    }
    return { text: doc.toString(), leftOut };
}

/**
 * The environment the engine runs in: no AWS variable of the user's (credentials, profile,
 * region, endpoints), the dummy keys, no instance-metadata lookups, the rehearsal's passphrase.
 */
export function rehearsalEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    const kept = Object.entries(env).filter(
        ([k]) => !k.startsWith("AWS_") && !k.startsWith("PULUMI_CONFIG_PASSPHRASE"),
    );
    return {
        ...Object.fromEntries(kept),
        AWS_ACCESS_KEY_ID: DUMMY_KEY,
        AWS_SECRET_ACCESS_KEY: DUMMY_KEY,
        AWS_EC2_METADATA_DISABLED: "true",
        PULUMI_CONFIG_PASSPHRASE: REHEARSAL_PASSPHRASE,
    };
}

export interface Rehearsal {
    /** Where the engine works: Pulumi.yaml and the rehearsal's stack files. */
    workDir: string;
    backend: BackendChoice;
    env: NodeJS.ProcessEnv;
    /** What to tell the user: the emulator, where the state is, what was left out. */
    notice: string;
}

/**
 * Writes the rehearsal's work folder from the project: Pulumi.yaml as it is, and every stack file
 * rewritten for the emulator, keeping the secrets-provider settings the engine gave the
 * rehearsal's own stack on an earlier run.
 */
export function prepareRehearsal(
    projectDir: string,
    endpoint: string,
    env: NodeJS.ProcessEnv,
): Rehearsal {
    const root = path.join(projectDir, REHEARSAL_DIR);
    const workDir = path.join(root, "work");
    const stateDir = path.join(root, "state");
    fs.mkdirSync(workDir, { recursive: true });
    fs.mkdirSync(stateDir, { recursive: true });
    fs.copyFileSync(path.join(projectDir, "Pulumi.yaml"), path.join(workDir, "Pulumi.yaml"));
    const lines = [
        `Rehearsal on the emulator ${endpoint} with dummy credentials: state in ${stateDir} ` +
            `(passphrase "${REHEARSAL_PASSPHRASE}"); your stack files, backend and AWS credentials are not used.`,
    ];
    for (const stack of discoverStacks(projectDir)) {
        const file = `Pulumi.${stack}.yaml`;
        const { text, leftOut } = rehearsalStackFile(
            fs.readFileSync(path.join(projectDir, file), "utf8"),
            endpoint,
        );
        const target = path.join(workDir, file);
        const earlier = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : "";
        fs.writeFileSync(target, restoreStackFile(text, earlier).text);
        if (leftOut.length > 0) {
            lines.push(`${stack}: left out of the rehearsal: ${leftOut.join(", ")}`);
        }
    }
    return {
        workDir,
        backend: { url: `file://${stateDir}`, source: "--emulator" },
        env: rehearsalEnv(env),
        notice: `${lines.join("\n")}\n`,
    };
}
