import * as assert from "assert";
import { problems } from "../support/config";

/** A Linux document with these parameters and commands. */
const doc = (parameters: Record<string, object>, commands: string[], platform = "Linux") => ({
    name: "Deploy",
    platform,
    parameters,
    commands,
});
const RELEASE = {
    Release: { description: "Release", allowedPattern: "^[a-z0-9][a-z0-9.]{0,31}$" },
};

describe("config/documents: run-time references in commands", () => {
    it("refuses a Parameter Store reference, naming the command, the reference and the fix", async () => {
        const command = "/opt/app/deploy.sh {{ssm:/app/release}}";
        assert.deepStrictEqual(await problems({ documents: [doc({}, ["echo start", command])] }), [
            `ssm-access:documents[0].commands[1] = "/opt/app/deploy.sh {{ssm:/app/release}}": contains the run-time reference "{{ssm:/app/release}}": SSM Agent replaces {{ssm:name}} with the Parameter Store value when the command runs and pastes it unescaped into the root shell (other {{prefix:...}} forms are refused alike), so whoever can change that value runs code as root: pass it as a declared, constrained parameter read as "$SSM_Name", or fetch it in the script with aws ssm get-parameter`,
        ]);
    });

    it("names $env:SSM_Name and PowerShell on Windows", async () => {
        const [message] = await problems({
            documents: [doc({}, ["Write-Output {{ssm:/app/x}}"], "Windows")],
        });
        assert.match(message, /into the root PowerShell .* read as \$env:SSM_Name,/);
    });

    const references: { command: string; reference: string }[] = [
        { command: "echo {{ ssm:/app/x }}", reference: "{{ ssm:/app/x }}" },
        { command: "echo {{ssm-secure:/db/password}}", reference: "{{ssm-secure:/db/password}}" },
        { command: "echo {{resolve:ssm:/app/x}}", reference: "{{resolve:ssm:/app/x}}" },
        { command: "echo {{ssm:/app/x:3}}", reference: "{{ssm:/app/x:3}}" },
        { command: "echo {{ssm:/app/x", reference: "{{ssm:/app/x" },
    ];
    for (const c of references) {
        it(`refuses ${JSON.stringify(c.reference)}`, async () => {
            const found = await problems({ documents: [doc({}, [c.command])] });
            assert.strictEqual(found.length, 1);
            assert.ok(
                found[0].includes(
                    `contains the run-time reference ${JSON.stringify(c.reference)}:`,
                ),
                found[0],
            );
        });
    }

    it("refuses each reference of a command once", async () => {
        const found = await problems({ documents: [doc({}, ["cp {{ssm:/a}} {{ssm:/b}}"])] });
        assert.deepStrictEqual(
            found.map((m) => /reference ("[^"]*")/.exec(m)?.[1]),
            ['"{{ssm:/a}}"', '"{{ssm:/b}}"'],
        );
    });

    it('refuses a {{ }} splice right after "{{", whose allowed value would complete a reference', async () => {
        const unit = { Unit: { description: "Unit", allowedValues: ["ssm:/app/x"] } };
        const [message] = await problems({ documents: [doc(unit, ["echo {{{{ Unit }}}}"])] });
        assert.match(
            message,
            /reference "\{\{\{\{ Unit \}\}\}\}" \(a \{\{ \}\} splice right after "\{\{" completes one with its value\)/,
        );
    });

    it("accepts braces that are no reference: a Go template, a parameter read from the environment", async () => {
        const commands = [
            "docker inspect --format '{{.State.Running}}' app",
            '/opt/app/deploy.sh "$SSM_Release"',
        ];
        assert.deepStrictEqual(await problems({ documents: [doc(RELEASE, commands)] }), []);
    });
});

describe("config/documents: Integer parameters spliced into commands", () => {
    const lines = (rule: object) => ({ Lines: { type: "Integer", description: "Lines", ...rule } });
    const TAIL = "tail -n {{ Lines }} /var/log/app.log";

    it("refuses an Integer without allowedPattern: -1 would be an option", async () => {
        assert.deepStrictEqual(await problems({ documents: [doc(lines({}), [TAIL])] }), [
            `ssm-access:documents[0].commands[0] = "tail -n {{ Lines }} /var/log/app.log": splices Integer parameter "Lines" with {{ Lines }}, and it has no allowedPattern: SSM admits any integer, and a negative one such as -1 reads as an option, or as "every process" to kill -9; make Lines a String with allowedPattern "^[0-9]{1,9}$" read as "$SSM_Lines", or give the Integer that allowedPattern (SSM Agent checks allowedPattern before running; it ignores an Integer's allowedValues)`,
        ]);
    });

    it("refuses an Integer bounded only by allowedValues, which SSM Agent does not check for Integer", async () => {
        const found = await problems({
            documents: [doc(lines({ allowedValues: ["10", "100"] }), [TAIL])],
        });
        assert.match(
            found[0],
            /^ssm-access:documents\[0\]\.commands\[0\] = .*it has no allowedPattern/,
        );
    });

    it("refuses an Integer whose allowedPattern admits a leading '-', saying why", async () => {
        const found = await problems({
            documents: [doc(lines({ allowedPattern: "^-?[0-9]{1,5}$" }), [TAIL])],
        });
        assert.match(
            found[0],
            /its allowedPattern is not proven \(first class admits a leading '-' \(option injection\)\)/,
        );
    });

    it("accepts an Integer with a proven allowedPattern", async () => {
        const rule = lines({ allowedPattern: "^[0-9]{1,5}$", default: "20" });
        assert.deepStrictEqual(await problems({ documents: [doc(rule, [TAIL])] }), []);
    });

    it("refuses a negative default its allowedPattern does not admit", async () => {
        const rule = lines({ allowedPattern: "^[0-9]{1,5}$", default: "-5" });
        assert.deepStrictEqual(await problems({ documents: [doc(rule, [TAIL])] }), [
            'ssm-access:documents[0].parameters.Lines.default = "-5": does not match allowedPattern "^[0-9]{1,5}$": give a value it admits, or no default',
        ]);
    });

    it("still lets a Boolean be spliced: SSM accepts only true or false", async () => {
        const force = { Force: { type: "Boolean", description: "Force", default: "false" } };
        const found = await problems({ documents: [doc(force, ["/opt/app/stop.sh {{ Force }}"])] });
        assert.deepStrictEqual(found, []);
    });
});

describe("config/documents: path traversal", () => {
    it("refuses a pattern that admits a '..' path segment, offering one that does not", async () => {
        const release = { Release: { description: "File", allowedPattern: "^[a-z0-9./]{1,64}$" } };
        const command = 'tail /var/log/"$SSM_Release"';
        assert.deepStrictEqual(await problems({ documents: [doc(release, [command])] }), [
            `ssm-access:documents[0].parameters.Release = "^[a-z0-9./]{1,64}$": admits ".." as a path segment (a value read as a path leaves its directory); operators' values reach a root shell, so only provably inert words are accepted: use allowedPattern "^[a-z0-9][a-z0-9.]{0,63}$"`,
        ]);
    });
});
