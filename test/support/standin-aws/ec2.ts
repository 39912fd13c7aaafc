/**
 * EC2 images and instances, and the EC2, KMS and STS lookups, as the real provider serves them:
 * for each, the calls of the terraform-provider-aws file named in its comment
 * (internal/service/ec2/, kms/, sts/).
 */
import * as ec2 from "@aws-sdk/client-ec2";
import { DescribeKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { Aws, awsCode, tagList, tagMap, unlessGone } from "./aws";
import { Handler, Invoke, Props, changed } from "./handler";
import { afterRunInstances } from "./notInMoto";

const ec2Of = (aws: Aws) => aws.client("ec2", ec2.EC2Client);

const NO_IMAGE = ["InvalidAMIID.NotFound", "InvalidAMIID.Unavailable"];
const NO_INSTANCE = ["InvalidInstanceID.NotFound"];

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
    for (let i = 0; i < 100; i++) {
        const found = await probe();
        if (found !== undefined) {
            return found;
        }
        await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
}

async function describeImage(aws: Aws, id: string): Promise<ec2.Image | undefined> {
    const out = await unlessGone(
        ec2Of(aws).send(new ec2.DescribeImagesCommand({ ImageIds: [id] })),
        ...NO_IMAGE,
    );
    const image = out?.Images?.[0];
    return image && image.State !== "deregistered" ? image : undefined;
}

/** ec2_ami.go, resourceAMIRead: DescribeImages; the ARN the provider builds (no account). */
async function readImage(aws: Aws, id: string): Promise<Props | undefined> {
    const image = await describeImage(aws, id);
    return (
        image && {
            arn: `arn:${aws.partition}:ec2:${aws.region}::image/${id}`,
            name: image.Name,
            description: image.Description ?? "",
            architecture: image.Architecture,
            rootDeviceName: image.RootDeviceName,
            rootSnapshotId:
                image.BlockDeviceMappings?.find((b) => b.DeviceName === image.RootDeviceName)?.Ebs
                    ?.SnapshotId ?? "",
            imageLocation: image.ImageLocation,
            ownerId: image.OwnerId,
            tags: tagMap(image.Tags),
        }
    );
}

/**
 * ec2_ami.go, resourceAMIDelete: DeregisterImage, then DeleteSnapshot for each EBS snapshot of
 * the image, then waiting until DescribeImages no longer finds it.
 */
async function deleteImage(aws: Aws, id: string): Promise<void> {
    const image = await describeImage(aws, id);
    if (!image) {
        return;
    }
    await ec2Of(aws).send(new ec2.DeregisterImageCommand({ ImageId: id }));
    for (const b of image.BlockDeviceMappings ?? []) {
        if (b.Ebs?.SnapshotId) {
            try {
                await ec2Of(aws).send(
                    new ec2.DeleteSnapshotCommand({ SnapshotId: b.Ebs.SnapshotId }),
                );
            } catch (err) {
                if (awsCode(err) !== "InvalidSnapshot.NotFound") {
                    throw err;
                }
            }
        }
    }
    await until(`image ${id} to go`, async () =>
        (await describeImage(aws, id)) ? undefined : true,
    );
}

async function waitAvailable(aws: Aws, id: string): Promise<void> {
    await until(`image ${id} to be available`, async () => {
        const image = await describeImage(aws, id);
        return image?.State === "available" ? true : undefined;
    });
}

/**
 * ec2_ami_from_instance.go: CreateImage (tags on the image only: getTagSpecificationsIn(image)),
 * wait available; the image's snapshots are the resource's (manage_ebs_snapshots), deleted with it.
 */
const amiFromInstance: Handler = {
    forceNew: ["sourceInstanceId", "snapshotWithoutReboot", "name", "description"],
    async create(aws, p) {
        const out = await ec2Of(aws).send(
            new ec2.CreateImageCommand({
                InstanceId: p.sourceInstanceId,
                Name: p.name,
                Description: p.description,
                NoReboot: p.snapshotWithoutReboot ?? false,
                TagSpecifications: p.tags && [{ ResourceType: "image", Tags: tagList(p.tags) }],
            }),
        );
        await waitAvailable(aws, out.ImageId!);
        return out.ImageId!;
    },
    read: (aws, id) => readImage(aws, id),
    update: (aws, id, olds, news) => retagImage(aws, id, olds, news),
    delete: (aws, id) => deleteImage(aws, id),
};

/** ec2_ami_copy.go: CopyImage, then CreateTags, wait available; read and delete as an AMI. */
const amiCopy: Handler = {
    forceNew: ["sourceAmiId", "sourceAmiRegion", "kmsKeyId", "encrypted", "name", "description"],
    async create(aws, p) {
        const out = await ec2Of(aws).send(
            new ec2.CopyImageCommand({
                SourceImageId: p.sourceAmiId,
                SourceRegion: p.sourceAmiRegion,
                Name: p.name,
                Description: p.description,
                Encrypted: p.encrypted,
                KmsKeyId: p.kmsKeyId,
            }),
        );
        if (p.tags) {
            await ec2Of(aws).send(
                new ec2.CreateTagsCommand({ Resources: [out.ImageId!], Tags: tagList(p.tags) }),
            );
        }
        await waitAvailable(aws, out.ImageId!);
        return out.ImageId!;
    },
    read: (aws, id) => readImage(aws, id),
    update: (aws, id, olds, news) => retagImage(aws, id, olds, news),
    delete: (aws, id) => deleteImage(aws, id),
};

/** The provider's tag update for any EC2 resource: DeleteTags for removed keys, CreateTags. */
async function retagImage(aws: Aws, id: string, olds: Props, news: Props): Promise<void> {
    if (!changed(olds, news, "tags")) {
        return;
    }
    const removed = Object.keys(olds.tags ?? {}).filter((k) => !(k in (news.tags ?? {})));
    if (removed.length > 0) {
        await ec2Of(aws).send(
            new ec2.DeleteTagsCommand({
                Resources: [id],
                Tags: removed.map((Key) => ({ Key })),
            }),
        );
    }
    if (Object.keys(news.tags ?? {}).length > 0) {
        await ec2Of(aws).send(
            new ec2.CreateTagsCommand({ Resources: [id], Tags: tagList(news.tags) }),
        );
    }
}

async function describeInstance(aws: Aws, id: string): Promise<ec2.Instance | undefined> {
    const out = await unlessGone(
        ec2Of(aws).send(new ec2.DescribeInstancesCommand({ InstanceIds: [id] })),
        ...NO_INSTANCE,
    );
    return out?.Reservations?.[0]?.Instances?.[0];
}

async function attribute(
    aws: Aws,
    id: string,
    name: ec2.InstanceAttributeName,
): Promise<ec2.DescribeInstanceAttributeCommandOutput> {
    return ec2Of(aws).send(
        new ec2.DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: name }),
    );
}

