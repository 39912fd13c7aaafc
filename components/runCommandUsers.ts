import * as aws from "@pulumi/aws";
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { Partition } from "../policies/iam";
import { OutputScope } from "../policies/instance";
import { CommandDocumentSpec, commandDocumentContent } from "../policies/ssmDocument";
import {
    ACCESS_LEVELS,
    AccessLevel,
    adminUserPolicy,
    groupName,
    managedUserPolicyArn,
    Hardening,
    hardeningPolicy,
    operatorPolicy,
    readOnlyDenyPolicy,
} from "../policies/users";

export { ACCESS_LEVELS };
export type { AccessLevel };

/** One Run Command user. */
export interface UserSpec {
    readonly name: string;
    readonly level: AccessLevel;
    /** Access key slots (at most two): adding a slot and later removing the old one rotates. */
    readonly accessKeys: string[];
}

/** What operators may do. */
export interface OperatorAccess {
    /** Names of documents (declared in `documents`) operators may run. */
    readonly documents: string[];
    /** Operators may target only instances carrying this tag. */
    readonly instanceTag: { readonly key: string; readonly value: string };
}

export interface RunCommandUsersArgs {
    readonly partition: Partition;
    /** Users and their access levels and key slots. */
    readonly users: UserSpec[];
    /** Command documents to create for operators. @default [] */
    readonly documents?: CommandDocumentSpec[];
    /** Required when any user is an operator: their documents and instance tag. */
    readonly operatorAccess?: OperatorAccess;
    /** Where command output goes (the instance access settings): operators may name and read it. */
    readonly output?: OutputScope;
    /** Optional Denies on every group: other regions; admins' SSM changes without MFA. @default off */
    readonly hardening?: Hardening;
    /** Admins get AmazonSSMFullAccess instead of the guide's user policy. @default false */
    readonly useManagedUserPolicies?: boolean;
    /** Base64 binary OpenPGP public key: access key secrets then exist only encrypted to it. */
    readonly pgpKey?: string;
    /** Prefix of group names, e.g. "ssm-access-dev" gives "ssm-access-dev-operator". */
    readonly groupPrefix: string;
    /** IAM path of the users and groups. @default "/ssm-access/" */
    readonly path?: string;
    /**
     * Mark users and access keys `protect`: a plain `pulumi up` or `destroy` that would delete or
     * replace them (the person loses access, a key stops working) fails instead.
     * @default true
     */
    readonly protect?: boolean;
    readonly tags?: Record<string, string>;
}

/** One access key as exported: the secret only as a Pulumi secret, or only encrypted. */
/** The resource name of a user's access key in a slot: rotate-keys and retire-key look for it. */
export function accessKeyName(component: string, user: string, slot: string): string {
    return `${component}-key-${user}-${slot}`;
}

export interface AccessKeyOutput {
    accessKeyId: pulumi.Output<string>;
    /** Present without a PGP key; always a Pulumi secret. */
    secret?: pulumi.Output<string>;
    /** Present with a PGP key: base64 of the OpenPGP message the provider encrypted the secret into. */
    encryptedSecret?: pulumi.Output<string>;
}

export interface UserOutput {
    userName: pulumi.Output<string>;
    arn: pulumi.Output<string>;
    level: AccessLevel;
    group: pulumi.Output<string>;
    accessKeys: Record<string, AccessKeyOutput>;
}

/**
 * IAM users for SSM Run Command (the guide's user steps), safe by default: permissions come only
 * from one group per access level, users have no policies and no console login, access key
 * secrets are always secrets, and operators run only the documents declared for them.
 */
export class RunCommandUsers extends pulumi.ComponentResource {
    readonly users: Record<string, UserOutput> = {};
    readonly documentArns: Record<string, pulumi.Output<string>> = {};
    readonly groups: Partial<Record<AccessLevel, aws.iam.Group>> = {};

    constructor(name: string, args: RunCommandUsersArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ssm-access:users:RunCommandUsers", name, {}, opts);
        const path = args.path ?? "/ssm-access/";
        const tags = args.tags ?? {};
        const protect = args.protect ?? true;

        for (const doc of args.documents ?? []) {
            const content = JSON.stringify(commandDocumentContent(doc));
            // One version only. An in-place update adds a version and leaves the older, maybe
            // looser, ones runnable (`send-command --document-version 1`), and IAM cannot scope
            // ssm:SendCommand by version. So a content change replaces the document: deleted
            // first (same name), then created with this content as its only version.
            const document = new aws.ssm.Document(
                `${name}-doc-${doc.name}`,
                { name: doc.name, documentType: "Command", documentFormat: "JSON", content, tags },
                {
                    parent: this,
                    replacementTrigger: createHash("sha256").update(content).digest("hex"),
                    deleteBeforeReplace: true,
                },
            );
            this.documentArns[doc.name] = document.arn;
        }

        const levels = [...new Set(args.users.map((u) => u.level))];
        for (const level of levels) {
            this.groups[level] = this.group(name, level, args, path);
        }

        for (const u of args.users) {
            const group = this.groups[u.level]!;
            const user = new aws.iam.User(
                `${name}-user-${u.name}`,
                { name: u.name, path, tags },
                { parent: this, protect },
            );
            new aws.iam.UserGroupMembership(
                `${name}-member-${u.name}`,
                { user: user.name, groups: [group.name] },
                { parent: this },
            );
            // Users get permissions only through their group: any policy attached to or put on
            // the user outside this program shows as drift and is removed by `up` after a refresh.
            new aws.iam.UserPolicyAttachmentsExclusive(
                `${name}-user-${u.name}-managed-exclusive`,
                { userName: user.name, policyArns: [] },
                { parent: this },
            );
            new aws.iam.UserPoliciesExclusive(
                `${name}-user-${u.name}-inline-exclusive`,
                { userName: user.name, policyNames: [] },
                { parent: this },
            );
            const accessKeys: Record<string, AccessKeyOutput> = {};
            for (const slot of u.accessKeys) {
                const key = new aws.iam.AccessKey(
                    accessKeyName(name, u.name, slot),
                    { user: user.name, pgpKey: args.pgpKey },
                    {
                        parent: this,
                        protect,
                        additionalSecretOutputs: ["secret", "sesSmtpPasswordV4"],
                    },
                );
                accessKeys[slot] = args.pgpKey
                    ? { accessKeyId: key.id, encryptedSecret: key.encryptedSecret }
                    : { accessKeyId: key.id, secret: pulumi.secret(key.secret) };
            }
            this.users[u.name] = {
                userName: user.name,
                arn: user.arn,
                level: u.level,
                group: group.name,
                accessKeys,
            };
        }
        this.registerOutputs({ users: this.users, documentArns: this.documentArns });
    }

