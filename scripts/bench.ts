/**
 * `npm run bench`: how fast the unit suite, one stack's preview and the driver are, each against
 * what a user would otherwise run, side by side in one run. Prints a table of medians (min-max)
 * and writes it, with the machine, to docs/BENCHMARKS.md. BENCH_RUNS sets the runs (default 5).
 * Needs the engine (scripts/install-pulumi.sh) for the real-engine rows.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { Sample, alternate, dropPageCache, measure, median, repeat } from "./benchLib";
import { BenchReport } from "./benchReport";
import { Sandbox, engine } from "./sandbox";

const ROOT = path.resolve(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

/** Adds generated stacks (copies of dev with their own names) to a sandbox project. */
function generateStacks(project: string, count: number): string[] {
    const dev = fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8");
    for (const f of fs.readdirSync(project).filter((f) => /^Pulumi\..+\.yaml$/.test(f))) {
        fs.rmSync(path.join(project, f));
    }
    const names = Array.from({ length: count }, (_, i) => `gen${String(i + 1).padStart(2, "0")}`);
    for (const name of names) {
        fs.writeFileSync(
            path.join(project, `Pulumi.${name}.yaml`),
            dev.replace(/dev-(admin|auditor|oncall)/g, `${name}-$1`),
        );
    }
    return names;
}

/** Sets the dev stack's number of Run Command users. */
function setUsers(project: string, count: number): void {
    const file = path.join(project, "Pulumi.dev.yaml");
    const doc = yaml.load(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> };
    doc.config["ssm-access:users"] = Array.from({ length: count }, (_, i) => ({
        name: `user${i}`,
        level: i % 3 === 0 ? "admin" : i % 3 === 1 ? "read-only" : "operator",
        accessKeys: ["k1"],
    }));
    if (count < 3) {
        // No operator among them: operatorAccess would be refused as a setting with no effect.
        delete doc.config["ssm-access:operatorAccess"];
    }
    fs.writeFileSync(file, yaml.dump(doc));
}

/** Runs the driver of a (sandbox) project once. */
function driverIn(project: string, env: NodeJS.ProcessEnv, ...args: string[]): Sample {
    return measure(
        process.execPath,
        [path.join(project, "automation", "bin", "stacks.js"), ...args],
        { cwd: project, env },
    );
}

