/** IAM policy evaluation with a real simulator (@cloud-copilot/iam-simulate), for semantics tests. */
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
