import * as assert from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    FIXED_AT_LAUNCH,
    RELAUNCHED_FROM_TAG,
    Relaunch,
    RelaunchArgs,
    SourceAttributes,
} from "../components/relaunch";
import { attributesOf } from "../components/relaunchSource";
import { ofType, one, promiseOf, settled } from "./support/mocks";
import { DESCRIBED, SOURCE_ID } from "./support/relaunchSource";

const SOURCE: SourceAttributes = attributesOf(DESCRIBED as unknown as aws.ec2.GetInstanceResult);
const BASE: RelaunchArgs = {
    instanceId: SOURCE_ID,
    source: SOURCE,
    instanceProfile: "ssm-profile",
    region: "us-east-1",
};

/** The resource options each child of the component was declared with. */
function declare(args: RelaunchArgs): Record<string, pulumi.CustomResourceOptions> {
    const opts: Record<string, pulumi.CustomResourceOptions> = {};
    new Relaunch("r", args, {
        transformations: [
            (a) => {
                opts[a.type] = a.opts;
                return undefined;
            },
        ],
    });
    return opts;
}

describe("Relaunch", () => {
    it("images the source with a reboot by default and launches from the image with the profile", async () => {
        declare(BASE);
        await settled();
        const ami = one("aws:ec2/amiFromInstance:AmiFromInstance");
        assert.strictEqual(ami.inputs.sourceInstanceId, SOURCE_ID);
        assert.strictEqual(ami.inputs.snapshotWithoutReboot, false);
        assert.strictEqual(ofType("aws:ec2/amiCopy:AmiCopy").length, 0);
        const vm = one("aws:ec2/instance:Instance");
        assert.strictEqual(vm.inputs.ami, ami.id);
        assert.strictEqual(vm.inputs.iamInstanceProfile, "ssm-profile");
    });

    const copied: [string, unknown][] = [
        ["instanceType", "t3.small"],
        ["subnetId", "subnet-0aaaaaaaaaaaaaaaa"],
        ["vpcSecurityGroupIds", ["sg-0bbbbbbbbbbbbbbbb"]],
        ["keyName", "ops"],
        ["monitoring", true],
        ["ebsOptimized", true],
        ["tenancy", "default"],
        ["placementGroup", undefined],
        ["associatePublicIpAddress", true],
        ["sourceDestCheck", false],
        ["creditSpecification", { cpuCredits: "unlimited" }],
        ["userDataBase64", "IyEvYmluL3NoCmVjaG8gaGk="],
        ["disableApiStop", true],
    ];
    for (const [input, expected] of copied) {
        it(`copies the source's ${input} to the replacement`, async () => {
            declare(BASE);
            await settled();
            assert.deepStrictEqual(one("aws:ec2/instance:Instance").inputs[input], expected);
        });
    }

    it("requires IMDSv2 and keeps the source's IMDS hop limit", async () => {
        declare(BASE);
        await settled();
        assert.deepStrictEqual(one("aws:ec2/instance:Instance").inputs.metadataOptions, {
            httpEndpoint: "enabled",
            httpTokens: "required",
            httpPutResponseHopLimit: 3,
        });
    });

    it("tags the replacement with the source's tags (not aws: ones), the stack's, and its origin", async () => {
        declare({ ...BASE, tags: { "ssm-access:stack": "dev" } });
        await settled();
        assert.deepStrictEqual(one("aws:ec2/instance:Instance").inputs.tags, {
            Name: "web-1",
            team: "web",
            "ssm-access:stack": "dev",
            [RELAUNCHED_FROM_TAG]: SOURCE_ID,
        });
    });

    it("turns termination protection on for the replacement", async () => {
        declare({ ...BASE, source: { ...SOURCE, disableApiStop: false } });
        await settled();
        assert.strictEqual(one("aws:ec2/instance:Instance").inputs.disableApiTermination, true);
    });

    it("retains the replacement when it leaves the stack, and never the images", () => {
        const opts = declare(BASE);
        assert.strictEqual(opts["aws:ec2/instance:Instance"].retainOnDelete, true);
        assert.strictEqual(
            opts["aws:ec2/amiFromInstance:AmiFromInstance"].retainOnDelete,
            undefined,
        );
    });

    it("keeps every launch-time input in state, so later edits and source changes do not reach the replacement", () => {
        const opts = declare(BASE);
        assert.deepStrictEqual(opts["aws:ec2/instance:Instance"].ignoreChanges, FIXED_AT_LAUNCH);
        assert.ok(
            !FIXED_AT_LAUNCH.includes("tags") && !FIXED_AT_LAUNCH.includes("iamInstanceProfile"),
        );
    });

    it("honours noReboot and the instance type, subnet, security group and public IP overrides", async () => {
        declare({
            ...BASE,
            noReboot: true,
            instanceType: "m7i.large",
            subnetId: "subnet-0cccccccccccccccc",
            securityGroupIds: ["sg-0dddddddddddddddd"],
            associatePublicIpAddress: false,
        });
        await settled();
        assert.strictEqual(
            one("aws:ec2/amiFromInstance:AmiFromInstance").inputs.snapshotWithoutReboot,
            true,
        );
        const vm = one("aws:ec2/instance:Instance").inputs;
        assert.deepStrictEqual(
            [vm.instanceType, vm.subnetId, vm.vpcSecurityGroupIds, vm.associatePublicIpAddress],
            ["m7i.large", "subnet-0cccccccccccccccc", ["sg-0dddddddddddddddd"], false],
        );
    });

    it("leaves out the credit specification and user data when the source has none", async () => {
        declare({
            ...BASE,
            source: { ...SOURCE, cpuCredits: undefined, userDataBase64: undefined },
        });
        await settled();
        const vm = one("aws:ec2/instance:Instance").inputs;
        assert.deepStrictEqual([vm.creditSpecification, vm.userDataBase64], [undefined, undefined]);
    });

    it("launches without the source's user data when copyUserData is false", async () => {
        declare({ ...BASE, copyUserData: false });
        await settled();
        assert.strictEqual(one("aws:ec2/instance:Instance").inputs.userDataBase64, undefined);
    });

    it("copies the image encrypted with the KMS key ARN and launches from the copy", async () => {
        const arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        declare({ ...BASE, kmsKeyArn: arn });
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
            [ami.id, "us-east-1", true, arn],
        );
        assert.strictEqual(one("aws:ec2/instance:Instance").inputs.ami, copy.id);
    });

    it("launches only after the instance profile is ready", async () => {
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
});
