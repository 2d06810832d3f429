// Which EKS managed node groups a layout needs, and their sizes (pure).

import { ClusterLayout, NODE_ROLE_LABEL, NODE_ROLES, NodeRole, PoolLayout } from "../logscale/types";

export interface NodeGroupSpec {
    role: NodeRole;
    /** Kubernetes node labels; `k8s-app` is what LogScale, Kafka and ingress pods select. */
    labels: Record<string, string>;
    instanceType: string;
    diskSizeGb: number;
    scaling: { minSize: number; desiredSize: number; maxSize: number };
}

/** The order node groups are declared in (stable plans). */
const ORDER: NodeRole[] = ["system", "digest", "ingest", "ui", "kafka", "ingress"];

/**
 * The size tables name Kafka brokers by their MSK class (kafka.m5.large); on
 * EKS the brokers run on the EC2 instance of the same family and size.
 */
export function ec2InstanceType(instanceType: string): string {
    const type = instanceType.replace(/^kafka\./, "");
    if (!/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(type)) {
        throw new Error(`"${instanceType}" is not an EC2 instance type (family.size, e.g. m5.large)`);
    }
    return type;
}

function spec(role: NodeRole, pool: PoolLayout): NodeGroupSpec {
    if (pool.nodeCount < 0 || pool.minNodes < 0) throw new Error(`node group ${role}: negative node counts in the layout`);
    // desired must lie within [min, max]; the layout's desired count wins over its bounds.
    const desiredSize = pool.nodeCount;
    const minSize = Math.min(pool.minNodes, desiredSize);
    const maxSize = Math.max(pool.maxNodes, desiredSize, 1);
    return {
        role,
        labels: { [NODE_ROLE_LABEL]: NODE_ROLES[role] },
        instanceType: ec2InstanceType(pool.instanceType),
        diskSizeGb: pool.rootDiskGb,
        scaling: { minSize, desiredSize, maxSize },
    };
}

/**
 * Node groups for a layout: digest, Kafka and ingress always; UI and ingest
 * only when the layout has them (active, and a cluster type with dedicated
 * pools); a system group only where the layout defines one.
 */
export function nodeGroupSpecs(layout: ClusterLayout): NodeGroupSpec[] {
    const pools: Partial<Record<NodeRole, PoolLayout | undefined>> = {
        system: layout.system,
        digest: layout.digest,
        ingest: layout.ingest,
        ui: layout.ui,
        kafka: layout.kafka,
        ingress: layout.ingress,
    };
    return ORDER.flatMap(role => {
        const pool = pools[role];
        return pool ? [spec(role, pool)] : [];
    });
}
