import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface IngressLoadBalancerArgs {
    vpcId: pulumi.Input<string>;
    publicSubnetIds: pulumi.Input<string>[];
    /** Security group of the managed nodes (the EKS cluster security group). */
    nodeSecurityGroupId: pulumi.Input<string>;
    /** Auto Scaling group behind the ingress node group. */
    ingressAutoscalingGroupName: pulumi.Input<string>;
    nodePorts: { http: number; https: number };
    tags: Record<string, string>;
}

/** Listener port -> node port pairs of the NLB. */
export function listenerPlan(nodePorts: { http: number; https: number }): { key: "http" | "https"; port: number; nodePort: number }[] {
    for (const [k, p] of Object.entries(nodePorts)) {
        if (!Number.isInteger(p) || p < 30000 || p > 32767) throw new Error(`ingress ${k} node port ${p} is outside the NodePort range 30000-32767`);
    }
    if (nodePorts.http === nodePorts.https) throw new Error(`ingress http and https node ports must differ (both ${nodePorts.http})`);
    return [
        { key: "http", port: 80, nodePort: nodePorts.http },
        { key: "https", port: 443, nodePort: nodePorts.https },
    ];
}

/**
 * Internet-facing Network Load Balancer in front of the ingress nodes: TCP
 * 80 and 443 passed through to the ingress controller's node ports (TLS ends
 * in the cluster, where cert-manager keeps the certificates). The NLB has its
 * own security group; the nodes accept the node ports from it only.
 */
export class IngressLoadBalancer extends pulumi.ComponentResource {
    readonly dnsName: pulumi.Output<string>;
    readonly zoneId: pulumi.Output<string>;
    readonly arn: pulumi.Output<string>;

    constructor(name: string, args: IngressLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("logscale:aws:IngressLoadBalancer", name, {}, opts);
        const plan = listenerPlan(args.nodePorts);

        const sg = new aws.ec2.SecurityGroup(`${name}-nlb`, {
            vpcId: args.vpcId,
            description: "LogScale ingress NLB: HTTP(S) from anywhere, node ports to the ingress nodes",
            tags: { ...args.tags, Name: `${name}-nlb` },
        }, { parent: this });

        const lb = new aws.lb.LoadBalancer(`${name}`, {
            loadBalancerType: "network",
            internal: false,
            ipAddressType: "ipv4",
            subnets: args.publicSubnetIds,
            securityGroups: [sg.id],
            enableCrossZoneLoadBalancing: true,
            tags: args.tags,
        }, { parent: this });

        for (const l of plan) {
            new aws.vpc.SecurityGroupIngressRule(`${name}-${l.key}-in`, {
                securityGroupId: sg.id,
                ipProtocol: "tcp",
                fromPort: l.port,
                toPort: l.port,
                cidrIpv4: "0.0.0.0/0",
                description: `${l.key.toUpperCase()} from clients and Route 53 health checkers`,
            }, { parent: this });
            new aws.vpc.SecurityGroupEgressRule(`${name}-${l.key}-out`, {
                securityGroupId: sg.id,
                ipProtocol: "tcp",
                fromPort: l.nodePort,
                toPort: l.nodePort,
                referencedSecurityGroupId: args.nodeSecurityGroupId,
                description: `${l.key.toUpperCase()} to the ingress node port`,
            }, { parent: this });
            new aws.vpc.SecurityGroupIngressRule(`${name}-${l.key}-nodes`, {
                securityGroupId: args.nodeSecurityGroupId,
                ipProtocol: "tcp",
                fromPort: l.nodePort,
                toPort: l.nodePort,
                referencedSecurityGroupId: sg.id,
                description: `${l.key.toUpperCase()} node port from the ingress NLB`,
            }, { parent: this });

            const tg = new aws.lb.TargetGroup(`${name}-${l.key}`, {
                vpcId: args.vpcId,
                port: l.nodePort,
                protocol: "TCP",
                targetType: "instance",
                deregistrationDelay: 30,
                // Explicit timeout: the TCP default (10 s) is not below a 10 s interval, which the API rejects.
                healthCheck: { protocol: "TCP", port: "traffic-port", interval: 10, timeout: 5, healthyThreshold: 3, unhealthyThreshold: 3 },
                tags: args.tags,
            }, { parent: this });
            new aws.lb.Listener(`${name}-${l.key}`, {
                loadBalancerArn: lb.arn,
                port: l.port,
                protocol: "TCP",
                defaultActions: [{ type: "forward", targetGroupArn: tg.arn }],
                tags: args.tags,
            }, { parent: this });
            new aws.autoscaling.Attachment(`${name}-${l.key}`, {
                autoscalingGroupName: args.ingressAutoscalingGroupName,
                lbTargetGroupArn: tg.arn,
            }, { parent: this });
        }

        this.dnsName = lb.dnsName;
        this.zoneId = lb.zoneId;
        this.arn = lb.arn;
        this.registerOutputs({ dnsName: this.dnsName, zoneId: this.zoneId, arn: this.arn });
    }
}
