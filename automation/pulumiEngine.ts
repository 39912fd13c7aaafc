/**
 * The StackEngine on the Pulumi Automation API and the real CLI: selects each stack once, runs an
 * operation (engineOperation.ts) and maps its errors, and runs the CLI for what the API lacks.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import { promisify } from "util";
import * as path from "path";
import { LocalWorkspace, PulumiCommand, PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { ConfigError } from "../config/problems";
import { DriverError, isLockError, lockAdvice, lockHolder, staleLockRemoval } from "./errors";
import { Command, OpOptions, OpResult, StackEngine, StateResource } from "./stackEngine";
import { OperationEvents, operate } from "./engineOperation";
import { BackendChoice, isolatedCli, needsPassphrase, passphraseConfigured } from "./backend";
import { StackLock, readStackLocks } from "./locks";
import { checkpointPendingCreates } from "./checkpoint";
import { PendingCreate, pendingCreatesOf } from "./pending";
import { keepingStackFile, usesPassphrase } from "./stackFile";
import { projectName } from "./stacks";
import { Mutex } from "./engineSupport";

const execFileAsync = promisify(execFile);

/** The program the driver runs inline for every stack. */
export interface InlineProgram {
    run: PulumiFn;
    /**
     * Starts loading the program's modules, once however often it is called. Loading blocks this
     * process for a moment, so it is started once the CLI is starting, to overlap with it rather
     * than delay it.
     */
    preload(): void;
}

export class PulumiEngine implements StackEngine {
    private readonly stacks = new Map<string, Promise<Stack>>();
    /** The error the inline program threw, per stack: the engine hands back only its text. */
    private readonly programErrors = new Map<string, unknown>();
    private readonly select = new Mutex();
    private cli?: Promise<PulumiCommand | undefined>;

    constructor(
        private readonly projectDir: string,
        private readonly backend: BackendChoice,
        private readonly program: InlineProgram,
        /** Tells the user something once, on stderr. */
        private readonly notify: (message: string) => void,
        private readonly env: NodeJS.ProcessEnv = process.env,
    ) {
        if (backend.source === "default") {
            fs.mkdirSync(path.join(projectDir, ".pulumi-state"), { recursive: true });
        }
    }

    private stack(name: string): Promise<Stack> {
        let found = this.stacks.get(name);
        if (!found) {
            found = this.select.run(async () => {
                if (
                    needsPassphrase(this.backend.url) &&
                    usesPassphrase(this.projectDir, name) &&
                    !passphraseConfigured(this.env)
                ) {
                    throw new DriverError(
                        `Stack "${name}" uses a passphrase (backend ${this.backend.url}) and none is set: ` +
                            "set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE.",
                    );
                }
                const envVars = Object.fromEntries(
                    Object.entries({
                        ...this.env,
                        PULUMI_BACKEND_URL: this.backend.url,
                        PULUMI_SKIP_UPDATE_CHECK: "true",
                    }).filter((e): e is [string, string] => e[1] !== undefined),
                );
                this.cli ??= isolatedCli(this.env);
                const pulumiCommand = await this.cli;
                return this.keepStackFile(name, () =>
                    LocalWorkspace.createOrSelectStack(
                        {
                            stackName: name,
                            projectName: projectName(this.projectDir),
                            program: async () => {
                                try {
                                    return await this.program.run();
                                } catch (err) {
                                    this.programErrors.set(name, err);
                                    throw err;
                                }
                            },
                        },
                        { workDir: this.projectDir, envVars, pulumiCommand },
                    ),
                );
            });
            this.stacks.set(name, found);
        }
        return found;
    }

    /** Runs an engine operation, leaving the user's stack file as they wrote it. */
    private keepStackFile<T>(name: string, operation: () => Promise<T>): Promise<T> {
        return keepingStackFile(this.projectDir, name, operation, (file, keys) =>
            this.notify(
                `${path.basename(file)}: the engine added ${keys.join(", ")} (the settings of this ` +
                    "stack's secrets provider, written once when the stack is created); commit it with the file.\n",
            ),
        );
    }

