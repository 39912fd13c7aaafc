/**
 * The sandbox's edits of stack files: a team's file made usable with the sandbox's own passphrase
 * (its secrets-provider settings and `secure:` values dropped), and the `aws` provider's settings
 * that point a stack at the emulator, added with the yaml document API so every other line stays
 * as the team wrote it. Sandbox (sandbox.ts) applies them to the project copy; tests use them on
 * stack files of their own.
 */
import * as fs from "fs";
import * as yaml from "js-yaml";
import { parseDocument } from "yaml";

/** Top-level settings of a stack's secrets provider, tied to the team's passphrase or key. */
const SECRETS_PROVIDER_KEYS = ["encryptionsalt", "encryptedkey", "secretsprovider"];

/**
 * A team's stack file for the sandbox, which has its own passphrase: without the secrets-provider
 * settings (made with the team's passphrase, so the sandbox's would be "wrong") and without the
 * `secure:` values they encrypted. A file with neither is copied byte for byte.
 */
export function sandboxStackFile(text: string): string {
    const doc = (yaml.load(text) ?? {}) as { config?: Record<string, unknown> } & Record<
        string,
        unknown
    >;
    const secure = Object.entries(doc.config ?? {}).filter(
        ([, v]) => v !== null && typeof v === "object" && "secure" in v,
    );
    const salted = SECRETS_PROVIDER_KEYS.filter((k) => k in doc);
    if (secure.length === 0 && salted.length === 0) {
        return text;
    }
    for (const k of salted) {
        delete doc[k];
    }
    for (const [k] of secure) {
        delete doc.config![k];
    }
    return yaml.dump(doc);
}

/** The services the program's resources and lookups use: each gets the emulator's endpoint. */
const SERVICES = ["iam", "ec2", "ssm", "sts", "kms"];

/**
 * The `aws` provider settings that point it at an emulator: the ones the Pulumi AWS provider
 * documents for this (`@pulumi/aws` config/vars.d.ts: endpoints, skipCredentialsValidation,
 * skipMetadataApiCheck), so the same stack file works with the real provider. Credentials come
 * from the environment (dummy ones, see Sandbox.env).
 */
export function emulatorConfig(endpoint: string): Record<string, unknown> {
    return {
        "aws:endpoints": [Object.fromEntries(SERVICES.map((s) => [s, endpoint]))],
        "aws:skipCredentialsValidation": true,
        "aws:skipMetadataApiCheck": true,
    };
}

/** Adds `settings` to a stack file's config with the yaml document API (comments kept). */
export function addStackConfig(file: string, settings: Record<string, unknown>): void {
    const doc = parseDocument(fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "config: {}\n");
    for (const [key, value] of Object.entries(settings)) {
        doc.setIn(["config", key], doc.createNode(value));
    }
    // Written back as the team wrote it: no padding inside [..] and no folding of long lines, so
    // every line but the added settings stays byte for byte (tests compare stack files as text).
    fs.writeFileSync(file, doc.toString({ flowCollectionPadding: false, lineWidth: 0 }));
}
