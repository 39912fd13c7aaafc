/**
 * Recovery after an update killed hard mid-create, through the real engine: the state keeps the
 * creates that were in flight; the driver stops on them with the commands that resolve them.
 *
 * The engine records a create as pending in the checkpoint before it calls the provider and
 * removes it when the call returns (pulumi/pulumi pkg/backend/snapshot.go, `doCreate` and
 * `createSnapshotMutation.End`; the file backend writes each mutation to `<stack>.json`,
 * pkg/backend/diy/state.go `saveStack`). So the kill must land while a provider create is in
 * flight: the stack resource's own pending create lasts only milliseconds, and a kill then
 * leaves nothing pending. The CLI starts each plugin in a process group of its own
 * (sdk/go/common/util/cmdutil/child_unix.go, `RegisterProcessGroup`), so killing the CLI's
 * group would leave the language host and the provider running: a lost machine loses them all.
 */
import * as assert from "assert";
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { Sandbox } from "../../scripts/sandbox";
import { CreateGate, PendingOperation, creatingAws, until } from "../support/inFlight";

/** A process and all its descendants, whatever their process groups. */
function processTree(root: number): number[] {
    const children = new Map<number, number[]>();
    for (const line of execFileSync("ps", ["-eo", "pid=,ppid="], { encoding: "utf8" }).split(
        "\n",
    )) {
        const [pid, ppid] = line.trim().split(/\s+/).map(Number);
        if (pid) {
            children.set(ppid, [...(children.get(ppid) ?? []), pid]);
        }
    }
    const tree = [root];
    for (let i = 0; i < tree.length; i++) {
        tree.push(...(children.get(tree[i]) ?? []));
    }
    return tree;
}

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
}

