import * as aws from "@pulumi/aws";
// The ec2 module alone: awsx's index also loads its "classic" components, about 0.3 s per process.
import * as awsxEc2 from "@pulumi/awsx/ec2";
import * as pulumi from "@pulumi/pulumi";

/**
 * The interface endpoints SSM Run Command needs on a network without internet access ("Improve
 * the security of EC2 instances by using VPC endpoints for Systems Manager", AWS Systems Manager
 * User Guide); `logs` as well when output goes to CloudWatch Logs.
 */
export const SSM_ENDPOINT_SERVICES = ["ssm", "ssmmessages", "ec2messages"];

/**
 * Services whose endpoint names start with cn.com.amazonaws in the China regions; the others,
 * ssm, ssmmessages, ec2messages and logs included, keep com.amazonaws (aws-cdk,
 * aws-ec2/lib/vpc-endpoint.ts, VPC_ENDPOINT_SERVICE_EXCEPTIONS for cn-north-1 and cn-northwest-1).
 */
const CHINA_PREFIXED_ENDPOINTS = ["s3", "ec2", "sts", "lambda", "monitoring", "sqs", "ecr.api"];

/** The VPC endpoint service name of `service` in `region`. */
export function endpointServiceName(service: string, region: string): string {
    const prefix =
        region.startsWith("cn-") && CHINA_PREFIXED_ENDPOINTS.includes(service)
            ? "cn.com.amazonaws"
            : "com.amazonaws";
    return `${prefix}.${region}.${service}`;
}

export interface PrivateNetworkArgs {
    /** IPv4 CIDR of the VPC, e.g. "10.40.0.0/16". */
    readonly cidrBlock: string;
    /** Availability zones to spread the isolated subnets over. @default 2 */
    readonly availabilityZones?: number;
    /** Add the CloudWatch Logs interface endpoint, for command output sent to a log group. @default false */
    readonly logsEndpoint?: boolean;
    /**
     * Add the S3 gateway endpoint (no charge), which the agent uses for its updates and for
     * command output to S3. @default true
     */
    readonly s3GatewayEndpoint?: boolean;
    readonly region: string;
    readonly tags?: Record<string, string>;
}

/**
 * A private network for instances without internet access: an awsx VPC with isolated subnets
 * only (no NAT gateway, and no route to the internet gateway awsx always attaches) and the SSM
 * interface endpoints, so the agent reaches Systems Manager privately. awsx v3 components run
 * inside the awsx plugin when deployed.
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
        const services = [...SSM_ENDPOINT_SERVICES, ...(args.logsEndpoint ? ["logs"] : [])];
        for (const service of services) {
            new aws.ec2.VpcEndpoint(
                `${name}-${service}`,
                {
                    vpcId: vpc.vpcId,
                    serviceName: endpointServiceName(service, args.region),
                    vpcEndpointType: "Interface",
                    privateDnsEnabled: true,
                    subnetIds: vpc.isolatedSubnetIds,
                    securityGroupIds: [endpoints.id],
                    tags,
                },
                { parent: this },
            );
        }
        if (args.s3GatewayEndpoint ?? true) {
            const s3 = new aws.ec2.VpcEndpoint(
                `${name}-s3`,
                {
                    vpcId: vpc.vpcId,
                    serviceName: endpointServiceName("s3", args.region),
                    vpcEndpointType: "Gateway",
                    routeTableIds: vpc.routeTables.apply((tables) => tables.map((t) => t.id)),
                    tags,
                },
                { parent: this },
            );
            new aws.ec2.SecurityGroupRule(
                `${name}-instances-s3`,
                {
                    type: "egress",
                    securityGroupId: instances.id,
                    protocol: "tcp",
                    fromPort: 443,
                    toPort: 443,
                    prefixListIds: [s3.prefixListId],
                    description: "S3 through the gateway endpoint",
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
