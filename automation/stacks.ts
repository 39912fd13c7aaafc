import * as fs from "fs";
import * as path from "path";
import { readProjectFile } from "../config/raw";
import { UsageError } from "./errors";

const STACK_FILE = /^Pulumi\.([A-Za-z0-9_.-]+)\.yaml$/;

/** Every stack that has a Pulumi.<stack>.yaml beside Pulumi.yaml, sorted. */
export function discoverStacks(projectDir: string): string[] {
    return fs
        .readdirSync(projectDir)
        .map((f) => STACK_FILE.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/** The stacks --env names (comma-separated), or all known ones; an unknown name lists the known. */
export function selectStacks(known: string[], env?: string): string[] {
    if (!env) {
        if (known.length === 0) {
            throw new UsageError("no stacks found: add a Pulumi.<stack>.yaml beside Pulumi.yaml");
        }
        return known;
    }
    const wanted = [
        ...new Set(
            env
                .split(",")
                .map((s) => s.trim())
                .filter(Boolean),
        ),
    ];
    const unknown = wanted.filter((s) => !known.includes(s));
    if (unknown.length > 0 || wanted.length === 0) {
        throw new UsageError(
            `--env: unknown stack ${unknown.map((s) => `"${s}"`).join(", ") || '""'}; known stacks: ${known.join(", ")}`,
        );
    }
    return wanted;
}

/** The project's name, from Pulumi.yaml. */
export function projectName(projectDir: string): string {
    const doc = readProjectFile(projectDir);
    if (typeof doc.name !== "string" || doc.name === "") {
        throw new UsageError(`${path.join(projectDir, "Pulumi.yaml")} has no project name`);
    }
    return doc.name;
}
