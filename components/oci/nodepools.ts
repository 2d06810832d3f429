import { ClusterLayout, NODE_ROLE_LABEL, NODE_ROLES, NodeRole, PoolLayout } from "../logscale/types";

/** One OKE node pool as this program declares it (pure data; the component turns it into a NodePool). */
export interface NodePoolPlan {
    role: NodeRole;
    /** Node pool name, unique within the cluster. */
    name: string;
    shape: string;
    /** Flex shapes only. */
    shapeConfig?: { ocpus: number; memoryInGbs: number };
    size: number;
    bootVolumeSizeInGbs: number;
    /** initialNodeLabels: the role label LogScale and Kafka pools select with nodeAffinity. */
    labels: Record<string, string>;
}

/**
 * Node pools for a layout, in a fixed order. UI and ingest exist only when
 * the layout has them (active stacks of type internal-ingest); a standby
 * has a one-node digest pool. OKE has no per-pool autoscaler setting: the
 * desired count is the pool size, min/max are for the cluster autoscaler
 * add-on if one is installed.
 */
export function nodePoolPlans(clusterName: string, layout: ClusterLayout): NodePoolPlan[] {
    const pools: [NodeRole, PoolLayout | undefined][] = [
        ["system", layout.system],
        ["digest", layout.digest],
        ["ingest", layout.ingest],
        ["ui", layout.ui],
        ["ingress", layout.ingress],
        ["kafka", layout.kafka],
    ];
    return pools
        .filter((p): p is [NodeRole, PoolLayout] => p[1] !== undefined)
        .map(([role, pool]) => nodePoolPlan(clusterName, role, pool));
}

export function nodePoolPlan(clusterName: string, role: NodeRole, pool: PoolLayout): NodePoolPlan {
    const flex = pool.instanceType.endsWith(".Flex");
    if (flex && (pool.ocpus === undefined || pool.memoryGb === undefined)) {
        throw new Error(`node pool ${role}: flexible shape ${pool.instanceType} needs ocpus and memoryGb in the OKE size table`);
    }
    if (!flex && (pool.ocpus !== undefined || pool.memoryGb !== undefined)) {
        throw new Error(`node pool ${role}: fixed shape ${pool.instanceType} takes no ocpus/memoryGb`);
    }
    if (!Number.isInteger(pool.nodeCount) || pool.nodeCount < 1) {
        throw new Error(`node pool ${role}: node count must be a positive integer, got ${pool.nodeCount}`);
    }
    if (pool.rootDiskGb < 50) {
        throw new Error(`node pool ${role}: OKE boot volumes are at least 50 GB, got ${pool.rootDiskGb}`);
    }
    return {
        role,
        name: `${clusterName}-${role}`,
        shape: pool.instanceType,
        ...(flex ? { shapeConfig: { ocpus: pool.ocpus!, memoryInGbs: pool.memoryGb! } } : {}),
        size: pool.nodeCount,
        bootVolumeSizeInGbs: pool.rootDiskGb,
        labels: { [NODE_ROLE_LABEL]: NODE_ROLES[role] },
    };
}
