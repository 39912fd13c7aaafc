import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * A role the stack creates holds exactly the declared managed policies and no inline policy: the
 * exclusive resources read the role's whole set (ListAttachedRolePolicies, ListRolePolicies) and
 * detach or delete what is not declared (terraform-provider-aws
 * internal/service/iam/role_policy_attachments_exclusive.go, role_policies_exclusive.go). They sit
 * beside the per-policy attachments, listing exactly those, as the provider's docs ask to avoid a
 * perpetual diff (website/docs/r/iam_role_policy_attachments_exclusive.html.markdown), and after
 * them. An adopted role is someone else's: its other policies are left alone.
 */
export function ownRolePolicies(
    parent: pulumi.Resource,
    prefix: string,
    roleName: pulumi.Input<string>,
    attachments: aws.iam.RolePolicyAttachment[],
): void {
    new aws.iam.RolePolicyAttachmentsExclusive(
        `${prefix}-managed-exclusive`,
        { roleName, policyArns: attachments.map((a) => a.policyArn) },
        { parent, dependsOn: attachments },
    );
    new aws.iam.RolePoliciesExclusive(
        `${prefix}-inline-exclusive`,
        { roleName, policyNames: [] },
        { parent },
    );
}
