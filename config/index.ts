/**
 * Configuration: one source of raw values in, exactly the args the components take out. Every
 * problem is reported at once, each naming the key path, the value and what is accepted, before
 * any resource is declared.
 */
import type { InstanceAccessArgs } from "../components/instanceAccess";
import type { PrivateNetworkArgs } from "../components/privateNetwork";
import type { RunCommandUsersArgs } from "../components/runCommandUsers";
import { Partition, partitionOfRegion } from "../policies/iam";
import { ConfigError, SECRET_VALUE, problemLines, show } from "./problems";
import { OTHER_NAMESPACES, RawStack, fromEngine, fromFiles } from "./raw";
import { RelaunchEntry } from "./relaunch";
import { operatorAccessOf, pgpKey } from "./runCommand";
import { SETTINGS, StackValues, stackSchema } from "./schema";

export { ConfigError, PROJECT } from "./problems";
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
}

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

/** The known keys at a path of the settings (for "did you mean"). */
function knownKeys(path: readonly PropertyKey[]): readonly string[] {
    const known: Record<string, string[]> = {
        "": [...SETTINGS],
        users: ["name", "level", "accessKeys"],
        documents: ["name", "description", "platform", "parameters", "commands"],
        parameters: ["type", "description", "allowedValues", "allowedPattern", "default"],
        operatorAccess: ["documents", "instanceTag"],
        instanceTag: ["key", "value"],
        relaunch: [
            "instanceId",
            "instanceType",
            "subnetId",
            "privateNetwork",
            "noReboot",
            "kmsKeyId",
        ],
        privateNetwork: ["cidrBlock", "availabilityZones"],
    };
    const named = path.filter((p) => typeof p === "string") as string[];
    const area =
        path.length >= 2 && named.at(-2) === "parameters" ? "parameters" : (named.at(-1) ?? "");
    return known[area] ?? [];
}

function argsOf(
    raw: RawStack,
    region: string,
    partition: Partition,
    v: StackValues,
    unreadSecrets: string[],
    pgp?: string,
): StackArgs {
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
            maxSessionDurationSeconds: v.maxSessionDurationSeconds,
            additionalPolicyArns: v.additionalPolicyArns,
            output: {
                outputBucket: v.outputBucket,
                outputKeyPrefix: v.outputKeyPrefix,
                logGroupName: v.logGroupName,
            },
            defaultHostManagement: v.defaultHostManagement,
        },
        runCommand: {
            users: v.users,
            documents: v.documents,
            operatorAccess: operatorAccessOf(v),
            output: {
                outputBucket: v.outputBucket,
                outputKeyPrefix: v.outputKeyPrefix,
                logGroupName: v.logGroupName,
            },
            useManagedUserPolicies: v.useManagedUserPolicies,
            hardening: { allowedRegions: v.allowedRegions, requireMfa: v.requireMfa },
            pgpKey: pgp,
        },
        relaunch: v.relaunch.map((r) => ({ ...r, instanceId: r.instanceId! })),
        privateNetwork: v.privateNetwork.cidrBlock
            ? {
                  cidrBlock: v.privateNetwork.cidrBlock,
                  availabilityZones: v.privateNetwork.availabilityZones ?? 2,
              }
            : undefined,
        unreadSecrets,
    };
}

/** Validates one stack's raw configuration into component args, or throws one ConfigError. */
export async function validateStack(raw: RawStack): Promise<StackArgs> {
    const problems: string[] = [];
    for (const [key, value] of Object.entries(raw.foreign)) {
        const [ns] = key.split(":", 1);
        problems.push(
            `${key} = ${show(value)}: "${ns}" is not a namespace this stack reads: write this project's settings as ssm-access:NAME (or NAME alone); ${OTHER_NAMESPACES.map((n) => `${n}:`).join(" and ")} keys belong to the engine and the provider`,
        );
    }
    let partition: Partition = "aws";
    const region = raw.region;
    if (typeof region !== "string" || !REGION.test(region)) {
        problems.push(
            `aws:region = ${show(region)}: must be an AWS region such as us-east-1: run \`pulumi config set aws:region us-east-1\``,
        );
    } else {
        partition = partitionOfRegion(region);
    }
    // Pulumi.yaml declares "" as the default of optional text settings: "" means unset. A secret
    // read from a stack file offline is only a placeholder: it cannot be checked here.
    const unreadSecrets = [...raw.secretKeys].filter((k) => raw.values[k] === SECRET_VALUE);
    const values = Object.fromEntries(
        Object.entries(raw.values).filter(([k, v]) => v !== "" && !unreadSecrets.includes(k)),
    );
    const parsed = stackSchema(partition).safeParse(values, { reportInput: true });
    if (!parsed.success) {
        problems.push(...problemLines(parsed.error.issues, knownKeys, raw.secretKeys));
    }
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
        throw new ConfigError(raw.stack, problems);
    }
    return argsOf(raw, region as string, partition, parsed.data, unreadSecrets, pgp);
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
    return validateStack({ stack, region, values, secretKeys: new Set(secretKeys), foreign: {} });
}

/**
 * Checks a stack's configuration from its files before the engine starts, so a problem arrives as
 * a ConfigError. A stack with secret settings is left to the program, which reads their values.
 */
export async function checkStackFiles(projectDir: string, stack: string): Promise<void> {
    const raw = fromFiles(projectDir, stack);
    if (raw.secretKeys.size === 0) {
        await validateStack(raw);
    }
}

/** The running stack's configuration, validated. */
export function loadStackArgs(): Promise<StackArgs> {
    return validateStack(fromEngine());
}
