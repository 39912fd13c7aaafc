/**
 * Creates an earlier update started and never finished. When the engine is killed mid-create the
 * state keeps a pending operation of type "creating": the resource may exist in AWS while the
 * state does not know it, and a plain retry then fails with "already exists". The CLI resolves
 * each one with `pulumi refresh`: `--import-pending-creates URN ID` (pairs, one flag value each)
 * records it as existing, `--clear-pending-creates` drops every one left (pulumi/pulumi
 * pkg/cmd/pulumi/operations/refresh.go: pendingCreatesToImports, filterMapPendingCreates).
 */

/** One pending create, as `pulumi stack export` shows it. */
export interface PendingCreate {
    urn: string;
    type: string;
    /** The physical id, when the provider returned one before the engine stopped. */
    id?: string;
    /** The resource's `name` input: the id of IAM users, groups, roles, profiles and SSM documents. */
    name?: string;
}

interface ExportedOperation {
    type?: string;
    resource?: { urn?: string; type?: string; id?: string; inputs?: Record<string, unknown> };
}

/** The pending creates of an exported deployment (`stack export`'s `deployment`). */
export function pendingCreatesOf(deployment: { pending_operations?: unknown } | undefined) {
    const ops = (deployment?.pending_operations ?? []) as ExportedOperation[];
    return ops
        .filter((op) => op.type === "creating" && op.resource?.urn)
        .map((op): PendingCreate => {
            const r = op.resource!;
            const name = r.inputs?.name;
            return {
                urn: r.urn!,
                type: r.type ?? r.urn!.split("::")[2]?.split("$").pop() ?? "",
                id: r.id || undefined,
                name: typeof name === "string" ? name : undefined,
            };
        });
}

/**
 * What to do about a stack's pending creates, with the exact commands; nothing was run. The update
 * that left them was killed, so its lock is likely still held and `pulumi refresh` would stop on
 * it (a DIY backend's lock is deleted by the `Unlock` of the process that took it, or by `pulumi
 * cancel`: pulumi/pulumi pkg/backend/diy/lock.go, backend.go): `removeLock` removes a stale one.
 */
export function pendingAdvice(
    stack: string,
    pending: readonly PendingCreate[],
    removeLock: string,
): string {
    const lines = pending.map((p) => {
        const id = p.id ?? "<ID>";
        const known = p.id
            ? `id ${p.id}`
            : p.name
              ? `id not recorded; its name is "${p.name}", which is the id of IAM users, groups, roles and instance profiles and of SSM documents`
              : "id not recorded: find it in AWS";
        return (
            `  - ${p.type} ${p.urn.split("::").pop()} (${known})\n` +
            `      exists in AWS: pulumi refresh --yes --stack ${stack} --import-pending-creates '${p.urn}' --import-pending-creates '${id}'`
        );
    });
    return (
        `Stack "${stack}" has ${pending.length} create${pending.length === 1 ? "" : "s"} that an earlier update started and never finished ` +
        "(it was killed): each may exist in AWS unknown to the state, so nothing was run. " +
        "Check AWS for each, import those that exist, then clear the rest:\n" +
        `  first, unless an update of this stack is running now, remove the killed update's stale lock: ${removeLock}\n` +
        `${lines.join("\n")}\n` +
        `  then: pulumi refresh --yes --stack ${stack} --clear-pending-creates`
    );
}
