/**
 * Proves, by construction, that an SSM Command document parameter can only ever be one inert word
 * when SSM splices `{{ Param }}` unescaped into a root `sh` / SYSTEM PowerShell script. Never probes:
 * an allowedPattern is parsed and accepted only in a few shapes whose language is computable, and
 * only if no value has ".." as a path segment. No Pulumi inside.
 *
 * Regex dialect. The service validates allowedPattern server-side (most likely java.util.regex; AWS
 * does not document the engine) and the agent re-validates with Go's RE2 `regexp.MatchString` before
 * running (aws/amazon-ssm-agent agent/framework/docparser/paramvalidator/allowedregexparamvalidator).
 * We parse with JavaScript's grammar and accept only a subset meaning the same in JS, Java and Go:
 * ASCII literals, `\`+punctuation, alphanumeric ranges, `\d`, `\w`, `?`/`{n}`/`{m,n}`, literal-word
 * groups. Refused because dialects disagree: every `\`+letter escape except \d \w (`\z` is "z" in
 * JS, end-of-input in Java; `\p{L}` is "p{L}" in JS), `[` or `&&` inside a class (union and
 * intersection in Java, literals in JS), `[]` (empty in JS, starts a class in Java), flags.
 * Java's `$` also matches before one final line terminator (Pattern javadoc, "Line terminators"), so
 * Java admits "nginx\n" for ^[a-z]+$. We accept that residue: the agent's Go check anchors `$` at
 * end of text and rejects it, nothing can follow the terminator, and non-allowedValues values go
 * through ENV_VAR interpolation (see unsafeSplices) where a newline is inert data.
 */
import { AST, RegExpParser } from "@eslint-community/regexpp";
import { admitsDotDotSegment } from "./pathSegments";

export type Platform = "Linux" | "Windows";

export interface ParameterRule {
    type: "String" | "Integer" | "Boolean";
    allowedValues?: string[];
    allowedPattern?: string;
}

/** Why a parameter was refused: the unsafe construct, a safe form, and which setting holds it. */
export type Refusal = {
    construct: string;
    safeForm: string;
    about: "allowedValues" | "allowedPattern" | "type";
};

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/**
 * Characters a value may contain. Linux: none of these is special to POSIX sh outside `{}`/`~`
 * contexts, which need chars we refuse. Windows is tighter: PowerShell argument mode treats
 * `<space> ' " \` , ; ( ) { } | & < > @ #` as metacharacters, `$` starts variables/subexpressions
 * and `--%` stops parsing (about_Parsing, "Argument mode", MicrosoftDocs/PowerShell-Docs
 * reference/7.2/Microsoft.PowerShell.Core/About/about_Parsing.md). We keep only letters, digits and
 * `_ . - : \ /` (paths such as C:\app\logs), dropping `=`, `+`, `@`, `,` which carry meaning there.
 */
export const SAFE_CHARS: Record<Platform, string> = {
    Linux: ALNUM + "_.:/=@,+-",
    Windows: ALNUM + "_.:\\/-",
};

/** What ends a path segment: a ".." between two of them, or an end, climbs a directory ("C:.." too). */
const PATH_SEPARATORS: Record<Platform, string> = { Linux: "/", Windows: "\\/:" };

const show = (c: string) => (c === " " ? "' ' (space)" : `'${JSON.stringify(c).slice(1, -1)}'`);

/** Why a literal value is not one inert word, or undefined. Empty, `-x` and unsafe chars fail. */
export function wordProblem(word: string, platform: Platform): string | undefined {
    if (word === "") return "empty value (drops or shifts an argument)";
    if (word.startsWith("-")) return "leading '-' (option injection)";
    const bad = [...word].find((c) => !SAFE_CHARS[platform].includes(c));
    if (bad === undefined) return undefined;
    const kind = /\s/.test(bad) ? "whitespace" : "*?[]{}".includes(bad) ? "glob/brace" : "unsafe";
    return `${kind} character ${show(bad)}`;
}

/**
 * One element between ^ and $: which chars it may contribute, which may start it, how many; and
 * as what it repeats (units: one char of a class, or one word of a group), `reps` times.
 */
type Item = {
    chars: Set<string>;
    first: Set<string>;
    min: number;
    max: number;
    units: string[];
    reps: [number, number];
};

/** Thrown inside the walk; caught and turned into a Refusal. */
class Refused extends Error {}
const refuse = (construct: string): never => {
    throw new Refused(construct);
};

const code = (c: string) => c.charCodeAt(0);
const range = (a: string, b: string) =>
    [...Array(code(b) - code(a) + 1)].map((_, i) => String.fromCharCode(code(a) + i));
const DIGITS = range("0", "9");
const WORD = [...range("A", "Z"), ...range("a", "z"), ...DIGITS, "_"];

