import * as assert from "assert";
import { AccessKeyInfo, LastUse, awsTarget, retireVerdict } from "../../automation/keyUsage";
import { fromTexts } from "../../config/raw";

const NEW_CREATED = new Date("2026-11-20T10:00:00Z");
const KEYS: AccessKeyInfo[] = [
    { accessKeyId: "AKIAOLD", created: new Date("2026-05-01T00:00:00Z") },
    { accessKeyId: "AKIANEW", created: NEW_CREATED },
];
const NOW = new Date("2026-11-28T12:00:00Z");

function verdict(lastUse: LastUse | undefined, keys = KEYS, now = NOW) {
    return retireVerdict({
        oldKeyId: "AKIAOLD",
        newKeyId: "AKIANEW",
        newSlot: "2026-11",
        keys,
        lastUse,
        now,
    });
}

describe("automation/keyUsage", () => {
    describe("retireVerdict", () => {
        const cases: {
            what: string;
            lastUse?: LastUse;
            keys?: AccessKeyInfo[];
            now?: Date;
            retire: boolean;
            why: RegExp;
        }[] = [
            {
                what: "retires a key never used (LastUsedDate absent, N/A)",
                lastUse: { service: "N/A", region: "N/A" },
                retire: true,
                why: /IAM shows the old key AKIAOLD never used/,
            },
            {
                what: "retires a key last used before the new key was created",
                lastUse: {
                    date: new Date("2026-11-19T08:00:00Z"),
                    service: "ssm",
                    region: "eu-west-1",
                },
                retire: true,
                why: /last used at 2026-11-19T08:00:00.000Z \(ssm, eu-west-1\), before the new key was created at 2026-11-20T10:00:00.000Z/,
            },
            {
                what: "keeps a key used after the new key was created",
                lastUse: {
                    date: new Date("2026-11-27T08:00:00Z"),
                    service: "ssm",
                    region: "eu-west-1",
                },
                retire: false,
                why: /last used at 2026-11-27T08:00:00.000Z \(ssm, eu-west-1\), after the new key was created at 2026-11-20T10:00:00.000Z: a client still uses it/,
            },
            {
                what: "keeps a key while the new key is younger than IAM's data lag",
                lastUse: {},
                now: new Date("2026-11-20T13:00:00Z"),
                retire: false,
                why: /less than 4 hours ago, and IAM's usage data can lag that long: run this again after 2026-11-20T14:00:00.000Z, or pass --force/,
            },
            {
                what: "keeps a key when IAM does not list the new key",
                lastUse: {},
                keys: [KEYS[0]],
                retire: false,
                why: /IAM does not list the new key AKIANEW \(slot 2026-11\) for this user: run up for the stack first/,
            },
            {
                what: "retires a key IAM no longer lists",
                keys: [KEYS[1]],
                retire: true,
                why: /IAM no longer lists the old key AKIAOLD: nobody can use it/,
            },
        ];
        for (const c of cases) {
            it(c.what, () => {
                const v = verdict(c.lastUse, c.keys, c.now);
                assert.strictEqual(v.retire, c.retire);
                assert.match(v.why, c.why);
            });
        }
    });

    describe("awsTarget, from the settings config/raw.ts reads", () => {
        const target = (stack: string, project = "name: p\n") =>
            awsTarget(fromTexts("dev", { project, stack }).aws);

        it("takes aws:region and the iam entry of aws:endpoints from the stack file", () => {
            const stack =
                "config:\n  aws:region: eu-west-1\n  aws:endpoints:\n    - sts: http://127.0.0.1:1\n    - iam: http://127.0.0.1:5000\n";
            assert.deepStrictEqual(target(stack), {
                region: "eu-west-1",
                iamEndpoint: "http://127.0.0.1:5000",
            });
        });

        const projects = [
            { how: "value", project: "config:\n  aws:region:\n    value: ap-south-1\n" },
            { how: "default", project: "config:\n  aws:region:\n    default: ap-south-1\n" },
        ];
        for (const c of projects) {
            it(`falls back to Pulumi.yaml's ${c.how} for every stack`, () => {
                assert.deepStrictEqual(target("config: {}\n", c.project), {
                    region: "ap-south-1",
                    iamEndpoint: undefined,
                });
            });

            it(`takes the stack file's region over Pulumi.yaml's ${c.how}`, () => {
                assert.strictEqual(
                    target("config:\n  aws:region: eu-west-1\n", c.project).region,
                    "eu-west-1",
                );
            });
        }

        it("aims at the region alone when aws:endpoints has no iam entry", () => {
            const stack =
                "config:\n  aws:region: eu-west-1\n  aws:endpoints:\n    - sts: http://127.0.0.1:1\n";
            assert.deepStrictEqual(target(stack), { region: "eu-west-1", iamEndpoint: undefined });
        });

        it("has neither when no file sets them, leaving the AWS SDK's own chain", () => {
            assert.deepStrictEqual(target("config: {}\n"), {
                region: undefined,
                iamEndpoint: undefined,
            });
        });
    });
});
