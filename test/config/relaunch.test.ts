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
                'ssm-access:relaunch[0].kmsKeyId = "my-key": must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/UUID), an alias ARN or alias/NAME',
            ],
        );
        assert.deepStrictEqual(
            await problems([
                { instanceId: "i-0123456789abcdef0", instanceType: "large", kmsKeyId: "my-key" },
            ]),
            [
                'ssm-access:relaunch[0].instanceType = "large": must be an EC2 instance type such as t3.micro or m7g.large',
                'ssm-access:relaunch[0].kmsKeyId = "my-key": must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/UUID), an alias ARN or alias/NAME',
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
});
