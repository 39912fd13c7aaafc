/**
 * What exists in a sandbox's AWS account (its moto server), read through the AWS SDK, for the
 * end-to-end tests' assertions: they check the account, not the stand-in provider's notes.
 */
import * as assert from "assert";
import * as ec2 from "@aws-sdk/client-ec2";
import * as iam from "@aws-sdk/client-iam";
import * as ssm from "@aws-sdk/client-ssm";
import type { Sandbox } from "../../scripts/sandbox";

// The SDK's notice about Node 20 is not the tests' output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

/** A policy document as IAM returns it: URL-encoded JSON. */
const parsePolicy = (text: string | undefined): unknown =>
    JSON.parse(decodeURIComponent(text ?? "{}"));

export interface StateResource {
    type: string;
    id: string;
    urn: string;
    custom?: boolean;
    inputs: Record<string, any>;
    outputs: Record<string, any>;
}

export class Account {
    readonly iam: iam.IAMClient;

    constructor(private readonly sb: Sandbox) {
        this.iam = new iam.IAMClient(sb.client());
    }

    ec2(region: string): ec2.EC2Client {
        return new ec2.EC2Client(this.sb.client(region));
    }

    ssm(region: string): ssm.SSMClient {
        return new ssm.SSMClient(this.sb.client(region));
    }

    /** A role's trust policy (parsed), attached policy ARNs and inline policies (parsed), or undefined. */
    async role(name: string) {
        try {
            const r = (await this.iam.send(new iam.GetRoleCommand({ RoleName: name }))).Role!;
            const attached = await this.iam.send(
                new iam.ListAttachedRolePoliciesCommand({ RoleName: name }),
            );
            const inline = await this.iam.send(new iam.ListRolePoliciesCommand({ RoleName: name }));
            return {
                arn: r.Arn!,
                path: r.Path!,
                trust: parsePolicy(r.AssumeRolePolicyDocument),
                attached: (attached.AttachedPolicies ?? []).map((p) => p.PolicyArn!).sort(),
                inline: inline.PolicyNames ?? [],
            };
        } catch (err) {
            if ((err as Error).name === "NoSuchEntityException") {
                return undefined;
            }
            throw err;
        }
    }

    /** A group's attached policy ARNs, inline policies (parsed, by name) and members. */
    async group(name: string) {
        const g = await this.iam.send(new iam.GetGroupCommand({ GroupName: name }));
        const attached = await this.iam.send(
            new iam.ListAttachedGroupPoliciesCommand({ GroupName: name }),
        );
        const names = await this.iam.send(new iam.ListGroupPoliciesCommand({ GroupName: name }));
        const inline: Record<string, unknown> = {};
        for (const policy of names.PolicyNames ?? []) {
            const doc = await this.iam.send(
                new iam.GetGroupPolicyCommand({ GroupName: name, PolicyName: policy }),
            );
            inline[policy] = parsePolicy(doc.PolicyDocument);
        }
        return {
            path: g.Group!.Path!,
            attached: (attached.AttachedPolicies ?? []).map((p) => p.PolicyArn!).sort(),
            inline,
            members: (g.Users ?? []).map((u) => u.UserName!).sort(),
        };
    }

    /** A user's own policies (attached and inline), groups and access keys. */
    async user(name: string) {
        const [attached, inline, groups, keys] = await Promise.all([
            this.iam.send(new iam.ListAttachedUserPoliciesCommand({ UserName: name })),
            this.iam.send(new iam.ListUserPoliciesCommand({ UserName: name })),
            this.iam.send(new iam.ListGroupsForUserCommand({ UserName: name })),
            this.iam.send(new iam.ListAccessKeysCommand({ UserName: name })),
        ]);
        return {
            attached: (attached.AttachedPolicies ?? []).map((p) => p.PolicyArn!),
            inline: inline.PolicyNames ?? [],
            groups: (groups.Groups ?? []).map((g) => g.GroupName!).sort(),
            keys: (keys.AccessKeyMetadata ?? []).map((k) => ({
                id: k.AccessKeyId!,
                status: k.Status!,
            })),
        };
    }

    /** Names of every role, user, group, customer-managed policy and instance profile. */
    async names() {
        const [roles, users, groups, policies, profiles] = await Promise.all([
            this.iam.send(new iam.ListRolesCommand({})),
            this.iam.send(new iam.ListUsersCommand({})),
            this.iam.send(new iam.ListGroupsCommand({})),
            this.iam.send(new iam.ListPoliciesCommand({ Scope: "Local" })),
            this.iam.send(new iam.ListInstanceProfilesCommand({})),
        ]);
        return {
            roles: (roles.Roles ?? []).map((r) => r.RoleName!).sort(),
            users: (users.Users ?? []).map((u) => u.UserName!).sort(),
            groups: (groups.Groups ?? []).map((g) => g.GroupName!).sort(),
            policies: (policies.Policies ?? []).map((p) => p.PolicyName!).sort(),
            instanceProfiles: (profiles.InstanceProfiles ?? [])
                .map((p) => p.InstanceProfileName!)
                .sort(),
        };
    }

