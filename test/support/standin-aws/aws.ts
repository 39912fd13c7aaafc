/**
 * The `aws` provider configuration the engine hands the stand-in in Configure, and the AWS SDK
 * clients built from it. The settings are the real provider's (`@pulumi/aws` config/vars.d.ts):
 * `aws:region`, `aws:endpoints` (a list of ProviderEndpoint objects, types/input.d.ts, e.g.
 * `[{iam: URL, ec2: URL, ...}]`), `aws:skipCredentialsValidation`, `aws:skipRequestingAccountId`,
 * `aws:accessKey`/`aws:secretKey` (else the SDK's environment credentials). So a stack file that
 * points the stand-in at moto points the real provider at it too.
 *
 * The stand-in talks only to the endpoints it is given: a call to a service without one fails,
 * so a test can never reach AWS.
 */

import { record } from "./log";

export type Service = "iam" | "ec2" | "ssm" | "sts" | "kms";

export interface Settings {
    region: string;
    endpoints: Partial<Record<Service, string>>;
    skipCredentialsValidation: boolean;
    skipRequestingAccountId: boolean;
    accessKey?: string;
    secretKey?: string;
}

/**
 * Reads the provider configuration from Configure's variables. The engine sends each as a string
 * keyed `aws:config:NAME` (older engines) or `aws:NAME`; objects and lists arrive as JSON text.
 */
export function settingsFrom(variables: Record<string, string>): Settings {
    const get = (name: string): string | undefined =>
        variables[`aws:${name}`] ?? variables[`aws:config:${name}`];
    const flag = (name: string) => get(name) === "true";
    const endpoints: Partial<Record<Service, string>> = {};
    const list = get("endpoints");
    for (const entry of list ? (JSON.parse(list) as Record<string, string>[]) : []) {
        Object.assign(endpoints, entry);
    }
    return {
        region: get("region") ?? process.env.AWS_REGION ?? "us-east-1",
        endpoints,
        // Without it the provider validates the credentials with STS GetCallerIdentity at start.
        skipCredentialsValidation: flag("skipCredentialsValidation"),
        skipRequestingAccountId: flag("skipRequestingAccountId"),
        accessKey: get("accessKey"),
        secretKey: get("secretKey"),
    };
}

/** The partition of a region, as the provider's getPartition derives it. */
export function partitionOf(region: string): { partition: string; dnsSuffix: string } {
    if (region.startsWith("cn-")) {
        return { partition: "aws-cn", dnsSuffix: "amazonaws.com.cn" };
    }
    if (region.startsWith("us-gov-")) {
        return { partition: "aws-us-gov", dnsSuffix: "amazonaws.com" };
    }
    return { partition: "aws", dnsSuffix: "amazonaws.com" };
}

export class Aws {
    private clients = new Map<Service, unknown>();
    private account?: Promise<string>;

    constructor(readonly settings: Settings) {}

    get region(): string {
        return this.settings.region;
    }

    get partition(): string {
        return partitionOf(this.region).partition;
    }

    config(service: Service) {
        const endpoint = this.settings.endpoints[service];
        if (!endpoint) {
            throw new Error(
                `the stand-in aws provider has no endpoint for ${service}: set aws:endpoints (e.g. [{${service}: "http://127.0.0.1:PORT"}]) to an emulator; it never calls AWS`,
            );
        }
        const { accessKey, secretKey } = this.settings;
        return {
            region: this.region,
            endpoint,
            maxAttempts: 2,
            ...(accessKey && secretKey
                ? { credentials: { accessKeyId: accessKey, secretAccessKey: secretKey } }
                : {}),
        };
    }

    /**
     * The SDK client for a service, made once. Each service module loads its own SDK package, so
     * a provider process serving only IAM never loads EC2's (about 0.2 s of CPU each).
     */
    client<T extends Recordable>(
        service: Service,
        make: new (config: ReturnType<Aws["config"]>) => T,
    ): T {
        if (!this.clients.has(service)) {
            const client = new make(this.config(service));
            recordCalls(client, service);
            this.clients.set(service, client);
        }
        return this.clients.get(service) as T;
    }

    /**
     * The account id for the ARNs the provider builds itself (SSM documents, instances): from STS
     * GetCallerIdentity, unless `skipRequestingAccountId` ("Skip requesting the account ID",
     * `@pulumi/aws` config/vars.d.ts), with which the provider has no account id to put in them.
     */
    accountId(): Promise<string> {
        if (this.settings.skipRequestingAccountId) {
            return Promise.resolve("");
        }
        this.account ??= this.callerIdentity().then((c) => c.Account ?? "");
        return this.account;
    }

