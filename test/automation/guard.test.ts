import * as assert from "assert";
import { guardedSteps, refusal } from "../../automation/guard";
import { Step } from "../../automation/stackEngine";

const step = (op: string, type: string, name: string): Step => ({
    op,
    type,
    urn: `urn:pulumi:dev::ssm-access::${type}::${name}`,
});

describe("automation/guard", () => {
    it("names each replaced or deleted key, user and instance once, whatever its other steps", () => {
        const steps = [
            step("replace", "aws:iam/accessKey:AccessKey", "key-a"),
            step("delete", "aws:iam/user:User", "bob"),
            step("create-replacement", "aws:ec2/instance:Instance", "web"),
            step("update", "aws:iam/user:User", "carol"),
            step("create", "aws:iam/accessKey:AccessKey", "key-b"),
            step("same", "aws:iam/user:User", "dave"),
            step("delete-replaced", "aws:iam/user:User", "dave"),
            step("delete-replaced", "aws:iam/accessKey:AccessKey", "key-a"),
        ];
        assert.deepStrictEqual(
            guardedSteps(steps).map((s) => s.urn.split("::").pop()),
            ["key-a", "bob", "web", "dave"],
        );
    });

    describe("guards a relaunch's images against replacement only", () => {
        // A new image re-images (and reboots) the source; deleting one leaves instances running.
        for (const type of ["aws:ec2/amiFromInstance:AmiFromInstance", "aws:ec2/amiCopy:AmiCopy"]) {
            it(`refuses to replace ${type}`, () => {
                assert.strictEqual(guardedSteps([step("replace", type, "x")]).length, 1);
            });
            it(`lets a deletion of ${type} through`, () => {
                assert.deepStrictEqual(guardedSteps([step("delete", type, "x")]), []);
            });
        }
    });

    describe("guards what running instances and Run Command users depend on", () => {
        const types = [
            "aws:iam/role:Role",
            "aws:iam/instanceProfile:InstanceProfile",
            "aws:iam/group:Group",
            "aws:ssm/serviceSetting:ServiceSetting",
        ];
        for (const type of types) {
            for (const op of ["replace", "delete"]) {
                it(`refuses to ${op} ${type}`, () => {
                    assert.strictEqual(guardedSteps([step(op, type, "x")]).length, 1);
                });
            }
            it(`lets an in-place update of ${type} through`, () => {
                assert.deepStrictEqual(guardedSteps([step("update", type, "x")]), []);
            });
        }
    });

    it("lets a replaced document or policy through: nobody is cut off by it", () => {
        assert.deepStrictEqual(
            guardedSteps([
                step("replace", "aws:ssm/document:Document", "doc"),
                step("replace", "aws:iam/policy:Policy", "p"),
            ]),
            [],
        );
    });

    const refusals: { op: string; type: string; says: string }[] = [
        {
            op: "replace",
            type: "aws:iam/instanceProfile:InstanceProfile",
            says: 'replace aws:iam/instanceProfile:InstanceProfile "x" (running instances launched with the profile lose their role and their SSM access)',
        },
        {
            op: "delete",
            type: "aws:ssm/serviceSetting:ServiceSetting",
            says: 'delete aws:ssm/serviceSetting:ServiceSetting "x" (Default Host Management turns off for the account and region: instances managed only by it lose SSM access)',
        },
        {
            op: "delete-replaced",
            type: "aws:iam/group:Group",
            says: 'replace aws:iam/group:Group "x" (its members lose their Run Command permissions)',
        },
    ];
    for (const r of refusals) {
        it(`names what a ${r.op} of ${r.type} would break`, () => {
            assert.strictEqual(
                refusal("up", [step(r.op, r.type, "x")]),
                `up would ${r.says}. Nothing was changed. Review it with preview, then run up with --allow-replace if intended.`,
            );
        });
    }
});
