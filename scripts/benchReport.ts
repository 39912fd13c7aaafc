/**
 * The benchmarks' report: each measure becomes a row of the table (ours, the baseline, the
 * speed-up, peak memory, the goal and whether it is met), each scaling run a row of its own, and
 * the whole is written, with the machine and the date, to docs/BENCHMARKS.md. bench.ts measures;
 * this only tables and writes what it measured, echoing each row to stderr as it comes.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Sample, fmt, median, mem } from "./benchLib";

export class BenchReport {
    private readonly rows: string[][] = [];
    private readonly scaling: string[] = [];

    /** One measure against its baseline (or none), with its goal and whether the run met it. */
    row(
        name: string,
        ours: Sample[],
        baseline: Sample[] | undefined,
        baselineName: string,
        goal: string,
        verdict: (oursMedian: number, ratio?: number) => boolean,
    ): void {
        const o = ours.map((s) => s.seconds);
        const b = baseline?.map((s) => s.seconds);
        const ratio = b ? median(b) / median(o) : undefined;
        this.rows.push([
            name,
            fmt(o),
            b ? `${baselineName}: ${fmt(b)}` : baselineName,
            ratio ? `${ratio.toFixed(2)}x` : "",
            mem(ours),
            goal,
            verdict(median(o), ratio) ? "met" : "NOT met",
        ]);
        process.stderr.write(`${this.rows[this.rows.length - 1].join(" | ")}\n`);
    }

    /** One scaling run of `count` stacks or users, its time per one shown to `digits` places. */
    scale(run: string, sample: Sample, count: number, digits: number): void {
        this.scaling.push(
            `| ${run} | ${sample.seconds.toFixed(2)} s | ${(sample.seconds / count).toFixed(digits)} s | ${sample.peakMiB?.toFixed(0) ?? "n/a"} MiB |`,
        );
    }

    /** Writes docs/BENCHMARKS.md under `root` and returns its text. */
    write(root: string, runs: number): string {
        const machine = `${os.cpus().length} x ${os.cpus()[0]?.model ?? "cpu"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
        const report = [
            "# Benchmarks",
            "",
            `Run with \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}; ${runs} runs per measure; machine: ${machine}.`,
            "Real-engine rows use the Pulumi CLI built by scripts/install-pulumi.sh and the stand-in aws provider.",
            "Peak RSS is GNU time's figure for the run: the largest single process in it, not the sum.",
            "This shared 2-core machine's speed drifts between runs (baselines have moved by 1.5x from one",
            "run to another), so each ratio compares ours with a baseline measured minutes apart, in one run.",
            "",
            this.table(),
            "",
            "## Scaling",
            "",
            "| run | wall | per stack or user | peak RSS |",
            "| --- | --- | --- | --- |",
            ...this.scaling,
            "",
        ].join("\n");
        fs.writeFileSync(path.join(root, "docs", "BENCHMARKS.md"), report);
        return report;
    }

    private table(): string {
        const header = [
            "measure",
            "ours: median (min-max)",
            "baseline",
            "speed-up",
            "peak RSS (ours)",
            "goal",
            "goal met",
        ];
        return [header, header.map(() => "---"), ...this.rows]
            .map((r) => `| ${r.join(" | ")} |`)
            .join("\n");
    }
}
