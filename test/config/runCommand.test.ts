import * as assert from "assert";
import * as openpgp from "openpgp";
import { parseStackConfig } from "../../config";
import { problems } from "../support/config";

const RESTART_DOC = {
    name: "RestartService",
    description: "Restart one allow-listed service",
    parameters: { Service: { description: "Service to restart", allowedValues: ["nginx", "app"] } },
    commands: ["systemctl restart {{ Service }}"],
};
const OPERATOR_ACCESS = {
    documents: ["RestartService"],
    instanceTag: { key: "ssm-access:operators", value: "web" },
};

describe("config/runCommand: users, documents and operators", () => {
    it("reads users, documents and operator access", async () => {
        const cfg = await parseStackConfig("dev", "us-east-1", {
            users: [
                { name: "alice", level: "admin", accessKeys: ["2026-11"] },
                { name: "ops.bob", level: "operator" },
            ],
            documents: [RESTART_DOC],
            operatorAccess: OPERATOR_ACCESS,
        });
        assert.deepStrictEqual(cfg.runCommand.users, [
            { name: "alice", level: "admin", accessKeys: ["2026-11"] },
            { name: "ops.bob", level: "operator", accessKeys: [] },
        ]);
        assert.deepStrictEqual(cfg.runCommand.operatorAccess, OPERATOR_ACCESS);
        assert.deepStrictEqual(cfg.runCommand.documents![0].parameters, {
            Service: {
                type: "String",
                description: "Service to restart",
                allowedValues: ["nginx", "app"],
            },
        });
    });

    it("passes the output bucket, prefix and log group to the users, for operators to read output", async () => {
        const cfg = await parseStackConfig("dev", "us-east-1", {
            outputBucket: "cmd-out",
            outputKeyPrefix: "runs/",
            logGroupName: "/ssm/runs",
        });
        assert.deepStrictEqual(cfg.runCommand.output, {
            outputBucket: "cmd-out",
            outputKeyPrefix: "runs/",
            logGroupName: "/ssm/runs",
        });
    });

    it("reads the optional hardening, off by default", async () => {
        const off = await parseStackConfig("dev", "us-east-1", {});
        assert.deepStrictEqual(off.runCommand.hardening, { allowedRegions: [], requireMfa: false });
        const on = await parseStackConfig("dev", "us-east-1", {
            allowedRegions: ["us-east-1", "eu-west-1"],
            requireMfa: true,
        });
        assert.deepStrictEqual(on.runCommand.hardening, {
            allowedRegions: ["us-east-1", "eu-west-1"],
            requireMfa: true,
        });
    });

    it("rejects an allowed region that is not a region", async () => {
        assert.deepStrictEqual(await problems({ allowedRegions: ["us-east-1", "Frankfurt"] }), [
            'ssm-access:allowedRegions[1] = "Frankfurt": must be an AWS region such as us-east-1',
        ]);
    });

    it("refuses allowedRegions without the stack's own region, naming it", async () => {
        assert.deepStrictEqual(await problems({ allowedRegions: ["eu-west-1"] }, "us-east-1"), [
            'ssm-access:allowedRegions = ["eu-west-1"]: leaves out the stack\'s own region us-east-1 (aws:region), so every user would be denied ssm, ec2 and logs where this stack\'s instances run: add "us-east-1"',
        ]);
    });

    it("rejects an unknown level", async () => {
        assert.deepStrictEqual(await problems({ users: [{ name: "a", level: "root" }] }), [
            'ssm-access:users[0].level = "root": must be one of "admin", "read-only", "operator"',
        ]);
    });

    it("rejects operators without documents or without a tag", async () => {
        const users = [{ name: "op", level: "operator" }];
        assert.match(
            (await problems({ users }))[0],
            /^ssm-access:operatorAccess.documents is missing: operators need the names of the documents/,
        );
        assert.match(
            (
                await problems({
                    users,
                    documents: [RESTART_DOC],
                    operatorAccess: { documents: ["RestartService"] },
                })
            )[0],
            /^ssm-access:operatorAccess.instanceTag is missing: operators need the tag of the instances they may target/,
        );
    });

    it("rejects operator documents the stack does not declare, such as AWS-RunShellScript", async () => {
        const found = await problems({
            users: [{ name: "op", level: "operator" }],
            documents: [RESTART_DOC],
            operatorAccess: { ...OPERATOR_ACCESS, documents: ["AWS-RunShellScript"] },
        });
        assert.deepStrictEqual(found, [
            'ssm-access:operatorAccess.documents[0] = "AWS-RunShellScript": is not a document this stack declares; operators run only declared, constrained documents (declared: RestartService)',
        ]);
    });

    it("gives one problem, not a bogus count too, for a slot name not in a list", async () => {
        assert.deepStrictEqual(
            await problems({ users: [{ name: "a", level: "admin", accessKeys: "2026-11" }] }),
            [
                'ssm-access:users[0].accessKeys = "2026-11": must be a list of key slot names, e.g. ["2026-11"]',
            ],
        );
    });

    it("refuses operatorAccess when no user is an operator, and still checks its documents", async () => {
        const found = await problems({
            users: [{ name: "a", level: "admin" }],
            operatorAccess: { documents: ["Nope"] },
        });
        assert.deepStrictEqual(found, [
            'ssm-access:operatorAccess = {"documents":["Nope"]}: has no effect: it scopes operator users, and no user has level operator: remove it, or add a user with level: operator',
            'ssm-access:operatorAccess.documents[0] = "Nope": is not a document this stack declares; operators run only declared, constrained documents (declared: none)',
        ]);
    });

    it("refuses useManagedUserPolicies when no user is an admin", async () => {
        assert.deepStrictEqual(
            await problems({
                users: [{ name: "r", level: "read-only" }],
                useManagedUserPolicies: true,
            }),
            [
                "ssm-access:useManagedUserPolicies = true: has no effect: it chooses the admin users' policy, and no user has level admin: remove it, or add a user with level: admin",
            ],
        );
    });

    const idle: { what: string; raw: Record<string, unknown>; idle: string[] }[] = [
        {
            what: "requireMfa with no admin",
            raw: { users: [{ name: "r", level: "read-only" }], requireMfa: true },
            idle: [
                "ssm-access:requireMfa = true has no effect yet: it applies to admin users, and this stack has none",
            ],
        },
        {
            what: "allowedRegions with no users",
            raw: { allowedRegions: ["us-east-1"] },
            idle: [
                'ssm-access:allowedRegions = ["us-east-1"] has no effect yet: it restricts the users\' groups, and this stack has no users',
            ],
        },
        {
            what: "nothing when the hardening has users to apply to",
            raw: {
                users: [{ name: "a", level: "admin" }],
                requireMfa: true,
                allowedRegions: ["us-east-1"],
            },
            idle: [],
        },
    ];
    for (const c of idle) {
        it(`keeps idle hardening and says so: ${c.what}`, async () => {
            const cfg = await parseStackConfig("dev", "us-east-1", c.raw);
            assert.deepStrictEqual(cfg.idle, c.idle);
        });
    }

    it("rejects commands that use an undeclared parameter", async () => {
        const doc = { ...RESTART_DOC, commands: ["systemctl restart {{ Unit }}"] };
        assert.deepStrictEqual(await problems({ documents: [doc] }), [
            'ssm-access:documents[0].commands[0] = "systemctl restart {{ Unit }}": uses parameter "Unit", which the document does not declare under parameters',
        ]);
    });

    it("rejects an environment variable of an undeclared parameter (a typo reads as empty)", async () => {
        const doc = { ...RESTART_DOC, commands: ['systemctl restart "$SSM_Servcie"'] };
        assert.match(
            (await problems({ documents: [doc] }))[0],
            /commands\[0\] = .*: uses parameter "Servcie", which the document does not declare/,
        );
    });

    it("rejects a parameter name SSM Agent would refuse", async () => {
        const doc = {
            ...RESTART_DOC,
            parameters: { Service_Name: RESTART_DOC.parameters.Service },
            commands: ["systemctl restart {{ Service_Name }}"],
        };
        assert.deepStrictEqual(await problems({ documents: [doc] }), [
            'ssm-access:documents[0].parameters.Service_Name = "Service_Name": is not a name SSM Agent accepts: use letters and digits only (e.g. ServiceName)',
        ]);
    });
});

