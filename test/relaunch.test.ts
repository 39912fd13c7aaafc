import * as assert from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    DEFAULT_HOP_LIMIT,
    FIXED_AT_LAUNCH,
    RELAUNCHED_FROM_TAG,
    Relaunch,
    RelaunchArgs,
    SourceAttributes,
    SourceQuery,
    attributesOf,
    invokeReason,
    lookUpSource,
    resolveKmsKey,
} from "../components/relaunch";
import { calls, onCall, ofType, one, promiseOf, settled } from "./support/mocks";

const SOURCE_ID = "i-0123456789abcdef0";
const REPLACEMENT_ID = "i-0fedcba9876543210";

/** The source as the provider's getInstance reports it. */
const DESCRIBED = {
    id: SOURCE_ID,
    instanceId: SOURCE_ID,
    instanceType: "t3.small",
    subnetId: "subnet-0aaaaaaaaaaaaaaaa",
    vpcSecurityGroupIds: ["sg-0bbbbbbbbbbbbbbbb"],
    keyName: "ops",
    monitoring: true,
    ebsOptimized: true,
    tenancy: "default",
    placementGroup: "",
    associatePublicIpAddress: true,
    sourceDestCheck: false,
    metadataOptions: [
        { httpEndpoint: "enabled", httpTokens: "optional", httpPutResponseHopLimit: 3 },
    ],
    creditSpecifications: [{ cpuCredits: "unlimited" }],
    userDataBase64: "IyEvYmluL3NoCmVjaG8gaGk=",
    disableApiStop: true,
    disableApiTermination: true,
    iamInstanceProfile: "",
    tags: { Name: "web-1", team: "web", "aws:cloudformation:stack-name": "legacy" },
};
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

describe("attributesOf: the source's settings from the provider's lookup", () => {
    const described = (extra: Record<string, unknown>) =>
        attributesOf({ ...DESCRIBED, ...extra } as unknown as aws.ec2.GetInstanceResult);

    it("takes the hop limit from the metadata options", () => {
        assert.strictEqual(SOURCE.hopLimit, 3);
    });

    for (const metadataOptions of [[], undefined, [{ httpPutResponseHopLimit: 0 }]]) {
        it(`defaults the hop limit to 2 for containers when the source reports ${JSON.stringify(metadataOptions)}`, () => {
            assert.strictEqual(DEFAULT_HOP_LIMIT, 2);
            assert.strictEqual(described({ metadataOptions }).hopLimit, 2);
        });
    }

    it("reads an empty key name, placement group, profile and credits as none", () => {
        const a = described({
            keyName: "",
            placementGroup: "",
            iamInstanceProfile: "",
            creditSpecifications: [],
            userDataBase64: "",
        });
        assert.deepStrictEqual(
            [a.keyName, a.placementGroup, a.instanceProfile, a.cpuCredits, a.userDataBase64],
            [undefined, undefined, undefined, undefined, undefined],
        );
    });

    it("takes source/dest check as on when the provider leaves it unset", () => {
        assert.strictEqual(described({ sourceDestCheck: undefined }).sourceDestCheck, true);
    });
});

