/**
 * Keeping an update in flight for as long as an end-to-end test needs (a second update colliding
 * with it, Ctrl-C, a hard kill), seeing what it has in flight, and waiting for it.
 */
import * as fs from "fs";
import * as path from "path";

/** Waits until `check` holds, looking every 100 ms; fails naming `what` after `ms`. */
export async function until(
    check: () => boolean | Promise<boolean>,
    what: string,
    ms = 60_000,
): Promise<void> {
    const deadline = Date.now() + ms;
    while (!(await check())) {
        if (Date.now() > deadline) {
            throw new Error(`timed out waiting for ${what}`);
        }
        await new Promise((r) => setTimeout(r, 100));
    }
}

/**
 * A gate in front of the stand-in provider's creates: while it is shut (its file exists), every
 * create waits (standin-aws/provider.ts reads SSM_ACCESS_STANDIN_HOLD). Opening it lets them
 * finish at once, so a test waits exactly as long as it must, however loaded the machine.
 */
export class CreateGate {
    readonly file: string;

    constructor(dir: string) {
        this.file = path.join(dir, "creates-held");
    }

    /** What points a process's stand-in at this gate. */
    get env(): Record<string, string> {
        return { SSM_ACCESS_STANDIN_HOLD: this.file };
    }

    shut(): void {
        fs.writeFileSync(this.file, "");
    }

    open(): void {
        fs.rmSync(this.file, { force: true });
    }
}

export interface PendingOperation {
    type: string;
    resource: { urn: string; type: string };
}

/**
 * The pending operations in a file backend's checkpoint of a stack, as the engine last wrote them
 * (pulumi/pulumi pkg/backend/diy/state.go `saveStack` writes `.pulumi/stacks/<project>/<stack>.json`
 * at each step); none before the file exists.
 */
export function pendingOperations(stateDir: string, stack: string): PendingOperation[] {
    const file = path.join(stateDir, ".pulumi", "stacks", "ssm-access", `${stack}.json`);
    try {
        return JSON.parse(fs.readFileSync(file, "utf8")).checkpoint.latest.pending_operations ?? [];
    } catch {
        return [];
    }
}

/** Whether an aws: resource's create is in flight (the provider resource's lasts milliseconds). */
export function creatingAws(stateDir: string, stack: string): boolean {
    return pendingOperations(stateDir, stack).some(
        (op) => op.type === "creating" && op.resource.type.startsWith("aws:"),
    );
}