    async callerIdentity() {
        const sts = await import("@aws-sdk/client-sts");
        return this.client("sts", sts.STSClient).send(new sts.GetCallerIdentityCommand({}));
    }
}

/** An AWS SDK v3 client, as far as the call log needs it. */
interface Recordable {
    middlewareStack: {
        add(
            middleware: (
                next: (args: { input: object }) => Promise<unknown>,
                context: { commandName?: string },
            ) => (args: { input: object }) => Promise<unknown>,
            options: { step: "initialize"; name: string },
        ): void;
    };
}

/**
 * The input fields the call log keeps: what names the resource a call acts on (RoleName,
 * PolicyArn, InstanceProfileName, Name, ResourceId, SettingId, InstanceIds, Path, ...). Documents,
 * tags and values are left out, and no SDK input carries a secret in such a field (a key's
 * secret comes back in a response, which is never logged).
 */
const NAMING_FIELD = /(Name|Arn|Id|Ids|Path|Type)$/;

export function namingFields(input: object): Record<string, unknown> {
    return Object.fromEntries(
        Object.entries(input).filter(
            ([key, value]) =>
                NAMING_FIELD.test(key) &&
                (typeof value === "string" ||
                    (Array.isArray(value) && value.every((v) => typeof v === "string"))),
        ),
    );
}

/**
 * Logs every call the client sends, before it is sent (a failed call, e.g. a read of something
 * already gone, still needs its permission), once per call however often the SDK retries it: an
 * initialize-step middleware runs once per `send` ("initialization and build handlers ... are
 * executed once per operation execution, finalization and deserialize handlers ... for each HTTP
 * request sent", https://docs.aws.amazon.com/AWSJavaScriptSDK/v3/latest/interfaces/_aws_sdk_types.InitializeHandlerOptions.html).
 * The action is the service prefix and the command's name, which for these services is the IAM
 * action's name.
 */
function recordCalls(client: Recordable, service: Service): void {
    client.middlewareStack.add(
        (next, context) => async (args) => {
            const command = (context.commandName ?? "").replace(/Command$/, "");
            record({
                method: "aws",
                action: `${service}:${command}`,
                input: namingFields(args.input),
            });
            return next(args);
        },
        { step: "initialize", name: "standInCallLog" },
    );
}

/** The error's AWS code (the SDK's exception name), e.g. NoSuchEntityException. */
export function awsCode(err: unknown): string {
    return (err as { name?: string })?.name ?? "";
}

/** Whether an AWS error says the thing does not exist. */
export function notFound(err: unknown, ...codes: string[]): boolean {
    return codes.includes(awsCode(err));
}

/** The call's result, or undefined when AWS answers with one of `codes` (the object is gone). */
export async function unlessGone<T>(call: Promise<T>, ...codes: string[]): Promise<T | undefined> {
    try {
        return await call;
    } catch (err) {
        if (notFound(err, ...codes)) {
            return undefined;
        }
        throw err;
    }
}

/** Tags as the provider sends them: a map becomes [{Key, Value}]. */
export function tagList(
    tags: Record<string, string> | undefined,
): { Key: string; Value: string }[] {
    return Object.entries(tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
}

/** Tags as the provider reports them: [{Key, Value}] becomes a map. */
export function tagMap(
    tags: { Key?: string; Value?: string }[] | undefined,
): Record<string, string> {
    return Object.fromEntries((tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""]));
}

/** IAM returns policy documents URL-encoded (RFC 3986); the provider decodes them. */
export function policyText(encoded: string | undefined): string {
    return encoded ? decodeURIComponent(encoded) : "";
}

/**
 * The provider keeps the configured policy text when IAM's is the same policy (whitespace, key
 * order), so only a real change shows as a diff (terraform-provider-aws internal/verify/json.go,
 * PolicyToSet / SuppressEquivalentJSONDiffs).
 */
export function samePolicyOr(configured: unknown, live: string): string {
    if (typeof configured === "string") {
        try {
            if (canonicalJson(JSON.parse(configured)) === canonicalJson(JSON.parse(live))) {
                return configured;
            }
        } catch {
            // Not JSON on one side: the live text is what there is.
        }
    }
    return live;
}

/** JSON with object keys sorted, for comparing documents as parsed JSON. */
export function canonicalJson(value: unknown): string {
    return JSON.stringify(value, (_k, v) =>
        v && typeof v === "object" && !Array.isArray(v)
            ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
            : v,
    );
}

/** A unique id as the Terraform plugin SDK makes them (helper/id: PrefixedUniqueId). */
let counter = 0;
export function prefixedUniqueId(prefix: string): string {
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 17);
    counter += 1;
    return `${prefix}${stamp}${String(process.pid % 1000).padStart(3, "0")}${String(counter).padStart(6, "0")}`;
}
