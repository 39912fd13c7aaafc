import * as assert from "assert";
import type { EngineEvent, StepEventMetadata } from "@pulumi/pulumi/automation";
import { OperationEvents } from "../../automation/engineOperation";
import { Step } from "../../automation/stackEngine";

const ROLE = "aws:iam/role:Role";
const URN = `urn:pulumi:dev::ssm-access::${ROLE}::dev-role`;
const STACK_URN = "urn:pulumi:dev::ssm-access::pulumi:pulumi:Stack::ssm-access-dev";

/** An engine event with only the parts the operation reads. */
const event = (partial: Partial<EngineEvent>) =>
    ({ sequence: 0, timestamp: 0, ...partial }) as EngineEvent;
const pre = (op: string, urn = URN, type = ROLE) =>
    event({ resourcePreEvent: { metadata: { op, urn, type } as StepEventMetadata } });
const diagnostic = (severity: "error" | "warning", message: string) =>
    event({ diagnosticEvent: { severity, message, color: "never" } });

describe("automation/engineOperation: OperationEvents", () => {
    it("records each resource's step and reports it as it comes, the stack itself left out", () => {
        const seen: Step[] = [];
        const events = new OperationEvents("preview", (s) => seen.push(s));
        events.onEvent(pre("same", STACK_URN, "pulumi:pulumi:Stack"));
        events.onEvent(pre("create"));
        const step = { op: "create", urn: URN, type: ROLE };
        assert.deepStrictEqual(seen, [step]);
        assert.deepStrictEqual(events.result(undefined).steps, [step]);
    });

    it("stops the operation on the program host's unhandled error, keeping its plain cause", () => {
        const events = new OperationEvents("up", () => undefined);
        const signal = events.signal(new AbortController().signal);
        events.onEvent(
            diagnostic(
                "error",
                'Unhandled exception: Error: error serializing property "role": Invoke of aws:iam/getRole:getRole failed: nope ()\n    at stack',
            ),
        );
        assert.strictEqual(signal.aborted, true);
        assert.strictEqual(events.programFailure, "Invoke of aws:iam/getRole:getRole failed: nope");
    });

    it("leaves the operation running on other errors", () => {
        const events = new OperationEvents("up", () => undefined);
        const signal = events.signal(new AbortController().signal);
        events.onEvent(diagnostic("error", "update failed"));
        assert.strictEqual(signal.aborted, false);
        assert.strictEqual(events.programFailure, undefined);
    });

    it("takes the changes from the operation's own summary over the summary event's", () => {
        const events = new OperationEvents("up", () => undefined);
        events.onEvent(event({ summaryEvent: { resourceChanges: { create: 5 } } as never }));
        assert.strictEqual(events.result({ create: 2, same: 1 }).changes.create, 2);
    });

    it("falls back to the summary event's changes when the operation reports none", () => {
        const events = new OperationEvents("up", () => undefined);
        events.onEvent(event({ summaryEvent: { resourceChanges: { create: 5 } } as never }));
        assert.strictEqual(events.result(undefined).changes.create, 5);
    });

    it("keeps each warning once", () => {
        const events = new OperationEvents("preview", () => undefined);
        events.onEvent(diagnostic("warning", "deprecated"));
        events.onEvent(diagnostic("warning", "deprecated"));
        assert.deepStrictEqual(events.result(undefined).warnings, ["deprecated"]);
    });
});
