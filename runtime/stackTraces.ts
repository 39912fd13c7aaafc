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

/**
 * Pulumi also takes a full stack trace for each resource, to send the engine its source position
 * (`Resource.callsites`), mapped through source maps under ts-node. The SDK's mock monitor drops
 * source positions (runtime/mocks: `registerResource` reads no `sourcePosition`), so a process
 * whose every program runs under mocks, the unit suite, leaves those traces empty: about 5% of
 * its time (CPU profile). Never for a program an engine runs: the engine records the positions.
 * Can go with the traces' cost, or when the SDK skips source positions under mocks itself.
 */
export function skipSourcePositions(): void {
    const format = Error.prepareStackTrace;
    if (!format) {
        return;
    }
    Error.prepareStackTrace = (err, frames) =>
        frames[0]?.getFunctionName() === "callsites" ? "" : format(err, frames);
}
