/** The CrossGuard pack (guardrails/) run by the real engine. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ROOT, Sandbox } from "../../scripts/sandbox";

describe("policy pack", () => {
    const sb = new Sandbox();
    before(() => sb.startCloud());
    after(() => sb.cleanup());

    /** The fixture program that breaks every guardrail, copied into the sandbox once. */
    function violationsFixture(): string {
        const fixture = path.join(sb.dir, "violations");
        if (!fs.existsSync(fixture)) {
            fs.cpSync(path.join(ROOT, "test", "e2e", "fixtures", "violations"), fixture, {
                recursive: true,
            });
            fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(fixture, "node_modules"));
        }
        return fixture;
    }

    for (const stack of ["dev", "staging", "prod"]) {
        it(`passes the shipped ${stack} stack with no mandatory violation`, async () => {
            assert.strictEqual((await sb.pulumi("stack", "init", stack)).code, 0);
            const preview = await sb.pulumi(
                "preview",
                "--stack",
                stack,
                "--policy-pack",
                path.join(sb.project, "guardrails"),
            );
            assert.strictEqual(preview.code, 0, preview.stdout + preview.stderr);
            assert.match(preview.stdout, /ssm-access-guardrails@v0\.1\.0/);
            assert.doesNotMatch(preview.stdout, /mandatory/);
        });
    }

    it("catches a deliberately bad program: every mandatory guardrail fires, naming what is missing", async () => {
        const fixture = violationsFixture();
        sb.pointAtCloud(path.join(fixture, "Pulumi.bad.yaml"));
        assert.strictEqual((await sb.pulumiAt(fixture, "stack", "init", "bad")).code, 0);
        await sb.pulumiAt(fixture, "config", "set", "aws:region", "us-east-1", "--stack", "bad");
        const preview = await sb.pulumiAt(
            fixture,
            "preview",
            "--stack",
            "bad",
            "--policy-pack",
            path.join(sb.project, "guardrails"),
        );
        assert.notStrictEqual(preview.code, 0);
        for (const policy of [
            "instance-role-trusts-ec2",
            "no-s3-on-star-with-output-bucket",
            "access-key-secret-protected",
            "relaunched-instances-require-imdsv2",
            "non-admins-get-no-ssm-star",
            "operator-groups-carry-complete-deny",
            "documents-pass-parameters-by-environment",
        ]) {
            assert.match(
                preview.stdout,
                new RegExp(`\\[mandatory\\]\\s+${policy}`),
                `${policy} did not fire:\n${preview.stdout}`,
            );
        }
        assert.match(
            preview.stdout,
            /operator group violations-operator lacks a Deny of ssm:SendCommand with NotResource/,
        );
        assert.match(
            preview.stdout,
            /operator group violations-operator lacks .*a Deny on "\*" of .*ssm:Start\*, .*ssm:GetAccessToken, .*ssm:GetParameter, ssm:GetParameters, ssm:GetParametersByPath, ssm:GetParameterHistory/,
        );
        assert.match(
            preview.stdout,
            /String parameter Service is not passed by environment variable/,
        );
        assert.match(
            preview.stdout,
            /a command splices String parameter Service with \{\{ Service \}\}/,
        );
        assert.match(
            preview.stdout,
            /a command holds the run-time reference \{\{ssm:\/app\/release\}\}/,
        );
        assert.match(
            preview.stdout,
            /legacy-managed attaches the AWS managed policy service-role\/AmazonEC2RoleforSSM, which allows s3:GetObject, s3:PutObject, s3:ListBucket and more on "\*", although an output bucket is configured/,
        );
        assert.match(
            preview.stdout,
            /holds role lambda-trusting-role, which EC2 cannot assume: no Allow statement lets ec2\.amazonaws\.com call/,
        );
    });

    it("takes a role's partition from the stack's region, known at the first preview (cn-north-1)", async () => {
        const fixture = violationsFixture();
        sb.pointAtCloud(path.join(fixture, "Pulumi.bad-cn.yaml"));
        assert.strictEqual((await sb.pulumiAt(fixture, "stack", "init", "bad-cn")).code, 0);
        await sb.pulumiAt(
            fixture,
            "config",
            "set",
            "aws:region",
            "cn-north-1",
            "--stack",
            "bad-cn",
        );
        const preview = await sb.pulumiAt(
            fixture,
            "preview",
            "--stack",
            "bad-cn",
            "--policy-pack",
            path.join(sb.project, "guardrails"),
        );
        assert.match(
            preview.stdout,
            /holds role lambda-trusting-role, which EC2 cannot assume: no Allow statement lets ec2\.amazonaws\.com\.cn call/,
            preview.stdout,
        );
    });
});
