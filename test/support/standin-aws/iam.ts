/**
 * IAM resources and lookups as the real provider serves them: for each, the calls of the
 * terraform-provider-aws file named in its comment (internal/service/iam/).
 */
import * as iam from "@aws-sdk/client-iam";
import { createHmac } from "crypto";
import {
    Aws,
    policyText,
    prefixedUniqueId,
    samePolicyOr,
    tagList,
    tagMap,
    unlessGone,
} from "./aws";
import { Handler, Invoke, Props, changed } from "./handler";
import { rememberSecret } from "./log";

const iamOf = (aws: Aws) => aws.client("iam", iam.IAMClient);

const NO_SUCH = ["NoSuchEntityException", "NoSuchEntity"];

const gone = <T>(call: Promise<T>): Promise<T | undefined> => unlessGone(call, ...NO_SUCH);

async function retag(
    aws: Aws,
    olds: Props,
    news: Props,
    tag: (tags: { Key: string; Value: string }[]) => object,
    untag: (keys: string[]) => object,
): Promise<void> {
    if (!changed(olds, news, "tags")) {
        return;
    }
    const removed = Object.keys(olds.tags ?? {}).filter((k) => !(k in (news.tags ?? {})));
    if (removed.length > 0) {
        await iamOf(aws).send(untag(removed) as never);
    }
    if (Object.keys(news.tags ?? {}).length > 0) {
        await iamOf(aws).send(tag(tagList(news.tags)) as never);
    }
}

/** role.go: CreateRole; GetRole; UpdateAssumeRolePolicy, UpdateRole, Tag/UntagRole; delete below. */
const role: Handler = {
    forceNew: ["name", "path"],
    async create(aws, p) {
        await iamOf(aws).send(
            new iam.CreateRoleCommand({
                RoleName: p.name,
                Path: p.path,
                AssumeRolePolicyDocument: p.assumeRolePolicy,
                Description: p.description,
                MaxSessionDuration: p.maxSessionDuration,
                PermissionsBoundary: p.permissionsBoundary,
                Tags: p.tags ? tagList(p.tags) : undefined,
            }),
        );
        return p.name;
    },
    async read(aws, id, state) {
        const found = await gone(iamOf(aws).send(new iam.GetRoleCommand({ RoleName: id })));
        const r = found?.Role;
        return (
            r && {
                name: r.RoleName,
                path: r.Path,
                arn: r.Arn,
                uniqueId: r.RoleId,
                assumeRolePolicy: samePolicyOr(
                    state.assumeRolePolicy,
                    policyText(r.AssumeRolePolicyDocument),
                ),
                description: r.Description ?? "",
                maxSessionDuration: r.MaxSessionDuration,
                permissionsBoundary: r.PermissionsBoundary?.PermissionsBoundaryArn ?? "",
                tags: tagMap(r.Tags),
            }
        );
    },
    async update(aws, id, olds, news) {
        if (changed(olds, news, "assumeRolePolicy")) {
            await iamOf(aws).send(
                new iam.UpdateAssumeRolePolicyCommand({
                    RoleName: id,
                    PolicyDocument: news.assumeRolePolicy,
                }),
            );
        }
        if (changed(olds, news, "description") || changed(olds, news, "maxSessionDuration")) {
            await iamOf(aws).send(
                new iam.UpdateRoleCommand({
                    RoleName: id,
                    Description: news.description,
                    MaxSessionDuration: news.maxSessionDuration,
                }),
            );
        }
        if (changed(olds, news, "permissionsBoundary")) {
            if (news.permissionsBoundary) {
                await iamOf(aws).send(
                    new iam.PutRolePermissionsBoundaryCommand({
                        RoleName: id,
                        PermissionsBoundary: news.permissionsBoundary,
                    }),
                );
            } else {
                await iamOf(aws).send(
                    new iam.DeleteRolePermissionsBoundaryCommand({ RoleName: id }),
                );
            }
        }
        await retag(
            aws,
            olds,
            news,
            (Tags) => new iam.TagRoleCommand({ RoleName: id, Tags }),
            (TagKeys) => new iam.UntagRoleCommand({ RoleName: id, TagKeys }),
        );
    },
    // role.go, deleteRole: the role leaves every instance profile first (ListInstanceProfilesForRole,
    // RemoveRoleFromInstanceProfile), then DeleteRole.
    async delete(aws, id) {
        const profiles = await gone(
            iamOf(aws).send(new iam.ListInstanceProfilesForRoleCommand({ RoleName: id })),
        );
        for (const profile of profiles?.InstanceProfiles ?? []) {
            await gone(
                iamOf(aws).send(
                    new iam.RemoveRoleFromInstanceProfileCommand({
                        RoleName: id,
                        InstanceProfileName: profile.InstanceProfileName,
                    }),
                ),
            );
        }
        await gone(iamOf(aws).send(new iam.DeleteRoleCommand({ RoleName: id })));
    },
};

