/**
 * TEST STAND-IN for the `aws` provider plugin, which cannot be built on these machines. It runs
 * as `pulumi-resource-aws` on PATH during end-to-end tests only. Every create, read, update,
 * delete and invoke becomes the AWS API calls the real provider (terraform-provider-aws, which
 * @pulumi/aws bridges) makes for that resource, sent with the AWS SDK for JavaScript v3 to the
 * endpoints of the provider configuration (aws.ts): in the tests, a moto server. The cloud is
 * moto's; the stand-in keeps only the call log and the secrets AWS handed it (log.ts), what moto
 * lacks (notInMoto.ts), and the provider's own input checks (checks.ts).
 */
import * as provider from "@pulumi/pulumi/provider";
import { randomBytes } from "crypto";
import * as fs from "fs";
import { Aws, Settings, partitionOf, settingsFrom } from "./aws";
import { UNKNOWN, checkInputs } from "./checks";
import type { Handler, Invoke, Props } from "./handler";
import { record } from "./log";

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** Secret inputs arrive wrapped; the stand-in, like a real provider, works on the plain value. */
function unwrap(value: any): any {
    if (Array.isArray(value)) {
        return value.map(unwrap);
    }
    if (value && typeof value === "object") {
        if (value[SECRET_SIG] === "1b47061264138c4ac30d75fd1eb44270") {
            return unwrap(value.value);
        }
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrap(v)]));
    }
    return value;
}

/** Values the engine's protobuf Struct can carry: no undefined, dates as ISO strings. */
function plain(value: Props): Props {
    return JSON.parse(JSON.stringify(value));
}

/**
 * Tests that need an update in flight (locks, Ctrl-C, a hard kill) hold creates: each waits while
 * the file SSM_ACCESS_STANDIN_HOLD names exists (test/support/inFlight.ts, CreateGate).
 */
