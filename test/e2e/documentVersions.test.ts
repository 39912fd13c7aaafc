/**
 * One runnable version per operator document, through the real engine. SSM (here moto) keeps
 * versions: an in-place content update leaves version 1 runnable with
 * `send-command --document-version 1`, so only a replacement leaves no looser version behind.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Sandbox, engine } from "../../scripts/sandbox";
import { Account } from "../support/account";

const DOCUMENT = "aws:ssm/document:Document";

describe("operator documents keep one version (dev stack)", () => {
    const sb = new Sandbox();
    before(function () {
        this.timeout(20 * 60 * 1000);
        engine();
        return sb.startCloud();
    });
    after(() => sb.cleanup());

    /** Each version's allow-list of the document as SSM holds it. */
    const versions = async (): Promise<string[][]> => {
        const doc = await new Account(sb).document("us-east-1", "RestartWebService");
        assert.ok(doc, "the RestartWebService document exists");
        return doc.versions.map((v) => v.parameters.Service.allowedValues);
    };

    it("creates the document with a single version", async () => {
        assert.strictEqual((await sb.pulumi("stack", "init", "dev")).code, 0);
        const up = await sb.pulumi("up", "--yes", "--stack", "dev");
        assert.strictEqual(up.code, 0, up.stderr + up.stdout);
        assert.deepStrictEqual(await versions(), [["nginx", "php-fpm", "app"]]);
    });

    it("replaces the document, deleting it first, when its content changes", async () => {
        const file = path.join(sb.project, "Pulumi.dev.yaml");
        const text = fs.readFileSync(file, "utf8");
        const tightened = text.replace(
            "allowedValues: [nginx, php-fpm, app]",
            "allowedValues: [nginx, app]",
        );
        assert.notStrictEqual(
            tightened,
            text,
            "the dev stack's allow-list is where the test expects it",
        );
        fs.writeFileSync(file, tightened);
        const before = sb.calls().length;

        const preview = await sb.pulumi("preview", "--stack", "dev", "--json");
        assert.strictEqual(preview.code, 0, preview.stderr);
        const ops = JSON.parse(preview.stdout)
            .steps.filter((s: { urn: string }) => s.urn.endsWith("-doc-RestartWebService"))
            .map((s: { op: string }) => s.op);
        assert.deepStrictEqual(ops, ["replace"]);

        const up = await sb.pulumi("up", "--yes", "--stack", "dev");
        assert.strictEqual(up.code, 0, up.stderr + up.stdout);
        const docCalls = sb
            .calls()
            .slice(before)
            .filter((c) => c.type === DOCUMENT && ["create", "update", "delete"].includes(c.method))
            .map((c) => c.method);
        assert.deepStrictEqual(docCalls, ["delete", "create"], "no in-place update of the content");
    });

    it("leaves no older version to run: version 1 is the new content, and the only one", async () => {
        assert.deepStrictEqual(await versions(), [["nginx", "app"]]);
        const doc = await new Account(sb).document("us-east-1", "RestartWebService");
        assert.deepStrictEqual([doc?.defaultVersion, doc?.latestVersion], ["1", "1"]);
    });

    it("keeps the operator group's policy on the replaced document's ARN", async () => {
        const group = await new Account(sb).group("ssm-access-dev-operator");
        const policy = group.inline.RunCommandOperator as { Statement: Record<string, any>[] };
        const send = policy.Statement.find((s) => s.Sid === "SendOnlyTheseDocuments")!;
        assert.ok(
            send.Resource.includes("arn:aws:ssm:us-east-1:123456789012:document/RestartWebService"),
            JSON.stringify(send.Resource),
        );
    });
});
