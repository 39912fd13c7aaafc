/** Small helpers of the Automation API engine (pulumiEngine.ts), pure and tested on their own. */

/**
 * Serializes stack selection: the Automation API's createOrSelectStack runs `pulumi stack select`
 * (or `stack init`), which rewrites the workspace's current-stack file, so concurrent calls race
 * and older CLIs can leave it corrupt (pulumi/pulumi issues #8186 and #7738, both open; v3.274.1
 * writes it by rename: pkg/workspace/workspace.go, atomicWriteFile). Every later command names its
 * stack with --stack, so only selection waits; about 0.17 s per stack before its preview starts.
 */
export class Mutex {
    private tail: Promise<unknown> = Promise.resolve();
    run<T>(fn: () => Promise<T>): Promise<T> {
        const result = this.tail.then(fn, fn);
        this.tail = result.catch(() => undefined);
        return result;
    }
}

/**
 * The cause of a program failure without the SDK's wrapping: "Error: error serializing property
 * "outputs": error serializing property "role": Invoke of ... failed: X ()" reads "Invoke of ...
 * failed: X".
 */
export function plainFailure(message: string): string {
    return message
        .replace(/^(?:Error: )?(?:error serializing property "[^"]*": )*/, "")
        .replace(/ \(\)$/, "");
}

/** Aborted when either signal is (AbortSignal.any needs the DOM lib in TypeScript's ES2022 set). */
export function anySignal(a: AbortSignal, b: AbortSignal): AbortSignal {
    const both = new AbortController();
    for (const s of [a, b]) {
        if (s.aborted) {
            both.abort();
        }
        s.addEventListener("abort", () => both.abort(), { once: true });
    }
    return both.signal;
}
