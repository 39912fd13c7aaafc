/**
 * The plan's stand-in for the engine and AWS: resources echo their inputs, as a real preview does;
 * what only AWS can answer stays unknown or is a placeholder that says what it stands for, never
 * an invented value.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { UNKNOWN_SENTINEL } from "./engineValues";

/** A value only AWS can answer, as the plan shows it. */
export const KNOWN_AT_DEPLOY = "[known at deploy]";

/** A value AWS or the provider chooses at deploy, named by what it is. */
export function placeholder(what: string, resource: string): string {
    return `[known at deploy: ${what} of ${resource}]`;
}

const fieldsByToken = new Map<string, string[]>();

/**
 * Every field an invoke returns, from @pulumi/aws's own declaration of its result type (e.g.
 * `GetRoleResult` in iam/getRole.d.ts), so each can be answered as unknown rather than missing: a
 * missing field would be a known `undefined`, and checks on it (a role's trust policy) would fail
 * in the plan although AWS answers them at deploy.
 */
export function lookupFields(token: string): string[] {
    let fields = fieldsByToken.get(token);
    if (!fields) {
        const m = /^aws:([\w-]+)\/(\w+):(\w+)$/.exec(token);
        if (!m) {
            throw new Error(`the offline plan cannot answer the lookup ${token}`);
        }
        const [, module, , fn] = m;
        const dir = path.dirname(require.resolve("@pulumi/aws/package.json"));
        const file = path.join(dir, ...(module === "index" ? [] : [module]), `${fn}.d.ts`);
        const result = `${fn[0].toUpperCase()}${fn.slice(1)}Result`;
        const text = fs.readFileSync(file, "utf8");
        const body = new RegExp(`interface ${result} \\{([\\s\\S]*?)\\n\\}`).exec(text)?.[1] ?? "";
        fields = [...body.matchAll(/readonly (\w+)\??:/g)].map((f) => f[1]);
        if (fields.length === 0) {
            throw new Error(`the offline plan found no fields of ${result} in ${file}`);
        }
        fieldsByToken.set(token, fields);
    }
    return fields;
}

export interface Recorder {
    resource(type: string, name: string, inputs: Record<string, unknown>): void;
    lookup(token: string, inputs: Record<string, unknown>): void;
}

/** Installs the plan's mocks for one stack. */
export function installPlanMocks(project: string, stack: string, record: Recorder): Promise<void> {
    return pulumi.runtime.setMocks(
        {
            newResource(args) {
                record.resource(args.type, args.name, args.inputs);
                const state: Record<string, unknown> = {
                    arn: placeholder("ARN", args.name),
                    ...args.inputs,
                };
                if (!("name" in args.inputs)) {
                    // The provider auto-names from the logical name plus a random suffix.
                    state.name = `${args.name}-[random suffix chosen at deploy]`;
                }
                return { id: placeholder("id", args.name), state };
            },
            call(args) {
                record.lookup(args.token, args.inputs);
                return Object.fromEntries(
                    lookupFields(args.token).map((f) => [f, UNKNOWN_SENTINEL]),
                );
            },
        },
        project,
        stack,
        true,
    );
}
