/**
 * Whether a sequence of repeated pieces admits a value with ".." as a path segment, the prover's
 * check against path traversal (policies/parameterSafety.ts). Exact, not sampled: a walk over the
 * five places a value can stand in. No Pulumi inside.
 */

/** One piece of a value: one of `units` (a char of a class, or a word), repeated reps[0] to reps[1] times. */
export interface Piece {
    units: string[];
    reps: [number, number];
}

/** At a segment's start, after "." or "..", inside another segment, or past a ".." segment. */
type Place = "start" | "dot" | "dots" | "other" | "found";

function next(p: Place, c: string, separators: string): Place {
    if (p === "found") return p;
    if (separators.includes(c)) return p === "dots" ? "found" : "start";
    if (c !== ".") return "other";
    return p === "start" ? "dot" : p === "dot" ? "dots" : "other";
}

/** True when some value of the pieces, in order, has ".." as a segment: "..", "../x", "x/../y". */
export function admitsDotDotSegment(pieces: Piece[], separators: string): boolean {
    const walk = (p: Place, unit: string) =>
        [...unit].reduce<Place>((q, c) => next(q, c, separators), p);
    let places = new Set<Place>(["start"]);
    for (const { units, reps } of pieces) {
        const [min, max] = reps;
        const after = new Set<Place>(min === 0 ? places : []);
        let current = places;
        for (let n = 1; n <= max; n++) {
            const reached = new Set([...current].flatMap((p) => units.map((u) => walk(p, u))));
            if (n >= min) reached.forEach((p) => after.add(p));
            const same = reached.size === current.size && [...reached].every((p) => current.has(p));
            if (same && n > min) break; // every later repetition reaches the same places
            current = reached;
        }
        places = after;
    }
    return places.has("found") || places.has("dots");
}