/** T-family types have CPU credits; the provider reads them only for those. */
const burstable = (type: string | undefined) => /^t\d/.test(type ?? "");

/** An instance profile ARN's name: the provider reports the profile by name. */
const profileName = (arn: string | undefined) => (arn ? arn.split("/").pop()! : "");

/**
 * What the provider reports of an instance (ec2_instance.go resourceInstanceRead and the data
 * source's instanceDescriptionAttributes): DescribeInstances, DescribeInstanceAttribute for
 * termination and stop protection (and user data when asked), and
 * DescribeInstanceCreditSpecifications for burstable types.
 */
async function instanceAttributes(
    aws: Aws,
    i: ec2.Instance,
    withUserData: boolean,
): Promise<Props> {
    const id = i.InstanceId!;
    const primary = i.NetworkInterfaces?.find((n) => n.Attachment?.DeviceIndex === 0);
    const [termination, stop, userData, credits] = await Promise.all([
        attribute(aws, id, "disableApiTermination"),
        attribute(aws, id, "disableApiStop"),
        withUserData ? attribute(aws, id, "userData") : undefined,
        burstable(i.InstanceType)
            ? ec2Of(aws).send(
                  new ec2.DescribeInstanceCreditSpecificationsCommand({ InstanceIds: [id] }),
              )
            : undefined,
    ]);
    const cpuCredits = credits?.InstanceCreditSpecifications?.[0]?.CpuCredits;
    return {
        id,
        arn: `arn:${aws.partition}:ec2:${aws.region}:${await aws.accountId()}:instance/${id}`,
        ami: i.ImageId,
        instanceState: i.State?.Name,
        instanceType: i.InstanceType,
        subnetId: i.SubnetId ?? "",
        vpcSecurityGroupIds: (i.SecurityGroups ?? []).map((g) => g.GroupId),
        keyName: i.KeyName ?? "",
        iamInstanceProfile: profileName(i.IamInstanceProfile?.Arn),
        monitoring: i.Monitoring?.State === "enabled",
        ebsOptimized: Boolean(i.EbsOptimized),
        tenancy: i.Placement?.Tenancy ?? "default",
        placementGroup: i.Placement?.GroupName ?? "",
        associatePublicIpAddress: Boolean(primary?.Association?.PublicIp),
        sourceDestCheck: i.SourceDestCheck ?? true,
        privateIp: i.PrivateIpAddress ?? "",
        publicIp: i.PublicIpAddress ?? "",
        metadataOptions: {
            httpEndpoint: i.MetadataOptions?.HttpEndpoint ?? "enabled",
            httpTokens: i.MetadataOptions?.HttpTokens ?? "optional",
            httpPutResponseHopLimit: i.MetadataOptions?.HttpPutResponseHopLimit ?? 1,
            instanceMetadataTags: i.MetadataOptions?.InstanceMetadataTags ?? "disabled",
        },
        creditSpecification: cpuCredits ? { cpuCredits } : undefined,
        userDataBase64: userData?.UserData?.Value ?? undefined,
        disableApiTermination: Boolean(termination.DisableApiTermination?.Value),
        disableApiStop: Boolean(stop.DisableApiStop?.Value),
        tags: tagMap(i.Tags),
    };
}

