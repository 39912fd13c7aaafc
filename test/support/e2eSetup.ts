/**
 * The end-to-end suite's global set-up (mocha's `mochaGlobalSetup`, run once in the main process
 * before the files are shared out to parallel workers): the engine is built, or found, once, so two
 * workers never build it into the same folder at the same time, and a missing moto server is one
 * clear error instead of one per file.
 */
import { execFileSync } from "child_process";
import { engine } from "../../scripts/sandbox";
import { motoServerBinary } from "./moto";

export function mochaGlobalSetup(): void {
    engine();
    const moto = motoServerBinary();
    try {
        execFileSync(moto, ["--help"], { stdio: "ignore" });
    } catch (err) {
        throw new Error(
            `cannot run ${moto} (${(err as Error).message}): run scripts/install-moto.sh or set SSM_ACCESS_MOTO_SERVER`,
        );
    }
}
