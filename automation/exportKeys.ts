/**
 * `export-keys`: each Run Command user's access keys for one stack, written encrypted to an
 * OpenPGP recipient (an armored file per user that `gpg --decrypt` opens), or, only when asked
 * with --plaintext, as an AWS credentials file with mode 0600. Never to stdout.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as openpgp from "openpgp";
import * as path from "path";
import type { StackOutputValues } from "../program";
import { DriverError } from "./errors";

export interface ExportedKey {
    user: string;
    slot: string;
    accessKeyId: string;
    /** Plaintext secret, when the stack has no PGP key. */
    secret?: string;
    /** The secret encrypted to the stack's PGP key by the provider (base64 OpenPGP), when it has one. */
    encryptedSecret?: string;
}

export interface WrittenFile {
    user: string;
    path: string;
    format: "openpgp-armored" | "openpgp-binary" | "aws-credentials";
}

/** The keys in a stack's runCommandUsers output (see README for the shape). */
export function keysFromOutputs(stack: string, outputs: Record<string, unknown>): ExportedKey[] {
    // The shape the program declares (program.ts), as the engine hands it back.
    const users = outputs.runCommandUsers as StackOutputValues["runCommandUsers"] | undefined;
    if (!users) {
        throw new DriverError(
            `Stack "${stack}" has no runCommandUsers output: run \`up\` for it first.`,
        );
    }
    const keys: ExportedKey[] = [];
    for (const [user, u] of Object.entries(users)) {
        for (const [slot, k] of Object.entries(u.accessKeys ?? {})) {
            if (!k.accessKeyId) {
                continue;
            }
            keys.push({
                user,
                slot,
                accessKeyId: k.accessKeyId,
                secret: k.secret,
                encryptedSecret: k.encryptedSecret,
            });
        }
    }
    return keys;
}

/** An AWS shared-credentials profile per key: [<stack>-<user>-<slot>]. */
export function credentialsFile(stack: string, keys: ExportedKey[]): string {
    return keys
        .map(
            (k) =>
                `[${stack}-${k.user}-${k.slot}]\naws_access_key_id = ${k.accessKeyId}\naws_secret_access_key = ${k.secret}\n`,
        )
        .join("\n");
}

/** Writes `content` to a new file readable only by its owner (0600), replacing any old one. */
function writePrivate(file: string, content: string | Uint8Array): void {
    fs.rmSync(file, { force: true });
    const fd = fs.openSync(
        file,
        fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL,
        0o600,
    );
    try {
        fs.writeSync(fd, typeof content === "string" ? Buffer.from(content) : content);
    } finally {
        fs.closeSync(fd);
    }
    fs.chmodSync(file, 0o600);
}

export interface ExportOptions {
    stack: string;
    outDir: string;
    /** Armored OpenPGP public key of the recipient. */
    recipientArmored?: string;
    plaintext: boolean;
    /** Write plaintext inside a git work tree even where git does not ignore it. */
    force?: boolean;
}

/** The nearest existing folder at or above `dir`. */
function existingAncestor(dir: string): string {
    let d = path.resolve(dir);
    while (!fs.existsSync(d)) {
        d = path.dirname(d);
    }
    return d;
}

function git(cwd: string, args: string[]): boolean {
    try {
        execFileSync("git", args, { cwd, stdio: "ignore" });
        return true;
    } catch {
        return false;
    }
}

/**
 * Refuses a plaintext credentials file that git could pick up: inside a work tree, the file must
 * be ignored, unless `force`. git-check-ignore(1): exit status 0 when the path is ignored, 1 when
 * not; a tracked file is never reported ignored, since exclude rules do not apply to it.
 */
export function checkPlaintextTarget(file: string, force: boolean): void {
    const dir = existingAncestor(path.dirname(file));
    if (force || !git(dir, ["rev-parse", "--is-inside-work-tree"])) {
        return;
    }
    if (!git(dir, ["check-ignore", "-q", path.resolve(file)])) {
        throw new DriverError(
            `--plaintext: ${file} is inside a git work tree and not ignored, so the credentials could be committed. ` +
                "Write them outside the work tree, add the path to .gitignore, use --recipient, or pass --force.",
        );
    }
}

export async function exportKeys(keys: ExportedKey[], opts: ExportOptions): Promise<WrittenFile[]> {
    if (opts.plaintext) {
        checkPlaintextTarget(
            path.join(opts.outDir, `${opts.stack}-credentials`),
            opts.force ?? false,
        );
    }
    fs.mkdirSync(opts.outDir, { recursive: true, mode: 0o700 });
    const written: WrittenFile[] = [];
    if (opts.plaintext) {
        const plain = keys.filter((k) => k.secret);
        if (plain.length > 0) {
            const file = path.join(opts.outDir, `${opts.stack}-credentials`);
            writePrivate(file, credentialsFile(opts.stack, plain));
            written.push(
                ...[...new Set(plain.map((k) => k.user))].map((user) => ({
                    user,
                    path: file,
                    format: "aws-credentials" as const,
                })),
            );
        }
    }
    let recipient: openpgp.Key | undefined;
    if (opts.recipientArmored) {
        try {
            recipient = await openpgp.readKey({ armoredKey: opts.recipientArmored });
        } catch (err) {
            throw new DriverError(
                `--recipient: not an armored OpenPGP public key (${(err as Error).message}); export one with gpg --export --armor KEYID`,
            );
        }
        if (recipient.isPrivate()) {
            throw new DriverError(
                "--recipient: that is a private key; give the recipient's public key (gpg --export --armor KEYID)",
            );
        }
        const byUser = new Map<string, ExportedKey[]>();
        for (const k of keys.filter((key) => key.secret)) {
            byUser.set(k.user, [...(byUser.get(k.user) ?? []), k]);
        }
        for (const [user, userKeys] of byUser) {
            const armored = await openpgp.encrypt({
                message: await openpgp.createMessage({
                    text: credentialsFile(opts.stack, userKeys),
                }),
                encryptionKeys: recipient,
            });
            const file = path.join(opts.outDir, `${opts.stack}-${user}.asc`);
            writePrivate(file, armored as string);
            written.push({ user, path: file, format: "openpgp-armored" });
        }
    }
    // Keys the provider encrypted to the stack's own PGP key: written as they are, openable with gpg.
    for (const k of keys.filter((key) => key.encryptedSecret)) {
        const file = path.join(opts.outDir, `${opts.stack}-${k.user}-${k.slot}-secret.gpg`);
        writePrivate(file, Buffer.from(k.encryptedSecret!, "base64"));
        written.push({ user: k.user, path: file, format: "openpgp-binary" });
    }
    return written;
}
