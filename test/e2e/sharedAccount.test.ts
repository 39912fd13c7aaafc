/**
 * What only an account shared by several stacks shows, on one moto server: account-wide IAM names
 * across regions (Default Host Management), IAM's two keys per user, and changes made beside the
 * stacks through the AWS API.
 */
import * as assert from "assert";
import * as iam from "@aws-sdk/client-iam";
import { Sandbox } from "../../scripts/sandbox";
import { Account, stateOf } from "../support/account";
import { readServiceSettings } from "../support/standin-aws/notInMoto";

const DHMC_ROLE = "AWSSystemsManagerDefaultEC2InstanceManagementRole";
const SETTING = "servicesetting/ssm/managed-instance/default-ec2-instance-management-role";

describe("one account shared by stacks", () => {
    const sb = new Sandbox();
    before(async () => {
        await sb.startCloud();
        for (const stack of ["dev", "staging"]) {
            assert.strictEqual((await sb.pulumi("stack", "init", stack)).code, 0);
            await sb.pulumi(
                "config",
                "set",
                "--stack",
                stack,
                "ssm-access:defaultHostManagement",
                "true",
            );
        }
        const up = await sb.pulumi("up", "--yes", "--stack", "dev");
        assert.strictEqual(up.code, 0, up.stderr + up.stdout);
    });
    after(() => sb.cleanup());

    it("fails a second stack that creates the Default Host Management role in another region: the name is account-wide", async () => {
        const up = await sb.pulumi("up", "--yes", "--stack", "staging");
        assert.notStrictEqual(up.code, 0);
        assert.match(up.stdout, new RegExp(`EntityAlreadyExists.*${DHMC_ROLE}`));
    });

    it("turns Default Host Management on in both regions once the second stack uses the existing role", async () => {
        await sb.pulumi(
            "config",
            "set",
            "--stack",
            "staging",
            "ssm-access:defaultHostManagementRole",
            "existing",
        );
        const up = await sb.pulumi("up", "--yes", "--stack", "staging");
        assert.strictEqual(up.code, 0, up.stderr + up.stdout);
        const role = await new Account(sb).role(DHMC_ROLE);
        assert.deepStrictEqual(
            [role?.path, role?.attached],
            [
                "/service-role/",
                ["arn:aws:iam::aws:policy/AmazonSSMManagedEC2InstanceDefaultPolicy"],
            ],
        );
        const settings = readServiceSettings(sb.cloud);
        assert.deepStrictEqual(
            Object.values(settings)
                .map((s) => [s.settingId, s.settingValue])
                .sort(),
            [
                [`arn:aws:ssm:eu-west-1:123456789012:${SETTING}`, `service-role/${DHMC_ROLE}`],
                [`arn:aws:ssm:us-east-1:123456789012:${SETTING}`, `service-role/${DHMC_ROLE}`],
            ],
        );
    });

    it("holds both stacks' users, groups and documents side by side, each as declared", async () => {
        const account = new Account(sb);
        await account.assertMatches(await stateOf(sb, "dev"), "us-east-1");
        await account.assertMatches(await stateOf(sb, "staging"), "eu-west-1");
    });

    it("cannot add a user's second key while a key made outside the stack fills IAM's two: LimitExceeded, nothing else changed", async () => {
        const client = new Account(sb).iam;
        const outside = await client.send(
            new iam.CreateAccessKeyCommand({ UserName: "dev-admin" }),
        );
        await sb.pulumi(
            "config",
            "set",
            "--stack",
            "dev",
            "--path",
            "ssm-access:users[0].accessKeys[1]",
            "2027-02",
        );
        try {
            const up = await sb.pulumi("up", "--yes", "--stack", "dev");
            assert.notStrictEqual(up.code, 0);
            assert.match(up.stdout, /LimitExceeded.*AccessKeysPerUser: 2/);
            const keys = (await new Account(sb).user("dev-admin")).keys;
            assert.strictEqual(keys.length, 2);
            assert.ok(keys.some((k) => k.id === outside.AccessKey!.AccessKeyId));
        } finally {
            await client.send(
                new iam.DeleteAccessKeyCommand({
                    UserName: "dev-admin",
                    AccessKeyId: outside.AccessKey!.AccessKeyId,
                }),
            );
            await sb.pulumi(
                "config",
                "rm",
                "--stack",
                "dev",
                "--path",
                "ssm-access:users[0].accessKeys[1]",
            );
        }
    });

    describe("AdministratorAccess attached to the operator group out of band", () => {
        const admin = "arn:aws:iam::aws:policy/AdministratorAccess";
        const operators = () => new Account(sb).group("ssm-access-dev-operator");
        const attached = async () => (await operators()).attached;
        let drift: Awaited<ReturnType<Sandbox["driver"]>>;

        before(async () => {
            await new Account(sb).iam.send(
                new iam.AttachGroupPolicyCommand({
                    GroupName: "ssm-access-dev-operator",
                    PolicyArn: admin,
                }),
            );
            drift = await sb.driver("drift", "--env", "dev", "--json");
        });

        it("is drift: exit 3, on the group's exclusive attachment set, naming the policy", () => {
            assert.strictEqual(drift.code, 3, drift.stderr);
            const found = JSON.parse(drift.stdout).stacks[0].resources;
            const set = found.filter(
                (r: { name: string }) =>
                    r.name === "ssm-access-dev-users-operator-managed-exclusive",
            );
            assert.strictEqual(set.length, 1, JSON.stringify(found));
            assert.match(JSON.stringify(set[0]), /AdministratorAccess/);
        });

        it("is reported by refresh and removed by the next up", async () => {
            assert.ok((await attached()).includes(admin), "attached before");
            const refresh = await sb.driver("refresh", "--env", "dev");
            assert.strictEqual(refresh.code, 0, refresh.stderr);
            const up = await sb.driver("up", "--env", "dev", "--yes");
            assert.strictEqual(up.code, 0, up.stderr);
            // The operator group holds no managed policy of its own: only its inline policy stays.
            const now = await operators();
            assert.deepStrictEqual(
                [now.attached, Object.keys(now.inline)],
                [[], ["RunCommandOperator"]],
            );
        });
    });
});
