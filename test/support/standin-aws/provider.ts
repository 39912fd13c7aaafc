/**
 * TEST STAND-IN for the `aws` provider plugin, which cannot be built on these machines. It runs
 * as `pulumi-resource-aws` on PATH during end-to-end tests only. It creates, reads, updates and
 * deletes the resource types this program uses with realistic ids and ARNs, answers the invokes
 * the program makes, rejects what AWS would reject (malformed policy JSON, names over AWS limits,
 * a third access key, an AMI from an unknown instance, an AMI copy's KMS key that is not an ARN,
 * terminating a protected instance), forgets terminated instances after a while as EC2 does, and
 * records every call in calls.jsonl.
 *
 * SSM documents keep versions as SSM does: a content update adds version N+1 and leaves the older
 * ones runnable (`send-command --document-version N`), and the provider then makes the new one the
 * default (hashicorp/terraform-provider-aws internal/service/ssm/document.go, resourceDocumentUpdate:
 * UpdateDocument, then UpdateDocumentDefaultVersion); deleting a document deletes every version
 * (resourceDocumentDelete: DeleteDocument by name, no version).
 */
import * as provider from "@pulumi/pulumi/provider";
import { randomBytes } from "crypto";
import { ACCOUNT, Cloud, record, rememberSecret, withCloud } from "./cloud";

type Props = Record<string, any>;

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
/** What a value not known until apply looks like to a provider during preview. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

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

function parseUrn(urn: string): { type: string; name: string; stack: string } {
    const parts = urn.split("::");
    return { type: parts[2].split("$").pop()!, name: parts[3], stack: parts[0].split(":").pop()! };
}

/** Regional resources: each stack stands for its own region, so their names do not collide. */
const REGIONAL = ["aws:ssm/", "aws:ec2/"];

/** The key of an object in the cloud: IAM is account-wide, regional services per stack. */
function cloudKey(urn: string, id: string): string {
    const { type, stack } = parseUrn(urn);
    return REGIONAL.some((prefix) => type.startsWith(prefix)) ? `${stack}/${id}` : id;
}

const hex = (n: number): string => randomBytes(n).toString("hex").slice(0, n);

/** Types whose physical name the provider chooses when none is given (as the real one does). */
const AUTONAMED: Record<string, number> = {
    "aws:iam/role:Role": 64,
    "aws:iam/policy:Policy": 128,
    "aws:iam/instanceProfile:InstanceProfile": 128,
};
const NAME_LIMITS: Record<string, number> = {
    ...AUTONAMED,
    "aws:iam/user:User": 64,
    "aws:iam/group:Group": 128,
    "aws:ssm/document:Document": 128,
};
const FORCE_NEW: Record<string, string[]> = {
    "aws:iam/role:Role": ["name", "path"],
    "aws:iam/policy:Policy": ["name", "path"],
    "aws:iam/instanceProfile:InstanceProfile": ["name", "path"],
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ["role", "policyArn"],
    "aws:iam/user:User": ["name"],
    "aws:iam/group:Group": ["name"],
    "aws:iam/groupPolicy:GroupPolicy": ["group", "name"],
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": ["group", "policyArn"],
    "aws:iam/userGroupMembership:UserGroupMembership": ["user"],
    "aws:iam/accessKey:AccessKey": ["user", "pgpKey"],
    "aws:ssm/document:Document": ["name", "documentType"],
    "aws:ssm/serviceSetting:ServiceSetting": ["settingId"],
    "aws:ec2/amiFromInstance:AmiFromInstance": [
        "sourceInstanceId",
        "snapshotWithoutReboot",
        "name",
    ],
    "aws:ec2/amiCopy:AmiCopy": ["sourceAmiId", "kmsKeyId", "encrypted", "name"],
    "aws:ec2/instance:Instance": ["ami", "subnetId", "availabilityZone"],
};
const POLICY_PROPS: Record<string, string> = {
    "aws:iam/role:Role": "assumeRolePolicy",
    "aws:iam/policy:Policy": "policy",
    "aws:iam/groupPolicy:GroupPolicy": "policy",
    "aws:ssm/document:Document": "content",
};