    /** A document's versions, each with its content parsed, and its default version; or undefined. */
    async document(region: string, name: string) {
        const client = this.ssm(region);
        try {
            const d = (await client.send(new ssm.DescribeDocumentCommand({ Name: name })))
                .Document!;
            // Versions are numbered 1..latest (moto has no ListDocumentVersions).
            const versions = [];
            for (let v = 1; v <= Number(d.LatestVersion); v++) {
                const got = await client.send(
                    new ssm.GetDocumentCommand({ Name: name, DocumentVersion: String(v) }),
                );
                versions.push(JSON.parse(got.Content!) as Record<string, any>);
            }
            return { defaultVersion: d.DefaultVersion, latestVersion: d.LatestVersion, versions };
        } catch (err) {
            if ((err as Error).name === "InvalidDocument") {
                return undefined;
            }
            throw err;
        }
    }

    /** Every instance in a region that is not terminated, with its tags as a map. */
    async instances(region: string) {
        const out = await this.ec2(region).send(
            new ec2.DescribeInstancesCommand({
                Filters: [
                    {
                        Name: "instance-state-name",
                        Values: ["pending", "running", "stopping", "stopped"],
                    },
                ],
            }),
        );
        return (out.Reservations ?? [])
            .flatMap((r) => r.Instances ?? [])
            .map((i) => ({
                ...i,
                tagMap: Object.fromEntries((i.Tags ?? []).map((t) => [t.Key!, t.Value!])),
            }));
    }

    /** The images this account owns in a region. */
    async images(region: string) {
        const out = await this.ec2(region).send(
            new ec2.DescribeImagesCommand({ Owners: ["self"] }),
        );
        return out.Images ?? [];
    }

    /**
     * That the account holds exactly what a stack's state declares for IAM and SSM: each role with
     * its trust policy and exactly its attachments, each group with exactly its attached and inline
     * policies (compared as parsed JSON) and members, each user with no policy of its own and its
     * declared keys (at most two), each document with its content as its only version.
     */
    async assertMatches(resources: StateResource[], region: string): Promise<void> {
        const of = (type: string) => resources.filter((r) => r.type === type);
        for (const role of of("aws:iam/role:Role")) {
            const live = await this.role(role.outputs.name);
            assert.ok(live, `role ${role.outputs.name} exists`);
            assert.deepStrictEqual(live.trust, JSON.parse(role.inputs.assumeRolePolicy));
            const declared = of("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                .filter((a) => a.inputs.role === role.outputs.name)
                .map((a) => a.inputs.policyArn)
                .sort();
            assert.deepStrictEqual(live.attached, declared, `${role.outputs.name}'s attachments`);
            assert.deepStrictEqual(live.inline, [], `${role.outputs.name} has no inline policy`);
        }
        for (const group of of("aws:iam/group:Group")) {
            const name = group.outputs.name;
            const live = await this.group(name);
            assert.deepStrictEqual(
                live.attached,
                of("aws:iam/groupPolicyAttachment:GroupPolicyAttachment")
                    .filter((a) => a.inputs.group === name)
                    .map((a) => a.inputs.policyArn)
                    .sort(),
                `${name}'s attached policies`,
            );
            assert.deepStrictEqual(
                live.inline,
                Object.fromEntries(
                    of("aws:iam/groupPolicy:GroupPolicy")
                        .filter((p) => p.inputs.group === name)
                        .map((p) => [p.inputs.name, JSON.parse(p.inputs.policy)]),
                ),
                `${name}'s inline policies`,
            );
            assert.deepStrictEqual(
                live.members,
                of("aws:iam/userGroupMembership:UserGroupMembership")
                    .filter((m) => m.inputs.groups.includes(name))
                    .map((m) => m.inputs.user)
                    .sort(),
                `${name}'s members`,
            );
        }
        for (const user of of("aws:iam/user:User")) {
            const name = user.outputs.name;
            const live = await this.user(name);
            assert.deepStrictEqual(
                [live.attached, live.inline],
                [[], []],
                `${name}'s own policies`,
            );
            const keys = of("aws:iam/accessKey:AccessKey").filter((k) => k.inputs.user === name);
            assert.deepStrictEqual(
                live.keys.map((k) => k.id).sort(),
                keys.map((k) => k.id).sort(),
                `${name}'s access keys`,
            );
            assert.ok(live.keys.length <= 2, `${name} has at most two keys`);
        }
        for (const doc of of("aws:ssm/document:Document")) {
            const live = await this.document(region, doc.outputs.name);
            assert.ok(live, `document ${doc.outputs.name} exists`);
            assert.deepStrictEqual(live.versions, [JSON.parse(doc.inputs.content)]);
            assert.strictEqual(live.defaultVersion, "1");
        }
    }
}

/** A stack's custom resources from `pulumi stack export`. */
export async function stateOf(sb: Sandbox, stack: string): Promise<StateResource[]> {
    const exported = await sb.pulumi("stack", "export", "--stack", stack);
    assert.strictEqual(exported.code, 0, exported.stderr);
    return (JSON.parse(exported.stdout).deployment.resources ?? []).filter(
        (r: StateResource) => r.custom && !r.type.startsWith("pulumi:providers:"),
    );
}
