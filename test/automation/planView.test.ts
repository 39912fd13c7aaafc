import * as assert from "assert";
import { StackPlan, formatPlan } from "../../automation/plan";
import { shippedDevPlan } from "../support/plans";

describe("automation/planView: the shipped dev stack as a reviewer reads it", () => {
    let plan: StackPlan;
    let text: string;
    before(async () => {
        plan = await shippedDevPlan();
        text = formatPlan(plan);
    });

    it("shows the operator policy in full, with the document's ARN as a named placeholder", () => {
        const policy = plan.resources.find(
            (r) => r.name === "ssm-access-dev-users-operator-policy",
        )!;
        const statements = (policy.inputs.policy as { Statement: { Resource?: unknown }[] })
            .Statement;
        assert.ok(
            JSON.stringify(statements).includes(
                "[known at deploy: ARN of ssm-access-dev-users-doc-RestartWebService]",
            ),
        );
        assert.match(text, /GroupPolicy ssm-access-dev-users-operator-policy policy:/);
    });

    it("names every attached managed policy", () => {
        assert.match(text, /-> arn:aws:iam::aws:policy\/AmazonSSMReadOnlyAccess/);
        assert.match(text, /-> arn:aws:iam::aws:policy\/AmazonSSMManagedInstanceCore/);
    });

    it("lists each principal whose policies the stack holds exclusively, with what it may hold", () => {
        const section = text.split("\n  Policies held exclusively")[1]?.split("\n  aws:")[0];
        assert.deepStrictEqual(section?.split("\n").slice(1), [
            "    group ssm-access-dev-admin: managed none; inline RunCommandAdmin",
            "    group ssm-access-dev-operator: managed none; inline RunCommandOperator",
            "    group ssm-access-dev-read-only: managed arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess; inline RunCommandReadOnly",
            "    role ssm-access-dev-instance-role-[random suffix chosen at deploy]: managed [known at deploy: ARN of ssm-access-dev-instance-output], arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore; inline none",
            "    user dev-admin: managed none; inline none",
            "    user dev-auditor: managed none; inline none",
            "    user dev-oncall: managed none; inline none",
        ]);
    });

    it("gives the stack's region, and that the account is known at deploy", () => {
        assert.strictEqual(
            text.split("\n")[0],
            "Stack dev (region us-east-1, account [known at deploy])",
        );
    });

    it("says who can do what, per user", () => {
        assert.deepStrictEqual(
            plan.access!.users.map((u) => [u.user, u.group, u.accessKeys]),
            [
                ["dev-admin", "ssm-access-dev-admin", ["2026-11"]],
                ["dev-auditor", "ssm-access-dev-read-only", []],
                ["dev-oncall", "ssm-access-dev-operator", ["2026-11"]],
            ],
        );
        assert.match(
            plan.access!.users[2].may,
            /^runs only RestartWebService on instances tagged ssm-access:operators=web/,
        );
    });

    it("says what the read-only level cannot read, and what IAM cannot hide from it", () => {
        assert.match(
            plan.access!.users[1].may,
            /Parameter Store values excepted \(explicitly denied\), every command's parameters and output included/,
        );
    });
});
