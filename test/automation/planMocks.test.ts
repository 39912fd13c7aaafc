import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { StackPlan, planStack } from "../../automation/plan";
import { lookupFields } from "../../automation/planMocks";

const ROOT = path.join(__dirname, "..", "..");

/** Plans a stack file holding `body` (under the real Pulumi.yaml) in a directory of its own. */
async function planOf(body: string): Promise<StackPlan> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-access-plan-"));
    fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    fs.writeFileSync(path.join(dir, "Pulumi.p.yaml"), `config:\n${body}`);
    try {
        return await planStack(dir, "p");
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

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
