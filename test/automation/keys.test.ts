import * as assert from "assert";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as openpgp from "openpgp";
import * as os from "os";
import * as path from "path";
import { EXIT, main } from "../../automation/cli";
import { newSlotName } from "../../automation/commands/keys";
import { AwsTarget, KeyUsage, LastUse } from "../../automation/keyUsage";
import { Command, OpOptions, OpResult, emptyChanges } from "../../automation/stackEngine";
import { FakeEngine, ROOT, deps, result } from "../support/driverFakes";

/** The stack file as a person wrote it: comments, spacing and both the users' slot lists. */
const FILE = `# The dev stack.
config:
  aws:region: eu-west-1 # Ireland
  aws:endpoints:
    - iam: http://127.0.0.1:5000
  ssm-access:users:
    # admins
    - name: alice
      level: admin
      accessKeys: ["2026-05"]   # laptop
    - name: bob
      level: operator
      accessKeys:
        - "2026-05"
        - "2026-11"
    - name: carol
      level: read-only
`;
const NOW = new Date("2026-11-28T12:00:00Z");
const NEW_SECRET = randomBytes(30).toString("base64");
const OLD_SECRET = randomBytes(30).toString("base64");
const KEY_URN = (user: string, slot: string) =>
    `urn:pulumi:dev::ssm-access::ssm-access:users:RunCommandUsers$aws:iam/accessKey:AccessKey::ssm-access-dev-users-key-${user}-${slot}`;

const OLD_UNPROTECT = `unprotect dev ${KEY_URN("bob", "2026-05")}`;
const OLD_PROTECT = `protect dev ${KEY_URN("bob", "2026-05")}`;

const AFTER_UP = {
    runCommandUsers: {
        alice: {
            userName: "alice",
            accessKeys: {
                "2026-05": { accessKeyId: "AKIAALICEOLD0000001", secret: OLD_SECRET },
                "2026-11": { accessKeyId: "AKIAALICENEW0000001", secret: NEW_SECRET },
            },
        },
    },
};
/** What `outputs` shows (the engine masks secrets): bob's two keys. */
const MASKED = {
    runCommandUsers: {
        bob: {
            userName: "bob",
            accessKeys: {
                "2026-05": { accessKeyId: "AKIABOBOLD000000001", secret: "[secret]" },
                "2026-11": { accessKeyId: "AKIABOBNEW000000001", secret: "[secret]" },
            },
        },
    },
};

type Up = (cmd: Command, opts: OpOptions) => Promise<OpResult>;

/** The state's access keys, protected as protectFromDeletion (the default) leaves them. */
const STATE = (protect = true) =>
    [
        ["alice", "2026-05"],
        ["bob", "2026-05"],
        ["bob", "2026-11"],
    ].map(([user, slot]) => ({
        urn: KEY_URN(user, slot),
        type: "aws:iam/accessKey:AccessKey",
        protect,
    }));

/**
 * The fake engine, with bob's outputs as `outputs` shows them and the keys in its state,
 * recording the stack file at preview.
 */
class KeysEngine extends FakeEngine {
    fileAtPreview = "";
    constructor(
        dir: string,
        up: Up = async () => result({ changes: { ...emptyChanges(), create: 1 } }),
        steps: OpResult["steps"] = [],
    ) {
        super(
            {
                dev: async (cmd, opts) => {
                    if (cmd === "preview") {
                        this.fileAtPreview = fs.readFileSync(
                            path.join(dir, "Pulumi.dev.yaml"),
                            "utf8",
                        );
                        return result({ steps });
                    }
                    return up(cmd, opts);
                },
            },
            { dev: AFTER_UP },
        );
        this.state.dev = STATE();
    }
    async outputs(): Promise<Record<string, unknown>> {
        return MASKED;
    }
}

function fakeIam(
    lastUse: LastUse,
    created = new Date("2026-11-20T10:00:00Z"),
    calls: string[] = [],
) {
    const asked: { targets: AwsTarget[]; calls: string[] } = { targets: [], calls };
    const keyUsage = async (target: AwsTarget): Promise<KeyUsage> => {
        asked.targets.push(target);
        return {
            accessKeys: async (user) => {
                asked.calls.push(`ListAccessKeys ${user}`);
                return [
                    {
                        accessKeyId: "AKIABOBOLD000000001",
                        created: new Date("2026-05-02T00:00:00Z"),
                    },
                    { accessKeyId: "AKIABOBNEW000000001", created },
                ];
            },
            lastUsed: async (id) => {
                asked.calls.push(`GetAccessKeyLastUsed ${id}`);
                return lastUse;
            },
        };
    };
    return { asked, keyUsage };
}

