import * as assert from "assert";
import { AST, RegExpParser } from "@eslint-community/regexpp";
import { ParameterRule, Platform, unsafeParameterReason } from "../policies/parameterSafety";

const pattern = (allowedPattern: string): ParameterRule => ({ type: "String", allowedPattern });
const values = (allowedValues: string[]): ParameterRule => ({ type: "String", allowedValues });

// Written out here, not imported, so the tests do not trust the prover's own sets.
const SAFE: Record<Platform, RegExp> = {
    Linux: /^[A-Za-z0-9_.:/=@,+-]*$/,
    Windows: /^[A-Za-z0-9_.:\\/-]*$/,
};
/** Is this value more than one inert word? Empty, option-like, or a char outside the set. */
const harmful = (v: string, platform: Platform) =>
    v === "" || v.startsWith("-") || !SAFE[platform].test(v);

interface Refused {
    pattern: string;
    platform?: Platform;
    /** A value the pattern admits in JavaScript that is not one inert word, when one exists. */
    escape?: string;
    /** What the refusal must name. */
    construct?: RegExp;
}

const refusedPatterns: Refused[] = [
    // From the issue.
    { pattern: "^nginx|php-fpm|app$", escape: "nginx; reboot", construct: /alternation/ },
    { pattern: "^[\\w.;-]+$", escape: "a;reboot", construct: /';'/ },
    { pattern: "^[a-z|]+$", escape: "cat|sh", construct: /'\|'/ },
    { pattern: "^[a-z&]+$", escape: "x&reboot", construct: /'&'/ },
    { pattern: "^[a-z>/]+$", escape: "x>/etc/passwd", construct: /'>'/ },
    { pattern: "^[a-z ]+(&[a-z ]+)?$", escape: "x & reboot", construct: /space/ },
    { pattern: "^[a-z<() ]+$", escape: "x <(reboot)", construct: /'\('/ },
    {
        pattern: "^[A-Za-z() -]+$",
        platform: "Windows",
        escape: "x (Restart-Computer)",
        construct: /'\('/,
    },
    { pattern: "^[a-z0-9-]{1,32}$", escape: "-rf", construct: /leading '-'/ },
    { pattern: "^[a-z0-9 ]+$", escape: "nginx extra", construct: /space/ },
    { pattern: "^[a-z*?]+$", escape: "*", construct: /'\*'/ },
    // Java dialect: && is intersection in a Java class, [ a nested union; JS reads both literally.
    { pattern: "^[a-z&&[b]]{1,8}$", escape: "&]", construct: /intersection/ },
    { pattern: "^[a-z[;]]{1,8}$", escape: ";]", construct: /nested/ },
    // Java \z is end-of-input; JS reads \z as "z" and the pattern ends unanchored.
    { pattern: "^[a-z]{1,8}\\z", escape: "az; reboot", construct: /\\z/ },
    { pattern: "^[a-z]{1,8}\\Z", escape: "aZ; reboot", construct: /\\Z/ },
    { pattern: "^[\\p{L}]{1,8}$", escape: "{L}", construct: /\\p/ },
    { pattern: "^[a-z]{1,8}\\Q;\\E$", escape: "aQ;E", construct: /\\Q/ },
    { pattern: "(?i)^[a-z]{1,8}$", construct: /not a JavaScript regex/ },
    { pattern: "^[a-z]{1,8}+$", construct: /not a JavaScript regex/ },
    { pattern: "^[]a]{1,8}$", construct: /empty class/ },
    // Any-char, negation, whitespace classes, escapes that smuggle metacharacters.
    { pattern: "^.{1,10}$", escape: ";reboot", construct: /'\.'/ },
    { pattern: "^[^;]{1,8}$", escape: "$(id)", construct: /negated/ },
    { pattern: "^[a-z]{1,8}\\s[a-z]{1,8}$", escape: "nginx\nreboot", construct: /\\s/ },
    { pattern: "^[a-z\\u003b]{1,9}$", escape: "a;reboot", construct: /\\u003b/ },
    { pattern: "^[a-z\\x3b]{1,9}$", escape: "a;reboot", construct: /\\x3b/ },
    { pattern: "^[a-z\\n]{1,16}$", escape: "x\nreboot", construct: /\\n/ },
    { pattern: "^(?=[a-z])[a-z;]{1,9}$", escape: "a;reboot", construct: /lookaround/ },
    { pattern: "^(?![;])[a-z;]{1,9}$", escape: "a;reboot", construct: /lookaround/ },
    { pattern: "^([a-z;]{1,8})\\1$", escape: "a;a;", construct: /backreference/ },
    { pattern: "^\\b[a-z;]{1,8}$", escape: "a;b", construct: /word boundary/ },
    // Shell and PowerShell metacharacters in a class.
    { pattern: "^[a-z$()]{1,16}$", escape: "$(reboot)", construct: /'\$'/ },
    { pattern: "^[a-z`]{1,16}$", escape: "`reboot`", construct: /'`'/ },
    { pattern: "^[a-z'\"]{1,16}$", escape: "a'b", construct: /"'"|'\\"'/ },
    { pattern: "^[a-z{},]{1,16}$", escape: "{a,b}", construct: /'\{'/ },
    { pattern: "^[a-z~/]{1,16}$", escape: "~root/x", construct: /'~'/ },
    { pattern: "^[a-z!]{1,16}$", escape: "!!", construct: /'!'/ },
    { pattern: "^[a-z#]{1,16}$", escape: "#x", construct: /'#'/ },
    { pattern: "^[A-Za-z%]{1,16}$", platform: "Windows", escape: "%PATH%", construct: /'%'/ },
    { pattern: "^[+-;]{1,8}$", escape: "+;", construct: /range/ },
    // Anchors, bounds, emptiness.
    { pattern: "[a-z]{1,8}$", escape: "; reboot;x", construct: /\^ anchor/ },
    { pattern: "^[a-z]{1,8}", escape: "a; reboot", construct: /\$ anchor/ },
    { pattern: "^[a-z]{1,8}$|^;$", escape: ";", construct: /alternation/ },
    { pattern: "^[a-z]+$", construct: /unbounded repetition \+/ },
    { pattern: "^[a-z]*$", escape: "", construct: /unbounded repetition \*/ },
    { pattern: "^[a-z]{1,}$", construct: /unbounded repetition \{1,\}/ },
    { pattern: "^[a-z]{1,8}?$", construct: /lazy/ },
    { pattern: "^(?:ab|cd){1,3}$", construct: /quantified/ },
    { pattern: "^(?:a|)$", escape: "", construct: /empty alternative/ },
    { pattern: "^[a-z]{0,8}$", escape: "", construct: /empty string/ },
    { pattern: "^$", escape: "", construct: /empty string/ },
    { pattern: "^[a-z]?[-a-z]{1,8}$", escape: "-rf", construct: /leading '-'/ },
    { pattern: "^(?:-rf|app)$", escape: "-rf", construct: /leading '-'/ },
    // Windows-only refusals: PowerShell splatting, arrays, variables, smart quotes, parameters.
    { pattern: "^[A-Za-z@]{1,8}$", platform: "Windows", escape: "@x", construct: /'@'/ },
    { pattern: "^[a-z,]{1,8}$", platform: "Windows", escape: "a,b", construct: /','/ },
    { pattern: "^[a-z$]{1,8}$", platform: "Windows", escape: "$x", construct: /'\$'/ },
    {
        pattern: "^[a-z\\u2019]{1,8}$",
        platform: "Windows",
        escape: "a\u2019b",
        construct: /\\u2019/,
    },
    { pattern: "^[A-Za-z-]{1,8}$", platform: "Windows", escape: "-Force", construct: /'-'/ },
];

