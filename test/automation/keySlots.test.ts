import * as assert from "assert";
import { userSlots } from "../../automation/keySlots";

const NONE = { projectUsers: false };

/** A stack file with comments, odd spacing and both list styles, as people write them. */
const FILE = `# yaml-language-server: $schema=./schema/stack-config.schema.json
config:
  aws:region: eu-west-1   # Ireland
  ssm-access:users:
    # the admins
    - name: alice
      level: admin
      accessKeys: [ "2026-05" ]  # rotated twice a year
    - name: bob
      level: operator
      accessKeys:
        - '2026-05'   # laptop
      # bob's notes stay here
    - name: carol
      level: read-only
  ssm-access:requireMfa: true
`;

function edit(text: string, user: string, f: (s: ReturnType<typeof userSlots>) => string) {
    return f(userSlots(text, "Pulumi.dev.yaml", user, NONE));
}

describe("automation/keySlots", () => {
    it("reads a user's slots as written", () => {
        assert.deepStrictEqual(userSlots(FILE, "Pulumi.dev.yaml", "bob", NONE).slots, ["2026-05"]);
    });

    it("adds a slot to a flow list, changing only that list", () => {
        assert.strictEqual(
            edit(FILE, "alice", (s) => s.adding("2026-11")),
            FILE.replace('[ "2026-05" ]  #', '["2026-05", "2026-11"]  #'),
        );
    });

    it("adds a slot to a block list as a new line in the same style, after the last slot", () => {
        assert.strictEqual(
            edit(FILE, "bob", (s) => s.adding("2026-11")),
            FILE.replace("'2026-05'   # laptop\n", "'2026-05'   # laptop\n        - '2026-11'\n"),
        );
    });

    it("removes a slot from a flow list, changing only that list", () => {
        const two = FILE.replace('[ "2026-05" ]', '["2026-05", "2026-11"]');
        assert.strictEqual(
            edit(two, "alice", (s) => s.removing("2026-05")),
            FILE.replace('[ "2026-05" ]', '["2026-11"]'),
        );
    });

    it("removes a slot's line from a block list, keeping the comments after it", () => {
        const two = FILE.replace(
            "'2026-05'   # laptop\n",
            "'2026-05'   # laptop\n        - '2026-11'\n",
        );
        assert.strictEqual(
            edit(two, "bob", (s) => s.removing("2026-05")),
            FILE.replace("'2026-05'   # laptop\n", "'2026-11'\n"),
        );
    });

    describe("refuses, naming the setting, the value and the fix", () => {
        const cases: {
            what: string;
            text: string;
            user: string;
            error: RegExp;
            others?: boolean;
        }[] = [
            {
                what: "an unknown user, listing the known ones",
                text: FILE,
                user: "dave",
                error: /--user "dave": no such user in ssm-access:users in Pulumi.dev.yaml \(users: alice, bob, carol\): give one of them/,
            },
            {
                what: "a user without slots, saying how to add the first",
                text: FILE,
                user: "carol",
                error: /user "carol" has no access key slots, so there is no key to rotate: add the first one by hand \(accessKeys: \["2026-11"\] under the user in Pulumi.dev.yaml\), run up/,
            },
            {
                what: "users from Pulumi.yaml",
                text: "config:\n  aws:region: us-east-1\n",
                user: "alice",
                others: true,
                error: /users come from Pulumi.yaml \(config users, shared by every stack\), which this command does not edit: copy the users list into Pulumi.dev.yaml/,
            },
            {
                what: "users from ESC environments",
                text: "environment:\n  - team/dev\nconfig:\n  aws:region: us-east-1\n",
                user: "alice",
                error: /users come from its ESC environments \(environment:\), which this command cannot edit/,
            },
            {
                what: "a secret users setting",
                text: "config:\n  ssm-access:users:\n    secure: v1:abc\n",
                user: "alice",
                error: /ssm-access:users in Pulumi.dev.yaml is a secret \(secure:\)/,
            },
            {
                what: "a user entry sharing nodes through an anchor",
                text: "config:\n  ssm-access:users:\n    - &admin\n      name: alice\n      level: admin\n      accessKeys: [a]\n",
                user: "alice",
                error: /user "alice" uses YAML anchors or aliases \(& or \*\), so editing it could change other entries/,
            },
            {
                what: "a user entry merging an alias",
                text: "x: &base {level: admin}\nconfig:\n  ssm-access:users:\n    - name: alice\n      <<: *base\n      accessKeys: [a]\n",
                user: "alice",
                error: /uses YAML anchors or aliases/,
            },
            {
                what: "a users list that is an alias",
                text: "x: &u [{name: alice, accessKeys: [a]}]\nconfig:\n  ssm-access:users: *u\n",
                user: "alice",
                error: /ssm-access:users in Pulumi.dev.yaml is a YAML alias or anchor/,
            },
            {
                what: "users written both bare and namespaced",
                text: "config:\n  users: []\n  ssm-access:users: []\n",
                user: "alice",
                error: /sets both ssm-access:users and users, and the engine picks either: keep one/,
            },
            {
                what: "a file that is not YAML",
                text: "config: [\n",
                user: "alice",
                error: /Pulumi.dev.yaml is not valid YAML/,
            },
            {
                what: "a flow list over several lines",
                text: 'config:\n  ssm-access:users:\n    - name: alice\n      accessKeys: ["a",\n        "b"]\n',
                user: "alice",
                error: /accessKeys is a list written over several lines/,
            },
        ];
        for (const c of cases) {
            it(c.what, () => {
                assert.throws(
                    () =>
                        userSlots(c.text, "Pulumi.dev.yaml", c.user, {
                            projectUsers: c.others ?? false,
                        }).adding("z"),
                    c.error,
                );
            });
        }

        it("a slot the user does not have", () => {
            assert.throws(
                () => edit(FILE, "bob", (s) => s.removing("2025-01")),
                /--slot "2025-01": ssm-access:users in Pulumi.dev.yaml, user "bob" has no such slot \(slots: 2026-05\)/,
            );
        });
    });
});
