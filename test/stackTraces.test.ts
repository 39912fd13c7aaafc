/** stackTraces.ts: the suite itself runs with it (test/support/mocks.ts). */
import * as assert from "assert";
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import * as debuggable from "@pulumi/pulumi/runtime/debuggable";
import { withOwnRuntimeState } from "../runtime/sdkInternals";
import { skipPromiseTraces, skipSourcePositions } from "../runtime/stackTraces";

// Internal to the SDK (its .d.ts leaves it out); the filter depends on its name.
const { debuggablePromise } = debuggable as unknown as {
    debuggablePromise<T>(p: Promise<T>, ctx: string): Promise<T>;
};

/** The trace Pulumi records on a promise it tracks, with skipPromiseTraces(env) installed. */
async function recordedTrace(env: NodeJS.ProcessEnv): Promise<{ pulumi: string; error: string }> {
    const installed = Error.prepareStackTrace;
    try {
        Error.prepareStackTrace = (_err, frames) => `formatted ${frames.length} frames`;
        skipPromiseTraces(env);
        const promise = Promise.resolve(1);
        assert.strictEqual(await debuggablePromise(promise, "test"), 1);
        return {
            pulumi: (promise as unknown as { _debugStackTrace: string })._debugStackTrace,
            error: new Error("other").stack ?? "",
        };
    } finally {
        Error.prepareStackTrace = installed;
    }
}

/**
 * The source position frames Pulumi reads for a resource, with skipSourcePositions installed, in
 * the unit suite's runtime state (under mocks) or in a fresh one (no mocks, as an engine's).
 */
async function sourcePositions(
    state: "mocked" | "fresh",
): Promise<{ frames: unknown[]; error: string }> {
    const installed = Error.prepareStackTrace;
    try {
        Error.prepareStackTrace = (_err, frames) =>
            frames.map((f) => `    at f (/src/${f.getFunctionName()}.ts:1:1)`).join("\n");
        skipSourcePositions();
        // Internal to the SDK (its .d.ts leaves it out); the filter depends on its name.
        const { callsites } = pulumi.Resource as unknown as { callsites(): unknown[] };
        const read = async () => ({ frames: callsites(), error: new Error("other").stack ?? "" });
        return state === "mocked" ? await read() : await withOwnRuntimeState(read);
    } finally {
        Error.prepareStackTrace = installed;
    }
}

describe("stack traces under ts-node", () => {
    it("leaves empty the trace Pulumi records on each promise, and formats every other", async () => {
        const traces = await recordedTrace({});
        assert.strictEqual(traces.pulumi, "");
        assert.match(traces.error, /^formatted \d+ frames$/);
    });

    it("keeps them when PULUMI_DEBUG_PROMISE_LEAKS asks for Pulumi's leak report", async () => {
        const traces = await recordedTrace({ PULUMI_DEBUG_PROMISE_LEAKS: "true" });
        assert.match(traces.pulumi, /^formatted \d+ frames$/);
    });

    it("maps an error's trace to the TypeScript line", () => {
        const err = new Error("where"); // marker: this line
        const line = fs
            .readFileSync(__filename, "utf8")
            .split("\n")
            .findIndex((l) => l.includes("// marker: this line"));
        assert.match(err.stack ?? "", new RegExp(`stackTraces\\.test\\.ts:${line + 1}:`));
    });

    it("leaves empty the trace a resource's source position is read from, under mocks", async () => {
        const traces = await sourcePositions("mocked");
        assert.deepStrictEqual(traces.frames, []);
        assert.match(traces.error, /at f \(\/src\//);
    });

    it("keeps a resource's source position where no mocks are installed", async () => {
        const traces = await sourcePositions("fresh");
        assert.ok(traces.frames.length > 0);
    });
});
