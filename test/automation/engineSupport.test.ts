import * as assert from "assert";
import { anySignal, plainFailure } from "../../automation/engineSupport";

describe("automation/engineSupport: anySignal", () => {
    it("aborts when either signal aborts", () => {
        const a = new AbortController();
        const b = new AbortController();
        const both = anySignal(a.signal, b.signal);
        assert.strictEqual(both.aborted, false);
        b.abort();
        assert.strictEqual(both.aborted, true);
    });

    it("starts aborted when one signal already is", () => {
        const a = new AbortController();
        a.abort();
        assert.strictEqual(anySignal(a.signal, new AbortController().signal).aborted, true);
    });
});

describe("automation/engineSupport: plainFailure", () => {
    it("drops the SDK's serialization chain and keeps the cause", () => {
        assert.strictEqual(
            plainFailure(
                'Error: error serializing property "outputs": error serializing property "role": Invoke of \'aws:iam/getRole:getRole\' failed: NoSuchEntity: The role with name NoSuchRole cannot be found. ()',
            ),
            "Invoke of 'aws:iam/getRole:getRole' failed: NoSuchEntity: The role with name NoSuchRole cannot be found.",
        );
    });
});
