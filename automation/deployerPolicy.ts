/**
 * `deployer-policy`: the least-privilege IAM policy for whoever runs preview, up, refresh and
 * destroy for one stack, derived from the stack's offline plan (its declared resources and
 * lookups) and a table of the API calls the provider makes for each resource type. Pure: no
 * Pulumi, no AWS.
 *
 * The calls are those of terraform-provider-aws, which @pulumi/aws bridges: each row cites the
 * provider's file (hashicorp/terraform-provider-aws, internal/service/<service>/<file>.go) whose
 * create, read, update and delete functions make them. A refresh and a preview read; up creates
 * and updates; destroy deletes: the policy is the union over the whole lifecycle.
 */
import type { Lookup, PlannedResource, StackPlan } from "./plan";
import {
    Partition,
    PolicyDocument,
    PolicyStatement,
    partitionOfRegion,
    policyDocument,
    servicePrincipal,
} from "../policies/iam";

/**
 * IAM's limit on a managed policy's size, whitespace excluded ("IAM and AWS STS quotas":
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
 */
export const MANAGED_POLICY_MAX_CHARS = 6144;

/** What a row grants on: ARNs computed from the resource (or lookup) and the whole plan. */
type Target = (r: PlannedResource, ctx: Context) => string[];

interface Grant {
    /** Statement id: grants with one Sid merge into one statement. */
    sid: string;
    actions: string[];
    on: Target;
    /** A condition computed from the resource, e.g. which policies may be attached. */
    condition?: (r: PlannedResource, ctx: Context) => Condition;
}

interface Condition {
    operator: string;
    key: string;
    values: string[];
}

interface Row {
    /** The provider file making these calls. */
    source: string;
    grants: Grant[];
}

interface Context {
    partition: Partition;
    region: string;
    plan: StackPlan;
}

/**
 * The account is "*": only the credentials at deploy say which, and an identity policy's IAM
 * actions reach no other account anyway (IAM entities have no resource policies to trust a
 * foreign principal).
 */
const iam = (ctx: Context, kind: string, path: string, name: string) =>
    `arn:${ctx.partition}:iam::*:${kind}${path}${name}`;

/**
 * The plan's placeholders ("[known at deploy]", "[random suffix chosen at deploy]") as IAM
 * wildcards. A name the plan does not know is the resource's auto-name: the logical name, a dash
 * and a random suffix (Pulumi's auto-naming, https://www.pulumi.com/docs/iac/concepts/resources/names/).
 */
function namePattern(r: PlannedResource): string {
    const name = r.inputs.name;
    return typeof name === "string" ? wildcard(name) : `${r.name}-*`;
}

function wildcard(value: string): string {
    return value.replace(/\[[^\]]*\]/g, "*");
}

/** IAM's default path is "/" (CreateRole, CreateUser, ... in the IAM API reference). */
function pathOf(r: PlannedResource): string {
    return typeof r.inputs.path === "string" ? r.inputs.path : "/";
}

const IAM_KINDS: Record<string, string> = {
    "aws:iam/role:Role": "role",
    "aws:iam/policy:Policy": "policy",
    "aws:iam/instanceProfile:InstanceProfile": "instance-profile",
    "aws:iam/user:User": "user",
    "aws:iam/group:Group": "group",
};

/** The IAM entities lookups find by name. */
const LOOKUP_KINDS: Record<string, string> = {
    "aws:iam/getRole:getRole": "role",
    "aws:iam/getInstanceProfile:getInstanceProfile": "instance-profile",
};

/** The resource's own ARN: its kind, path and name (or name pattern). */
const self: Target = (r, ctx) => {
    const kind = IAM_KINDS[r.type];
    if (kind) {
        return [iam(ctx, kind, pathOf(r), namePattern(r))];
    }
    if (r.type === "aws:ssm/document:Document") {
        // Account "*" as for IAM: a document in another account is that account's to share.
        return [`arn:${ctx.partition}:ssm:${ctx.region}:*:document/${namePattern(r)}`];
    }
    throw new Error(`deployer-policy: no ARN for ${r.type} "${r.name}"`);
};

