import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DiyBucket, s3ClientConfig, withDiyBucket } from "../../automation/diyBucket";

describe("automation/diyBucket: withDiyBucket, file backend", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "diy-bucket-test-"));
    const open = <T>(use: (b: DiyBucket) => Promise<T>) => withDiyBucket(`file://${root}`, use);
    before(() => {
        fs.mkdirSync(path.join(root, ".pulumi", "stacks", "p"), { recursive: true });
        for (const name of ["dev.json", "dev.json.gz", "dev2.json", "prod.json"]) {
            fs.writeFileSync(path.join(root, ".pulumi", "stacks", "p", name), name);
        }
    });
    after(() => fs.rmSync(root, { recursive: true, force: true }));

    it("lists the keys of one folder that start with the prefix, named from the root", async () => {
        assert.deepStrictEqual((await open((b) => b.list(".pulumi/stacks/p/dev.json")))!.sort(), [
            ".pulumi/stacks/p/dev.json",
            ".pulumi/stacks/p/dev.json.gz",
        ]);
    });

    it("lists a whole folder for a prefix ending in /", async () => {
        assert.strictEqual((await open((b) => b.list(".pulumi/stacks/p/")))!.length, 4);
    });

    it("lists nothing in a folder that does not exist", async () => {
        assert.deepStrictEqual(await open((b) => b.list(".pulumi/locks/organization/p/dev/")), []);
    });

    it("reads an object's bytes, and undefined for one that does not exist", async () => {
        assert.strictEqual(
            (await open((b) => b.read(".pulumi/stacks/p/prod.json")))!.toString(),
            "prod.json",
        );
        assert.strictEqual(await open((b) => b.read(".pulumi/stacks/p/qa.json")), undefined);
    });

    it("passes the URL's query over: the folder is the path before it", async () => {
        const read = await withDiyBucket(`file://${root}?no_tmp_dir=true`, (b) =>
            b.read(".pulumi/stacks/p/prod.json"),
        );
        assert.strictEqual(read!.toString(), "prod.json");
    });
});

describe("automation/diyBucket: withDiyBucket, backends it does not open", () => {
    const cases = [
        { url: "https://api.pulumi.com", why: "Pulumi Cloud" },
        { url: "file://~/state", why: "a file URL under ~, which the CLI resolves with its user" },
        { url: "file://state", why: "a relative file URL, which the CLI resolves from its cwd" },
    ];
    for (const c of cases) {
        it(`opens nothing for ${c.why}`, async () => {
            let used = false;
            const got = await withDiyBucket(c.url, async () => (used = true));
            assert.strictEqual(got, undefined);
            assert.strictEqual(used, false);
        });
    }
});

describe("automation/diyBucket: s3ClientConfig", () => {
    const cases: { url: string; config: object }[] = [
        {
            url: "s3://b?endpoint=http://127.0.0.1:9000&region=us-east-1&use_path_style=true",
            config: {
                region: "us-east-1",
                endpoint: "http://127.0.0.1:9000",
                forcePathStyle: true,
            },
        },
        {
            url: "s3://b?endpoint=minio:9000&disableSSL=true&s3ForcePathStyle=true",
            config: { endpoint: "http://minio:9000", forcePathStyle: true },
        },
        { url: "s3://b?endpoint=s3.example.com", config: { endpoint: "https://s3.example.com" } },
        { url: "s3://b/team?profile=ops", config: { profile: "ops" } },
    ];
    for (const c of cases) {
        it(`takes ${c.url.split("?")[1]} as the CLI does`, () => {
            assert.deepStrictEqual(s3ClientConfig(c.url), c.config);
        });
    }
});
