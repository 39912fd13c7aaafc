/**
 * Relaunch as a migration through the real engine and the stand-in provider: the replacement
 * outlives its source, leaves the stack without being terminated, and a missing source fails fast.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Sandbox } from "../../scripts/sandbox";
import type { Cloud } from "../support/standin-aws/cloud";

const SOURCE_ID = "i-0123456789abcdef0";
const KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab";
const KEY_ARN = `arn:aws:kms:us-east-1:123456789012:key/${KEY_ID}`;

/** The source as the provider's getInstance reports it. */
const SOURCE = {
    instanceState: "running",
    instanceType: "t3.small",
    subnetId: "subnet-0aaaaaaaaaaaaaaaa",
    vpcSecurityGroupIds: ["sg-0bbbbbbbbbbbbbbbb"],
    keyName: "ops",
    monitoring: false,
    ebsOptimized: true,
    tenancy: "default",
    placementGroup: "",
    associatePublicIpAddress: true,
    sourceDestCheck: false,
    metadataOptions: [
        { httpEndpoint: "enabled", httpTokens: "optional", httpPutResponseHopLimit: 1 },
    ],
    creditSpecifications: [{ cpuCredits: "unlimited" }],
    userDataBase64: "IyEvYmluL3NoCmVjaG8gaGk=",
    disableApiStop: false,
    disableApiTermination: false,
    iamInstanceProfile: "",
    tags: { Name: "web-1" },
};

function readCloud(sb: Sandbox): Cloud {
    const file = path.join(sb.cloud, "cloud.json");
    return fs.existsSync(file)
        ? JSON.parse(fs.readFileSync(file, "utf8"))
        : { objects: {}, roles: {}, instances: {}, counter: 0 };
}

/** Changes the stand-in's world between commands (no provider runs then). */
function changeCloud(sb: Sandbox, change: (cloud: Cloud) => void): void {
    const cloud = readCloud(sb);
    change(cloud);
    fs.mkdirSync(sb.cloud, { recursive: true });
    fs.writeFileSync(path.join(sb.cloud, "cloud.json"), JSON.stringify(cloud));
}

function launched(sb: Sandbox): Record<string, any>[] {
    return Object.values(readCloud(sb).objects)
        .filter((o) => o.type === "aws:ec2/instance:Instance")
        .map((o) => o.props);
}

function changeKinds(preview: { stdout: string }): string[] {
    return Object.keys(JSON.parse(preview.stdout).changeSummary);
}

