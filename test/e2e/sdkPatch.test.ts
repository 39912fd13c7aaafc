/** The lazy closure serialization patch (runtime/patches/) still serializes functions when asked. */
import * as assert from "assert";
import { execFileSync } from "child_process";
import { ROOT } from "../../scripts/sandbox";

describe("patched Pulumi SDK", () => {
    it("loads closure serialization only on use, and it still serializes a function", () => {
        const script = `
            const pulumi = require("@pulumi/pulumi");
            const loaded = () => Object.keys(require.cache).some((f) => f.includes("closure/serializeClosure"));
            const before = loaded();
            const answer = 42;
            pulumi.runtime.serializeFunction(() => answer).then((fn) => {
                console.log(JSON.stringify({ before, after: loaded(), text: fn.text }));
            });
        `;
        const out = JSON.parse(
            execFileSync(process.execPath, ["-e", script], {
                cwd: ROOT,
                encoding: "utf8",
                stdio: ["ignore", "pipe", "pipe"],
            }),
        ) as { before: boolean; after: boolean; text: string };
        assert.strictEqual(out.before, false);
        assert.strictEqual(out.after, true);
        assert.match(out.text, /answer: 42/);
        assert.match(out.text, /return \(\) => answer;/);
    });
});
