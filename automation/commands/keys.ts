/**
 * The two-slot access key rotation as two guided commands. `rotate-keys` adds a slot to the user's
 * `accessKeys` in Pulumi.<stack>.yaml, runs `up` for that stack (preview, guard, review, one
 * question), writes only the new key encrypted to --recipient and prints the `retire-key` command.
 * `retire-key` asks IAM whether the old key is still in use, unprotects that key in state when
 * protectFromDeletion protects it, removes its slot and runs `up`, which deletes it. Either puts the
 * stack file back exactly as it was when `up` fails or is declined, and retire-key protects the key
 * again.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { CliArgs } from "../args";
import { DriverError } from "../errors";
import { urnName } from "../guard";
import { UserSlots, userSlots } from "../keySlots";
import { awsTarget, retireVerdict } from "../keyUsage";
import { restoreStackFile } from "../stackFile";
import { StackEngine, Step } from "../stackEngine";
import type { StackOutputValues } from "../../program";
import { accessKeyName } from "../../components/runCommandUsers";
import { CliDeps, EXIT, Emit } from "./context";
import { operate, requireConsent } from "./operate";

const ACCESS_KEY = "aws:iam/accessKey:AccessKey";

function stackFile(deps: CliDeps, stack: string): { file: string; name: string; text: string } {
    const name = `Pulumi.${stack}.yaml`;
    const file = path.join(deps.projectDir, name);
    return { file, name, text: fs.readFileSync(file, "utf8") };
}

function projectText(deps: CliDeps): string {
    return fs.readFileSync(path.join(deps.projectDir, "Pulumi.yaml"), "utf8");
}

/** Whether Pulumi.yaml gives `users` a value for every stack (`value:`, or a non-empty default). */
function projectUsers(deps: CliDeps): boolean {
    const config = (YAML.parse(projectText(deps)) as { config?: Record<string, unknown> } | null)
        ?.config;
    return ["users", "ssm-access:users"].some((key) => {
        const entry = config?.[key];
        if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
            return entry !== undefined;
        }
        const e = entry as { value?: unknown; default?: unknown };
        return "value" in e || (Array.isArray(e.default) && e.default.length > 0);
    });
}

