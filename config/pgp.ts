/** The OpenPGP public key access keys are encrypted to (`pgpPublicKey`, and rotate-keys' recipient). */
import type { Key, PublicKey } from "openpgp";

const EXPORT_PUBLIC = "gpg --export --armor KEYID";

/**
 * Why a public key cannot receive a secret now, or undefined when it can. The provider encrypts
 * each new secret to this key right after CreateAccessKey (terraform-provider-aws
 * internal/service/iam/access_key.go, resourceAccessKeyCreate), so a key that cannot encrypt fails
 * `up` after IAM has made the key: refuse it here, before anything is declared.
 */
async function unusableForEncryption(key: PublicKey): Promise<string | undefined> {
    try {
        // Throws unless the primary key is valid now (not expired, not revoked) and it or a subkey
        // is an unexpired, non-revoked key with encryption flags (openpgp Key.getEncryptionKey).
        await key.getEncryptionKey();
        return undefined;
    } catch {
        const fix = `extend it (gpg --quick-set-expire FINGERPRINT 1y, and with '*' after 1y for its subkeys) or use another key, and give ${EXPORT_PUBLIC} again`;
        if (await key.isRevoked()) {
            return `is revoked: give a key that is not, exported with ${EXPORT_PUBLIC}`;
        }
        const expires = await key.getExpirationTime();
        if (expires instanceof Date && expires.getTime() <= Date.now()) {
            return `expired on ${expires.toISOString().slice(0, 10)}, so nothing can be encrypted to it: ${fix}`;
        }
        return `has no unexpired, non-revoked encryption subkey, so nothing can be encrypted to it: add one (gpg --quick-add-key FINGERPRINT cv25519 encr 1y) or ${fix}`;
    }
}

/**
 * The PGP public key as the provider takes it (base64 of the binary key), or a problem. The value is never
 * echoed: a pasted private key must not end up in a log.
 */
export async function pgpKey(armored: string): Promise<{ key: string } | { problem: string }> {
    if (/PRIVATE KEY/.test(armored)) {
        return {
            problem: `is a PRIVATE key: remove it from config now and give the public key (${EXPORT_PUBLIC})`,
        };
    }
    // Loaded only when a key is configured: most stacks have none.
    const openpgp = await import("openpgp");
    let key: Key;
    try {
        key = await openpgp.readKey({ armoredKey: armored });
    } catch (err) {
        return {
            problem: `is not an armored OpenPGP public key (${(err as Error).message}): paste the output of ${EXPORT_PUBLIC}`,
        };
    }
    if (key.isPrivate()) {
        return { problem: `is a private key: give the public key (${EXPORT_PUBLIC})` };
    }
    const unusable = await unusableForEncryption(key.toPublic());
    return unusable
        ? { problem: unusable }
        : { key: Buffer.from(key.toPublic().write()).toString("base64") };
}
