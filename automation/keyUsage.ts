/**
 * What IAM knows about a user's access keys, for retire-key: when each was created and when the
 * old one was last used. The driver asks through `KeyUsage`, so unit tests stand a fake in for
 * IAM; the real one is an IAM client aimed where the stack's AWS provider is (`awsTarget`).
 */
export interface AccessKeyInfo {
    accessKeyId: string;
    created?: Date;
    status?: string;
}

/** GetAccessKeyLastUsed's AccessKeyLastUsed: `date` is absent when the key was never used. */
export interface LastUse {
    date?: Date;
    service?: string;
    region?: string;
}

export interface KeyUsage {
    /** ListAccessKeys for the user. */
    accessKeys(userName: string): Promise<AccessKeyInfo[]>;
    /** GetAccessKeyLastUsed for the key. */
    lastUsed(accessKeyId: string): Promise<LastUse>;
}

/** Where the stack's AWS provider sends its calls: `aws:region` and, if set, `aws:endpoints`' iam. */
export interface AwsTarget {
    region?: string;
    iamEndpoint?: string;
}

/**
 * The IAM target of a stack, from its AWS provider settings as config/raw.ts reads them (RawStack's
 * `aws`): `region`, and `endpoints`, a list of { service: url } maps (pulumi-aws's `endpoints`
 * provider setting), of which the `iam` entry.
 */
export function awsTarget(aws: Record<string, unknown>): AwsTarget {
    const endpoints = aws.endpoints;
    const iam = Array.isArray(endpoints)
        ? (endpoints as unknown[])
              .map((e) =>
                  e !== null && typeof e === "object" ? (e as { iam?: unknown }).iam : undefined,
              )
              .find((url) => typeof url === "string")
        : undefined;
    return {
        region: typeof aws.region === "string" ? aws.region : undefined,
        iamEndpoint: iam as string | undefined,
    };
}

/** The real KeyUsage: an IAM client with the default credential chain. */
export async function iamKeyUsage(target: AwsTarget): Promise<KeyUsage> {
    const { IAMClient, ListAccessKeysCommand, GetAccessKeyLastUsedCommand } =
        await import("@aws-sdk/client-iam");
    const client = new IAMClient({ region: target.region, endpoint: target.iamEndpoint });
    return {
        async accessKeys(userName) {
            const out = await client.send(new ListAccessKeysCommand({ UserName: userName }));
            return (out.AccessKeyMetadata ?? []).map((k) => ({
                accessKeyId: k.AccessKeyId!,
                created: k.CreateDate,
                status: k.Status,
            }));
        },
        async lastUsed(accessKeyId) {
            const out = await client.send(
                new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId }),
            );
            const used = out.AccessKeyLastUsed;
            return { date: used?.LastUsedDate, service: used?.ServiceName, region: used?.Region };
        },
    };
}

/**
 * How long IAM's usage data may lag. AWS gives no figure for GetAccessKeyLastUsed itself; for the
 * last-accessed data of the same IAM entities it says "Recent activity usually appears within four
 * hours" (IAM API Reference, GenerateServiceLastAccessedDetails), and the credential report, which
 * carries the same last-used fields, records only the first use of a key in any 15 minutes (IAM
 * User Guide, Getting credential reports). A new key younger than this proves nothing yet.
 */
export const USAGE_LATENCY_MS = 4 * 60 * 60 * 1000;

export type Verdict = { retire: true; why: string } | { retire: false; why: string };

/**
 * Whether the old key may go: IAM must show it unused since the new key was created.
 * GetAccessKeyLastUsed (IAM API Reference, AccessKeyLastUsed): LastUsedDate is absent, and
 * ServiceName and Region are "N/A", when the key has not been used since IAM began tracking
 * (April 22, 2015), so an absent date means never used.
 */
export function retireVerdict(facts: {
    oldKeyId: string;
    newKeyId: string;
    newSlot: string;
    keys: AccessKeyInfo[];
    lastUse: LastUse | undefined;
    now: Date;
}): Verdict {
    const newKey = facts.keys.find((k) => k.accessKeyId === facts.newKeyId);
    if (!newKey?.created) {
        return {
            retire: false,
            why: `IAM does not list the new key ${facts.newKeyId} (slot ${facts.newSlot}) for this user: run up for the stack first`,
        };
    }
    const created = newKey.created;
    if (!facts.keys.some((k) => k.accessKeyId === facts.oldKeyId)) {
        return {
            retire: true,
            why: `IAM no longer lists the old key ${facts.oldKeyId}: nobody can use it`,
        };
    }
    const age = facts.now.getTime() - created.getTime();
    if (age < USAGE_LATENCY_MS) {
        const ready = new Date(created.getTime() + USAGE_LATENCY_MS);
        return {
            retire: false,
            why:
                `the new key was created at ${created.toISOString()}, less than 4 hours ago, and IAM's usage data can lag that long: ` +
                `run this again after ${ready.toISOString()}, or pass --force`,
        };
    }
    const used = facts.lastUse?.date;
    if (!used) {
        return { retire: true, why: `IAM shows the old key ${facts.oldKeyId} never used` };
    }
    const where = [facts.lastUse?.service, facts.lastUse?.region].filter((w) => w && w !== "N/A");
    const last = `${used.toISOString()}${where.length ? ` (${where.join(", ")})` : ""}`;
    if (used.getTime() >= created.getTime()) {
        return {
            retire: false,
            why:
                `IAM shows the old key ${facts.oldKeyId} last used at ${last}, after the new key was created at ${created.toISOString()}: ` +
                "a client still uses it. Move it to the new key, then run this again (or pass --force)",
        };
    }
    return {
        retire: true,
        why: `IAM shows the old key ${facts.oldKeyId} last used at ${last}, before the new key was created at ${created.toISOString()}`,
    };
}