function checkInputs(type: string, news: Props): provider.CheckFailure[] {
    const failures: provider.CheckFailure[] = [];
    const limit = NAME_LIMITS[type];
    if (
        limit &&
        typeof news.name === "string" &&
        (news.name.length > limit || !/^[\w+=,.@-]+$/.test(news.name))
    ) {
        failures.push({
            property: "name",
            reason: `ValidationError: name "${news.name}" must be 1-${limit} characters of [\\w+=,.@-]`,
        });
    }
    const policyProp = POLICY_PROPS[type];
    if (policyProp && news[policyProp] !== undefined && news[policyProp] !== UNKNOWN) {
        try {
            const doc = JSON.parse(news[policyProp]);
            if (
                type !== "aws:ssm/document:Document" &&
                (doc.Version !== "2012-10-17" || !doc.Statement)
            ) {
                failures.push({
                    property: policyProp,
                    reason: "MalformedPolicyDocument: Version 2012-10-17 and Statement are required",
                });
            }
        } catch {
            failures.push({
                property: policyProp,
                reason: "MalformedPolicyDocument: the document is not valid JSON",
            });
        }
    }
    if (news.path !== undefined && !/^\/(?:[\x21-\x7E]*\/)?$/.test(news.path)) {
        failures.push({
            property: "path",
            reason: `ValidationError: path "${news.path}" must begin and end with /`,
        });
    }
    if (
        type === "aws:iam/role:Role" &&
        news.maxSessionDuration !== undefined &&
        (news.maxSessionDuration < 3600 || news.maxSessionDuration > 43200)
    ) {
        failures.push({
            property: "maxSessionDuration",
            reason: "ValidationError: must be between 3600 and 43200",
        });
    }
    // The provider validates AmiCopy's kms_key_id as an ARN before any call (ValidateFunc:
    // verify.ValidARN in terraform-provider-aws internal/service/ec2/ami_copy.go).
    if (
        type === "aws:ec2/amiCopy:AmiCopy" &&
        typeof news.kmsKeyId === "string" &&
        news.kmsKeyId !== UNKNOWN &&
        !/^arn:[\w-]+:kms:[a-z0-9-]+:\d{12}:/.test(news.kmsKeyId)
    ) {
        failures.push({
            property: "kmsKeyId",
            reason: `"kms_key_id" (${news.kmsKeyId}) is an invalid ARN: arn: invalid prefix`,
        });
    }
    return failures;
}

/**
 * How long EC2 keeps listing a terminated instance: "Recently terminated instances might appear
 * in the returned results. This interval is usually less than one hour."
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstances.html). Tests
 * shorten it with SSM_ACCESS_STANDIN_TERMINATED_VISIBLE_MS.
 */
function terminatedVisibleMs(): number {
    return Number(process.env.SSM_ACCESS_STANDIN_TERMINATED_VISIBLE_MS ?? 3_600_000);
}

/** An instance as the provider's getInstance reports it, or undefined once EC2 has forgotten it. */
function visible(instance: Props | undefined): Props | undefined {
    if (!instance) {
        return undefined;
    }
    const gone =
        instance.instanceState === "terminated" &&
        Date.now() - Number(instance.terminatedAt ?? 0) > terminatedVisibleMs();
    return gone ? undefined : instance;
}

/**
 * A launched instance's inputs as getInstance reports them: the lists the data source returns for
 * blocks (metadata_options, credit_specification) and the profile by name.
 */
