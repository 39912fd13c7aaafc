/**
 * Configuration: one source of raw values in, exactly the args the components take out. Every
 * problem is reported at once, each naming the key path, the value and what is accepted, before
 * any resource is declared.
 */
import type { InstanceAccessArgs } from "../components/instanceAccess";
import type { PrivateNetworkArgs } from "../components/privateNetwork";
import type { RunCommandUsersArgs } from "../components/runCommandUsers";
import { Partition, partitionOfRegion } from "../policies/iam";
import { z } from "zod";
import { ConfigError, PROJECT, SECRET_VALUE, closest, problemLines, show } from "./problems";
import { OTHER_NAMESPACES, RawStack, emptyStack, fromEngine, fromFiles } from "./raw";
import { bucketName, keyPrefixDir } from "./instance";
import { RelaunchEntry } from "./relaunch";
import { pgpKey } from "./pgp";
import {
    allowedRegionsProblem,
    groupPolicySizeProblems,
    idleHardening,
    operatorAccessOf,
} from "./runCommand";
import { RETIRED_SETTINGS, SETTINGS, StackValues, stackSchema } from "./schema";

export { ConfigError, PROJECT };
export type { RelaunchEntry } from "./relaunch";

/** A stack's validated configuration: the args of each component, and the stack's place. */
export interface StackArgs {
    readonly stack: string;
    readonly region: string;
    readonly partition: Partition;
    readonly tags: Record<string, string>;
    readonly instanceAccess: Omit<InstanceAccessArgs, "partition" | "region" | "tags">;
    readonly runCommand: Omit<RunCommandUsersArgs, "partition" | "groupPrefix" | "path" | "tags">;
    readonly relaunch: RelaunchEntry[];
    readonly privateNetwork?: Omit<PrivateNetworkArgs, "region" | "tags">;
    /** Settings set as secrets that could not be read here (stack files, offline): taken as unset. */
    readonly unreadSecrets: readonly string[];
    /** What else could not be read offline (e.g. values imported from Pulumi ESC environments). */
    readonly unreadable: readonly string[];
    /** Settings kept although they have no effect yet, each a sentence the program warns with. */
    readonly idle: readonly string[];
}

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

/** The schema a path leads to, through objects, arrays, records and wrappers. */
function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
    let current: z.ZodType | undefined = schema;
    const unwrap = (t: z.ZodType): z.ZodType => {
        const def = t._zod.def as { type: string; innerType?: z.ZodType; in?: z.ZodType };
        return def.innerType
            ? unwrap(def.innerType)
            : def.type === "pipe" && def.in
              ? unwrap(def.in)
              : t;
    };
    for (const part of path) {
        if (!current) {
            return undefined;
        }
        const t: z.ZodType = unwrap(current);
        if (t instanceof z.ZodObject) {
            current = (t.shape as Record<string, z.ZodType>)[String(part)];
        } else if (t instanceof z.ZodArray) {
            current = t.element as z.ZodType;
        } else if (t instanceof z.ZodRecord) {
            current = t.valueType as z.ZodType;
        } else {
            return undefined;
        }
    }
    return current && unwrap(current);
}

/** The keys the schema knows at a path of the settings (for "did you mean"). */
function knownKeys(partition: Partition) {
    return (path: readonly PropertyKey[]): readonly string[] => {
        const at = schemaAt(stackSchema(partition), path);
        return at instanceof z.ZodObject ? Object.keys(at.shape) : [];
    };
}

/** Every string a secret setting holds, longest first, so errors can mask it wherever it appears. */
function secretStrings(raw: RawStack): string[] {
    const found: string[] = [];
    const walk = (v: unknown): void => {
        if (typeof v === "string" && v.length >= 3 && v !== SECRET_VALUE) {
            found.push(v);
        } else if (v !== null && typeof v === "object") {
            Object.values(v).forEach(walk);
        }
    };
    raw.secretKeys.forEach((k) => walk(raw.values[k]));
    return found.sort((a, b) => b.length - a.length);
}

