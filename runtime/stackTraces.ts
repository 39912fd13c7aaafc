/**
 * Pulumi takes a full stack trace for each resource, to send the engine its source position
 * (`Resource.callsites`), mapped through source maps under ts-node. The SDK's mock monitor drops
 * source positions (runtime/mocks: `registerResource` reads no `sourcePosition`), so a program
 * running under mocks (the unit tests, the offline plan) leaves those traces empty: about 5% of
 * the unit suite's time and 25 ms of each planned stack (CPU profiles). A program an engine runs
 * keeps them: the runtime state it runs in has a monitor address, not the SDK's "mock"
 * (runtime/settings: setMockOptions). Can go with the traces' cost, or when the SDK skips source
 * positions under mocks itself.
 */
export function skipSourcePositions(): void {
    const format = Error.prepareStackTrace;
    if (!format) {
        return;
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const state = require("@pulumi/pulumi/runtime/state") as {
        getStore(): { settings: { options: { monitorAddr?: string } } };
    };
    Error.prepareStackTrace = (err, frames) =>
        frames[0]?.getFunctionName() === "callsites" &&
        state.getStore().settings.options.monitorAddr === "mock"
            ? ""
            : format(err, frames);
}
