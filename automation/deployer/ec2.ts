/**
 * The EC2 API calls of each EC2 resource type (a relaunch's images and instance, the private
 * network) and lookup, from terraform-provider-aws (hashicorp/terraform-provider-aws,
 * internal/service/ec2/<file>.go: each row cites its file).
 */
import { IMAGE_KEY_GRANT } from "./kms";
import { Grant, Row, anyResource } from "./targets";

const EC2_TAGS = ["ec2:CreateTags", "ec2:DeleteTags"];
/** Describe calls cannot be scoped to a resource (EC2 Service Authorization Reference). */
const EC2_DESCRIBE = { sid: "Ec2Describe", on: anyResource };

/** What an image resource needs: make it (CreateImage or CopyImage), tag, describe, delete it. */
function imageGrants(make: string): Grant[] {
    return [
        {
            sid: "Ec2RelaunchImages",
            actions: [
                make,
                "ec2:ModifyImageAttribute",
                "ec2:DeregisterImage",
                "ec2:DeleteSnapshot",
                ...EC2_TAGS,
            ],
            on: anyResource,
        },
        {
            ...EC2_DESCRIBE,
            actions: ["ec2:DescribeImages", "ec2:DescribeImageAttribute", "ec2:DescribeSnapshots"],
        },
    ];
}