describe("unsafeParameterReason: refused allowedPattern", () => {
    for (const c of refusedPatterns) {
        const platform = c.platform ?? "Linux";
        it(`refuses ${JSON.stringify(c.pattern)} on ${platform}`, () => {
            if (c.escape !== undefined) {
                // The refusal is justified: the pattern admits a value that is not one inert word.
                assert.ok(new RegExp(c.pattern).test(c.escape), "escape must match in JS");
                assert.ok(harmful(c.escape, platform), "escape must be harmful");
            }
            const reason = unsafeParameterReason(pattern(c.pattern), platform);
            assert.ok(reason, "must be refused");
            if (c.construct) assert.match(reason.construct, c.construct);
            assert.ok(reason.safeForm.length > 0);
        });
    }
});

describe("unsafeParameterReason: suggested safe forms", () => {
    for (const c of refusedPatterns) {
        const platform = c.platform ?? "Linux";
        it(`the safe form offered for ${JSON.stringify(c.pattern)} is itself accepted`, () => {
            const { safeForm } = unsafeParameterReason(pattern(c.pattern), platform)!;
            assert.strictEqual(unsafeParameterReason(pattern(safeForm), platform), undefined);
        });
    }
});

describe("unsafeParameterReason: refusal messages", () => {
    it("suggests the grouped alternation for a top-level alternation", () => {
        const reason = unsafeParameterReason(pattern("^nginx|php-fpm|app$"), "Linux");
        assert.strictEqual(reason?.safeForm, "^(?:nginx|php-fpm|app)$");
        assert.match(reason.construct, /\^nginx alone matches "nginx; reboot"/);
    });
    it("suggests a bounded class without a leading '-' for an option-injection class", () => {
        const reason = unsafeParameterReason(pattern("^[a-z0-9-]{1,32}$"), "Linux");
        assert.strictEqual(reason?.safeForm, "^[a-z0-9][a-z0-9-]{0,63}$");
    });
    it("drops the unsafe character from the suggested class", () => {
        const reason = unsafeParameterReason(pattern("^[\\w.;-]+$"), "Linux");
        assert.strictEqual(reason?.safeForm, "^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$");
        assert.ok(unsafeParameterReason(pattern(reason.safeForm), "Linux") === undefined);
    });
});

