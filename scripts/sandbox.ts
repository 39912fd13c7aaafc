/**
 * A throwaway copy of the project with its own Pulumi home, file backend, passphrase and cloud (a
 * moto server on loopback, started by `startCloud`), so every end-to-end test runs the real engine
 * offline and leaves nothing behind.
 */
import { ChildProcess, execFile, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Moto, startMoto } from "../test/support/moto";
import { addStackConfig, emulatorConfig, sandboxStackFile } from "./sandboxStackFiles";

export const ROOT = path.resolve(__dirname, "..");
const COPIED = [
    "index.ts",
    "program.ts",
    "config",
    "runtime",
    "package.json",
    "tsconfig.json",
    "tsconfig.pulumi.json",
    "Pulumi.yaml",
    "components",
    "policies",
    "automation",
    "guardrails",
];

let engineBin: string | undefined;

/** The engine's bin folder: scripts/install-pulumi.sh builds it once (or finds an installed CLI). */
export function engine(): string {
    engineBin ??= execFileSync(path.join(ROOT, "scripts", "install-pulumi.sh"), {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
    })
        .trim()
        .split("\n")
        .pop()!;
    return engineBin;
}

export interface Result {
    code: number;
    stdout: string;
    stderr: string;
}

export class Sandbox {
    readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-access-e2e-"));
    readonly project = path.join(this.dir, "project");
    readonly state = path.join(this.dir, "state");
    /** The stand-in provider's folder: its call log, issued secrets, and what moto lacks. */
    readonly cloud = path.join(this.dir, "cloud");
    /** The moto server every stack of this sandbox uses, once startCloud has run. */
    moto?: Moto;
    readonly passphrase = `e2e-${Math.random().toString(36).slice(2)}`;
    extraEnv: Record<string, string> = {};