describe("relaunch through the real engine", () => {
    const sb = new Sandbox();
    after(() => sb.cleanup());

    before(async () => {
        assert.strictEqual((await sb.pulumi("stack", "init", "dev")).code, 0);
        await sb.pulumi(
            "config",
            "set",
            "--stack",
            "dev",
            "--path",
            "ssm-access:relaunch[0].instanceId",
            SOURCE_ID,
        );
    });

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
        changeCloud(sb, (c) => {
            c.instances[SOURCE_ID] = SOURCE;
            c.kmsKeys = { [KEY_ID]: { aliases: ["alias/ami-encryption"] } };
        });
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
        const [vm] = launched(sb);
        assert.deepStrictEqual(
            {
                instanceType: vm.instanceType,
                subnetId: vm.subnetId,
                associatePublicIpAddress: vm.associatePublicIpAddress,
                sourceDestCheck: vm.sourceDestCheck,
                creditSpecification: vm.creditSpecification,
                userDataBase64: vm.userDataBase64,
                disableApiTermination: vm.disableApiTermination,
                metadataOptions: vm.metadataOptions,
            },
            {
                instanceType: "t3.small",
                subnetId: "subnet-0aaaaaaaaaaaaaaaa",
                associatePublicIpAddress: true,
                sourceDestCheck: false,
                creditSpecification: { cpuCredits: "unlimited" },
                userDataBase64: SOURCE.userDataBase64,
                disableApiTermination: true,
                metadataOptions: {
                    httpEndpoint: "enabled",
                    httpTokens: "required",
                    httpPutResponseHopLimit: 1,
                },
            },
        );
        const copy = Object.values(readCloud(sb).objects).find(
            (o) => o.type === "aws:ec2/amiCopy:AmiCopy",
        )!;
        assert.strictEqual(copy.props.kmsKeyId, KEY_ARN);
    });

    it("previews no changes and refreshes without error once the source is terminated and gone", async () => {
        changeCloud(sb, (c) => {
            c.instances[SOURCE_ID] = {
                ...c.instances[SOURCE_ID],
                instanceState: "terminated",
                terminatedAt: Date.now() - 2 * 3_600_000,
            };
        });
        const preview = await sb.pulumi("preview", "--stack", "dev", "--json");
        assert.strictEqual(preview.code, 0, preview.stderr + preview.stdout);
        assert.deepStrictEqual(changeKinds(preview), ["same"]);
        const refresh = await sb.pulumi("refresh", "--yes", "--stack", "dev");
        assert.strictEqual(refresh.code, 0, refresh.stderr + refresh.stdout);
        const again = await sb.pulumi("preview", "--stack", "dev", "--json");
        assert.deepStrictEqual(changeKinds(again), ["same"]);
    });

    it("previews no changes when the stopped source's settings changed", async () => {
        changeCloud(sb, (c) => {
            c.instances[SOURCE_ID] = {
                ...SOURCE,
                instanceState: "stopped",
                instanceType: "m7i.xlarge",
                vpcSecurityGroupIds: ["sg-0eeeeeeeeeeeeeeee"],
            };
        });
        const preview = await sb.pulumi("preview", "--stack", "dev", "--json");
        assert.strictEqual(preview.code, 0, preview.stderr + preview.stdout);
        assert.deepStrictEqual(changeKinds(preview), ["same"]);
    });

    it("refuses a kmsKeyId change, which copies the image again, without --allow-replace", async () => {
        const other = "0b0b0b0b-1111-2222-3333-444444444444";
        changeCloud(sb, (c) => {
            c.kmsKeys = { ...c.kmsKeys, [other]: { aliases: ["alias/other-key"] } };
        });
        const path = "ssm-access:relaunch[0].kmsKeyId";
        const copies = () =>
            sb.calls().filter((c) => c.method === "create" && c.type === "aws:ec2/amiCopy:AmiCopy")
                .length;
        const copiesBefore = copies();
        await sb.pulumi("config", "set", "--stack", "dev", "--path", path, "alias/other-key");
        try {
            const refused = await sb.driver("up", "--env", "dev", "--yes", "--json");
            assert.strictEqual(refused.code, 1, refused.stderr);
            assert.match(
                JSON.parse(refused.stdout).stacks[0].error,
                /^up would replace aws:ec2\/amiCopy:AmiCopy "ssm-access-dev-relaunch-i-0123456789abcdef0-ami-encrypted" \(the encrypted image is copied again from the source's image\)\. Nothing was changed/,
            );
            assert.strictEqual(copies(), copiesBefore, "nothing was copied");
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
        const [before] = launched(sb);
        await sb.pulumi("config", "rm", "--stack", "dev", "ssm-access:relaunch");
        const refused = await sb.driver("up", "--env", "dev", "--yes", "--json");
        assert.strictEqual(refused.code, 1, refused.stderr);
        assert.match(
            JSON.parse(refused.stdout).stacks[0].error,
            /^up would delete aws:ec2\/instance:Instance "ssm-access-dev-relaunch-i-0123456789abcdef0-instance" \(the instance leaves the stack: a relaunch replacement is released and keeps running, any other instance is terminated\)\. Nothing was changed/,
        );
        const up = await sb.pulumi("up", "--yes", "--stack", "dev");
        assert.strictEqual(up.code, 0, up.stderr + up.stdout);
        assert.deepStrictEqual(
            launched(sb).map((v) => v.privateIp),
            [before.privateIp],
            "the replacement is still in the cloud",
        );
        assert.ok(
            !sb
                .calls()
                .some((c) => c.method === "delete" && c.type === "aws:ec2/instance:Instance"),
            "no terminate call",
        );
        const state = JSON.parse((await sb.pulumi("stack", "export", "--stack", "dev")).stdout);
        assert.ok(
            !state.deployment.resources.some(
                (r: { type: string }) => r.type === "aws:ec2/instance:Instance",
            ),
            "released from the stack",
        );
    });
});

describe("relaunch: destroy", () => {
    const sb = new Sandbox();
    after(() => sb.cleanup());

    it("releases the replacement, still running, and deletes everything else", async () => {
        assert.strictEqual((await sb.pulumi("stack", "init", "dev")).code, 0);
        changeCloud(sb, (c) => {
            c.instances[SOURCE_ID] = SOURCE;
        });
        await sb.pulumi(
            "config",
            "set",
            "--stack",
            "dev",
            "--path",
            "ssm-access:relaunch[0].instanceId",
            SOURCE_ID,
        );
        const up = await sb.pulumi("up", "--yes", "--stack", "dev");
        assert.strictEqual(up.code, 0, up.stderr + up.stdout);
        const destroy = await sb.pulumi("destroy", "--yes", "--stack", "dev");
        assert.strictEqual(destroy.code, 0, destroy.stderr + destroy.stdout);
        assert.deepStrictEqual(
            Object.values(readCloud(sb).objects).map((o) => o.type),
            ["aws:ec2/instance:Instance"],
            "only the replacement is left",
        );
        const state = JSON.parse((await sb.pulumi("stack", "export", "--stack", "dev")).stdout);
        assert.deepStrictEqual(state.deployment.resources ?? [], []);
    });
});