function describeLaunched(id: string, props: Props): Props {
    return {
        instanceState: "running",
        instanceType: props.instanceType,
        subnetId: props.subnetId,
        vpcSecurityGroupIds: props.vpcSecurityGroupIds ?? [],
        keyName: props.keyName ?? "",
        monitoring: props.monitoring ?? false,
        ebsOptimized: props.ebsOptimized ?? false,
        tenancy: props.tenancy ?? "default",
        placementGroup: props.placementGroup ?? "",
        associatePublicIpAddress: props.associatePublicIpAddress ?? false,
        sourceDestCheck: props.sourceDestCheck ?? true,
        metadataOptions: [
            {
                httpEndpoint: props.metadataOptions?.httpEndpoint ?? "enabled",
                httpTokens: props.metadataOptions?.httpTokens ?? "optional",
                httpPutResponseHopLimit: props.metadataOptions?.httpPutResponseHopLimit ?? 1,
                instanceMetadataTags: "disabled",
            },
        ],
        creditSpecifications: props.creditSpecification ? [props.creditSpecification] : [],
        userDataBase64: props.userDataBase64 ?? "",
        disableApiStop: props.disableApiStop ?? false,
        disableApiTermination: props.disableApiTermination ?? false,
        iamInstanceProfile: props.iamInstanceProfile ?? "",
        tags: props.tags ?? {},
        privateIp: props.privateIp,
        id,
        instanceId: id,
    };
}

/** DescribeInstances filters the program uses: instance-id and tag:KEY, all of which must match. */
function matches(instance: Props, filters: { name: string; values: string[] }[]): boolean {
    return filters.every((f) =>
        f.name === "instance-id"
            ? f.values.includes(instance.instanceId)
            : f.name.startsWith("tag:")
              ? f.values.includes(instance.tags?.[f.name.slice(4)])
              : fail(`the stand-in aws provider does not filter instances by ${f.name}`),
    );
}

function arnFor(type: string, props: Props, region: string): string | undefined {
    const path = props.path ?? "/";
    switch (type) {
        case "aws:iam/role:Role":
            return `arn:aws:iam::${ACCOUNT}:role${path}${props.name}`;
        case "aws:iam/policy:Policy":
            return `arn:aws:iam::${ACCOUNT}:policy${path}${props.name}`;
        case "aws:iam/instanceProfile:InstanceProfile":
            return `arn:aws:iam::${ACCOUNT}:instance-profile${path}${props.name}`;
        case "aws:iam/user:User":
            return `arn:aws:iam::${ACCOUNT}:user${path}${props.name}`;
        case "aws:iam/group:Group":
            return `arn:aws:iam::${ACCOUNT}:group${path}${props.name}`;
        case "aws:ssm/document:Document":
            return `arn:aws:ssm:${region}:${ACCOUNT}:document/${props.name}`;
        default:
            return undefined;
    }
}

async function encryptFor(pgpKey: string, secret: string): Promise<string> {
    // Loaded here, not at start-up (about 0.1 s of every provider process): few keys use PGP.
    const openpgp = await import("openpgp");
    const key = await openpgp.readKey({ binaryKey: Buffer.from(pgpKey, "base64") });
    const message = await openpgp.encrypt({
        message: await openpgp.createMessage({ text: secret }),
        encryptionKeys: key,
        format: "binary",
    });
    return Buffer.from(message as Uint8Array).toString("base64");
}

const DOCUMENT = "aws:ssm/document:Document";

/** A document's version outputs: the newest version is the default (see the header). */
function documentVersionProps(versions: string[]): Props {
    const latest = String(versions.length);
    return { latestVersion: latest, defaultVersion: latest, documentVersion: latest };
}

function fail(message: string): never {
    throw new Error(message);
}

export class StandInAws implements provider.Provider {
    readonly version = "7.48.0";
    private region = process.env.AWS_REGION ?? "us-east-1";

    async check(urn: string, olds: Props, news: Props): Promise<provider.CheckResult> {
        const { type, name } = parseUrn(urn);
        const inputs = unwrap(news);
        record({ method: "check", type, name });
        const max = AUTONAMED[type];
        if (max && inputs.name === undefined) {
            news.name = olds?.name ?? `${name}-${hex(7)}`.slice(0, max);
            inputs.name = news.name;
        }
        return { inputs: news, failures: checkInputs(type, inputs) };
    }

