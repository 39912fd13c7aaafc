/**
 * The shipped dev stack's offline plan, made once for every test that only reads it (a plan runs
 * the whole program under mocks: ~70 ms). Frozen, so a test that would change it fails instead.
 */
import { StackPlan, planStack } from "../../automation/plan";
import { ROOT } from "./driverFakes";

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
