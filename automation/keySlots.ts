/**
 * A user's access key slots (`accessKeys`) in `Pulumi.<stack>.yaml`, edited in place for
 * rotate-keys and retire-key. The `yaml` library's document API finds the user's entry and the
 * exact source range of its `accessKeys` value; only that range (a flow list) or the one slot line
 * (a block list) is rewritten, so every other byte of the file, comments and formatting included,
 * stays as written. Re-serializing the whole document would not: `yaml` re-indents and re-quotes
 * what it re-emits (the shipped stack files do not survive a parse and `toString` unchanged).
 * Whatever cannot be edited that way safely is refused before anything is written.
 */
import { isDeepStrictEqual } from "util";
import * as YAML from "yaml";
import { DriverError } from "./errors";

/** Slot names as the configuration accepts them (config/runCommand.ts). */
export const KEY_SLOT = /^[a-z0-9][a-z0-9-]{0,31}$/;

const USERS_KEYS = ["ssm-access:users", "users"];

/** Where a stack's `users` may come from besides its stack file. */
export interface OtherSources {
    /** Pulumi.yaml gives `users` a value (`value:` or a non-empty `default:`) for every stack. */
    projectUsers: boolean;
}

export interface UserSlots {
    file: string;
    user: string;
    /** The slots as written, in order. */
    slots: string[];
    /** The file with `slot` added as the last slot. */
    adding(slot: string): string;
    /** The file with `slot` removed. */
    removing(slot: string): string;
}

type Range = [number, number, number];

function fail(message: string): never {
    throw new DriverError(message);
}

function lineStart(text: string, offset: number): number {
    return text.lastIndexOf("\n", offset - 1) + 1;
}

function lineEnd(text: string, offset: number): number {
    const end = text.indexOf("\n", offset);
    return end < 0 ? text.length : end;
}

/** Whether an anchor or alias sits on or inside `node`: editing it would change other entries. */
function sharesNodes(node: unknown): boolean {
    let shared = false;
    const check = (n: unknown) => {
        if (YAML.isAlias(n) || ((YAML.isNode(n) && n.anchor) as unknown)) {
            shared = true;
        }
    };
    check(node);
    if (YAML.isNode(node)) {
        YAML.visit(node, { Alias: () => void (shared = true), Node: (_k, n) => check(n) });
    }
    return shared;
}

/**
 * The slots of `user` in the stack file's text, with the edits rotate-keys and retire-key make.
 * Throws a DriverError naming the flag or key path, the value and the fix when the user is not
 * there, or when their entry cannot be edited in place safely.
 */
