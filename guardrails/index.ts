/**
 * CrossGuard guardrails for ssm-access, run by the engine with `--policy-pack guardrails`. They check
 * what the program must never produce, independently of the code that produces it.
 */
import { PolicyPack } from "@pulumi/policy";
import {
    DocumentContent,
    documentPassesParametersByEnvironment,
    instanceRolesTrustEc2,
    noS3OnStarWithBucket,
    nonAdminsGetNoSsmStar,
    operatorGroupsCarryTheDenies,
} from "./rules";

export const pack = new PolicyPack("ssm-access-guardrails", {
    policies: [
        {
            name: "instance-role-trusts-ec2",
            description:
                "Every instance profile's role trusts EC2 (ec2.amazonaws.com; ec2.amazonaws.com.cn in China).",
            enforcementLevel: "mandatory",
            validateStack: instanceRolesTrustEc2,
        },
        {
            name: "no-s3-on-star-with-output-bucket",
            description:
                'With an output bucket configured, no S3 statement and no attached AWS managed policy allows S3 on Resource "*".',
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
            name: "operator-groups-carry-complete-deny",
            description:
                "Every operator group denies SendCommand beyond its documents and tagged instances, every other way to run code, and Parameter Store value reads.",
            enforcementLevel: "mandatory",
            validateStack: operatorGroupsCarryTheDenies,
        },
        {
            name: "documents-pass-parameters-by-environment",
            description:
                "Every Command document passes String parameters by environment variable (ENV_VAR), never spliced with {{ }} unless an allow-list, splices no Integer without a proven allowedPattern, and holds no run-time reference such as {{ssm:name}} in its commands.",
            enforcementLevel: "mandatory",
            validateResource: (args, report) => {
                if (
                    args.type !== "aws:ssm/document:Document" ||
                    typeof args.props.content !== "string"
                ) {
                    return;
                }
                let content: DocumentContent;
                try {
                    content = JSON.parse(args.props.content);
                } catch {
                    return;
                }
                documentPassesParametersByEnvironment(content, report);
            },
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
