/**
 * A user group's inline policies as RunCommandUsers puts them, and their size as IAM counts it
 * against its per-group limit: the configuration refuses a stack over it before anything deploys.
 */
import { Partition, PolicyDocument } from "./iam";
import {
    AccessLevel,
    Hardening,
    OperatorScope,
    adminUserPolicy,
    hardeningPolicy,
    operatorPolicy,
    readOnlyDenyPolicy,
} from "./users";

/** What the inline policies of the user groups are built from. */
export interface GroupPolicySettings {
    hardening: Hardening;
    useManagedUserPolicies?: boolean;
    /** The operators' scope; required for the operator level. */
    operator?: OperatorScope;
}

/**
 * The inline policies RunCommandUsers puts on a level's group, in its order: the hardening Denies
 * when any is on, then the level's own policy (none for admins given AmazonSSMFullAccess).
 */
export function groupInlinePolicies(
    partition: Partition,
    level: AccessLevel,
    s: GroupPolicySettings,
): PolicyDocument[] {
    const hardening = hardeningPolicy(level, s.hardening);
    const own =
        level === "read-only"
            ? readOnlyDenyPolicy()
            : level === "admin"
              ? s.useManagedUserPolicies
                  ? undefined
                  : adminUserPolicy()
              : operatorPolicy(partition, s.operator!);
    return [hardening, own].filter((d): d is PolicyDocument => d !== undefined);
}

/**
 * IAM's limit on a group's inline policies together, whitespace not counted (IAM quotas,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
 */
export const GROUP_INLINE_POLICY_LIMIT = 5120;

/** The size IAM counts for these policies: their JSON without whitespace. */
export function inlinePolicySize(documents: readonly PolicyDocument[]): number {
    return documents.reduce((sum, d) => sum + JSON.stringify(d).length, 0);
}