async function main(): Promise<void> {
    const bin = engine();
    const node = process.execPath;
    const mocha = path.join(ROOT, "node_modules", "mocha", "bin", "mocha.js");
    const report = new BenchReport();

    // 1. Unit suite: ours (SWC through ts-node, no type-check) vs the Pulumi docs' default.
    // What `npm test` runs (mocha with .mocharc.json), timed without npm's own start-up, like the baseline.
    const unitOurs = () => measure(node, [mocha], { cwd: ROOT });
    // The baseline type-checks: a tsconfig that undoes our ts-node section (its options win over env).
    // Inside node_modules so the baseline finds the same @types as ours.
    const cacheDir = path.join(ROOT, "node_modules", ".cache", "ssm-access-bench");
    fs.mkdirSync(cacheDir, { recursive: true });
    const checking = path.join(cacheDir, "tsconfig.json");
    fs.writeFileSync(
        checking,
        JSON.stringify({
            extends: path.join(ROOT, "tsconfig.json"),
            "ts-node": { transpileOnly: false, swc: false },
        }),
    );
    const unitDefault = () =>
        measure(
            node,
            [
                mocha,
                "--no-config",
                "--require",
                "ts-node/register",
                "--require",
                "test/support/mocks.ts",
                "--extension",
                "ts",
                "--timeout",
                "60000",
                "--ignore",
                "test/e2e/**",
                "test/**/*.test.ts",
            ],
            { cwd: ROOT, env: { ...process.env, TS_NODE_PROJECT: checking } },
        );
    report.row(
        "unit suite (npm test's mocha run)",
        ...alternate(RUNS, unitOurs, unitDefault),
        "mocha -r ts-node/register",
        "< 3 s, >= 5x",
        (m, r) => m < 3 && (r ?? 0) >= 5,
    );
    // Cold: the page cache emptied before every run, both sides, so every file comes from disk.
    if (dropPageCache()) {
        const cold = (run: () => Sample) => () => (dropPageCache(), run());
        report.row(
            "unit suite, cold page cache",
            ...alternate(RUNS, cold(unitOurs), cold(unitDefault)),
            "mocha -r ts-node/register",
            "< 3 s, >= 5x",
            (m, r) => m < 3 && (r ?? 0) >= 5,
        );
    } else {
        process.stderr.write("unit suite, cold page cache: not measured (needs root)\n");
    }

    // 2. One stack's no-change preview: our runtime settings vs Pulumi's default TypeScript handling.
    const sb = new Sandbox();
    try {
        await sb.startCloud();
        const env = sb.env();
        const pulumi = path.join(bin, "pulumi");
        const run = (...args: string[]) =>
            execFileSync(pulumi, [...args, "--non-interactive"], {
                cwd: sb.project,
                env,
                stdio: "pipe",
            });
        run("stack", "init", "dev");
        run("up", "--yes", "--stack", "dev");
        const preview = (stack: string) =>
            measure(pulumi, ["preview", "--stack", stack, "--non-interactive"], {
                cwd: sb.project,
                env,
            });
        // Pulumi's default: no tsconfig runtime option and no ts-node section, so ts-node type-checks.
        const projectFile = path.join(sb.project, "Pulumi.yaml");
        const tsconfigFile = path.join(sb.project, "tsconfig.json");
        const ours = fs.readFileSync(projectFile, "utf8");
        const oursTsconfig = fs.readFileSync(tsconfigFile, "utf8");
        const tsconfig = JSON.parse(oursTsconfig) as Record<string, unknown>;
        delete tsconfig["ts-node"];
        const defaultProject = ours
            .replace(/\n {4}# noCheck.*\n/, "\n")
            .replace(/\n {4}tsconfig: tsconfig\.pulumi\.json\n/, "\n");
        const defaultTsconfig = JSON.stringify(tsconfig);
        const withFiles = (project: string, tsconfigText: string) => () => {
            fs.writeFileSync(projectFile, project);
            fs.writeFileSync(tsconfigFile, tsconfigText);
            return preview("dev");
        };
        const [previewOurs, previewDefault] = alternate(
            RUNS,
            withFiles(ours, oursTsconfig),
            withFiles(defaultProject, defaultTsconfig),
        );
        fs.writeFileSync(projectFile, ours);
        fs.writeFileSync(tsconfigFile, oursTsconfig);
        report.row(
            "one stack, no-change preview",
            previewOurs,
            previewDefault,
            "default TS handling (type-checks)",
            "< 5 s, >= 3x",
            (m, r) => m < 5 && (r ?? 0) >= 3,
        );

        // 3. The driver's preview of three stacks vs three sequential pulumi previews.
        for (const stack of ["staging", "prod"]) {
            run("stack", "init", stack);
        }
        const stacks = ["dev", "staging", "prod"];
        const [driverRuns, singleRuns] = alternate(
            RUNS,
            () => driverIn(sb.project, env, "preview", "--parallel", "3"),
            () => stacks.map(preview),
        );
        const singles = stacks.map((_, j) => singleRuns.map((run) => run[j]));
        const sequential = singleRuns.map((run) => ({
            seconds: run.reduce((t, s) => t + s.seconds, 0),
        }));
        const slowest = Math.max(...singles.map((s) => median(s.map((x) => x.seconds))));
        report.row(
            "driver preview, 3 stacks, --parallel 3",
            driverRuns,
            sequential,
            "3 sequential pulumi preview",
            `within 1.3x of slowest single (${slowest.toFixed(2)} s)`,
            (m) => m <= 1.3 * slowest,
        );

        // 4. plan (offline) for all shipped stacks: wall time and peak memory.
        const plan = repeat(RUNS, () => driverIn(ROOT, process.env, "plan", "--json"));
        report.row(
            "plan, all shipped stacks (offline)",
            plan,
            undefined,
            "no baseline: nothing else runs offline",
            "report",
            () => true,
        );

        // Scaling: the driver over 1, 3, 6, 12 generated stacks; one stack with 1, 10, 50 users.
        const scale = new Sandbox();
        try {
            for (const n of [1, 3, 6, 12]) {
                const names = generateStacks(scale.project, n);
                for (const name of names) {
                    execFileSync(pulumi, ["stack", "init", name, "--non-interactive"], {
                        cwd: scale.project,
                        env: scale.env(),
                        stdio: "pipe",
                    });
                }
                const s = driverIn(scale.project, scale.env(), "preview", "--parallel", "3");
                report.scale(`driver preview, ${n} stacks, --parallel 3`, s, n, 2);
                for (const name of names) {
                    execFileSync(
                        pulumi,
                        ["stack", "rm", name, "--yes", "--force", "--non-interactive"],
                        { cwd: scale.project, env: scale.env(), stdio: "pipe" },
                    );
                }
            }
            for (const n of [1, 10, 50]) {
                // From the shipped file each time: setUsers may drop operatorAccess.
                fs.copyFileSync(
                    path.join(ROOT, "Pulumi.dev.yaml"),
                    path.join(scale.project, "Pulumi.dev.yaml"),
                );
                setUsers(scale.project, n);
                const s = driverIn(scale.project, scale.env(), "plan", "--env", "dev", "--json");
                report.scale(`plan, 1 stack, ${n} users`, s, n, 3);
            }
        } finally {
            await scale.cleanup();
        }
    } finally {
        await sb.cleanup();
    }

    process.stdout.write(`${report.write(ROOT, RUNS)}\n`);
}

main().catch((err) => {
    console.error(err);
    process.exit(1);
});