/** The ARNs of the stack's IAM entities of `kind` a name refers to (a name pattern matches its own). */
function named(ctx: Context, kind: string, name: string): string[] {
    const pattern = wildcard(name);
    if (pattern === "*") {
        // A name known only at deploy (an adopted role's, which resolves once its trust policy
        // is verified): the stack's own entities of that kind and those it looks up by name.
        const declared = ctx.plan.resources.filter((r) => IAM_KINDS[r.type] === kind);
        const lookedUp = ctx.plan.lookups
            .filter((l) => LOOKUP_KINDS[l.token] === kind && typeof l.inputs.name === "string")
            .map((l) => String(l.inputs.name));
        return [
            ...declared.map((r) => iam(ctx, kind, pathOf(r), namePattern(r))),
            ...lookedUp.flatMap((n) => named(ctx, kind, n)),
        ];
    }
    const declared = ctx.plan.resources.filter(
        (r) => IAM_KINDS[r.type] === kind && namePattern(r) === pattern,
    );
    if (declared.length > 0) {
        return declared.map((r) => iam(ctx, kind, pathOf(r), namePattern(r)));
    }
    // Not declared by the stack (an adopted role, an existing profile): its path is unknown, so
    // the name is allowed at the root and under any path.
    return [iam(ctx, kind, "/", pattern), iam(ctx, kind, "/*/", pattern)];
}

/** The stack's entities of `kind` named by the resource's input `key` (a name or list of names). */
const ref =
    (kind: string, key: string): Target =>
    (r, ctx) =>
        ([] as unknown[])
            .concat(r.inputs[key] ?? [])
            .filter((n): n is string => typeof n === "string")
            .flatMap((n) => named(ctx, kind, n));

/**
 * Every resource: for actions IAM cannot scope to a resource (Describe* and List* calls that
 * take no ARN), or whose resources are only named at deploy (an image, a snapshot, an instance).
 * Each use says which.
 */
const anyResource: Target = () => ["*"];

/**
 * Which managed policies may be attached: the attachment's policy ARN, or, when it is known only
 * at deploy ("ARN of <policy>"), the stack's policy of that name.
 */
const attachedPolicy = (r: PlannedResource, ctx: Context): Condition => {
    const arn = String(r.inputs.policyArn ?? "");
    const of = /ARN of ([^\]]+)\]/.exec(arn)?.[1];
    const policy = ctx.plan.resources.find(
        (p) => p.type === "aws:iam/policy:Policy" && p.name === of,
    );
    const values = policy ? self(policy, ctx) : [wildcard(arn)];
    return { operator: "ArnLike", key: "iam:PolicyARN", values };
};

/**
 * The only service setting the program manages is Default Host Management's (InstanceAccess);
 * its ARN names the account, known only at deploy ("UpdateServiceSetting", SSM API reference:
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_UpdateServiceSetting.html).
 */
export const DHMC_SETTING_PATH = "/ssm/managed-instance/default-ec2-instance-management-role";

const serviceSetting: Target = (r, ctx) => {
    const id = r.inputs.settingId;
    return typeof id === "string" && id.startsWith("arn:")
        ? [wildcard(id)]
        : [`arn:${ctx.partition}:ssm:${ctx.region}:*:servicesetting${DHMC_SETTING_PATH}`];
};

/** The KMS key a relaunch encrypts its image copy with, from the key lookup. */
const kmsKeys = (_r: PlannedResource, ctx: Context): string[] =>
    ctx.plan.lookups
        .filter((l) => l.token === "aws:kms/getKey:getKey")
        .map((l) => keyArn(String(l.inputs.keyId), ctx));

/**
 * A key ARN, or for an alias any key in the region: IAM matches KMS permissions against the key's
 * ARN, never the alias's ("Using aliases to control access to KMS keys":
 * https://docs.aws.amazon.com/kms/latest/developerguide/alias-authorization.html), and the key an
 * alias names is known only at deploy.
 */
function keyArn(keyId: string, ctx: Context): string {
    if (/^arn:[^:]+:kms:[^:]*:[^:]*:key\//.test(keyId)) {
        return keyId;
    }
    if (keyId.startsWith("alias/") || keyId.includes(":alias/")) {
        return `arn:${ctx.partition}:kms:${ctx.region}:*:key/*`;
    }
    return `arn:${ctx.partition}:kms:${ctx.region}:*:key/${keyId}`;
}

