import * as assert from "assert";
import { ParameterRule } from "../policies/parameterSafety";
import { runtimeReferences, unsafeSplices } from "../policies/ssmDocument";

describe("unsafeSplices", () => {
    const params: Record<string, ParameterRule> = {
        Service: { type: "String", allowedPattern: "^[a-z][a-z0-9-]{0,63}$" },
        Unit: { type: "String", allowedValues: ["nginx", "app"] },
        Free: { type: "String" },
        Empty: { type: "String", allowedValues: [] },
        Count: { type: "Integer" },
        Listed: { type: "Integer", allowedValues: ["1", "2"] },
        Signed: { type: "Integer", allowedPattern: "^-?[0-9]{1,3}$" },
        Bounded: { type: "Integer", allowedPattern: "^[0-9]{1,3}$" },
        Force: { type: "Boolean" },
    };
    const names = (commands: string[]) =>
        unsafeSplices(commands, params, "Linux").map((s) => s.name);

    it("names a String allowedPattern parameter spliced with {{ }}", () => {
        assert.deepStrictEqual(
            unsafeSplices(["systemctl restart {{ Service }}"], params, "Linux"),
            [{ name: "Service", type: "String" }],
        );
    });
    it("names a free-form String parameter", () => {
        assert.deepStrictEqual(names(["echo {{ Free }}"]), ["Free"]);
    });
    it("finds a splice written without spaces", () => {
        assert.deepStrictEqual(names(["echo {{Free}}"]), ["Free"]);
    });
    it("passes an allowedValues parameter", () => {
        assert.deepStrictEqual(names(["systemctl restart {{ Unit }}"]), []);
    });
    it("treats an empty allowedValues list as no list", () => {
        assert.deepStrictEqual(names(["echo {{ Empty }}"]), ["Empty"]);
    });
    it("names an Integer without allowedPattern, allowedValues or not", () => {
        assert.deepStrictEqual(unsafeSplices(["kill {{ Count }} {{ Listed }}"], params, "Linux"), [
            { name: "Count", type: "Integer", refusal: undefined },
            { name: "Listed", type: "Integer", refusal: undefined },
        ]);
    });
    it("names an Integer whose allowedPattern admits '-1', with the prover's reason", () => {
        const [splice] = unsafeSplices(["kill {{ Signed }}"], params, "Linux");
        assert.strictEqual(splice.name, "Signed");
        assert.match(splice.refusal?.construct ?? "", /leading '-'/);
    });
    it("passes an Integer with a proven allowedPattern, and a Boolean", () => {
        assert.deepStrictEqual(names(["sleep {{ Bounded }} {{ Force }}"]), []);
    });
    it("passes a parameter read from its environment variable", () => {
        assert.deepStrictEqual(names(['systemctl restart "$SSM_Service"']), []);
    });
    it("ignores run-time references and undeclared names", () => {
        assert.deepStrictEqual(names(["echo {{ssm:/app/x}} {{ Nope }}"]), []);
    });
    it("lists each name once, in order of first splice across commands", () => {
        const commands = ["echo {{ Free }}", "x {{ Service }} {{ Free }}", "{{Service}}"];
        assert.deepStrictEqual(names(commands), ["Free", "Service"]);
    });
});

describe("runtimeReferences", () => {
    const found: { command: string; references: string[] }[] = [
        { command: "deploy {{ssm:/app/release}}", references: ["{{ssm:/app/release}}"] },
        { command: "echo {{ ssm:/a }} {{ssm:b}}", references: ["{{ ssm:/a }}", "{{ssm:b}}"] },
        { command: "echo {{ssm-secure:/db/pw}}", references: ["{{ssm-secure:/db/pw}}"] },
        {
            command: "echo {{resolve:secretsmanager:x}}",
            references: ["{{resolve:secretsmanager:x}}"],
        },
        { command: "echo {{ssm:/a", references: ["{{ssm:/a"] },
        { command: "echo {{{{ Unit }}}}", references: ["{{{{ Unit }}}}"] },
        { command: "echo {{ssm{{ Unit }}}}", references: ["{{ssm{{ Unit }}}}"] },
    ];
    for (const c of found) {
        it(`finds ${JSON.stringify(c.references)} in ${JSON.stringify(c.command)}`, () => {
            assert.deepStrictEqual(runtimeReferences(c.command), c.references);
        });
    }
    const none = [
        "systemctl restart {{ Service }}",
        "docker ps --format '{{.Names}}: {{.Status}}'",
        'echo "${SSM_Service:-none}"',
        'echo \'{"a":{"b":1}}\'',
    ];
    for (const command of none) {
        it(`finds none in ${JSON.stringify(command)}`, () => {
            assert.deepStrictEqual(runtimeReferences(command), []);
        });
    }
});
