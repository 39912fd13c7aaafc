/**
 * The stand-in's "cloud": what exists, kept in a JSON file so that every provider process of a
 * test (preview, up, refresh, destroy; several stacks at once) sees the same world. The folder is
 * SSM_ACCESS_STANDIN_DIR; a test seeds it (existing roles, source instances) and reads back the
 * call log and the secrets the stand-in issued.
 */
import * as fs from "fs";
import * as path from "path";

export const ACCOUNT = "123456789012";

export interface CloudObject {
    type: string;
    props: Record<string, unknown>;
    /** SSM documents: the content of every version, version N at index N-1 (all runnable). */
    versions?: string[];
}

export interface Cloud {
    objects: Record<string, CloudObject>;
    /** Existing IAM roles by name, e.g. seeded by a test: { arn, assumeRolePolicy }. */
    roles: Record<string, { arn: string; assumeRolePolicy: string }>;
    /**
     * Existing EC2 instances by id, seeded by a test, as the provider's getInstance reports them.
     * A test terminates one by setting instanceState "terminated" and terminatedAt (ms since epoch).
     */
    instances: Record<string, Record<string, unknown>>;
    /** Existing KMS keys by key id (a UUID), seeded by a test, with their aliases ("alias/NAME"). */
    kmsKeys?: Record<string, { aliases: string[] }>;
    counter: number;
}

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

function sleep(ms: number): void {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Runs `fn` on the cloud under an exclusive lock file, saving what it changed. */
export function withCloud<T>(fn: (cloud: Cloud) => T): T {
    const dir = standInDir();
    const lock = path.join(dir, "cloud.lock");
    for (let i = 0; ; i++) {
        try {
            fs.closeSync(fs.openSync(lock, "wx"));
            break;
        } catch {
            if (i > 2000) {
                throw new Error(`stand-in cloud lock ${lock} held for over 10 s`);
            }
            sleep(5);
        }
    }
    try {
        const file = path.join(dir, "cloud.json");
        const cloud: Cloud = fs.existsSync(file)
            ? JSON.parse(fs.readFileSync(file, "utf8"))
            : { objects: {}, roles: {}, instances: {}, counter: 0 };
        const result = fn(cloud);
        fs.writeFileSync(`${file}.tmp`, JSON.stringify(cloud, null, 1));
        fs.renameSync(`${file}.tmp`, file);
        return result;
    } finally {
        fs.unlinkSync(lock);
    }
}

/** Appends one line to calls.jsonl: what the engine asked of the provider. */
export function record(entry: Record<string, unknown>): void {
    fs.appendFileSync(path.join(standInDir(), "calls.jsonl"), JSON.stringify(entry) + "\n");
}

/** Remembers a secret the stand-in issued, so tests can search state and output for it. */
export function rememberSecret(secret: string): void {
    fs.appendFileSync(path.join(standInDir(), "issued-secrets.txt"), secret + "\n");
}