    async diff(_id: string, urn: string, olds: Props, news: Props): Promise<provider.DiffResult> {
        const { type, name } = parseUrn(urn);
        const o = unwrap(olds);
        const n = unwrap(news);
        const changed = Object.keys({ ...n, ...o.standInInputs }).filter(
            (k) =>
                k !== "standInInputs" &&
                JSON.stringify(n[k]) !== JSON.stringify(o.standInInputs?.[k]),
        );
        const replaces = changed.filter((k) => (FORCE_NEW[type] ?? []).includes(k));
        record({ method: "diff", type, name, changed, replaces });
        return { changes: changed.length > 0, replaces };
    }

    async create(urn: string, inputs: Props): Promise<provider.CreateResult> {
        const { type, name } = parseUrn(urn);
        // Tests that need an update in flight (locks, Ctrl-C) slow creates down.
        await new Promise((resolve) =>
            setTimeout(resolve, Number(process.env.SSM_ACCESS_STANDIN_DELAY_MS ?? 0)),
        );
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
        const outs: Props = { ...props, standInInputs: props };
        let id: string = props.name ?? `${name}-${hex(8)}`;
        const arn = arnFor(type, props, this.region);
        if (arn) {
            outs.arn = arn;
        }
        if (type === "aws:iam/role:Role" || type === "aws:iam/user:User") {
            outs.uniqueId = `ARO${hex(17).toUpperCase()}`;
        }
        if (type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
            id = `${props.role}-${hex(20)}`;
        }
        if (type === "aws:iam/groupPolicy:GroupPolicy") {
            id = `${props.group}:${props.name}`;
        }
        if (type === "aws:iam/accessKey:AccessKey") {
            id = `AKIA${hex(16).toUpperCase()}`;
            const secret = randomBytes(30).toString("base64");
            rememberSecret(secret);
            if (props.pgpKey) {
                outs.encryptedSecret = await encryptFor(props.pgpKey, secret);
                outs.keyFingerprint = hex(40);
            } else {
                outs.secret = secret;
                outs.sesSmtpPasswordV4 = `BG${hex(42)}`;
            }
            outs.status = props.status ?? "Active";
        }
        if (
            type === "aws:ec2/amiFromInstance:AmiFromInstance" ||
            type === "aws:ec2/amiCopy:AmiCopy"
        ) {
            id = `ami-${hex(17)}`;
            outs.arn = `arn:aws:ec2:${this.region}::image/${id}`;
        }
        if (type === "aws:ec2/instance:Instance") {
            id = `i-${hex(17)}`;
            outs.arn = `arn:aws:ec2:${this.region}:${ACCOUNT}:instance/${id}`;
            outs.privateIp = `10.0.${parseInt(hex(2), 16) % 250}.${parseInt(hex(2), 16) % 250}`;
        }
        withCloud((cloud: Cloud) => {
            if (type === "aws:iam/accessKey:AccessKey") {
                const keys = Object.values(cloud.objects).filter(
                    (o) => o.type === type && o.props.user === props.user,
                );
                if (keys.length >= 2) {
                    fail(
                        `LimitExceeded: Cannot exceed quota for AccessKeysPerUser: 2 (user ${props.user})`,
                    );
                }
            }
            if (
                type === "aws:ec2/amiFromInstance:AmiFromInstance" &&
                !this.instanceExists(cloud, props.sourceInstanceId)
            ) {
                fail(
                    `InvalidInstanceID.NotFound: The instance ID '${props.sourceInstanceId}' does not exist`,
                );
            }
            if (
                type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" &&
                !this.roleExists(cloud, props.role)
            ) {
                fail(`NoSuchEntity: The role with name ${props.role} cannot be found.`);
            }
            if (cloud.objects[cloudKey(urn, id)]) {
                fail(`EntityAlreadyExists: ${type} ${id} already exists`);
            }
            const versions = type === DOCUMENT ? [String(props.content)] : undefined;
            if (versions) {
                Object.assign(outs, documentVersionProps(versions));
            }
            cloud.objects[cloudKey(urn, id)] = { type, props: outs, versions };
        });
        return { id, outs };
    }

