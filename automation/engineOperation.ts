/**
 * One engine operation on one stack through the Automation API: `operate` runs the command, and
 * `OperationEvents` reads its events as they come into what the driver reports (the steps, the
 * resources' changes or a refresh's drift, warnings, the summary) and stops the operation when the
 * inline program's host logs an unhandled error, after which it would wait for ever. PulumiEngine
 * (pulumiEngine.ts) selects the stack, runs the operation and maps its errors.
 */
import { EngineEvent, OpMap, Stack } from "@pulumi/pulumi/automation";
import { Command, OpResult, Step, changesFrom } from "./stackEngine";
import { ResourceChange, driftChange, resourceChange, warningFrom } from "./engineEvents";
import { anySignal, plainFailure } from "./engineSupport";

/** What the inline program's host logs before it waits for ever. */
const UNHANDLED = "Unhandled exception: ";

export class OperationEvents {
    private readonly steps: Step[] = [];
    private readonly resources: ResourceChange[] = [];
    private readonly warnings = new Set<string>();
    private readonly programFailed = new AbortController();
    /** The resource changes of the engine's summary event, if it sent one. */
    private summary?: OpMap;
    /** The unhandled error the program's host logged, without the SDK's wrapping. */
    programFailure?: string;

    constructor(
        private readonly command: Command,
        private readonly onStep: (step: Step) => void,
    ) {}

    /** Aborted when `signal` is or when the program has failed. */
    signal(signal: AbortSignal): AbortSignal {
        return anySignal(signal, this.programFailed.signal);
    }

    readonly onEvent = (event: EngineEvent): void => {
        const diag = event.diagnosticEvent;
        // The inline program's host only logs an unhandled error (e.g. a failed invoke feeding a
        // resource's inputs) and then waits for ever on that resource (@pulumi/pulumi
        // automation/server.js, LanguageServer.run; pulumi/pulumi#17613): stop on that log line.
        if (
            diag?.severity === "error" &&
            diag.message.includes(UNHANDLED) &&
            this.programFailure === undefined
        ) {
            this.programFailure = plainFailure(diag.message.split(UNHANDLED)[1].split("\n")[0]);
            this.programFailed.abort();
        }
        const meta = event.resourcePreEvent?.metadata;
        if (meta && meta.type !== "pulumi:pulumi:Stack") {
            const step = { op: meta.op, urn: meta.urn, type: meta.type };
            this.steps.push(step);
            const change = this.command === "preview-refresh" ? undefined : resourceChange(meta);
            if (change) {
                this.resources.push(change);
            }
            this.onStep(step);
        }
        // A refresh's finding is in its outputs event: the state's outputs against the live ones.
        const read = event.resOutputsEvent?.metadata;
        const drift = this.command === "preview-refresh" && read && driftChange(read);
        if (drift) {
            this.resources.push(drift);
        }
        const warning = diag && warningFrom(diag);
        if (warning) {
            this.warnings.add(warning);
        }
        if (event.summaryEvent) {
            this.summary = event.summaryEvent.resourceChanges;
        }
    };

    /** The operation's result: its changes from the operation's own summary, else the event's. */
    result(operationSummary: OpMap | undefined): OpResult {
        return {
            changes: changesFrom(operationSummary ?? this.summary ?? {}),
            steps: this.steps,
            resources: this.resources,
            warnings: [...this.warnings],
        };
    }
}

/** Runs `command` on `stack`; the resource changes its result reports, if it reports them. */
export async function operate(
    stack: Stack,
    command: Command,
    common: { onEvent(event: EngineEvent): void; signal: AbortSignal },
): Promise<OpMap | undefined> {
    switch (command) {
        case "preview":
            return (await stack.preview(common)).changeSummary;
        case "up":
            return (await stack.up(common)).summary.resourceChanges;
        case "refresh":
            return (await stack.refresh(common)).summary.resourceChanges;
        case "destroy":
            return (await stack.destroy(common)).summary.resourceChanges;
        case "preview-destroy":
            return (await stack.previewDestroy(common)).changeSummary;
        case "preview-refresh":
            // Stack.previewRefresh runs `pulumi refresh --preview-only` (@pulumi/pulumi 3.248
            // automation/stack.js; RefreshOptions.previewOnly is deprecated in its favour).
            return (await stack.previewRefresh(common)).changeSummary;
    }
}
