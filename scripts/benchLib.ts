/** Measuring whole processes for the benchmarks: wall time, peak RSS, medians, alternation. */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface Sample {
    seconds: number;
    peakMiB?: number;
}

/** Runs a command once; wall time, and peak RSS of the process tree where GNU time exists. */
export function measure(
    cmd: string,
    args: string[],
    opts: { cwd: string; env?: NodeJS.ProcessEnv },
): Sample {
    const gnuTime = fs.existsSync("/usr/bin/time");
    const statFile = path.join(os.tmpdir(), `bench-${process.pid}.txt`);
    const [file, argv] = gnuTime
        ? ["/usr/bin/time", ["-f", "%M", "-o", statFile, cmd, ...args]]
        : [cmd, args];
    const start = process.hrtime.bigint();
    const r = spawnSync(file, argv, {
        cwd: opts.cwd,
        env: opts.env ?? process.env,
        encoding: "utf8",
        maxBuffer: 256 << 20,
    });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (r.status !== 0) {
        throw new Error(
            `${cmd} ${args.join(" ")} exited ${r.status}:\n${(r.stderr ?? "").slice(-2000)}`,
        );
    }
    const peakMiB = gnuTime
        ? Number(fs.readFileSync(statFile, "utf8").trim().split("\n").pop()) / 1024
        : undefined;
    return { seconds, peakMiB };
}

/**
 * Empties the kernel's page cache so that the next run reads every file from disk: a cold start.
 * Needs root; false where the kernel does not allow it (then no cold figures are reported).
 */
export function dropPageCache(): boolean {
    try {
        execFileSync("sync");
        fs.writeFileSync("/proc/sys/vm/drop_caches", "3\n");
        return true;
    } catch {
        return false;
    }
}

export function repeat(n: number, run: () => Sample): Sample[] {
    return Array.from({ length: n }, run);
}

/**
 * Runs ours and the baseline in turns (ours first, then the baseline first, and so on), so that a
 * drift in the machine's speed during the run weighs on both alike.
 */
export function alternate<B>(n: number, ours: () => Sample, baseline: () => B): [Sample[], B[]] {
    const o: Sample[] = [];
    const b: B[] = [];
    for (let i = 0; i < n; i++) {
        if (i % 2 === 0) {
            o.push(ours());
            b.push(baseline());
        } else {
            b.push(baseline());
            o.push(ours());
        }
    }
    return [o, b];
}

export function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export const fmt = (xs: number[]) =>
    `${median(xs).toFixed(2)} s (${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)})`;
export const mem = (samples: Sample[]) =>
    samples[0].peakMiB === undefined
        ? "n/a"
        : `${median(samples.map((s) => s.peakMiB!)).toFixed(0)} MiB`;
