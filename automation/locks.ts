/**
 * The locks a DIY backend (file, S3) keeps while an update of a stack runs: one JSON object per
 * update at `.pulumi/locks/<org>/<project>/<stack>/<id>.json` ("organization" for a DIY backend's
 * org) holding who took it, where and when. `Lock` writes it before an update, refresh, destroy or
 * import starts and `Unlock` deletes it when that ends; a preview takes none (pulumi/pulumi
 * pkg/backend/diy/lock.go: lockContent, newLockContent, stackLockDir, lockPath; backend.go:
 * Update, Refresh, Destroy, Import).
 */
import * as os from "os";
import { withDiyBucket } from "./diyBucket";

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
export function readStackLocks(
    backendUrl: string,
    project: string,
    stack: string,
): Promise<StackLock[] | undefined> {
    return withDiyBucket(backendUrl, async (bucket) => {
        const keys = await bucket.list(`${stackLockDir(project, stack)}/`);
        const locks = await Promise.all(
            keys
                .filter((k) => k.endsWith(".json"))
                // Undefined when deleted since the listing: its update has ended.
                .map((k) => bucket.read(k)),
        );
        return locks
            .filter((l): l is Buffer => l !== undefined)
            .map((l) => JSON.parse(l.toString("utf8")) as StackLock);
    });
}