/**
 * ec2_instance.go. Create: RunInstances (buildInstanceOpts: with a subnet and
 * associatePublicIpAddress set, the subnet, groups and public IP go in a primary network
 * interface; else SubnetId and SecurityGroupIds), wait running, then ModifyInstanceAttribute for
 * sourceDestCheck false. Update: tags, the instance profile association, protection attributes.
 * Delete: ModifyInstanceAttribute turning termination protection (and stop protection) off, then
 * TerminateInstances and wait terminated: so `destroy` terminates a protected instance.
 */
const instance: Handler = {
    forceNew: ["ami", "subnetId", "availabilityZone", "keyName", "tenancy", "placementGroup"],
    async create(aws, p) {
        const groups: string[] | undefined = p.vpcSecurityGroupIds;
        const inInterface = p.subnetId && p.associatePublicIpAddress !== undefined;
        const out = await ec2Of(aws).send(
            new ec2.RunInstancesCommand({
                MinCount: 1,
                MaxCount: 1,
                ImageId: p.ami,
                InstanceType: p.instanceType,
                KeyName: p.keyName || undefined,
                IamInstanceProfile: p.iamInstanceProfile
                    ? { Name: p.iamInstanceProfile }
                    : undefined,
                Monitoring: { Enabled: Boolean(p.monitoring) },
                EbsOptimized: p.ebsOptimized,
                Placement:
                    p.tenancy || p.placementGroup
                        ? { Tenancy: p.tenancy, GroupName: p.placementGroup || undefined }
                        : undefined,
                CreditSpecification: p.creditSpecification?.cpuCredits
                    ? { CpuCredits: p.creditSpecification.cpuCredits }
                    : undefined,
                UserData: p.userDataBase64,
                DisableApiTermination: p.disableApiTermination,
                DisableApiStop: p.disableApiStop,
                MetadataOptions: p.metadataOptions && {
                    HttpEndpoint: p.metadataOptions.httpEndpoint,
                    HttpTokens: p.metadataOptions.httpTokens,
                    HttpPutResponseHopLimit: p.metadataOptions.httpPutResponseHopLimit,
                },
                TagSpecifications: p.tags && [{ ResourceType: "instance", Tags: tagList(p.tags) }],
                ...(inInterface
                    ? {
                          NetworkInterfaces: [
                              {
                                  DeviceIndex: 0,
                                  SubnetId: p.subnetId,
                                  Groups: groups,
                                  AssociatePublicIpAddress: p.associatePublicIpAddress,
                              },
                          ],
                      }
                    : { SubnetId: p.subnetId, SecurityGroupIds: groups }),
            }),
        );
        const id = out.Instances![0].InstanceId!;
        await afterRunInstances(aws, id, p);
        await until(`instance ${id} to run`, async () =>
            (await describeInstance(aws, id))?.State?.Name === "running" ? true : undefined,
        );
        if (p.sourceDestCheck === false) {
            await ec2Of(aws).send(
                new ec2.ModifyInstanceAttributeCommand({
                    InstanceId: id,
                    SourceDestCheck: { Value: false },
                }),
            );
        }
        return id;
    },
    async read(aws, id, state) {
        const i = await describeInstance(aws, id);
        if (!i || i.State?.Name === "terminated") {
            return undefined;
        }
        const live = await instanceAttributes(aws, i, state.userDataBase64 !== undefined);
        return live;
    },
    async update(aws, id, olds, news) {
        await retagImage(aws, id, olds, news);
        if (changed(olds, news, "iamInstanceProfile")) {
            const found = await ec2Of(aws).send(
                new ec2.DescribeIamInstanceProfileAssociationsCommand({
                    Filters: [{ Name: "instance-id", Values: [id] }],
                }),
            );
            const association = found.IamInstanceProfileAssociations?.find(
                (a) => a.State === "associated",
            );
            if (association && news.iamInstanceProfile) {
                await ec2Of(aws).send(
                    new ec2.ReplaceIamInstanceProfileAssociationCommand({
                        AssociationId: association.AssociationId,
                        IamInstanceProfile: { Name: news.iamInstanceProfile },
                    }),
                );
            } else if (association) {
                await ec2Of(aws).send(
                    new ec2.DisassociateIamInstanceProfileCommand({
                        AssociationId: association.AssociationId,
                    }),
                );
            } else if (news.iamInstanceProfile) {
                await ec2Of(aws).send(
                    new ec2.AssociateIamInstanceProfileCommand({
                        InstanceId: id,
                        IamInstanceProfile: { Name: news.iamInstanceProfile },
                    }),
                );
            }
        }
        for (const [key, attr] of [
            ["disableApiTermination", "DisableApiTermination"],
            ["disableApiStop", "DisableApiStop"],
        ] as const) {
            if (changed(olds, news, key)) {
                await ec2Of(aws).send(
                    new ec2.ModifyInstanceAttributeCommand({
                        InstanceId: id,
                        [attr]: { Value: Boolean(news[key]) },
                    }),
                );
            }
        }
    },
    async delete(aws, id, state) {
        await ec2Of(aws)
            .send(
                new ec2.ModifyInstanceAttributeCommand({
                    InstanceId: id,
                    DisableApiTermination: { Value: false },
                }),
            )
            .catch(() => undefined);
        if (state.disableApiStop) {
            await ec2Of(aws)
                .send(
                    new ec2.ModifyInstanceAttributeCommand({
                        InstanceId: id,
                        DisableApiStop: { Value: false },
                    }),
                )
                .catch(() => undefined);
        }
        await ec2Of(aws).send(new ec2.TerminateInstancesCommand({ InstanceIds: [id] }));
        await until(`instance ${id} to terminate`, async () => {
            const i = await describeInstance(aws, id);
            return !i || i.State?.Name === "terminated" ? true : undefined;
        });
    },
};

