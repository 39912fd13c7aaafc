/**
 * A moto server (https://github.com/getmoto/moto, a third-party model of AWS) for the end-to-end
 * tests: started on 127.0.0.1 on a free port, stopped by the test that started it (also when the
 * test fails, and when the test process exits). `scripts/install-moto.sh` installs the pinned
 * version; SSM_ACCESS_MOTO_SERVER names another `moto_server` binary.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";

export interface Moto {
    /** e.g. http://127.0.0.1:41234 */
    endpoint: string;
    /** Forgets everything the server holds (moto's POST /moto-api/reset). */
    reset(): Promise<void>;
    stop(): Promise<void>;
}

/** The `moto_server` of scripts/install-moto.sh, else SSM_ACCESS_MOTO_SERVER, else PATH. */
export function motoServerBinary(): string {
    if (process.env.SSM_ACCESS_MOTO_SERVER) {
        return process.env.SSM_ACCESS_MOTO_SERVER;
    }
    const cache = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache");
    const installed = path.join(cache, "ssm-access", "moto-5.2.1", "bin", "moto_server");
    return fs.existsSync(installed) ? installed : "moto_server";
}

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

async function waitUntilUp(endpoint: string, child: ChildProcess, log: () => string) {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
        if (child.exitCode !== null) {
            throw new Error(`moto_server exited with code ${child.exitCode}:\n${log()}`);
        }
        try {
            const res = await fetch(`${endpoint}/moto-api/data.json`);
            if (res.ok) {
                return;
            }
        } catch {
            // Not listening yet.
        }
        await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`moto_server did not answer at ${endpoint} within 30 s:\n${log()}`);
}

export async function startMoto(): Promise<Moto> {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const child = spawn(motoServerBinary(), ["-H", "127.0.0.1", "-p", String(port)], {
        stdio: ["ignore", "pipe", "pipe"],
        // AWS managed policies (AmazonSSMManagedInstanceCore, AdministratorAccess, ...) exist in
        // every account; moto knows them only when asked (moto/settings.py,
        // load_iam_aws_managed_policies), else attaching one fails with NoSuchEntity.
        env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: "true" },
    });
    let output = "";
    const keep = (chunk: Buffer) => {
        output = (output + chunk.toString()).slice(-4000);
    };
    child.stdout!.on("data", keep);
    child.stderr!.on("data", keep);
    const spawned = new Promise<void>((resolve, reject) => {
        child.once("spawn", resolve);
        child.once("error", (err) =>
            reject(
                new Error(
                    `cannot start moto_server (${err.message}): run scripts/install-moto.sh or set SSM_ACCESS_MOTO_SERVER`,
                ),
            ),
        );
    });
    const killOnExit = () => child.kill("SIGKILL");
    process.once("exit", killOnExit);
    const stop = async () => {
        process.removeListener("exit", killOnExit);
        if (child.exitCode !== null || child.signalCode !== null) {
            return;
        }
        // moto keeps its whole world in memory: nothing is lost by not asking it to stop nicely.
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGKILL");
        await exited;
    };
    try {
        await spawned;
        await waitUntilUp(endpoint, child, () => output);
    } catch (err) {
        await stop();
        throw err;
    }
    return {
        endpoint,
        stop,
        async reset() {
            const res = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
            if (!res.ok) {
                throw new Error(`moto reset: HTTP ${res.status}`);
            }
        },
    };
}
