import * as assert from "assert";
import type { PolicyResource, StackValidationArgs } from "@pulumi/policy";
import { noS3OnStarWithBucket } from "../../guardrails/rules";

/** What the engine shows the pack of one resource: only the fields the rules read. */
function resource(type: string, name: string, props: Record<string, unknown>): PolicyResource {
    return { type, name, urn: `urn:${name}`, props } as unknown as PolicyResource;
}

/** The messages a rule reports for these resources. */
function violations(resources: PolicyResource[]): string[] {
    const found: string[] = [];
    noS3OnStarWithBucket({ resources } as unknown as StackValidationArgs, (message) =>
        found.push(message),
    );
    return found;
}

// A policy scoped to an output bucket: what makes a wide S3 grant elsewhere a violation.
const SCOPED = resource("aws:iam/policy:Policy", "output", {
    policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            { Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::ssm-out/*" },
        ],
    }),
});
const S3_FULL = "arn:aws:iam::aws:policy/AmazonS3FullAccess";

describe("guardrails/rules: no-s3-on-star-with-output-bucket", () => {
    it("sees a wide managed policy attached only through an exclusive set", () => {
        assert.deepStrictEqual(
            violations([
                SCOPED,
                resource(
                    "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
                    "role-managed-exclusive",
                    { roleName: "r", policyArns: [S3_FULL] },
                ),
            ]),
            [
                'role-managed-exclusive attaches the AWS managed policy AmazonS3FullAccess, which allows s3:* on "*", although an output bucket is configured: attach a policy scoped to the bucket (instanceMode managed or guide)',
            ],
        );
    });

    it("reports a policy the attachment and the exclusive set beside it both list once, on the attachment", () => {
        const found = violations([
            SCOPED,
            resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "role-s3", {
                role: "r",
                policyArn: S3_FULL,
            }),
            resource(
                "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
                "role-managed-exclusive",
                { roleName: "r", policyArns: [S3_FULL] },
            ),
        ]);
        assert.deepStrictEqual(
            found.map((m) => m.split(" ")[0]),
            ["role-s3"],
        );
    });

    it("reports the same policy on two principals once each", () => {
        const found = violations([
            SCOPED,
            resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "role-s3", {
                role: "r",
                policyArn: S3_FULL,
            }),
            resource(
                "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive",
                "group-managed-exclusive",
                { groupName: "g", policyArns: [S3_FULL] },
            ),
        ]);
        assert.deepStrictEqual(
            found.map((m) => m.split(" ")[0]),
            ["role-s3", "group-managed-exclusive"],
        );
    });
});
