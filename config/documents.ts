/**
 * Configuration of the SSM documents operators may run: their names, parameters and commands, and
 * the parameter-safety checks that refuse a "constrained" parameter that reaches a root shell.
 */
import { z } from "zod";
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
