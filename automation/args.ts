import { parseArgs } from "util";
import { UsageError } from "./errors";
import { closest } from "../config/problems";
import { KEY_SLOT } from "./keySlots";

export const COMMANDS = [
    "plan",
    "preview",
    "up",
    "refresh",
    "destroy",
    "outputs",
    "export-keys",
    "deployer-policy",
    "drift",
    "rotate-keys",
    "retire-key",
] as const;
export type CliCommand = (typeof COMMANDS)[number];

export interface CliArgs {
    command: CliCommand;
    env?: string;
    parallel: number;
    json: boolean;
    yes: boolean;
    allowReplace: boolean;
    failFast: boolean;
    backend?: string;
    /** The emulator's address (checked): a rehearsal with its own backend and dummy credentials. */
    emulator?: string;
    verbose: boolean;
    out?: string;
    recipient?: string;
    plaintext: boolean;
    force: boolean;
    user?: string;
    slot?: string;
}

export const DEFAULT_PARALLEL = 4;

/** The commands a rehearsal (--emulator) runs: those that use a backend and the cloud. */
const REHEARSED: CliCommand[] = ["preview", "up", "refresh", "destroy", "outputs", "drift"];
/** The commands that run the engine over several stacks at once. */
const MANY: CliCommand[] = ["preview", "up", "refresh", "destroy", "drift"];
/** The commands that apply changes, after a question and the replacement guard. */
const APPLYING: CliCommand[] = ["up", "destroy", "rotate-keys", "retire-key"];

/** The commands that use each flag; --env, --json and --verbose serve every command. */
const USED_BY: Record<string, readonly CliCommand[]> = {
    parallel: MANY,
    "fail-fast": MANY,
    yes: APPLYING,
    "allow-replace": APPLYING,
    backend: [...REHEARSED, "export-keys", "rotate-keys", "retire-key"],
    emulator: REHEARSED,
    out: ["export-keys", "rotate-keys"],
    recipient: ["export-keys", "rotate-keys"],
    plaintext: ["export-keys"],
    force: ["export-keys", "retire-key"],
    user: ["rotate-keys", "retire-key"],
    slot: ["rotate-keys", "retire-key"],
};

export const USAGE = `Usage: npm run stacks -- <command> [options]
       npm run -s stacks -- <command> --json | jq   (-s: no npm banner on stdout)

Commands:
  plan         offline: run the program under mocks and show what would be created (default)
  preview      preview every selected stack with the real engine
  up           preview, refuse replacing or deleting keys, users, groups, instance roles and
               profiles, instances or the DHMC setting without --allow-replace, then apply
  refresh      refresh state from the cloud
  destroy      destroy the stacks named with --env (never every stack by default); refuses
               deleting keys, users, groups, roles, profiles or DHMC without --allow-replace
  outputs      show stack outputs (secrets as [secret])
  export-keys  write Run Command users' access keys, encrypted (--recipient) or --plaintext
  drift        refresh in preview mode: list every resource whose live state differs from the
               state, with the differences; changes nothing
  deployer-policy
               offline: print the least-privilege IAM policy for running preview, up, refresh
               and destroy on the one stack named with --env
  rotate-keys  --env STACK --user NAME --recipient FILE [--slot NEW] [--out DIR]:
               add a key slot to the user's accessKeys in Pulumi.STACK.yaml (comments and
               formatting kept), preview, confirm and apply as up does, write only the new key
               encrypted to --recipient, and print the retire-key command for the old slot.
               The new slot is named after today's UTC month (2026-11), or day (2026-11-28)
               when the month's name is taken, unless --slot NEW. Refused for a user with two
               slots (retire one first) or none. On failure or no, the file is put back.
  retire-key   --env STACK --user NAME --slot OLD [--force]: remove slot OLD, deleting its key,
               only if IAM shows that key unused since the user's other key was created and that
               key is at least 4 hours old (IAM's usage data can lag); --force skips that check

Options:
  --env a,b          stacks to run (default: every Pulumi.<stack>.yaml; destroy needs it)
  --parallel N       stacks at once (default ${DEFAULT_PARALLEL})
  --json             one JSON document on stdout; progress on stderr
  --yes              confirm up/destroy (required when stdin is not a terminal)
  --allow-replace    let up/destroy replace or delete what the guard protects
  --fail-fast        stop the other stacks after the first failure
  --backend URL      state backend (default: logged-in backend, else .pulumi-state/); for S3:
                     s3://BUCKET?region=R[&endpoint=http://HOST:PORT&use_path_style=true]
  --emulator URL     rehearse preview/up/refresh/destroy/outputs/drift on an AWS emulator
                     (moto_server, LocalStack: e.g. http://127.0.0.1:5000) with dummy credentials
                     and a backend of its own in .pulumi-rehearsal/; your stack files, backend and
                     AWS credentials are not used
  --out DIR          export-keys: folder to write to; rotate-keys: likewise (default: .)
  --recipient FILE   export-keys, rotate-keys: armored OpenPGP public key to encrypt to
  --plaintext        export-keys: write an AWS credentials file (mode 0600) instead; refused
                     inside a git work tree unless the file is git-ignored
  --force            export-keys: write plaintext inside a git work tree all the same;
                     retire-key: skip IAM's last-used check
  --user NAME        rotate-keys, retire-key: the Run Command user (a name in ssm-access:users)
  --slot SLOT        retire-key: the slot to remove; rotate-keys: the new slot's name
  --verbose          show raw errors and stack traces

Exit codes: 0 success (drift: no drift), 1 a stack failed or was refused, 2 bad command line,
            3 drift found (drift only), 130 cancelled
`;

