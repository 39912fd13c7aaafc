/** automation/stackTraces.ts, installed for the suite by test/support/mocks.ts. */
import * as assert from "assert";
import * as fs from "fs";
import * as debuggable from "@pulumi/pulumi/runtime/debuggable";

// Internal to the SDK (its .d.ts leaves it out); the filter depends on its name.
const { debuggablePromise } = debuggable as unknown as {
    debuggablePromise<T>(p: Promise<T>, ctx: string): Promise<T>;
};

describe("stack traces under ts-node", () => {
    it("leaves empty the trace Pulumi records on each promise it tracks", async () => {
        const promise = Promise.resolve(1);
        assert.strictEqual(await debuggablePromise(promise, "test"), 1);
        const recorded = (promise as unknown as { _debugStackTrace?: string })._debugStackTrace;
        assert.strictEqual(recorded, "");
    });

    it("still maps an error's trace to the TypeScript line", () => {
        const err = new Error("where"); // marker: this line
        const line = fs
            .readFileSync(__filename, "utf8")
            .split("\n")
            .findIndex((l) => l.includes("// marker: this line"));
        assert.match(err.stack ?? "", new RegExp(`stackTraces\\.test\\.ts:${line + 1}:`));
    });
});
