/**
 * `retire-key`: asks IAM whether the old key is still in use, unprotects that key in state when
 * protectFromDeletion protects it, removes its slot and runs `up`, which deletes it. The stack file
 * is put back exactly, and the key protected again, when `up` fails or is declined.
 */
import { fromTexts } from "../../config/raw";
import { CliArgs } from "../args";
import { DriverError } from "../errors";
import { urnName } from "../guard";
import { UserSlots } from "../keySlots";
import { awsTarget, retireVerdict } from "../keyUsage";
import { StackEngine, Step } from "../stackEngine";
import type { StackOutputValues } from "../../program";
import { accessKeyName } from "../../components/runCommandUsers";
import { CliDeps, EXIT, Emit } from "./context";
import { requireConsent } from "./operate";
import { ACCESS_KEY, applyEdit, projectText, slotsOf } from "./keys";

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
        const target = awsTarget(
            fromTexts(stack, { project: projectText(deps), stack: f.text }).aws,
        );
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