    constructor() {
        fs.mkdirSync(this.project);
        fs.mkdirSync(this.state);
        for (const entry of COPIED) {
            fs.cpSync(path.join(ROOT, entry), path.join(this.project, entry), { recursive: true });
        }
        // Whatever stack files the team committed, made usable with the sandbox's passphrase.
        for (const file of fs.readdirSync(ROOT).filter((f) => /^Pulumi\..+\.yaml$/.test(f))) {
            const text = fs.readFileSync(path.join(ROOT, file), "utf8");
            fs.writeFileSync(path.join(this.project, file), sandboxStackFile(text));
        }
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(this.project, "node_modules"));
    }

    /**
     * Starts this sandbox's moto server (stopped by cleanup) and points the `aws` provider of
     * every stack file in the project at it.
     */
    async startCloud(): Promise<Moto> {
        return this.useCloud(await startMoto());
    }

    /**
     * Points every stack file of the project at a moto server already running, e.g. another
     * sandbox's, as two machines of one team share one AWS account. cleanup stops it too.
     */
    useCloud(moto: Moto): Moto {
        this.moto = moto;
        for (const file of fs
            .readdirSync(this.project)
            .filter((f) => /^Pulumi\..+\.yaml$/.test(f))) {
            this.pointAtCloud(path.join(this.project, file));
        }
        return moto;
    }

    /** Points one more stack file (e.g. another project's) at this sandbox's moto server. */
    pointAtCloud(file: string): void {
        if (!this.moto) {
            throw new Error("startCloud first");
        }
        addStackConfig(file, emulatorConfig(this.moto.endpoint));
    }

    /** AWS SDK client settings for this sandbox's moto server, for seeding and assertions. */
    client(region = "us-east-1") {
        if (!this.moto) {
            throw new Error("startCloud first");
        }
        return {
            region,
            endpoint: this.moto.endpoint,
            credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
        };
    }

    env(): NodeJS.ProcessEnv {
        const env: NodeJS.ProcessEnv = {
            ...process.env,
            PATH: [engine(), path.join(ROOT, "test", "support", "bin"), process.env.PATH].join(
                path.delimiter,
            ),
            PULUMI_HOME: path.join(this.dir, "home"),
            PULUMI_BACKEND_URL: `file://${this.state}`,
            PULUMI_CONFIG_PASSPHRASE: this.passphrase,
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            SSM_ACCESS_STANDIN_DIR: this.cloud,
            // moto's dummy credentials; no profile or token of the user's reaches a test.
            AWS_ACCESS_KEY_ID: "testing",
            AWS_SECRET_ACCESS_KEY: "testing",
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
            ...this.extraEnv,
        };
        delete env.AWS_SESSION_TOKEN;
        delete env.AWS_PROFILE;
        return env;
    }

    private exec(file: string, args: string[], cwd = this.project): Promise<Result> {
        return new Promise((resolve) => {
            execFile(
                file,
                args,
                { cwd, env: this.env(), maxBuffer: 64 << 20 },
                (err, stdout, stderr) => {
                    resolve({
                        code: err ? ((err as { code?: number }).code ?? 1) : 0,
                        stdout,
                        stderr,
                    });
                },
            );
        });
    }

    pulumi(...args: string[]): Promise<Result> {
        return this.exec("pulumi", [...args, "--non-interactive"]);
    }

    /** Runs pulumi in another project folder, with this sandbox's home, backend and cloud. */
    pulumiAt(cwd: string, ...args: string[]): Promise<Result> {
        return this.exec("pulumi", [...args, "--non-interactive"], cwd);
    }

    driver(...args: string[]): Promise<Result> {
        return this.exec(process.execPath, [
            path.join(this.project, "automation", "bin", "stacks.js"),
            ...args,
        ]);
    }

    /** Starts the driver without waiting, for tests that interrupt it. */
    spawnDriver(...args: string[]): ChildProcess & {
        output: { stdout: string; stderr: string };
        exited: Promise<number | null>;
    } {
        const child = spawn(
            process.execPath,
            [path.join(this.project, "automation", "bin", "stacks.js"), ...args],
            {
                cwd: this.project,
                env: this.env(),
            },
        ) as ChildProcess & {
            output: { stdout: string; stderr: string };
            exited: Promise<number | null>;
        };
        child.output = { stdout: "", stderr: "" };
        // Listen now: a child that exits before the test awaits it must not hang the test.
        child.exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
        child.stdout!.on("data", (d) => (child.output.stdout += d));
        child.stderr!.on("data", (d) => (child.output.stderr += d));
        return child;
    }

    /** Every secret AWS handed the stand-in provider (access keys and their SMTP passwords). */
    issuedSecrets(): string[] {
        const file = path.join(this.cloud, "issued-secrets.txt");
        return fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean) : [];
    }

    /** What the engine asked of the stand-in provider. */
    calls(): { method: string; type?: string; name?: string; token?: string }[] {
        return this.log().filter((c) => c.method !== "aws");
    }

    /**
     * Every AWS call the stand-in provider sent to moto or, marked `notInMoto`, served itself as
     * the real provider's call (test/support/standin-aws/aws.ts, notInMoto.ts).
     */
    awsCalls(): {
        action: string;
        input: Record<string, string | string[]>;
        notInMoto?: boolean;
    }[] {
        return this.log().filter((c) => c.method === "aws");
    }

    private log() {
        const file = path.join(this.cloud, "calls.jsonl");
        return fs.existsSync(file)
            ? fs
                  .readFileSync(file, "utf8")
                  .split("\n")
                  .filter(Boolean)
                  .map((l) => JSON.parse(l))
            : [];
    }

    /** Lock files the file backend holds for a stack. */
    locks(stack: string): string[] {
        const found: string[] = [];
        const walk = (dir: string) => {
            if (!fs.existsSync(dir)) {
                return;
            }
            for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
                const p = path.join(dir, e.name);
                if (e.isDirectory()) {
                    walk(p);
                } else if (p.includes(`${path.sep}${stack}${path.sep}`)) {
                    found.push(p);
                }
            }
        };
        walk(path.join(this.state, ".pulumi", "locks"));
        return found;
    }

    /** Everything under the backend folder, as text: the state files of every stack. */
    stateText(): string {
        let text = "";
        const walk = (dir: string) => {
            for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
                const p = path.join(dir, e.name);
                if (e.isDirectory()) {
                    walk(p);
                } else {
                    text += fs.readFileSync(p, "utf8");
                }
            }
        };
        walk(this.state);
        return text;
    }

    /** Stops the moto server, if started, and removes the sandbox. */
    async cleanup(): Promise<void> {
        await this.moto?.stop();
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}
