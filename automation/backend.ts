/** Which backend and which CLI the driver uses: flags, environment, login, and the CLI's session. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import { UsageError } from "./errors";

export interface BackendChoice {
    url: string;
    /** Why this backend: "--backend", "PULUMI_BACKEND_URL", "logged in" or "default". */
    source: string;
}

/**
 * The backend to use: --backend, else PULUMI_BACKEND_URL, else the one `pulumi login` chose,
 * else a file backend inside the project (git-ignored), so nothing outside it is needed. An
 * `s3://` URL is checked first (checkS3BackendUrl), so a typo fails here in one line.
 */
export function resolveBackend(
    projectDir: string,
    flag: string | undefined,
    env: NodeJS.ProcessEnv,
): BackendChoice {
    const choice = chooseBackend(projectDir, flag, env);
    if (choice.url.startsWith("s3://")) {
        checkS3BackendUrl(choice.url, choice.source);
    }
    return choice;
}

function chooseBackend(
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

/**
 * The query options the Pulumi CLI v3.274.1 accepts on an `s3://` backend URL. The CLI opens the
 * bucket with gocloud.dev's s3blob (gocloud.dev@v0.46.1-0.20260810195832-b5401c07b5f1, the
 * version in pulumi/pulumi pkg/go.mod), which refuses any other option ("unknown query
 * parameter"): s3blob.go URLOpener (`ssetype`, `kmskeyid`, `accelerate`, `use_path_style`,
 * `s3ForcePathStyle`, `disable_https`) and aws/aws.go V2ConfigFromURLParams (the rest). The CLI
 * itself still takes the v1-era `disableSSL` (pkg/backend/diy/backend.go, translateLegacyS3Params).
 */
const S3_URL_OPTIONS: Record<string, "bool" | "text" | "endpoint"> = {
    region: "text",
    endpoint: "endpoint",
    use_path_style: "bool",
    s3ForcePathStyle: "bool",
    disable_https: "bool",
    disableSSL: "bool",
    profile: "text",
    role: "text",
    anonymous: "bool",
    hostname_immutable: "bool",
    dualstack: "bool",
    fips: "bool",
    accelerate: "bool",
    rate_limiter_capacity: "text",
    request_checksum_calculation: "text",
    response_checksum_validation: "text",
    ssetype: "text",
    kmskeyid: "text",
    awssdk: "text",
};

/** The spellings Go's strconv.ParseBool accepts, which is what s3blob and gocloud.dev use. */
const GO_BOOLEANS = [
    "1",
    "t",
    "T",
    "TRUE",
    "true",
    "True",
    "0",
    "f",
    "F",
    "FALSE",
    "false",
    "False",
];

const S3_URL_EXAMPLE =
    "s3://BUCKET[/PREFIX]?region=REGION (with an S3-compatible server or emulator add &endpoint=http://HOST:PORT&use_path_style=true)";

/**
 * One clear error for an `s3://` backend URL the CLI would refuse or misread: no bucket, an
 * option it does not know (e.g. `usePathStyle` for `use_path_style`), a boolean Go cannot parse,
 * an endpoint that is no http(s) URL. `source` says where the URL came from.
 */
export function checkS3BackendUrl(url: string, source: string): void {
    const fail = (why: string) => {
        throw new UsageError(`${source} "${url}": ${why}; the form is ${S3_URL_EXAMPLE}`);
    };
    let parsed: URL;
    try {
        parsed = new URL(url);
    } catch {
        return fail("not a URL");
    }
    if (!parsed.hostname) {
        fail("names no bucket");
    }
    for (const [key, value] of parsed.searchParams) {
        const kind = S3_URL_OPTIONS[key];
        if (kind === undefined) {
            const near = Object.keys(S3_URL_OPTIONS).find(
                (k) => k.replace(/_/g, "").toLowerCase() === key.replace(/_/g, "").toLowerCase(),
            );
            fail(
                `the Pulumi CLI does not know the option "${key}"` +
                    (near ? ` (did you mean "${near}"?)` : "") +
                    `; it knows ${Object.keys(S3_URL_OPTIONS).join(", ")}`,
            );
        }
        if (kind === "bool" && !GO_BOOLEANS.includes(value)) {
            fail(`option ${key}=${value} is not true or false`);
        }
        if (kind === "endpoint") {
            // The CLI adds https:// (http:// with disableSSL=true) to an endpoint without a scheme.
            const withScheme = value.includes("://") ? value : `https://${value}`;
            let endpoint: URL | undefined;
            try {
                endpoint = new URL(withScheme);
            } catch {
                endpoint = undefined;
            }
            if (!endpoint || !/^https?:$/.test(endpoint.protocol) || !endpoint.hostname) {
                fail(`endpoint "${value}" is not an http(s) address such as http://127.0.0.1:9000`);
            }
        }
    }
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