const OPTIONS = {
    env: { type: "string" },
    parallel: { type: "string" },
    json: { type: "boolean", default: false },
    yes: { type: "boolean", short: "y", default: false },
    "allow-replace": { type: "boolean", default: false },
    "fail-fast": { type: "boolean", default: false },
    backend: { type: "string" },
    emulator: { type: "string" },
    verbose: { type: "boolean", short: "v", default: false },
    out: { type: "string" },
    recipient: { type: "string" },
    plaintext: { type: "boolean", default: false },
    force: { type: "boolean", default: false },
    user: { type: "string" },
    slot: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
} as const;

export function parseCli(argv: string[]): CliArgs {
    let parsed;
    try {
        parsed = parseArgs({
            args: argv,
            allowPositionals: true,
            strict: true,
            options: OPTIONS,
        });
    } catch (err) {
        throw new UsageError(parseProblem(err as Error & { code?: string }));
    }
    const { values, positionals } = parsed;
    if (values.help) {
        throw new UsageError("");
    }
    const command = (positionals[0] ?? "plan") as CliCommand;
    if (!COMMANDS.includes(command)) {
        throw new UsageError(
            `unknown command "${positionals[0]}"; commands: ${COMMANDS.join(", ")}`,
        );
    }
    if (positionals.length > 1) {
        throw new UsageError(
            `unexpected argument "${positionals[1]}": select stacks with --env ${positionals[1]}`,
        );
    }
    if (command === "rotate-keys" && values.plaintext) {
        throw new UsageError(
            "rotate-keys: --plaintext is not offered: the new key is only ever written encrypted to --recipient",
        );
    }
    for (const [flag, users] of Object.entries(USED_BY)) {
        const value = values[flag as keyof typeof values];
        if (value !== undefined && value !== false && !users.includes(command)) {
            throw new UsageError(
                `${command} does not use --${flag}: it belongs to ${users.slice(0, -1).join(", ")} and ${users.at(-1)}; drop it`,
            );
        }
    }
    const parallel = values.parallel === undefined ? DEFAULT_PARALLEL : Number(values.parallel);
    if (!Number.isInteger(parallel) || parallel < 1 || parallel > 64) {
        throw new UsageError(`--parallel "${values.parallel}": give a whole number from 1 to 64`);
    }
    const args: CliArgs = {
        command,
        env: values.env,
        parallel,
        json: values.json ?? false,
        yes: values.yes ?? false,
        allowReplace: values["allow-replace"] ?? false,
        failFast: values["fail-fast"] ?? false,
        backend: values.backend,
        emulator: values.emulator === undefined ? undefined : emulatorUrl(values.emulator),
        verbose: values.verbose ?? false,
        out: values.out,
        recipient: values.recipient,
        plaintext: values.plaintext ?? false,
        force: values.force ?? false,
        user: values.user,
        slot: values.slot,
    };
    if (args.emulator !== undefined && args.backend) {
        throw new UsageError(
            "--emulator uses a backend of its own (.pulumi-rehearsal/state): drop --backend",
        );
    }
    if (command === "destroy" && !args.env) {
        throw new UsageError(
            "destroy: name the stacks to destroy with --env STACK[,STACK] (it never defaults to every stack)",
        );
    }
    if (command === "deployer-policy" && (!args.env || args.env.includes(","))) {
        throw new UsageError("deployer-policy: name exactly one stack with --env STACK");
    }
    if (command === "export-keys") {
        checkExport(args);
    } else if (command === "rotate-keys" || command === "retire-key") {
        checkKeys(args);
    }
    return args;
}

