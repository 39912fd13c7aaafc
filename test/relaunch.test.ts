import * as assert from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RELAUNCHED_FROM_TAG, Relaunch, RelaunchArgs } from "../components/relaunch";
import { ConfigError, parseStackConfig } from "../config";
import { declareStack } from "../program";
import { calls, onCall, ofType, one, promiseOf, recorded, settled } from "./support/mocks";

const SOURCE = {
    id: "i-0123456789abcdef0",
    instanceId: "i-0123456789abcdef0",
    instanceType: "t3.small",
    subnetId: "subnet-0aaaaaaaaaaaaaaaa",
    vpcSecurityGroupIds: ["sg-0bbbbbbbbbbbbbbbb"],
    keyName: "ops",
    monitoring: true,
    ebsOptimized: true,
    tenancy: "default",
    placementGroup: "",
    tags: { Name: "web-1", team: "web", "aws:cloudformation:stack-name": "legacy" },
};
const BASE: RelaunchArgs = {
    instanceId: SOURCE.instanceId,
    instanceProfile: "ssm-profile",
    region: "us-east-1",
};

function mockSource(): void {
    onCall("aws:ec2/getInstance:getInstance", (inputs) => {
        assert.strictEqual(inputs.instanceId, SOURCE.instanceId);
        return SOURCE;
    });
}

describe("Relaunch", () => {
    it("images the source with a reboot by default and launches from the image with the profile", async () => {
        mockSource();
        new Relaunch("r", BASE);
        await settled();
        const ami = one("aws:ec2/amiFromInstance:AmiFromInstance");
        assert.strictEqual(ami.inputs.sourceInstanceId, SOURCE.instanceId);
        assert.strictEqual(ami.inputs.snapshotWithoutReboot, false);
        assert.strictEqual(ofType("aws:ec2/amiCopy:AmiCopy").length, 0);
        const vm = one("aws:ec2/instance:Instance");
        assert.strictEqual(vm.inputs.ami, ami.id);
        assert.strictEqual(vm.inputs.iamInstanceProfile, "ssm-profile");
        assert.strictEqual(vm.inputs.instanceType, "t3.small");
        assert.strictEqual(vm.inputs.subnetId, "subnet-0aaaaaaaaaaaaaaaa");
        assert.deepStrictEqual(vm.inputs.vpcSecurityGroupIds, ["sg-0bbbbbbbbbbbbbbbb"]);
        assert.strictEqual(vm.inputs.keyName, "ops");
        assert.strictEqual(vm.inputs.monitoring, true);
        assert.strictEqual(vm.inputs.ebsOptimized, true);
        assert.strictEqual(vm.inputs.placementGroup, undefined);
        assert.deepStrictEqual(vm.inputs.metadataOptions, {
            httpEndpoint: "enabled",
            httpTokens: "required",
        });
        assert.deepStrictEqual(vm.inputs.tags, {
            Name: "web-1",
            team: "web",
            [RELAUNCHED_FROM_TAG]: SOURCE.instanceId,
        });
    });

    it("honours noReboot, and instance type and subnet overrides", async () => {
        mockSource();
        new Relaunch("r", {
            ...BASE,
            noReboot: true,
            instanceType: "m7i.large",
            subnetId: "subnet-0cccccccccccccccc",
        });
        await settled();
        assert.strictEqual(
            one("aws:ec2/amiFromInstance:AmiFromInstance").inputs.snapshotWithoutReboot,
            true,
        );
        const vm = one("aws:ec2/instance:Instance");
        assert.strictEqual(vm.inputs.instanceType, "m7i.large");
        assert.strictEqual(vm.inputs.subnetId, "subnet-0cccccccccccccccc");
    });

    it("copies the image encrypted with the KMS key and launches from the copy", async () => {
        mockSource();
        new Relaunch("r", { ...BASE, kmsKeyId: "alias/ami" });
        await settled();
        const ami = one("aws:ec2/amiFromInstance:AmiFromInstance");
        const copy = one("aws:ec2/amiCopy:AmiCopy");
        assert.deepStrictEqual(
            [
                copy.inputs.sourceAmiId,
                copy.inputs.sourceAmiRegion,
                copy.inputs.encrypted,
                copy.inputs.kmsKeyId,
            ],
            [ami.id, "us-east-1", true, "alias/ami"],
        );
        assert.strictEqual(one("aws:ec2/instance:Instance").inputs.ami, copy.id);
    });

    it("launches only after the instance profile is ready", async () => {
        mockSource();
        let markReady: (name: string) => void = () => undefined;
        const ready = pulumi.output(new Promise<string>((resolve) => (markReady = resolve)));
        const r = new Relaunch("r", { ...BASE, instanceProfile: ready });
        await promiseOf(r.imageId);
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.strictEqual(
            ofType("aws:ec2/instance:Instance").length,
            0,
            "no launch while attachments are pending",
        );
        markReady("ssm-profile");
        await settled();
        assert.strictEqual(
            one("aws:ec2/instance:Instance").inputs.iamInstanceProfile,
            "ssm-profile",
        );
    });

    it("cannot look the source up through an invoke the test did not register", async () => {
        await assert.rejects(aws.ec2.getInstance({ instanceId: SOURCE.instanceId }));
        assert.deepStrictEqual(
            calls.map((c) => c.token),
            ["aws:ec2/getInstance:getInstance"],
        );
    });
});