/** A literal char: itself, or `\` + punctuation (literal in JS, Java and Go alike). */
function literal(node: AST.Character): string {
    const raw = node.raw;
    if (raw.length === 1 || (raw.length === 2 && raw[0] === "\\" && !/[A-Za-z0-9]/.test(raw[1]))) {
        return String.fromCharCode(node.value);
    }
    return refuse(`escape ${raw} (means different things in JavaScript, Java and Go)`);
}

function classChars(node: AST.CharacterSet | AST.CharacterClass): string[] {
    if (node.type === "CharacterSet") {
        if (node.kind === "digit" && !node.negate) return DIGITS;
        if (node.kind === "word" && !node.negate) return WORD;
        return refuse(node.kind === "any" ? "'.' (any character)" : `class escape ${node.raw}`);
    }
    const raw = node.raw;
    if (raw.includes("&&")) refuse(`Java class intersection '&&' in ${raw}`);
    if (raw.slice(1).includes("[")) refuse(`nested '[' in class ${raw} (a union in Java)`);
    if (node.negate) refuse(`negated class ${raw}`);
    if (node.elements.length === 0) refuse(`empty class ${raw} (a ']' literal in Java)`);
    const out: string[] = [];
    node.elements.forEach((el, i) => {
        if (el.type === "Character") {
            // A bare '-' between members reads as a range in some dialects: only first or last.
            const edge = i === 0 || i === node.elements.length - 1;
            if (el.raw === "-" && !edge) refuse(`ambiguous '-' inside class ${raw}`);
            out.push(literal(el));
        } else if (el.type === "CharacterClassRange") {
            const [a, b] = [literal(el.min), literal(el.max)];
            const same = ["09", "az", "AZ"].some((k) => k[0] <= a && b <= k[1]);
            if (!same || el.min.raw.length > 1 || el.max.raw.length > 1) {
                refuse(`range ${el.raw} (only within 0-9, a-z or A-Z)`);
            }
            out.push(...range(a, b));
        } else if (el.type === "CharacterSet") {
            out.push(...classChars(el));
        } else {
            refuse(`class member ${(el as AST.Node).raw}`);
        }
    });
    return out;
}

/** A group is accepted only as an alternation of non-empty literal words: (?:nginx|php-fpm). */
function wordsOf(node: AST.Group | AST.CapturingGroup): string[] {
    if (node.type === "Group" && node.modifiers) refuse(`inline flags ${node.raw}`);
    return node.alternatives.map((alt) => {
        if (alt.elements.length === 0) refuse(`empty alternative in ${node.raw} (admits "")`);
        return alt.elements
            .map((el) => (el.type === "Character" ? literal(el) : refuse(`group ${node.raw}`)))
            .join("");
    });
}

/** Checks an element's chars against the platform set (recording them for the safe form). */
function itemOf(el: AST.Element, platform: Platform, seen: string[]): Item {
    const checked = (chars: string[], first = chars, min = 1, max = 1, units = chars): Item => {
        seen.push(...chars);
        const bad = [...new Set(chars)].filter((c) => !SAFE_CHARS[platform].includes(c));
        const s = bad.length > 1 ? "s" : "";
        if (bad.length > 0) refuse(`character${s} ${bad.map(show).join(", ")} in ${el.raw}`);
        return { chars: new Set(chars), first: new Set(first), min, max, units, reps: [1, 1] };
    };
    switch (el.type) {
        case "Quantifier": {
            const e = el.element;
            if (/Group|Assertion|Backreference/.test(e.type)) refuse(`quantified ${e.raw}`);
            const inner = itemOf(e, platform, seen); // chars first: the worse finding wins
            const q = el.raw.slice(e.raw.length);
            if (!Number.isFinite(el.max)) refuse(`unbounded repetition ${q}`);
            if (!el.greedy) refuse(`lazy quantifier ${q}`);
            return { ...inner, min: el.min, max: el.max, reps: [el.min, el.max] };
        }
        case "Character":
            return checked([literal(el)]);
        case "CharacterClass":
        case "CharacterSet":
            return checked(classChars(el));
        case "Group":
        case "CapturingGroup": {
            const words = wordsOf(el);
            const lens = words.map((w) => w.length);
            const firsts = words.map((w) => w[0]);
            const [min, max] = [Math.min(...lens), Math.max(...lens)];
            return checked([...words.join("")], firsts, min, max, words);
        }
        case "Assertion":
            if (el.kind === "lookahead" || el.kind === "lookbehind") refuse(`lookaround ${el.raw}`);
            return refuse(el.kind === "word" ? `word boundary ${el.raw}` : `${el.raw} mid-pattern`);
        default:
            return refuse(`construct ${(el as AST.Node).raw}`);
    }
}

/** Renders a char set as a class body: A-Z a-z 0-9 ranges, other chars, '-' last. */
function render(set: Set<string>): string {
    const body = ["AZ", "az", "09"].map(([a, b]) => {
        const r = range(a, b);
        return r.every((c) => set.has(c)) ? `${a}-${b}` : r.filter((c) => set.has(c)).join("");
    });
    const rest = [...set].filter((c) => !/[A-Za-z0-9-]/.test(c));
    return body.join("") + rest.join("").replace(/\\/g, "\\\\") + (set.has("-") ? "-" : "");
}