/** Problems with every secret value masked, including where another key's message quotes it. */
function masked(problems: string[], raw: RawStack): string[] {
    const secrets = secretStrings(raw);
    return problems.map((line) =>
        secrets.reduce((text, secret) => text.split(secret).join(SECRET_VALUE), line),
    );
}

/** A problem for each name that is not a setting (for settings whose values cannot be read). */
function unknownNames(keys: Iterable<string>): string[] {
    return [...keys]
        .filter((k) => !SETTINGS.includes(k) && !(k in RETIRED_SETTINGS))
        .map((k) => {
            const guess = closest(k, SETTINGS);
            return `${PROJECT}:${k} = ${SECRET_VALUE}: is not a setting of this project; ${guess ? `did you mean "${guess}"? ` : ""}known: ${SETTINGS.join(", ")}`;
        });
}

function argsOf(
    raw: RawStack,
    region: string,
    partition: Partition,
    v: StackValues,
    unreadSecrets: string[],
    pgp?: string,
): StackArgs {
    // Written as the user wrote them (errors quote that); the components take the normal form.
    const output = {
        outputBucket: v.outputBucket && bucketName(v.outputBucket),
        outputKeyPrefix: v.outputKeyPrefix && keyPrefixDir(v.outputKeyPrefix),
        logGroupName: v.logGroupName,
    };
    return {
        stack: raw.stack,
        region,
        partition,
        tags: v.tags,
        instanceAccess: {
            mode: v.instanceMode,
            existingRoleName: v.existingRoleName,
            existingInstanceProfileName: v.existingInstanceProfileName,
            roleName: v.roleName,
            rolePath: v.rolePath,
            permissionsBoundaryArn: v.permissionsBoundaryArn,
            additionalPolicyArns: v.additionalPolicyArns,
            output,
            defaultHostManagement: v.defaultHostManagement,
            defaultHostManagementRole: v.defaultHostManagementRole,
            protect: v.protectFromDeletion,
        },
        runCommand: {
            users: v.users,
            documents: v.documents,
            operatorAccess: operatorAccessOf(v),
            output,
            useManagedUserPolicies: v.useManagedUserPolicies,
            hardening: { allowedRegions: v.allowedRegions, requireMfa: v.requireMfa },
            pgpKey: pgp,
            protect: v.protectFromDeletion,
        },
        relaunch: v.relaunch.map((r) => ({ ...r, instanceId: r.instanceId! })),
        privateNetwork: v.privateNetwork.cidrBlock
            ? {
                  cidrBlock: v.privateNetwork.cidrBlock,
                  availabilityZones: v.privateNetwork.availabilityZones ?? 2,
                  s3GatewayEndpoint: v.privateNetwork.s3GatewayEndpoint ?? true,
                  logsEndpoint: v.logGroupName !== undefined,
              }
            : undefined,
        unreadSecrets,
        unreadable: raw.unreadable,
        idle: idleHardening(v),
    };
}

/** aws:region missing or not a region; a missing one names an aws: key that looks misspelt. */
function regionProblem(aws: Record<string, unknown>): string {
    const fix =
        "must be an AWS region such as us-east-1: run `pulumi config set aws:region us-east-1`";
    if (aws.region !== undefined) {
        return `aws:region = ${show(aws.region)}: ${fix}`;
    }
    const misspelt = Object.keys(aws).find(
        (k) => k !== "region" && closest(k, ["region"]) === "region",
    );
    return misspelt === undefined
        ? `aws:region is missing: ${fix}`
        : `aws:region is missing; aws:${misspelt} = ${show(aws[misspelt])} is set: did you mean aws:region? Rename it`;
}

