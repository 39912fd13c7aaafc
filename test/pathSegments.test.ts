import * as assert from "assert";
import { Piece, admitsDotDotSegment } from "../policies/pathSegments";

/** Every value the pieces admit, written out (small pieces only). */
function values(pieces: Piece[]): string[] {
    let out = [""];
    for (const { units, reps } of pieces) {
        const next: string[] = [];
        let layer = [""];
        for (let n = 0; n <= reps[1]; n++) {
            if (n >= reps[0]) next.push(...layer);
            layer = layer.flatMap((v) => units.map((u) => v + u));
        }
        out = out.flatMap((v) => next.map((w) => v + w));
    }
    return out;
}

/** How many values the pieces admit, counted without writing them out. */
function count(pieces: Piece[]): number {
    return pieces.reduce((total, { units, reps }) => {
        let sum = 0;
        for (let n = reps[0]; n <= reps[1]; n++) sum += units.length ** n;
        return total * sum;
    }, 1);
}

/** The oracle, written independently: some '/'-separated segment is exactly "..". */
const hasDotDot = (v: string) => v.split("/").includes("..");

describe("admitsDotDotSegment", () => {
    const cases: { pieces: Piece[]; expected: boolean }[] = [
        { pieces: [{ units: ["."], reps: [2, 2] }], expected: true },
        { pieces: [{ units: ["."], reps: [3, 3] }], expected: false },
        {
            pieces: [
                { units: ["."], reps: [1, 1] },
                { units: ["."], reps: [1, 1] },
            ],
            expected: true,
        },
        { pieces: [{ units: ["a", "."], reps: [1, 4] }], expected: true },
        {
            pieces: [
                { units: ["a"], reps: [1, 1] },
                { units: ["a", "."], reps: [0, 4] },
            ],
            expected: false,
        },
        { pieces: [{ units: ["/."], reps: [1, 6] }], expected: false },
        { pieces: [{ units: ["/", "."], reps: [1, 6] }], expected: true },
        {
            pieces: [
                { units: ["logs", ".."], reps: [1, 1] },
                { units: ["/x"], reps: [1, 1] },
            ],
            expected: true,
        },
        {
            pieces: [
                { units: ["x/."], reps: [0, 1] },
                { units: ["./y"], reps: [1, 1] },
            ],
            expected: true,
        },
        {
            pieces: [
                { units: ["a"], reps: [3, 9] },
                { units: ["/.."], reps: [0, 1] },
            ],
            expected: true,
        },
    ];
    for (const c of cases) {
        it(`${c.expected ? "finds" : "finds no"} ".." segment in ${JSON.stringify(c.pieces)}`, () => {
            assert.strictEqual(values(c.pieces).some(hasDotDot), c.expected, "oracle");
            assert.strictEqual(admitsDotDotSegment(c.pieces, "/"), c.expected);
        });
    }

    it("agrees with the oracle on 300 random small sequences over 'a', '.', '/'", () => {
        let seed = 7;
        const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) >>> 8) % n;
        const alphabet = ["a", ".", "/", "..", "a/", "/."];
        for (let checked = 0; checked < 300;) {
            const pieces: Piece[] = Array.from({ length: 1 + rand(3) }, () => {
                const min = rand(3);
                const units = alphabet.filter(() => rand(2) === 0);
                return { units: units.length ? units : ["."], reps: [min, min + rand(3)] };
            });
            // Writing out millions of values proves no more than a few thousand, and costs seconds.
            if (count(pieces) > 5000) {
                continue;
            }
            checked++;
            const expected = values(pieces).some(hasDotDot);
            assert.strictEqual(admitsDotDotSegment(pieces, "/"), expected, JSON.stringify(pieces));
        }
    });
});
