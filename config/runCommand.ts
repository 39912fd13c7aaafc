/** Configuration of Run Command users, their documents and key encryption: what RunCommandUsers takes. */
import type { Key, PublicKey } from "openpgp";
import { z } from "zod";
import { ACCESS_LEVELS } from "../components/runCommandUsers";
import {
    Platform,
    Refusal,
    unsafeParameterReason,
    unsafeSplices,
    wordProblem,
} from "../policies/parameterSafety";
import {
    PARAMETER_NAME,
    environmentReference,
    referencedParameters,
} from "../policies/ssmDocument";
import { across, flag, list, map, oneOf, problem, text } from "./fields";
import { IAM_NAME } from "./instance";

const USER_NAME_MAX = 64;
const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const KEY_SLOT = /^[a-z0-9][a-z0-9-]{0,31}$/;
// SSM CreateDocument: names are 3-128 of a-zA-Z0-9_-. and may not start with aws, amazon or amzn.
const DOCUMENT_NAME = /^(?!(?:aws|amazon|amzn))[A-Za-z0-9_.-]{3,128}$/i;

const user = map({
    name: text(
        IAM_NAME,
        `must be an IAM user name: 1-${USER_NAME_MAX} characters of letters, digits and +=,.@_-`,
        USER_NAME_MAX,
    ),
    level: oneOf(ACCESS_LEVELS),
    accessKeys: z
        .array(
            text(
                KEY_SLOT,
                "slot names are 1-32 lowercase letters, digits and hyphens, e.g. 2026-11",
            ),
            { error: 'must be a list of key slot names, e.g. ["2026-11"]' },
        )
        .max(2, {
            error: "has more than two slots; AWS allows two access keys per user: remove the oldest slot",
        })
        .refine((slots) => new Set(slots).size === slots.length, {
            error: "lists a slot twice: each slot is one key, give each a distinct name",
        })
        .default([]),
});

const parameter = map({
    type: oneOf(["String", "Integer", "Boolean"]).default("String"),
    description: z
        .string({ error: "must say what the parameter is for" })
        .min(1, { error: "must say what the parameter is for" }),
    allowedValues: z.array(z.string(), { error: "must be a list of strings" }).optional(),
    allowedPattern: z.string({ error: "must be a string (a regular expression)" }).optional(),
    default: z.string({ error: "must be a string" }).optional(),
});

type ParameterValues = z.output<typeof parameter>;
type DocumentValues = {
    platform: Platform;
    parameters: Record<string, ParameterValues>;
    commands: string[];
};

/** What a refused parameter shows as its value: the setting the refusal is about. */
function refusedValue(p: ParameterValues, refusal: Refusal): unknown {
    return refusal.about === "type" ? p : p[refusal.about];
}

const SHELL: Record<Platform, string> = { Linux: "shell", Windows: "PowerShell" };

/** The safe form a refusal offers, as the setting to write. */
function advice(refusal: Refusal): string {
    return refusal.about === "allowedValues"
        ? `use allowedValues that are ${refusal.safeForm}`
        : `use allowedPattern "${refusal.safeForm}"`;
}

/**
 * Why a parameter's default is not a value its own rule admits, or undefined. A default is a value
 * like any other: SSM uses it when the operator gives none, so it reaches the same root script.
 * Called only once the rule itself is proven, so the pattern is in the subset that JavaScript
 * evaluates as SSM and the agent do (policies/parameterSafety.ts).
 */
function defaultProblem(p: ParameterValues, platform: Platform): string | undefined {
    const value = p.default;
    if (value === undefined) {
        return undefined;
    }
    if (p.type === "Integer") {
        return /^-?[0-9]+$/.test(value) ? undefined : 'is not an integer: give digits, e.g. "5"';
    }
    if (p.type === "Boolean") {
        return value === "true" || value === "false"
            ? undefined
            : 'is not a Boolean: give "true" or "false"';
    }
    const word = wordProblem(value, platform);
    if (word) {
        return `is not an inert word (${word}); a default reaches the root ${SHELL[platform]} like any value: give one inert word the parameter admits, or no default`;
    }
    if (p.allowedValues && !p.allowedValues.includes(value)) {
        return `is not one of allowedValues (${p.allowedValues.join(", ")}): give one of them, or no default`;
    }
    if (p.allowedPattern !== undefined && !new RegExp(p.allowedPattern).test(value)) {
        return `does not match allowedPattern "${p.allowedPattern}": give a value it admits, or no default`;
    }
    return undefined;
}

