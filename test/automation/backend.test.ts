import * as assert from "assert";
import { resolveBackend } from "../../automation/backend";

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
