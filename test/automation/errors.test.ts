import * as assert from "assert";
import { ConcurrentUpdateError } from "@pulumi/pulumi/automation";
import { explain } from "../../automation/errors";
import { ConfigError } from "../../config";
import { automationError } from "../support/driverFakes";

describe("automation/errors: explain", () => {
    const cases: { what: string; err: unknown; expected: RegExp }[] = [
        {
            what: "a lock (ConcurrentUpdateError)",
            err: automationError(ConcurrentUpdateError, "conflict"),
            expected: /^Stack "dev" is locked by another update\..*remove the stale lock/,
        },
        {
            what: "a missing passphrase",
            err: new Error("error: passphrase must be set with PULUMI_CONFIG_PASSPHRASE"),
            expected: /set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE/,
        },
        {
            what: "a missing CLI",
            err: new Error("spawn pulumi ENOENT"),
            expected: /Pulumi CLI was not found on PATH\. Run scripts\/install-pulumi.sh/,
        },
    ];
    for (const c of cases) {
        it(`explains ${c.what} in one sentence`, () => {
            assert.match(explain(c.err, "dev"), c.expected);
        });
    }

    it("lists each problem of a configuration error", () => {
        assert.strictEqual(
            explain(
                new ConfigError("dev", ['ssm-access:instanceMode = "x": must be one of ...']),
                "dev",
            ),
            'Invalid configuration for stack "dev":\n  - ssm-access:instanceMode = "x": must be one of ...',
        );
    });
});