/**
 * Each String parameter must provably admit only one inert word (policies/parameterSafety.ts), its
 * default must be a value its rule admits, and
 * no command may paste a String parameter with {{ }} unless it is an allowedValues list: SSM
 * splices the raw value into a root script, so such values are read from SSM_<Name> instead.
 */
function checkDocument(d: DocumentValues, ctx: z.RefinementCtx): void {
    for (const [name, p] of Object.entries(d.parameters)) {
        if (!PARAMETER_NAME.test(name)) {
            problem(
                ctx,
                ["parameters", name],
                name,
                `is not a name SSM Agent accepts: use letters and digits only (e.g. ${name.replace(/[^A-Za-z0-9]/g, "") || "Service"})`,
            );
            continue;
        }
        const refusal = unsafeParameterReason(p, d.platform);
        if (refusal) {
            problem(
                ctx,
                ["parameters", name],
                refusedValue(p, refusal),
                `${refusal.construct}; operators' values reach a root ${SHELL[d.platform]}, so only provably inert words are accepted: ${advice(refusal)}`,
            );
            continue;
        }
        const wrongDefault = defaultProblem(p, d.platform);
        if (wrongDefault) {
            problem(ctx, ["parameters", name, "default"], p.default, wrongDefault);
        }
    }
    d.commands.forEach((command, i) => {
        for (const name of referencedParameters([command])) {
            if (!(name in d.parameters)) {
                problem(
                    ctx,
                    ["commands", i],
                    command,
                    `uses parameter "${name}", which the document does not declare under parameters`,
                );
            }
        }
        for (const name of unsafeSplices([command], d.parameters)) {
            problem(
                ctx,
                ["commands", i],
                command,
                `splices String parameter "${name}" with {{ ${name} }}, which SSM pastes unescaped into the script: read it as ${environmentReference(name, d.platform)} (SSM Agent 3.3.2746.0+ sets it), or make ${name} an allowedValues list`,
            );
        }
    });
}

const document = map({
    name: text(
        DOCUMENT_NAME,
        "must be 3-128 letters, digits and _-. and not start with AWS, Amazon or AMZN (reserved by AWS)",
    ),
    description: z.string({ error: "must be a string" }).optional(),
    platform: oneOf(["Linux", "Windows"]).default("Linux"),
    parameters: z
        .record(z.string(), parameter, { error: "must be a map (YAML mapping)" })
        .default({}),
    commands: z
        .array(z.string(), { error: "must be a non-empty list of command lines" })
        .min(1, { error: "must be a non-empty list of command lines" }),
})
    .check(across<DocumentValues>(["commands", "parameters", "platform"], checkDocument))
    .transform((d) => ({ ...d, description: d.description ?? `${d.name} (ssm-access)` }));

const TAG_EXAMPLE =
    'operators need the tag of the instances they may target, e.g. { key: "ssm-access:operators", value: "web" }';

export const runCommandKeys = {
    users: list(user)
        .default([])
        .superRefine((users, ctx) => {
            const seen = new Set<string>();
            users.forEach((u, i) => {
                if (seen.has(u.name.toLowerCase())) {
                    problem(
                        ctx,
                        [i, "name"],
                        u.name,
                        "is listed twice (IAM user names are case-insensitive): remove the duplicate",
                    );
                }
                seen.add(u.name.toLowerCase());
            });
        }),
    documents: list(document).default([]),
    operatorAccess: map({
        documents: z.array(z.string()).optional(),
        instanceTag: map({
            key: z.string({ error: TAG_EXAMPLE }).min(1, { error: TAG_EXAMPLE }),
            value: z.string({ error: TAG_EXAMPLE }).min(1, { error: TAG_EXAMPLE }),
        }).optional(),
    }).optional(),
    useManagedUserPolicies: flag().default(false),
    allowedRegions: z
        .array(text(REGION, "must be an AWS region such as us-east-1"), {
            error: 'must be a list of regions, e.g. ["us-east-1"]',
        })
        .default([]),
    requireMfa: flag().default(false),
    pgpPublicKey: z.string({ error: "must be a string" }).optional(),
};

type RunCommandValues = z.output<z.ZodObject<typeof runCommandKeys>>;

