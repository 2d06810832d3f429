import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { subnetPlan } from "./cidr";

export interface NetworkArgs {
    /** EKS cluster name, for the subnet discovery tags. */
    eksClusterName: string;
    vpcCidr: string;
    region: string;
    tags: Record<string, string>;
}

/** Number of availability zones the cluster spans. */
export const ZONE_COUNT = 3;

/**
 * VPC across three availability zones: public subnets for the load balancer
 * and NAT gateways, private subnets for every node. One NAT gateway per zone,
 * so losing a zone never cuts the others off from ECR, S3 and STS.
 */
export class Network extends pulumi.ComponentResource {
    readonly vpcId: pulumi.Output<string>;
    readonly publicSubnetIds: pulumi.Output<string>[];
    readonly privateSubnetIds: pulumi.Output<string>[];

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("logscale:aws:Network", name, {}, opts);
        const plan = subnetPlan(args.vpcCidr, ZONE_COUNT);
        const zones = aws.getAvailabilityZonesOutput({ state: "available" }, { parent: this });
        const clusterTag = { [`kubernetes.io/cluster/${args.eksClusterName}`]: "shared" };
        const tagged = (n: string, extra: Record<string, string> = {}) => ({ ...args.tags, ...extra, Name: n });

        const vpc = new aws.ec2.Vpc(`${name}-vpc`, {
            cidrBlock: args.vpcCidr,
            enableDnsHostnames: true,
            enableDnsSupport: true,
            tags: tagged(`${name}-vpc`),
        }, { parent: this });

        const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: tagged(`${name}-igw`) }, { parent: this });

        const publicRt = new aws.ec2.RouteTable(`${name}-public`, {
            vpcId: vpc.id,
            routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
            tags: tagged(`${name}-public`),
        }, { parent: this });

        this.publicSubnetIds = [];
        this.privateSubnetIds = [];
        const privateRouteTableIds: pulumi.Output<string>[] = [];
        for (let i = 0; i < ZONE_COUNT; i++) {
            const az = zones.names.apply(names => {
                if (names.length < ZONE_COUNT) {
                    throw new Error(`region offers ${names.length} available zones (${names.join(", ")}); the cluster needs ${ZONE_COUNT}`);
                }
                return names[i];
            });
            const pub = new aws.ec2.Subnet(`${name}-public-${i}`, {
                vpcId: vpc.id,
                cidrBlock: plan.public[i],
                availabilityZone: az,
                mapPublicIpOnLaunch: false,
                tags: tagged(`${name}-public-${i}`, { ...clusterTag, "kubernetes.io/role/elb": "1" }),
            }, { parent: this });
            new aws.ec2.RouteTableAssociation(`${name}-public-${i}`, { subnetId: pub.id, routeTableId: publicRt.id }, { parent: this });

            const eip = new aws.ec2.Eip(`${name}-nat-${i}`, { domain: "vpc", tags: tagged(`${name}-nat-${i}`) }, { parent: this, dependsOn: [igw] });
            const nat = new aws.ec2.NatGateway(`${name}-nat-${i}`, {
                allocationId: eip.allocationId,
                subnetId: pub.id,
                tags: tagged(`${name}-nat-${i}`),
            }, { parent: this, dependsOn: [igw] });

            const priv = new aws.ec2.Subnet(`${name}-private-${i}`, {
                vpcId: vpc.id,
                cidrBlock: plan.private[i],
                availabilityZone: az,
                tags: tagged(`${name}-private-${i}`, { ...clusterTag, "kubernetes.io/role/internal-elb": "1" }),
            }, { parent: this });
            const privRt = new aws.ec2.RouteTable(`${name}-private-${i}`, {
                vpcId: vpc.id,
                routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }],
                tags: tagged(`${name}-private-${i}`),
            }, { parent: this });
            new aws.ec2.RouteTableAssociation(`${name}-private-${i}`, { subnetId: priv.id, routeTableId: privRt.id }, { parent: this });

            this.publicSubnetIds.push(pub.id);
            this.privateSubnetIds.push(priv.id);
            privateRouteTableIds.push(privRt.id);
        }

        // LogScale moves every segment through S3: a gateway endpoint keeps that
        // traffic off the NAT gateways (cost) and inside the region's network.
        new aws.ec2.VpcEndpoint(`${name}-s3`, {
            vpcId: vpc.id,
            serviceName: `com.amazonaws.${args.region}.s3`,
            vpcEndpointType: "Gateway",
            routeTableIds: privateRouteTableIds,
            tags: tagged(`${name}-s3`),
        }, { parent: this });
        this.vpcId = vpc.id;
        this.registerOutputs({ vpcId: this.vpcId, publicSubnetIds: this.publicSubnetIds, privateSubnetIds: this.privateSubnetIds });
    }
}
