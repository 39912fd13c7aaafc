import * as assert from "assert";
import { ConfigError, parseStackConfig } from "../../config";
import { recorded } from "../support/mocks";

describe("config/relaunch: relaunch and private network settings", () => {
    async function problems(
        relaunch: unknown[],
        extra: Record<string, unknown> = {},
    ): Promise<string[]> {
        try {
            await parseStackConfig("dev", "us-east-1", { relaunch, ...extra });
            return [];
        } catch (err) {
            return (err as ConfigError).problems;
        }
    }

    it("reads relaunch items", async () => {
        const cfg = await parseStackConfig("dev", "us-east-1", {
            relaunch: [{ instanceId: "i-0123456789abcdef0", kmsKeyId: "alias/ami" }],
        });
        assert.deepStrictEqual(cfg.relaunch, [
            {
                instanceId: "i-0123456789abcdef0",
                privateNetwork: false,
                noReboot: false,
                replaceInstanceProfile: false,
                copyUserData: true,
                kmsKeyId: "alias/ami",
            },
        ]);
    });

    it("rejects a malformed instance id, instance type and KMS key, all at once", async () => {
        assert.deepStrictEqual(
            await problems([{ instanceId: "i-xyz", instanceType: "large", kmsKeyId: "my-key" }]),
            [
                'ssm-access:relaunch[0].instanceId = "i-xyz": must be an EC2 instance id: i- and 8 or 17 hex digits',
                'ssm-access:relaunch[0].instanceType = "large": must be an EC2 instance type such as t3.micro or m7g.large',
                'ssm-access:relaunch[0].kmsKeyId = "my-key": must be a KMS key id, key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), alias/NAME or alias ARN',
            ],
        );
        assert.deepStrictEqual(
            await problems([
                { instanceId: "i-0123456789abcdef0", instanceType: "large", kmsKeyId: "my-key" },
            ]),
            [
                'ssm-access:relaunch[0].instanceType = "large": must be an EC2 instance type such as t3.micro or m7g.large',
                'ssm-access:relaunch[0].kmsKeyId = "my-key": must be a KMS key id, key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), alias/NAME or alias ARN',
            ],
        );
    });

    it("rejects relaunch when the stack creates no instance profile", async () => {
        const found = await problems([{ instanceId: "i-0123456789abcdef0" }], {
            instanceMode: "none",
            defaultHostManagement: true,
        });
        assert.deepStrictEqual(found, [
            'ssm-access:relaunch = ["i-0123456789abcdef0"]: relaunches onto the instance profile, but instanceMode "none" creates none: set instanceMode to managed or guide',
        ]);
        assert.strictEqual(recorded.length, 0, "no resource declared");
    });

    it("needs the private network configured before a relaunch may use it", async () => {
        assert.deepStrictEqual(
            await problems([{ instanceId: "i-0123456789abcdef0", privateNetwork: true }]),
            [
                "ssm-access:relaunch[0].privateNetwork = true: needs ssm-access:privateNetwork (its cidrBlock) to be configured",
            ],
        );
        assert.deepStrictEqual(
            await problems([], { privateNetwork: { cidrBlock: "10.0.0.0/8" } }),
            [
                'ssm-access:privateNetwork.cidrBlock = "10.0.0.0/8": must be an IPv4 CIDR from /16 to /28, e.g. "10.40.0.0/16"',
            ],
        );
    });

    for (const kmsKeyId of [
        "1234abcd-12ab-34cd-56ef-1234567890ab",
        "mrk-1234abcd12ab34cd56ef1234567890ab",
        "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "alias/ami-encryption",
        "arn:aws:kms:us-east-1:123456789012:alias/ami-encryption",
    ]) {
        it(`accepts the KMS key form ${kmsKeyId}`, async () => {
            assert.deepStrictEqual(
                await problems([{ instanceId: "i-0123456789abcdef0", kmsKeyId }]),
                [],
            );
        });
    }

    it("rejects a subnet override without security groups", async () => {
        assert.deepStrictEqual(
            await problems([
                { instanceId: "i-0123456789abcdef0", subnetId: "subnet-0cccccccccccccccc" },
            ]),
            [
                "ssm-access:relaunch[0].subnetId = \"subnet-0cccccccccccccccc\": needs securityGroupIds too: security groups belong to one VPC, so the source's may not exist in the new subnet's",
            ],
        );
    });

    it("gives one problem, not a bogus count too, for a security group id not in a list", async () => {
        const id = "sg-0123456789abcdef0";
        assert.deepStrictEqual(
            await problems([{ instanceId: "i-0123456789abcdef0", securityGroupIds: id }]),
            [`ssm-access:relaunch[0].securityGroupIds = "${id}": must be a list (YAML sequence)`],
        );
    });

    it("reads a subnet override with its security groups", async () => {
        const cfg = await parseStackConfig("dev", "us-east-1", {
            relaunch: [
                {
                    instanceId: "i-0123456789abcdef0",
                    subnetId: "subnet-0cccccccccccccccc",
                    securityGroupIds: ["sg-0dddddddddddddddd"],
                },
            ],
        });
        assert.deepStrictEqual(cfg.relaunch[0].securityGroupIds, ["sg-0dddddddddddddddd"]);
    });

    const badGroups: [unknown, string][] = [
        [[], "must list at least one security group id"],
        [["default"], "must be a security group id: sg- and 8 or 17 hex digits"],
    ];
    for (const [securityGroupIds, message] of badGroups) {
        it(`rejects securityGroupIds ${JSON.stringify(securityGroupIds)}`, async () => {
            const found = await problems([
                {
                    instanceId: "i-0123456789abcdef0",
                    subnetId: "subnet-0cccccccccccccccc",
                    securityGroupIds,
                },
            ]);
            assert.strictEqual(found.length, 1, found.join("\n"));
            assert.ok(found[0].startsWith("ssm-access:relaunch[0].securityGroupIds"), found[0]);
            assert.ok(found[0].endsWith(message), found[0]);
        });
    }

    it("rejects security groups with privateNetwork, which brings its own", async () => {
        assert.deepStrictEqual(
            await problems(
                [
                    {
                        instanceId: "i-0123456789abcdef0",
                        privateNetwork: true,
                        securityGroupIds: ["sg-0dddddddddddddddd"],
                    },
                ],
                { privateNetwork: { cidrBlock: "10.40.0.0/16" } },
            ),
            [
                'ssm-access:relaunch[0].securityGroupIds = ["sg-0dddddddddddddddd"]: cannot be set with privateNetwork: true, which uses the network\'s instance security group',
            ],
        );
    });

    it("rejects an instance listed twice", async () => {
        assert.deepStrictEqual(
            await problems([
                { instanceId: "i-0123456789abcdef0" },
                { instanceId: "i-0123456789abcdef0" },
            ]),
            [
                'ssm-access:relaunch[1].instanceId = "i-0123456789abcdef0": is listed twice: relaunch each instance once',
            ],
        );
    });

    it("rejects a replaceInstanceProfile that is not a flag", async () => {
        assert.deepStrictEqual(
            await problems([{ instanceId: "i-0123456789abcdef0", replaceInstanceProfile: "yes" }]),
            ['ssm-access:relaunch[0].replaceInstanceProfile = "yes": must be true or false'],
        );
    });
});
