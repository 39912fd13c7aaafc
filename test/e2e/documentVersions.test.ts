/**
 * One runnable version per operator document, through the real engine. The stand-in keeps
 * versions as SSM does (an in-place content update leaves version 1 runnable with
 * `send-command --document-version 1`), so only a replacement leaves no looser version behind.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Sandbox, engine } from "../../scripts/sandbox";
import type { Cloud, CloudObject } from "../support/standin-aws/cloud";

const DOCUMENT = "aws:ssm/document:Document";

describe("operator documents keep one version (dev stack)", () => {
    const sb = new Sandbox();
    after(() => sb.cleanup());
    before(function () {
        this.timeout(20 * 60 * 1000);
        engine();
    });

    const cloud = (): Cloud =>
        JSON.parse(fs.readFileSync(path.join(sb.cloud, "cloud.json"), "utf8"));
    const restartDocument = (): CloudObject => {
        const docs = Object.values(cloud().objects).filter(
            (o) => o.type === DOCUMENT && o.props.name === "RestartWebService",
        );
        assert.strictEqual(docs.length, 1, "one RestartWebService document");
        return docs[0];
    };
    const allowed = (content: string): string[] =>
        JSON.parse(content).parameters.Service.allowedValues;

    it("creates the document with a single version", async () => {
        assert.strictEqual((await sb.pulumi("stack", "init", "dev")).code, 0);
        const up = await sb.pulumi("up", "--yes", "--stack", "dev");
        assert.strictEqual(up.code, 0, up.stderr + up.stdout);
        const doc = restartDocument();
        assert.deepStrictEqual(doc.versions?.map(allowed), [["nginx", "php-fpm", "app"]]);
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

    it("leaves no older version to run: version 1 is the new content, and the only one", () => {
        const doc = restartDocument();
        assert.deepStrictEqual(doc.versions?.map(allowed), [["nginx", "app"]]);
        assert.strictEqual(doc.props.defaultVersion, "1");
        assert.strictEqual(doc.props.latestVersion, "1");
    });

    it("keeps the operator policy on the replaced document's ARN", () => {
        const doc = restartDocument();
        const policy = Object.values(cloud().objects).find(
            (o) =>
                o.type === "aws:iam/groupPolicy:GroupPolicy" &&
                o.props.name === "RunCommandOperator",
        );
        const statements = JSON.parse(String(policy?.props.policy)).Statement;
        const send = statements.find((s: { Sid?: string }) => s.Sid === "SendOnlyTheseDocuments");
        assert.ok(send.Resource.includes(doc.props.arn), JSON.stringify(send.Resource));
    });
});
