import { StackRun } from "./runner";

type Writable = { write(text: string): unknown; isTTY?: boolean; columns?: number };

function counts(run: StackRun): string {
    const c = run.changes;
    return c ? `+${c.create} ~${c.update} -${c.delete} +-${c.replace} =${c.same}` : "";
}

/** One stack's status in a phase ("preview", "apply", "refresh"), e.g. `dev: preview: done ...`. */
export function statusLine(run: StackRun, phase: string): string {
    const label = `${run.stack}: ${phase}`;
    switch (run.status) {
        case "running":
            return `${label}: running${run.step ? `: ${run.step}` : ""}`;
        case "succeeded":
            return `${label}: done ${counts(run)} in ${seconds(run.durationMs)}`;
        case "failed":
            return `${label}: failed: ${run.error}`;
        default:
            return `${label}: ${run.status}`;
    }
}

function seconds(ms = 0): string {
    return `${(ms / 1000).toFixed(1)}s`;
}

/**
 * Per-stack status on stderr: redrawn in place on a terminal, plain lines (one per change of
 * status or step) when stderr is a file or a CI log.
 */
export class Progress {
    private readonly runs = new Map<string, StackRun>();
    private drawn = 0;

    constructor(
        private readonly out: Writable,
        private readonly phase: string,
    ) {}

    update(run: StackRun): void {
        const previous = this.runs.get(run.stack);
        const line = statusLine(run, this.phase);
        this.runs.set(run.stack, { ...run });
        if (this.out.isTTY) {
            this.redraw();
        } else if (!previous || statusLine(previous, this.phase) !== line) {
            this.out.write(`${line}\n`);
        }
    }

    private redraw(): void {
        const width = Math.max(20, (this.out.columns ?? 100) - 1);
        const lines = [...this.runs.values()].map((r) =>
            statusLine(r, this.phase).split("\n")[0].slice(0, width),
        );
        const up = this.drawn > 0 ? `\x1b[${this.drawn}A` : "";
        this.out.write(up + lines.map((l) => `\x1b[2K${l}\n`).join(""));
        this.drawn = lines.length;
    }
}

/** The final table: one row per stack with its changes and duration. */
export function summaryTable(runs: StackRun[]): string {
    const header = ["stack", "status", "create", "update", "delete", "replace", "same", "duration"];
    const rows = runs.map((r) => [
        r.stack,
        r.status,
        ...(r.changes
            ? [
                  r.changes.create,
                  r.changes.update,
                  r.changes.delete,
                  r.changes.replace,
                  r.changes.same,
              ].map(String)
            : ["", "", "", "", ""]),
        r.durationMs === undefined ? "" : seconds(r.durationMs),
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
    const fmt = (row: string[]) =>
        row
            .map((cell, i) => cell.padEnd(widths[i]))
            .join("  ")
            .trimEnd();
    const failures = runs.filter((r) => r.error).map((r) => `${r.stack}: ${r.error}`);
    return [fmt(header), ...rows.map(fmt), ...(failures.length ? ["", ...failures] : [])].join(
        "\n",
    );
}
