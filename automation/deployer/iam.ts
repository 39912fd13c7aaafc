/**
 * The IAM API calls of each IAM resource type and lookup, from terraform-provider-aws
 * (hashicorp/terraform-provider-aws, internal/service/iam/<file>.go: each row cites its file).
 */
import { Row, attachedPolicy, ref, refWhenAttaching, self } from "./targets";

/**
 * The API calls each IAM resource type's create, read, update and delete make, with the provider
 * file that makes them.
 */
export const IAM_RESOURCE_CALLS: Record<string, Row> = {
    "aws:iam/role:Role": {
        // resourceRoleCreate/Read/Update/Delete: CreateRole; GetRole with ListRolePolicies,
        // GetRolePolicy and ListAttachedRolePolicies; UpdateAssumeRolePolicy,
        // UpdateRoleDescription, UpdateRole, Tag/UntagRole; DeleteRole after
        // ListInstanceProfilesForRole and RemoveRoleFromInstanceProfile (on the profile's ARN).
        source: "internal/service/iam/role.go",
        grants: [
            {
                sid: "IamRoles",
                actions: [
                    "iam:CreateRole",
                    "iam:GetRole",
                    "iam:ListRolePolicies",
                    "iam:GetRolePolicy",
                    "iam:ListAttachedRolePolicies",
                    "iam:UpdateAssumeRolePolicy",
                    "iam:UpdateRoleDescription",
                    "iam:UpdateRole",
                    "iam:TagRole",
                    "iam:UntagRole",
                    "iam:ListInstanceProfilesForRole",
                    "iam:DeleteRole",
                ],
                on: self,
            },
        ],
    },
    "aws:iam/policy:Policy": {
        source: "internal/service/iam/policy.go",
        grants: [
            {
                sid: "IamPolicies",
                actions: [
                    "iam:CreatePolicy",
                    "iam:GetPolicy",
                    "iam:GetPolicyVersion",
                    "iam:ListPolicyVersions",
                    "iam:CreatePolicyVersion",
                    "iam:DeletePolicyVersion",
                    "iam:TagPolicy",
                    "iam:UntagPolicy",
                    "iam:DeletePolicy",
                ],
                on: self,
            },
        ],
    },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
        source: "internal/service/iam/role_policy_attachment.go",
        grants: [
            {
                sid: "IamRoleAttachPolicies",
                actions: ["iam:AttachRolePolicy"],
                on: ref("role", "role"),
                condition: attachedPolicy,
            },
            {
                // Unconditioned: an attachment the configuration no longer declares must be
                // detachable, and its policy is not in the plan.
                sid: "IamRoleDetachPolicies",
                actions: ["iam:DetachRolePolicy", "iam:ListAttachedRolePolicies"],
                on: ref("role", "role"),
            },
        ],
    },
    "aws:iam/instanceProfile:InstanceProfile": {
        source: "internal/service/iam/instance_profile.go",
        grants: [
            {
                sid: "IamInstanceProfiles",
                actions: [
                    "iam:CreateInstanceProfile",
                    "iam:GetInstanceProfile",
                    "iam:AddRoleToInstanceProfile",
                    "iam:RemoveRoleFromInstanceProfile",
                    "iam:TagInstanceProfile",
                    "iam:UntagInstanceProfile",
                    "iam:DeleteInstanceProfile",
                ],
                on: self,
            },
        ],
    },
    "aws:iam/user:User": {
        // resourceUserDelete removes the user from every group first (ListGroupsForUser,
        // RemoveUserFromGroup, the latter on the group's ARN: granted with the memberships).
        source: "internal/service/iam/user.go",
        grants: [
            {
                sid: "IamUsers",
                actions: [
                    "iam:CreateUser",
                    "iam:GetUser",
                    "iam:UpdateUser",
                    "iam:TagUser",
                    "iam:UntagUser",
                    "iam:ListGroupsForUser",
                    "iam:DeleteUser",
                ],
                on: self,
            },
        ],
    },
    "aws:iam/group:Group": {
        source: "internal/service/iam/group.go",
        grants: [
            {
                sid: "IamGroups",
                actions: ["iam:CreateGroup", "iam:GetGroup", "iam:UpdateGroup", "iam:DeleteGroup"],
                on: self,
            },
        ],
    },
    "aws:iam/groupPolicy:GroupPolicy": {
        source: "internal/service/iam/group_policy.go",
        grants: [
            {
                sid: "IamGroupInlinePolicies",
                actions: ["iam:PutGroupPolicy", "iam:GetGroupPolicy", "iam:DeleteGroupPolicy"],
                on: ref("group", "group"),
            },
        ],
    },
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": {
        source: "internal/service/iam/group_policy_attachment.go",
        grants: [
            {
                sid: "IamGroupAttachPolicies",
                actions: ["iam:AttachGroupPolicy"],
                on: ref("group", "group"),
                condition: attachedPolicy,
            },
            {
                sid: "IamGroupDetachPolicies",
                actions: ["iam:DetachGroupPolicy", "iam:ListAttachedGroupPolicies"],
                on: ref("group", "group"),
            },
        ],
    },
    // The six exclusive types share one shape (terraform-provider-aws, each file's Create, Read,
    // Update: findXxxByName lists the principal's whole set, syncAttachments diffs it with the
    // declared one, attaches or puts what is missing and detaches or deletes the rest; Delete is
    // framework.WithNoOpDelete, which makes no call). Attach calls come from attachPolicyToGroup,
    // attachPolicyToUser, attachPolicyToRole (group_policy_attachment.go, user_policy_attachment.go,
    // role_policy_attachment.go), only for declared ARNs: conditioned on them, and granted not at
    // all when none is declared. A Put*Policy for a missing inline name carries no document, which
    // the AWS SDK refuses before sending (aws-sdk-go-v2 service/iam/validators.go): it never
    // reaches IAM, and the program creates the inline policies first.
    "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive": {
        source: "internal/service/iam/group_policy_attachments_exclusive.go",
        grants: [
            {
                sid: "IamGroupAttachPolicies",
                actions: ["iam:AttachGroupPolicy"],
                on: refWhenAttaching("group", "groupName"),
                condition: attachedPolicy,
            },
            {
                sid: "IamGroupDetachPolicies",
                actions: ["iam:DetachGroupPolicy", "iam:ListAttachedGroupPolicies"],
                on: ref("group", "groupName"),
            },
        ],
    },
    "aws:iam/groupPoliciesExclusive:GroupPoliciesExclusive": {
        source: "internal/service/iam/group_policies_exclusive.go",
        grants: [
            {
                sid: "IamGroupInlinePolicies",
                actions: ["iam:ListGroupPolicies", "iam:DeleteGroupPolicy"],
                on: ref("group", "groupName"),
            },
        ],
    },
    "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive": {
        source: "internal/service/iam/user_policy_attachments_exclusive.go",
        grants: [
            {
                sid: "IamUserAttachPolicies",
                actions: ["iam:AttachUserPolicy"],
                on: refWhenAttaching("user", "userName"),
                condition: attachedPolicy,
            },
            {
                sid: "IamUserRemovePolicies",
                actions: ["iam:ListAttachedUserPolicies", "iam:DetachUserPolicy"],
                on: ref("user", "userName"),
            },
        ],
    },
    "aws:iam/userPoliciesExclusive:UserPoliciesExclusive": {
        source: "internal/service/iam/user_policies_exclusive.go",
        grants: [
            {
                sid: "IamUserRemovePolicies",
                actions: ["iam:ListUserPolicies", "iam:DeleteUserPolicy"],
                on: ref("user", "userName"),
            },
        ],
    },
    "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive": {
        source: "internal/service/iam/role_policy_attachments_exclusive.go",
        grants: [
            {
                sid: "IamRoleAttachPolicies",
                actions: ["iam:AttachRolePolicy"],
                on: refWhenAttaching("role", "roleName"),
                condition: attachedPolicy,
            },
            {
                sid: "IamRoleDetachPolicies",
                actions: ["iam:DetachRolePolicy", "iam:ListAttachedRolePolicies"],
                on: ref("role", "roleName"),
            },
        ],
    },
    "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive": {
        source: "internal/service/iam/role_policies_exclusive.go",
        grants: [
            {
                sid: "IamRoleInlinePolicies",
                actions: ["iam:ListRolePolicies", "iam:DeleteRolePolicy"],
                on: ref("role", "roleName"),
            },
        ],
    },
    "aws:iam/userGroupMembership:UserGroupMembership": {
        source: "internal/service/iam/user_group_membership.go",
        grants: [
            {
                sid: "IamGroupMembers",
                actions: ["iam:AddUserToGroup", "iam:RemoveUserFromGroup"],
                on: ref("group", "groups"),
            },
            { sid: "IamUsers", actions: ["iam:ListGroupsForUser"], on: ref("user", "user") },
        ],
    },
    "aws:iam/accessKey:AccessKey": {
        source: "internal/service/iam/access_key.go",
        grants: [
            {
                sid: "IamAccessKeys",
                actions: [
                    "iam:CreateAccessKey",
                    "iam:ListAccessKeys",
                    "iam:UpdateAccessKey",
                    "iam:DeleteAccessKey",
                ],
                on: ref("user", "user"),
            },
        ],
    },
};

export const IAM_LOOKUP_CALLS: Record<string, Row> = {
    "aws:iam/getRole:getRole": {
        source: "internal/service/iam/role_data_source.go",
        grants: [{ sid: "IamLookups", actions: ["iam:GetRole"], on: ref("role", "name") }],
    },
    "aws:iam/getInstanceProfile:getInstanceProfile": {
        source: "internal/service/iam/instance_profile_data_source.go",
        grants: [
            {
                sid: "IamLookups",
                actions: ["iam:GetInstanceProfile"],
                on: ref("instance-profile", "name"),
            },
        ],
    },
};
