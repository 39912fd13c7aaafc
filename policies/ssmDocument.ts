/** SSM Command documents (schema 2.2) built from stack configuration. No Pulumi inside. */

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
    platform: "Linux" | "Windows";
    parameters: Record<string, DocumentParameter>;
    commands: string[];
}

/** The document content SSM stores: one run-script step for the platform. */
export function commandDocumentContent(spec: CommandDocumentSpec): Record<string, unknown> {
    const linux = spec.platform === "Linux";
    return {
        schemaVersion: "2.2",
        description: spec.description,
        parameters: spec.parameters,
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

/** Strings a constrained parameter must never accept: each would let a caller run a shell. */
export const SHELL_PROBES = [
    "x; id",
    "x && id",
    "x | id",
    "$(id)",
    "`id`",
    "x\nid",
    "x > /etc/passwd",
    "../../etc/shadow",
];

/**
 * Why a parameter is not constrained enough to hand to a non-administrator, or undefined when it
 * is. Integer and Boolean parameters are constrained by their type. A String parameter needs
 * allowed values, or an anchored pattern that rejects every shell probe.
 */
export function unconstrainedReason(param: DocumentParameter): string | undefined {
    if (param.type !== "String") {
        return undefined;
    }
    if (param.allowedValues && param.allowedValues.length > 0) {
        const bad = param.allowedValues.find((v) => /[;&|`$<>\n\\]/.test(v));
        return bad === undefined
            ? undefined
            : `allowed value ${JSON.stringify(bad)} contains shell syntax`;
    }
    if (!param.allowedPattern) {
        return "free-form text is a shell by another name";
    }
    if (!param.allowedPattern.startsWith("^") || !param.allowedPattern.endsWith("$")) {
        return "allowedPattern must be anchored with ^ and $";
    }
    let pattern: RegExp;
    try {
        pattern = new RegExp(param.allowedPattern);
    } catch {
        return "allowedPattern is not a valid regular expression";
    }
    const accepted = SHELL_PROBES.find((probe) => pattern.test(probe));
    return accepted === undefined
        ? undefined
        : `allowedPattern accepts ${JSON.stringify(accepted)}`;
}

/** Names of {{ parameter }} references in the commands. */
export function referencedParameters(commands: string[]): string[] {
    const names = new Set<string>();
    for (const command of commands) {
        for (const m of command.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)) {
            names.add(m[1]);
        }
    }
    return [...names];
}
