/**
 * The two-slot access key rotation as two guided commands. `rotate-keys` adds a slot to the user's
 * `accessKeys` in Pulumi.<stack>.yaml, runs `up` for that stack (preview, guard, review, one
 * question), writes only the new key encrypted to --recipient and prints the `retire-key` command
 * (retireKey.ts). Both put the stack file back exactly as it was when `up` fails or is declined;
 * what they share is here.
 */
import * as fs from "fs";
import * as path from "path";
import { fromProject } from "../../config/raw";
import { CliArgs } from "../args";
import { DriverError } from "../errors";
import { userSlots } from "../keySlots";
import { restoreStackFile } from "../stackFile";
import { Step } from "../stackEngine";
import { CliDeps, EXIT, Emit } from "./context";
import { operate, requireConsent } from "./operate";

export const ACCESS_KEY = "aws:iam/accessKey:AccessKey";

function stackFile(deps: CliDeps, stack: string): { file: string; name: string; text: string } {
    const name = `Pulumi.${stack}.yaml`;
    const file = path.join(deps.projectDir, name);
    return { file, name, text: fs.readFileSync(file, "utf8") };
}

export function projectText(deps: CliDeps): string {
    return fs.readFileSync(path.join(deps.projectDir, "Pulumi.yaml"), "utf8");
}

/** Whether Pulumi.yaml gives `users` a non-empty value for every stack (`value:` or `default:`). */
function projectUsers(deps: CliDeps, stack: string): boolean {
    // As config/raw.ts reads it: an empty value ("") is unset.
    const users = fromProject(stack, projectText(deps)).values.users;
    return Array.isArray(users) ? users.length > 0 : users !== undefined && users !== "";
}

export function slotsOf(deps: CliDeps, stack: string, user: string) {
    const f = stackFile(deps, stack);
    return {
        ...f,
        slots: userSlots(f.text, f.name, user, { projectUsers: projectUsers(deps, stack) }),
    };
}

/**
 * The new slot's name: today's UTC month (2026-11), else today's date (2026-11-28) when a slot
 * already has the month's name. Both are what the README's slots look like and sort by age.
 */
export function newSlotName(now: Date, taken: string[]): string {
    const iso = now.toISOString();
    const free = [iso.slice(0, 7), iso.slice(0, 10)].find((s) => !taken.includes(s));
    if (!free) {
        throw new DriverError(
            `the slot names ${iso.slice(0, 7)} and ${iso.slice(0, 10)} are both taken: name the new slot with --slot NAME`,
        );
    }
    return free;
}

function retireCommand(stack: string, user: string, slot: string): string {
    return `npm run stacks -- retire-key --env ${stack} --user ${user} --slot ${slot}`;
}

/**
 * Writes `edited` to the stack file, runs `up` for the stack, and puts the file back as it was
 * unless `up` succeeds. Settings the engine adds for the stack's secrets provider while creating
 * it (stackFile.ts) are kept, as after any other `up`.
 */
export async function applyEdit(
    stack: string,
    f: { file: string; name: string; text: string },
    edited: string,
    args: CliArgs,
    deps: CliDeps,
    expected?: (step: Step) => boolean,
): Promise<{ code: number; up: unknown }> {
    let up: unknown;
    let code: number = EXIT.failed;
    fs.writeFileSync(f.file, edited);
    try {
        code = await operate("up", [stack], args, deps, (doc) => (up = doc), { expected });
    } finally {
        if (code !== EXIT.ok) {
            const now = fs.readFileSync(f.file, "utf8");
            fs.writeFileSync(f.file, restoreStackFile(f.text, now).text);
            deps.stderr.write(
                `${args.command}: ${f.name} is back as it was. If up failed after changing anything, run preview to see where the stack stands.\n`,
            );
        }
    }
    return { code, up };
}

/** The armored recipient key, checked as pgpPublicKey is (config/pgp.ts, pgpKey). */
async function recipientKey(file: string): Promise<string> {
    let armored: string;
    try {
        armored = fs.readFileSync(file, "utf8");
    } catch (err) {
        throw new DriverError(
            `--recipient "${file}": cannot read it (${(err as NodeJS.ErrnoException).code}); give the path of an armored OpenPGP public key (gpg --export --armor KEYID)`,
        );
    }
    if (/PRIVATE KEY/.test(armored)) {
        throw new DriverError(
            `--recipient "${file}" is a PRIVATE key: give the recipient's public key (gpg --export --armor KEYID), and keep the private one to yourself`,
        );
    }
    const { pgpKey } = await import("../../config/pgp");
    const checked = await pgpKey(armored);
    if ("problem" in checked) {
        const problem = checked.problem.replace("paste the output of", "give a file holding");
        throw new DriverError(`--recipient "${file}" ${problem}`);
    }
    return armored;
}

export async function rotateKeys(
    stack: string,
    args: CliArgs,
    deps: CliDeps,
    emit: Emit,
): Promise<number> {
    const user = args.user!;
    const recipientArmored = await recipientKey(args.recipient!);
    const f = slotsOf(deps, stack, user);
    const taken = f.slots.slots;
    if (taken.length >= 2) {
        throw new DriverError(
            `--user "${user}" already has two key slots (${taken.join(", ")}), AWS's limit of two access keys per user: ` +
                `retire the old one first (${retireCommand(stack, user, taken[0])}), then rotate`,
        );
    }
    const slot = args.slot ?? newSlotName(deps.now(), taken);
    if (taken.includes(slot)) {
        throw new DriverError(
            `--slot "${slot}": user "${user}" already has a slot of that name: give a new name`,
        );
    }
    const edited = f.slots.adding(slot);
    requireConsent("rotate-keys", args, deps);
    const old = taken[0];
    const { code, up } = await applyEdit(stack, f, edited, args, deps);
    if (code !== EXIT.ok) {
        if (args.json) {
            emit({ command: "rotate-keys", stack, user, slot, applied: false, up });
        }
        return code;
    }
    const { exportKeys, keysFromOutputs } = await import("../exportKeys");
    const keys = keysFromOutputs(stack, await deps.engine(args).secretOutputs(stack)).filter(
        (k) => k.user === user && k.slot === slot,
    );
    if (keys.length === 0) {
        throw new DriverError(
            `up succeeded, but the stack's outputs have no key in slot ${slot} of "${user}": run export-keys --env ${stack}`,
        );
    }
    const files = await exportKeys(keys, {
        stack,
        outDir: path.resolve(process.env.INIT_CWD ?? process.cwd(), args.out ?? "."),
        recipientArmored,
        plaintext: false,
    });
    const retire = retireCommand(stack, user, old);
    if (args.json) {
        emit({ command: "rotate-keys", stack, user, slot, applied: true, files, retire, up });
    } else {
        deps.stdout.write(
            `\nNew key of "${user}" in slot ${slot}: ${files.map((w) => w.path).join(", ")} (${files.map((w) => w.format).join(", ")}; gpg --decrypt opens it).\n` +
                `Move every client of the old key (slot ${old}) to it, then retire that slot:\n  ${retire}\n`,
        );
    }
    return EXIT.ok;
}