export function userSlots(
    text: string,
    file: string,
    user: string,
    others: OtherSources,
): UserSlots {
    const doc = YAML.parseDocument(text, { keepSourceTokens: true });
    if (doc.errors.length > 0) {
        fail(`${file} is not valid YAML (${doc.errors[0].message.split("\n")[0]}): fix it first`);
    }
    const config = doc.get("config", true);
    const present = YAML.isMap(config) ? USERS_KEYS.filter((k) => config.has(k)) : [];
    if (present.length > 1) {
        fail(
            `${file} sets both ${present.join(" and ")}, and the engine picks either: keep one, then run this again`,
        );
    }
    const usersKey = present[0];
    if (usersKey === undefined) {
        fail(
            others.projectUsers
                ? `--user "${user}": users come from Pulumi.yaml (config users, shared by every stack), which this command does not edit: ` +
                      `copy the users list into ${file} under config: as ssm-access:users, then run this again`
                : doc.has("environment")
                  ? `--user "${user}": ${file} has no ssm-access:users, so users come from its ESC environments (environment:), which this command cannot edit: ` +
                    "rotate the key there, or move the users list into the stack file"
                  : `--user "${user}": ${file} declares no users (ssm-access:users): give a user of the stack`,
        );
    }
    const usersPath = `ssm-access:users in ${file}`;
    const users = (config as YAML.YAMLMap).get(usersKey, true);
    if (YAML.isMap(users) && users.has("secure")) {
        fail(
            `${usersPath} is a secret (secure:), which only the engine can decrypt, so it cannot be edited in place: ` +
                "rotate by editing it with pulumi config set --secret --path",
        );
    }
    if (YAML.isAlias(users) || (YAML.isNode(users) && users.anchor)) {
        fail(
            `${usersPath} is a YAML alias or anchor (* or &), so editing it could change another setting: ` +
                "write the list out in place, then run this again",
        );
    }
    if (!YAML.isSeq(users)) {
        fail(`${usersPath} is not a list of users: fix it (see README, Run Command users)`);
    }
    const entries = users.items.filter(
        (u) => YAML.isMap(u) && YAML.isScalar(u.get("name", true)) && u.get("name") === user,
    );
    if (entries.length === 0) {
        const known = users.items
            .map((u) => (YAML.isMap(u) ? u.get("name") : undefined))
            .filter((n): n is string => typeof n === "string");
        const secret = users.items.some((u) => YAML.isMap(u) && u.has("secure"));
        fail(
            `--user "${user}": no such user in ${usersPath}` +
                (known.length ? ` (users: ${known.join(", ")})` : "") +
                (secret ? "; some entries are secrets (secure:) and cannot be read here" : "") +
                ": give one of them",
        );
    }
    if (entries.length > 1) {
        fail(`--user "${user}": listed twice in ${usersPath}: keep one entry, then run this again`);
    }
    const entry = entries[0] as YAML.YAMLMap;
    const at = `${usersPath}, user "${user}"`;
    if (sharesNodes(entry)) {
        fail(
            `${at} uses YAML anchors or aliases (& or *), so editing it could change other entries: ` +
                "write the entry out in full, then run this again",
        );
    }
    const keys = entry.get("accessKeys", true);
    if (keys === undefined || (YAML.isSeq(keys) && keys.items.length === 0)) {
        return fixed(file, user, [], () =>
            fail(
                `${at} has no access key slots, so there is no key to rotate: add the first one by hand ` +
                    `(accessKeys: ["2026-11"] under the user in ${file}), run up, then export-keys`,
            ),
        );
    }
    if (YAML.isMap(keys) && keys.has("secure")) {
        fail(
            `${at}: accessKeys is a secret (secure:), which cannot be edited in place: edit it with pulumi config set --secret --path`,
        );
    }
    if (
        !YAML.isSeq(keys) ||
        !keys.items.every((s) => YAML.isScalar(s) && typeof s.value === "string")
    ) {
        fail(
            `${at}: accessKeys = ${JSON.stringify(entry.toJSON().accessKeys)} is not a list of slot names: write it as ["2026-11"]`,
        );
    }
    const items = keys.items as YAML.Scalar<string>[];
    const slots = items.map((s) => s.value);
    const range = keys.range as Range;
    const quote = items[0].type === "QUOTE_SINGLE" ? (s: string) => `'${s}'` : JSON.stringify;
    const sourceOf = (s: YAML.Scalar) => text.slice(s.range![0], s.range![1]);

    const flowList = (written: string[]) => (): string => {
        if (text.slice(range[0], range[1]).includes("\n")) {
            fail(
                `${at}: accessKeys is a list written over several lines, which this command does not rewrite: ` +
                    "write it on one line or one slot per line (- slot), then run this again",
            );
        }
        return `${text.slice(0, range[0])}[${written.join(", ")}]${text.slice(range[1])}`;
    };
    // A block list item must be alone on its line ("<indent>- slot  # comment"), so its line can be
    // copied for a new slot, or deleted.
    const itemLine = (s: YAML.Scalar) => {
        // The value's end, not the node's: the node's end takes in the comment lines after it.
        const [start, end] = s.range!;
        const from = lineStart(text, start);
        const prefix = text.slice(from, start);
        const rest = text.slice(end, lineEnd(text, end));
        if (!/^[ \t]*-[ \t]+$/.test(prefix) || !/^[ \t]*(#.*)?$/.test(rest)) {
            fail(
                `${at}: the slot "${s.value}" shares its line with other YAML, which this command does not rewrite: ` +
                    "write one slot per line (- slot), then run this again",
            );
        }
        return { from, prefix, to: lineEnd(text, end) };
    };

    const checked = (edited: string, expected: string[]) => {
        // The edit must change exactly this user's slots: read the result back as YAML.
        const again = YAML.parseDocument(edited);
        const before = doc.toJS() as { config: Record<string, { accessKeys?: unknown }[]> };
        const target = before.config[usersKey].find(
            (u) => (u as { name?: unknown }).name === user,
        )!;
        target.accessKeys = expected;
        if (again.errors.length > 0 || !isDeepStrictEqual(again.toJS(), before)) {
            fail(
                `${at}: the edit of accessKeys could not be verified, so nothing was written: edit ${file} by hand`,
            );
        }
        return edited;
    };

    return {
        file,
        user,
        slots,
        adding(slot) {
            const written = [...items.map(sourceOf), quote(slot)];
            if (keys.flow) {
                return checked(flowList(written)(), [...slots, slot]);
            }
            const last = itemLine(items[items.length - 1]);
            const edited = `${text.slice(0, last.to)}\n${last.prefix}${quote(slot)}${text.slice(last.to)}`;
            return checked(edited, [...slots, slot]);
        },
        removing(slot) {
            const index = slots.indexOf(slot);
            if (index < 0) {
                fail(
                    `--slot "${slot}": ${at} has no such slot (slots: ${slots.join(", ")}): give one of them`,
                );
            }
            const kept = slots.filter((s) => s !== slot);
            if (keys.flow) {
                return checked(
                    flowList(items.filter((_s, i) => i !== index).map(sourceOf))(),
                    kept,
                );
            }
            const line = itemLine(items[index]);
            const to = line.to < text.length ? line.to + 1 : line.to;
            return checked(`${text.slice(0, line.from)}${text.slice(to)}`, kept);
        },
    };
}

function fixed(file: string, user: string, slots: string[], refuse: () => never): UserSlots {
    return { file, user, slots, adding: refuse, removing: refuse };
}
