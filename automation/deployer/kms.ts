/**
 * The KMS API calls a relaunch makes on the key its image copy is encrypted with, from
 * terraform-provider-aws (hashicorp/terraform-provider-aws, internal/service/kms/<file>.go) and
 * EBS's use of the key.
 */
import type { PlannedResource } from "../plan";
import { Context, Grant, Row } from "./targets";

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

/**
 * EBS encrypts the copy's snapshots through grants on the key ("How Amazon EBS uses AWS KMS",
 * https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html).
 */
export const IMAGE_KEY_GRANT: Grant = {
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
};

export const KMS_LOOKUP_CALLS: Record<string, Row> = {
    "aws:kms/getKey:getKey": {
        source: "internal/service/kms/key_data_source.go",
        grants: [{ sid: "KmsLookups", actions: ["kms:DescribeKey"], on: kmsKeys }],
    },
};
