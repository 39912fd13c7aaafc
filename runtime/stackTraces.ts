/**
 * Pulumi records a stack trace on every promise it tracks (debuggablePromise), printed only when
 * a program ends with promises unresolved and PULUMI_DEBUG_PROMISE_LEAKS is set. Under ts-node
 * every trace is mapped through source maps when it is taken, which made those records about 40%
 * of the unit suite's time and 0.5 s of a three-stack driver preview (CPU profiles).
 */
export function skipPromiseTraces(env: NodeJS.ProcessEnv = process.env): void {
    const format = Error.prepareStackTrace;
    if (!format || env.PULUMI_DEBUG_PROMISE_LEAKS) {
        return;
    }
    // Those records are left empty; every other trace (an error, a failed assertion, the call
    // sites Pulumi records as a resource's source position) is formatted and mapped as before.
    Error.prepareStackTrace = (err, frames) =>
        frames[0]?.getFunctionName() === "debuggablePromise" ? "" : format(err, frames);
}
