import * as assert from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_HOP_LIMIT, RELAUNCHED_FROM_TAG } from "../components/relaunch";
import {
    SourceQuery,
    attributesOf,
    invokeReason,
    lookUpSource,
    resolveKmsKey,
} from "../components/relaunchSource";
import { calls, onCall } from "./support/mocks";
import { DESCRIBED, REPLACEMENT_ID, SOURCE_ID } from "./support/relaunchSource";

describe("relaunchSource: attributesOf, the source's settings from the provider's lookup", () => {
    const described = (extra: Record<string, unknown>) =>
        attributesOf({ ...DESCRIBED, ...extra } as unknown as aws.ec2.GetInstanceResult);

    it("takes the hop limit from the metadata options", () => {
        assert.strictEqual(described({}).hopLimit, 3);
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

describe("relaunchSource: lookUpSource", () => {
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

describe("relaunchSource: resolveKmsKey", () => {
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

describe("relaunchSource: invokeReason", () => {
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
