import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { NodeRole } from "../logscale/types";
import type { NodeGroupSpec } from "./nodegroup-specs";
import { managedPolicyArn, NODE_ROLE_POLICIES, serviceTrustPolicy } from "./policies";

export interface NodeGroupsArgs {
    clusterName: pulumi.Input<string>;
    kubernetesVersion: string;
    partition: pulumi.Input<string>;
    subnetIds: pulumi.Input<string>[];
    specs: NodeGroupSpec[];
    tags: Record<string, string>;
    /** Resources the nodes need before they can join (CNI, kube-proxy). */
    dependsOn?: pulumi.Resource[];
}

/**
 * EKS managed node groups, one per role of the layout, sharing one node role
 * that carries only the standard worker policies. Workload permissions (S3,
 * EBS) go to service accounts through IRSA, never to nodes.
 */
export class NodeGroups extends pulumi.ComponentResource {
    readonly groups: Partial<Record<NodeRole, aws.eks.NodeGroup>>;
    readonly nodeRoleArn: pulumi.Output<string>;

    constructor(name: string, args: NodeGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("logscale:aws:NodeGroups", name, {}, opts);

        const role = new aws.iam.Role(`${name}-node`, {
            assumeRolePolicy: JSON.stringify(serviceTrustPolicy("ec2.amazonaws.com")),
            tags: args.tags,
        }, { parent: this });
        const attachments = NODE_ROLE_POLICIES.map(p => new aws.iam.RolePolicyAttachment(`${name}-node-${p}`, {
            role: role.name,
            policyArn: pulumi.output(args.partition).apply(part => managedPolicyArn(part, p)),
        }, { parent: this }));

        this.groups = {};
        for (const s of args.specs) {
            this.groups[s.role] = new aws.eks.NodeGroup(`${name}-${s.role}`, {
                clusterName: args.clusterName,
                version: args.kubernetesVersion,
                nodeRoleArn: role.arn,
                subnetIds: args.subnetIds,
                amiType: "AL2023_x86_64_STANDARD",
                capacityType: "ON_DEMAND",
                instanceTypes: [s.instanceType],
                diskSize: s.diskSizeGb,
                scalingConfig: s.scaling,
                updateConfig: { maxUnavailable: 1 },
                labels: s.labels,
                tags: { ...args.tags, Name: `${name}-${s.role}` },
            }, { parent: this, dependsOn: [...attachments, ...(args.dependsOn ?? [])] });
        }
        this.nodeRoleArn = role.arn;
        this.registerOutputs({ nodeRoleArn: this.nodeRoleArn });
    }
}
