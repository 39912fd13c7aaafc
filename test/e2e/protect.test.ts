/**
 * protectFromDeletion through the real engine: plain `pulumi up` and `destroy`, with no driver and
 * its guard, refuse to delete a user and their access key; `pulumi state unprotect` lets them go.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as path from "path";
import { Sandbox } from "../../scripts/sandbox";

interface StateResource {
    urn: string;
    type: string;
    protect?: boolean;
}

describe("protectFromDeletion: plain pulumi up and destroy (dev stack, protection on)", () => {
    const sb = new Sandbox();
    after(() => sb.cleanup());
    const stackFile = path.join(sb.project, "Pulumi.dev.yaml");
    // dev-admin's IAM user and access key (not the user's exclusive policy sets, which are not
    // protected: they hold no credential and are recreated as declared).
    const admin = (r: StateResource) =>
        ["aws:iam/user:User", "aws:iam/accessKey:AccessKey"].includes(r.type) &&
        /::ssm-access-dev-users-(user|key)-dev-admin/.test(r.urn);
    const resources = async (): Promise<StateResource[]> =>
        JSON.parse((await sb.pulumi("stack", "export", "--stack", "dev")).stdout).deployment
            .resources;
    const deletes = () => sb.calls().filter((c) => c.method === "delete");

    before(async function () {
        this.timeout(5 * 60 * 1000);
        await sb.startCloud();
        assert.strictEqual((await sb.pulumi("stack", "init", "dev")).code, 0);
        // The committed dev stack turns protection off; the default (on) is what is tested.
        const doc = yaml.load(fs.readFileSync(stackFile, "utf8")) as {
            config: Record<string, unknown>;
        };
        delete doc.config["ssm-access:protectFromDeletion"];
        fs.writeFileSync(stackFile, yaml.dump(doc));
        const up = await sb.pulumi("up", "--yes", "--stack", "dev");
        assert.strictEqual(up.code, 0, up.stderr + up.stdout);
        const users = doc.config["ssm-access:users"] as { name: string }[];
        doc.config["ssm-access:users"] = users.filter((u) => u.name !== "dev-admin");
        fs.writeFileSync(stackFile, yaml.dump(doc));
    });

    it("records the user and the access key as protected in state", async () => {
        assert.deepStrictEqual(
            (await resources())
                .filter(admin)
                .map((r) => [r.type, r.protect])
                .sort(),
            [
                ["aws:iam/accessKey:AccessKey", true],
                ["aws:iam/user:User", true],
            ],
        );
    });

    it("pulumi up that drops a user from config fails with the engine's protect error", async () => {
        const up = await sb.pulumi("up", "--yes", "--stack", "dev");
        assert.notStrictEqual(up.code, 0);
        assert.match(
            up.stdout + up.stderr,
            /resource "urn:pulumi:dev::ssm-access::[^"]*ssm-access-dev-users-(user|key)-dev-admin[^"]*" cannot be deleted\s+because it is protected/,
        );
        assert.deepStrictEqual(deletes(), [], "nothing was deleted in the cloud");
        assert.strictEqual((await resources()).filter(admin).length, 2, "both still in state");
    });

    it("the driver's up --allow-replace passes its own guard but stops at the engine's", async () => {
        const up = await sb.driver("up", "--env", "dev", "--yes", "--allow-replace", "--json");
        assert.strictEqual(up.code, 1, up.stderr);
        const [stack] = JSON.parse(up.stdout).stacks;
        assert.match(
            stack.error,
            /would delete ssm-access-dev-users-.*which protectFromDeletion protects/,
        );
        assert.match(stack.error, /pulumi state unprotect/);
        assert.deepStrictEqual(deletes(), [], "nothing was deleted in the cloud");
    });

    it("pulumi destroy fails the same way and keeps the key", async () => {
        const destroy = await sb.pulumi("destroy", "--yes", "--stack", "dev");
        assert.notStrictEqual(destroy.code, 0);
        assert.match(
            destroy.stdout + destroy.stderr,
            /cannot be deleted\s+because it is protected/,
        );
        const key = (await resources()).find((r) => r.type === "aws:iam/accessKey:AccessKey");
        assert.ok(key, "an access key is still in state");
        assert.deepStrictEqual(deletes(), [], "nothing was deleted in the cloud");
    });

    it("after pulumi state unprotect of the two, pulumi up deletes them, with the admin group they leave empty", async () => {
        for (const r of (await resources()).filter(admin)) {
            const unprotect = await sb.pulumi(
                "state",
                "unprotect",
                "--yes",
                "--stack",
                "dev",
                r.urn,
            );
            assert.strictEqual(unprotect.code, 0, unprotect.stderr);
        }
        const before = deletes().length;
        const up = await sb.pulumi("up", "--yes", "--stack", "dev");
        assert.strictEqual(up.code, 0, up.stderr + up.stdout);
        assert.deepStrictEqual(
            deletes()
                .slice(before)
                .map((c) => c.type)
                .sort(),
            [
                "aws:iam/accessKey:AccessKey",
                "aws:iam/group:Group",
                "aws:iam/groupPoliciesExclusive:GroupPoliciesExclusive",
                "aws:iam/groupPolicy:GroupPolicy",
                "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive",
                "aws:iam/user:User",
                "aws:iam/userGroupMembership:UserGroupMembership",
                "aws:iam/userPoliciesExclusive:UserPoliciesExclusive",
                "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive",
            ],
        );
        assert.deepStrictEqual((await resources()).filter(admin), []);
    });
});