export const EC2_RESOURCE_CALLS: Record<string, Row> = {
    // Relaunch. EC2 actions on "*": the image, its snapshots and the new instance are named only
    // at deploy, and RunInstances touches a subnet, security groups, volumes and a network
    // interface besides the instance. What bounds them is the action list: no
    // TerminateInstances (the replacement is retained on delete), no StopInstances.
    "aws:ec2/amiFromInstance:AmiFromInstance": {
        // resourceAMIFromInstanceCreate, then ami.go's read and delete (DeregisterImage and the
        // image's snapshots).
        source: "internal/service/ec2/ec2_ami_from_instance.go",
        grants: [...imageGrants("ec2:CreateImage")],
    },
    "aws:ec2/amiCopy:AmiCopy": {
        source: "internal/service/ec2/ec2_ami_copy.go",
        grants: [...imageGrants("ec2:CopyImage"), IMAGE_KEY_GRANT],
    },
    "aws:ec2/instance:Instance": {
        source: "internal/service/ec2/ec2_instance.go",
        grants: [
            {
                sid: "Ec2RelaunchInstances",
                actions: [
                    "ec2:RunInstances",
                    "ec2:ModifyInstanceAttribute",
                    "ec2:ModifyInstanceMetadataOptions",
                    "ec2:ModifyInstanceCreditSpecification",
                    "ec2:AssociateIamInstanceProfile",
                    "ec2:ReplaceIamInstanceProfileAssociation",
                    ...EC2_TAGS,
                ],
                on: anyResource,
            },
            {
                ...EC2_DESCRIBE,
                actions: [
                    "ec2:DescribeInstances",
                    "ec2:DescribeInstanceAttribute",
                    "ec2:DescribeInstanceCreditSpecifications",
                    "ec2:DescribeInstanceTypes",
                    "ec2:DescribeIamInstanceProfileAssociations",
                    "ec2:DescribeVolumes",
                    "ec2:DescribeTags",
                ],
            },
        ],
    },
    // Private network (awsx's VPC runs as a component in the awsx plugin: its children are not
    // in the plan, so its row lists the calls for what pulumi/pulumi-awsx awsx/ec2/vpc.ts creates
    // with isolated subnets and no NAT gateway). EC2 network actions on "*": the VPC, subnets,
    // route tables and security groups are named only at deploy.
    "awsx:ec2:Vpc": {
        source: "internal/service/ec2/vpc_.go, vpc_subnet.go, vpc_route_table.go, vpc_internet_gateway.go",
        grants: [
            {
                sid: "Ec2Network",
                actions: [
                    "ec2:CreateVpc",
                    "ec2:ModifyVpcAttribute",
                    "ec2:DeleteVpc",
                    "ec2:CreateSubnet",
                    "ec2:ModifySubnetAttribute",
                    "ec2:DeleteSubnet",
                    "ec2:CreateRouteTable",
                    "ec2:AssociateRouteTable",
                    "ec2:DisassociateRouteTable",
                    "ec2:DeleteRouteTable",
                    "ec2:CreateInternetGateway",
                    "ec2:AttachInternetGateway",
                    "ec2:DetachInternetGateway",
                    "ec2:DeleteInternetGateway",
                    ...EC2_TAGS,
                ],
                on: anyResource,
            },
            {
                ...EC2_DESCRIBE,
                actions: [
                    "ec2:DescribeAvailabilityZones",
                    "ec2:DescribeVpcs",
                    "ec2:DescribeVpcAttribute",
                    "ec2:DescribeSubnets",
                    "ec2:DescribeRouteTables",
                    "ec2:DescribeInternetGateways",
                ],
            },
        ],
    },
    "aws:ec2/securityGroup:SecurityGroup": {
        source: "internal/service/ec2/vpc_security_group.go",
        grants: [
            {
                sid: "Ec2Network",
                actions: [
                    "ec2:CreateSecurityGroup",
                    "ec2:AuthorizeSecurityGroupIngress",
                    "ec2:AuthorizeSecurityGroupEgress",
                    "ec2:RevokeSecurityGroupIngress",
                    "ec2:RevokeSecurityGroupEgress",
                    "ec2:DeleteSecurityGroup",
                    ...EC2_TAGS,
                ],
                on: anyResource,
            },
            {
                ...EC2_DESCRIBE,
                actions: ["ec2:DescribeSecurityGroups", "ec2:DescribeNetworkInterfaces"],
            },
        ],
    },
    "aws:ec2/securityGroupRule:SecurityGroupRule": {
        source: "internal/service/ec2/vpc_security_group_rule.go",
        grants: [
            {
                sid: "Ec2Network",
                actions: [
                    "ec2:AuthorizeSecurityGroupIngress",
                    "ec2:AuthorizeSecurityGroupEgress",
                    "ec2:RevokeSecurityGroupIngress",
                    "ec2:RevokeSecurityGroupEgress",
                ],
                on: anyResource,
            },
            {
                ...EC2_DESCRIBE,
                actions: ["ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules"],
            },
        ],
    },
    "aws:ec2/vpcEndpoint:VpcEndpoint": {
        source: "internal/service/ec2/vpc_endpoint.go",
        grants: [
            {
                sid: "Ec2Network",
                actions: [
                    "ec2:CreateVpcEndpoint",
                    "ec2:ModifyVpcEndpoint",
                    "ec2:DeleteVpcEndpoints",
                    ...EC2_TAGS,
                ],
                on: anyResource,
            },
            {
                ...EC2_DESCRIBE,
                actions: [
                    "ec2:DescribeVpcEndpoints",
                    "ec2:DescribeVpcEndpointServices",
                    "ec2:DescribePrefixLists",
                ],
            },
        ],
    },
};

export const EC2_LOOKUP_CALLS: Record<string, Row> = {
    "aws:ec2/getInstances:getInstances": {
        source: "internal/service/ec2/ec2_instances_data_source.go",
        grants: [{ ...EC2_DESCRIBE, actions: ["ec2:DescribeInstances"] }],
    },
    "aws:ec2/getInstance:getInstance": {
        source: "internal/service/ec2/ec2_instance_data_source.go",
        grants: [
            {
                ...EC2_DESCRIBE,
                actions: [
                    "ec2:DescribeInstances",
                    "ec2:DescribeInstanceAttribute",
                    "ec2:DescribeInstanceCreditSpecifications",
                    "ec2:DescribeVolumes",
                ],
            },
        ],
    },
    "aws:ec2/getSubnet:getSubnet": {
        source: "internal/service/ec2/vpc_subnet_data_source.go",
        grants: [{ ...EC2_DESCRIBE, actions: ["ec2:DescribeSubnets"] }],
    },
    "aws:ec2/getSecurityGroups:getSecurityGroups": {
        source: "internal/service/ec2/vpc_security_groups_data_source.go",
        grants: [{ ...EC2_DESCRIBE, actions: ["ec2:DescribeSecurityGroups"] }],
    },
};
