import { createHash } from "crypto";

/** A short, stable hash for child resource names that must not change when a list is reordered. */
export function shortHash(value: string): string {
    return createHash("sha256").update(value).digest("hex").slice(0, 8);
}
