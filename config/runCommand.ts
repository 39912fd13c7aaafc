/**
 * Configuration of Run Command users and operators: what RunCommandUsers takes. The documents'
 * settings are in documents.ts, the key encryption's in pgp.ts.
 */
import { z } from "zod";
import { ACCESS_LEVELS, RunCommandUsersArgs } from "../components/runCommandUsers";
import { Partition } from "../policies/iam";
import {
    GROUP_INLINE_POLICY_LIMIT,
    groupInlinePolicies,
    inlinePolicySize,
} from "../policies/groupPolicies";
import { document } from "./documents";
import { across, flag, list, map, noRepeats, oneOf, problem, text } from "./fields";
import { IAM_NAME } from "./instance";
import { show } from "./problems";

const USER_NAME_MAX = 64;
const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const KEY_SLOT = /^[a-z0-9][a-z0-9-]{0,31}$/;

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
        // A refinement, not .max(): zod runs .max() on any value with a length, so a slot name
        // given without its list would get a second, bogus problem. The editor schema keeps it.
        .refine((slots) => slots.length <= 2, {
            error: "has more than two slots; AWS allows two access keys per user: remove the oldest slot",
        })
        .meta({ maxItems: 2 })
        .refine((slots) => new Set(slots).size === slots.length, {
            error: "lists a slot twice: each slot is one key, give each a distinct name",
        })
        .default([]),
});

const TAG_EXAMPLE =
    'operators need the tag of the instances they may target, e.g. { key: "ssm-access:operators", value: "web" }';

export const runCommandKeys = {
    users: list(user)
        .check(
            noRepeats(
                "name",
                "is listed twice (IAM user names are case-insensitive): remove the duplicate",
                (name) => name.toLowerCase(),
            ),
        )
        .default([]),
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

/**
 * Operators need declared documents and an instance tag. operatorAccess without an operator, and
 * useManagedUserPolicies without an admin, would be ignored, so they are refused.
 */
export const runCommandChecks = [
    across<RunCommandValues>(["users.*.level", "operatorAccess"], (v, ctx) => {
        // Pulumi.yaml's default is {}: only what is written in it counts.
        const written = Object.keys(v.operatorAccess ?? {}).length > 0;
        if (written && !v.users.some((u) => u.level === "operator")) {
            problem(
                ctx,
                ["operatorAccess"],
                v.operatorAccess,
                "has no effect: it scopes operator users, and no user has level operator: remove it, or add a user with level: operator",
            );
        }
    }),
    across<RunCommandValues>(["users.*.level", "useManagedUserPolicies"], (v, ctx) => {
        if (v.useManagedUserPolicies && !v.users.some((u) => u.level === "admin")) {
            problem(
                ctx,
                ["useManagedUserPolicies"],
                true,
                "has no effect: it chooses the admin users' policy, and no user has level admin: remove it, or add a user with level: admin",
            );
        }
    }),
    across<RunCommandValues>(["documents.*.name", "operatorAccess.documents"], (v, ctx) => {
        const declared = v.documents.map((d) => d.name);
        (v.operatorAccess?.documents ?? []).forEach((name, i) => {
            if (!declared.includes(name)) {
                problem(
                    ctx,
                    ["operatorAccess", "documents", i],
                    name,
                    `is not a document this stack declares; operators run only declared, constrained documents (declared: ${declared.join(", ") || "none"})`,
                );
            }
        });
    }),
    across<RunCommandValues>(["users.*.level", "operatorAccess.documents"], (v, ctx) => {
        const names = v.operatorAccess?.documents;
        if (v.users.some((u) => u.level === "operator") && (!names || names.length === 0)) {
            problem(
                ctx,
                ["operatorAccess", "documents"],
                names,
                "operators need the names of the documents they may run (declared under ssm-access:documents)",
            );
        }
    }),
    across<RunCommandValues>(["users.*.level", "operatorAccess.instanceTag"], (v, ctx) => {
        if (v.users.some((u) => u.level === "operator") && !v.operatorAccess?.instanceTag) {
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
 * Hardening (requireMfa, allowedRegions) for users this stack does not have: kept, and said.
 * Refusing it would push people to delete a safeguard they mean to have once such users exist.
 */
export function idleHardening(v: RunCommandValues): string[] {
    const notes: string[] = [];
    if (v.requireMfa && !v.users.some((u) => u.level === "admin")) {
        notes.push(
            "ssm-access:requireMfa = true has no effect yet: it applies to admin users, and this stack has none",
        );
    }
    if (v.allowedRegions.length > 0 && v.users.length === 0) {
        notes.push(
            `ssm-access:allowedRegions = ${JSON.stringify(v.allowedRegions)} has no effect yet: it restricts the users' groups, and this stack has no users`,
        );
    }
    return notes;
}

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

/** Account IDs are always 12 digits: this stand-in gives document ARNs their exact length. */
const ANY_ACCOUNT = "000000000000";

/**
 * A group whose inline policies IAM would refuse (over GROUP_INLINE_POLICY_LIMIT), found before
 * anything is created. The policies are built as RunCommandUsers builds them, with document ARNs
 * in the stack's partition and region; the account is not known here, but every account ID has
 * 12 digits, so the size is never under what AWS counts (and over it only by whitespace inside
 * strings, which IAM does not count). An operator group grows with its documents; the admin and
 * read-only groups only with allowedRegions (every region there is: about 1,500 characters).
 */
export function groupPolicySizeProblems(
    run: Pick<
        RunCommandUsersArgs,
        "users" | "operatorAccess" | "output" | "hardening" | "useManagedUserPolicies"
    >,
    partition: Partition,
    region: string,
): string[] {
    const levels = ACCESS_LEVELS.filter((level) => run.users.some((u) => u.level === level));
    const operator = run.operatorAccess && {
        documentArns: run.operatorAccess.documents.map(
            (name) => `arn:${partition}:ssm:${region}:${ANY_ACCOUNT}:document/${name}`,
        ),
        instanceTag: run.operatorAccess.instanceTag,
        output: run.output,
    };
    return levels.flatMap((level) => {
        const policies = groupInlinePolicies(partition, level, {
            hardening: run.hardening ?? {},
            useManagedUserPolicies: run.useManagedUserPolicies,
            operator,
        });
        const size = inlinePolicySize(policies);
        if (size <= GROUP_INLINE_POLICY_LIMIT) {
            return [];
        }
        const over = `the ${level} group's inline policies would take ${size} characters (JSON without whitespace), over IAM's limit of ${GROUP_INLINE_POLICY_LIMIT} per group, and AWS would refuse them at deploy`;
        return level === "operator"
            ? [
                  `ssm-access:operatorAccess.documents = ${show(run.operatorAccess?.documents)}: ${over}: list fewer documents, give them shorter names, or split the operators across stacks`,
              ]
            : [
                  `ssm-access:allowedRegions = ${show(run.hardening?.allowedRegions)}: ${over}: list fewer regions (each region once)`,
              ];
    });
}
