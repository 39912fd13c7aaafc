import * as assert from "assert";
import { ConfigError, parseStackConfig, validateStack } from "../../config";
import { emptyStack } from "../../config/raw";
import { closest, keyPath } from "../../config/problems";
import { problems } from "../support/config";

const OPERATOR = { name: "op", level: "operator" };

const DOC = {
    name: "RestartService",
    description: "Restart one allow-listed service",
    parameters: { Service: { description: "Service", allowedValues: ["nginx", "app"] } },
    commands: ["systemctl restart {{ Service }}"],
};

describe("config/problems: misspelt keys at every depth", () => {
    const cases: { what: string; raw: Record<string, unknown>; line: string }[] = [
        {
            what: "a top-level setting",
            raw: { instanceMod: "guide" },
            line: 'ssm-access:instanceMod = "guide": is not a setting of this project; did you mean "instanceMode"?',
        },
        {
            what: "a user's accessKeys",
            raw: { users: [{ name: "a", level: "admin", accesKeys: ["2026-11"] }] },
            line: 'ssm-access:users[0].accesKeys = ["2026-11"]: is not a setting of ssm-access:users[0]; did you mean "accessKeys"?',
        },
        {
            what: "a policy list on a user",
            raw: { users: [{ name: "a", level: "admin", policyArns: [] }] },
            line: "ssm-access:users[0].policyArns = []: is not a setting of ssm-access:users[0]; known: name, level, accessKeys",
        },
        {
            what: "a relaunch entry's instanceType",
            raw: { relaunch: [{ instanceId: "i-0123456789abcdef0", instanceTyp: "t3.micro" }] },
            line: 'ssm-access:relaunch[0].instanceTyp = "t3.micro": is not a setting of ssm-access:relaunch[0]; did you mean "instanceType"?',
        },
        {
            what: "a document parameter's allowedValues",
            raw: {
                documents: [
                    { ...DOC, parameters: { Service: { description: "S", alowedValues: ["a"] } } },
                ],
            },
            line: 'ssm-access:documents[0].parameters.Service.alowedValues = ["a"]: is not a setting of ssm-access:documents[0].parameters.Service; did you mean "allowedValues"?',
        },
        {
            what: "the operator tag's value",
            raw: {
                users: [OPERATOR],
                documents: [DOC],
                operatorAccess: {
                    documents: ["RestartService"],
                    instanceTag: { key: "k", vaule: "v" },
                },
            },
            line: 'ssm-access:operatorAccess.instanceTag.vaule = "v": is not a setting of ssm-access:operatorAccess.instanceTag; did you mean "value"?',
        },
        {
            what: "the private network's cidrBlock",
            raw: { privateNetwork: { cidr: "10.40.0.0/16" } },
            line: 'ssm-access:privateNetwork.cidr = "10.40.0.0/16": is not a setting of ssm-access:privateNetwork; did you mean "cidrBlock"?',
        },
    ];
    for (const c of cases) {
        it(`names ${c.what} and the closest known key`, async () => {
            const found = await problems(c.raw);
            assert.ok(
                found.some((p) => p.startsWith(c.line)),
                `expected a line starting\n  ${c.line}\ngot\n  ${found.join("\n  ")}`,
            );
        });
    }
});

