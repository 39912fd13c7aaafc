import * as assert from "assert";
import { endpointServiceName } from "../components/privateNetwork";
import { parseStackConfig } from "../config";
import { declareStack, runProgram } from "../program";
import { calls, onCall, ofType, one, recorded, settled } from "./support/mocks";

const SOURCE_ID = "i-0123456789abcdef0";

/** A world where the source exists (or not) and has no replacement yet. */
function sourceWorld(exists: boolean): void {
    onCall("aws:ec2/getInstances:getInstances", (inputs) => ({
        ids: exists && inputs.filters[0].name === "instance-id" ? [SOURCE_ID] : [],
    }));
    onCall("aws:ec2/getInstance:getInstance", () => ({
        id: SOURCE_ID,
        instanceId: SOURCE_ID,
        instanceType: "t3.small",
        subnetId: "subnet-0aaaaaaaaaaaaaaaa",
        vpcSecurityGroupIds: ["sg-0bbbbbbbbbbbbbbbb"],
        associatePublicIpAddress: true,
        tags: {},
    }));
}

describe("program: private network (awsx)", () => {
    it("creates an isolated awsx VPC with the three SSM interface endpoints, and relaunches into it", async () => {
        sourceWorld(true);
        const cfg = await parseStackConfig("dev", "eu-west-1", {
            privateNetwork: { cidrBlock: "10.40.0.0/16" },
            relaunch: [{ instanceId: SOURCE_ID, privateNetwork: true }],
        });
        await runProgram(async () => cfg);
        await settled();
        const vpc = one("awsx:ec2:Vpc");
        assert.strictEqual(vpc.inputs.cidrBlock, "10.40.0.0/16");
        assert.deepStrictEqual(vpc.inputs.natGateways, { strategy: "None" });
        assert.deepStrictEqual(vpc.inputs.subnetSpecs, [{ type: "Isolated", name: "private" }]);
        const endpoints = ofType("aws:ec2/vpcEndpoint:VpcEndpoint").filter(
            (e) => e.inputs.vpcEndpointType === "Interface",
        );
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
        assert.strictEqual(vm.inputs.associatePublicIpAddress, false, "no public IP when isolated");
    });
});

describe("program: private network endpoints", () => {
    it("adds the S3 gateway endpoint on the isolated route tables, reachable from the instances", async () => {
        const cfg = await parseStackConfig("dev", "eu-west-1", {
            privateNetwork: { cidrBlock: "10.40.0.0/16" },
        });
        await runProgram(async () => cfg);
        await settled();
        const s3 = ofType("aws:ec2/vpcEndpoint:VpcEndpoint").find(
            (e) => e.inputs.vpcEndpointType === "Gateway",
        )!;
        assert.strictEqual(s3.inputs.serviceName, "com.amazonaws.eu-west-1.s3");
        assert.deepStrictEqual(s3.inputs.routeTableIds, ["rtb-isolated-a", "rtb-isolated-b"]);
        const rule = one("aws:ec2/securityGroupRule:SecurityGroupRule");
        assert.deepStrictEqual(
            [rule.inputs.type, rule.inputs.fromPort, rule.inputs.toPort],
            ["egress", 443, 443],
        );
    });

    it("adds the CloudWatch Logs endpoint when output goes to a log group", async () => {
        const cfg = await parseStackConfig("dev", "eu-west-1", {
            privateNetwork: { cidrBlock: "10.40.0.0/16", s3GatewayEndpoint: false },
            logGroupName: "/ssm/out",
        });
        await runProgram(async () => cfg);
        await settled();
        assert.deepStrictEqual(
            ofType("aws:ec2/vpcEndpoint:VpcEndpoint")
                .map((e) => e.inputs.serviceName)
                .sort(),
            [
                "com.amazonaws.eu-west-1.ec2messages",
                "com.amazonaws.eu-west-1.logs",
                "com.amazonaws.eu-west-1.ssm",
                "com.amazonaws.eu-west-1.ssmmessages",
            ],
        );
    });

    const names: [string, string, string][] = [
        ["ssm", "cn-north-1", "com.amazonaws.cn-north-1.ssm"],
        ["logs", "cn-northwest-1", "com.amazonaws.cn-northwest-1.logs"],
        ["s3", "cn-north-1", "cn.com.amazonaws.cn-north-1.s3"],
        ["s3", "us-east-1", "com.amazonaws.us-east-1.s3"],
    ];
    for (const [service, region, expected] of names) {
        it(`names the ${service} endpoint in ${region} ${expected}`, () => {
            assert.strictEqual(endpointServiceName(service, region), expected);
        });
    }
});

describe("program: relaunch", () => {
    it("fails on a missing source before declaring any resource", async () => {
        sourceWorld(false);
        const cfg = await parseStackConfig("dev", "us-east-1", {
            relaunch: [{ instanceId: SOURCE_ID }],
        });
        await assert.rejects(
            runProgram(async () => cfg),
            /^Error: ssm-access:relaunch\[0\]\.instanceId = "i-0123456789abcdef0" \(region us-east-1\): no such running or stopped instance/,
        );
        await settled();
        assert.deepStrictEqual(recorded, [], "nothing declared");
    });

    it("resolves the KMS key to its ARN and copies the image with it", async () => {
        sourceWorld(true);
        const arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        onCall("aws:kms/getKey:getKey", () => ({ id: "1234abcd", arn }));
        const cfg = await parseStackConfig("dev", "us-east-1", {
            relaunch: [{ instanceId: SOURCE_ID, kmsKeyId: "alias/ami-encryption" }],
        });
        await runProgram(async () => cfg);
        await settled();
        assert.deepStrictEqual(calls.find((c) => c.token === "aws:kms/getKey:getKey")!.inputs, {
            keyId: "alias/ami-encryption",
        });
        assert.strictEqual(one("aws:ec2/amiCopy:AmiCopy").inputs.kmsKeyId, arn);
    });

    it("refuses to declare a relaunch whose source was not looked up", async () => {
        const cfg = await parseStackConfig("dev", "us-east-1", {
            relaunch: [{ instanceId: SOURCE_ID }],
        });
        assert.throws(
            () => declareStack(cfg),
            /relaunch of i-0123456789abcdef0 was declared without looking its source up/,
        );
    });
});
