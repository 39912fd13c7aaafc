/**
 * The IAM "exclusive" types: each owns the whole set of managed policies attached to, or inline
 * policies of, one group, user or role, so a policy added outside the stack is drift that the next
 * update removes. The calls are those of terraform-provider-aws internal/service/iam/
 * {group,user,role}_policy_attachments_exclusive.go and {group,user,role}_policies_exclusive.go:
 * create and update list the live set, attach (or put) what is declared and missing, detach (or
 * delete) what is live and not declared; read lists the live set (NoSuchEntity drops the
 * resource); delete makes no call (framework.WithNoOpDelete). The id is the principal's name
 * (pulumi-aws provider/computed_ids.go).
 */
import * as iam from "@aws-sdk/client-iam";
import { Aws, unlessGone } from "./aws";
import { Handler, Props } from "./handler";

type Kind = "Group" | "User" | "Role";
type Set = "attachments" | "policies";

const iamOf = (aws: Aws) => aws.client("iam", iam.IAMClient);

/** The input naming the principal (groupName, userName, roleName) and the one listing the set. */
const principalKey = (kind: Kind) => `${kind.toLowerCase()}Name`;
const setKey = (set: Set) => (set === "attachments" ? "policyArns" : "policyNames");

/** The SDK commands of one principal kind, named as IAM's API names them. */
function calls(kind: Kind, set: Set) {
    const name = (principal: string) => ({ [`${kind}Name`]: principal });
    const command = (op: string) =>
        (iam as unknown as Record<string, new (input: object) => object>)[`${op}Command`];
    if (set === "attachments") {
        return {
            list: (p: string) => new (command(`ListAttached${kind}Policies`))(name(p)),
            read: (out: Props): string[] =>
                (out.AttachedPolicies ?? []).map((a: iam.AttachedPolicy) => a.PolicyArn!),
            add: (p: string, arn: string) =>
                new (command(`Attach${kind}Policy`))({ ...name(p), PolicyArn: arn }),
            remove: (p: string, arn: string) =>
                new (command(`Detach${kind}Policy`))({ ...name(p), PolicyArn: arn }),
        };
    }
    return {
        list: (p: string) => new (command(`List${kind}Policies`))(name(p)),
        read: (out: Props): string[] => out.PolicyNames ?? [],
        // The provider "puts" a declared name with no document, which the AWS SDK refuses before
        // sending (aws-sdk-go-v2 service/iam/validators.go): the stand-in refuses it the same way.
        add: (_p: string, policy: string): object => {
            throw new Error(
                `ValidationError: ${kind.toLowerCase()} inline policy "${policy}" is declared but does not exist: PolicyDocument is required`,
            );
        },
        remove: (p: string, policy: string) =>
            new (command(`Delete${kind}Policy`))({ ...name(p), PolicyName: policy }),
    };
}

function exclusive(kind: Kind, set: Set): Handler {
    const c = calls(kind, set);
    const send = (aws: Aws, cmd: object) => iamOf(aws).send(cmd as never) as Promise<Props>;
    const live = async (aws: Aws, principal: string) => c.read(await send(aws, c.list(principal)));
    const sync = async (aws: Aws, p: Props) => {
        const principal = p[principalKey(kind)];
        const declared: string[] = p[setKey(set)] ?? [];
        const now = await live(aws, principal);
        for (const item of declared.filter((d) => !now.includes(d))) {
            await send(aws, c.add(principal, item));
        }
        for (const item of now.filter((n) => !declared.includes(n))) {
            await send(aws, c.remove(principal, item));
        }
    };
    return {
        forceNew: [principalKey(kind)],
        async create(aws, p) {
            await sync(aws, p);
            return p[principalKey(kind)];
        },
        async read(aws, id, state) {
            const now = await unlessGone(live(aws, id), "NoSuchEntityException", "NoSuchEntity");
            if (!now) {
                return undefined;
            }
            // The provider's lists are sets (types.Set): the declared order when the members are
            // the same, else what IAM lists, so only a different membership is a change.
            const declared: string[] = state[setKey(set)] ?? [];
            const same = now.length === declared.length && now.every((n) => declared.includes(n));
            return { [principalKey(kind)]: id, [setKey(set)]: same ? declared : now };
        },
        async update(aws, _id, _olds, news) {
            await sync(aws, news);
        },
        async delete() {
            // No call: destroying the resource leaves the policies as they are.
        },
    };
}

export const EXCLUSIVE_RESOURCES: Record<string, Handler> = {
    "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive": exclusive(
        "Group",
        "attachments",
    ),
    "aws:iam/groupPoliciesExclusive:GroupPoliciesExclusive": exclusive("Group", "policies"),
    "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive": exclusive(
        "User",
        "attachments",
    ),
    "aws:iam/userPoliciesExclusive:UserPoliciesExclusive": exclusive("User", "policies"),
    "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive": exclusive(
        "Role",
        "attachments",
    ),
    "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive": exclusive("Role", "policies"),
};