const refusedValues: { values: string[]; platform: Platform }[] = [
    { values: ["nginx; reboot"], platform: "Linux" },
    { values: ["-rf"], platform: "Linux" },
    { values: ["a b"], platform: "Linux" },
    { values: ["*"], platform: "Linux" },
    { values: ["$(id)"], platform: "Linux" },
    { values: [""], platform: "Linux" },
    { values: ["nginx", "x\nreboot"], platform: "Linux" },
    { values: ["~root"], platform: "Linux" },
    { values: ["@x"], platform: "Windows" },
    { values: ["a,b"], platform: "Windows" },
    { values: ["C:\\x;y"], platform: "Windows" },
];

describe("unsafeParameterReason: allowedValues", () => {
    for (const c of refusedValues) {
        it(`refuses ${JSON.stringify(c.values)} on ${c.platform}`, () => {
            assert.ok(c.values.some((v) => harmful(v, c.platform)));
            assert.ok(unsafeParameterReason(values(c.values), c.platform));
        });
    }
    for (const platform of ["Linux", "Windows"] as Platform[]) {
        it(`accepts ["nginx","php-fpm","app"] on ${platform}`, () => {
            const rule = values(["nginx", "php-fpm", "app"]);
            assert.strictEqual(unsafeParameterReason(rule, platform), undefined);
        });
    }
    it("refuses a safe allowedValues list paired with an unsafe allowedPattern", () => {
        const rule: ParameterRule = { type: "String", allowedValues: ["a"], allowedPattern: ".*" };
        assert.ok(unsafeParameterReason(rule, "Linux"));
    });
    it("refuses a safe allowedPattern paired with an unsafe allowedValues list", () => {
        const rule: ParameterRule = {
            type: "String",
            allowedValues: ["a;b"],
            allowedPattern: "^[a-z]{1,3}$",
        };
        assert.ok(unsafeParameterReason(rule, "Linux"));
    });
});

describe("unsafeParameterReason: types", () => {
    it("accepts Integer", () => {
        assert.strictEqual(unsafeParameterReason({ type: "Integer" }, "Linux"), undefined);
    });
    it("accepts Boolean", () => {
        assert.strictEqual(unsafeParameterReason({ type: "Boolean" }, "Windows"), undefined);
    });
    it("refuses a free-form String", () => {
        assert.match(unsafeParameterReason({ type: "String" }, "Linux")!.construct, /free-form/);
    });
    it("refuses a String with an empty allowedValues list", () => {
        assert.ok(unsafeParameterReason(values([]), "Linux"));
    });
});

// ---- Accepted patterns, proven safe without the prover ----------------------------------------

