/**
 * What the stand-in keeps outside the cloud, in SSM_ACCESS_STANDIN_DIR (every provider process of
 * a test writes there): the call log (what the engine asked of the provider) and the secrets the
 * provider was handed by AWS, so tests can search state and output for them. The cloud itself is
 * the moto server the provider's configuration points at.
 */
import * as fs from "fs";
import * as path from "path";

export function standInDir(): string {
    const dir = process.env.SSM_ACCESS_STANDIN_DIR;
    if (!dir) {
        throw new Error(
            "SSM_ACCESS_STANDIN_DIR is not set: the stand-in aws provider is for tests only",
        );
    }
    fs.mkdirSync(dir, { recursive: true });
    return dir;
}

/** Appends one line to calls.jsonl: what the engine asked of the provider. */
export function record(entry: Record<string, unknown>): void {
    fs.appendFileSync(path.join(standInDir(), "calls.jsonl"), JSON.stringify(entry) + "\n");
}

/** Remembers a secret AWS returned (an access key's), so tests can search for it. */
export function rememberSecret(secret: string): void {
    fs.appendFileSync(path.join(standInDir(), "issued-secrets.txt"), secret + "\n");
}
