/**
 * Offline plans for tests: the shipped dev stack's, made once for every test that only reads it
 * (a plan runs the whole program under mocks: ~70 ms), frozen so a test that would change it
 * fails instead; and a stack file's own, planned in a directory of its own.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { StackPlan, planStack } from "../../automation/plan";
import { ROOT } from "./driverFakes";

/** Plans a stack "p" whose file holds `body` (under config:) beside the real Pulumi.yaml. */
export async function planOf(body: string): Promise<StackPlan> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-access-plan-"));
    fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    fs.writeFileSync(path.join(dir, "Pulumi.p.yaml"), `config:\n${body}`);
    try {
        return await planStack(dir, "p");
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

let dev: Promise<StackPlan> | undefined;

export function shippedDevPlan(): Promise<StackPlan> {
    dev ??= planStack(ROOT, "dev").then(deepFreeze);
    return dev;
}

function deepFreeze<T>(value: T): T {
    if (value && typeof value === "object" && !Object.isFrozen(value)) {
        Object.freeze(value);
        Object.values(value).forEach(deepFreeze);
    }
    return value;
}
