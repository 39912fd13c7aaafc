/**
 * The traces Pulumi takes: none for the promises it tracks (the SDK patch in runtime/patches), and
 * stackTraces.ts, which the suite itself runs with (test/support/mocks.ts).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import * as debuggable from "@pulumi/pulumi/runtime/debuggable";
import { withOwnRuntimeState } from "../runtime/sdkInternals";
import { skipSourcePositions } from "../runtime/stackTraces";

// Internal to the SDK (its .d.ts leaves it out).
const leakTracking = debuggable as unknown as {
    debuggablePromise<T>(p: Promise<T>, ctx: string): Promise<T>;
    debugPromiseLeaks: boolean;
};

/** The trace Pulumi records on a promise it tracks, with its leak debugging on or off. */
async function recordedTrace(debugLeaks: boolean): Promise<string> {
    const setting = leakTracking.debugPromiseLeaks;
    try {
        leakTracking.debugPromiseLeaks = debugLeaks;
        const promise = Promise.resolve(1);
        assert.strictEqual(await leakTracking.debuggablePromise(promise, "test"), 1);
        return (promise as unknown as { _debugStackTrace: string })._debugStackTrace;
    } finally {
        leakTracking.debugPromiseLeaks = setting;
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
    it("takes no trace for a promise Pulumi tracks (the SDK patch)", async () => {
        assert.strictEqual(await recordedTrace(false), "");
    });

    it("takes it when PULUMI_DEBUG_PROMISE_LEAKS asks for Pulumi's leak report", async () => {
        assert.match(await recordedTrace(true), /^Error\n +at (Object\.)?debuggablePromise /);
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
