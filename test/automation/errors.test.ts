import * as assert from "assert";
import { ConcurrentUpdateError } from "@pulumi/pulumi/automation";
import { explain, lockAdvice, lockHolder } from "../../automation/errors";
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
            what: "a checkpoint read while another update writes it",
            err: new Error("error: failed to load checkpoint: EOF"),
            expected: /^Stack "dev" is locked by another update\./,
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

    const locks: { backend: string; says: string }[] = [
        {
            backend: "file:///home/me/state/",
            says: "rm /home/me/state/.pulumi/locks/organization/ssm-access/dev/*.json",
        },
        {
            backend: "s3://team-state",
            says: "PULUMI_BACKEND_URL=s3://team-state pulumi cancel --yes --stack dev",
        },
    ];
    for (const l of locks) {
        it(`names the lock of a ${l.backend.split(":")[0]} backend and how to remove it`, () => {
            assert.ok(lockAdvice("dev", l.backend).endsWith(`remove the stale lock: ${l.says}`));
        });
    }

    const S3_LOCKED =
        "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n" +
        "  s3://team-state/.pulumi/locks/organization/ssm-access/dev/5f1c.json: created by ci@runner-7 (pid 4242) at 2026-11-28T21:01:49Z";

    it("names who holds a DIY backend's lock, from the CLI's lock listing", () => {
        assert.strictEqual(
            lockHolder(new Error(S3_LOCKED)),
            "ci@runner-7 (pid 4242) at 2026-11-28T21:01:49Z",
        );
    });

    it("puts the holder in the advice, after the first sentence", () => {
        assert.match(
            explain(new Error(S3_LOCKED), "dev"),
            /^Stack "dev" is locked by another update\. Its lock was taken by ci@runner-7 \(pid 4242\) at 2026-11-28T21:01:49Z\. Wait for it to finish\./,
        );
    });

    it("names each protected resource the engine refused to delete, once, and how to unprotect it", () => {
        const urn = (name: string) =>
            `urn:pulumi:dev::ssm-access::ssm-access:users:RunCommandUsers$aws:iam/user:User::${name}`;
        const refusal = (name: string) =>
            `error: Preview failed: resource "${urn(name)}" cannot be deleted\nbecause it is protected. To unprotect the resource, ...`;
        assert.strictEqual(
            explain(new Error([refusal("u-a"), refusal("u-b"), refusal("u-a")].join("\n")), "dev"),
            'Stack "dev" would delete u-a, u-b, which protectFromDeletion protects. ' +
                `To delete them anyway, run pulumi state unprotect --yes --stack dev '${urn("u-a")}'; ` +
                `pulumi state unprotect --yes --stack dev '${urn("u-b")}', then run again.`,
        );
    });

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