/** The suggested fix: the pattern's own safe chars, bounded, first class without '-' or '.'. */
function classSafeForm(chars: string[], platform: Platform): string {
    const safe = chars.filter((c) => SAFE_CHARS[platform].includes(c));
    // Dots beside a separator admit "a/../b": keep the dots, drop the separators (a name, not a path).
    const rest = safe.includes(".")
        ? safe.filter((c) => !PATH_SEPARATORS[platform].includes(c))
        : safe;
    let first = rest.filter((c) => c !== "-" && c !== ".");
    const dash = first.length === 0 || rest.includes("-");
    if (first.length === 0) first = [...range("a", "z"), ...DIGITS];
    const all = new Set([...first, ...rest.filter((c) => c !== "-"), ...(dash ? ["-"] : [])]);
    return `^[${render(new Set(first))}][${render(all)}]{0,63}$`;
}

/** Literal words of a top-level alternation like ^nginx|php-fpm|app$, when it is one. */
function alternationWords(alts: AST.Alternative[]): string[] | undefined {
    const isEdge = (e: AST.Element) => e.type === "Assertion" && /^(start|end)$/.test(e.kind);
    const words = alts.map((alt) =>
        alt.elements
            .filter((e) => !isEdge(e))
            .map((e) => (e.type === "Character" && e.raw.length === 1 ? e.raw : "\0"))
            .join(""),
    );
    return words.some((w) => w.includes("\0")) ? undefined : words;
}

const parser = new RegExpParser({ ecmaVersion: 2025 });

/** Why every value an allowedPattern admits is not provably one inert word, or undefined. */
export function patternRefusal(pattern: string, platform: Platform): Refusal | undefined {
    const seen: string[] = [];
    try {
        let ast: AST.Pattern;
        try {
            ast = parser.parsePattern(pattern, 0, pattern.length, { unicode: false });
        } catch (e) {
            return refuse(`not a JavaScript regex (Java-only (?i), ++ …): ${(e as Error).message}`);
        }
        const alts = ast.alternatives;
        if (alts.length > 1) {
            const words = alternationWords(alts);
            const safe = words?.every((w) => !wordProblem(w, platform));
            const example = JSON.stringify(`${words?.[0] ?? "x"}; reboot`);
            return {
                about: "allowedPattern",
                construct: `top-level alternation: ${alts[0].raw} alone matches ${example}`,
                safeForm: safe ? `^(?:${words!.join("|")})$` : classSafeForm([], platform),
            };
        }
        const els = alts[0].elements;
        const last = els[els.length - 1];
        const ends = els.length > 1 && last.type === "Assertion" && last.kind === "end";
        const first = els[0];
        if (first?.type !== "Assertion" || first.kind !== "start") refuse("missing ^ anchor");
        const body = els.slice(1, ends ? -1 : undefined);
        body.filter((e) => e.type === "Backreference").forEach((e) =>
            refuse(`backreference ${e.raw}`),
        );
        const items = body.map((el) => itemOf(el, platform, seen));
        if (!ends) refuse("missing $ anchor (any suffix is admitted)");
        if (items.every((it) => it.min === 0)) refuse('admits the empty string ""');
        // Every item that can supply the value's first char (all before it optional) must lack '-'.
        for (const it of items) {
            if (it.max > 0 && it.first.has("-")) {
                refuse("first class admits a leading '-' (option injection)");
            }
            if (it.min > 0) break;
        }
        if (admitsDotDotSegment(items, PATH_SEPARATORS[platform])) {
            refuse(`admits ".." as a path segment (a value read as a path leaves its directory)`);
        }
        return undefined;
    } catch (e) {
        if (!(e instanceof Refused)) throw e;
        return {
            about: "allowedPattern",
            construct: e.message,
            safeForm: classSafeForm(seen, platform),
        };
    }
}

/** undefined when every value the parameter admits is provably one inert word; otherwise why not, and a safe form. */
export function unsafeParameterReason(
    param: ParameterRule,
    platform: Platform,
): Refusal | undefined {
    if (param.type !== "String") return undefined;
    const values = param.allowedValues ?? [];
    for (const v of values) {
        const why = wordProblem(v, platform);
        const words = `words of [${SAFE_CHARS[platform].replace(ALNUM, "A-Za-z0-9")}] not led by '-'`;
        if (why) {
            const construct = `allowed value ${JSON.stringify(v)}: ${why}`;
            return { about: "allowedValues", construct, safeForm: words };
        }
    }
    if (param.allowedPattern !== undefined) return patternRefusal(param.allowedPattern, platform);
    if (values.length > 0) return undefined;
    return {
        about: "type",
        construct: "free-form String (no allowedValues or allowedPattern): a shell by another name",
        safeForm: classSafeForm([], platform),
    };
}
