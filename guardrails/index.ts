/**
 * CrossGuard guardrails for ssm-access, run by the engine with `--policy-pack policy`. They check
 * what the program must never produce, independently of the code that produces it.
 */
import { PolicyPack, PolicyResource, ReportViolation, StackValidationArgs } from "@pulumi/policy";
import { PARTITIONS, Partition } from "../policies/iam";
import { verifyServiceTrust } from "../policies/trust";
import { levelOfGroup } from "../policies/users";

interface Statement {
    Effect?: string;
    Action?: string | string[];
    Resource?: string | string[];
}

const list = <T>(v: T | T[] | undefined): T[] =>
    v === undefined ? [] : Array.isArray(v) ? v : [v];

function statements(resource: PolicyResource): Statement[] {
    const text = resource.props.policy;
    if (typeof text !== "string") {
        return [];
    }
    try {
        return list((JSON.parse(text) as { Statement?: Statement | Statement[] }).Statement);
    } catch {
        return [];
    }
}

const POLICY_TYPES = [
    "aws:iam/policy:Policy",
    "aws:iam/groupPolicy:GroupPolicy",
    "aws:iam/rolePolicy:RolePolicy",
];

function instanceRolesTrustEc2(args: StackValidationArgs, report: ReportViolation): void {
    const roles = args.resources.filter((r) => r.type === "aws:iam/role:Role");
    for (const profile of args.resources.filter(
        (r) => r.type === "aws:iam/instanceProfile:InstanceProfile",
    )) {
        const role = roles.find((r) => r.props.name === profile.props.role);
        if (!role || typeof role.props.assumeRolePolicy !== "string") {
            continue;
        }
        const fromArn = String(role.props.arn ?? "").split(":")[1];
        const partition: Partition = PARTITIONS.includes(fromArn as Partition)
            ? (fromArn as Partition)
            : "aws";
        const verdict = verifyServiceTrust(role.props.assumeRolePolicy, "ec2", partition);
        if (!verdict.trusted) {
            report(
                `instance profile ${profile.name} holds role ${role.name}, which EC2 cannot assume: ${verdict.reason}`,
                role.urn,
            );
        }
    }
}

function noS3OnStarWithBucket(args: StackValidationArgs, report: ReportViolation): void {
    const policies = args.resources.filter((r) => POLICY_TYPES.includes(r.type));
    const s3 = (s: Statement) => list(s.Action).some((a) => a.startsWith("s3:"));
    const bucketConfigured = policies.some((p) =>
        statements(p).some(
            (s) =>
                s3(s) && list(s.Resource).some((r) => r.startsWith("arn:") && r.includes(":s3:::")),
        ),
    );
    if (!bucketConfigured) {
        return;
    }
    for (const p of policies) {
        if (
            statements(p).some(
                (s) => s.Effect === "Allow" && s3(s) && list(s.Resource).includes("*"),
            )
        ) {
            report(
                `${p.name} allows S3 actions on "*" although an output bucket is configured: scope them to the bucket`,
                p.urn,
            );
        }
    }
}

function nonAdminsGetNoSsmStar(args: StackValidationArgs, report: ReportViolation): void {
    for (const p of args.resources.filter((r) => r.type === "aws:iam/groupPolicy:GroupPolicy")) {
        if (levelOfGroup(String(p.props.group ?? "")) === "admin") {
            continue;
        }
        const wide = statements(p)
            .filter((s) => s.Effect === "Allow")
            .flatMap((s) => list(s.Action))
            .filter((a) => a === "*" || a === "ssm:*");
        if (wide.length > 0) {
            report(
                `${p.name} gives the non-admin group ${p.props.group} ${wide.join(", ")}`,
                p.urn,
            );
        }
    }
}

export const pack = new PolicyPack("ssm-access-guardrails", {
    policies: [
        {
            name: "instance-role-trusts-ec2",
            description: "Every instance profile's role trusts ec2.amazonaws.com.",
            enforcementLevel: "mandatory",
            validateStack: instanceRolesTrustEc2,
        },
        {
            name: "no-s3-on-star-with-output-bucket",
            description: 'With an output bucket configured, no S3 statement allows Resource "*".',
            enforcementLevel: "mandatory",
            validateStack: noS3OnStarWithBucket,
        },
        {
            name: "access-key-secret-protected",
            description: "Every access key secret is a Pulumi secret or PGP-encrypted.",
            enforcementLevel: "mandatory",
            validateResource: (args, report) => {
                if (args.type !== "aws:iam/accessKey:AccessKey") {
                    return;
                }
                if (!args.props.pgpKey && !args.opts.additionalSecretOutputs.includes("secret")) {
                    report(
                        "this access key's secret would be stored in plaintext: mark it secret or set a PGP key",
                    );
                }
            },
        },
        {
            name: "relaunched-instances-require-imdsv2",
            description:
                "Instances relaunched onto the SSM profile require IMDSv2 (httpTokens: required).",
            enforcementLevel: "mandatory",
            validateResource: (args, report) => {
                if (
                    args.type !== "aws:ec2/instance:Instance" ||
                    !args.props.tags?.["ssm-access:relaunched-from"]
                ) {
                    return;
                }
                if (args.props.metadataOptions?.httpTokens !== "required") {
                    report(
                        "relaunched instance does not require IMDSv2: set metadataOptions.httpTokens to required",
                    );
                }
            },
        },
        {
            name: "non-admins-get-no-ssm-star",
            description: "Only the admin group may hold ssm:* (or *).",
            enforcementLevel: "mandatory",
            validateStack: nonAdminsGetNoSsmStar,
        },
        {
            name: "deprecated-instance-policy",
            description:
                "AmazonEC2RoleforSSM is deprecated; AmazonSSMManagedInstanceCore replaces it.",
            enforcementLevel: "advisory",
            validateResource: (args, report) => {
                if (
                    args.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" &&
                    String(args.props.policyArn).endsWith("/service-role/AmazonEC2RoleforSSM")
                ) {
                    report(
                        "attaches the deprecated AmazonEC2RoleforSSM: use instanceMode managed (AmazonSSMManagedInstanceCore)",
                    );
                }
            },
        },
    ],
});