describe("lookUpSource", () => {
    const QUERY: SourceQuery = {
        instanceId: SOURCE_ID,
        region: "us-east-1",
        stack: "dev",
        label: "ssm-access:relaunch[0]",
    };

    /** A world with these instances listed: the source, and this stack's replacements of it. */
    function world(opts: { source: boolean; replacements?: string[]; profile?: string }): void {
        onCall("aws:ec2/getInstances:getInstances", (inputs) => {
            assert.deepStrictEqual(inputs.instanceStateNames, [
                "pending",
                "running",
                "stopping",
                "stopped",
            ]);
            const byTag = inputs.filters.some(
                (f: { name: string }) => f.name === `tag:${RELAUNCHED_FROM_TAG}`,
            );
            return {
                ids: byTag ? (opts.replacements ?? []) : opts.source ? [SOURCE_ID] : [],
            };
        });
        onCall("aws:ec2/getInstance:getInstance", (inputs) => ({
            ...DESCRIBED,
            id: inputs.instanceId,
            instanceId: inputs.instanceId,
            instanceType: inputs.instanceId === SOURCE_ID ? "t3.small" : "t3.large",
            iamInstanceProfile: inputs.instanceId === SOURCE_ID ? (opts.profile ?? "") : "ssm",
        }));
    }

    it("reads the source, with its user data, while it has no replacement", async () => {
        world({ source: true });
        const found = await lookUpSource(QUERY);
        assert.strictEqual(found?.instanceType, "t3.small");
        const read = calls.find((c) => c.token === "aws:ec2/getInstance:getInstance")!;
        assert.deepStrictEqual(read.inputs, { instanceId: SOURCE_ID, getUserData: true });
    });

    it("looks for replacements by this stack's tags", async () => {
        world({ source: true });
        await lookUpSource(QUERY);
        const byTag = calls.find(
            (c) =>
                c.token === "aws:ec2/getInstances:getInstances" &&
                c.inputs.filters[0].name !== "instance-id",
        )!;
        assert.deepStrictEqual(byTag.inputs.filters, [
            { name: `tag:${RELAUNCHED_FROM_TAG}`, values: [SOURCE_ID] },
            { name: "tag:ssm-access:stack", values: ["dev"] },
        ]);
    });

    it("never reads the source once a replacement exists, even when the source is gone", async () => {
        world({ source: false, replacements: [REPLACEMENT_ID] });
        const found = await lookUpSource(QUERY);
        assert.strictEqual(found?.instanceType, "t3.large");
        const reads = calls.filter((c) => c.token === "aws:ec2/getInstance:getInstance");
        assert.deepStrictEqual(
            reads.map((c) => c.inputs.instanceId),
            [REPLACEMENT_ID],
        );
    });

    it("fails in one line naming the entry, the instance and the region when neither exists", async () => {
        world({ source: false });
        await assert.rejects(lookUpSource(QUERY), (err: Error) => {
            assert.ok(err instanceof pulumi.RunError);
            assert.strictEqual(
                err.message,
                'ssm-access:relaunch[0].instanceId = "i-0123456789abcdef0" (region us-east-1): no such running or stopped instance, and this stack has no replacement of it: check the id and aws:region',
            );
            return true;
        });
        assert.ok(!calls.some((c) => c.token === "aws:ec2/getInstance:getInstance"));
    });

    it("refuses two replacements of one source", async () => {
        world({ source: true, replacements: [REPLACEMENT_ID, "i-0aaaaaaaaaaaaaaaa"] });
        await assert.rejects(
            lookUpSource(QUERY),
            /has 2 replacements of it \(i-0fedcba9876543210, i-0aaaaaaaaaaaaaaaa\)/,
        );
    });

    it("refuses a source with its own instance profile unless the entry says to replace it", async () => {
        world({ source: true, profile: "app-profile" });
        await assert.rejects(
            lookUpSource(QUERY),
            /has its own instance profile "app-profile", which the replacement would lose: better, set existingRoleName to its role .*; or set replaceInstanceProfile: true on the entry$/,
        );
    });

    it("relaunches a source with its own profile when replaceInstanceProfile is set", async () => {
        world({ source: true, profile: "app-profile" });
        const found = await lookUpSource({ ...QUERY, replaceInstanceProfile: true });
        assert.strictEqual(found?.instanceProfile, "app-profile");
    });

    it("answers no attributes when the lookups go unanswered (the offline plan)", async () => {
        onCall("aws:ec2/getInstances:getInstances", () => ({}));
        assert.strictEqual(await lookUpSource(QUERY), undefined);
        assert.ok(!calls.some((c) => c.token === "aws:ec2/getInstance:getInstance"));
    });

    describe("a subnet override", () => {
        const network = {
            subnetId: "subnet-0cccccccccccccccc",
            securityGroupIds: ["sg-0dddddddddddddddd", "sg-0eeeeeeeeeeeeeeee"],
        };
        /** The subnet in vpc-1; the groups that exist, each with its VPC. */
        function vpcs(groups: Record<string, string>): void {
            onCall("aws:ec2/getSubnet:getSubnet", (inputs) => {
                assert.strictEqual(inputs.id, network.subnetId);
                return { id: network.subnetId, vpcId: "vpc-1" };
            });
            onCall("aws:ec2/getSecurityGroups:getSecurityGroups", (inputs) => {
                assert.deepStrictEqual(inputs.filters, [
                    { name: "group-id", values: network.securityGroupIds },
                ]);
                return { ids: Object.keys(groups), vpcIds: Object.values(groups) };
            });
        }

        it("is accepted when its groups are in the subnet's VPC", async () => {
            world({ source: true });
            vpcs({ "sg-0dddddddddddddddd": "vpc-1", "sg-0eeeeeeeeeeeeeeee": "vpc-1" });
            assert.strictEqual(
                (await lookUpSource({ ...QUERY, network }))?.instanceType,
                "t3.small",
            );
        });

        it("is refused when a group is in another VPC", async () => {
            world({ source: true });
            vpcs({ "sg-0dddddddddddddddd": "vpc-1", "sg-0eeeeeeeeeeeeeeee": "vpc-2" });
            await assert.rejects(
                lookUpSource({ ...QUERY, network }),
                (err: Error) =>
                    err.message ===
                    'ssm-access:relaunch[0].instanceId = "i-0123456789abcdef0" (region us-east-1): subnet subnet-0cccccccccccccccc is in vpc-1, but security groups sg-0eeeeeeeeeeeeeeee are not: list groups of vpc-1 in securityGroupIds',
            );
        });

        it("is refused when a group does not exist", async () => {
            world({ source: true });
            vpcs({ "sg-0dddddddddddddddd": "vpc-1" });
            await assert.rejects(
                lookUpSource({ ...QUERY, network }),
                /subnet subnet-0cccccccccccccccc is in vpc-1, and security groups sg-0eeeeeeeeeeeeeeee do not exist$/,
            );
        });

        it("is not checked once the replacement exists", async () => {
            world({ source: false, replacements: [REPLACEMENT_ID] });
            await lookUpSource({ ...QUERY, network });
            assert.ok(!calls.some((c) => c.token === "aws:ec2/getSubnet:getSubnet"));
        });
    });

    it("turns a failed lookup into one line naming the entry", async () => {
        onCall("aws:ec2/getInstances:getInstances", () => {
            throw new Error("UnauthorizedOperation: not allowed to ec2:DescribeInstances\nmore");
        });
        await assert.rejects(lookUpSource(QUERY), (err: Error) => {
            assert.ok(err instanceof pulumi.RunError);
            assert.match(
                err.message,
                /^ssm-access:relaunch\[0\]\.instanceId = "i-0123456789abcdef0" \(region us-east-1\): cannot be read: [^\n]+$/,
            );
            return true;
        });
    });
});

