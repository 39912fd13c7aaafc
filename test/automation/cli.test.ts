import * as assert from "assert";
import { EXIT, main } from "../../automation/cli";
import { StackLock } from "../../automation/locks";
import { Step } from "../../automation/stackEngine";
import { FakeEngine, deps, result } from "../support/driverFakes";

type StackDoc = { stack: string; status: string; error?: string; changes?: unknown };

describe("automation/cli: usage", () => {
    it("writes --help to stdout and exits 0", async () => {
        const d = deps(new FakeEngine());
        assert.strictEqual(await main(["--help"], d), EXIT.ok);
        assert.match(d.out.text, /^Usage: npm run stacks -- <command> \[options\]/);
        assert.strictEqual(d.err.text, "");
    });

    it("writes a bad command line's error and the usage to stderr and exits 2", async () => {
        const d = deps(new FakeEngine());
        assert.strictEqual(await main(["plan", "--envv", "dev"], d), EXIT.usage);
        assert.match(d.err.text, /^error: unknown option --envv: did you mean --env\?\n\nUsage:/);
        assert.strictEqual(d.out.text, "");
    });
});

describe("automation/cli: runs, exit codes and JSON", () => {
    describe("when one stack of three fails", () => {
        let engine: FakeEngine;
        let d: ReturnType<typeof deps>;
        let code: number;
        before(async () => {
            engine = new FakeEngine({
                staging: async () => Promise.reject(new Error("error: boom in staging")),
            });
            d = deps(engine);
            code = await main(["preview", "--json"], d);
        });

        it("exits 1", () => {
            assert.strictEqual(code, EXIT.failed);
        });

        it("keeps the others going", () => {
            assert.deepStrictEqual(engine.calls.sort(), [
                "preview dev",
                "preview prod",
                "preview staging",
            ]);
        });

        it("reports each stack's status and plain error in the JSON document", () => {
            assert.deepStrictEqual(
                JSON.parse(d.out.text).stacks.map((s: StackDoc) => [s.stack, s.status, s.error]),
                [
                    ["dev", "succeeded", undefined],
                    ["prod", "succeeded", undefined],
                    ["staging", "failed", "boom in staging"],
                ],
            );
        });

        it("reports a succeeded stack's change counts", () => {
            assert.deepStrictEqual(JSON.parse(d.out.text).stacks[0].changes, {
                create: 2,
                update: 0,
                delete: 0,
                replace: 0,
                same: 0,
            });
        });

        it("writes progress and the summary to stderr", () => {
            assert.match(d.err.text, /stack\s+status\s+create/);
        });
    });

    it("stops queued stacks after the first failure with --fail-fast", async () => {
        const engine = new FakeEngine({
            dev: async () => Promise.reject(new Error("error: dev broke")),
        });
        const d = deps(engine);
        const code = await main(["preview", "--json", "--parallel", "1", "--fail-fast"], d);
        assert.strictEqual(code, EXIT.failed);
        assert.deepStrictEqual(
            JSON.parse(d.out.text).stacks.map((s: StackDoc) => s.status),
            ["failed", "skipped", "skipped"],
        );
        assert.deepStrictEqual(engine.calls, ["preview dev"]);
    });

    it("needs --yes for up when stdin is not a terminal, touching nothing", async () => {
        const engine = new FakeEngine();
        const d = deps(engine);
        assert.strictEqual(await main(["up", "--env", "dev"], d), EXIT.usage);
        assert.match(d.err.text, /up changes infrastructure: pass --yes/);
        assert.deepStrictEqual(engine.calls, []);
    });

    describe("a stack with pending creates", () => {
        const LOCK = {
            username: "ci",
            hostname: "runner-7",
            pid: 4242,
            timestamp: "2026-11-28T21:01:49.123456789Z",
        };
        /** up of dev and prod, dev with one pending create and `locks`; dev's error. */
        async function upWithPending(
            locks: StackLock[] | undefined,
            host = { name: "this-machine", running: () => true },
        ) {
            const engine = new FakeEngine();
            engine.pending.dev = [
                {
                    urn: "urn:pulumi:dev::ssm-access::aws:iam/group:Group::g",
                    type: "aws:iam/group:Group",
                },
            ];
            engine.locks.dev = locks;
            const d = deps(engine, { host });
            const code = await main(["up", "--env", "dev,prod", "--yes", "--json"], d);
            const [dev] = JSON.parse(d.out.text).stacks;
            return { code, calls: engine.calls, error: dev.error as string };
        }

        it("under a running update's lock is locked: the holder named, exit 1, only the other stack run", async () => {
            const run = await upWithPending([LOCK]);
            assert.strictEqual(run.code, EXIT.failed);
            assert.deepStrictEqual(run.calls, ["preview prod", "up prod"]);
            assert.strictEqual(
                run.error,
                'Stack "dev" is locked by another update. Its lock was taken by ci@runner-7 (pid 4242) at 2026-11-28T21:01:49Z. ' +
                    "Wait for it to finish. If none is running (an earlier run was killed), remove the stale lock: " +
                    "rm /state/.pulumi/locks/organization/ssm-access/dev/*.json",
            );
        });

        it("under a lock of this machine whose process is gone says the lock is stale, and how to remove it", async () => {
            const here = { ...LOCK, hostname: "this-machine" };
            const run = await upWithPending([here], { name: "this-machine", running: () => false });
            assert.strictEqual(run.code, EXIT.failed);
            assert.deepStrictEqual(run.calls, ["preview prod", "up prod"]);
            assert.match(run.error, /^Stack "dev" has 1 create that an earlier update started/);
            assert.strictEqual(
                run.error.split("\n")[1],
                "  first, remove the killed update's stale lock (taken by ci@this-machine (pid 4242) at 2026-11-28T21:01:49Z, " +
                    "no longer running on this machine): rm /state/.pulumi/locks/organization/ssm-access/dev/*.json",
            );
        });

        it("under a lock of this machine whose process runs is locked", async () => {
            const here = { ...LOCK, hostname: "this-machine" };
            const run = await upWithPending([here], { name: "this-machine", running: () => true });
            assert.match(
                run.error,
                /^Stack "dev" is locked by another update\. Its lock was taken by ci@this-machine/,
            );
        });

        it("with no lock gives the import commands and no lock to remove", async () => {
            const run = await upWithPending([]);
            assert.strictEqual(run.code, EXIT.failed);
            assert.deepStrictEqual(run.calls, ["preview prod", "up prod"]);
            assert.match(run.error, /^Stack "dev" has 1 create that an earlier update started/);
            assert.match(
                run.error,
                /--import-pending-creates 'urn:pulumi:dev::ssm-access::aws:iam\/group:Group::g'/,
            );
            assert.doesNotMatch(run.error, /lock/);
        });

        it("where locks cannot be read (Pulumi Cloud) says they may be a running update's and removes nothing", async () => {
            const run = await upWithPending(undefined);
            assert.strictEqual(run.code, EXIT.failed);
            assert.deepStrictEqual(run.calls, ["preview prod", "up prod"]);
            assert.match(
                run.error,
                /^Stack "dev" has 1 create that an update started and has not finished: they may belong to an update of this stack running now, or to one that was killed/,
            );
            assert.doesNotMatch(run.error, /lock:|cancel|rm /);
        });
    });

    describe("the replacement guard in up", () => {
        const risky: Step = {
            op: "replace",
            type: "aws:iam/accessKey:AccessKey",
            urn: "urn:pulumi:dev::ssm-access::aws:iam/accessKey:AccessKey::key-alice",
        };
        const replacingKey = () =>
            new FakeEngine({
                dev: async (cmd) => result({ steps: cmd === "preview" ? [risky] : [] }),
            });

        it("refuses an up whose preview replaces an access key, naming it, and applies nothing", async () => {
            const engine = replacingKey();
            const d = deps(engine);
            assert.strictEqual(
                await main(["up", "--env", "dev", "--yes", "--json"], d),
                EXIT.failed,
            );
            assert.deepStrictEqual(engine.calls, ["preview dev"]);
            assert.match(
                JSON.parse(d.out.text).stacks[0].error,
                /^up would replace aws:iam\/accessKey:AccessKey "key-alice" \(clients using the key are refused\)\. Nothing was changed\./,
            );
        });

        it("lets it through with --allow-replace", async () => {
            const allowed = replacingKey();
            assert.strictEqual(
                await main(["up", "--env", "dev", "--yes", "--allow-replace"], deps(allowed)),
                EXIT.ok,
            );
            assert.deepStrictEqual(allowed.calls, ["preview dev", "up dev"]);
        });
    });

    describe("destroy", () => {
        const deletingUser = () =>
            new FakeEngine({
                dev: async (cmd) =>
                    result({
                        steps:
                            cmd === "preview-destroy"
                                ? [
                                      {
                                          op: "delete",
                                          type: "aws:iam/user:User",
                                          urn: "urn:pulumi:dev::ssm-access::aws:iam/user:User::alice",
                                      },
                                  ]
                                : [],
                    }),
            });

        it("needs an explicit --env, touching nothing", async () => {
            const engine = new FakeEngine();
            const d = deps(engine);
            assert.strictEqual(await main(["destroy", "--yes"], d), EXIT.usage);
            assert.match(d.err.text, /destroy: name the stacks to destroy with --env/);
            assert.deepStrictEqual(engine.calls, []);
        });

        it("refuses deleting a user, naming it, after a destroy preview only", async () => {
            const engine = deletingUser();
            const d = deps(engine);
            assert.strictEqual(
                await main(["destroy", "--env", "dev", "--yes", "--json"], d),
                EXIT.failed,
            );
            assert.deepStrictEqual(engine.calls, ["preview-destroy dev"]);
            assert.match(
                JSON.parse(d.out.text).stacks[0].error,
                /^destroy would delete aws:iam\/user:User "alice" \(the user and their access keys stop working\)/,
            );
        });

        it("destroys with --allow-replace", async () => {
            const engine = deletingUser();
            assert.strictEqual(
                await main(["destroy", "--env", "dev", "--yes", "--allow-replace"], deps(engine)),
                EXIT.ok,
            );
            assert.deepStrictEqual(engine.calls, ["preview-destroy dev", "destroy dev"]);
        });
    });

    describe("review before apply", () => {
        const roleReplaced = {
            op: "replace",
            type: "aws:iam/role:Role",
            name: "dev-role",
            properties: [
                {
                    path: "path",
                    kind: "update" as const,
                    replaces: true,
                    old: "/a/",
                    new: "/b/",
                },
            ],
        };
        const reviewing = () =>
            new FakeEngine({
                dev: async (cmd) =>
                    result({
                        resources: cmd === "preview" ? [roleReplaced] : [],
                        warnings: [`${cmd}: deprecated policy`],
                    }),
            });

        it("prints each stack's changing resources with their property diffs", async () => {
            const d = deps(reviewing());
            assert.strictEqual(await main(["preview", "--env", "dev"], d), EXIT.ok);
            assert.ok(
                d.out.text.includes(
                    'dev: 1 resource to change\n  +- replace aws:iam/role:Role dev-role\n        path (forces replacement): "/a/" => "/b/"\n',
                ),
                d.out.text,
            );
        });

        it("prints every engine warning", async () => {
            const d = deps(reviewing());
            await main(["preview", "--env", "dev"], d);
            assert.match(d.out.text, /^ {2}warning: preview: deprecated policy$/m);
        });

        it("puts the resources and warnings in the JSON document", async () => {
            const d = deps(reviewing());
            await main(["preview", "--env", "dev", "--json"], d);
            const [stack] = JSON.parse(d.out.text).stacks;
            assert.deepStrictEqual(
                [stack.resources, stack.warnings],
                [[roleReplaced], ["preview: deprecated policy"]],
            );
        });

        it("keeps both phases' warnings for up, once each", async () => {
            const d = deps(reviewing());
            await main(["up", "--env", "dev", "--yes", "--allow-replace", "--json"], d);
            assert.deepStrictEqual(JSON.parse(d.out.text).stacks[0].warnings, [
                "preview: deprecated policy",
                "up: deprecated policy",
            ]);
        });

        it("previews every selected stack before applying any", async () => {
            const engine = new FakeEngine();
            await main(["up", "--yes", "--parallel", "1"], deps(engine));
            assert.deepStrictEqual(engine.calls, [
                "preview dev",
                "preview prod",
                "preview staging",
                "up dev",
                "up prod",
                "up staging",
            ]);
        });

        it("asks once on a terminal, after the review, naming the stacks", async () => {
            const questions: string[] = [];
            const d = deps(reviewing(), {
                stdinIsTTY: true,
                confirm: async (q) => {
                    questions.push(q);
                    return true;
                },
            });
            assert.strictEqual(
                await main(["up", "--env", "dev,staging", "--allow-replace"], d),
                EXIT.ok,
            );
            assert.deepStrictEqual(questions, ["\nup dev, staging? [y/N] "]);
        });

        it("shows the review before the question", async () => {
            let seenBeforeAsking = "";
            const d = deps(reviewing(), {
                stdinIsTTY: true,
                confirm: async () => {
                    seenBeforeAsking = d.out.text;
                    return true;
                },
            });
            await main(["up", "--env", "dev", "--allow-replace"], d);
            assert.match(seenBeforeAsking, /\+- replace aws:iam\/role:Role dev-role/);
        });

        it("applies nothing when the answer is no, and exits 1", async () => {
            const engine = reviewing();
            const d = deps(engine, { stdinIsTTY: true, confirm: async () => false });
            assert.strictEqual(
                await main(["up", "--env", "dev", "--allow-replace"], d),
                EXIT.failed,
            );
            assert.deepStrictEqual(engine.calls, ["preview dev"]);
            assert.match(d.err.text, /Nothing done\./);
        });

        it("with --json on a terminal, shows the review on stderr, keeping stdout one document", async () => {
            const d = deps(reviewing(), { stdinIsTTY: true, confirm: async () => true });
            await main(["up", "--env", "dev", "--allow-replace", "--json"], d);
            assert.match(d.err.text, /\+- replace aws:iam\/role:Role dev-role/);
            assert.strictEqual(JSON.parse(d.out.text).command, "up");
        });
    });

    describe("progress", () => {
        const stepping = () =>
            new FakeEngine({
                dev: async (_cmd, opts) => {
                    opts.onStep({ op: "same", type: "aws:iam/user:User", urn: "u::alice" });
                    opts.onStep({ op: "create", type: "aws:iam/user:User", urn: "u::bob" });
                    return result();
                },
            });

        it("says which phase each line belongs to", async () => {
            const d = deps(stepping());
            await main(["up", "--env", "dev", "--yes"], d);
            assert.match(d.err.text, /^dev: preview: running: create aws:iam\/user:User bob$/m);
            assert.match(d.err.text, /^dev: apply: running: create aws:iam\/user:User bob$/m);
        });

        it("shows only the steps that change something", async () => {
            const d = deps(stepping());
            await main(["preview", "--env", "dev"], d);
            assert.doesNotMatch(d.err.text, /alice/);
        });

        it("shows every step with --verbose", async () => {
            const d = deps(stepping());
            await main(["preview", "--env", "dev", "--verbose"], d);
            assert.match(d.err.text, /^dev: preview: running: same aws:iam\/user:User alice$/m);
        });
    });

    it("cancels running stacks on Ctrl-C, skips queued ones and exits 130", async () => {
        const cancel = new AbortController();
        const engine = new FakeEngine({
            dev: (_cmd, opts) =>
                new Promise((_, reject) => {
                    opts.signal.addEventListener("abort", () =>
                        reject(new Error("update canceled")),
                    );
                    setTimeout(() => cancel.abort(), 10);
                }),
        });
        const d = deps(engine, { signal: cancel.signal });
        const code = await main(["preview", "--parallel", "1", "--json"], d);
        assert.strictEqual(code, EXIT.cancelled);
        assert.deepStrictEqual(
            JSON.parse(d.out.text).stacks.map((s: StackDoc) => s.status),
            ["cancelled", "skipped", "skipped"],
        );
    });

    it("prints outputs as the engine masked them", async () => {
        const d = deps(new FakeEngine());
        assert.strictEqual(await main(["outputs", "--env", "dev", "--json"], d), EXIT.ok);
        assert.deepStrictEqual(JSON.parse(d.out.text), {
            stacks: [{ stack: "dev", outputs: { stack: "dev", secretThing: "[secret]" } }],
        });
    });
});