describe("config/problems: one error for every problem", () => {
    it("reports problems in different areas together, cross-key rules included", async () => {
        const found = await problems({
            rolePath: "ssm",
            users: [{ name: "bad name", level: "admin" }],
            outputKeyPrefix: "runs/",
        });
        assert.deepStrictEqual(
            found.map((p) => p.split(" = ")[0]),
            ["ssm-access:rolePath", "ssm-access:users[0].name", "ssm-access:outputKeyPrefix"],
        );
    });

    const together: { what: string; raw: Record<string, unknown>; lines: string[] }[] = [
        {
            what: "an undeclared operator document beside a typo in the operator tag",
            raw: {
                users: [OPERATOR],
                documents: [DOC],
                operatorAccess: { documents: ["Restart"], instanceTag: { key: "k", valeu: "v" } },
            },
            lines: [
                'ssm-access:operatorAccess.instanceTag.value is missing: operators need the tag of the instances they may target, e.g. { key: "ssm-access:operators", value: "web" }',
                'ssm-access:operatorAccess.instanceTag.valeu = "v": is not a setting of ssm-access:operatorAccess.instanceTag; did you mean "value"? known: key, value',
                'ssm-access:operatorAccess.documents[0] = "Restart": is not a document this stack declares; operators run only declared, constrained documents (declared: RestartService)',
            ],
        },
        {
            what: "a duplicate user beside a user with no name",
            raw: {
                users: [
                    { name: "alice", level: "admin" },
                    { name: "Alice", level: "admin" },
                    { level: "admin" },
                ],
            },
            lines: [
                "ssm-access:users[2].name is missing: must be an IAM user name: 1-64 characters of letters, digits and +=,.@_-",
                'ssm-access:users[1].name = "Alice": is listed twice (IAM user names are case-insensitive): remove the duplicate',
            ],
        },
        {
            what: "every conflict of a relaunch entry with privateNetwork, the missing network included",
            raw: {
                relaunch: [
                    {
                        instanceId: "i-0123456789abcdef0",
                        subnetId: "subnet-0123456789abcdef0",
                        securityGroupIds: ["sg-0123456789abcdef0"],
                        privateNetwork: true,
                    },
                ],
            },
            lines: [
                'ssm-access:relaunch[0].securityGroupIds = ["sg-0123456789abcdef0"]: cannot be set with privateNetwork: true, which uses the network\'s instance security group',
                'ssm-access:relaunch[0].subnetId = "subnet-0123456789abcdef0": cannot be set with privateNetwork: true, which picks the private subnet',
                "ssm-access:relaunch[0].privateNetwork = true: needs ssm-access:privateNetwork (its cidrBlock) to be configured",
            ],
        },
        {
            what: "allowedRegions without the stack's region beside an unrelated problem",
            raw: { defaultHostManagementRole: "existing", allowedRegions: ["eu-west-1"] },
            lines: [
                'ssm-access:defaultHostManagementRole = "existing": applies only with defaultHostManagement: true: set that too, or remove this',
                'ssm-access:allowedRegions = ["eu-west-1"]: leaves out the stack\'s own region us-east-1 (aws:region), so every user would be denied ssm, ec2 and logs where this stack\'s instances run: add "us-east-1"',
            ],
        },
    ];
    for (const c of together) {
        it(`reports ${c.what} in the same round`, async () => {
            assert.deepStrictEqual(await problems(c.raw), c.lines);
        });
    }

    it("reports a cross-key problem beside an unknown top-level key in the same round", async () => {
        const found = await problems({ instanceMod: "guide", outputKeyPrefix: "runs/" });
        assert.deepStrictEqual(
            found.map((p) => p.split(" = ")[0]),
            ["ssm-access:instanceMod", "ssm-access:outputKeyPrefix"],
        );
    });

    it("does not add a cross-key complaint about a key that is itself wrong", async () => {
        const found = await problems({ outputBucket: "My_Bucket", outputKeyPrefix: "runs/" });
        assert.deepStrictEqual(
            found.map((p) => p.split(" = ")[0]),
            ["ssm-access:outputBucket"],
        );
    });

    it("reports a bad region with the settings' problems", async () => {
        const found = await problems({ instanceMode: "x" }, null);
        assert.match(found[0], /^aws:region = null: must be an AWS region such as us-east-1/);
        assert.match(found[1], /^ssm-access:instanceMode = "x": must be one of/);
    });

    it("rejects a stack before reading its values when the whole setting is the wrong shape", async () => {
        assert.deepStrictEqual(await problems({ users: "alice" }), [
            'ssm-access:users = "alice": must be a list (YAML sequence)',
        ]);
    });
});

