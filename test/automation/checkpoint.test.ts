import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import { checkpointPendingCreates } from "../../automation/checkpoint";

const GROUP_URN =
    "urn:pulumi:dev::ssm-access::ssm-access:users:RunCommandUsers$aws:iam/group:Group::ssm-access-dev-users-admin";
const STACK_URN = "urn:pulumi:dev::ssm-access::pulumi:pulumi:Stack::ssm-access-dev";

/** A checkpoint as the CLI writes it (pkg/backend/diy/state.go saveCheckpoint), trimmed. */
function checkpoint(latest: object | undefined, version = 3): string {
    return JSON.stringify({
        version,
        checkpoint: { stack: "organization/ssm-access/dev", latest },
    });
}

const DEPLOYMENT = {
    manifest: { time: "2026-11-28T21:01:49Z", magic: "", version: "v3.274.1" },
    resources: [{ urn: STACK_URN, custom: false, type: "pulumi:pulumi:Stack" }],
};

const PENDING = {
    ...DEPLOYMENT,
    pending_operations: [
        {
            resource: {
                urn: GROUP_URN,
                custom: true,
                type: "aws:iam/group:Group",
                inputs: { name: "ssm-access-dev-admin", path: "/ssm-access/" },
            },
            type: "creating",
        },
    ],
};

describe("automation/checkpoint: checkpointPendingCreates", () => {
    let root: string;
    const stacks = () => path.join(root, ".pulumi", "stacks", "ssm-access");
    const write = (name: string, content: string | Buffer) =>
        fs.writeFileSync(path.join(stacks(), name), content);
    const read = (url = `file://${root}`, stack = "dev") =>
        checkpointPendingCreates(url, "ssm-access", stack);

    beforeEach(() => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "checkpoint-test-"));
        fs.mkdirSync(stacks(), { recursive: true });
        // What the CLI writes on a new backend (pkg/backend/diy/meta.go, WriteTo).
        fs.writeFileSync(path.join(root, ".pulumi", "meta.yaml"), "version: 1\n");
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    it("reads a checkpoint's pending creates, with type, name and path", async () => {
        write("dev.json", checkpoint(PENDING));
        assert.deepStrictEqual(await read(), [
            {
                urn: GROUP_URN,
                type: "aws:iam/group:Group",
                id: undefined,
                name: "ssm-access-dev-admin",
                path: "/ssm-access/",
            },
        ]);
    });

    it("reads the checkpoint of the stack asked for, not another stack's", async () => {
        write("dev.json", checkpoint(PENDING));
        write("prod.json", checkpoint(DEPLOYMENT));
        assert.deepStrictEqual(await read(undefined, "prod"), []);
    });

    it("finds none in a checkpoint without pending operations", async () => {
        write("dev.json", checkpoint(DEPLOYMENT));
        assert.deepStrictEqual(await read(), []);
    });

    it("finds none in a stack's checkpoint with no deployment yet (version 4 too)", async () => {
        write("dev.json", checkpoint(undefined, 4));
        assert.deepStrictEqual(await read(), []);
    });

    it("ignores the CLI's kept copies beside it (dev.json.<time>, PULUMI_RETAIN_CHECKPOINTS)", async () => {
        write("dev.json", checkpoint(DEPLOYMENT));
        write("dev.json.1764363709000000000", checkpoint(PENDING));
        assert.deepStrictEqual(await read(), []);
    });

    // Each: the plain file is not certainly what the CLI reads, so the caller must ask the CLI.
    const cannotTell: { what: string; arrange(): void; url?: string; stack?: string }[] = [
        { what: "no checkpoint (a stack not created yet)", arrange: () => undefined },
        {
            what: "a gzip variant beside the plain file (the CLI reads the newer)",
            arrange() {
                write("dev.json", checkpoint(DEPLOYMENT));
                write("dev.json.gz", zlib.gzipSync(checkpoint(PENDING)));
            },
        },
        {
            what: "a zstd variant beside the plain file",
            arrange() {
                write("dev.json", checkpoint(DEPLOYMENT));
                write("dev.json.zst", "(zstd bytes)");
            },
        },
        {
            what: "only a gzip variant",
            arrange: () => write("dev.json.gz", zlib.gzipSync(checkpoint(PENDING))),
        },
        {
            what: "gzip content under the plain name (the CLI detects it by content)",
            arrange: () => write("dev.json", zlib.gzipSync(checkpoint(PENDING))),
        },
        {
            what: "a half-written file",
            arrange: () => write("dev.json", checkpoint(PENDING).slice(0, 100)),
        },
        {
            what: "a checkpoint version this reader does not know (2)",
            arrange: () => write("dev.json", checkpoint(PENDING, 2)),
        },
        {
            what: "pending operations that are not a list",
            arrange: () => write("dev.json", checkpoint({ ...DEPLOYMENT, pending_operations: {} })),
        },
        {
            what: "the legacy layout (no meta.yaml)",
            arrange() {
                fs.rmSync(path.join(root, ".pulumi", "meta.yaml"));
                write("dev.json", checkpoint(DEPLOYMENT));
            },
        },
        {
            what: "meta.yaml version 0 (the legacy layout)",
            arrange() {
                fs.writeFileSync(path.join(root, ".pulumi", "meta.yaml"), "version: 0\n");
                write("dev.json", checkpoint(DEPLOYMENT));
            },
        },
        {
            what: "a Pulumi Cloud backend",
            arrange: () => write("dev.json", checkpoint(DEPLOYMENT)),
            url: "https://api.pulumi.com",
        },
        {
            what: "a stack named with its organization and project",
            arrange: () => write("dev.json", checkpoint(DEPLOYMENT)),
            stack: "organization/ssm-access/dev",
        },
    ];
    for (const c of cannotTell) {
        it(`cannot tell (undefined) for ${c.what}`, async () => {
            c.arrange();
            assert.strictEqual(await read(c.url, c.stack), undefined);
        });
    }
});
