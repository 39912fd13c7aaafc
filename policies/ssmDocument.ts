/**
 * SSM Command documents (schema 2.2) built from stack configuration. No Pulumi inside.
 *
 * Every String parameter is declared with `interpolationType: "ENV_VAR"`: SSM Agent 3.3.2746.0 and
 * later then also export its value as the environment variable `SSM_<Name>` ("Data elements and
 * parameters", https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-syntax-data-elements-parameters.html;
 * AWS blog "Run Command now supports interpolating parameters into environment variables",
 * https://aws.amazon.com/blogs/mt/aws-systems-manager-run-command-now-supports-interpolating-parameters-into-environment-variables).
 * It does not change `{{ Name }}`: that is still pasted raw into the script (the agent's
 * `ReplaceAllString` in agent/framework/docparser/parameters/parameters.go), so commands read
 * `"$SSM_Name"` (sh) or `$env:SSM_Name` (PowerShell) instead, and config/documents.ts refuses a
 * `{{ }}` splice of any String parameter that is not an allowedValues list (unsafeSplices).
 */
import { ParameterRule, Platform, Refusal, patternRefusal } from "./parameterSafety";

export interface DocumentParameter {
    type: "String" | "Integer" | "Boolean";
    description: string;
    allowedValues?: string[];
    allowedPattern?: string;
    default?: string;
}

export interface CommandDocumentSpec {
    name: string;
    description: string;
    platform: Platform;
    parameters: Record<string, DocumentParameter>;
    commands: string[];
}

/** The agent accepts only these parameter names (ValidParameters in parameters.go). */
export const PARAMETER_NAME = /^[a-zA-Z0-9]+$/;

/** The document content SSM stores: one run-script step for the platform. */
export function commandDocumentContent(spec: CommandDocumentSpec): Record<string, unknown> {
    const linux = spec.platform === "Linux";
    const parameters = Object.fromEntries(
        Object.entries(spec.parameters).map(([name, p]) => [
            name,
            p.type === "String" ? { ...p, interpolationType: "ENV_VAR" } : p,
        ]),
    );
    return {
        schemaVersion: "2.2",
        description: spec.description,
        parameters,
        mainSteps: [
            {
                action: linux ? "aws:runShellScript" : "aws:runPowerShellScript",
                name: "run",
                precondition: { StringEquals: ["platformType", spec.platform] },
                inputs: { runCommand: spec.commands },
            },
        ],
    };
}

/** How a command reads parameter `name` without the shell parsing its value. */
export function environmentReference(name: string, platform: Platform): string {
    return platform === "Linux" ? `"$SSM_${name}"` : `$env:SSM_${name}`;
}

/**
 * Names of parameters the commands use: `{{ Name }}` splices and `SSM_Name` environment variables
 * (`$SSM_Name`, `${SSM_Name}`, `$env:SSM_Name`). Run-time references (`{{ssm:/x}}`) are not
 * document parameters and are skipped: runtimeReferences finds them.
 */
export function referencedParameters(commands: string[]): string[] {
    const names = new Set<string>();
    for (const command of commands) {
        for (const m of command.matchAll(
            /\{\{\s*([A-Za-z0-9_]+)\s*\}\}|\$(?:[eE][nN][vV]:|\{)?SSM_([A-Za-z0-9_]+)/g,
        )) {
            names.add(m[1] ?? m[2]);
        }
    }
    return [...names];
}

/**
 * The `{{prefix:...}}` references in a command, resolved from outside the document when it runs.
 * SSM Agent replaces `{{ssm:name}}` with the Parameter Store value, unescaped, after the document's
 * own parameters (agent/framework/docparser/docparser.go, replaceValidatedPluginParameters, then
 * parameterstore.Resolve); `{{ssm-secure:name}}` is resolved by other plugins
 * (agent/ssm/ssmparameterresolver) and `{{resolve:...}}` by CloudFormation. Every such form is
 * found, and so is a `{{ }}` splice right after `{{`, whose value would complete one.
 */
export function runtimeReferences(command: string): string[] {
    const reference =
        /\{\{\s*(?:[A-Za-z][\w-]*\s*:|[\w-]*\{\{\s*\w+\s*\}\})(?:(?!\}\}).)*(?:\}\})?/g;
    return [...command.matchAll(reference)].map((m) => m[0]);
}

/**
 * A `{{ }}` splice of a parameter whose value can carry more than one inert word or an option:
 * a String without an allowedValues list, or an Integer without a proven allowedPattern (SSM
 * admits any integer, "-1" too; SSM Agent checks allowedPattern on every parameter before
 * running but skips an Integer's allowedValues: agent/framework/docparser/paramvalidator).
 */
export interface UnsafeSplice {
    name: string;
    type: "String" | "Integer";
    /** Why an Integer's allowedPattern is not proven, when it has one. */
    refusal?: Refusal;
}

/** The unsafe splices in commands, each parameter once, in order of its first splice. */
export function unsafeSplices(
    commands: string[],
    parameters: Record<string, ParameterRule>,
    platform: Platform,
): UnsafeSplice[] {
    const found = new Map<string, UnsafeSplice>();
    for (const command of commands) {
        for (const [, name] of command.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)) {
            const p = parameters[name];
            if (found.has(name) || p === undefined) continue;
            if (p.type === "String" && !(p.allowedValues?.length ?? 0)) {
                found.set(name, { name, type: "String" });
            }
            if (p.type === "Integer") {
                const pattern = p.allowedPattern;
                const refusal =
                    pattern === undefined ? undefined : patternRefusal(pattern, platform);
                if (pattern === undefined || refusal)
                    found.set(name, { name, type: "Integer", refusal });
            }
        }
    }
    return [...found.values()];
}
