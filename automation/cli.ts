/**
 * The multi-environment driver: `npm run stacks -- <command> [options]`. Human progress goes to
 * stderr; with --json, stdout carries exactly one JSON document. Exit codes: 0 every stack
 * succeeded, 1 a stack failed or was refused, 2 bad command line, 3 drift found, 130 cancelled.
 */
import * as readline from "readline";
import { CliArgs, USAGE, parseCli } from "./args";
import { UsageError, explain } from "./errors";
import { selectStacks, discoverStacks } from "./stacks";
import { CliDeps, EXIT } from "./commands/context";
import { drift, operate } from "./commands/operate";
import { rotateKeys } from "./commands/keys";
import { retireKey } from "./commands/retireKey";
import { deployerPolicyCommand, exportCommand, outputs, plan } from "./commands/readOnly";

export { CliDeps, EXIT } from "./commands/context";

export async function main(argv: string[], deps: CliDeps): Promise<number> {
    let args: CliArgs;
    try {
        args = parseCli(argv);
    } catch (err) {
        const message = (err as Error).message;
        if (!message) {
            // --help: asked for, so on stdout (`| less` shows it).
            deps.stdout.write(USAGE);
            return EXIT.ok;
        }
        deps.stderr.write(`error: ${message}\n\n${USAGE}`);
        return EXIT.usage;
    }
    const emit = (doc: unknown) => deps.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    try {
        const stacks = selectStacks(discoverStacks(deps.projectDir), args.env);
        switch (args.command) {
            case "plan":
                return await plan(stacks, args, deps, emit);
            case "outputs":
                return await outputs(stacks, args, deps, emit);
            case "export-keys":
                return await exportCommand(stacks[0], args, deps, emit);
            case "drift":
                return await drift(stacks, args, deps, emit);
            case "deployer-policy":
                return await deployerPolicyCommand(stacks[0], args, deps, emit);
            case "rotate-keys":
                return await rotateKeys(stacks[0], args, deps, emit);
            case "retire-key":
                return await retireKey(stacks[0], args, deps, emit);
            default:
                return await operate(args.command, stacks, args, deps, emit);
        }
    } catch (err) {
        if (err instanceof UsageError) {
            deps.stderr.write(`error: ${err.message}\n`);
            return EXIT.usage;
        }
        deps.stderr.write(`error: ${explain(err, args.env ?? "")}\n`);
        if (args.verbose && err instanceof Error && err.stack) {
            deps.stderr.write(`${err.stack}\n`);
        }
        return EXIT.failed;
    }
}

/** A yes/no prompt on stderr, reading stdin. */
export function terminalConfirm(question: string): Promise<boolean> {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
    return new Promise((resolve) =>
        rl.question(question, (answer) => {
            rl.close();
            resolve(/^y(es)?$/i.test(answer.trim()));
        }),
    );
}