const EC2_TAGS = ["ec2:CreateTags", "ec2:DeleteTags"];
/** Describe calls cannot be scoped to a resource (EC2 Service Authorization Reference). */
const EC2_DESCRIBE = { sid: "Ec2Describe", on: anyResource };

/** What an image resource needs: make it (CreateImage or CopyImage), tag, describe, delete it. */
function imageGrants(make: string): Grant[] {
    return [
        {
            sid: "Ec2RelaunchImages",
            actions: [
                make,
                "ec2:ModifyImageAttribute",
                "ec2:DeregisterImage",
                "ec2:DeleteSnapshot",
                ...EC2_TAGS,
            ],
            on: anyResource,
        },
        {
            ...EC2_DESCRIBE,
            actions: ["ec2:DescribeImages", "ec2:DescribeImageAttribute", "ec2:DescribeSnapshots"],
        },
    ];
}

/**
 * The API calls each resource type's create, read, update and delete make, with the provider
 * file that makes them (hashicorp/terraform-provider-aws). Component resources (ssm-access:*)
 * make none.
 */
export const RESOURCE_CALLS: Record<string, Row> = {
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
    "aws:ssm/document:Document": {
        source: "internal/service/ssm/document.go",
        grants: [
            {
                sid: "SsmDocuments",
                actions: [
                    "ssm:CreateDocument",
                    "ssm:DescribeDocument",
                    "ssm:GetDocument",
                    "ssm:DescribeDocumentPermission",
                    "ssm:UpdateDocument",
                    "ssm:UpdateDocumentDefaultVersion",
                    "ssm:AddTagsToResource",
                    "ssm:RemoveTagsFromResource",
                    "ssm:ListTagsForResource",
                    "ssm:DeleteDocument",
                ],
                on: self,
            },
        ],
    },
    "aws:ssm/serviceSetting:ServiceSetting": {
        source: "internal/service/ssm/service_setting.go",
        grants: [
            {
                sid: "SsmServiceSetting",
                actions: [
                    "ssm:GetServiceSetting",
                    "ssm:UpdateServiceSetting",
                    "ssm:ResetServiceSetting",
                ],
                on: serviceSetting,
            },
        ],
    },
    // Relaunch. EC2 actions on "*": the image, its snapshots and the new instance are named only
    // at deploy, and RunInstances touches a subnet, security groups, volumes and a network
    // interface besides the instance. What bounds them is the action list: no
    // TerminateInstances (the replacement is retained on delete), no StopInstances.
    "aws:ec2/amiFromInstance:AmiFromInstance": {
        // resourceAMIFromInstanceCreate, then ami.go's read and delete (DeregisterImage and the
        // image's snapshots).
        source: "internal/service/ec2/ec2_ami_from_instance.go",
        grants: [...imageGrants("ec2:CreateImage")],
    },
    "aws:ec2/amiCopy:AmiCopy": {
        source: "internal/service/ec2/ec2_ami_copy.go",
        grants: [
            ...imageGrants("ec2:CopyImage"),
            {
                // EBS encrypts the copy's snapshots through grants on the key ("How Amazon EBS
                // uses AWS KMS", https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html).
                sid: "KmsRelaunchImageKey",
                actions: [
                    "kms:DescribeKey",
                    "kms:CreateGrant",
                    "kms:Decrypt",
                    "kms:GenerateDataKeyWithoutPlaintext",
                    "kms:ReEncryptFrom",
                    "kms:ReEncryptTo",
                ],
                on: kmsKeys,
            },
        ],
    },
    "aws:ec2/instance:Instance": {
        source: "internal/service/ec2/ec2_instance.go",
        grants: [
            {
                sid: "Ec2RelaunchInstances",
                actions: [
                    "ec2:RunInstances",
                    "ec2:ModifyInstanceAttribute",
                    "ec2:ModifyInstanceMetadataOptions",
                    "ec2:ModifyInstanceCreditSpecification",
                    "ec2:AssociateIamInstanceProfile",
                    "ec2:ReplaceIamInstanceProfileAssociation",
                    ...EC2_TAGS,
                ],
                on: anyResource,
            },
            {
                ...EC2_DESCRIBE,
                actions: [
                    "ec2:DescribeInstances",
                    "ec2:DescribeInstanceAttribute",
                    "ec2:DescribeInstanceCreditSpecifications",
                    "ec2:DescribeInstanceTypes",
                    "ec2:DescribeIamInstanceProfileAssociations",
                    "ec2:DescribeVolumes",
                    "ec2:DescribeTags",
                ],
            },
        ],
    },
    // Private network (awsx's VPC runs as a component in the awsx plugin: its children are not
    // in the plan, so its row lists the calls for what pulumi/pulumi-awsx awsx/ec2/vpc.ts creates
    // with isolated subnets and no NAT gateway). EC2 network actions on "*": the VPC, subnets,
    // route tables and security groups are named only at deploy.
    "awsx:ec2:Vpc": {
        source: "internal/service/ec2/vpc_.go, vpc_subnet.go, vpc_route_table.go, vpc_internet_gateway.go",
        grants: [
            {
                sid: "Ec2Network",
                actions: [
                    "ec2:CreateVpc",
                    "ec2:ModifyVpcAttribute",
                    "ec2:DeleteVpc",
                    "ec2:CreateSubnet",
                    "ec2:ModifySubnetAttribute",
                    "ec2:DeleteSubnet",
                    "ec2:CreateRouteTable",
                    "ec2:AssociateRouteTable",
                    "ec2:DisassociateRouteTable",
                    "ec2:DeleteRouteTable",
                    "ec2:CreateInternetGateway",
                    "ec2:AttachInternetGateway",
                    "ec2:DetachInternetGateway",
                    "ec2:DeleteInternetGateway",
                    ...EC2_TAGS,
                ],
                on: anyResource,
            },
            {
                ...EC2_DESCRIBE,
                actions: [
                    "ec2:DescribeAvailabilityZones",
                    "ec2:DescribeVpcs",
                    "ec2:DescribeVpcAttribute",
                    "ec2:DescribeSubnets",
                    "ec2:DescribeRouteTables",
                    "ec2:DescribeInternetGateways",
                ],
            },
        ],
    },
    "aws:ec2/securityGroup:SecurityGroup": {
        source: "internal/service/ec2/vpc_security_group.go",
        grants: [
            {
                sid: "Ec2Network",
                actions: [
                    "ec2:CreateSecurityGroup",
                    "ec2:AuthorizeSecurityGroupIngress",
                    "ec2:AuthorizeSecurityGroupEgress",
                    "ec2:RevokeSecurityGroupIngress",
                    "ec2:RevokeSecurityGroupEgress",
                    "ec2:DeleteSecurityGroup",
                    ...EC2_TAGS,
                ],
                on: anyResource,
            },
            {
                ...EC2_DESCRIBE,
                actions: ["ec2:DescribeSecurityGroups", "ec2:DescribeNetworkInterfaces"],
            },
        ],
    },
    "aws:ec2/securityGroupRule:SecurityGroupRule": {
        source: "internal/service/ec2/vpc_security_group_rule.go",
        grants: [
            {
                sid: "Ec2Network",
                actions: [
                    "ec2:AuthorizeSecurityGroupIngress",
                    "ec2:AuthorizeSecurityGroupEgress",
                    "ec2:RevokeSecurityGroupIngress",
                    "ec2:RevokeSecurityGroupEgress",
                ],
                on: anyResource,
            },
            {
                ...EC2_DESCRIBE,
                actions: ["ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules"],
            },
        ],
    },
    "aws:ec2/vpcEndpoint:VpcEndpoint": {
        source: "internal/service/ec2/vpc_endpoint.go",
        grants: [
            {
                sid: "Ec2Network",
                actions: [
                    "ec2:CreateVpcEndpoint",
                    "ec2:ModifyVpcEndpoint",
                    "ec2:DeleteVpcEndpoints",
                    ...EC2_TAGS,
                ],
                on: anyResource,
            },
            {
                ...EC2_DESCRIBE,
                actions: [
                    "ec2:DescribeVpcEndpoints",
                    "ec2:DescribeVpcEndpointServices",
                    "ec2:DescribePrefixLists",
                ],
            },
        ],
    },
};