describe("parseStackConfig: relaunch", () => {
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
                instanceType: undefined,
                subnetId: undefined,
                privateNetwork: false,
                noReboot: false,
                kmsKeyId: "alias/ami",
            },
        ]);
    });

    it("rejects a malformed instance id, instance type and KMS key", async () => {
        assert.deepStrictEqual(
            await problems([{ instanceId: "i-xyz", instanceType: "large", kmsKeyId: "my-key" }]),
            [
                'ssm-access:relaunch[0].instanceId = "i-xyz": must be an EC2 instance id: i- and 8 or 17 hex digits',
            ],
        );
        assert.deepStrictEqual(
            await problems([
                { instanceId: "i-0123456789abcdef0", instanceType: "large", kmsKeyId: "my-key" },
            ]),
            [
                'ssm-access:relaunch[0].kmsKeyId = "my-key": must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/UUID), an alias ARN or alias/NAME',
                'ssm-access:relaunch[0].instanceType = "large": must be an EC2 instance type such as t3.micro or m7g.large',
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

describe("private network (awsx)", () => {
    it("creates an isolated awsx VPC with the three SSM interface endpoints, and relaunches into it", async () => {
        mockSource();
        const cfg = await parseStackConfig("dev", "eu-west-1", {
            privateNetwork: { cidrBlock: "10.40.0.0/16" },
            relaunch: [{ instanceId: SOURCE.instanceId, privateNetwork: true }],
        });
        declareStack(cfg);
        await settled();
        const vpc = one("awsx:ec2:Vpc");
        assert.strictEqual(vpc.inputs.cidrBlock, "10.40.0.0/16");
        assert.deepStrictEqual(vpc.inputs.natGateways, { strategy: "None" });
        assert.deepStrictEqual(vpc.inputs.subnetSpecs, [{ type: "Isolated", name: "private" }]);
        const endpoints = ofType("aws:ec2/vpcEndpoint:VpcEndpoint");
        assert.deepStrictEqual(endpoints.map((e) => e.inputs.serviceName).sort(), [
            "com.amazonaws.eu-west-1.ec2messages",
            "com.amazonaws.eu-west-1.ssm",
            "com.amazonaws.eu-west-1.ssmmessages",
        ]);
        assert.ok(
            endpoints.every(
                (e) =>
                    e.inputs.vpcEndpointType === "Interface" && e.inputs.privateDnsEnabled === true,
            ),
        );
        const vm = one("aws:ec2/instance:Instance");
        const instanceSg = ofType("aws:ec2/securityGroup:SecurityGroup").find((g) =>
            g.name.endsWith("-instances"),
        )!;
        assert.strictEqual(vm.inputs.subnetId, "subnet-isolated-a");
        assert.deepStrictEqual(vm.inputs.vpcSecurityGroupIds, [instanceSg.id]);
    });
});
