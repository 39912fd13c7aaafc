import * as assert from "assert";
import { ConfigError, parseStackConfig } from "../../config";

/** The problems parseStackConfig reports for `raw` (none when it is valid). */
export async function problems(
    raw: Record<string, unknown>,
    region: unknown = "us-east-1",
): Promise<string[]> {
    try {
        await parseStackConfig("dev", region, raw);
    } catch (err) {
        assert.ok(err instanceof ConfigError, `expected ConfigError, got ${err}`);
        return err.problems;
    }
    return [];
}
