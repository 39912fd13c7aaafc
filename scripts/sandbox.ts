/**
 * A throwaway copy of the project with its own Pulumi home, file backend, passphrase and stand-in
 * "cloud", so every end-to-end test runs the real engine offline and leaves nothing behind.
 */
import { ChildProcess, execFile, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";

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

/** Top-level settings of a stack's secrets provider, tied to the team's passphrase or key. */
const SECRETS_PROVIDER_KEYS = ["encryptionsalt", "encryptedkey", "secretsprovider"];

/**
 * A team's stack file for the sandbox, which has its own passphrase: without the secrets-provider
 * settings (made with the team's passphrase, so the sandbox's would be "wrong") and without the
 * `secure:` values they encrypted. A file with neither is copied byte for byte.
 */
export function sandboxStackFile(text: string): string {
    const doc = (yaml.load(text) ?? {}) as { config?: Record<string, unknown> } & Record<
        string,
        unknown
    >;
    const secure = Object.entries(doc.config ?? {}).filter(
        ([, v]) => v !== null && typeof v === "object" && "secure" in v,
    );
    const salted = SECRETS_PROVIDER_KEYS.filter((k) => k in doc);
    if (secure.length === 0 && salted.length === 0) {
        return text;
    }
    for (const k of salted) {
        delete doc[k];
    }
    for (const [k] of secure) {
        delete doc.config![k];
    }
    return yaml.dump(doc);
}

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
    readonly cloud = path.join(this.dir, "cloud");
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

    env(): NodeJS.ProcessEnv {
        return {
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
            ...this.extraEnv,
        };
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

    /** Every secret the stand-in provider has issued. */
    issuedSecrets(): string[] {
        const file = path.join(this.cloud, "issued-secrets.txt");
        return fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean) : [];
    }

    /** What the engine asked of the stand-in provider. */
    calls(): { method: string; type?: string; name?: string; token?: string }[] {
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

    cleanup(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}