/**
 * policy.go: CreatePolicy (the id is the ARN); GetPolicy and GetPolicyVersion of the default
 * version; an update is CreatePolicyVersion as default, after deleting the oldest version when
 * the five IAM allows exist; delete removes the other versions, then DeletePolicy.
 */
const policy: Handler = {
    forceNew: ["name", "path", "description"],
    async create(aws, p) {
        const out = await iamOf(aws).send(
            new iam.CreatePolicyCommand({
                PolicyName: p.name,
                Path: p.path,
                PolicyDocument: p.policy,
                Description: p.description,
                Tags: p.tags ? tagList(p.tags) : undefined,
            }),
        );
        return out.Policy!.Arn!;
    },
    async read(aws, id, state) {
        const found = await gone(iamOf(aws).send(new iam.GetPolicyCommand({ PolicyArn: id })));
        const p = found?.Policy;
        if (!p) {
            return undefined;
        }
        const version = await iamOf(aws).send(
            new iam.GetPolicyVersionCommand({ PolicyArn: id, VersionId: p.DefaultVersionId }),
        );
        return {
            name: p.PolicyName,
            path: p.Path,
            arn: p.Arn,
            policyId: p.PolicyId,
            description: p.Description ?? "",
            policy: samePolicyOr(state.policy, policyText(version.PolicyVersion?.Document)),
            tags: tagMap(p.Tags),
        };
    },
    async update(aws, id, olds, news) {
        if (changed(olds, news, "policy")) {
            const versions = await iamOf(aws).send(
                new iam.ListPolicyVersionsCommand({ PolicyArn: id }),
            );
            const older = (versions.Versions ?? []).filter((v) => !v.IsDefaultVersion);
            if ((versions.Versions ?? []).length >= 5) {
                const oldest = older.sort(
                    (a, b) => Number(a.CreateDate ?? 0) - Number(b.CreateDate ?? 0),
                )[0];
                await iamOf(aws).send(
                    new iam.DeletePolicyVersionCommand({
                        PolicyArn: id,
                        VersionId: oldest.VersionId,
                    }),
                );
            }
            await iamOf(aws).send(
                new iam.CreatePolicyVersionCommand({
                    PolicyArn: id,
                    PolicyDocument: news.policy,
                    SetAsDefault: true,
                }),
            );
        }
        await retag(
            aws,
            olds,
            news,
            (Tags) => new iam.TagPolicyCommand({ PolicyArn: id, Tags }),
            (TagKeys) => new iam.UntagPolicyCommand({ PolicyArn: id, TagKeys }),
        );
    },
    async delete(aws, id) {
        const versions = await gone(
            iamOf(aws).send(new iam.ListPolicyVersionsCommand({ PolicyArn: id })),
        );
        for (const v of versions?.Versions ?? []) {
            if (!v.IsDefaultVersion) {
                await iamOf(aws).send(
                    new iam.DeletePolicyVersionCommand({
                        PolicyArn: id,
                        VersionId: v.VersionId,
                    }),
                );
            }
        }
        await gone(iamOf(aws).send(new iam.DeletePolicyCommand({ PolicyArn: id })));
    },
};