async function heldCreates(): Promise<void> {
    const hold = process.env.SSM_ACCESS_STANDIN_HOLD;
    while (hold && fs.existsSync(hold)) {
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
}

function parseUrn(urn: string): { type: string; name: string } {
    const parts = urn.split("::");
    return { type: parts[2].split("$").pop()!, name: parts[3] };
}

interface ServiceModule {
    resources: Record<string, Handler>;
    invokes: Record<string, Invoke>;
}

/**
 * The module serving each service's types and invokes, loaded on first use with its AWS SDK
 * package (a preview that calls nothing loads none).
 */
const SERVICES: Record<string, () => Promise<ServiceModule>> = {
    "aws:iam/": async () => {
        const [m, exclusive] = await Promise.all([import("./iam"), import("./exclusive")]);
        return {
            resources: { ...m.IAM_RESOURCES, ...exclusive.EXCLUSIVE_RESOURCES },
            invokes: m.IAM_INVOKES,
        };
    },
    "aws:ec2/": async () => {
        const m = await import("./ec2");
        return { resources: m.EC2_RESOURCES, invokes: m.EC2_INVOKES };
    },
    "aws:kms/": async () => {
        const m = await import("./ec2");
        return { resources: {}, invokes: m.EC2_INVOKES };
    },
    "aws:ssm/": async () => {
        const [ssm, notInMoto] = await Promise.all([import("./ssm"), import("./notInMoto")]);
        return {
            resources: {
                "aws:ssm/document:Document": ssm.document,
                "aws:ssm/serviceSetting:ServiceSetting": notInMoto.serviceSetting,
            },
            invokes: {},
        };
    },
    "aws:index/": async () => ({ resources: {}, invokes: INDEX_INVOKES }),
};

const INDEX_INVOKES: Record<string, Invoke> = {
    // partition_data_source.go and region_data_source.go: from the configured region, no call.
    async "aws:index/getPartition:getPartition"(aws) {
        const { partition, dnsSuffix } = partitionOf(aws.region);
        return { id: partition, partition, dnsSuffix };
    },
    async "aws:index/getRegion:getRegion"(aws) {
        return { id: aws.region, name: aws.region, region: aws.region };
    },
    // sts/caller_identity_data_source.go: GetCallerIdentity.
    async "aws:index/getCallerIdentity:getCallerIdentity"(aws) {
        const c = await aws.callerIdentity();
        return { id: c.Account, accountId: c.Account, arn: c.Arn, userId: c.UserId };
    },
};

async function service(token: string): Promise<ServiceModule> {
    const prefix = Object.keys(SERVICES).find((p) => token.startsWith(p));
    return prefix ? SERVICES[prefix]() : { resources: {}, invokes: {} };
}

/**
 * Types whose physical name the provider chooses when none is given: the Pulumi bridge's
 * autonaming, the resource name and a 7-character random suffix.
 */
const AUTONAMED = new Set([
    "aws:iam/role:Role",
    "aws:iam/policy:Policy",
    "aws:iam/instanceProfile:InstanceProfile",
]);

/**
 * Whether the new input differs from the old value: objects compare on the keys the program
 * gives (the provider fills in the others as computed), JSON documents as parsed JSON.
 */
function differs(news: unknown, olds: unknown): boolean {
    if (news === undefined) {
        return false;
    }
    if (Array.isArray(news)) {
        return (
            !Array.isArray(olds) ||
            news.length !== olds.length ||
            news.some((v, i) => differs(v, olds[i]))
        );
    }
    if (news && typeof news === "object") {
        if (!olds || typeof olds !== "object") {
            return true;
        }
        const o = olds as Props;
        return Object.entries(news).some(([k, v]) => differs(v, o[k]));
    }
    if (typeof news === "string" && typeof olds === "string" && /^\s*[{[]/.test(news)) {
        try {
            return JSON.stringify(JSON.parse(news)) !== JSON.stringify(JSON.parse(olds));
        } catch {
            return news !== olds;
        }
    }
    return news !== olds;
}

async function handler(type: string): Promise<Handler> {
    const found = (await service(type)).resources[type];
    if (!found) {
        throw new Error(`the stand-in aws provider does not serve ${type}`);
    }
    return found;
}

export class StandInAws implements provider.Provider {
    readonly version = "7.48.0";
    private awsClient?: Aws;

    /** Called from Configure (main.ts) with the provider configuration's variables. */
    configure(variables: Record<string, string>): void {
        const settings: Settings = settingsFrom(variables);
        this.awsClient = new Aws(settings);
        record({ method: "configure", region: settings.region });
    }

    private get aws(): Aws {
        this.awsClient ??= new Aws(settingsFrom({}));
        return this.awsClient;
    }

    async check(urn: string, olds: Props, news: Props): Promise<provider.CheckResult> {
        const { type, name } = parseUrn(urn);
        const inputs = unwrap(news);
        record({ method: "check", type, name });
        if (AUTONAMED.has(type) && inputs.name === undefined) {
            news.name = olds?.name ?? `${name}-${randomBytes(4).toString("hex").slice(0, 7)}`;
            inputs.name = news.name;
        }
        return { inputs: news, failures: checkInputs(type, inputs) };
    }

    /**
     * A change is an input that differs from the resource's last read state (so a change made in
     * AWS shows, as with the real provider) or, for inputs AWS does not report, from the inputs
     * last applied (kept in the state as `standInInputs`).
     */
    async diff(_id: string, urn: string, olds: Props, news: Props): Promise<provider.DiffResult> {
        const { type, name } = parseUrn(urn);
        const o = unwrap(olds);
        const n = unwrap(news);
        const applied: Props = o.standInInputs ?? {};
        const changed = Object.keys({ ...n, ...applied }).filter((k) => {
            if (n[k] === UNKNOWN) {
                return true;
            }
            if (n[k] === undefined) {
                return applied[k] !== undefined;
            }
            return differs(n[k], k in o ? o[k] : applied[k]);
        });
        const { forceNew } = await handler(type);
        const replaces = changed.filter((k) => forceNew.includes(k));
        record({ method: "diff", type, name, changed, replaces });
        return { changes: changed.length > 0, replaces };
    }

    /** The state: the inputs applied, then what AWS reports, as the provider's read sets it. */
    private async state(type: string, id: string, inputs: Props, previous: Props) {
        const live = await (await handler(type)).read(this.aws, id, { ...previous, ...inputs });
        return live && plain({ ...previous, ...inputs, ...live, id, standInInputs: inputs });
    }

    async create(urn: string, inputs: Props): Promise<provider.CreateResult> {
        const { type, name } = parseUrn(urn);
        await heldCreates();
        const props = unwrap(inputs);
        record({
            method: "create",
            type,
            name,
            inputs:
                type === "aws:iam/accessKey:AccessKey"
                    ? { user: props.user, pgp: Boolean(props.pgpKey) }
                    : props,
        });
        const id = await worded(
            "creating",
            type,
            name,
            (await handler(type)).create(this.aws, props),
        );
        const outs = await this.state(type, id, props, {});
        if (!outs) {
            throw new Error(`${type} ${id} was created but AWS does not find it`);
        }
        return { id, outs };
    }

    async read(id: string, urn: string, props?: Props): Promise<provider.ReadResult> {
        const { type, name } = parseUrn(urn);
        record({ method: "read", type, name });
        const previous = unwrap(props ?? {});
        const outs = await this.state(type, id, previous.standInInputs ?? {}, previous);
        return outs ? { id, props: outs } : { id: undefined as unknown as string, props: {} };
    }

    async update(
        id: string,
        urn: string,
        olds: Props,
        news: Props,
    ): Promise<provider.UpdateResult> {
        const { type, name } = parseUrn(urn);
        const props = unwrap(news);
        const previous = unwrap(olds);
        record({ method: "update", type, name, inputs: props });
        const update = (await handler(type)).update;
        if (update) {
            await worded("updating", type, name, update(this.aws, id, previous, props));
        }
        const outs = await this.state(type, id, props, previous);
        if (!outs) {
            throw new Error(`${type} ${id} does not exist`);
        }
        return { outs };
    }

    async delete(id: string, urn: string, props: Props): Promise<void> {
        const { type, name } = parseUrn(urn);
        record({ method: "delete", type, name });
        await worded(
            "deleting",
            type,
            name,
            (await handler(type)).delete(this.aws, id, unwrap(props)),
        );
    }

    async invoke(token: string, inputs: Props): Promise<provider.InvokeResult> {
        const args = unwrap(inputs);
        record({ method: "invoke", token, inputs: args });
        const invoke = (await service(token)).invokes[token];
        if (!invoke) {
            return {
                failures: [
                    { property: "", reason: `the stand-in aws provider does not answer ${token}` },
                ],
            };
        }
        try {
            return { outputs: plain(await invoke(this.aws, args)) };
        } catch (err) {
            return { failures: [{ property: "", reason: awsMessage(err) }] };
        }
    }
}

/** An AWS call's failure as the provider reports it: what it was doing, then "Code: message". */
async function worded<T>(doing: string, type: string, name: string, call: Promise<T>): Promise<T> {
    try {
        return await call;
    } catch (err) {
        throw new Error(`${doing} ${type} (${name}): ${awsMessage(err)}`);
    }
}

/** An AWS error as the provider words it: "Code: message". */
function awsMessage(err: unknown): string {
    const e = err as { name?: string; message?: string };
    return e.name && e.name !== "Error"
        ? `${e.name.replace(/Exception$/, "")}: ${e.message}`
        : String(e.message);
}