describe("automation/cli: drift", () => {
    const DRIFTED = result({
        resources: [
            {
                op: "update",
                type: "aws:iam/accessKey:AccessKey",
                name: "ssm-access-dev-users-key-dev-oncall-2026-11",
                properties: [
                    {
                        path: "status",
                        kind: "update",
                        replaces: false,
                        old: "Active",
                        new: "Inactive",
                    },
                ],
            },
        ],
    });

    it("runs a preview-only refresh of every selected stack, and nothing else", async () => {
        const engine = new FakeEngine();
        await main(["drift", "--parallel", "1"], deps(engine));
        assert.deepStrictEqual(engine.calls, [
            "preview-refresh dev",
            "preview-refresh prod",
            "preview-refresh staging",
        ]);
    });

    it("exits 0 when no stack drifted", async () => {
        assert.strictEqual(await main(["drift"], deps(new FakeEngine())), EXIT.ok);
    });

    it("exits 3 when a stack drifted, listing the resource and what differs", async () => {
        const d = deps(new FakeEngine({ dev: async () => DRIFTED }));
        assert.strictEqual(await main(["drift"], d), EXIT.drift);
        assert.match(
            d.out.text,
            /dev: 1 resource differs from the state\n {2}~ drifted aws:iam\/accessKey:AccessKey ssm-access-dev-users-key-dev-oncall-2026-11\n {8}status: "Active" => "Inactive"/,
        );
        assert.match(d.out.text, /prod: no drift/);
    });

    it("exits 1 when a stack failed, even if another drifted", async () => {
        const d = deps(
            new FakeEngine({
                dev: async () => DRIFTED,
                prod: async () => Promise.reject(new Error("error: prod broke")),
            }),
        );
        assert.strictEqual(await main(["drift"], d), EXIT.failed);
    });

    it("puts the drifted resources in --json's usual document", async () => {
        const d = deps(new FakeEngine({ dev: async () => DRIFTED }));
        assert.strictEqual(await main(["drift", "--env", "dev", "--json"], d), EXIT.drift);
        const doc = JSON.parse(d.out.text);
        assert.strictEqual(doc.command, "drift");
        assert.deepStrictEqual(doc.stacks[0].resources, DRIFTED.resources);
    });
});