/**
 * instance_profile.go: CreateInstanceProfile, then AddRoleToInstanceProfile; GetInstanceProfile;
 * a role change removes the old role and adds the new; delete removes the role, then
 * DeleteInstanceProfile.
 */
const instanceProfile: Handler = {
    forceNew: ["name", "path"],
    async create(aws, p) {
        await iamOf(aws).send(
            new iam.CreateInstanceProfileCommand({
                InstanceProfileName: p.name,
                Path: p.path,
                Tags: p.tags ? tagList(p.tags) : undefined,
            }),
        );
        if (p.role) {
            await iamOf(aws).send(
                new iam.AddRoleToInstanceProfileCommand({
                    InstanceProfileName: p.name,
                    RoleName: p.role,
                }),
            );
        }
        return p.name;
    },
    async read(aws, id) {
        const found = await gone(
            iamOf(aws).send(new iam.GetInstanceProfileCommand({ InstanceProfileName: id })),
        );
        const p = found?.InstanceProfile;
        return (
            p && {
                name: p.InstanceProfileName,
                path: p.Path,
                arn: p.Arn,
                uniqueId: p.InstanceProfileId,
                role: p.Roles?.[0]?.RoleName ?? "",
                tags: tagMap(p.Tags),
            }
        );
    },
    async update(aws, id, olds, news) {
        if (changed(olds, news, "role")) {
            if (olds.role) {
                await gone(
                    iamOf(aws).send(
                        new iam.RemoveRoleFromInstanceProfileCommand({
                            InstanceProfileName: id,
                            RoleName: olds.role,
                        }),
                    ),
                );
            }
            if (news.role) {
                await iamOf(aws).send(
                    new iam.AddRoleToInstanceProfileCommand({
                        InstanceProfileName: id,
                        RoleName: news.role,
                    }),
                );
            }
        }
    },
    async delete(aws, id, state) {
        if (state.role) {
            await gone(
                iamOf(aws).send(
                    new iam.RemoveRoleFromInstanceProfileCommand({
                        InstanceProfileName: id,
                        RoleName: state.role,
                    }),
                ),
            );
        }
        await gone(
            iamOf(aws).send(new iam.DeleteInstanceProfileCommand({ InstanceProfileName: id })),
        );
    },
};

/**
 * role_policy_attachment.go / group_policy_attachment.go: Attach*Policy, with the id
 * PrefixedUniqueId("NAME-"); read finds the ARN in ListAttached*Policies (gone when it is not
 * there); delete Detach*Policy, NoSuchEntity being success.
 */
function attachment(kind: "role" | "group"): Handler {
    const commands =
        kind === "role"
            ? {
                  list: (name: string) =>
                      new iam.ListAttachedRolePoliciesCommand({ RoleName: name }),
                  attach: (name: string, arn: string) =>
                      new iam.AttachRolePolicyCommand({ RoleName: name, PolicyArn: arn }),
                  detach: (name: string, arn: string) =>
                      new iam.DetachRolePolicyCommand({ RoleName: name, PolicyArn: arn }),
              }
            : {
                  list: (name: string) =>
                      new iam.ListAttachedGroupPoliciesCommand({ GroupName: name }),
                  attach: (name: string, arn: string) =>
                      new iam.AttachGroupPolicyCommand({ GroupName: name, PolicyArn: arn }),
                  detach: (name: string, arn: string) =>
                      new iam.DetachGroupPolicyCommand({ GroupName: name, PolicyArn: arn }),
              };
    const send = <T>(aws: Aws, command: object): Promise<T> =>
        iamOf(aws).send(command as never) as Promise<T>;
    return {
        forceNew: [kind, "policyArn"],
        async create(aws, p) {
            await send(aws, commands.attach(p[kind], p.policyArn));
            return prefixedUniqueId(`${p[kind]}-`);
        },
        async read(aws, _id, state) {
            const out = await gone(
                send<{ AttachedPolicies?: iam.AttachedPolicy[] }>(aws, commands.list(state[kind])),
            );
            const arns = out?.AttachedPolicies?.map((a) => a.PolicyArn);
            return arns?.includes(state.policyArn)
                ? { [kind]: state[kind], policyArn: state.policyArn }
                : undefined;
        },
        async delete(aws, _id, state) {
            await gone(send(aws, commands.detach(state[kind], state.policyArn)));
        },
    };
}

