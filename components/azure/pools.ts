import { ClusterLayout, NODE_ROLE_LABEL, NODE_ROLES, NodeRole, PoolLayout } from "../logscale/types";

/** One AKS node pool, derived from the cluster layout. */
export interface AksPoolSpec {
    /** AKS pool name: lower-case letters and digits, at most 12 (Linux). */
    name: string;
    role: NodeRole;
    mode: "System" | "User";
    vmSize: string;
    count: number;
    minCount: number;
    maxCount: number;
    /**
     * Stateless pools scale with the cluster autoscaler. Pools whose pods keep
     * data on local NVMe (LogScale digest, Kafka) have a fixed size: a scale-in
     * would throw that data away.
     */
    autoscale: boolean;
    osDiskSizeGB: number;
    nodeLabels: Record<string, string>;
}

const POOL_NAMES: Record<NodeRole, string> = {
    system: "system",
    kafka: "strimzi",
    digest: "digest",
    ingest: "ingest",
    ui: "ui",
    ingress: "ingress",
};

const STATEFUL: ReadonlySet<NodeRole> = new Set<NodeRole>(["digest", "kafka"]);

export function aksPoolSpecs(layout: ClusterLayout): AksPoolSpec[] {
    if (!layout.system) {
        throw new Error("the Azure layout has no system pool; AKS needs one (size table azure.json, system_node_*)");
    }
    const pools: [NodeRole, PoolLayout | undefined][] = [
        ["system", layout.system],
        ["kafka", layout.kafka],
        ["digest", layout.digest],
        ["ingest", layout.ingest],
        ["ui", layout.ui],
        ["ingress", layout.ingress],
    ];
    return pools
        .filter((p): p is [NodeRole, PoolLayout] => p[1] !== undefined)
        .map(([role, pool]) => {
            const autoscale = !STATEFUL.has(role);
            const count = pool.nodeCount;
            // A fixed pool runs exactly its count; an autoscaled one starts at it within min..max.
            const minCount = autoscale ? Math.min(pool.minNodes, count) : count;
            const maxCount = autoscale ? Math.max(pool.maxNodes, count) : count;
            return {
                name: POOL_NAMES[role],
                role,
                mode: role === "system" ? "System" : "User",
                vmSize: pool.instanceType,
                count,
                minCount,
                maxCount,
                autoscale,
                osDiskSizeGB: pool.rootDiskGb,
                nodeLabels: { [NODE_ROLE_LABEL]: NODE_ROLES[role] },
            };
        });
}
