import * as assert from "assert";
import { parseCli } from "../../automation/args";

describe("automation/args: parseCli", () => {
    it("defaults to plan, all stacks, 4 in parallel", () => {
        const a = parseCli([]);
        assert.deepStrictEqual(
            [a.command, a.env, a.parallel, a.json, a.yes],
            ["plan", undefined, 4, false, false],
        );
    });

    it("rejects an unknown command, naming the commands", () => {
        assert.throws(
            () => parseCli(["deploy"]),
            /unknown command "deploy"; commands: plan, preview, up, refresh, destroy, outputs, export-keys/,
        );
    });

    it("rejects a bad --parallel, naming the flag and value", () => {
        assert.throws(
            () => parseCli(["up", "--parallel", "zero"]),
            /--parallel "zero": give a whole number from 1 to 64/,
        );
    });

    it("rejects destroy without --env: it never defaults to every stack", () => {
        assert.throws(
            () => parseCli(["destroy", "--yes"]),
            /destroy: name the stacks to destroy with --env STACK\[,STACK\]/,
        );
    });

    describe("deployer-policy needs exactly one stack", () => {
        for (const argv of [["deployer-policy"], ["deployer-policy", "--env", "dev,prod"]]) {
            it(`rejects ${argv.join(" ")}`, () => {
                assert.throws(
                    () => parseCli(argv),
                    /deployer-policy: name exactly one stack with --env STACK/,
                );
            });
        }
    });

    describe("export-keys needs one stack, --out and a recipient or --plaintext", () => {
        const cases: { argv: string[]; error: RegExp }[] = [
            {
                argv: ["export-keys", "--out", "x", "--plaintext"],
                error: /name exactly one stack with --env STACK/,
            },
            { argv: ["export-keys", "--env", "dev", "--plaintext"], error: /--out DIR/ },
            { argv: ["export-keys", "--env", "dev", "--out", "x"], error: /--recipient FILE/ },
            {
                argv: [
                    "export-keys",
                    "--env",
                    "dev",
                    "--out",
                    "x",
                    "--plaintext",
                    "--recipient",
                    "k",
                ],
                error: /give either --recipient FILE \(encrypted\) or --plaintext, not both/,
            },
            {
                argv: ["export-keys", "--env", "dev", "--out", "-", "--plaintext"],
                error: /--out - would be a folder named "-"; keys are never written to stdout/,
            },
            {
                argv: ["preview", "--force"],
                error: /^UsageError: preview does not use --force: it belongs to export-keys and retire-key; drop it$/,
            },
        ];
        for (const c of cases) {
            it(`rejects ${c.argv.join(" ")}`, () => {
                assert.throws(() => parseCli(c.argv), c.error);
            });
        }

        it("accepts one stack, --out and --plaintext", () => {
            assert.strictEqual(
                parseCli(["export-keys", "--env", "dev", "--out", "x", "--plaintext"]).plaintext,
                true,
            );
        });
    });

    describe("rotate-keys and retire-key need one stack, a user and their own flags", () => {
        const cases: { argv: string[]; error: RegExp }[] = [
            {
                argv: ["rotate-keys", "--user", "a", "--recipient", "k"],
                error: /rotate-keys: name exactly one stack with --env STACK/,
            },
            {
                argv: ["rotate-keys", "--env", "dev", "--recipient", "k"],
                error: /rotate-keys: name the Run Command user with --user NAME/,
            },
            {
                argv: ["rotate-keys", "--env", "dev", "--user", "a"],
                error: /rotate-keys: give --recipient FILE, the armored OpenPGP public key/,
            },
            {
                argv: ["rotate-keys", "--env", "dev", "--user", "a", "--plaintext"],
                error: /rotate-keys: --plaintext is not offered/,
            },
            {
                argv: [
                    "rotate-keys",
                    "--env",
                    "dev",
                    "--user",
                    "a",
                    "--recipient",
                    "k",
                    "--slot",
                    "Nov",
                ],
                error: /rotate-keys: --slot "Nov": slot names are 1-32 lowercase letters, digits and hyphens/,
            },
            {
                argv: ["rotate-keys", "--env", "dev", "--user", "a", "--recipient", "k", "--force"],
                error: /^UsageError: rotate-keys does not use --force: it belongs to export-keys and retire-key; drop it$/,
            },
            {
                argv: ["retire-key", "--env", "dev", "--user", "a"],
                error: /retire-key: name the old slot to remove with --slot SLOT/,
            },
            {
                argv: [
                    "retire-key",
                    "--env",
                    "dev",
                    "--user",
                    "a",
                    "--slot",
                    "x",
                    "--recipient",
                    "k",
                ],
                error: /^UsageError: retire-key does not use --recipient: it belongs to export-keys and rotate-keys; drop it$/,
            },
            {
                argv: ["export-keys", "--env", "dev", "--out", "x", "--plaintext", "--user", "a"],
                error: /^UsageError: export-keys does not use --user: it belongs to rotate-keys and retire-key; drop it$/,
            },
        ];
        for (const c of cases) {
            it(`rejects ${c.argv.join(" ")}`, () => {
                assert.throws(() => parseCli(c.argv), c.error);
            });
        }

        it("takes retire-key's --slot and --force", () => {
            const a = parseCli([
                "retire-key",
                "--env",
                "dev",
                "--user",
                "a",
                "--slot",
                "2026-11",
                "--force",
            ]);
            assert.deepStrictEqual([a.user, a.slot, a.force], ["a", "2026-11", true]);
        });
    });

    describe("a flag the command does not use is refused, naming the flag and the command", () => {
        const apply = "up, destroy, rotate-keys and retire-key";
        const many = "preview, up, refresh, destroy and drift";
        const backend =
            "preview, up, refresh, destroy, outputs, drift, export-keys, rotate-keys and retire-key";
        const refused: { argv: string[]; flag: string; usedBy: string }[] = [
            { argv: ["plan", "--yes"], flag: "yes", usedBy: apply },
            { argv: ["plan", "--allow-replace"], flag: "allow-replace", usedBy: apply },
            { argv: ["plan", "--fail-fast"], flag: "fail-fast", usedBy: many },
            { argv: ["plan", "--parallel", "2"], flag: "parallel", usedBy: many },
            { argv: ["plan", "--backend", "s3://foo?bad=1"], flag: "backend", usedBy: backend },
            { argv: ["deployer-policy", "--backend", "./s"], flag: "backend", usedBy: backend },
            { argv: ["preview", "--yes"], flag: "yes", usedBy: apply },
            { argv: ["refresh", "--yes"], flag: "yes", usedBy: apply },
            { argv: ["preview", "--allow-replace"], flag: "allow-replace", usedBy: apply },
            { argv: ["outputs", "--fail-fast"], flag: "fail-fast", usedBy: many },
        ];
        for (const c of refused) {
            it(`refuses ${c.argv.join(" ")}`, () => {
                assert.throws(
                    () => parseCli(c.argv),
                    (err: Error) =>
                        err.message ===
                        `${c.argv[0]} does not use --${c.flag}: it belongs to ${c.usedBy}; drop it`,
                );
            });
        }

        const accepted = [
            "up --yes --allow-replace --fail-fast --parallel 2 --backend ./s",
            "destroy --env dev --yes --allow-replace",
            "refresh --fail-fast --parallel 2 --backend ./s",
            "outputs --backend ./s",
            "rotate-keys --env dev --user a --recipient k --yes --allow-replace",
            "retire-key --env dev --user a --slot x --yes --backend ./s",
            "plan --env dev --json --verbose",
        ].map((line) => line.split(" "));
        for (const argv of accepted) {
            it(`accepts ${argv.join(" ")}`, () => {
                assert.strictEqual(parseCli(argv).command, argv[0]);
            });
        }
    });

    describe("an unknown option", () => {
        it("names the option it was probably meant to be", () => {
            assert.throws(
                () => parseCli(["plan", "--envv", "dev"]),
                (err: Error) => err.message === "unknown option --envv: did you mean --env?",
            );
        });

        it("guesses nothing when no option is close", () => {
            assert.throws(
                () => parseCli(["plan", "--zzzzzz"]),
                (err: Error) =>
                    err.message === "unknown option --zzzzzz: the options are listed below",
            );
        });
    });

    describe("--emulator", () => {
        for (const command of ["preview", "up", "refresh", "destroy", "outputs", "drift"]) {
            it(`takes an emulator address for ${command}`, () => {
                const a = parseCli([
                    command,
                    "--env",
                    "dev",
                    "--emulator",
                    "http://127.0.0.1:5000/",
                ]);
                assert.strictEqual(a.emulator, "http://127.0.0.1:5000");
            });
        }

        const bad = ["localhost:4566", "ftp://127.0.0.1:5000", "http://", "127.0.0.1"];
        for (const value of bad) {
            it(`refuses ${value}, naming the flag and the form`, () => {
                assert.throws(
                    () => parseCli(["up", "--emulator", value]),
                    new RegExp(
                        `^UsageError: --emulator "${value.replace(/[.]/g, "\\.")}": give the emulator's http or https address with its host, e\\.g\\. http://127\\.0\\.0\\.1:5000`,
                    ),
                );
            });
        }

        it("refuses it for a command that uses no backend", () => {
            assert.throws(
                () => parseCli(["plan", "--emulator", "http://127.0.0.1:5000"]),
                /^UsageError: plan does not use --emulator: it belongs to preview, up, refresh, destroy, outputs and drift; drop it$/,
            );
        });

        it("refuses it with --backend: the rehearsal has a backend of its own", () => {
            assert.throws(
                () =>
                    parseCli(["up", "--emulator", "http://127.0.0.1:5000", "--backend", "./state"]),
                /--emulator uses a backend of its own \(\.pulumi-rehearsal\/state\): drop --backend/,
            );
        });
    });
});
