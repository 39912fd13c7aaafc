/**
 * The storage of a DIY backend, read as the Pulumi CLI v3.274.1 reads it: a `file://` URL's folder,
 * or an `s3://BUCKET/PREFIX` bucket whose prefix prefixes every key (pulumi/pulumi
 * pkg/backend/diy/backend.go: New, massageBlobPath, blob.PrefixedBucket). Keys are relative to that
 * root, with "/" between folders, as the backend names them.
 */
import * as fs from "fs";
import * as path from "path";
import type { S3ClientConfig } from "@aws-sdk/client-s3";

export interface DiyBucket {
    /** The keys starting with `prefix`, within its last folder (the CLI lists with a "/" delimiter). */
    list(prefix: string): Promise<string[]>;
    /** An object's bytes; undefined when it does not exist (e.g. deleted since it was listed). */
    read(key: string): Promise<Buffer | undefined>;
}

/**
 * The storage of a file or S3 backend, passed to `use` and closed after; undefined for any other
 * backend (Pulumi Cloud), and for a `file://` URL whose folder the CLI resolves from where it runs
 * (`~`, a relative path: massageBlobPath), which this process cannot be sure to find.
 */
export async function withDiyBucket<T>(
    backendUrl: string,
    use: (bucket: DiyBucket) => Promise<T>,
): Promise<T | undefined> {
    if (backendUrl.startsWith("file://")) {
        const root = backendUrl.slice("file://".length).split("?")[0];
        return path.isAbsolute(root) ? use(fileBucket(root)) : undefined;
    }
    if (backendUrl.startsWith("s3://")) {
        return withS3Bucket(backendUrl, use);
    }
    return undefined;
}

function fileBucket(root: string): DiyBucket {
    return {
        async list(prefix) {
            const slash = prefix.lastIndexOf("/");
            const [dir, start] = [prefix.slice(0, slash + 1), prefix.slice(slash + 1)];
            try {
                const names = await fs.promises.readdir(path.join(root, dir));
                return names.filter((n) => n.startsWith(start)).map((n) => dir + n);
            } catch (err) {
                if ((err as NodeJS.ErrnoException).code === "ENOENT") {
                    return [];
                }
                throw err;
            }
        },
        async read(key) {
            try {
                return await fs.promises.readFile(path.join(root, key));
            } catch (err) {
                if ((err as NodeJS.ErrnoException).code === "ENOENT") {
                    return undefined;
                }
                throw err;
            }
        },
    };
}

/**
 * The S3 client for a backend URL, with the URL's region, endpoint and path-style options, as the
 * CLI's opener reads them (automation/backend.ts, S3_URL_OPTIONS, cites the source).
 */
export function s3ClientConfig(backendUrl: string): S3ClientConfig {
    const q = new URL(backendUrl).searchParams;
    const yes = (key: string) => /^(1|t|true)$/i.test(q.get(key) ?? "");
    const config: S3ClientConfig = {};
    const region = q.get("region");
    if (region) {
        config.region = region;
    }
    const endpoint = q.get("endpoint");
    if (endpoint) {
        const plain = yes("disable_https") || yes("disableSSL");
        config.endpoint = endpoint.includes("://")
            ? endpoint
            : `${plain ? "http" : "https"}://${endpoint}`;
    }
    if (yes("use_path_style") || yes("s3ForcePathStyle")) {
        config.forcePathStyle = true;
    }
    const profile = q.get("profile");
    if (profile) {
        config.profile = profile;
    }
    return config;
}

async function withS3Bucket<T>(
    backendUrl: string,
    use: (bucket: DiyBucket) => Promise<T>,
): Promise<T> {
    // Loaded only for an S3 backend.
    const { S3Client, ListObjectsV2Command, GetObjectCommand } = await import("@aws-sdk/client-s3");
    const url = new URL(backendUrl);
    const Bucket = url.hostname;
    const root = url.pathname.replace(/^\/+/, "").replace(/\/*$/, "/").replace(/^\/$/, "");
    const s3 = new S3Client(s3ClientConfig(backendUrl));
    try {
        return await use({
            async list(prefix) {
                const listed = await s3.send(
                    new ListObjectsV2Command({ Bucket, Prefix: root + prefix, Delimiter: "/" }),
                );
                return (listed.Contents ?? []).map((o) => o.Key!.slice(root.length));
            },
            async read(key) {
                try {
                    const object = await s3.send(new GetObjectCommand({ Bucket, Key: root + key }));
                    return Buffer.from(await object.Body!.transformToByteArray());
                } catch (err) {
                    if ((err as { name?: string }).name === "NoSuchKey") {
                        return undefined;
                    }
                    throw err;
                }
            },
        });
    } finally {
        s3.destroy();
    }
}