describe("automation/commands/keys", () => {
    let dir: string;
    let stackFile: string;
    let publicKey: string;
    let privateKey: string;
    let expiredKey: string;
    before(async () => {
        ({ publicKey, privateKey } = await openpgp.generateKey({
            userIDs: [{ name: "ops" }],
            type: "curve25519",
            format: "armored",
        }));
        ({ publicKey: expiredKey } = await openpgp.generateKey({
            userIDs: [{ name: "old" }],
            type: "curve25519",
            date: new Date("2025-01-01T00:00:00Z"),
            keyExpirationTime: 86400,
            format: "armored",
        }));
    });
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ssm-access-keys-"));
        fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        stackFile = path.join(dir, "Pulumi.dev.yaml");
        fs.writeFileSync(stackFile, FILE);
        fs.writeFileSync(path.join(dir, "ops.pub.asc"), publicKey);
        fs.writeFileSync(path.join(dir, "ops.key.asc"), privateKey);
        fs.writeFileSync(path.join(dir, "expired.pub.asc"), expiredKey);
        fs.writeFileSync(path.join(dir, "notes.txt"), "not a key");
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const rotate = (extra: string[] = []) => [
        "rotate-keys",
        "--env",
        "dev",
        "--user",
        "alice",
        "--recipient",
        path.join(dir, "ops.pub.asc"),
        "--out",
        path.join(dir, "out"),
        ...extra,
    ];
    const retire = (extra: string[] = []) => [
        "retire-key",
        "--env",
        "dev",
        "--user",
        "bob",
        "--slot",
        "2026-05",
        "--yes",
        ...extra,
    ];
    const withDeps = (engine: FakeEngine, extra: Parameters<typeof deps>[1] = {}) =>
        deps(engine, { projectDir: dir, now: () => NOW, ...extra });
    const ROTATED = FILE.replace('["2026-05"]   #', '["2026-05", "2026-11"]   #');
    const RETIRED = FILE.replace('        - "2026-05"\n', "");

    describe("rotate-keys", () => {
        let engine: KeysEngine;
        let d: ReturnType<typeof deps>;
        let code: number;
        beforeEach(async () => {
            engine = new KeysEngine(dir);
            d = withDeps(engine);
            code = await main(rotate(["--yes"]), d);
        });

        it("previews and applies the stack file with the new slot, all else byte for byte", () => {
            assert.deepStrictEqual(
                [code, engine.fileAtPreview, engine.calls],
                [EXIT.ok, ROTATED, ["preview dev", "up dev"]],
            );
        });

        it("keeps the new slot in the stack file", () => {
            assert.strictEqual(fs.readFileSync(stackFile, "utf8"), ROTATED);
        });

        it("writes only the new key, encrypted to the recipient", async () => {
            const armored = fs.readFileSync(path.join(dir, "out", "dev-alice.asc"), "utf8");
            const { data } = await openpgp.decrypt({
                message: await openpgp.readMessage({ armoredMessage: armored }),
                decryptionKeys: await openpgp.readPrivateKey({ armoredKey: privateKey }),
            });
            assert.strictEqual(
                data,
                `[dev-alice-2026-11]\naws_access_key_id = AKIAALICENEW0000001\naws_secret_access_key = ${NEW_SECRET}\n`,
            );
        });

        it("shows no secret on stdout or stderr", () => {
            const shown = d.out.text + d.err.text;
            assert.ok(!shown.includes(NEW_SECRET) && !shown.includes(OLD_SECRET));
        });

        it("prints the retire-key command for the old slot", () => {
            assert.match(
                d.out.text,
                /then retire that slot:\n {2}npm run stacks -- retire-key --env dev --user alice --slot 2026-05\n/,
            );
        });
    });

    it("rotate-keys names the slot --slot gives", async () => {
        const engine = new KeysEngine(dir);
        await main(rotate(["--yes", "--slot", "q4"]), withDeps(engine));
        assert.strictEqual(engine.fileAtPreview, FILE.replace('["2026-05"]', '["2026-05", "q4"]'));
    });

    describe("rotate-keys puts the stack file back exactly", () => {
        const cases: {
            what: string;
            argv: string[];
            up?: Up;
            tty?: boolean;
            checkFails?: boolean;
        }[] = [
            { what: "when the apply is declined", argv: [], tty: true },
            {
                what: "when the apply fails",
                argv: ["--yes"],
                up: async () => {
                    throw new Error("LimitExceeded: Cannot exceed quota for AccessKeysPerUser: 2");
                },
            },
            { what: "when the new configuration is refused", argv: ["--yes"], checkFails: true },
        ];
        for (const c of cases) {
            it(c.what, async () => {
                const d = withDeps(new KeysEngine(dir, c.up), {
                    stdinIsTTY: c.tty ?? false,
                    checkConfig: async () => {
                        if (c.checkFails) {
                            throw new Error("Invalid configuration");
                        }
                    },
                });
                const code = await main(rotate(c.argv), d);
                assert.deepStrictEqual(
                    [
                        code,
                        fs.readFileSync(stackFile, "utf8"),
                        fs.existsSync(path.join(dir, "out")),
                    ],
                    [EXIT.failed, FILE, false],
                );
            });
        }
    });

    describe("rotate-keys refuses before anything changes", () => {
        const cases: { what: string; extra: string[]; error: RegExp; code?: number }[] = [
            {
                what: "an unknown user",
                extra: ["--yes", "--user", "dave"],
                error: /--user "dave": no such user in ssm-access:users in Pulumi.dev.yaml \(users: alice, bob, carol\)/,
            },
            {
                what: "a user with two slots, naming the retire step",
                extra: ["--yes", "--user", "bob"],
                error: /--user "bob" already has two key slots \(2026-05, 2026-11\), AWS's limit of two access keys per user: retire the old one first \(npm run stacks -- retire-key --env dev --user bob --slot 2026-05\)/,
            },
            {
                what: "a user with no slots, saying how to add the first",
                extra: ["--yes", "--user", "carol"],
                error: /user "carol" has no access key slots, so there is no key to rotate: add the first one by hand/,
            },
            {
                what: "a --slot the user already has",
                extra: ["--yes", "--slot", "2026-05"],
                error: /--slot "2026-05": user "alice" already has a slot of that name: give a new name/,
            },
            {
                what: "a missing recipient file",
                extra: ["--yes", "--recipient", "/nonexistent/ops.asc"],
                error: /--recipient "\/nonexistent\/ops.asc": cannot read it \(ENOENT\); give the path of an armored OpenPGP public key/,
            },
            {
                what: "a private key as recipient",
                extra: ["--yes", "--recipient", "DIR/ops.key.asc"],
                error: /--recipient ".*ops.key.asc" is a PRIVATE key: give the recipient's public key/,
            },
            {
                what: "a recipient file that is not a key",
                extra: ["--yes", "--recipient", "DIR/notes.txt"],
                error: /--recipient ".*notes.txt" is not an armored OpenPGP public key \(.*\): give a file holding gpg --export --armor KEYID/,
            },
            {
                what: "an expired recipient key",
                extra: ["--yes", "--recipient", "DIR/expired.pub.asc"],
                error: /--recipient ".*expired.pub.asc" expired on 2025-01-02, so nothing can be encrypted to it/,
            },
            {
                what: "no --yes without a terminal",
                extra: [],
                error: /rotate-keys changes infrastructure: pass --yes/,
                code: EXIT.usage,
            },
        ];
        for (const c of cases) {
            it(c.what, async () => {
                const argv = rotate(c.extra.map((a) => a.replace("DIR/", `${dir}/`)));
                const engine = new KeysEngine(dir);
                const d = withDeps(engine);
                const code = await main(argv, d);
                assert.deepStrictEqual(
                    [code, fs.readFileSync(stackFile, "utf8"), engine.calls],
                    [c.code ?? EXIT.failed, FILE, []],
                );
                assert.match(d.err.text, c.error);
            });
        }
    });

    describe("rotate-keys on a stack file without users", () => {
        const noUsers = async () => {
            fs.writeFileSync(stackFile, "config:\n  aws:region: eu-west-1\n");
            const d = withDeps(new KeysEngine(dir));
            return { code: await main(rotate(["--yes"]), d), err: d.err.text };
        };

        it("says the users come from Pulumi.yaml when it sets them for every stack", async () => {
            const project = path.join(dir, "Pulumi.yaml");
            const text = fs.readFileSync(project, "utf8");
            fs.writeFileSync(
                project,
                text.replace(
                    "    default: []\n  documents:",
                    '    value: [{ name: alice, level: admin, accessKeys: ["2026-05"] }]\n  documents:',
                ),
            );
            const { code, err } = await noUsers();
            assert.strictEqual(code, EXIT.failed);
            assert.match(
                err,
                /users come from Pulumi.yaml \(config users, shared by every stack\)/,
            );
        });

        it("says the stack declares no users when Pulumi.yaml's default is empty", async () => {
            const { code, err } = await noUsers();
            assert.strictEqual(code, EXIT.failed);
            assert.match(err, /Pulumi.dev.yaml declares no users \(ssm-access:users\)/);
        });
    });

    it("newSlotName takes today's month, else today's date", () => {
        assert.deepStrictEqual(
            [newSlotName(NOW, ["2026-05"]), newSlotName(NOW, ["2026-11"])],
            ["2026-11", "2026-11-28"],
        );
    });

    describe("retire-key", () => {
        it("asks IAM where the stack's provider points, about the old key", async () => {
            const iam = fakeIam({ service: "N/A", region: "N/A" });
            await main(retire(), withDeps(new KeysEngine(dir), { keyUsage: iam.keyUsage }));
            assert.deepStrictEqual(iam.asked, {
                targets: [{ region: "eu-west-1", iamEndpoint: "http://127.0.0.1:5000" }],
                calls: ["ListAccessKeys bob", "GetAccessKeyLastUsed AKIABOBOLD000000001"],
            });
        });

        it("removes the slot and applies, letting through the old key's deletion only", async () => {
            const engine = new KeysEngine(dir, undefined, [
                {
                    op: "delete",
                    urn: KEY_URN("bob", "2026-05"),
                    type: "aws:iam/accessKey:AccessKey",
                },
            ]);
            const iam = fakeIam({ date: new Date("2026-11-19T08:00:00Z") });
            const code = await main(retire(), withDeps(engine, { keyUsage: iam.keyUsage }));
            assert.deepStrictEqual(
                [code, engine.fileAtPreview, fs.readFileSync(stackFile, "utf8"), engine.calls],
                [EXIT.ok, RETIRED, RETIRED, [OLD_UNPROTECT, "preview dev", "up dev"]],
            );
        });

        it("still refuses any other guarded step, and puts the file back", async () => {
            const engine = new KeysEngine(dir, undefined, [
                {
                    op: "delete",
                    urn: KEY_URN("bob", "2026-05"),
                    type: "aws:iam/accessKey:AccessKey",
                },
                {
                    op: "delete",
                    urn: KEY_URN("alice", "2026-05"),
                    type: "aws:iam/accessKey:AccessKey",
                },
            ]);
            const d = withDeps(engine, { keyUsage: fakeIam({}).keyUsage });
            const code = await main(retire(), d);
            assert.deepStrictEqual(
                [code, fs.readFileSync(stackFile, "utf8"), engine.calls],
                [EXIT.failed, FILE, [OLD_UNPROTECT, "preview dev", OLD_PROTECT]],
            );
            assert.match(d.err.text, /ssm-access-dev-users-key-alice-2026-05/);
        });

        it("refuses, unprotecting nothing, while IAM shows the old key used since the new one was created", async () => {
            const engine = new KeysEngine(dir);
            const d = withDeps(engine, {
                keyUsage: fakeIam({
                    date: new Date("2026-11-27T08:00:00Z"),
                    service: "ssm",
                    region: "eu-west-1",
                }).keyUsage,
            });
            const code = await main(retire(), d);
            assert.deepStrictEqual(
                [code, fs.readFileSync(stackFile, "utf8"), engine.calls],
                [EXIT.failed, FILE, []],
            );
            assert.match(
                d.err.text,
                /last used at 2026-11-27T08:00:00.000Z \(ssm, eu-west-1\), after the new key was created at 2026-11-20T10:00:00.000Z: a client still uses it.*Nothing was changed/,
            );
        });

        it("--force asks IAM nothing and says what it skips", async () => {
            const engine = new KeysEngine(dir);
            const d = withDeps(engine);
            const code = await main(retire(["--force"]), d);
            assert.strictEqual(code, EXIT.ok);
            assert.match(
                d.err.text,
                /--force: IAM was not asked whether the key in slot 2026-05 was used since the key in slot 2026-11 was created; a client still using it is refused once it is deleted/,
            );
        });

        it("names --force when IAM cannot be asked", async () => {
            const d = withDeps(new KeysEngine(dir), {
                keyUsage: async () => {
                    throw new Error("Could not load credentials from any providers");
                },
            });
            const code = await main(retire(), d);
            assert.deepStrictEqual([code, fs.readFileSync(stackFile, "utf8")], [EXIT.failed, FILE]);
            assert.match(
                d.err.text,
                /asking http:\/\/127.0.0.1:5000 about the access keys of "bob" failed \(Could not load credentials from any providers\): check the AWS credentials .* or pass --force/,
            );
        });

        describe("with the old key protected in state (protectFromDeletion)", () => {
            const deleteOld = [
                {
                    op: "delete",
                    urn: KEY_URN("bob", "2026-05"),
                    type: "aws:iam/accessKey:AccessKey",
                },
            ];

            it("unprotects exactly the old key, after IAM's verdict and before the preview", async () => {
                const engine = new KeysEngine(dir, undefined, deleteOld);
                const iam = fakeIam(
                    { date: new Date("2026-11-19T08:00:00Z") },
                    undefined,
                    engine.calls,
                );
                const d = withDeps(engine, { keyUsage: iam.keyUsage });
                const code = await main(retire(), d);
                assert.deepStrictEqual(
                    [code, engine.calls],
                    [
                        EXIT.ok,
                        [
                            "ListAccessKeys bob",
                            "GetAccessKeyLastUsed AKIABOBOLD000000001",
                            OLD_UNPROTECT,
                            "preview dev",
                            "up dev",
                        ],
                    ],
                );
            });

            it("says so on stderr, with the key's URN", async () => {
                const d = withDeps(new KeysEngine(dir, undefined, deleteOld));
                await main(retire(["--force"]), d);
                assert.ok(
                    d.err.text.includes(
                        `retire-key: unprotecting the old key ${KEY_URN("bob", "2026-05")} for its deletion; re-protected if nothing is applied.\n`,
                    ),
                );
            });

            const unapplied: {
                what: string;
                up?: Up;
                steps?: OpResult["steps"];
                tty?: boolean;
            }[] = [
                { what: "when the apply is declined", tty: true },
                {
                    what: "when the guard refuses the preview",
                    steps: [
                        ...deleteOld,
                        {
                            op: "delete",
                            urn: KEY_URN("alice", "2026-05"),
                            type: "aws:iam/accessKey:AccessKey",
                        },
                    ],
                },
                {
                    what: "when the apply fails",
                    up: async () => {
                        throw new Error("AccessDenied: iam:DeleteAccessKey");
                    },
                },
            ];
            for (const c of unapplied) {
                it(`re-protects it and puts the file back ${c.what}`, async () => {
                    const engine = new KeysEngine(dir, c.up, c.steps ?? deleteOld);
                    const d = withDeps(engine, { stdinIsTTY: c.tty ?? false });
                    const code = await main(
                        retire(["--force"]).filter((a) => !(c.tty && a === "--yes")),
                        d,
                    );
                    assert.deepStrictEqual(
                        [
                            code,
                            fs.readFileSync(stackFile, "utf8"),
                            engine.calls.filter((x) => /protect/.test(x)),
                            engine.state.dev,
                        ],
                        [EXIT.failed, FILE, [OLD_UNPROTECT, OLD_PROTECT], STATE()],
                    );
                });
            }

            it("re-protects nothing when the failed apply deleted the key already", async () => {
                const engine: KeysEngine = new KeysEngine(
                    dir,
                    async () => {
                        engine.state.dev = engine.state.dev.filter(
                            (r) => r.urn !== KEY_URN("bob", "2026-05"),
                        );
                        throw new Error("the update was interrupted");
                    },
                    deleteOld,
                );
                const d = withDeps(engine);
                const code = await main(retire(["--force"]), d);
                assert.deepStrictEqual(
                    [code, engine.calls.filter((x) => /protect/.test(x))],
                    [EXIT.failed, [OLD_UNPROTECT]],
                );
                assert.match(
                    d.err.text,
                    /the old key \S+key-bob-2026-05 is no longer in the state \(up deleted it before it stopped\): nothing to re-protect/,
                );
            });

            it("names the command to run when re-protecting fails", async () => {
                const engine = new KeysEngine(dir, async () => {
                    throw new Error("AccessDenied: iam:DeleteAccessKey");
                });
                engine.setProtect = async (_stack, urn, protect) => {
                    engine.calls.push(`${protect ? "protect" : "unprotect"} dev ${urn}`);
                    if (protect) {
                        throw new Error("the backend is unreachable");
                    }
                };
                const d = withDeps(engine);
                await main(retire(["--force"]), d);
                assert.ok(
                    d.err.text.includes(
                        `retire-key: re-protecting the old key failed (the backend is unreachable): run pulumi state protect --yes --stack dev '${KEY_URN("bob", "2026-05")}', or up, which protects it again.\n`,
                    ),
                );
            });

            it("edits no state of a key protectFromDeletion: false left unprotected", async () => {
                const engine = new KeysEngine(dir, undefined, deleteOld);
                engine.state.dev = STATE(false);
                const code = await main(retire(["--force"]), withDeps(engine));
                assert.deepStrictEqual([code, engine.calls], [EXIT.ok, ["preview dev", "up dev"]]);
            });

            it("refuses, changing nothing, when the old key is not in the state", async () => {
                const engine = new KeysEngine(dir);
                engine.state.dev = STATE().filter((r) => r.urn !== KEY_URN("bob", "2026-05"));
                const d = withDeps(engine);
                const code = await main(retire(["--force"]), d);
                assert.deepStrictEqual(
                    [code, fs.readFileSync(stackFile, "utf8"), engine.calls],
                    [EXIT.failed, FILE, []],
                );
                assert.match(
                    d.err.text,
                    /the state of stack "dev" has no access key ssm-access-dev-users-key-bob-2026-05 \(slot 2026-05 of "bob"\), so there is no key to retire: run preview --env dev .* Nothing was changed/,
                );
            });

            it("refuses, changing nothing, when unprotecting fails", async () => {
                const engine = new KeysEngine(dir);
                engine.setProtect = async () => {
                    throw new Error("pulumi state unprotect: error: the stack is locked");
                };
                const d = withDeps(engine);
                const code = await main(retire(["--force"]), d);
                assert.deepStrictEqual(
                    [code, fs.readFileSync(stackFile, "utf8"), engine.calls],
                    [EXIT.failed, FILE, []],
                );
                assert.match(
                    d.err.text,
                    /unprotecting the old key \S+key-bob-2026-05 failed \(pulumi state unprotect: error: the stack is locked\)\. Nothing was changed/,
                );
            });
        });

        describe("refuses before anything changes", () => {
            const cases: { what: string; extra: string[]; error: RegExp }[] = [
                {
                    what: "a slot that does not exist",
                    extra: ["--slot", "2025-01"],
                    error: /--slot "2025-01": user "bob" of Pulumi.dev.yaml has no such slot \(slots: 2026-05, 2026-11\): give one of them/,
                },
                {
                    what: "the user's only slot",
                    extra: ["--user", "alice"],
                    error: /--slot "2026-05" is the only key slot of "alice", so no newer key replaces it: rotate first/,
                },
                {
                    what: "an unknown user",
                    extra: ["--user", "dave"],
                    error: /--user "dave": no such user/,
                },
            ];
            for (const c of cases) {
                it(c.what, async () => {
                    const engine = new KeysEngine(dir);
                    const d = withDeps(engine);
                    const code = await main(retire(c.extra), d);
                    assert.deepStrictEqual(
                        [code, fs.readFileSync(stackFile, "utf8"), engine.calls],
                        [EXIT.failed, FILE, []],
                    );
                    assert.match(d.err.text, c.error);
                });
            }
        });
    });
});
