/**
 * The SSM API calls of each SSM resource type, from terraform-provider-aws
 * (hashicorp/terraform-provider-aws, internal/service/ssm/<file>.go: each row cites its file).
 */
import { Row, Target, self, wildcard } from "./targets";

/**
 * The only service setting the program manages is Default Host Management's (InstanceAccess);
 * its ARN names the account, known only at deploy ("UpdateServiceSetting", SSM API reference:
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_UpdateServiceSetting.html).
 */
export const DHMC_SETTING_PATH = "/ssm/managed-instance/default-ec2-instance-management-role";

export const serviceSetting: Target = (r, ctx) => {
    const id = r.inputs.settingId;
    return typeof id === "string" && id.startsWith("arn:")
        ? [wildcard(id)]
        : [`arn:${ctx.partition}:ssm:${ctx.region}:*:servicesetting${DHMC_SETTING_PATH}`];
};

export const SSM_RESOURCE_CALLS: Record<string, Row> = {
    "aws:ssm/document:Document": {
        source: "internal/service/ssm/document.go",
        grants: [
            {
                sid: "SsmDocuments",
                actions: [
                    "ssm:CreateDocument",
                    "ssm:DescribeDocument",
                    "ssm:GetDocument",
                    "ssm:DescribeDocumentPermission",
                    "ssm:UpdateDocument",
                    "ssm:UpdateDocumentDefaultVersion",
                    "ssm:AddTagsToResource",
                    "ssm:RemoveTagsFromResource",
                    "ssm:ListTagsForResource",
                    "ssm:DeleteDocument",
                ],
                on: self,
            },
        ],
    },
    "aws:ssm/serviceSetting:ServiceSetting": {
        source: "internal/service/ssm/service_setting.go",
        grants: [
            {
                sid: "SsmServiceSetting",
                actions: [
                    "ssm:GetServiceSetting",
                    "ssm:UpdateServiceSetting",
                    "ssm:ResetServiceSetting",
                ],
                on: serviceSetting,
            },
        ],
    },
};
