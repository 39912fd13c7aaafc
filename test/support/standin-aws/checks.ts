/**
 * What the real provider refuses at `check`, before any AWS call: its schema's ValidateFuncs.
 * moto 5.2.1 accepts every one of these (tried: a 65-character role name, a name with a space,
 * a trust policy that is not JSON, a path without slashes, a 100-second session; CreateRole,
 * CreateUser, CreateGroup, CreatePolicy and CreateInstanceProfile all succeed), so without them the
 * tests would pass what the provider rejects. Each rule names its provider source file.
 */
import type { CheckFailure } from "@pulumi/pulumi/provider";
import type { Props } from "./handler";

/** What a value not known until apply looks like to a provider during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * Name limits: internal/service/iam/validate.go validResourceName(max) (1..max of [\w+=,.@-]),
 * with role.go roleNameMaxLen 64, user.go 64, policy.go and instance_profile.go 128, group.go
 * 128; internal/service/ssm/document.go: [\w.-]{3,128} (moto enforces this one too).
 */
const NAMES: Record<string, { max: number; pattern: RegExp }> = {
    "aws:iam/role:Role": { max: 64, pattern: /^[\w+=,.@-]+$/ },
    "aws:iam/user:User": { max: 64, pattern: /^[\w+=,.@-]+$/ },
    "aws:iam/group:Group": { max: 128, pattern: /^[\w+=,.@-]+$/ },
    "aws:iam/policy:Policy": { max: 128, pattern: /^[\w+=,.@-]+$/ },
    "aws:iam/instanceProfile:InstanceProfile": { max: 128, pattern: /^[\w+=,.@-]+$/ },
    "aws:ssm/document:Document": { max: 128, pattern: /^[\w.-]{3,}$/ },
};

/**
 * Policy documents: verify.ValidIAMPolicyJSON (internal/verify/validate.go: a JSON object) on
 * role.go assume_role_policy, policy.go policy and group_policy.go policy.
 */
const POLICIES: Record<string, string> = {
    "aws:iam/role:Role": "assumeRolePolicy",
    "aws:iam/policy:Policy": "policy",
    "aws:iam/groupPolicy:GroupPolicy": "policy",
};

/**
 * Paths: the provider checks only the length (role.go path: validation.StringLenBetween(0, 512));
 * IAM itself refuses a path not of the form `/` or `/…/` (IAM API Reference, CreateRole, Path:
 * pattern `(\u002F)|(\u002F[\u0021-\u007E]+\u002F)`), and moto does not.
 */
const PATHS = [
    "aws:iam/role:Role",
    "aws:iam/user:User",
    "aws:iam/group:Group",
    "aws:iam/policy:Policy",
    "aws:iam/instanceProfile:InstanceProfile",
];

export function checkInputs(type: string, news: Props): CheckFailure[] {
    const failures: CheckFailure[] = [];
    const name = NAMES[type];
    if (
        name &&
        typeof news.name === "string" &&
        news.name !== UNKNOWN &&
        (news.name.length > name.max || !name.pattern.test(news.name))
    ) {
        failures.push({
            property: "name",
            reason: `expected length of name to be in the range (1 - ${name.max}) and to match ${name.pattern.source}, got ${news.name}`,
        });
    }
    const policy = POLICIES[type];
    if (policy && typeof news[policy] === "string" && news[policy] !== UNKNOWN) {
        let parsed: unknown;
        try {
            parsed = JSON.parse(news[policy]);
        } catch {
            parsed = undefined;
        }
        if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
            failures.push({
                property: policy,
                reason: `"${policy}" contains an invalid JSON policy`,
            });
        }
    }
    if (
        PATHS.includes(type) &&
        typeof news.path === "string" &&
        !/^\/(?:[\x21-\x7E]*\/)?$/.test(news.path)
    ) {
        failures.push({
            property: "path",
            reason: `path "${news.path}" must begin and end with /`,
        });
    }
    // role.go max_session_duration: validation.IntBetween(3600, 43200).
    if (
        type === "aws:iam/role:Role" &&
        typeof news.maxSessionDuration === "number" &&
        (news.maxSessionDuration < 3600 || news.maxSessionDuration > 43200)
    ) {
        failures.push({
            property: "maxSessionDuration",
            reason: `expected max_session_duration to be in the range (3600 - 43200), got ${news.maxSessionDuration}`,
        });
    }
    // ec2_ami_copy.go kms_key_id: ValidateFunc verify.ValidARN. moto's CopyImage ignores the key
    // altogether (moto/ec2/models/amis.py, copy_image), so only this check stands for it.
    if (
        type === "aws:ec2/amiCopy:AmiCopy" &&
        typeof news.kmsKeyId === "string" &&
        news.kmsKeyId !== UNKNOWN &&
        !/^arn:[\w-]+:kms:[a-z0-9-]+:\d{12}:/.test(news.kmsKeyId)
    ) {
        failures.push({
            property: "kmsKeyId",
            reason: `"kms_key_id" (${news.kmsKeyId}) is an invalid ARN: arn: invalid prefix`,
        });
    }
    return failures;
}
