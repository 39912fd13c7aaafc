/**
 * The user's `Pulumi.<stack>.yaml` stays as they wrote it. The CLI rewrites the whole file
 * whenever it saves a stack's settings, and it saves them when `pulumi stack init` (the Automation
 * API's createOrSelectStack for a new stack) sets up the passphrase secrets manager: it appends
 * `encryptionsalt` and, in re-serializing, turns typed values into strings (`3600` into `"3600"`,
 * `true` into `"true"`), as seen with the CLI v3.274.1 (test/e2e/driver.test.ts shows it). The
 * driver puts the user's text back and keeps only the secrets-provider settings the engine added,
 * which the stack needs from then on.
 */
import * as fs from "fs";
import * as path from "path";

/** Top-level keys the engine writes for a stack's secrets provider (Pulumi's ProjectStack). */
const SECRETS_KEYS = ["secretsprovider", "encryptedkey", "encryptionsalt"];

function topLevel(text: string, key: string): string | undefined {
    return new RegExp(`^${key}:[ \\t]*(\\S.*)$`, "m").exec(text)?.[1].trim();
}

/**
 * The user's text, with the secrets-provider settings the engine added to it appended (never
 * changing one the user had), and the names of those added.
 */
export function restoreStackFile(before: string, after: string): { text: string; added: string[] } {
    const added = SECRETS_KEYS.filter(
        (k) => topLevel(before, k) === undefined && topLevel(after, k) !== undefined,
    );
    if (added.length === 0) {
        return { text: before, added };
    }
    const base = before === "" || before.endsWith("\n") ? before : `${before}\n`;
    return { text: base + added.map((k) => `${k}: ${topLevel(after, k)}\n`).join(""), added };
}

/**
 * Whether a stack encrypts its secrets with a passphrase: yes unless its file names another
 * secrets provider (`secretsprovider: awskms://...`), which the CLI then uses (pulumi/pulumi
 * pkg/cmd/pulumi/stack/secrets.go, GetSecretsManager).
 */
export function usesPassphrase(projectDir: string, stack: string): boolean {
    const text = read(path.join(projectDir, `Pulumi.${stack}.yaml`)) ?? "";
    const provider = topLevel(text, "secretsprovider")?.replace(/^["']|["']$/g, "");
    return provider === undefined || provider === "passphrase" || provider === "default";
}

function read(file: string): string | undefined {
    try {
        return fs.readFileSync(file, "utf8");
    } catch {
        return undefined;
    }
}

/**
 * Runs `operation`, then restores `Pulumi.<stack>.yaml` if the engine rewrote it, calling
 * `onAdded` with the secrets-provider settings it had to keep.
 */
export async function keepingStackFile<T>(
    projectDir: string,
    stack: string,
    operation: () => Promise<T>,
    onAdded: (file: string, keys: string[]) => void,
): Promise<T> {
    const file = path.join(projectDir, `Pulumi.${stack}.yaml`);
    const before = read(file);
    try {
        return await operation();
    } finally {
        const after = read(file);
        if (before !== undefined && after !== undefined && after !== before) {
            const { text, added } = restoreStackFile(before, after);
            fs.writeFileSync(file, text);
            if (added.length > 0) {
                onAdded(file, added);
            }
        }
    }
}
