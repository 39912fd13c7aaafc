import * as aws from "@pulumi/aws";
// The ec2 module alone: awsx's index also loads its "classic" components, about 0.3 s per process.
import * as awsxEc2 from "@pulumi/awsx/ec2";
import * as pulumi from "@pulumi/pulumi";

/** The interface endpoints SSM Run Command needs on a network without internet access. */
export const SSM_ENDPOINT_SERVICES = ["ssm", "ssmmessages", "ec2messages"];

export interface PrivateNetworkArgs {
    /** IPv4 CIDR of the VPC, e.g. "10.40.0.0/16". */
    readonly cidrBlock: string;
    /** Availability zones to spread the isolated subnets over. @default 2 */
    readonly availabilityZones?: number;
    readonly region: string;
    readonly tags?: Record<string, string>;
}

/**
 * A private network for instances without internet access: an awsx VPC with isolated subnets
 * only (no NAT gateway, no internet gateway) and the SSM interface endpoints, so the agent
 * reaches Systems Manager privately. awsx v3 components run inside the awsx plugin when deployed.
 */
export class PrivateNetwork extends pulumi.ComponentResource {
    readonly vpcId: pulumi.Output<string>;
    readonly subnetIds: pulumi.Output<string[]>;
    /** Security group for instances: HTTPS out to the endpoints, nothing in. */
    readonly instanceSecurityGroupId: pulumi.Output<string>;

    constructor(name: string, args: PrivateNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ssm-access:network:PrivateNetwork", name, {}, opts);
        const tags = args.tags ?? {};
        const vpc = new awsxEc2.Vpc(
            `${name}-vpc`,
            {
                cidrBlock: args.cidrBlock,
                numberOfAvailabilityZones: args.availabilityZones ?? 2,
                natGateways: { strategy: awsxEc2.NatGatewayStrategy.None },
                subnetSpecs: [{ type: awsxEc2.SubnetType.Isolated, name: "private" }],
                enableDnsHostnames: true,
                enableDnsSupport: true,
                tags,
            },
            { parent: this },
        );
        const instances = new aws.ec2.SecurityGroup(
            `${name}-instances`,
            {
                vpcId: vpc.vpcId,
                description: "Instances managed through SSM: HTTPS to the VPC endpoints only",
                egress: [
                    {
                        protocol: "tcp",
                        fromPort: 443,
                        toPort: 443,
                        cidrBlocks: [args.cidrBlock],
                        description: "SSM endpoints",
                    },
                ],
                tags,
            },
            { parent: this },
        );
        const endpoints = new aws.ec2.SecurityGroup(
            `${name}-endpoints`,
            {
                vpcId: vpc.vpcId,
                description: "SSM interface endpoints: HTTPS from the managed instances",
                ingress: [
                    {
                        protocol: "tcp",
                        fromPort: 443,
                        toPort: 443,
                        securityGroups: [instances.id],
                        description: "managed instances",
                    },
                ],
                tags,
            },
            { parent: this },
        );
        for (const service of SSM_ENDPOINT_SERVICES) {
            new aws.ec2.VpcEndpoint(
                `${name}-${service}`,
                {
                    vpcId: vpc.vpcId,
                    serviceName: `com.amazonaws.${args.region}.${service}`,
                    vpcEndpointType: "Interface",
                    privateDnsEnabled: true,
                    subnetIds: vpc.isolatedSubnetIds,
                    securityGroupIds: [endpoints.id],
                    tags,
                },
                { parent: this },
            );
        }
        this.vpcId = vpc.vpcId;
        this.subnetIds = vpc.isolatedSubnetIds;
        this.instanceSecurityGroupId = instances.id;
        this.registerOutputs({
            vpcId: this.vpcId,
            subnetIds: this.subnetIds,
            instanceSecurityGroupId: this.instanceSecurityGroupId,
        });
    }
}
