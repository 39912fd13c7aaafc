/**
 * Creates an update started and has not finished. The engine records a create as pending in the
 * state before it calls the provider and removes it when the call returns (pulumi/pulumi
 * pkg/backend/snapshot.go: doCreate, createSnapshotMutation.End), so a running update has some
 * for as long as a create is in flight, and an update killed mid-create leaves them: the resource
 * may exist in AWS while the state does not know it, and a plain retry then fails with "already
 * exists". The CLI resolves each one with `pulumi refresh`: `--import-pending-creates URN ID`
 * (pairs, one flag value each) records it as existing, `--clear-pending-creates` drops every one
 * left (pkg/cmd/pulumi/operations/refresh.go: pendingCreatesToImports, filterMapPendingCreates).
 */
import { lockedAdvice } from "./errors";
import { Host, isStaleHere, lockHolderOf } from "./locks";
import type { StackEngine } from "./stackEngine";

/** One pending create, as `pulumi stack export` shows it. */
export interface PendingCreate {
    urn: string;
    type: string;
    /** The physical id, when the provider returned one before the engine stopped. */
    id?: string;
    /** The resource's `name` input (see ID_FROM_NAME for the types whose id follows from it). */
    name?: string;
    /** The resource's `path` input (IAM), part of a policy's ARN. */
    path?: string;
}

interface ExportedOperation {
    type?: string;
    resource?: { urn?: string; type?: string; id?: string; inputs?: Record<string, unknown> };
}

/** The pending creates of an exported deployment (`stack export`'s `deployment`). */
export function pendingCreatesOf(deployment: { pending_operations?: unknown } | undefined) {
    const ops = (deployment?.pending_operations ?? []) as ExportedOperation[];
    const text = (v: unknown) => (typeof v === "string" ? v : undefined);
    return ops
        .filter((op) => op.type === "creating" && op.resource?.urn)
        .map((op): PendingCreate => {
            const r = op.resource!;
            return {
                urn: r.urn!,
                type: r.type ?? r.urn!.split("::")[2]?.split("$").pop() ?? "",
                id: r.id || undefined,
                name: text(r.inputs?.name),
                path: text(r.inputs?.path),
            };
        });
}

/**
 * The id a create returns, by type, from the name (and path) it was given: pulumi-aws takes each
 * id from terraform-provider-aws, whose create function sets it (internal/service/...).
 */
const ID_FROM_NAME: Record<string, (name: string, path: string) => string> = {
    // iam/user.go resourceUserCreate: d.SetId(aws.ToString(output.User.UserName)).
    "aws:iam/user:User": (name) => name,
    // iam/group.go resourceGroupCreate: d.SetId(aws.StringValue(output.Group.GroupName)).
    "aws:iam/group:Group": (name) => name,
    // iam/role.go resourceRoleCreate: roleName := aws.ToString(output.Role.RoleName); d.SetId(roleName).
    "aws:iam/role:Role": (name) => name,
    // iam/instance_profile.go: d.SetId(aws.ToString(output.InstanceProfile.InstanceProfileName)).
    "aws:iam/instanceProfile:InstanceProfile": (name) => name,
    // ssm/document.go resourceDocumentCreate: d.SetId(aws.ToString(output.DocumentDescription.Name)).
    "aws:ssm/document:Document": (name) => name,
    // iam/policy.go resourcePolicyCreate: d.SetId(aws.ToString(output.Policy.Arn)), the ARN being
    // arn:aws:iam::ACCOUNT:policy/PATH/NAME (IAM User Guide, "IAM identifiers": IAM ARNs).
    "aws:iam/policy:Policy": (name, path) => `arn:aws:iam::<ACCOUNT>:policy${path}${name}`,
};

