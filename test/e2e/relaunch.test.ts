/**
 * Relaunch as a migration through the real engine, the stand-in provider and moto: the
 * replacement outlives its source, leaves the stack without being terminated, and a missing
 * source fails fast. The source and the KMS keys are made in moto through the AWS SDK.
 */
import * as assert from "assert";
import * as ec2 from "@aws-sdk/client-ec2";
import * as kms from "@aws-sdk/client-kms";
import { Sandbox } from "../../scripts/sandbox";
import { Account, stateOf } from "../support/account";

const MISSING_ID = "i-0123456789abcdef0";
const REGION = "us-east-1";
/**
 * An image moto knows in every region without being told (moto/ec2/resources/amis.json, loaded
 * unless MOTO_EC2_LOAD_DEFAULT_AMIS is false: moto/ec2/models/amis.py, _load_amis).
 */
const MOTO_AMI = "ami-1e749f67";
const USER_DATA = "IyEvYmluL3NoCmVjaG8gaGk=";

/** Launches the source in moto: a t3.small in a default subnet, with settings worth keeping. */
async function launchSource(sb: Sandbox): Promise<string> {
    const client = new Account(sb).ec2(REGION);
    const [subnet] = (await client.send(new ec2.DescribeSubnetsCommand({}))).Subnets!;
    await client.send(new ec2.CreateKeyPairCommand({ KeyName: "ops" })).catch(() => undefined);
    const run = await client.send(
        new ec2.RunInstancesCommand({
            ImageId: MOTO_AMI,
            MinCount: 1,
            MaxCount: 1,
            InstanceType: "t3.small",
            SubnetId: subnet.SubnetId,
            KeyName: "ops",
            EbsOptimized: true,
            UserData: USER_DATA,
            MetadataOptions: { HttpTokens: "optional", HttpPutResponseHopLimit: 1 },
            TagSpecifications: [
                { ResourceType: "instance", Tags: [{ Key: "Name", Value: "web-1" }] },
            ],
        }),
    );
    const id = run.Instances![0].InstanceId!;
    await client.send(
        new ec2.ModifyInstanceAttributeCommand({
            InstanceId: id,
            SourceDestCheck: { Value: false },
        }),
    );
    return id;
}

/** A KMS key with an alias, made in moto; its ARN. */
async function kmsKey(sb: Sandbox, alias: string): Promise<string> {
    const client = new kms.KMSClient(sb.client(REGION));
    const key = (await client.send(new kms.CreateKeyCommand({}))).KeyMetadata!;
    await client.send(new kms.CreateAliasCommand({ AliasName: alias, TargetKeyId: key.KeyId }));
    return key.Arn!;
}

/** Instances in the account that are replacements of `source` (by the program's tag). */
async function replacements(sb: Sandbox, source: string) {
    return (await new Account(sb).instances(REGION)).filter(
        (i) => i.tagMap["ssm-access:relaunched-from"] === source,
    );
}

function changeKinds(preview: { stdout: string }): string[] {
    return Object.keys(JSON.parse(preview.stdout).changeSummary);
}

async function setSource(sb: Sandbox, id: string): Promise<void> {
    await sb.pulumi(
        "config",
        "set",
        "--stack",
        "dev",
        "--path",
        "ssm-access:relaunch[0].instanceId",
        id,
    );
}