/** The calls each lookup (invoke) makes. A token mapped to [] needs no permission. */
export const LOOKUP_CALLS: Record<string, { source: string; grants: Grant[] }> = {
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
    // GetCallerIdentity needs no permission ("No permissions are required to perform this
    // operation", https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).
    "aws:index/getCallerIdentity:getCallerIdentity": {
        source: "internal/service/sts/caller_identity_data_source.go",
        grants: [],
    },
    "aws:ec2/getInstances:getInstances": {
        source: "internal/service/ec2/ec2_instances_data_source.go",
        grants: [{ ...EC2_DESCRIBE, actions: ["ec2:DescribeInstances"] }],
    },
    "aws:ec2/getInstance:getInstance": {
        source: "internal/service/ec2/ec2_instance_data_source.go",
        grants: [
            {
                ...EC2_DESCRIBE,
                actions: [
                    "ec2:DescribeInstances",
                    "ec2:DescribeInstanceAttribute",
                    "ec2:DescribeInstanceCreditSpecifications",
                    "ec2:DescribeVolumes",
                ],
            },
        ],
    },
    "aws:ec2/getSubnet:getSubnet": {
        source: "internal/service/ec2/vpc_subnet_data_source.go",
        grants: [{ ...EC2_DESCRIBE, actions: ["ec2:DescribeSubnets"] }],
    },
    "aws:ec2/getSecurityGroups:getSecurityGroups": {
        source: "internal/service/ec2/vpc_security_groups_data_source.go",
        grants: [{ ...EC2_DESCRIBE, actions: ["ec2:DescribeSecurityGroups"] }],
    },
    "aws:kms/getKey:getKey": {
        source: "internal/service/kms/key_data_source.go",
        grants: [{ sid: "KmsLookups", actions: ["kms:DescribeKey"], on: kmsKeys }],
    },
};

