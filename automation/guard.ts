/** The replacement guard: the steps `up` refuses without --allow-replace. */
import { Step } from "./stackEngine";

/** Resource types whose replacement or deletion cuts people or machines off. */
export const GUARDED_TYPES = [
    "aws:iam/accessKey:AccessKey",
    "aws:iam/user:User",
    "aws:ec2/instance:Instance",
];
const DESTRUCTIVE_OPS = new Set([
    "replace",
    "create-replacement",
    "delete-replaced",
    "delete",
    "discard",
    "discard-replaced",
]);

/** The steps `up` must refuse without --allow-replace: a replaced or deleted key, user or instance. */
export function guardedSteps(steps: Step[]): Step[] {
    const seen = new Set<string>();
    return steps.filter((s) => {
        // A replacement reports several steps for one URN; name each resource once.
        if (!GUARDED_TYPES.includes(s.type) || !DESTRUCTIVE_OPS.has(s.op) || seen.has(s.urn)) {
            return false;
        }
        seen.add(s.urn);
        return true;
    });
}

/** The resource name at the end of a URN. */
export function urnName(urn: string): string {
    return urn.split("::").pop() ?? urn;
}
