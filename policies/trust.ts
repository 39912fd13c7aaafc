import {
    Partition,
    PolicyDocument,
    PolicyStatement,
    PrincipalService,
    policyDocument,
    servicePrincipal,
} from "./iam";

/** A trust (assume-role) policy that lets one AWS service assume the role. */
export function serviceTrustPolicy(
    service: PrincipalService,
    partition: Partition,
): PolicyDocument {
    return policyDocument([trustStatement(service, partition)]);
}

/** The one statement that trusts a service, as the guide's "Verify the Trust Policy" shows it. */
export function trustStatement(service: PrincipalService, partition: Partition): PolicyStatement {
    return {
        Effect: "Allow",
        Principal: { Service: servicePrincipal(service, partition) },
        Action: "sts:AssumeRole",
    };
}

export interface TrustVerdict {
    trusted: boolean;
    /** Why the role is or is not trusted, in words a person can act on. */
    reason: string;
}

/**
 * Whether a role's trust policy lets `service` assume it. Only an Allow statement whose Action
 * covers sts:AssumeRole and whose Principal.Service (a string or a list) names the service counts;
 * a matching Deny statement wins over any Allow, as in IAM's own evaluation.
 */
export function verifyServiceTrust(
    trustPolicyJson: string,
    service: PrincipalService,
    partition: Partition,
): TrustVerdict {
    let doc: { Statement?: unknown };
    try {
        doc = JSON.parse(trustPolicyJson) as { Statement?: unknown };
    } catch {
        return { trusted: false, reason: "its trust policy is not valid JSON" };
    }
    const statements = ([] as unknown[]).concat(doc.Statement ?? []) as Record<string, unknown>[];
    const named = servicePrincipal(service, partition);
    // An adopted role may name either form; both identify the service.
    const principals = new Set([`${service}.amazonaws.com`, `${service}.amazonaws.com.cn`, named]);
    const matches = (s: Record<string, unknown>): boolean => {
        const actions = ([] as unknown[]).concat(s.Action ?? []);
        const coversAssume = actions.some(
            (a) => a === "sts:AssumeRole" || a === "sts:*" || a === "*",
        );
        const principal = s.Principal as { Service?: unknown } | undefined;
        const services = ([] as unknown[]).concat(principal?.Service ?? []);
        return coversAssume && services.some((p) => typeof p === "string" && principals.has(p));
    };
    if (statements.some((s) => s.Effect === "Deny" && matches(s))) {
        return { trusted: false, reason: `a Deny statement blocks ${named} from sts:AssumeRole` };
    }
    if (statements.some((s) => s.Effect === "Allow" && matches(s))) {
        return { trusted: true, reason: `an Allow statement lets ${named} call sts:AssumeRole` };
    }
    return { trusted: false, reason: `no Allow statement lets ${named} call sts:AssumeRole` };
}