describe("resolveKmsKey", () => {
    const ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    for (const keyId of [
        "1234abcd-12ab-34cd-56ef-1234567890ab",
        ARN,
        "alias/ami-encryption",
        "arn:aws:kms:us-east-1:123456789012:alias/ami-encryption",
    ]) {
        it(`resolves ${keyId} to the key's ARN through DescribeKey`, async () => {
            onCall("aws:kms/getKey:getKey", (inputs) => {
                assert.strictEqual(inputs.keyId, keyId);
                return { id: "1234abcd-12ab-34cd-56ef-1234567890ab", arn: ARN };
            });
            assert.strictEqual(
                await resolveKmsKey(keyId, "ssm-access:relaunch[0]", "us-east-1"),
                ARN,
            );
        });
    }

    it("answers an unknown ARN when the lookup goes unanswered (the offline plan)", async () => {
        onCall("aws:kms/getKey:getKey", () => ({}));
        const arn = await resolveKmsKey("alias/ami", "ssm-access:relaunch[0]", "us-east-1");
        assert.ok(pulumi.Output.isInstance(arn));
        assert.strictEqual(await (arn as unknown as { isKnown: Promise<boolean> }).isKnown, false);
    });

    it("fails in one line naming the entry, the key and the region when KMS has no such key", async () => {
        onCall("aws:kms/getKey:getKey", () => {
            throw new Error("NotFoundException: Alias alias/nope is not found.");
        });
        await assert.rejects(
            resolveKmsKey("alias/nope", "ssm-access:relaunch[0]", "us-east-1"),
            (err: Error) => {
                assert.ok(err instanceof pulumi.RunError);
                assert.match(
                    err.message,
                    /^ssm-access:relaunch\[0\]\.kmsKeyId = "alias\/nope" \(region us-east-1\): no usable KMS key: [^\n]+$/,
                );
                return true;
            },
        );
    });
});

describe("invokeReason", () => {
    const cases: [string, unknown, string][] = [
        [
            "the provider's reason from the SDK's message",
            new Error(
                "Invoke of 'aws:kms/getKey:getKey' failed: NotFoundException: Alias alias/nope is not found. ()\n    at x",
            ),
            "NotFoundException: Alias alias/nope is not found.",
        ],
        ["a placeholder for an empty message", new Error(""), "the lookup failed"],
        ["a thrown string", "boom", "boom"],
    ];
    for (const [what, err, expected] of cases) {
        it(`gives ${what}`, () => {
            assert.strictEqual(invokeReason(err), expected);
        });
    }
});