describe("relaunch through the real engine", () => {
    const sb = new Sandbox();
    let source = "";
    let keyArn = "";
    before(async () => {
        await sb.startCloud();
        assert.strictEqual((await sb.pulumi("stack", "init", "dev")).code, 0);
        await setSource(sb, MISSING_ID);
    });
    after(() => sb.cleanup());

    it("fails a preview in seconds, in one line, when the source does not exist", async () => {
        const started = Date.now();
        const preview = await sb.pulumi("preview", "--stack", "dev");
        assert.notStrictEqual(preview.code, 0);
        assert.ok(Date.now() - started < 30_000, `took ${Date.now() - started} ms`);
        assert.match(
            preview.stdout,
            /ssm-access:relaunch\[0\]\.instanceId = "i-0123456789abcdef0" \(region us-east-1\): no such running or stopped instance, and this stack has no replacement of it/,
        );
        assert.ok(!/at \w+ \(/.test(preview.stdout), "no stack trace");
    });

    it("fails the driver's preview in seconds with the same line, instead of hanging", async () => {
        const started = Date.now();
        const run = await sb.driver("preview", "--env", "dev", "--json");
        assert.strictEqual(run.code, 1, run.stderr);
        assert.ok(Date.now() - started < 60_000, `took ${Date.now() - started} ms`);
        const [stack] = JSON.parse(run.stdout).stacks;
        assert.strictEqual(stack.status, "failed");
        assert.match(
            stack.error,
            /ssm-access:relaunch\[0\]\.instanceId = "i-0123456789abcdef0" \(region us-east-1\): no such running or stopped instance/,
        );
    });

    it("launches the replacement with the source's settings, protected, from a copy encrypted with the resolved key", async () => {
        source = await launchSource(sb);
        keyArn = await kmsKey(sb, "alias/ami-encryption");
        await setSource(sb, source);
        await sb.pulumi(
            "config",
            "set",
            "--stack",
            "dev",
            "--path",
            "ssm-access:relaunch[0].kmsKeyId",
            "alias/ami-encryption",
        );
        const up = await sb.pulumi("up", "--yes", "--stack", "dev");
        assert.strictEqual(up.code, 0, up.stderr + up.stdout);
        const [vm, ...others] = await replacements(sb, source);
        assert.deepStrictEqual(others, [], "one replacement");
        const [src] = (await new Account(sb).instances(REGION)).filter(
            (i) => i.InstanceId === source,
        );
        const client = new Account(sb).ec2(REGION);
        const attr = (name: ec2.InstanceAttributeName) =>
            client.send(
                new ec2.DescribeInstanceAttributeCommand({
                    InstanceId: vm.InstanceId,
                    Attribute: name,
                }),
            );
        assert.deepStrictEqual(
            {
                instanceType: vm.InstanceType,
                subnetId: vm.SubnetId,
                keyName: vm.KeyName,
                publicIp: Boolean(vm.PublicIpAddress),
                sourceDestCheck: vm.SourceDestCheck,
                userData: (await attr("userData")).UserData?.Value,
                disableApiTermination: (await attr("disableApiTermination")).DisableApiTermination
                    ?.Value,
                metadata: {
                    httpEndpoint: vm.MetadataOptions?.HttpEndpoint,
                    httpTokens: vm.MetadataOptions?.HttpTokens,
                    hopLimit: vm.MetadataOptions?.HttpPutResponseHopLimit,
                },
                profile: vm.IamInstanceProfile?.Arn?.split("/").pop(),
                name: vm.tagMap.Name,
            },
            {
                instanceType: "t3.small",
                subnetId: src.SubnetId,
                keyName: "ops",
                publicIp: true,
                sourceDestCheck: false,
                userData: USER_DATA,
                disableApiTermination: true,
                metadata: { httpEndpoint: "enabled", httpTokens: "required", hopLimit: 1 },
                profile: (await stateOf(sb, "dev")).find(
                    (r) => r.type === "aws:iam/instanceProfile:InstanceProfile",
                )?.id,
                name: "web-1",
            },
        );
        const images = await new Account(sb).images(REGION);
        assert.deepStrictEqual(
            images.map((i) => i.ImageId).sort(),
            [vm.ImageId, images.find((i) => i.ImageId !== vm.ImageId)?.ImageId].sort(),
            "two images: the source's and the encrypted copy the replacement runs",
        );
        // moto's CopyImage ignores the key (moto/ec2/models/amis.py, copy_image): the state shows
        // the ARN the program resolved the alias to and sent.
        const copy = (await stateOf(sb, "dev")).find((r) => r.type === "aws:ec2/amiCopy:AmiCopy");
        assert.strictEqual(copy?.inputs.kmsKeyId, keyArn);
        assert.strictEqual(copy?.id, vm.ImageId);
    });

    it("previews no changes when the stopped source's settings changed", async () => {
        const client = new Account(sb).ec2(REGION);
        await client.send(new ec2.StopInstancesCommand({ InstanceIds: [source] }));
        await client.send(
            new ec2.ModifyInstanceAttributeCommand({
                InstanceId: source,
                InstanceType: { Value: "m7i.xlarge" },
            }),
        );
        const preview = await sb.pulumi("preview", "--stack", "dev", "--json");
        assert.strictEqual(preview.code, 0, preview.stderr + preview.stdout);
        assert.deepStrictEqual(changeKinds(preview), ["same"]);
    });

    it("previews no changes and refreshes without error once the source is terminated", async () => {
        await new Account(sb)
            .ec2(REGION)
            .send(new ec2.TerminateInstancesCommand({ InstanceIds: [source] }));
        const preview = await sb.pulumi("preview", "--stack", "dev", "--json");
        assert.strictEqual(preview.code, 0, preview.stderr + preview.stdout);
        assert.deepStrictEqual(changeKinds(preview), ["same"]);
        const refresh = await sb.pulumi("refresh", "--yes", "--stack", "dev");
        assert.strictEqual(refresh.code, 0, refresh.stderr + refresh.stdout);
        const again = await sb.pulumi("preview", "--stack", "dev", "--json");
        assert.deepStrictEqual(changeKinds(again), ["same"]);
    });

    it("refuses a kmsKeyId change, which copies the image again, without --allow-replace", async () => {
        await kmsKey(sb, "alias/other-key");
        const path = "ssm-access:relaunch[0].kmsKeyId";
        const copies = () =>
            sb.calls().filter((c) => c.method === "create" && c.type === "aws:ec2/amiCopy:AmiCopy")
                .length;
        const copiesBefore = copies();
        const imagesBefore = (await new Account(sb).images(REGION)).length;
        await sb.pulumi("config", "set", "--stack", "dev", "--path", path, "alias/other-key");
        try {
            const refused = await sb.driver("up", "--env", "dev", "--yes", "--json");
            assert.strictEqual(refused.code, 1, refused.stderr);
            assert.match(
                JSON.parse(refused.stdout).stacks[0].error,
                new RegExp(
                    `^up would replace aws:ec2/amiCopy:AmiCopy "ssm-access-dev-relaunch-${source}-ami-encrypted" \\(the encrypted image is copied again from the source's image\\)\\. Nothing was changed`,
                ),
            );
            assert.strictEqual(copies(), copiesBefore, "nothing was copied");
            assert.strictEqual((await new Account(sb).images(REGION)).length, imagesBefore);
        } finally {
            await sb.pulumi(
                "config",
                "set",
                "--stack",
                "dev",
                "--path",
                path,
                "alias/ami-encryption",
            );
        }
    });

    it("releases the replacement, still running, when its entry is removed", async () => {
        const [before] = await replacements(sb, source);
        await sb.pulumi("config", "rm", "--stack", "dev", "ssm-access:relaunch");
        const refused = await sb.driver("up", "--env", "dev", "--yes", "--json");
        assert.strictEqual(refused.code, 1, refused.stderr);
        assert.match(
            JSON.parse(refused.stdout).stacks[0].error,
            new RegExp(
                `^up would delete aws:ec2/instance:Instance "ssm-access-dev-relaunch-${source}-instance" \\(the instance leaves the stack: a relaunch replacement is released and keeps running, any other instance is terminated\\)\\. Nothing was changed`,
            ),
        );
        const up = await sb.pulumi("up", "--yes", "--stack", "dev");
        assert.strictEqual(up.code, 0, up.stderr + up.stdout);
        const after = await replacements(sb, source);
        assert.deepStrictEqual(
            after.map((v) => [v.InstanceId, v.State?.Name]),
            [[before.InstanceId, "running"]],
            "the replacement still runs",
        );
        assert.ok(
            !sb
                .calls()
                .some((c) => c.method === "delete" && c.type === "aws:ec2/instance:Instance"),
            "no terminate call",
        );
        assert.ok(
            !(await stateOf(sb, "dev")).some((r) => r.type === "aws:ec2/instance:Instance"),
            "released from the stack",
        );
    });
});

describe("relaunch: destroy", () => {
    const sb = new Sandbox();
    before(() => sb.startCloud());
    after(() => sb.cleanup());

    it("releases the replacement, still running, and deletes everything else", async () => {
        assert.strictEqual((await sb.pulumi("stack", "init", "dev")).code, 0);
        const source = await launchSource(sb);
        await setSource(sb, source);
        const up = await sb.pulumi("up", "--yes", "--stack", "dev");
        assert.strictEqual(up.code, 0, up.stderr + up.stdout);
        const destroy = await sb.pulumi("destroy", "--yes", "--stack", "dev");
        assert.strictEqual(destroy.code, 0, destroy.stderr + destroy.stdout);
        const account = new Account(sb);
        assert.deepStrictEqual(
            (await replacements(sb, source)).map((v) => v.State?.Name),
            ["running"],
            "the replacement is left, running",
        );
        assert.deepStrictEqual(await account.images(REGION), [], "the image is deregistered");
        assert.deepStrictEqual(
            await account.names(),
            { roles: [], users: [], groups: [], policies: [], instanceProfiles: [] },
            "no IAM entity is left",
        );
        assert.deepStrictEqual((await stateOf(sb, "dev")).length, 0);
    });
});
