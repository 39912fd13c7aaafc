/**
 * SSM documents as the real provider serves them (terraform-provider-aws
 * internal/service/ssm/document.go). SSM keeps every version: an update adds version N+1 and
 * leaves the older ones runnable (`send-command --document-version N`); the provider then makes
 * the new one the default. Deleting a document deletes every version.
 */
import * as ssm from "@aws-sdk/client-ssm";
import { Aws, canonicalJson, notFound, tagList, tagMap, unlessGone } from "./aws";
import { Handler } from "./handler";

const ssmOf = (aws: Aws) => aws.client("ssm", ssm.SSMClient);

const GONE = ["InvalidDocument"];

async function describe(aws: Aws, name: string) {
    const out = await unlessGone(
        ssmOf(aws).send(new ssm.DescribeDocumentCommand({ Name: name })),
        ...GONE,
    );
    return out?.Document;
}

/** The document's ARN, which the provider builds from its region and account (document.go). */
async function documentArn(aws: Aws, name: string): Promise<string> {
    return `arn:${aws.partition}:ssm:${aws.region}:${await aws.accountId()}:document/${name}`;
}

/** The configured content when SSM holds the same JSON document, else SSM's. */
function sameContentOr(configured: unknown, live: string): string {
    try {
        if (
            typeof configured === "string" &&
            canonicalJson(JSON.parse(configured)) === canonicalJson(JSON.parse(live))
        ) {
            return configured;
        }
    } catch {
        // YAML or text content: compared as text.
    }
    return live;
}

/**
 * document.go: CreateDocument; read is DescribeDocument and GetDocument (the default version's
 * content); update is UpdateDocument (DocumentVersion $LATEST), then
 * UpdateDocumentDefaultVersion to the new version; delete is DeleteDocument (every version), then
 * waiting until DescribeDocument no longer finds it.
 */
export const document: Handler = {
    forceNew: ["name", "documentType"],
    async create(aws, p) {
        await ssmOf(aws).send(
            new ssm.CreateDocumentCommand({
                Name: p.name,
                Content: p.content,
                DocumentType: p.documentType,
                DocumentFormat: p.documentFormat ?? "JSON",
                TargetType: p.targetType,
                VersionName: p.versionName,
                Tags: p.tags ? tagList(p.tags) : undefined,
            }),
        );
        return p.name;
    },
    async read(aws, id, state) {
        const d = await describe(aws, id);
        if (!d) {
            return undefined;
        }
        const content = await ssmOf(aws).send(
            new ssm.GetDocumentCommand({ Name: id, DocumentFormat: d.DocumentFormat }),
        );
        const tags = await ssmOf(aws).send(
            new ssm.ListTagsForResourceCommand({ ResourceType: "Document", ResourceId: id }),
        );
        return {
            name: d.Name,
            arn: await documentArn(aws, id),
            documentType: d.DocumentType,
            documentFormat: d.DocumentFormat,
            content: sameContentOr(state.content, content.Content ?? ""),
            documentVersion: d.DocumentVersion,
            defaultVersion: d.DefaultVersion,
            latestVersion: d.LatestVersion,
            hash: d.Hash,
            hashType: d.HashType,
            owner: d.Owner,
            status: d.Status,
            schemaVersion: d.SchemaVersion,
            description: d.Description ?? "",
            tags: tagMap(tags.TagList),
        };
    },
    async update(aws, id, _olds, news) {
        const out = await ssmOf(aws).send(
            new ssm.UpdateDocumentCommand({
                Name: id,
                Content: news.content,
                DocumentFormat: news.documentFormat ?? "JSON",
                DocumentVersion: "$LATEST",
            }),
        );
        await ssmOf(aws).send(
            new ssm.UpdateDocumentDefaultVersionCommand({
                Name: id,
                DocumentVersion: out.DocumentDescription?.DocumentVersion,
            }),
        );
    },
    async delete(aws, id) {
        try {
            await ssmOf(aws).send(new ssm.DeleteDocumentCommand({ Name: id }));
        } catch (err) {
            if (!notFound(err, ...GONE)) {
                throw err;
            }
        }
        for (let i = 0; i < 50 && (await describe(aws, id)); i++) {
            await new Promise((r) => setTimeout(r, 100));
        }
    },
};