    async read(id: string, urn: string, props?: Props): Promise<provider.ReadResult> {
        const { type, name } = parseUrn(urn);
        record({ method: "read", type, name });
        const found = withCloud((cloud) => cloud.objects[cloudKey(urn, id)]);
        return found
            ? { id, props: { ...found.props } }
            : { id: undefined as unknown as string, props: props ?? {} };
    }

    async update(
        id: string,
        urn: string,
        _olds: Props,
        news: Props,
    ): Promise<provider.UpdateResult> {
        const { type, name } = parseUrn(urn);
        const props = unwrap(news);
        record({ method: "update", type, name, inputs: props });
        return withCloud((cloud) => {
            const current =
                cloud.objects[cloudKey(urn, id)] ??
                fail(`NoSuchEntity: ${type} ${id} does not exist`);
            const outs = { ...current.props, ...props, standInInputs: props };
            const versions = current.versions;
            if (versions && props.content !== versions[versions.length - 1]) {
                versions.push(String(props.content));
                Object.assign(outs, documentVersionProps(versions));
            }
            cloud.objects[cloudKey(urn, id)] = { type, props: outs, versions };
            return { outs };
        });
    }

    async delete(id: string, urn: string, props: Props): Promise<void> {
        const { type, name } = parseUrn(urn);
        record({ method: "delete", type, name });
        // TerminateInstances refuses while termination protection is on (EC2 User Guide,
        // "Enable termination protection": OperationNotPermitted).
        if (type === "aws:ec2/instance:Instance" && unwrap(props)?.disableApiTermination) {
            fail(
                `OperationNotPermitted: The instance '${id}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.`,
            );
        }
        withCloud((cloud) => {
            delete cloud.objects[cloudKey(urn, id)];
        });
    }

    async invoke(token: string, inputs: Props): Promise<provider.InvokeResult> {
        const args = unwrap(inputs);
        record({ method: "invoke", token, inputs: args });
        const found = withCloud((cloud) => this.answer(cloud, token, args));
        return "failure" in found
            ? { failures: [{ property: "", reason: found.failure }] }
            : { outputs: found.outputs };
    }

