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
    /** Optional Denies on every group: other regions, admin commands without MFA. @default off */
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

    private adminPolicy(name: string, group: aws.iam.Group): void {
        new aws.iam.GroupPolicy(
            `${name}-admin-policy`,
            {
                group: group.name,
                name: "RunCommandAdmin",
                policy: JSON.stringify(adminUserPolicy()),
            },
            { parent: this },
        );
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
        if (level === "read-only" || (level === "admin" && args.useManagedUserPolicies)) {
            new aws.iam.GroupPolicyAttachment(
                `${name}-${level}-managed`,
                { group: group.name, policyArn: managedUserPolicyArn(args.partition, level) },
                { parent: this },
            );
        }
        const hardening = hardeningPolicy(level, args.hardening ?? {});
        if (hardening) {
            new aws.iam.GroupPolicy(
                `${name}-${level}-hardening`,
                {
                    group: group.name,
                    name: "RunCommandHardening",
                    policy: JSON.stringify(hardening),
                },
                { parent: this },
            );
        }
        if (level === "read-only") {
            new aws.iam.GroupPolicy(
                `${name}-read-only-policy`,
                {
                    group: group.name,
                    name: "RunCommandReadOnly",
                    policy: JSON.stringify(readOnlyDenyPolicy()),
                },
                { parent: this },
            );
        } else if (level === "admin") {
            if (!args.useManagedUserPolicies) {
                this.adminPolicy(name, group);
            }
        } else {
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
            new aws.iam.GroupPolicy(
                `${name}-operator-policy`,
                {
                    group: group.name,
                    name: "RunCommandOperator",
                    policy: pulumi.all(arns).apply((documentArns) =>
                        JSON.stringify(
                            operatorPolicy(args.partition, {
                                documentArns,
                                instanceTag: operator.instanceTag,
                                output: args.output,
                            }),
                        ),
                    ),
                },
                { parent: this },
            );
        }
        return group;
    }
}
