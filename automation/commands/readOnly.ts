/**
 * The commands that change nothing: plan (offline), outputs, export-keys and deployer-policy.
 */
import * as fs from "fs";
import { CliArgs } from "../args";
import { DriverError } from "../errors";
import { CliDeps, EXIT, Emit } from "./context";

export async function plan(
    stacks: string[],
    args: CliArgs,
    deps: CliDeps,
    emit: Emit,
): Promise<number> {
    // Loaded on demand: the plan pulls in the program and @pulumi/aws, which other commands never need.
    const { formatPlan, planStack } = await import("../plan");
    const plans = [];
    for (const stack of stacks) {
        const p = await planStack(deps.projectDir, stack);
        plans.push(p);
        if (!args.json) {
            deps.stdout.write(`${formatPlan(p)}\n\n`);
        }
    }
    if (args.json) {
        emit({ stacks: plans });
    }
    // A failure above many healthy plans is easy to miss: end with it, on stderr too.
    const failed = plans.filter((p) => p.error).map((p) => p.stack);
    if (failed.length > 0) {
        deps.stderr.write(
            `plan failed for ${failed.length} of ${plans.length} stacks: ${failed.join(", ")} (see each stack's error above); exit 1\n`,
        );
    }
    return failed.length > 0 ? EXIT.failed : EXIT.ok;
}

export async function outputs(
    stacks: string[],
    args: CliArgs,
    deps: CliDeps,
    emit: Emit,
): Promise<number> {
    const engine = deps.engine(args);
    const result = [];
    for (const stack of stacks) {
        const outs = await engine.outputs(stack);
        result.push({ stack, outputs: outs });
        if (!args.json) {
            deps.stdout.write(`Stack ${stack}\n${JSON.stringify(outs, null, 2)}\n\n`);
        }
    }
    if (args.json) {
        emit({ stacks: result });
    }
    return EXIT.ok;
}

export async function exportCommand(
    stack: string,
    args: CliArgs,
    deps: CliDeps,
    emit: Emit,
): Promise<number> {
    const { exportKeys, keysFromOutputs } = await import("../exportKeys");
    const recipientArmored = args.recipient ? readRecipient(args.recipient) : undefined;
    const engine = deps.engine(args);
    const keys = keysFromOutputs(stack, await engine.secretOutputs(stack));
    const files = await exportKeys(keys, {
        stack,
        outDir: args.out!,
        recipientArmored,
        plaintext: args.plaintext,
        force: args.force,
    });
    if (args.json) {
        emit({ stack, files });
    } else {
        deps.stderr.write(
            files.length
                ? files.map((f) => `wrote ${f.path} (${f.user}, ${f.format})\n`).join("")
                : `Stack "${stack}" has no access keys to export.\n`,
        );
    }
    return EXIT.ok;
}

export async function deployerPolicyCommand(
    stack: string,
    args: CliArgs,
    deps: CliDeps,
    emit: Emit,
): Promise<number> {
    const { planStack } = await import("../plan");
    const { MANAGED_POLICY_MAX_CHARS, deployerPolicy, policySize } =
        await import("../deployerPolicy");
    const policy = deployerPolicy(await planStack(deps.projectDir, stack));
    if (args.json) {
        emit({ stack, policy });
    } else {
        deps.stdout.write(`${JSON.stringify(policy, null, 2)}\n`);
    }
    const size = policySize(policy);
    if (size > MANAGED_POLICY_MAX_CHARS) {
        deps.stderr.write(
            `warning: the policy has ${size} characters without whitespace; a managed policy holds at most ${MANAGED_POLICY_MAX_CHARS}: split its statements over two policies\n`,
        );
    }
    return EXIT.ok;
}

function readRecipient(file: string): string {
    try {
        return fs.readFileSync(file, "utf8");
    } catch (err) {
        throw new DriverError(
            `--recipient "${file}": cannot read it (${(err as NodeJS.ErrnoException).code}); give the path of an armored public key`,
        );
    }
}