/** user.go: CreateUser; GetUser; Tag/UntagUser; DeleteUser (no force_destroy: nothing else). */
const user: Handler = {
    forceNew: ["name"],
    async create(aws, p) {
        await iamOf(aws).send(
            new iam.CreateUserCommand({
                UserName: p.name,
                Path: p.path,
                PermissionsBoundary: p.permissionsBoundary,
                Tags: p.tags ? tagList(p.tags) : undefined,
            }),
        );
        return p.name;
    },
    async read(aws, id) {
        const found = await gone(iamOf(aws).send(new iam.GetUserCommand({ UserName: id })));
        const u = found?.User;
        return (
            u && {
                name: u.UserName,
                path: u.Path,
                arn: u.Arn,
                uniqueId: u.UserId,
                tags: tagMap(u.Tags),
            }
        );
    },
    async update(aws, id, olds, news) {
        if (changed(olds, news, "path")) {
            await iamOf(aws).send(new iam.UpdateUserCommand({ UserName: id, NewPath: news.path }));
        }
        await retag(
            aws,
            olds,
            news,
            (Tags) => new iam.TagUserCommand({ UserName: id, Tags }),
            (TagKeys) => new iam.UntagUserCommand({ UserName: id, TagKeys }),
        );
    },
    async delete(aws, id) {
        await gone(iamOf(aws).send(new iam.DeleteUserCommand({ UserName: id })));
    },
};

/** group.go: CreateGroup; GetGroup; UpdateGroup (path); DeleteGroup. */
const group: Handler = {
    forceNew: ["name"],
    async create(aws, p) {
        await iamOf(aws).send(new iam.CreateGroupCommand({ GroupName: p.name, Path: p.path }));
        return p.name;
    },
    async read(aws, id) {
        const found = await gone(iamOf(aws).send(new iam.GetGroupCommand({ GroupName: id })));
        const g = found?.Group;
        return g && { name: g.GroupName, path: g.Path, arn: g.Arn, uniqueId: g.GroupId };
    },
    async update(aws, id, olds, news) {
        if (changed(olds, news, "path")) {
            await iamOf(aws).send(
                new iam.UpdateGroupCommand({ GroupName: id, NewPath: news.path }),
            );
        }
    },
    async delete(aws, id) {
        await gone(iamOf(aws).send(new iam.DeleteGroupCommand({ GroupName: id })));
    },
};

/** group_policy.go: PutGroupPolicy, id GROUP:NAME; GetGroupPolicy; PutGroupPolicy; DeleteGroupPolicy. */
const groupPolicy: Handler = {
    forceNew: ["group", "name"],
    async create(aws, p) {
        await iamOf(aws).send(
            new iam.PutGroupPolicyCommand({
                GroupName: p.group,
                PolicyName: p.name,
                PolicyDocument: p.policy,
            }),
        );
        return `${p.group}:${p.name}`;
    },
    async read(aws, _id, state) {
        const found = await gone(
            iamOf(aws).send(
                new iam.GetGroupPolicyCommand({
                    GroupName: state.group,
                    PolicyName: state.name,
                }),
            ),
        );
        return (
            found && {
                group: found.GroupName,
                name: found.PolicyName,
                policy: samePolicyOr(state.policy, policyText(found.PolicyDocument)),
            }
        );
    },
    async update(aws, _id, _olds, news) {
        await iamOf(aws).send(
            new iam.PutGroupPolicyCommand({
                GroupName: news.group,
                PolicyName: news.name,
                PolicyDocument: news.policy,
            }),
        );
    },
    async delete(aws, _id, state) {
        await gone(
            iamOf(aws).send(
                new iam.DeleteGroupPolicyCommand({
                    GroupName: state.group,
                    PolicyName: state.name,
                }),
            ),
        );
    },
};

