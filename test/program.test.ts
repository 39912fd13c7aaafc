import * as assert from "assert";
import { parseStackConfig } from "../config";
import { declareStack } from "../program";
import { onCall, ofType, one, settled } from "./support/mocks";

const SOURCE_ID = "i-0123456789abcdef0";

describe("program: private network (awsx)", () => {
    it("creates an isolated awsx VPC with the three SSM interface endpoints, and relaunches into it", async () => {
        onCall("aws:ec2/getInstance:getInstance", () => ({
            id: SOURCE_ID,
            instanceId: SOURCE_ID,
            instanceType: "t3.small",
            subnetId: "subnet-0aaaaaaaaaaaaaaaa",
            vpcSecurityGroupIds: ["sg-0bbbbbbbbbbbbbbbb"],
            tags: {},
        }));
        const cfg = await parseStackConfig("dev", "eu-west-1", {
            privateNetwork: { cidrBlock: "10.40.0.0/16" },
            relaunch: [{ instanceId: SOURCE_ID, privateNetwork: true }],
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