/** A document with one parameter, read from its environment variable. */
const withParameter = (Service: object, platform = "Linux") => ({
    name: "RestartService",
    platform,
    parameters: { Service: { description: "Service", ...Service } },
    commands: [
        platform === "Linux"
            ? 'systemctl restart "$SSM_Service"'
            : "Restart-Service $env:SSM_Service",
    ],
});

describe("config/runCommand: document parameters an operator passes to a root shell", () => {
    // Each refusal names the key path, shows the value, the unsafe construct and a safe form.
    const refused: { parameter: object; platform?: string; message: string }[] = [
        {
            parameter: {},
            message:
                'ssm-access:documents[0].parameters.Service = {"type":"String","description":"Service"}: free-form String (no allowedValues or allowedPattern): a shell by another name; operators\' values reach a root shell, so only provably inert words are accepted: use allowedPattern "^[a-z0-9][a-z0-9-]{0,63}$"',
        },
        {
            parameter: { allowedPattern: "^nginx|php-fpm|app$" },
            message:
                'ssm-access:documents[0].parameters.Service = "^nginx|php-fpm|app$": top-level alternation: ^nginx alone matches "nginx; reboot"; operators\' values reach a root shell, so only provably inert words are accepted: use allowedPattern "^(?:nginx|php-fpm|app)$"',
        },
        {
            parameter: { allowedPattern: "^[a-z0-9-]{1,32}$" },
            message:
                'ssm-access:documents[0].parameters.Service = "^[a-z0-9-]{1,32}$": first class admits a leading \'-\' (option injection); operators\' values reach a root shell, so only provably inert words are accepted: use allowedPattern "^[a-z0-9][a-z0-9-]{0,63}$"',
        },
        {
            parameter: { allowedValues: ["nginx", "nginx; reboot"] },
            message:
                'ssm-access:documents[0].parameters.Service = ["nginx","nginx; reboot"]: allowed value "nginx; reboot": unsafe character \';\'; operators\' values reach a root shell, so only provably inert words are accepted: use allowedValues that are words of [A-Za-z0-9_.:/=@,+-] not led by \'-\'',
        },
        {
            parameter: { allowedPattern: "^[A-Za-z() -]{1,32}$" },
            platform: "Windows",
            message:
                "ssm-access:documents[0].parameters.Service = \"^[A-Za-z() -]{1,32}$\": characters '(', ')', ' ' (space) in [A-Za-z() -]; operators' values reach a root PowerShell, so only provably inert words are accepted: use allowedPattern \"^[A-Za-z][A-Za-z-]{0,63}$\"",
        },
    ];
    for (const c of refused) {
        it(`refuses ${JSON.stringify(c.parameter)} on ${c.platform ?? "Linux"}`, async () => {
            assert.deepStrictEqual(
                await problems({ documents: [withParameter(c.parameter, c.platform)] }),
                [c.message],
            );
        });
    }

    it("accepts a proven pattern read from the environment", async () => {
        const doc = withParameter({ allowedPattern: "^[a-z][a-z0-9-]{0,63}$" });
        assert.deepStrictEqual(await problems({ documents: [doc] }), []);
    });

    it("accepts an allow-list spliced with {{ }}", async () => {
        assert.deepStrictEqual(await problems({ documents: [RESTART_DOC] }), []);
    });

    it("judges a pattern by the document's platform: '=' is inert to sh, not to PowerShell", async () => {
        const param = { allowedPattern: "^[a-z][a-z=]{0,15}$" };
        assert.deepStrictEqual(await problems({ documents: [withParameter(param)] }), []);
        assert.match(
            (await problems({ documents: [withParameter(param, "Windows")] }))[0],
            /parameters.Service = .*: character '=' in/,
        );
    });

    const splices: { platform: string; command: string; safe: string }[] = [
        { platform: "Linux", command: "systemctl restart {{ Service }}", safe: '"$SSM_Service"' },
        { platform: "Windows", command: "Restart-Service {{Service}}", safe: "$env:SSM_Service" },
    ];
    for (const c of splices) {
        it(`refuses a {{ }} splice of a pattern parameter on ${c.platform}, naming ${c.safe}`, async () => {
            const doc = {
                ...withParameter({ allowedPattern: "^[a-z][a-z0-9]{0,15}$" }, c.platform),
                commands: ["echo start", c.command],
            };
            assert.deepStrictEqual(await problems({ documents: [doc] }), [
                `ssm-access:documents[0].commands[1] = ${JSON.stringify(c.command)}: splices String parameter "Service" with {{ Service }}, which SSM pastes unescaped into the script: read it as ${c.safe} (SSM Agent 3.3.2746.0+ sets it), or make Service an allowedValues list`,
            ]);
        });
    }

    // A default is a value: SSM passes it when the operator gives none.
    const defaults: { parameter: object; message: string }[] = [
        {
            parameter: { allowedPattern: "^[a-z][a-z0-9-]{0,63}$", default: "nginx; reboot" },
            message:
                "ssm-access:documents[0].parameters.Service.default = \"nginx; reboot\": is not an inert word (unsafe character ';'); a default reaches the root shell like any value: give one inert word the parameter admits, or no default",
        },
        {
            parameter: { allowedPattern: "^[a-z][a-z0-9-]{0,63}$", default: "--now" },
            message:
                "ssm-access:documents[0].parameters.Service.default = \"--now\": is not an inert word (leading '-' (option injection)); a default reaches the root shell like any value: give one inert word the parameter admits, or no default",
        },
        {
            parameter: {
                allowedPattern: "^[a-z][a-z0-9-]{0,63}$",
                default: "{{ssm:/app/service}}",
            },
            message:
                "ssm-access:documents[0].parameters.Service.default = \"{{ssm:/app/service}}\": is not an inert word (glob/brace character '{'); a default reaches the root shell like any value: give one inert word the parameter admits, or no default",
        },
        {
            parameter: { allowedPattern: "^[a-z][a-z0-9-]{0,63}$", default: "Nginx" },
            message:
                'ssm-access:documents[0].parameters.Service.default = "Nginx": does not match allowedPattern "^[a-z][a-z0-9-]{0,63}$": give a value it admits, or no default',
        },
        {
            parameter: { allowedValues: ["nginx", "app"], default: "sshd" },
            message:
                'ssm-access:documents[0].parameters.Service.default = "sshd": is not one of allowedValues (nginx, app): give one of them, or no default',
        },
        {
            parameter: { type: "Integer", default: "5;reboot" },
            message:
                'ssm-access:documents[0].parameters.Service.default = "5;reboot": is not an integer: give digits, e.g. "5"',
        },
        {
            parameter: { type: "Boolean", default: "yes" },
            message:
                'ssm-access:documents[0].parameters.Service.default = "yes": is not a Boolean: give "true" or "false"',
        },
    ];
    for (const c of defaults) {
        it(`refuses the default of ${JSON.stringify(c.parameter)}`, async () => {
            assert.deepStrictEqual(await problems({ documents: [withParameter(c.parameter)] }), [
                c.message,
            ]);
        });
    }

    it("accepts a default the parameter's own rule admits", async () => {
        const doc = withParameter({ allowedPattern: "^[a-z][a-z0-9-]{0,63}$", default: "nginx" });
        assert.deepStrictEqual(await problems({ documents: [doc] }), []);
    });
});

