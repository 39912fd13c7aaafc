import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..");

/** The relative imports of a source file. */
function imports(file: string): string[] {
    const text = fs.readFileSync(file, "utf8");
    return [...text.matchAll(/(?:from|import\()\s*"(\.{1,2}\/[^"]+)"/g)].map((m) =>
        path.relative(ROOT, path.resolve(path.dirname(file), m[1])),
    );
}

describe("architecture: the arrows point one way", () => {
    for (const room of ["components", "policies"]) {
        const files = fs
            .readdirSync(path.join(ROOT, room))
            .filter((f) => f.endsWith(".ts"))
            .map((f) => path.join(ROOT, room, f));
        for (const file of files) {
            it(`${path.relative(ROOT, file)} imports no configuration, driver or program`, () => {
                const wrong = imports(file).filter((i) =>
                    /^(config|automation|program)(\/|$)/.test(i),
                );
                assert.deepStrictEqual(wrong, []);
            });
        }
    }
});
