/**
 * Configuration of the SSM documents operators may run: their names, parameters and commands, and
 * the parameter-safety checks that refuse a "constrained" parameter that reaches a root shell.
 */
import { z } from "zod";
import {
    Platform,
    Refusal,
    patternRefusal,
    unsafeParameterReason,
    wordProblem,
} from "../policies/parameterSafety";
import {
    PARAMETER_NAME,
    UnsafeSplice,
    environmentReference,
    referencedParameters,
    runtimeReferences,
    unsafeSplices,
} from "../policies/ssmDocument";
import { across, map, oneOf, problem, text } from "./fields";

// SSM CreateDocument: names are 3-128 of a-zA-Z0-9_-. and may not start with aws, amazon or amzn.
const DOCUMENT_NAME = /^(?!(?:aws|amazon|amzn))[A-Za-z0-9_.-]{3,128}$/i;

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
 * A pattern is evaluated only once proven, so it is in the subset that JavaScript evaluates as SSM
 * and the agent do (policies/parameterSafety.ts): a String's is proven before this is called.
 */
function defaultProblem(p: ParameterValues, platform: Platform): string | undefined {
    const value = p.default;
    if (value === undefined) {
        return undefined;
    }
    if (p.type === "Boolean") {
        return value === "true" || value === "false"
            ? undefined
            : 'is not a Boolean: give "true" or "false"';
    }
    if (p.type === "Integer" && !/^-?[0-9]+$/.test(value)) {
        return 'is not an integer: give digits, e.g. "5"';
    }
    const word = p.type === "String" ? wordProblem(value, platform) : undefined;
    if (word) {
        return `is not an inert word (${word}); a default reaches the root ${SHELL[platform]} like any value: give one inert word the parameter admits, or no default`;
    }
    if (p.allowedValues && !p.allowedValues.includes(value)) {
        return `is not one of allowedValues (${p.allowedValues.join(", ")}): give one of them, or no default`;
    }
    const pattern = p.allowedPattern;
    if (pattern !== undefined && !patternRefusal(pattern, platform)) {
        return new RegExp(pattern).test(value)
            ? undefined
            : `does not match allowedPattern "${pattern}": give a value it admits, or no default`;
    }
    return undefined;
}

/** Why a command's {{ }} splice is refused, and the fix. */
function spliceProblem(splice: UnsafeSplice, platform: Platform): string {
    const { name, refusal } = splice;
    const env = environmentReference(name, platform);
    if (splice.type === "String") {
        return `splices String parameter "${name}" with {{ ${name} }}, which SSM pastes unescaped into the script: read it as ${env} (SSM Agent 3.3.2746.0+ sets it), or make ${name} an allowedValues list`;
    }
    const pattern = refusal
        ? `its allowedPattern is not proven (${refusal.construct})`
        : "it has no allowedPattern";
    return `splices Integer parameter "${name}" with {{ ${name} }}, and ${pattern}: SSM admits any integer, and a negative one such as -1 reads as an option, or as "every process" to kill -9; make ${name} a String with allowedPattern "^[0-9]{1,9}$" read as ${env}, or give the Integer that allowedPattern (SSM Agent checks allowedPattern before running; it ignores an Integer's allowedValues)`;
}

/** Why a command's run-time reference is refused, and the fix. */
function referenceProblem(reference: string, platform: Platform): string {
    const completed = /\{\{[^}]*\{\{/.test(reference)
        ? ' (a {{ }} splice right after "{{" completes one with its value)'
        : "";
    return `contains the run-time reference ${JSON.stringify(reference)}${completed}: SSM Agent replaces {{ssm:name}} with the Parameter Store value when the command runs and pastes it unescaped into the root ${SHELL[platform]} (other {{prefix:...}} forms are refused alike), so whoever can change that value runs code as root: pass it as a declared, constrained parameter read as ${environmentReference("Name", platform)}, or fetch it in the script with aws ssm get-parameter`;
}

/**
 * Each String parameter must provably admit only one inert word (policies/parameterSafety.ts), its
 * default must be a value its rule admits, no command may hold a run-time reference such as
 * {{ssm:name}}, and no command may paste with {{ }} a String parameter that is not an
 * allowedValues list, or an Integer without a proven allowedPattern: SSM splices the raw value
 * into a root script, so such values are read from SSM_<Name> instead.
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
        for (const reference of runtimeReferences(command)) {
            problem(ctx, ["commands", i], command, referenceProblem(reference, d.platform));
        }
        for (const splice of unsafeSplices([command], d.parameters, d.platform)) {
            problem(ctx, ["commands", i], command, spliceProblem(splice, d.platform));
        }
    });
}

export const document = map({
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
