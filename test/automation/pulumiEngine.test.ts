import * as assert from "assert";
import { anySignal, plainFailure, resolveBackend } from "../../automation/pulumiEngine";

describe("automation/pulumiEngine: resolveBackend", () => {
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

describe("automation/pulumiEngine: anySignal", () => {
    it("aborts when either signal aborts", () => {
        const a = new AbortController();
        const b = new AbortController();
        const both = anySignal(a.signal, b.signal);
        assert.strictEqual(both.aborted, false);
        b.abort();
        assert.strictEqual(both.aborted, true);
    });

    it("starts aborted when one signal already is", () => {
        const a = new AbortController();
        a.abort();
        assert.strictEqual(anySignal(a.signal, new AbortController().signal).aborted, true);
    });
});

describe("automation/pulumiEngine: plainFailure", () => {
    it("drops the SDK's serialization chain and keeps the cause", () => {
        assert.strictEqual(
            plainFailure(
                'Error: error serializing property "outputs": error serializing property "role": Invoke of \'aws:iam/getRole:getRole\' failed: NoSuchEntity: The role with name NoSuchRole cannot be found. ()',
            ),
            "Invoke of 'aws:iam/getRole:getRole' failed: NoSuchEntity: The role with name NoSuchRole cannot be found.",
        );
    });
});
