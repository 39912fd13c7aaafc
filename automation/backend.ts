/** Which backend and which CLI the driver uses: flags, environment, login, and the CLI's session. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PulumiCommand } from "@pulumi/pulumi/automation";

export interface BackendChoice {
    url: string;
    /** Why this backend: "--backend", "PULUMI_BACKEND_URL", "logged in" or "default". */
    source: string;
}

/**
 * The backend to use: --backend, else PULUMI_BACKEND_URL, else the one `pulumi login` chose,
 * else a file backend inside the project (git-ignored), so nothing outside it is needed.
 */
export function resolveBackend(
    projectDir: string,
    flag: string | undefined,
    env: NodeJS.ProcessEnv,
): BackendChoice {
    if (flag) {
        // A path, not a URL: the CLI would take it for a Pulumi Cloud address. Relative to where the
        // command was typed (npm run sets INIT_CWD to it; the cwd is then the project).
        const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(flag)
            ? flag
            : `file://${path.resolve(env.INIT_CWD ?? process.cwd(), flag)}`;
        return { url, source: "--backend" };
    }
    if (env.PULUMI_BACKEND_URL) {
        return { url: env.PULUMI_BACKEND_URL, source: "PULUMI_BACKEND_URL" };
    }
    const home = env.PULUMI_HOME ?? path.join(os.homedir(), ".pulumi");
    try {
        const creds = JSON.parse(fs.readFileSync(path.join(home, "credentials.json"), "utf8")) as {
            current?: string;
        };
        if (creds.current) {
            return { url: creds.current, source: "logged in" };
        }
    } catch {
        // Not logged in: fall through to the project's own file backend.
    }
    return { url: `file://${path.join(projectDir, ".pulumi-state")}`, source: "default" };
}

/** A passphrase is needed for file and cloud-storage backends (not Pulumi Cloud's own secrets). */
export function needsPassphrase(backendUrl: string): boolean {
    return /^(file|s3|azblob|gs):\/\//.test(backendUrl);
}

export function passphraseConfigured(env: NodeJS.ProcessEnv): boolean {
    return Boolean(env.PULUMI_CONFIG_PASSPHRASE !== undefined || env.PULUMI_CONFIG_PASSPHRASE_FILE);
}

/** The first executable called `name` on PATH. */
function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
    for (const dir of (env.PATH ?? "").split(path.delimiter)) {
        const candidate = path.join(dir, name);
        try {
            fs.accessSync(candidate, fs.constants.X_OK);
            return candidate;
        } catch {
            // Not in this folder.
        }
    }
    return undefined;
}

/**
 * The CLI, started in a session of its own where `setsid` exists. A terminal's Ctrl-C goes to the
 * whole foreground process group; the CLI would get it from the terminal and again from the
 * driver, and a second interrupt makes it stop at once, leaving its lock. In its own session it
 * gets exactly one interrupt: the driver's.
 */
export async function isolatedCli(env: NodeJS.ProcessEnv): Promise<PulumiCommand | undefined> {
    const real = onPath("pulumi", env);
    const setsid = onPath("setsid", env);
    if (!real || !setsid) {
        return undefined;
    }
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-access-cli-"));
    process.once("exit", () => fs.rmSync(root, { recursive: true, force: true }));
    fs.mkdirSync(path.join(root, "bin"));
    fs.writeFileSync(
        path.join(root, "bin", "pulumi"),
        `#!/bin/sh\nexec "${setsid}" "${real}" "$@"\n`,
        { mode: 0o755 },
    );
    return PulumiCommand.get({ root });
}
