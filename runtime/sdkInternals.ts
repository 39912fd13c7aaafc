/**
 * Reaches into @pulumi/pulumi internals, kept in one place. Each says what it works around and
 * how to tell when it can go. The SDK version is pinned in package.json.
 */

/**
 * Waits until every resource registration and invoke in flight under mocks has finished.
 * Works around: the SDK keeps `waitForRPCs` internal (runtime/settings), yet the offline plan and
 * the unit tests must know when a mocked program is done. Can go when `@pulumi/pulumi` exports it
 * (or an equivalent) from its public `runtime` module.
 */
export async function waitForRegistrations(): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
    await settings.waitForRPCs();
}

/**
 * Drops the promises left pending by a program that failed on purpose (the resources that waited
 * on the failed output), so the runtime's leak report shows only real leaks.
 * Works around: the SDK's leak tracking (runtime/debuggable) has no public reset. Can go when a
 * failed output no longer leaves its dependants pending, or the SDK exposes a reset.
 */
export function discardFailedWork(): void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const debuggable = require("@pulumi/pulumi/runtime/debuggable") as {
        leakedPromises(): unknown;
    };
    debuggable.leakedPromises();
}

/**
 * Whether the running stack's configuration key (e.g. "ssm-access:logGroupName") was set as a
 * secret. Works around: the SDK marks `isConfigSecret` @internal, and configuration errors must
 * never echo a secret value. Can go when the SDK makes it (or a secret-keys list) public.
 */
export function isConfigSecret(key: string): boolean {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const config = require("@pulumi/pulumi/runtime/config") as {
        isConfigSecret(k: string): boolean;
    };
    return config.isConfigSecret(key);
}

/**
 * Runs `fn` with Pulumi runtime state of its own (settings, mocks, configuration, leak tracking):
 * what it installs, e.g. with setMocks, is gone when it ends, and work its caller left in flight
 * stays with the caller. Works around: the SDK keeps `withLocalStorage` internal (runtime/state),
 * though its Automation API runs each inline program this way (automation/server: `run`). Can
 * go when the SDK exports it, or setMocks takes a scope.
 */
export function withOwnRuntimeState<T>(fn: () => Promise<T>): Promise<T> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const state = require("@pulumi/pulumi/runtime/state") as {
        withLocalStorage<R>(callback: () => R): R;
    };
    return state.withLocalStorage(fn);
}
