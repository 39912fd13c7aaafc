import * as assert from "assert";
import { guardedSteps } from "../../automation/guard";
import { Step } from "../../automation/stackEngine";

const step = (op: string, type: string, name: string): Step => ({
    op,
    type,
    urn: `urn:pulumi:dev::ssm-access::${type}::${name}`,
});

describe("automation/guard: guardedSteps", () => {
    it("names each replaced or deleted key, user and instance once, whatever its other steps", () => {
        const steps = [
            step("replace", "aws:iam/accessKey:AccessKey", "key-a"),
            step("delete", "aws:iam/user:User", "bob"),
            step("create-replacement", "aws:ec2/instance:Instance", "web"),
            step("update", "aws:iam/user:User", "carol"),
            step("replace", "aws:iam/role:Role", "role"),
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
});
