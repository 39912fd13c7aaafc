/**
 * A stack's pending creates read straight from a DIY backend's checkpoint, as `pulumi stack export`
 * would show them, without starting the CLI. The Pulumi CLI v3.274.1 keeps a stack's checkpoint at
 * `.pulumi/stacks/<project>/<stack>.json` when `.pulumi/meta.yaml` says version 1 (the project
 * layout; version 0 or no meta.yaml is the legacy layout: pulumi/pulumi pkg/backend/diy/meta.go
 * pulumiMeta, backend.go New; store.go projectReferenceStore.StackBasePath). It may instead keep
 * `<stack>.json.gz` or `.json.zst` and reads whichever of the three was written last (state.go
 * stackPath), decompressing by content (getCheckpoint: encoding.DetectCompression). The file is
 * `{"version": 3 or 4, "checkpoint": {"latest": deployment}}` and `stack export` prints that
 * `latest` as its deployment (resource/stack/checkpoint.go
 * UnmarshalVersionedCheckpointToLatestCheckpoint; backend.go ExportDeployment).
 *
 * Anything else means "cannot tell" (undefined), never "none": the caller then asks the CLI.
 */
import * as yaml from "js-yaml";
import { withDiyBucket } from "./diyBucket";
import { PendingCreate, pendingCreatesOf } from "./pending";

/** The characters a project or stack name may have (tokens.Name, tokens.StackName). */
const NAME = /^[A-Za-z0-9_.-]+$/;

/** A stack's plain checkpoint below a project-layout backend's root. */
function checkpointKey(project: string, stack: string): string {
    return `.pulumi/stacks/${project}/${stack}.json`;
}

/**
 * The pending creates recorded in a stack's checkpoint in a file or S3 backend, or undefined
 * where the plain JSON checkpoint is not certainly the one the CLI reads: another backend, the
 * legacy layout, a compressed variant present, no checkpoint (a stack not created yet), or a file
 * that is not a checkpoint of a known version.
 */
export async function checkpointPendingCreates(
    backendUrl: string,
    project: string,
    stack: string,
): Promise<PendingCreate[] | undefined> {
    if (!NAME.test(project) || !NAME.test(stack)) {
        return undefined;
    }
    return withDiyBucket(backendUrl, async (bucket) => {
        const meta = await bucket.read(".pulumi/meta.yaml");
        if (!meta || (yaml.load(meta.toString("utf8")) as { version?: unknown })?.version !== 1) {
            return undefined;
        }
        const key = checkpointKey(project, stack);
        const variants = await bucket.list(key);
        if (
            !variants.includes(key) ||
            variants.some((k) => k === `${key}.gz` || k === `${key}.zst`)
        ) {
            return undefined;
        }
        const bytes = await bucket.read(key);
        return bytes && pendingCreatesIn(bytes.toString("utf8"));
    });
}

const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);

/** The pending creates of a checkpoint file's text; undefined if it is not one this reader knows. */
function pendingCreatesIn(text: string): PendingCreate[] | undefined {
    let file: unknown;
    try {
        file = JSON.parse(text);
    } catch {
        // Compressed content under the plain name, or half a file: the CLI decides.
        return undefined;
    }
    if (
        !isObject(file) ||
        (file.version !== 3 && file.version !== 4) ||
        !isObject(file.checkpoint)
    ) {
        return undefined;
    }
    const latest = file.checkpoint.latest;
    if (latest === undefined || latest === null) {
        // A stack with no deployment yet: `stack export` prints a null deployment.
        return [];
    }
    const known =
        isObject(latest) &&
        (latest.pending_operations === undefined || Array.isArray(latest.pending_operations));
    return known ? pendingCreatesOf(latest) : undefined;
}