/** A statement being assembled: grants with one Sid merge here. */
interface Acc {
    actions: Set<string>;
    resources: Set<string>;
    conditions: Map<string, { operator: string; key: string; values: Set<string> }>;
}

/**
 * The roles the stack hands to a service, each with the service: the instance role to EC2 (an
 * instance profile holds it; a relaunched instance is launched with it) and the Default Host
 * Management role to SSM (the service setting names it). AddRoleToInstanceProfile,
 * RunInstances with a profile and UpdateServiceSetting each pass a role ("Granting a user
 * permissions to pass a role to an AWS service":
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html; Default Host
 * Management's permissions: https://docs.aws.amazon.com/systems-manager/latest/userguide/fleet-manager-default-host-management-configuration.html).
 */
function passedRoles(ctx: Context): { service: "ec2" | "ssm"; arns: string[] }[] {
    const { resources, lookups } = ctx.plan;
    const dhmc = resources
        .filter((r) => r.type === "aws:ssm/serviceSetting:ServiceSetting")
        .map((r) => String(r.inputs.settingValue ?? ""));
    const toSsm = dhmc.flatMap((value) => {
        const slash = value.lastIndexOf("/");
        const path = `/${value.slice(0, slash + 1)}`.replace(/^\/\//, "/");
        return [iam(ctx, "role", path, wildcard(value.slice(slash + 1)))];
    });
    const dhmcNames = new Set(dhmc.map((v) => v.slice(v.lastIndexOf("/") + 1)));
    const inProfiles = resources
        .filter((r) => r.type === "aws:iam/instanceProfile:InstanceProfile")
        .flatMap((r) => ref("role", "role")(r, ctx));
    // A relaunch through a reused profile launches with the adopted role the profile holds.
    const launches = resources.some((r) => r.type === "aws:ec2/instance:Instance");
    const adopted = launches
        ? lookups
              .filter((l) => l.token === "aws:iam/getRole:getRole")
              .filter((l) => !dhmcNames.has(String(l.inputs.name)))
              .flatMap((l) => ref("role", "name")(asResource(l), ctx))
        : [];
    const notDhmc = (arn: string) => ![...dhmcNames].some((n) => arn.endsWith(`/${n}`));
    return [
        {
            service: "ec2" as const,
            arns: [...new Set([...inProfiles, ...adopted])].filter(notDhmc),
        },
        { service: "ssm" as const, arns: toSsm },
    ].filter((p) => p.arns.length > 0);
}

function asResource(l: Lookup): PlannedResource {
    return { type: l.token, name: l.token, inputs: l.inputs };
}

/** The stack's deployer policy. Throws on a resource type or lookup the table does not know. */
export function deployerPolicy(plan: StackPlan): PolicyDocument {
    if (plan.error) {
        throw new Error(`deployer-policy: stack "${plan.stack}" does not plan: ${plan.error}`);
    }
    if (!plan.region) {
        throw new Error(`deployer-policy: stack "${plan.stack}" has no aws:region`);
    }
    const ctx: Context = { partition: partitionOfRegion(plan.region), region: plan.region, plan };
    const statements = new Map<string, Acc>();
    const add = (grant: Grant, r: PlannedResource) => {
        const acc = statements.get(grant.sid) ?? {
            actions: new Set<string>(),
            resources: new Set<string>(),
            conditions: new Map(),
        };
        statements.set(grant.sid, acc);
        grant.actions.forEach((a) => acc.actions.add(a));
        grant.on(r, ctx).forEach((arn) => acc.resources.add(arn));
        if (grant.condition) {
            const c = grant.condition(r, ctx);
            const id = `${c.operator} ${c.key}`;
            const values = acc.conditions.get(id)?.values ?? new Set<string>();
            c.values.forEach((v) => values.add(v));
            acc.conditions.set(id, { ...c, values });
        }
    };
    for (const r of plan.resources) {
        if (r.type.startsWith("ssm-access:")) {
            continue;
        }
        const row = RESOURCE_CALLS[r.type];
        if (!row) {
            throw new Error(
                `deployer-policy: no API calls known for resource type ${r.type} ("${r.name}"); add its row to RESOURCE_CALLS in automation/deployerPolicy.ts, citing the provider's file`,
            );
        }
        row.grants.forEach((g) => add(g, r));
        // Boundary changes only where the stack sets one, and only to that boundary.
        if (r.type === "aws:iam/role:Role" && typeof r.inputs.permissionsBoundary === "string") {
            add(
                {
                    sid: "IamRoleBoundary",
                    actions: ["iam:PutRolePermissionsBoundary"],
                    on: self,
                    condition: () => ({
                        operator: "StringEquals",
                        key: "iam:PermissionsBoundary",
                        values: [String(r.inputs.permissionsBoundary)],
                    }),
                },
                r,
            );
        }
    }
    for (const l of plan.lookups) {
        const row = LOOKUP_CALLS[l.token];
        if (!row) {
            throw new Error(
                `deployer-policy: no API calls known for lookup ${l.token}; add its row to LOOKUP_CALLS in automation/deployerPolicy.ts, citing the provider's file`,
            );
        }
        row.grants.forEach((g) => add(g, asResource(l)));
    }
    const out: PolicyStatement[] = [...statements.entries()].map(([sid, acc]) => ({
        Sid: sid,
        Effect: "Allow",
        Action: [...acc.actions].sort(),
        Resource: [...acc.resources].sort(),
        ...(acc.conditions.size > 0 && {
            Condition: Object.fromEntries(
                [...acc.conditions.values()].map((c) => [
                    c.operator,
                    { [c.key]: [...c.values].sort() },
                ]),
            ),
        }),
    }));
    for (const { service, arns } of passedRoles(ctx)) {
        out.push({
            Sid: service === "ec2" ? "PassInstanceRoleToEc2" : "PassDefaultHostManagementRoleToSsm",
            Effect: "Allow",
            Action: ["iam:PassRole"],
            Resource: arns.sort(),
            Condition: {
                StringEquals: { "iam:PassedToService": servicePrincipal(service, ctx.partition) },
            },
        });
    }
    return policyDocument(out);
}

/** The policy's size as IAM counts it: without whitespace. */
export function policySize(doc: PolicyDocument): number {
    return JSON.stringify(doc).length;
}
