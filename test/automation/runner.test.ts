import * as assert from "assert";
import { StackRun, runStacks } from "../../automation/runner";
import { result } from "../support/driverFakes";

/** A worker for which `failing` fails at once and the others wait to be stopped. */
function worker(failing: string) {
    return (stack: string, signal: AbortSignal) =>
        stack === failing
            ? Promise.reject(new Error("error: broke"))
            : new Promise<ReturnType<typeof result>>((_, reject) =>
                  signal.addEventListener("abort", () =>
                      reject(new Error("Command was killed with SIGINT: /tmp/x/bin/pulumi up")),
                  ),
              );
}

const summary = (runs: StackRun[]) => runs.map((r) => [r.stack, r.status, r.error]);

describe("automation/runner: runStacks", () => {
    it("marks a sibling stopped by --fail-fast as cancelled, naming the stack that failed", async () => {
        const runs = await runStacks(["dev", "prod"], worker("prod"), {
            parallel: 2,
            failFast: true,
            signal: new AbortController().signal,
            onChange: () => undefined,
        });
        assert.deepStrictEqual(summary(runs), [
            ["dev", "cancelled", "stopped because prod failed (--fail-fast)"],
            ["prod", "failed", "broke"],
        ]);
    });

    it("says a stack was cancelled by Ctrl-C, not the engine's raw text", async () => {
        const cancel = new AbortController();
        const running = runStacks(["dev"], worker(""), {
            parallel: 1,
            failFast: false,
            signal: cancel.signal,
            onChange: () => undefined,
        });
        cancel.abort();
        assert.deepStrictEqual(summary(await running), [
            ["dev", "cancelled", "cancelled by Ctrl-C"],
        ]);
    });

    it("runs at most `parallel` stacks at once", async () => {
        let running = 0;
        let most = 0;
        await runStacks(
            ["a", "b", "c", "d"],
            async () => {
                most = Math.max(most, ++running);
                await new Promise((r) => setTimeout(r, 5));
                running--;
                return result();
            },
            {
                parallel: 2,
                failFast: false,
                signal: new AbortController().signal,
                onChange: () => undefined,
            },
        );
        assert.strictEqual(most, 2);
    });
});