    private group(
        name: string,
        level: AccessLevel,
        args: RunCommandUsersArgs,
        path: string,
    ): aws.iam.Group {
        const group = new aws.iam.Group(
            `${name}-${level}`,
            { name: groupName(args.groupPrefix, level), path },
            { parent: this },
        );
        const attachments: aws.iam.GroupPolicyAttachment[] = [];
        if (level === "read-only" || (level === "admin" && args.useManagedUserPolicies)) {
            attachments.push(
                new aws.iam.GroupPolicyAttachment(
                    `${name}-${level}-managed`,
                    { group: group.name, policyArn: managedUserPolicyArn(args.partition, level) },
                    { parent: this },
                ),
            );
        }
        const inline: aws.iam.GroupPolicy[] = [];
        const put = (resourceName: string, policyName: string, policy: pulumi.Input<string>) =>
            inline.push(
                new aws.iam.GroupPolicy(
                    resourceName,
                    { group: group.name, name: policyName, policy },
                    { parent: this },
                ),
            );
        const hardening = hardeningPolicy(level, args.hardening ?? {});
        if (hardening) {
            put(`${name}-${level}-hardening`, "RunCommandHardening", JSON.stringify(hardening));
        }
        if (level === "read-only") {
            put(
                `${name}-read-only-policy`,
                "RunCommandReadOnly",
                JSON.stringify(readOnlyDenyPolicy()),
            );
        } else if (level === "admin") {
            if (!args.useManagedUserPolicies) {
                put(`${name}-admin-policy`, "RunCommandAdmin", JSON.stringify(adminUserPolicy()));
            }
        } else {
            put(`${name}-operator-policy`, "RunCommandOperator", this.operatorPolicy(args));
        }
        this.ownGroupPolicies(`${name}-${level}`, group, attachments, inline);
        return group;
    }

    /**
     * The group's policies are exactly the declared ones: the exclusive resources read the group's
     * whole set (ListAttachedGroupPolicies, ListGroupPolicies) and detach or delete what is not
     * declared (terraform-provider-aws internal/service/iam/group_policy_attachments_exclusive.go,
     * group_policies_exclusive.go). They sit beside the per-policy resources, listing exactly what
     * those declare, as the provider's docs ask to avoid a perpetual diff
     * (website/docs/r/iam_group_policy_attachments_exclusive.html.markdown). They come after them:
     * on create the inline one would put a missing policy with no document, which the AWS SDK
     * refuses before sending (aws-sdk-go-v2 service/iam/validators.go, PutGroupPolicyInput).
     */
    private ownGroupPolicies(
        prefix: string,
        group: aws.iam.Group,
        attachments: aws.iam.GroupPolicyAttachment[],
        inline: aws.iam.GroupPolicy[],
    ): void {
        new aws.iam.GroupPolicyAttachmentsExclusive(
            `${prefix}-managed-exclusive`,
            { groupName: group.name, policyArns: attachments.map((a) => a.policyArn) },
            { parent: this, dependsOn: attachments },
        );
        new aws.iam.GroupPoliciesExclusive(
            `${prefix}-inline-exclusive`,
            { groupName: group.name, policyNames: inline.map((p) => p.name) },
            { parent: this, dependsOn: inline },
        );
    }

    private operatorPolicy(args: RunCommandUsersArgs): pulumi.Output<string> {
        const operator = args.operatorAccess;
        if (!operator) {
            throw new pulumi.RunError(
                "operator users need operatorAccess (documents and instanceTag)",
            );
        }
        const arns = operator.documents.map((doc) => {
            const arn = this.documentArns[doc];
            if (!arn) {
                throw new pulumi.RunError(
                    `operatorAccess.documents names "${doc}", which is not among the documents created here`,
                );
            }
            return arn;
        });
        return pulumi.all(arns).apply((documentArns) =>
            JSON.stringify(
                operatorPolicy(args.partition, {
                    documentArns,
                    instanceTag: operator.instanceTag,
                    output: args.output,
                }),
            ),
        );
    }
}