describe("config/runCommand: keys", () => {
    it("rejects three key slots and duplicate slots", async () => {
        assert.match(
            (
                await problems({
                    users: [{ name: "a", level: "admin", accessKeys: ["k1", "k2", "k3"] }],
                })
            )[0],
            /users\[0\].accessKeys = \["k1","k2","k3"\]: has more than two slots/,
        );
        assert.match(
            (
                await problems({ users: [{ name: "a", level: "admin", accessKeys: ["k1", "k1"] }] })
            )[0],
            /users\[0\].accessKeys = \["k1","k1"\]: lists a slot twice/,
        );
    });

    it("rejects invalid user names: characters, length, duplicates", async () => {
        assert.match(
            (await problems({ users: [{ name: "bad name", level: "admin" }] }))[0],
            /users\[0\].name = "bad name": must be an IAM user name/,
        );
        assert.match(
            (await problems({ users: [{ name: "u".repeat(65), level: "admin" }] }))[0],
            /users\[0\].name = "u{65}": must be an IAM user name: 1-64/,
        );
        assert.match(
            (
                await problems({
                    users: [
                        { name: "Al", level: "admin" },
                        { name: "al", level: "read-only" },
                    ],
                })
            )[0],
            /users\[1\].name = "al": is listed twice/,
        );
    });

    it("rejects a malformed PGP key without echoing it", async () => {
        const junk =
            "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnot a key\n-----END PGP PUBLIC KEY BLOCK-----";
        const found = await problems({ pgpPublicKey: junk });
        assert.match(
            found[0],
            /^ssm-access:pgpPublicKey = \(\d+ characters, not shown\): is not an armored OpenPGP public key/,
        );
        assert.ok(!found[0].includes("not a key"));
    });

    it("refuses a private key and never prints it", async () => {
        const { privateKey } = await openpgp.generateKey({
            userIDs: [{ name: "t" }],
            type: "curve25519",
            format: "armored",
        });
        const found = await problems({ pgpPublicKey: privateKey });
        assert.match(found[0], /is a PRIVATE key: remove it from config now/);
        assert.ok(
            !found.join("\n").includes(privateKey.split("\n")[3]),
            "no line of the key appears in the error",
        );
    });

    const TEN_DAYS_AGO = new Date(Date.now() - 10 * 86_400_000);
    const EXPIRED = new Date(TEN_DAYS_AGO.getTime() + 3_600_000);
    const generated = (options: {
        date?: Date;
        keyExpirationTime?: number;
        subkeys?: openpgp.SubkeyOptions[];
    }) =>
        openpgp.generateKey({
            userIDs: [{ name: "t" }],
            type: "curve25519",
            date: options.date,
            keyExpirationTime: options.keyExpirationTime,
            subkeys: options.subkeys,
            format: "object",
        });
    const unusableKeys: {
        what: string;
        publicKey: () => Promise<string>;
        problem: RegExp;
    }[] = [
        {
            what: "a key that expired (made ten days ago, valid for an hour)",
            publicKey: async () =>
                (
                    await generated({ date: TEN_DAYS_AGO, keyExpirationTime: 3600 })
                ).publicKey.armor(),
            problem: new RegExp(
                // The day the key expired: an hour after it was made, which is the next day when made
                // after 23:00 UTC.
                `expired on ${EXPIRED.toISOString().slice(0, 10)}, so nothing can be encrypted to it: extend it \\(gpg --quick-set-expire`,
            ),
        },
        {
            what: "a revoked key",
            publicKey: async () =>
                (
                    await openpgp.revokeKey({
                        key: (await generated({})).privateKey,
                        format: "armored",
                    })
                ).publicKey,
            problem: /is revoked: give a key that is not, exported with gpg --export --armor KEYID/,
        },
        {
            what: "a signing-only key (no encryption subkey)",
            publicKey: async () => (await generated({ subkeys: [] })).publicKey.armor(),
            problem:
                /has no unexpired, non-revoked encryption subkey, so nothing can be encrypted to it: add one \(gpg --quick-add-key/,
        },
        {
            what: "a key whose only encryption subkey expired",
            publicKey: async () =>
                (
                    await generated({ date: TEN_DAYS_AGO, subkeys: [{ keyExpirationTime: 3600 }] })
                ).publicKey.armor(),
            problem: /has no unexpired, non-revoked encryption subkey/,
        },
    ];
    for (const c of unusableKeys) {
        it(`refuses ${c.what}, with one message naming the setting and no key material`, async () => {
            const armored = await c.publicKey();
            const found = await problems({ pgpPublicKey: armored });
            assert.strictEqual(found.length, 1, found.join("\n"));
            assert.match(found[0], /^ssm-access:pgpPublicKey = \(\d+ characters, not shown\): /);
            assert.match(found[0], c.problem);
            const body = armored.split("\n").filter((l) => l.length > 20 && !l.startsWith("-"));
            assert.ok(!body.some((l) => found[0].includes(l.slice(0, 20))), found[0]);
        });
    }

    it("turns an armored public key into the base64 binary form the provider takes", async () => {
        const { publicKey } = await openpgp.generateKey({
            userIDs: [{ name: "t" }],
            type: "curve25519",
            format: "armored",
        });
        const cfg = await parseStackConfig("dev", "us-east-1", { pgpPublicKey: publicKey });
        const key = await openpgp.readKey({
            binaryKey: Buffer.from(cfg.runCommand.pgpKey!, "base64"),
        });
        assert.strictEqual(
            key.getFingerprint(),
            (await openpgp.readKey({ armoredKey: publicKey })).getFingerprint(),
        );
    });
});

describe("config/runCommand: the size of a group's inline policies", () => {
    /** An operator stack with every option on: output bucket and log group, allowedRegions. */
    function operatorStack(documents: number, nameLength: number) {
        const names = Array.from(
            { length: documents },
            (_, i) => `${"D".repeat(nameLength - 2)}${String(i).padStart(2, "0")}`,
        );
        return {
            users: [{ name: "ops", level: "operator" }],
            documents: names.map((name) => ({ ...RESTART_DOC, name })),
            operatorAccess: { ...OPERATOR_ACCESS, documents: names },
            outputBucket: "cmd-out-bucket",
            outputKeyPrefix: "runs/",
            logGroupName: "/ssm/runs",
            allowedRegions: ["us-east-1"],
        };
    }
    // Measured by hand: eleven documents add 33 characters per character of name (each ARN is
    // written three times); 5,097 with 25-character names, 5,130 with 26.
    const cases = [
        { documents: 11, nameLength: 25, size: undefined },
        { documents: 11, nameLength: 26, size: 5130 },
    ];
    for (const c of cases) {
        it(`${c.documents} documents of ${c.nameLength}-character names: ${c.size ? `refused at ${c.size} characters` : "accepted"}`, async () => {
            const stack = operatorStack(c.documents, c.nameLength);
            const shown = JSON.stringify(stack.operatorAccess.documents).slice(0, 117);
            assert.deepStrictEqual(
                await problems(stack),
                c.size
                    ? [
                          `ssm-access:operatorAccess.documents = ${shown}...: the operator group's inline policies would take ${c.size} characters (JSON without whitespace), over IAM's limit of 5120 per group, and AWS would refuse them at deploy: list fewer documents, give them shorter names, or split the operators across stacks`,
                      ]
                    : [],
            );
        });
    }

    it("refuses allowedRegions that would make the admin group's policies too large", async () => {
        const regions = ["us-east-1", ...Array.from({ length: 400 }, () => "xx-east-1")];
        const found = await problems({
            users: [{ name: "alice", level: "admin" }],
            allowedRegions: regions,
        });
        assert.strictEqual(found.length, 1);
        assert.match(
            found[0],
            /^ssm-access:allowedRegions = .*: the admin group's inline policies would take \d+ characters .*: list fewer regions \(each region once\)$/,
        );
    });
});