/**
 * user_group_membership.go: AddUserToGroup per group, id UniqueId() ("terraform-..."); read keeps
 * the declared groups ListGroupsForUser still shows (others are not this resource's); update
 * removes and adds the difference; delete RemoveUserFromGroup for each.
 */
const userGroupMembership: Handler = {
    forceNew: ["user"],
    async create(aws, p) {
        for (const g of p.groups ?? []) {
            await iamOf(aws).send(
                new iam.AddUserToGroupCommand({ UserName: p.user, GroupName: g }),
            );
        }
        return prefixedUniqueId("terraform-");
    },
    async read(aws, _id, state) {
        const found = await gone(
            iamOf(aws).send(new iam.ListGroupsForUserCommand({ UserName: state.user })),
        );
        if (!found) {
            return undefined;
        }
        const member = new Set((found.Groups ?? []).map((g) => g.GroupName));
        return {
            user: state.user,
            groups: (state.groups ?? []).filter((g: string) => member.has(g)),
        };
    },
    async update(aws, _id, olds, news) {
        const before: string[] = olds.groups ?? [];
        const after: string[] = news.groups ?? [];
        for (const g of before.filter((x) => !after.includes(x))) {
            await gone(
                iamOf(aws).send(
                    new iam.RemoveUserFromGroupCommand({ UserName: news.user, GroupName: g }),
                ),
            );
        }
        for (const g of after.filter((x) => !before.includes(x))) {
            await iamOf(aws).send(
                new iam.AddUserToGroupCommand({ UserName: news.user, GroupName: g }),
            );
        }
    },
    async delete(aws, _id, state) {
        for (const g of state.groups ?? []) {
            await gone(
                iamOf(aws).send(
                    new iam.RemoveUserFromGroupCommand({ UserName: state.user, GroupName: g }),
                ),
            );
        }
    },
};

/**
 * The SES SMTP password (v4) the provider derives from a secret access key, for the key's region
 * (terraform-provider-aws internal/service/iam/access_key.go, sesSMTPPasswordFromSecretKeySigV4;
 * algorithm: Amazon SES Developer Guide, "Obtaining Amazon SES SMTP credentials").
 */
export function sesSmtpPasswordV4(secret: string, region: string): string {
    let signature: Buffer = Buffer.from(`AWS4${secret}`, "utf8");
    for (const part of ["11111111", region, "ses", "aws4_request", "SendRawEmail"]) {
        signature = createHmac("sha256", signature).update(part, "utf8").digest();
    }
    return Buffer.concat([Buffer.from([0x04]), signature]).toString("base64");
}

/**
 * A secret encrypted to a PGP public key, as the provider does when `pgpKey` is set
 * (access_key.go calls internal/service/iam/encryption.go: the secret is encrypted for the key,
 * the fingerprint kept; only the ciphertext is stored).
 */
async function encryptFor(
    pgpKey: string,
    secret: string,
): Promise<{ ciphertext: string; fingerprint: string }> {
    // Loaded here, not at start-up (about 0.1 s of every provider process): few keys use PGP.
    const openpgp = await import("openpgp");
    const key = await openpgp.readKey({ binaryKey: Buffer.from(pgpKey, "base64") });
    const message = await openpgp.encrypt({
        message: await openpgp.createMessage({ text: secret }),
        encryptionKeys: key,
        format: "binary",
    });
    return {
        ciphertext: Buffer.from(message as Uint8Array).toString("base64"),
        fingerprint: key.getFingerprint(),
    };
}

/**
 * access_key.go: CreateAccessKey (IAM allows two per user: LimitExceeded), then UpdateAccessKey
 * when the status is Inactive; the secret is returned once and kept only in state, encrypted to
 * `pgpKey` when given; read finds the key in ListAccessKeys; update UpdateAccessKey (status);
 * delete DeleteAccessKey.
 */
