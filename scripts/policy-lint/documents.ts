/**
 * Prints, as one JSON array, every IAM policy document (identity and trust) of the shipped stacks
 * and of the lint variants beside this file, for a linter nobody here wrote (lint.py, parliament).
 * Placeholders for ARNs only AWS knows become well-formed ARNs in an example account, so the
 * linter judges the statement and not the placeholder.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { StackPlan, planStack } from "../../automation/plan";
import { discoverStacks } from "../../automation/stacks";
import { partitionOfRegion } from "../../policies/iam";

const ROOT = path.resolve(__dirname, "..", "..");
const EXAMPLE_ACCOUNT = "111122223333";

export interface LintDocument {
    stack: string;
    resource: string;
    type: string;
    /** "policy" for an identity policy, "assumeRolePolicy" for a trust policy. */
    key: string;
    document: unknown;
}

/** The variants' project: Pulumi.yaml beside copies of the variant stack files. */
function variantsProject(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-access-lint-"));
    fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    for (const file of fs.readdirSync(path.join(__dirname, "variants"))) {
        fs.copyFileSync(path.join(__dirname, "variants", file), path.join(dir, file));
    }
    return dir;
}

/** A well-formed ARN for a resource the plan names by placeholder. */
function exampleArn(plan: StackPlan, name: string): string {
    const partition = partitionOfRegion(plan.region ?? "us-east-1");
    const type = plan.resources.find((r) => r.name === name)?.type;
    if (type === "aws:ssm/document:Document") {
        return `arn:${partition}:ssm:${plan.region}:${EXAMPLE_ACCOUNT}:document/${name}`;
    }
    if (type === "aws:iam/policy:Policy") {
        return `arn:${partition}:iam::${EXAMPLE_ACCOUNT}:policy/${name}`;
    }
    throw new Error(`${plan.stack}: no example ARN for ${type ?? "unknown"} ${name}`);
}

function documentsOf(plan: StackPlan, label: string): LintDocument[] {
    if (plan.error) {
        throw new Error(`${label}: ${plan.error}`);
    }
    const out: LintDocument[] = [];
    for (const r of plan.resources) {
        for (const key of ["policy", "assumeRolePolicy"]) {
            const doc = r.inputs[key];
            if (doc && typeof doc === "object") {
                const text = JSON.stringify(doc).replace(
                    /\[known at deploy: ARN of ([^\]]+)\]/g,
                    (_, name: string) => exampleArn(plan, name),
                );
                out.push({
                    stack: label,
                    resource: r.name,
                    type: r.type,
                    key,
                    document: JSON.parse(text),
                });
            }
        }
    }
    return out;
}

async function main(): Promise<void> {
    const all: LintDocument[] = [];
    for (const stack of discoverStacks(ROOT)) {
        all.push(...documentsOf(await planStack(ROOT, stack), stack));
    }
    const variants = variantsProject();
    try {
        for (const stack of discoverStacks(variants)) {
            all.push(...documentsOf(await planStack(variants, stack), `variant ${stack}`));
        }
    } finally {
        fs.rmSync(variants, { recursive: true, force: true });
    }
    process.stdout.write(`${JSON.stringify(all)}\n`);
}

main().catch((err: Error) => {
    process.stderr.write(`policy-lint: ${err.message}\n`);
    process.exitCode = 1;
});