function slotsOf(deps: CliDeps, stack: string, user: string) {
    const f = stackFile(deps, stack);
    return { ...f, slots: userSlots(f.text, f.name, user, { projectUsers: projectUsers(deps) }) };
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
async function applyEdit(
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

type UsersOutput = StackOutputValues["runCommandUsers"];

function keyIdOf(users: UsersOutput | undefined, user: string, slot: string, stack: string) {
    const id = users?.[user]?.accessKeys?.[slot]?.accessKeyId;
    if (!id) {
        throw new DriverError(
            `the outputs of stack "${stack}" have no key in slot ${slot} of "${user}", so IAM cannot be asked about it: run up first (or pass --force)`,
        );
    }
    return id;
}

/**
 * Clears the `protect` flag of the retired key in the stack's state, so the engine lets `up`
 * delete it: protectFromDeletion (components/runCommandUsers.ts) sets it, and the engine refuses
 * at the preview to delete a protected resource. Returns the key's URN when it was protected (to
 * re-protect it unless the deletion is applied), else undefined. Touches nothing else.
 */
async function unprotectRetired(
    engine: StackEngine,
    stack: string,
    retired: string,
    c: { user: string; slot: string; f: { name: string }; deps: CliDeps },
): Promise<string | undefined> {
    const key = (await engine.stateResources(stack)).find(
        (r) => r.type === ACCESS_KEY && urnName(r.urn) === retired,
    );
    if (!key) {
        throw new DriverError(
            `the state of stack "${stack}" has no access key ${retired} (slot ${c.slot} of "${c.user}"), so there is no key to retire: ` +
                `run preview --env ${stack} to see where the stack stands (if the key is gone already, remove the slot from ${c.f.name} by hand and run up). Nothing was changed.`,
        );
    }
    if (!key.protect) {
        return undefined;
    }
    c.deps.stderr.write(
        `retire-key: unprotecting the old key ${key.urn} for its deletion; re-protected if nothing is applied.\n`,
    );
    try {
        await engine.setProtect(stack, key.urn, false);
    } catch (err) {
        throw new DriverError(
            `unprotecting the old key ${key.urn} failed (${(err as Error).message}). Nothing was changed.`,
        );
    }
    return key.urn;
}

/** Sets the retired key's `protect` flag again after an `up` that was not applied. */
async function reprotect(engine: StackEngine, stack: string, urn: string, deps: CliDeps) {
    const byHand = `pulumi state protect --yes --stack ${stack} '${urn}'`;
    try {
        if (!(await engine.stateResources(stack)).some((r) => r.urn === urn)) {
            deps.stderr.write(
                `retire-key: the old key ${urn} is no longer in the state (up deleted it before it stopped): nothing to re-protect.\n`,
            );
            return;
        }
        await engine.setProtect(stack, urn, true);
        deps.stderr.write(`retire-key: the old key ${urn} is protected again.\n`);
    } catch (err) {
        deps.stderr.write(
            `retire-key: re-protecting the old key failed (${(err as Error).message}): run ${byHand}, or up, which protects it again.\n`,
        );
    }
}

export async function retireKey(
    stack: string,
    args: CliArgs,
    deps: CliDeps,
    emit: Emit,
): Promise<number> {
    const user = args.user!;
    const slot = args.slot!;
    const f = slotsOf(deps, stack, user);
    const slots: UserSlots = f.slots;
    if (!slots.slots.includes(slot)) {
        throw new DriverError(
            `--slot "${slot}": user "${user}" of ${f.name} has no such slot` +
                (slots.slots.length ? ` (slots: ${slots.slots.join(", ")})` : " (no slots)") +
                ": give one of them",
        );
    }
    const newSlot = slots.slots.find((s) => s !== slot);
    if (!newSlot) {
        throw new DriverError(
            `--slot "${slot}" is the only key slot of "${user}", so no newer key replaces it: rotate first (rotate-keys), ` +
                `or, to leave the user without a key, remove the slot from ${f.name} by hand and run up`,
        );
    }
    const edited = slots.removing(slot);
    requireConsent("retire-key", args, deps);
    let why: string;
    if (args.force) {
        why = `--force: IAM was not asked whether the key in slot ${slot} was used since the key in slot ${newSlot} was created; a client still using it is refused once it is deleted`;
    } else {
        const outputs = await deps.engine(args).outputs(stack);
        const users = outputs.runCommandUsers as UsersOutput | undefined;
        const oldKeyId = keyIdOf(users, user, slot, stack);
        const newKeyId = keyIdOf(users, user, newSlot, stack);
        const target = awsTarget(f.text, projectText(deps));
        const userName = users?.[user]?.userName ?? user;
        let verdict;
        try {
            const iam = await deps.keyUsage(target);
            const keys = await iam.accessKeys(userName);
            const lastUse = keys.some((k) => k.accessKeyId === oldKeyId)
                ? await iam.lastUsed(oldKeyId)
                : undefined;
            verdict = retireVerdict({
                oldKeyId,
                newKeyId,
                newSlot,
                keys,
                lastUse,
                now: deps.now(),
            });
        } catch (err) {
            const where =
                target.iamEndpoint ?? `IAM (region ${target.region ?? "from the environment"})`;
            throw new DriverError(
                `asking ${where} about the access keys of "${userName}" failed (${(err as Error).message}): ` +
                    "check the AWS credentials (the default chain: AWS_PROFILE, environment, SSO, instance role) and their iam:ListAccessKeys and iam:GetAccessKeyLastUsed, or pass --force",
            );
        }
        if (!verdict.retire) {
            throw new DriverError(`retire-key: ${verdict.why}. Nothing was changed.`);
        }
        why = verdict.why;
    }
    deps.stderr.write(`retire-key: ${why}.\n`);
    // Only the retired key's deletion is expected: the guard still refuses anything else.
    const retired = accessKeyName(`ssm-access-${stack}-users`, user, slot);
    const expected = (s: Step) =>
        s.type === ACCESS_KEY && s.op === "delete" && urnName(s.urn) === retired;
    const engine = deps.engine(args);
    const unprotected = await unprotectRetired(engine, stack, retired, { user, slot, f, deps });
    let code: number = EXIT.failed;
    let up: unknown;
    try {
        ({ code, up } = await applyEdit(stack, f, edited, args, deps, expected));
    } finally {
        if (unprotected && code !== EXIT.ok) {
            await reprotect(engine, stack, unprotected, deps);
        }
    }
    if (args.json) {
        emit({
            command: "retire-key",
            stack,
            user,
            slot,
            applied: code === EXIT.ok,
            check: why,
            up,
        });
    } else if (code === EXIT.ok) {
        deps.stdout.write(`\nSlot ${slot} of "${user}" retired; its key is deleted.\n`);
    }
    return code;
}