    private answer(
        cloud: Cloud,
        token: string,
        args: Props,
    ): { outputs: Props } | { failure: string } {
        switch (token) {
            case "aws:index/getCallerIdentity:getCallerIdentity":
                return {
                    outputs: {
                        accountId: ACCOUNT,
                        arn: `arn:aws:iam::${ACCOUNT}:user/ci`,
                        userId: "AIDASTANDIN",
                        id: ACCOUNT,
                    },
                };
            case "aws:index/getPartition:getPartition":
                return { outputs: { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" } };
            case "aws:index/getRegion:getRegion":
                return { outputs: { name: this.region, region: this.region, id: this.region } };
            case "aws:iam/getRole:getRole": {
                const role = cloud.roles[args.name] ?? this.createdRole(cloud, args.name);
                return role
                    ? {
                          outputs: {
                              name: args.name,
                              id: args.name,
                              arn: role.arn,
                              assumeRolePolicy: role.assumeRolePolicy,
                          },
                      }
                    : { failure: `NoSuchEntity: The role with name ${args.name} cannot be found.` };
            }
            case "aws:iam/getInstanceProfile:getInstanceProfile": {
                const profile = Object.values(cloud.objects).find(
                    (o) =>
                        o.type === "aws:iam/instanceProfile:InstanceProfile" &&
                        o.props.name === args.name,
                );
                return profile
                    ? {
                          outputs: {
                              name: args.name,
                              id: args.name,
                              arn: profile.props.arn,
                              roleName: profile.props.role,
                          },
                      }
                    : { failure: `NoSuchEntity: Instance Profile ${args.name} cannot be found.` };
            }
            case "aws:ec2/getInstance:getInstance": {
                const instance = this.instances(cloud).find(
                    (i) => i.instanceId === args.instanceId,
                );
                if (!instance) {
                    return {
                        failure: `InvalidInstanceID.NotFound: The instance ID '${args.instanceId}' does not exist`,
                    };
                }
                // User data comes back in plain only when asked for (get_user_data).
                const { userDataBase64, ...rest } = instance;
                return {
                    outputs: args.getUserData ? { ...rest, userDataBase64 } : rest,
                };
            }
            case "aws:ec2/getInstances:getInstances": {
                const states: string[] = args.instanceStateNames ?? ["running", "pending"];
                const found = this.instances(cloud).filter(
                    (i) =>
                        states.includes(String(i.instanceState ?? "running")) &&
                        matches(i, args.filters ?? []),
                );
                return {
                    outputs: {
                        id: this.region,
                        ids: found.map((i) => i.instanceId),
                        privateIps: found.map((i) => i.privateIp ?? ""),
                        publicIps: [],
                        ipv6Addresses: [],
                    },
                };
            }
            case "aws:kms/getKey:getKey": {
                const keyArn = this.kmsKeyArn(cloud, String(args.keyId));
                return keyArn
                    ? { outputs: { id: keyArn.split("/").pop(), arn: keyArn, keyId: args.keyId } }
                    : {
                          failure: `reading KMS Key (${args.keyId}): NotFoundException: Key '${args.keyId}' does not exist`,
                      };
            }
            default:
                return { failure: `the stand-in aws provider does not answer ${token}` };
        }
    }

    private createdRole(
        cloud: Cloud,
        name: string,
    ): { arn: string; assumeRolePolicy: string } | undefined {
        const role = Object.values(cloud.objects).find(
            (o) => o.type === "aws:iam/role:Role" && o.props.name === name,
        );
        return role
            ? { arn: String(role.props.arn), assumeRolePolicy: String(role.props.assumeRolePolicy) }
            : undefined;
    }

    private roleExists(cloud: Cloud, name: string): boolean {
        return name in cloud.roles || this.createdRole(cloud, name) !== undefined;
    }

    /** Every instance EC2 still lists: seeded ones, and those the stand-in launched (in this region). */
    private instances(cloud: Cloud): Props[] {
        const seeded = Object.entries(cloud.instances).map(([id, i]) => ({
            instanceState: "running",
            ...i,
            id,
            instanceId: id,
        }));
        const launched = Object.entries(cloud.objects)
            .filter(([, o]) => o.type === "aws:ec2/instance:Instance")
            .map(([key, o]) => describeLaunched(key.split("/").pop()!, o.props));
        return [...seeded, ...launched].map(visible).filter((i): i is Props => i !== undefined);
    }

    /** An instance EC2 can image: listed and not terminated. */
    private instanceExists(cloud: Cloud, id: string): boolean {
        return this.instances(cloud).some(
            (i) =>
                i.instanceId === id && !["shutting-down", "terminated"].includes(i.instanceState),
        );
    }

    /** The key ARN for a key id, key ARN, alias/NAME or alias ARN (DescribeKey's four forms). */
    private kmsKeyArn(cloud: Cloud, keyId: string): string | undefined {
        const prefix = `arn:aws:kms:${this.region}:${ACCOUNT}:`;
        const bare = keyId.startsWith(prefix) ? keyId.slice(prefix.length) : keyId;
        const found = Object.entries(cloud.kmsKeys ?? {}).find(
            ([id, key]) => bare === id || bare === `key/${id}` || key.aliases.includes(bare),
        );
        return found && `${prefix}key/${found[0]}`;
    }
}
