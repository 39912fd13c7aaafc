/**
 * The locks a DIY backend (file, S3) keeps while an update of a stack runs: one JSON object per
 * update at `.pulumi/locks/<org>/<project>/<stack>/<id>.json` ("organization" for a DIY backend's
 * org) holding who took it, where and when. `Lock` writes it before an update, refresh, destroy or
 * import starts and `Unlock` deletes it when that ends; a preview takes none (pulumi/pulumi
 * pkg/backend/diy/lock.go: lockContent, newLockContent, stackLockDir, lockPath; backend.go:
 * Update, Refresh, Destroy, Import). A prefix in an `s3://BUCKET/PREFIX` URL prefixes every key
 * (backend.go: New, blob.PrefixedBucket).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { S3ClientConfig } from "@aws-sdk/client-s3";

/** One lock object, as lock.go's lockContent writes it. */
export interface StackLock {
    username: string;
    hostname: string;
    pid: number;
    /** RFC 3339, as Go writes a time.Time in JSON. */
    timestamp: string;
}

/** "USER@HOST (pid N) at TIME", as the CLI names a lock's holder (lock.go, checkForLock). */
export function lockHolderOf(lock: StackLock): string {
    // checkForLock prints the time to the second (time.RFC3339); the file keeps nanoseconds.
    const at = lock.timestamp.replace(/(\d\d:\d\d:\d\d)\.\d+/, "$1");
    return `${lock.username}@${lock.hostname} (pid ${lock.pid}) at ${at}`;
}

/** This machine: its name as Go's os.Hostname gives it, and whether a process runs here. */
export interface Host {
    name: string;
    running(pid: number): boolean;
}

export const thisHost: Host = {
    name: os.hostname(),
    running(pid) {
        try {
            // Signal 0 checks only that the process exists (kill(2)); EPERM: it exists, not ours.
            process.kill(pid, 0);
            return true;
        } catch (err) {
            return (err as NodeJS.ErrnoException).code === "EPERM";
        }
    },
};

/**
 * A lock taken on this machine by a process that no longer runs: its update was killed. A lock
 * from another machine cannot be judged from here.
 */
export function isStaleHere(lock: StackLock, host: Host): boolean {
    return lock.hostname === host.name && !host.running(lock.pid);
}

/** The folder of a stack's locks, below the backend's root. */
export function stackLockDir(project: string, stack: string): string {
    return `.pulumi/locks/organization/${project}/${stack}`;
}

/**
 * The locks of a stack in a file or S3 backend; undefined for any other backend (Pulumi Cloud
 * keeps no lock objects: the service itself refuses a second update while one runs).
 */
export async function readStackLocks(
    backendUrl: string,
    project: string,
    stack: string,
): Promise<StackLock[] | undefined> {
    const dir = stackLockDir(project, stack);
    if (backendUrl.startsWith("file://")) {
        const root = backendUrl.slice("file://".length).split("?")[0];
        return readFileLocks(path.join(root, dir));
    }
    if (backendUrl.startsWith("s3://")) {
        return readS3Locks(backendUrl, dir);
    }
    return undefined;
}

async function readFileLocks(dir: string): Promise<StackLock[]> {
    let names: string[];
    try {
        names = await fs.promises.readdir(dir);
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") {
            return [];
        }
        throw err;
    }
    const locks = await Promise.all(
        names
            .filter((n) => n.endsWith(".json"))
            .map((n) =>
                fs.promises.readFile(path.join(dir, n), "utf8").then(
                    (text) => JSON.parse(text) as StackLock,
                    // Deleted since the listing: its update has ended.
                    () => undefined,
                ),
            ),
    );
    return locks.filter((l): l is StackLock => l !== undefined);
}

/**
 * The S3 client for a backend URL, with the URL's region, endpoint and path-style options, as the
 * CLI's opener reads them (automation/backend.ts, S3_URL_OPTIONS, cites the source).
 */
export function s3ClientConfig(backendUrl: string): S3ClientConfig {
    const q = new URL(backendUrl).searchParams;
    const yes = (key: string) => /^(1|t|true)$/i.test(q.get(key) ?? "");
    const config: S3ClientConfig = {};
    const region = q.get("region");
    if (region) {
        config.region = region;
    }
    const endpoint = q.get("endpoint");
    if (endpoint) {
        const plain = yes("disable_https") || yes("disableSSL");
        config.endpoint = endpoint.includes("://")
            ? endpoint
            : `${plain ? "http" : "https"}://${endpoint}`;
    }
    if (yes("use_path_style") || yes("s3ForcePathStyle")) {
        config.forcePathStyle = true;
    }
    const profile = q.get("profile");
    if (profile) {
        config.profile = profile;
    }
    return config;
}

async function readS3Locks(backendUrl: string, dir: string): Promise<StackLock[]> {
    // Loaded only for an S3 backend.
    const { S3Client, ListObjectsV2Command, GetObjectCommand } = await import("@aws-sdk/client-s3");
    const url = new URL(backendUrl);
    const bucket = url.hostname;
    const prefix = url.pathname.replace(/^\/+/, "").replace(/\/*$/, "/").replace(/^\/$/, "");
    const s3 = new S3Client(s3ClientConfig(backendUrl));
    try {
        const listed = await s3.send(
            new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}${dir}/` }),
        );
        const keys = (listed.Contents ?? []).map((o) => o.Key!).filter((k) => k.endsWith(".json"));
        const locks = await Promise.all(
            keys.map(async (Key) => {
                try {
                    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key }));
                    return JSON.parse(await object.Body!.transformToString()) as StackLock;
                } catch (err) {
                    // Deleted since the listing: its update has ended.
                    if ((err as { name?: string }).name === "NoSuchKey") {
                        return undefined;
                    }
                    throw err;
                }
            }),
        );
        return locks.filter((l): l is StackLock => l !== undefined);
    } finally {
        s3.destroy();
    }
}
