import * as assert from "assert";
import { lookupFields } from "../../automation/planMocks";
import { planOf } from "../support/plans";

describe("automation/planMocks: lookups are unknown, never a known undefined", () => {
    it("answers every field @pulumi/aws declares for a lookup's result", () => {
        const fields = lookupFields("aws:iam/getRole:getRole");
        for (const f of ["arn", "assumeRolePolicy", "name", "permissionsBoundary"]) {
            assert.ok(fields.includes(f), `${f} in ${fields.join(", ")}`);
        }
    });

    it("reads index-level lookups from the package root", () => {
        assert.ok(
            lookupFields("aws:index/getCallerIdentity:getCallerIdentity").includes("accountId"),
        );
    });

    it("plans an adopted role offline: profile and attachments, trust verified at deploy", async () => {
        const plan = await planOf(
            "  aws:region: us-east-1\n  ssm-access:existingRoleName: app-role\n",
        );
        assert.strictEqual(plan.error, undefined);
        const types = plan.resources.map((r) => r.type);
        assert.ok(types.includes("aws:iam/instanceProfile:InstanceProfile"));
        assert.strictEqual(
            types.filter((t) => t === "aws:iam/rolePolicyAttachment:RolePolicyAttachment").length,
            1,
        );
        assert.ok(
            plan.notes.some((n) => /existingRoleName "app-role".*verified at preview\/up/.test(n)),
        );
    });

    it("never invents the account in the Default Host Management setting", async () => {
        const plan = await planOf(
            "  aws:region: eu-west-1\n  ssm-access:defaultHostManagement: true\n",
        );
        const setting = plan.resources.find(
            (r) => r.type === "aws:ssm/serviceSetting:ServiceSetting",
        )!;
        assert.strictEqual(setting.inputs.settingId, "[known at deploy]");
        assert.ok(!JSON.stringify(plan).includes("undefined"));
    });

    it("keeps the program's warnings (legacy-managed's deprecation) for text and --json", async () => {
        const plan = await planOf(
            "  aws:region: us-east-1\n  ssm-access:instanceMode: legacy-managed\n",
        );
        assert.deepStrictEqual(plan.warnings, [
            'instanceMode "legacy-managed" attaches service-role/AmazonEC2RoleforSSM, which AWS has deprecated; use instanceMode "managed" (AmazonSSMManagedInstanceCore) instead.',
        ]);
    });
});