/** A pending create's id for the import command, and what the user is told about it. */
function idOf(p: PendingCreate): { id: string; known: string } {
    if (p.id) {
        return { id: p.id, known: `id ${p.id}` };
    }
    const fromName = ID_FROM_NAME[p.type];
    if (fromName && p.name) {
        const id = fromName(p.name, p.path ?? "/");
        return id === p.name
            ? { id, known: `id not recorded; a ${p.type}'s id is its name, "${p.name}"` }
            : { id, known: `id not recorded; a ${p.type}'s id is its ARN, ${id}` };
    }
    return { id: "<ID>", known: "id not recorded: find it in AWS" };
}

/**
 * What the driver knows of the stack's locks when it finds pending creates and no update running:
 * none left (the killed update's lock was removed since), locks left on this machine by processes
 * that no longer run, or a backend whose locks it cannot read (Pulumi Cloud, or a read failed).
 */
export type LockState =
    | { kind: "none" }
    | { kind: "stale"; holders: string[]; removal: string }
    | { kind: "unreadable" };

/** What to do about a stack's pending creates, with the exact commands; nothing was run. */
export function pendingAdvice(
    stack: string,
    pending: readonly PendingCreate[],
    lock: LockState,
): string {
    const lines = pending.map((p) => {
        const { id, known } = idOf(p);
        return (
            `  - ${p.type} ${p.urn.split("::").pop()} (${known})\n` +
            `      exists in AWS: pulumi refresh --yes --stack ${stack} --import-pending-creates '${p.urn}' --import-pending-creates '${id}'`
        );
    });
    const creates = `${pending.length} create${pending.length === 1 ? "" : "s"}`;
    const head =
        lock.kind === "unreadable"
            ? `Stack "${stack}" has ${creates} that an update started and has not finished: they may belong ` +
              "to an update of this stack running now, or to one that was killed (the driver cannot read " +
              "this backend's locks), so nothing was run. Once no update of this stack runs, check AWS " +
              "for each, import those that exist, then clear the rest:\n"
            : `Stack "${stack}" has ${creates} that an earlier update started and never finished ` +
              "(it was killed): each may exist in AWS unknown to the state, so nothing was run. " +
              "Check AWS for each, import those that exist, then clear the rest:\n" +
              (lock.kind === "stale"
                  ? `  first, remove the killed update's stale lock (taken by ${lock.holders.join(" and by ")}, ` +
                    `no longer running on this machine): ${lock.removal}\n`
                  : "");
    return `${head}${lines.join("\n")}\n  then: pulumi refresh --yes --stack ${stack} --clear-pending-creates`;
}

/**
 * Why a stack's pending creates stop it before its preview, or undefined when it has none. Pending
 * creates under a lock held by a running update are that update's: the stack is locked, and
 * nothing must be removed. Only locks this machine's killed processes left, or none, make them
 * stale. The locks are read after the pending creates: an update holds its lock from before it
 * writes a pending create until after it has removed it.
 */
export async function pendingRefusal(
    engine: StackEngine,
    stack: string,
    host: Host,
): Promise<string | undefined> {
    const pending = await engine.pendingCreates(stack);
    if (pending.length === 0) {
        return undefined;
    }
    const locks = await engine.stackLocks(stack);
    if (locks === undefined) {
        return pendingAdvice(stack, pending, { kind: "unreadable" });
    }
    const live = locks.filter((l) => !isStaleHere(l, host));
    if (live.length > 0) {
        return lockedAdvice(
            stack,
            engine.staleLockRemoval(stack),
            live.map(lockHolderOf).join(" and by "),
        );
    }
    if (locks.length > 0) {
        return pendingAdvice(stack, pending, {
            kind: "stale",
            holders: locks.map(lockHolderOf),
            removal: engine.staleLockRemoval(stack),
        });
    }
    // No lock: the update that held them may have ended between the two reads, clearing them.
    const left = await engine.pendingCreates(stack);
    return left.length > 0 ? pendingAdvice(stack, left, { kind: "none" }) : undefined;
}