const accessKey: Handler & { secrets: Map<string, Props> } = {
    forceNew: ["user", "pgpKey"],
    secrets: new Map(),
    async create(aws, p) {
        const out = await iamOf(aws).send(new iam.CreateAccessKeyCommand({ UserName: p.user }));
        const key = out.AccessKey!;
        const secret = key.SecretAccessKey!;
        rememberSecret(secret);
        const smtp = sesSmtpPasswordV4(secret, aws.region);
        rememberSecret(smtp);
        if (p.status === "Inactive") {
            await iamOf(aws).send(
                new iam.UpdateAccessKeyCommand({
                    UserName: p.user,
                    AccessKeyId: key.AccessKeyId,
                    Status: "Inactive",
                }),
            );
        }
        if (p.pgpKey) {
            const enc = await encryptFor(p.pgpKey, secret);
            const encSmtp = await encryptFor(p.pgpKey, smtp);
            this.secrets.set(key.AccessKeyId!, {
                encryptedSecret: enc.ciphertext,
                keyFingerprint: enc.fingerprint,
                encryptedSesSmtpPasswordV4: encSmtp.ciphertext,
            });
        } else {
            this.secrets.set(key.AccessKeyId!, { secret, sesSmtpPasswordV4: smtp });
        }
        return key.AccessKeyId!;
    },
    async read(aws, id, state) {
        const found = await gone(
            iamOf(aws).send(new iam.ListAccessKeysCommand({ UserName: state.user })),
        );
        const key = found?.AccessKeyMetadata?.find((k) => k.AccessKeyId === id);
        // The secret is never readable again: it comes from the create, or from state.
        const issued = this.secrets.get(id) ?? {};
        return (
            key && {
                ...issued,
                user: key.UserName,
                status: key.Status,
                createDate: key.CreateDate?.toISOString(),
            }
        );
    },
    async update(aws, id, olds, news) {
        if (changed(olds, news, "status")) {
            await iamOf(aws).send(
                new iam.UpdateAccessKeyCommand({
                    UserName: news.user,
                    AccessKeyId: id,
                    Status: news.status,
                }),
            );
        }
    },
    async delete(aws, id, state) {
        await gone(
            iamOf(aws).send(
                new iam.DeleteAccessKeyCommand({ UserName: state.user, AccessKeyId: id }),
            ),
        );
    },
};

export const IAM_RESOURCES: Record<string, Handler> = {
    "aws:iam/role:Role": role,
    "aws:iam/policy:Policy": policy,
    "aws:iam/instanceProfile:InstanceProfile": instanceProfile,
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": attachment("role"),
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": attachment("group"),
    "aws:iam/user:User": user,
    "aws:iam/group:Group": group,
    "aws:iam/groupPolicy:GroupPolicy": groupPolicy,
    "aws:iam/userGroupMembership:UserGroupMembership": userGroupMembership,
    "aws:iam/accessKey:AccessKey": accessKey,
};

export const IAM_INVOKES: Record<string, Invoke> = {
    // role_data_source.go: GetRole.
    async "aws:iam/getRole:getRole"(aws, args) {
        const r = (await iamOf(aws).send(new iam.GetRoleCommand({ RoleName: args.name }))).Role!;
        return {
            id: r.RoleName,
            name: r.RoleName,
            arn: r.Arn,
            path: r.Path,
            uniqueId: r.RoleId,
            assumeRolePolicy: policyText(r.AssumeRolePolicyDocument),
            description: r.Description ?? "",
            maxSessionDuration: r.MaxSessionDuration,
            permissionsBoundary: r.PermissionsBoundary?.PermissionsBoundaryArn ?? "",
            tags: tagMap(r.Tags),
        };
    },
    // instance_profile_data_source.go: GetInstanceProfile; the first role's name, ARN and id.
    async "aws:iam/getInstanceProfile:getInstanceProfile"(aws, args) {
        const p = (
            await iamOf(aws).send(
                new iam.GetInstanceProfileCommand({ InstanceProfileName: args.name }),
            )
        ).InstanceProfile!;
        const r = p.Roles?.[0];
        return {
            id: p.InstanceProfileName,
            name: p.InstanceProfileName,
            arn: p.Arn,
            path: p.Path,
            roleName: r?.RoleName ?? "",
            roleArn: r?.Arn ?? "",
            roleId: r?.RoleId ?? "",
        };
    },
};