describe("config/problems: secrets in errors", () => {
    const secretCases: {
        what: string;
        raw: Record<string, unknown>;
        secret: string[];
        hidden: string;
    }[] = [
        {
            what: "in its own message",
            raw: { existingRoleName: "arn:aws:iam::123456789012:role/TopSecretRole" },
            secret: ["existingRoleName"],
            hidden: "TopSecretRole",
        },
        {
            what: "where another key's message quotes it",
            raw: { existingRoleName: "TopSecretRole", roleName: "x" },
            secret: ["existingRoleName"],
            hidden: "TopSecretRole",
        },
        {
            what: "in a list of declared names",
            raw: {
                users: [{ name: "op", level: "operator" }],
                documents: [
                    {
                        name: "SecretDocName",
                        description: "d",
                        commands: ["uptime"],
                    },
                ],
                operatorAccess: { documents: ["Other"], instanceTag: { key: "k", value: "v" } },
            },
            secret: ["documents"],
            hidden: "SecretDocName",
        },
    ];
    for (const c of secretCases) {
        it(`masks a secret value ${c.what}`, async () => {
            await assert.rejects(
                parseStackConfig("dev", "us-east-1", c.raw, c.secret),
                (err: Error) => {
                    assert.ok(!err.message.includes(c.hidden), err.message);
                    assert.match(err.message, /\[secret\]/);
                    return true;
                },
            );
        });
    }

    it("checks the name of a secret setting it cannot read", async () => {
        assert.match((await problems({ pgpPublicKy: "[secret]" }))[0] ?? "", /pgpPublicKy/);
    });

    it("never shows the value of a setting that was set as a secret", async () => {
        await assert.rejects(
            parseStackConfig("dev", "us-east-1", { logGroupName: "bad group!" }, ["logGroupName"]),
            (err: Error) => {
                assert.match(
                    err.message,
                    /ssm-access:logGroupName = \[secret\]: must be a log group name/,
                );
                assert.ok(!err.message.includes("bad group!"));
                return true;
            },
        );
    });
});

describe("config/problems: numbers where text belongs", () => {
    it("says YAML read the value as a number, and how to quote it", async () => {
        const found = await problems({
            users: [{ name: "a", level: "admin", accessKeys: [2026] }],
        });
        assert.deepStrictEqual(found, [
            'ssm-access:users[0].accessKeys[0] = 2026: slot names are 1-32 lowercase letters, digits and hyphens, e.g. 2026-11 (YAML read 2026 as a number: quote it, "2026", or set it with pulumi config set --path ... --type string)',
        ]);
    });
});

describe("config/problems: helpers", () => {
    const paths: [PropertyKey[], string][] = [
        [["users", 1, "accessKeys"], "ssm-access:users[1].accessKeys"],
        [["tags", "aws:owner"], "ssm-access:tags.aws:owner"],
        [["instanceMode"], "ssm-access:instanceMode"],
    ];
    for (const [path, expected] of paths) {
        it(`writes ${JSON.stringify(path)} as ${expected}`, () => {
            assert.strictEqual(keyPath(path), expected);
        });
    }

    it("suggests nothing when no known key is close", () => {
        assert.strictEqual(closest("policyArns", ["name", "level", "accessKeys"]), undefined);
    });
});

/** The problems of a stack with these aws: settings and no others. */
function awsProblems(aws: Record<string, unknown>): Promise<string[]> {
    return validateStack({ ...emptyStack("t"), aws }).then(
        () => [],
        (err: ConfigError) => err.problems,
    );
}

describe("config/problems: a key that is missing", () => {
    it("says a user's level is missing instead of quoting undefined", async () => {
        assert.deepStrictEqual(await problems({ users: [{ name: "a" }] }), [
            'ssm-access:users[0].level is missing: must be one of "admin", "read-only", "operator"',
        ]);
    });

    it("says aws:region is missing instead of quoting undefined", async () => {
        assert.deepStrictEqual(await awsProblems({}), [
            "aws:region is missing: must be an AWS region such as us-east-1: run `pulumi config set aws:region us-east-1`",
        ]);
    });
});

describe("config/problems: a misspelt aws:region", () => {
    it("names the misspelt key and the one it stands for", async () => {
        assert.deepStrictEqual(await awsProblems({ regoin: "eu-west-1" }), [
            'aws:region is missing; aws:regoin = "eu-west-1" is set: did you mean aws:region? Rename it',
        ]);
    });

    it("does not guess from an aws: key that is nothing like region", async () => {
        assert.match((await awsProblems({ profile: "dev" }))[0], /^aws:region is missing: must be/);
    });
});