function checkExport(args: CliArgs): void {
    if (!args.env || args.env.includes(",")) {
        throw new UsageError("export-keys: name exactly one stack with --env STACK");
    }
    if (!args.out) {
        throw new UsageError("export-keys: give the folder to write to with --out DIR");
    }
    if (args.out === "-") {
        throw new UsageError(
            'export-keys: --out - would be a folder named "-"; keys are never written to stdout: give a folder',
        );
    }
    if (args.recipient && args.plaintext) {
        throw new UsageError(
            "export-keys: give either --recipient FILE (encrypted) or --plaintext, not both",
        );
    }
    if (!args.recipient && !args.plaintext) {
        throw new UsageError(
            "export-keys: give --recipient FILE (armored OpenPGP public key), or --plaintext for an AWS credentials file",
        );
    }
}

function checkKeys(args: CliArgs): void {
    const command = args.command;
    if (!args.env || args.env.includes(",")) {
        throw new UsageError(`${command}: name exactly one stack with --env STACK`);
    }
    if (!args.user) {
        throw new UsageError(`${command}: name the Run Command user with --user NAME`);
    }
    if (args.slot !== undefined && !KEY_SLOT.test(args.slot)) {
        throw new UsageError(
            `${command}: --slot "${args.slot}": slot names are 1-32 lowercase letters, digits and hyphens, e.g. 2026-11`,
        );
    }
    if (command === "rotate-keys") {
        if (!args.recipient) {
            throw new UsageError(
                "rotate-keys: give --recipient FILE, the armored OpenPGP public key (gpg --export --armor KEYID) to encrypt the new key to",
            );
        }
        if (args.out === "-") {
            throw new UsageError(
                "rotate-keys: --out -: keys are never written to stdout: give a folder",
            );
        }
        return;
    }
    if (!args.slot) {
        throw new UsageError("retire-key: name the old slot to remove with --slot SLOT");
    }
}

/** Node's parseArgs error, with the option an unknown one was probably meant to be. */
function parseProblem(err: Error & { code?: string }): string {
    const unknown = /^Unknown option '(-{1,2})([^']*)'/.exec(err.message);
    if (err.code !== "ERR_PARSE_ARGS_UNKNOWN_OPTION" || !unknown) {
        return err.message;
    }
    const guess = closest(unknown[2], Object.keys(OPTIONS));
    const name = `${unknown[1]}${unknown[2]}`;
    return `unknown option ${name}: ${guess ? `did you mean --${guess}?` : "the options are listed below"}`;
}

/** `--emulator` checked: an http(s) address with a host, returned without a trailing slash. */
export function emulatorUrl(value: string): string {
    let url: URL | undefined;
    try {
        url = new URL(value);
    } catch {
        url = undefined;
    }
    if (!url || !/^https?:$/.test(url.protocol) || !url.hostname) {
        throw new UsageError(
            `--emulator "${value}": give the emulator's http or https address with its host, ` +
                "e.g. http://127.0.0.1:5000 (moto_server) or http://localhost:4566 (LocalStack)",
        );
    }
    return url.href.replace(/\/+$/, "");
}