describe("pending creates: an up killed hard while provider creates are in flight", () => {
    const sb = new Sandbox();
    const gate = new CreateGate(sb.dir);
    const checkpoint = path.join(sb.state, ".pulumi", "stacks", "ssm-access", "dev.json");
    const creates = () => sb.calls().filter((c) => c.method === "create");
    let killed: number[] = [];
    let pendingUrns: string[] = [];
    let advice = "";

    before(async function () {
        this.timeout(5 * 60 * 1000);
        await sb.startCloud();
        assert.strictEqual((await sb.pulumi("stack", "init", "dev")).code, 0);
        gate.shut();
        const up = spawn(
            "pulumi",
            ["up", "--yes", "--skip-preview", "--stack", "dev", "--non-interactive"],
            {
                cwd: sb.project,
                // Held creates never finish: the kill lands while they are in flight.
                env: { ...sb.env(), ...gate.env },
                stdio: "ignore",
            },
        );
        const exited = new Promise((resolve) => up.on("exit", resolve));
        await until(
            () => creatingAws(sb.state, "dev"),
            "an aws resource's create in flight",
            120_000,
        );
        killed = processTree(up.pid!);
        for (const pid of killed) {
            process.kill(pid, "SIGKILL");
        }
        await exited;
        const exported = await sb.pulumi("stack", "export", "--stack", "dev");
        pendingUrns = (JSON.parse(exported.stdout).deployment.pending_operations ?? [])
            .filter((op: PendingOperation) => op.type === "creating")
            .map((op: PendingOperation) => op.resource.urn);
    });

    after(() => {
        for (const pid of killed.filter(alive)) {
            process.kill(pid, "SIGKILL");
        }
        return sb.cleanup();
    });

    it("killed the CLI, the language host, the program and the provider", async () => {
        // CLI, language host, node program, provider (and whatever they started).
        assert.ok(killed.length >= 4, `processes killed: ${killed.length}`);
        await until(() => !killed.some(alive), "every killed process gone", 10_000);
    });

    it("leaves the in-flight creates pending in the state, the lock held and AWS untouched", () => {
        assert.ok(
            pendingUrns.some((urn) => urn.includes("$aws:")),
            `pending creates: ${JSON.stringify(pendingUrns)}`,
        );
        assert.strictEqual(sb.locks("dev").filter((l) => l.endsWith(".json")).length, 1);
        assert.deepStrictEqual(creates(), [], "no provider create finished");
    });

    it("the driver's up stops with exit 1, naming each pending create, touching nothing", async () => {
        const calls = sb.calls().length;
        const state = fs.readFileSync(checkpoint, "utf8");
        const locks = sb.locks("dev");
        const up = await sb.driver("up", "--env", "dev", "--yes", "--json");
        assert.strictEqual(up.code, 1, up.stderr);
        advice = JSON.parse(up.stdout).stacks[0].error;
        assert.match(
            advice,
            new RegExp(`^Stack "dev" has ${pendingUrns.length} creates? that an earlier update`),
        );
        for (const urn of pendingUrns) {
            assert.ok(
                advice.includes(
                    `pulumi refresh --yes --stack dev --import-pending-creates '${urn}' --import-pending-creates '`,
                ),
                `no import command for ${urn}`,
            );
        }
        assert.strictEqual(sb.calls().length, calls, "the provider was not called");
        assert.strictEqual(fs.readFileSync(checkpoint, "utf8"), state, "the state is unchanged");
        assert.deepStrictEqual(sb.locks("dev"), locks, "the locks are unchanged");
    });

    it("with a newer gzip checkpoint beside a plain one without them, preview still stops on them", async () => {
        // The CLI reads the newest of dev.json, .json.gz, .json.zst (pkg/backend/diy/state.go,
        // stackPath): the driver must not take the plain file's word for it.
        const state = fs.readFileSync(checkpoint, "utf8");
        const doc = JSON.parse(state);
        delete doc.checkpoint.latest.pending_operations;
        fs.writeFileSync(checkpoint, JSON.stringify(doc));
        fs.writeFileSync(`${checkpoint}.gz`, zlib.gzipSync(state));
        const later = new Date(Date.now() + 60_000);
        fs.utimesSync(`${checkpoint}.gz`, later, later);
        try {
            const preview = await sb.driver("preview", "--env", "dev", "--json");
            assert.strictEqual(preview.code, 1, preview.stderr);
            assert.match(
                JSON.parse(preview.stdout).stacks[0].error,
                new RegExp(
                    `^Stack "dev" has ${pendingUrns.length} creates? that an earlier update`,
                ),
            );
        } finally {
            fs.rmSync(`${checkpoint}.gz`);
            fs.writeFileSync(checkpoint, state);
        }
    });

    it("after the printed lock removal and clear command, up succeeds with no changes left", async () => {
        // The killed CLI's lock, on this machine, its process gone: stale, and said so.
        const removeLock =
            /^ {2}first, remove the killed update's stale lock \(taken by \S+@\S+ \(pid \d+\) at \S+, no longer running on this machine\): (rm .*)$/m.exec(
                advice,
            )?.[1];
        assert.strictEqual(
            removeLock,
            `rm ${sb.state}/.pulumi/locks/organization/ssm-access/dev/*.json`,
        );
        execFileSync("sh", ["-c", removeLock]);
        assert.deepStrictEqual(
            sb.locks("dev").filter((l) => l.endsWith(".json")),
            [],
            "no lock left",
        );
        // Nothing was created in the stand-in cloud (checked above), so clearing is right.
        const clear = /^ {2}then: (pulumi refresh .*)$/m.exec(advice)?.[1];
        assert.strictEqual(clear, "pulumi refresh --yes --stack dev --clear-pending-creates");
        const refresh = await sb.pulumi(...clear.split(" ").slice(1));
        assert.strictEqual(refresh.code, 0, refresh.stderr + refresh.stdout);
        const up = await sb.driver("up", "--env", "dev", "--yes", "--json");
        assert.strictEqual(up.code, 0, up.stderr + up.stdout);
        const preview = await sb.pulumi("preview", "--stack", "dev", "--json");
        assert.deepStrictEqual(Object.keys(JSON.parse(preview.stdout).changeSummary), ["same"]);
    });
});