    async run(command: Command, name: string, opts: OpOptions): Promise<OpResult> {
        const selected = this.stack(name);
        // preview and up run the program; refresh and destroy do not.
        if (command === "preview" || command === "up") {
            // After this turn's spawns of the CLI, so that both proceed at once.
            setImmediate(() => this.program.preload());
        }
        const stack = await selected;
        const events = new OperationEvents(command, opts.onStep);
        const common = { onEvent: events.onEvent, signal: events.signal(opts.signal) };
        this.programErrors.delete(name);
        try {
            const summary = await this.keepStackFile(name, () => operate(stack, command, common));
            return events.result(summary);
        } catch (err) {
            // A configuration problem the program found reaches the driver typed, not as text.
            const programError = this.programErrors.get(name);
            if (programError instanceof ConfigError) {
                throw programError;
            }
            if (isLockError(err)) {
                throw new DriverError(
                    lockAdvice(
                        name,
                        this.backend.url,
                        projectName(this.projectDir),
                        lockHolder(err),
                    ),
                );
            }
            if (events.programFailure !== undefined && !opts.signal.aborted) {
                throw new DriverError(
                    `Stack "${name}": the program failed: ${events.programFailure}`,
                );
            }
            throw err;
        }
    }

    async stackLocks(name: string): Promise<StackLock[] | undefined> {
        try {
            return await readStackLocks(this.backend.url, projectName(this.projectDir), name);
        } catch {
            // Unreadable (e.g. credentials the AWS SDK finds and the CLI does not): as unknown.
            return undefined;
        }
    }

    staleLockRemoval(name: string): string {
        return staleLockRemoval(name, this.backend.url, projectName(this.projectDir));
    }

    async pendingCreates(name: string): Promise<PendingCreate[]> {
        // The checkpoint itself where it is certainly the one the CLI reads: no CLI started.
        const project = projectName(this.projectDir);
        const read = await checkpointPendingCreates(this.backend.url, project, name).catch(
            // Unreadable (e.g. credentials the AWS SDK finds and the CLI does not): ask the CLI.
            () => undefined,
        );
        if (read) {
            return read;
        }
        const stack = await this.stack(name);
        return pendingCreatesOf((await stack.exportStack()).deployment);
    }

    /**
     * Runs the workspace's CLI for one stack with the workspace's environment. The Automation API
     * keeps its own runner internal (@pulumi/pulumi 3.248 automation/cmd.js: PulumiCommand.run is
     * `@internal`), so the public path of its CLI is run here.
     */
    private async runCli(name: string, args: string[]): Promise<string> {
        const stack = await this.stack(name);
        const cli = (stack.workspace as LocalWorkspace).pulumiCommand.command;
        try {
            const { stdout } = await execFileAsync(
                cli,
                [...args, "--stack", name, "--non-interactive"],
                {
                    cwd: this.projectDir,
                    env: {
                        ...this.env,
                        PULUMI_BACKEND_URL: this.backend.url,
                        PULUMI_SKIP_UPDATE_CHECK: "true",
                    },
                    maxBuffer: 64 * 1024 * 1024,
                },
            );
            return stdout;
        } catch (err) {
            const { stderr, message } = err as { stderr?: string; message: string };
            throw new Error(`pulumi ${args.slice(0, 2).join(" ")}: ${(stderr || message).trim()}`);
        }
    }

    async stateResources(name: string): Promise<StateResource[]> {
        // Without --show-secrets: the state's secrets stay ciphertext.
        const exported = JSON.parse(await this.runCli(name, ["stack", "export"])) as {
            deployment?: {
                resources?: { urn: string; type: string; protect?: boolean; delete?: boolean }[];
            };
        };
        // Left out as `pulumi state unprotect` leaves them (pulumi/pulumi
        // pkg/cmd/pulumi/state/state_unprotect.go, unprotectResourcesInSnapshot: `!res.Delete`).
        return (exported.deployment?.resources ?? [])
            .filter((r) => !r.delete)
            .map((r) => ({ urn: r.urn, type: r.type, protect: r.protect === true }));
    }

    async setProtect(name: string, urn: string, protect: boolean): Promise<void> {
        // The CLI's own state edit, on exactly this URN (pulumi/pulumi pkg/cmd/pulumi/state/
        // state_protect.go and state_unprotect.go: set or clear `Protect`, save the snapshot),
        // rather than exporting, editing and importing the whole state.
        await this.keepStackFile(name, () =>
            this.runCli(name, ["state", protect ? "protect" : "unprotect", urn, "--yes"]),
        );
    }

    async outputs(name: string): Promise<Record<string, unknown>> {
        // The CLI's own masking covers secrets nested inside an output (e.g. one user's key).
        const stdout = await this.runCli(name, ["stack", "output", "--json"]);
        return JSON.parse(stdout) as Record<string, unknown>;
    }

    async secretOutputs(name: string): Promise<Record<string, unknown>> {
        const stack = await this.stack(name);
        const outputs = await stack.outputs();
        return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value]));
    }
}
