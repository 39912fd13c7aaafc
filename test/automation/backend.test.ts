import * as assert from "assert";
import { checkS3BackendUrl, resolveBackend } from "../../automation/backend";
import { UsageError } from "../../automation/errors";

describe("automation/backend: resolveBackend", () => {
    const env = { INIT_CWD: "/home/me/work", PULUMI_HOME: "/nonexistent" };
    const cases: { flag: string; url: string }[] = [
        { flag: "./state", url: "file:///home/me/work/state" },
        { flag: "../shared/state", url: "file:///home/me/shared/state" },
        { flag: "/srv/state", url: "file:///srv/state" },
        { flag: "file:///srv/state", url: "file:///srv/state" },
        { flag: "s3://team-state", url: "s3://team-state" },
        { flag: "https://api.pulumi.com", url: "https://api.pulumi.com" },
    ];
    for (const c of cases) {
        it(`takes --backend ${c.flag} as ${c.url}`, () => {
            assert.deepStrictEqual(resolveBackend("/project", c.flag, env), {
                url: c.url,
                source: "--backend",
            });
        });
    }

    it("defaults to a file backend inside the project", () => {
        assert.deepStrictEqual(resolveBackend("/project", undefined, env), {
            url: "file:///project/.pulumi-state",
            source: "default",
        });
    });
});

describe("automation/backend: checkS3BackendUrl", () => {
    const accepted = [
        "s3://team-state",
        "s3://team-state/ssm-access?region=eu-west-1",
        "s3://state?endpoint=http://127.0.0.1:5000&region=us-east-1&use_path_style=true",
        "s3://state?endpoint=minio:9000&disableSSL=true&s3ForcePathStyle=true",
        "s3://state?endpoint=https://s3.example.com&disable_https=false&profile=ci",
    ];
    for (const url of accepted) {
        it(`accepts ${url}`, () => {
            assert.doesNotThrow(() => checkS3BackendUrl(url, "--backend"));
        });
    }

    const refused: { url: string; says: string }[] = [
        { url: "s3://", says: "names no bucket" },
        {
            url: "s3://state?usePathStyle=true",
            says: 'the Pulumi CLI does not know the option "usePathStyle" (did you mean "use_path_style"?)',
        },
        {
            url: "s3://state?use_path_style=yes",
            says: "option use_path_style=yes is not true or false",
        },
        {
            url: "s3://state?endpoint=ftp://10.0.0.1",
            says: 'endpoint "ftp://10.0.0.1" is not an http(s) address',
        },
    ];
    for (const r of refused) {
        it(`refuses ${r.url}, naming where it came from and the form`, () => {
            assert.throws(
                () => checkS3BackendUrl(r.url, "PULUMI_BACKEND_URL"),
                (err: Error) =>
                    err instanceof UsageError &&
                    err.message.startsWith(`PULUMI_BACKEND_URL "${r.url}": ${r.says}`) &&
                    err.message.endsWith("&use_path_style=true)"),
            );
        });
    }

    it("checks an s3:// URL that comes from the environment", () => {
        assert.throws(
            () =>
                resolveBackend("/project", undefined, {
                    PULUMI_HOME: "/nonexistent",
                    PULUMI_BACKEND_URL: "s3://state?endpoint=http://127.0.0.1:5000&pathStyle=1",
                }),
            /^UsageError: PULUMI_BACKEND_URL "s3:\/\/state\?.*": the Pulumi CLI does not know the option "pathStyle"/,
        );
    });
});