/** Validates one stack's raw configuration into component args, or throws one ConfigError. */
export async function validateStack(raw: RawStack): Promise<StackArgs> {
    const problems: string[] = [...raw.fileProblems];
    for (const [key, value] of Object.entries(raw.foreign)) {
        const [ns] = key.split(":", 1);
        problems.push(
            `${key} = ${show(value)}: "${ns}" is not a namespace this stack reads: write this project's settings as ssm-access:NAME (or NAME alone); ${OTHER_NAMESPACES.map((n) => `${n}:`).join(" and ")} keys belong to the engine and the provider`,
        );
    }
    let partition: Partition = "aws";
    const region = raw.aws.region;
    if (typeof region !== "string" || !REGION.test(region)) {
        problems.push(regionProblem(raw.aws));
    } else {
        partition = partitionOfRegion(region);
    }
    // Pulumi.yaml declares "" as the default of optional text settings: "" means unset. A secret
    // read from a stack file offline is only a placeholder: it cannot be checked here.
    const unreadSecrets = [...raw.secretKeys].filter((k) => raw.values[k] === SECRET_VALUE);
    problems.push(...unknownNames(unreadSecrets));
    const values = Object.fromEntries(
        Object.entries(raw.values).filter(([k, v]) => v !== "" && !unreadSecrets.includes(k)),
    );
    for (const [key, why] of Object.entries(RETIRED_SETTINGS)) {
        if (key in values) {
            const shown = raw.secretKeys.has(key) ? SECRET_VALUE : show(values[key]);
            problems.push(`ssm-access:${key} = ${shown}: ${why}`);
            delete values[key];
        }
    }
    const parsed = stackSchema(partition).safeParse(values, { reportInput: true });
    if (!parsed.success) {
        problems.push(...problemLines(parsed.error.issues, knownKeys(partition), raw.secretKeys));
    }
    // Checked whatever else is wrong, on the list as written once it is a list of regions.
    const allowed = parsed.success
        ? parsed.data.allowedRegions
        : parsed.error.issues.some((i) => i.path[0] === "allowedRegions")
          ? []
          : ((values.allowedRegions as string[] | undefined) ?? []);
    const outside =
        typeof region === "string" && REGION.test(region) && allowedRegionsProblem(allowed, region);
    problems.push(...(outside ? [outside] : []));
    let pgp: string | undefined;
    const armored = values.pgpPublicKey;
    if (typeof armored === "string") {
        const result = await pgpKey(armored);
        if ("problem" in result) {
            problems.push(
                `ssm-access:pgpPublicKey = (${armored.length} characters, not shown): ${result.problem}`,
            );
        } else {
            pgp = result.key;
        }
    }
    if (problems.length > 0 || !parsed.success) {
        throw new ConfigError(raw.stack, masked(problems, raw));
    }
    const args = argsOf(raw, region as string, partition, parsed.data, unreadSecrets, pgp);
    // On settings that passed every other check: the policies are built from them.
    const tooLarge = groupPolicySizeProblems(args.runCommand, partition, args.region);
    if (tooLarge.length > 0) {
        throw new ConfigError(raw.stack, masked(tooLarge, raw));
    }
    return args;
}

/**
 * Validates settings given as a map (keys without the namespace), for a stack in `region`. The
 * program reads its own through loadStackArgs(); this serves tests and tools.
 */
export function parseStackConfig(
    stack: string,
    region: unknown,
    values: Record<string, unknown>,
    secretKeys: Iterable<string> = [],
): Promise<StackArgs> {
    return validateStack({
        ...emptyStack(stack),
        aws: { region },
        values,
        secretKeys: new Set(secretKeys),
    });
}

/**
 * Checks a stack's configuration from its files before the engine starts, so a problem arrives as
 * a ConfigError. A stack with secret settings is left to the program, which reads their values.
 */
export async function checkStackFiles(projectDir: string, stack: string): Promise<void> {
    const raw = fromFiles(projectDir, stack);
    if (raw.secretKeys.size === 0 && raw.unreadable.length === 0) {
        await validateStack(raw);
        return;
    }
    // Values that cannot be read here are the program's to check; the files and names are ours.
    const problems = [...raw.fileProblems, ...unknownNames(Object.keys(raw.values))];
    if (problems.length > 0) {
        throw new ConfigError(stack, problems);
    }
}

/** The running stack's configuration, validated. */
export function loadStackArgs(): Promise<StackArgs> {
    return validateStack(fromEngine());
}