/** Operators need declared documents and an instance tag; other stacks ignore operatorAccess. */
export const runCommandChecks = [
    across<RunCommandValues>(["users", "documents", "operatorAccess"], (v, ctx) => {
        if (!v.users.some((u) => u.level === "operator")) {
            return;
        }
        const names = v.operatorAccess?.documents;
        if (!names || names.length === 0) {
            problem(
                ctx,
                ["operatorAccess", "documents"],
                names,
                "operators need the names of the documents they may run (declared under ssm-access:documents)",
            );
        } else {
            const declared = v.documents.map((d) => d.name);
            for (const name of names.filter((n) => !declared.includes(n))) {
                problem(
                    ctx,
                    ["operatorAccess", "documents"],
                    name,
                    `is not a document this stack declares; operators run only declared, constrained documents (declared: ${declared.join(", ") || "none"})`,
                );
            }
        }
        if (!v.operatorAccess?.instanceTag) {
            problem(
                ctx,
                ["operatorAccess", "instanceTag"],
                v.operatorAccess?.instanceTag,
                TAG_EXAMPLE,
            );
        }
    }),
];

/**
 * allowedRegions denies ssm, ec2 and logs outside the list to every user group: a list without the
 * stack's own region would lock every user out of the instances this stack manages.
 */
export function allowedRegionsProblem(
    allowed: readonly string[],
    region: string,
): string | undefined {
    if (allowed.length === 0 || allowed.includes(region)) {
        return undefined;
    }
    return `ssm-access:allowedRegions = ${JSON.stringify(allowed)}: leaves out the stack's own region ${region} (aws:region), so every user would be denied ssm, ec2 and logs where this stack's instances run: add "${region}"`;
}

/** The operator access the component takes, from values that passed runCommandChecks. */
export function operatorAccessOf(v: RunCommandValues) {
    const access = v.operatorAccess;
    if (!v.users.some((u) => u.level === "operator") || !access?.documents || !access.instanceTag) {
        return undefined;
    }
    return { documents: access.documents, instanceTag: access.instanceTag };
}

const EXPORT_PUBLIC = "gpg --export --armor KEYID";

/**
 * Why a public key cannot receive a secret now, or undefined when it can. The provider encrypts
 * each new secret to this key right after CreateAccessKey (terraform-provider-aws
 * internal/service/iam/access_key.go, resourceAccessKeyCreate), so a key that cannot encrypt fails
 * `up` after IAM has made the key: refuse it here, before anything is declared.
 */
async function unusableForEncryption(key: PublicKey): Promise<string | undefined> {
    try {
        // Throws unless the primary key is valid now (not expired, not revoked) and it or a subkey
        // is an unexpired, non-revoked key with encryption flags (openpgp Key.getEncryptionKey).
        await key.getEncryptionKey();
        return undefined;
    } catch {
        const fix = `extend it (gpg --quick-set-expire FINGERPRINT 1y, and with '*' after 1y for its subkeys) or use another key, and give ${EXPORT_PUBLIC} again`;
        if (await key.isRevoked()) {
            return `is revoked: give a key that is not, exported with ${EXPORT_PUBLIC}`;
        }
        const expires = await key.getExpirationTime();
        if (expires instanceof Date && expires.getTime() <= Date.now()) {
            return `expired on ${expires.toISOString().slice(0, 10)}, so nothing can be encrypted to it: ${fix}`;
        }
        return `has no unexpired, non-revoked encryption subkey, so nothing can be encrypted to it: add one (gpg --quick-add-key FINGERPRINT cv25519 encr 1y) or ${fix}`;
    }
}

/**
 * The PGP public key as the provider takes it (base64 of the binary key), or a problem. The value is never
 * echoed: a pasted private key must not end up in a log.
 */
export async function pgpKey(armored: string): Promise<{ key: string } | { problem: string }> {
    if (/PRIVATE KEY/.test(armored)) {
        return {
            problem: `is a PRIVATE key: remove it from config now and give the public key (${EXPORT_PUBLIC})`,
        };
    }
    // Loaded only when a key is configured: most stacks have none.
    const openpgp = await import("openpgp");
    let key: Key;
    try {
        key = await openpgp.readKey({ armoredKey: armored });
    } catch (err) {
        return {
            problem: `is not an armored OpenPGP public key (${(err as Error).message}): paste the output of ${EXPORT_PUBLIC}`,
        };
    }
    if (key.isPrivate()) {
        return { problem: `is a private key: give the public key (${EXPORT_PUBLIC})` };
    }
    const unusable = await unusableForEncryption(key.toPublic());
    return unusable
        ? { problem: unusable }
        : { key: Buffer.from(key.toPublic().write()).toString("base64") };
}