export const EC2_RESOURCES: Record<string, Handler> = {
    "aws:ec2/amiFromInstance:AmiFromInstance": amiFromInstance,
    "aws:ec2/amiCopy:AmiCopy": amiCopy,
    "aws:ec2/instance:Instance": instance,
};

type Filter = { name: string; values: string[] };
const filters = (list: Filter[] | undefined) =>
    (list ?? []).map((f) => ({ Name: f.name, Values: f.values }));

export const EC2_INVOKES: Record<string, Invoke> = {
    /**
     * ec2_instance_data_source.go: DescribeInstances by id; exactly one match, else "Your query
     * returned no results"; user data in plain only with getUserData (else a hash).
     */
    async "aws:ec2/getInstance:getInstance"(aws, args) {
        const out = await ec2Of(aws).send(
            new ec2.DescribeInstancesCommand({
                InstanceIds: args.instanceId ? [args.instanceId] : undefined,
                Filters: args.filters ? filters(args.filters) : undefined,
            }),
        );
        const found = (out.Reservations ?? []).flatMap((r) => r.Instances ?? []);
        if (found.length !== 1) {
            throw new Error(
                found.length === 0
                    ? "Your query returned no results. Please change your search criteria and try again."
                    : "Your query returned more than one result. Please try a more specific search criteria.",
            );
        }
        const a = await instanceAttributes(aws, found[0], Boolean(args.getUserData));
        const { creditSpecification, metadataOptions, ...rest } = a;
        return {
            ...rest,
            instanceId: a.id,
            metadataOptions: [metadataOptions],
            creditSpecifications: creditSpecification ? [creditSpecification] : [],
        };
    },
    /** ec2_instances_data_source.go: DescribeInstances with the filters and instance-state-name. */
    async "aws:ec2/getInstances:getInstances"(aws, args) {
        const states: string[] = args.instanceStateNames ?? ["running"];
        const out = await ec2Of(aws).send(
            new ec2.DescribeInstancesCommand({
                Filters: [
                    { Name: "instance-state-name", Values: states },
                    ...filters(args.filters),
                ],
            }),
        );
        const found = (out.Reservations ?? []).flatMap((r) => r.Instances ?? []);
        return {
            id: aws.region,
            ids: found.map((i) => i.InstanceId),
            privateIps: found.map((i) => i.PrivateIpAddress ?? ""),
            publicIps: found.filter((i) => i.PublicIpAddress).map((i) => i.PublicIpAddress),
            ipv6Addresses: [],
        };
    },
    /** vpc_subnet_data_source.go: DescribeSubnets by id. */
    async "aws:ec2/getSubnet:getSubnet"(aws, args) {
        const out = await ec2Of(aws).send(new ec2.DescribeSubnetsCommand({ SubnetIds: [args.id] }));
        const s = out.Subnets?.[0];
        if (!s) {
            throw new Error("no matching EC2 Subnet found");
        }
        return {
            id: s.SubnetId,
            arn: s.SubnetArn,
            vpcId: s.VpcId,
            availabilityZone: s.AvailabilityZone,
            cidrBlock: s.CidrBlock,
            tags: tagMap(s.Tags),
        };
    },
    /** vpc_security_groups_data_source.go: DescribeSecurityGroups with the filters. */
    async "aws:ec2/getSecurityGroups:getSecurityGroups"(aws, args) {
        const out = await ec2Of(aws).send(
            new ec2.DescribeSecurityGroupsCommand({ Filters: filters(args.filters) }),
        );
        const groups = out.SecurityGroups ?? [];
        return {
            id: aws.region,
            ids: groups.map((g) => g.GroupId),
            vpcIds: groups.map((g) => g.VpcId),
            arns: groups.map(
                (g) =>
                    `arn:${aws.partition}:ec2:${aws.region}:${g.OwnerId}:security-group/${g.GroupId}`,
            ),
        };
    },
    /** kms/key_data_source.go: DescribeKey (a key id, key ARN, alias name or alias ARN). */
    async "aws:kms/getKey:getKey"(aws, args) {
        const k = (
            await aws.client("kms", KMSClient).send(new DescribeKeyCommand({ KeyId: args.keyId }))
        ).KeyMetadata!;
        return {
            id: k.KeyId,
            arn: k.Arn,
            keyId: args.keyId,
            description: k.Description ?? "",
            enabled: k.Enabled,
            keyState: k.KeyState,
            keyUsage: k.KeyUsage,
            awsAccountId: k.AWSAccountId,
        };
    },
};
