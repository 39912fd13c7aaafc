/** Errors the driver explains in plain language instead of printing a stack trace. */
import { ConcurrentUpdateError, StackNotFoundError } from "@pulumi/pulumi/automation";
import { ConfigError } from "../config/problems";
import { stackLockDir } from "./locks";

/** Bad command line: exit code 2, with the usage hint. */
export class UsageError extends Error {
    readonly name = "UsageError";
}

/** A failure already worded for a person (what happened and what to do). */
export class DriverError extends Error {
    readonly name = "DriverError";
}

/**
 * What to do about a locked stack, naming the lock of the backend in use when known. A file
 * backend keeps a stack's locks in `.pulumi/locks/<org>/<project>/<stack>/` ("organization" for
 * a file backend's org), and `pulumi cancel` deletes them there too (pulumi/pulumi
 * pkg/backend/diy: stackLockDir, CancelCurrentUpdate).
 */
export function lockAdvice(
    stack: string,
    backendUrl?: string,
    project = "ssm-access",
    holder?: string,
): string {
    return lockedAdvice(stack, staleLockRemoval(stack, backendUrl, project), holder);
}

/** A locked stack, who holds it when known, and `removal`, the command that removes the lock. */
export function lockedAdvice(stack: string, removal: string, holder?: string): string {
    return (
        `Stack "${stack}" is locked by another update.` +
        (holder ? ` Its lock was taken by ${holder}.` : "") +
        " Wait for it to finish. If none is running (an earlier run was killed), remove the stale lock: " +
        removal
    );
}

/** The command that removes a stack's stale locks, for the backend in use when known. */
export function staleLockRemoval(stack: string, backendUrl?: string, project = "ssm-access") {
    if (backendUrl?.startsWith("file://")) {
        const dir = backendUrl.slice("file://".length).replace(/\/+$/, "");
        return `rm ${dir}/${stackLockDir(project, stack)}/*.json`;
    }
    if (backendUrl) {
        return `PULUMI_BACKEND_URL=${backendUrl} pulumi cancel --yes --stack ${stack}`;
    }
    return (
        `for a file backend delete <backend>/${stackLockDir(project, stack)}/*.json; ` +
        `for any backend run \`pulumi cancel --yes --stack ${stack}\`.`
    );
}

/**
 * Who holds the lock, from the CLI's words: a DIY backend (file, S3...) lists each lock as
 * "<url>: created by USER@HOST (pid N) at TIME" (pulumi/pulumi pkg/backend/diy/lock.go,
 * checkForLock), which tells a team which machine or CI job to wait for.
 */
export function lockHolder(err: unknown): string | undefined {
    const text = err instanceof Error ? err.message : String(err);
    const m = /created by (\S+@\S+) \(pid (\d+)\) at (\S+)/.exec(text);
    return m ? `${m[1]} (pid ${m[2]}) at ${m[3]}` : undefined;
}

/** The engine's words for a stack another update holds. */
export function isLockError(err: unknown): boolean {
    const text = err instanceof Error ? err.message : String(err);
    return (
        err instanceof ConcurrentUpdateError ||
        // Reading the checkpoint while another update writes it (file backend).
        /currently locked|\[409\] Conflict|failed to load checkpoint: EOF/i.test(text)
    );
}

/**
 * The engine's refusal to delete a protected resource (pulumi/pulumi pkg/resource/deploy:
 * "resource URN cannot be deleted because it is protected"), once per URN.
 */
const PROTECTED = /resource "(urn:pulumi:[^"]+)" cannot be deleted\s+because it is protected/g;

/** What protectFromDeletion refused, and how to delete it anyway: unprotect in state, rerun. */
export function protectedAdvice(text: string, stack: string): string | undefined {
    const urns = [...new Set([...text.matchAll(PROTECTED)].map((m) => m[1]))];
    if (urns.length === 0) {
        return undefined;
    }
    const names = urns.map((u) => u.split("::").pop()).join(", ");
    const commands = urns
        .map((u) => `pulumi state unprotect --yes --stack ${stack} '${u}'`)
        .join("; ");
    return (
        `Stack "${stack}" would delete ${names}, which protectFromDeletion protects. ` +
        `To delete ${urns.length === 1 ? "it" : "them"} anyway, run ${commands}, then run again.`
    );
}

/**
 * One clear sentence (or a few lines for configuration problems) for an error from a stack
 * operation. The raw text is kept for --verbose.
 */
export function explain(err: unknown, stack: string): string {
    const text = err instanceof Error ? err.message : String(err);
    if (err instanceof DriverError || err instanceof UsageError) {
        return text;
    }
    if (err instanceof ConfigError) {
        return `Invalid configuration for stack "${err.stack}":\n${err.problems.map((p) => `  - ${p}`).join("\n")}`;
    }
    if (isLockError(err)) {
        return lockAdvice(stack, undefined, undefined, lockHolder(err));
    }
    const refused = protectedAdvice(text, stack);
    if (refused) {
        return refused;
    }
    if (/ENOENT.*pulumi|spawn pulumi|pulumi: not found|could not find the pulumi cli/i.test(text)) {
        return "The Pulumi CLI was not found on PATH. Run scripts/install-pulumi.sh (builds it with Go, offline) or install it from pulumi.com, then add it to PATH.";
    }
    if (/passphrase must be set|PULUMI_CONFIG_PASSPHRASE/i.test(text) && !/incorrect/i.test(text)) {
        return `Stack "${stack}" needs its passphrase: set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE.`;
    }
    if (/incorrect passphrase/i.test(text)) {
        return `The passphrase for stack "${stack}" is wrong: check PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE.`;
    }
    if (
        /no resource plugin|could not find plugin|failed to (download|install) plugin/i.test(text)
    ) {
        return `A provider plugin is missing for stack "${stack}" and could not be installed: ${firstLine(text, /plugin/i)}`;
    }
    if (
        /NoCredentialProviders|no valid credential sources|ExpiredToken|InvalidClientTokenId|UnrecognizedClientException/i.test(
            text,
        )
    ) {
        return `AWS rejected or could not find credentials for stack "${stack}": configure AWS credentials (AWS_PROFILE, SSO login or environment variables) for the stack's account.`;
    }
    if (err instanceof StackNotFoundError) {
        return `Stack "${stack}" does not exist in this backend yet: run \`up\` to create it.`;
    }
    return firstLine(text, /error:/i) || text.split("\n")[0];
}

/** The first line matching `pattern`, trimmed, or the first non-empty line. */
function firstLine(text: string, pattern: RegExp): string {
    const lines = text
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean);
    return (lines.find((l) => pattern.test(l)) ?? lines[0] ?? "").replace(/^error:\s*/i, "");
}