/** mulberry32: a small seeded PRNG so a failure replays. */
function prng(seed: number): () => number {
    return () => {
        seed = (seed + 0x6d2b79f5) | 0;
        let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

const memberCache = new Map<string, string[]>();

/**
 * Every char below U+3000 that the JS engine puts in this class or escape (no own parsing),
 * worked out once per class.
 */
function members(raw: string): string[] {
    let out = memberCache.get(raw);
    if (!out) {
        const re = new RegExp(`^${raw}$`);
        out = [];
        for (let c = 0; c < 0x3000; c++) {
            const ch = String.fromCharCode(c);
            if (re.test(ch)) out.push(ch);
        }
        memberCache.set(raw, out);
    }
    return out;
}

/**
 * Strings the pattern matches, sampled from its AST (regexpp is the parser; char sets come from
 * the JS engine). Repetition counts hit min and max as well as random values in between.
 */
function sample(source: string, count: number, seed: number): string[] {
    const rand = prng(seed);
    const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
    const ast = new RegExpParser().parsePattern(source, 0, source.length, { unicode: false });
    const gen = (node: AST.Node, edge: number): string => {
        switch (node.type) {
            case "Alternative":
                return node.elements.map((e) => gen(e, edge)).join("");
            case "Group":
            case "CapturingGroup":
                return gen(pick(node.alternatives), edge);
            case "Quantifier": {
                const max = Math.min(node.max, node.min + 70);
                const n =
                    edge === 0
                        ? node.min
                        : edge === 1
                          ? max
                          : node.min + Math.floor(rand() * (max - node.min + 1));
                return Array.from({ length: n }, () => gen(node.element, edge)).join("");
            }
            case "Character":
            case "CharacterClass":
            case "CharacterSet":
                return pick(members(node.raw));
            case "Assertion":
                return "";
            default:
                throw new Error(`sampler does not handle ${node.type}`);
        }
    };
    return Array.from({ length: count }, (_, i) => gen(pick(ast.alternatives), i % 3));
}

const METAS = [..." \t\n\r;&|$`<>()\"'*?{}[]~!#%\\", "\u2028"];
const WINDOWS_METAS = [...METAS.filter((c) => c !== "\\"), "@", ",", "=", "+", "\u2019"];

const accepted: { pattern: string; platform: Platform }[] = [
    { pattern: "^[a-z][a-z0-9-]{0,63}$", platform: "Linux" },
    { pattern: "^(?:nginx|php-fpm|app)$", platform: "Linux" },
    { pattern: "^(nginx|php-fpm)$", platform: "Linux" },
    { pattern: "^nginx$", platform: "Linux" },
    { pattern: "^app-[0-9]{1,4}$", platform: "Linux" },
    { pattern: "^(?:web|db)-\\d{2}$", platform: "Linux" },
    { pattern: "^\\w[\\w.-]{0,31}$", platform: "Linux" },
    { pattern: "^[a-z]?[0-9]{1,3}$", platform: "Linux" },
    { pattern: "^[A-Za-z0-9_:/=@,+][A-Za-z0-9_:/=@,+-]{0,15}$", platform: "Linux" },
    { pattern: "^[A-Za-z0-9_:=@,+][A-Za-z0-9_.:=@,+-]{0,15}$", platform: "Linux" },
    { pattern: "^[0-9][0-9.]{0,15}$", platform: "Linux" },
    { pattern: "^/var/log/[a-z]{1,16}\\.log$", platform: "Linux" },
    { pattern: "^[a-z0-9][a-z0-9.\\-]{0,61}[a-z0-9]?$", platform: "Linux" },
    { pattern: "^[A-Za-z]:\\\\logs\\\\[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}$", platform: "Windows" },
    { pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", platform: "Windows" },
    { pattern: "^(?:W3SVC|Spooler)$", platform: "Windows" },
];

describe("unsafeParameterReason: accepted allowedPattern, proven by sampling", () => {
    for (const { pattern: p, platform } of accepted) {
        const re = new RegExp(p);
        const samples = sample(p, 300, 12345);
        const metas = platform === "Windows" ? WINDOWS_METAS : METAS;

        it(`accepts ${JSON.stringify(p)} on ${platform}`, () => {
            assert.strictEqual(unsafeParameterReason(pattern(p), platform), undefined);
        });
        it(`every sampled match of ${JSON.stringify(p)} is one inert ${platform} word`, () => {
            for (const s of samples) {
                assert.ok(re.test(s), `sampler produced a non-match ${JSON.stringify(s)}`);
                assert.ok(!harmful(s, platform), `admits ${JSON.stringify(s)}`);
                assert.ok(!/\s/.test(s));
            }
        });
        it(`no metacharacter inserted into a match of ${JSON.stringify(p)} matches`, () => {
            for (const s of samples.slice(0, 60)) {
                for (const m of metas) {
                    for (let i = 0; i <= s.length; i++) {
                        const inserted = s.slice(0, i) + m + s.slice(i);
                        const replaced = s.slice(0, i) + m + s.slice(i + 1);
                        // Messages built only on failure: this loop runs ~90,000 times.
                        if (re.test(inserted)) {
                            assert.fail(`admits ${JSON.stringify(inserted)}`);
                        }
                        if (re.test(replaced)) {
                            assert.fail(`admits ${JSON.stringify(replaced)}`);
                        }
                    }
                }
            }
        });
        it(`no match of ${JSON.stringify(p)} can start with '-'`, () => {
            for (const s of samples) {
                assert.ok(!re.test("-" + s), `admits ${JSON.stringify("-" + s)}`);
                assert.ok(!re.test("-" + s.slice(1)), `admits ${JSON.stringify("-" + s.slice(1))}`);
            }
        });
        it(`no sampled match of ${JSON.stringify(p)} has a ".." path segment`, () => {
            for (const s of samples) {
                assert.ok(!DOT_DOT[platform].test(s), `admits ${JSON.stringify(s)}`);
            }
        });
    }
});

// Written out here, not imported: ".." between separators or ends (Windows: \ / and the drive's ':').
const DOT_DOT: Record<Platform, RegExp> = {
    Linux: /(^|\/)\.\.(\/|$)/,
    Windows: /(^|[\\/:])\.\.([\\/:]|$)/,
};

/** Patterns whose every value is one inert word, yet one climbs out of a directory. */
const traversing: { pattern: string; platform: Platform; escape: string }[] = [
    { pattern: "^[a-z0-9./]{1,64}$", platform: "Linux", escape: "../../etc/shadow" },
    { pattern: "^[a-z][a-z0-9./]{0,63}$", platform: "Linux", escape: "a/../../etc/shadow" },
    { pattern: "^[a-z.]{1,8}$", platform: "Linux", escape: ".." },
    { pattern: "^(?:logs|\\.\\.)/[a-z]{1,8}$", platform: "Linux", escape: "../passwd" },
    { pattern: "^[a-z]{1,8}/[.]{2}$", platform: "Linux", escape: "logs/.." },
    {
        pattern: "^[A-Za-z]:\\\\[A-Za-z0-9_.\\\\-]{1,64}$",
        platform: "Windows",
        escape: "C:\\..\\Windows",
    },
    { pattern: "^[A-Za-z]:[.]{2}$", platform: "Windows", escape: "C:.." },
    { pattern: "^[a-z/.]{1,8}$", platform: "Windows", escape: "a/../b" },
];

describe("unsafeParameterReason: a '..' path segment", () => {
    for (const c of traversing) {
        it(`refuses ${JSON.stringify(c.pattern)} on ${c.platform}, which admits ${JSON.stringify(c.escape)}`, () => {
            assert.ok(new RegExp(c.pattern).test(c.escape), "escape must match in JS");
            assert.ok(!harmful(c.escape, c.platform), "escape is an inert word");
            assert.ok(DOT_DOT[c.platform].test(c.escape), "escape has a '..' segment");
            const reason = unsafeParameterReason(pattern(c.pattern), c.platform);
            assert.match(reason?.construct ?? "", /admits "\.\." as a path segment/);
        });
        it(`offers a safe form for ${JSON.stringify(c.pattern)} that is itself accepted`, () => {
            const { safeForm } = unsafeParameterReason(pattern(c.pattern), c.platform)!;
            assert.strictEqual(unsafeParameterReason(pattern(safeForm), c.platform), undefined);
        });
    }
    it("keeps the dots and drops the separator in the safe form for a path class", () => {
        const reason = unsafeParameterReason(pattern("^[a-z0-9./]{1,64}$"), "Linux");
        assert.strictEqual(reason?.safeForm, "^[a-z0-9][a-z0-9.]{0,63}$");
    });
    for (const p of ["^[.]{3}$", "^[a-z]{1,8}\\.\\.[a-z]{1,8}$", "^\\.[a-z]{1,8}$"]) {
        it(`accepts ${JSON.stringify(p)}: dots that are never a ".." segment`, () => {
            assert.strictEqual(unsafeParameterReason(pattern(p), "Linux"), undefined);
        });
    }
});
