import * as assert from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RELAUNCHED_FROM_TAG, Relaunch, RelaunchArgs } from "../components/relaunch";
import { calls, onCall, ofType, one, promiseOf, settled } from "./support/mocks";

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
