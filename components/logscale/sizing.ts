import type { Cloud, ClusterSize, ClusterType, DrMode } from "../../config/load";
import type { ClusterLayout, PoolLayout, ResourceSpec } from "./types";
import awsTable from "./sizing/aws.json";
import azureTable from "./sizing/azure.json";
import ociTable from "./sizing/oci.json";

/** Reference value of every architecture (notes §1b): the operator default of 24 is too few for production. */
export const DIGEST_PARTITIONS = 840;
/** Replication factor where a size table has none (the AWS one). */
export const DEFAULT_REPLICATION_FACTOR = 2;

type Row = Record<string, unknown>;
type Table = { sizes: Record<ClusterSize, Row> };

/**
 * What a stack runs for its cloud, size, cluster type and DR mode.
 *
 * Standby: one digest node and pod, no ingest or UI pools, replication factor
 * 1 — the recovering pod must be able to satisfy replication on its own (the
 * operator refuses nodeCount < targetReplicationFactor). Kafka keeps its full
 * size so promotion never resizes the brokers that hold the recovered cluster's
 * epoch. The standby's ingress keeps at least two nodes: after an automatic
 * failover all traffic lands on it before anyone promotes the stack.
 */
export function clusterLayout(cloud: Cloud, size: ClusterSize, type: ClusterType, dr?: DrMode): ClusterLayout {
    const full = cloud === "aws" ? awsLayout(size) : k8sModuleLayout(cloud, size, type);
    const layout: ClusterLayout = { cloud, size, type, dr, ...full };
    if (type !== "internal-ingest") {
        delete layout.ingest;
        delete layout.ui;
    }
    if (dr === "standby") {
        layout.digest = { ...layout.digest, nodeCount: 1, minNodes: 1, podCount: 1 };
        delete layout.ingest;
        delete layout.ui;
        const ingressNodes = Math.min(layout.ingress.maxNodes, Math.max(2, layout.ingress.minNodes));
        layout.ingress = { ...layout.ingress, nodeCount: ingressNodes };
        layout.targetReplicationFactor = 1;
    }
    return layout;
}

type Full = Omit<ClusterLayout, "cloud" | "size" | "type" | "dr">;

// The AWS table has no separate (smaller) ingress controller size for basic clusters.
function awsLayout(size: ClusterSize): Full {
    const table = awsTable as unknown as Table & { strimziOnEks: Record<ClusterSize, Row> };
    const r = reader(table.sizes[size], "aws", size);
    const logscalePool = (role: string): PoolLayout => {
        const nodes = r.num(`logscale_${role}_desired_node_count`);
        return {
            nodeCount: nodes,
            minNodes: r.num(`logscale_${role}_min_node_count`),
            maxNodes: r.num(`logscale_${role}_max_node_count`),
            instanceType: r.str(`logscale_${role}_instance_type`),
            rootDiskGb: r.num(`logscale_${role}_root_disk_size`),
            // One LogScale pod per node, as in the reference EKS layout.
            podCount: role === "ingress" ? 0 : nodes,
            resources: r.resources(`logscale_${role}_resources`),
            dataDiskSize: role === "ingress" ? undefined : r.str(`logscale_${role}_data_disk_size`),
        };
    };
    const brokers = r.optNum("kafka_broker_desired_node_count") ?? r.num("kafka_broker_node_count");
    const strimzi = reader(table.strimziOnEks[size], "aws strimziOnEks", size);
    return {
        digest: logscalePool("digest"),
        ingest: logscalePool("ingest"),
        ui: logscalePool("ui"),
        ingress: logscalePool("ingress"),
        kafka: {
            nodeCount: brokers,
            minNodes: r.num("kafka_broker_min_node_count"),
            maxNodes: r.num("kafka_broker_max_node_count"),
            // The table names MSK broker classes; Strimzi brokers run on the matching EC2 type.
            instanceType: r.str("kafka_broker_instance_type").replace(/^kafka\./, ""),
            rootDiskGb: strimzi.num("kafka_broker_root_disk_size"),
            podCount: brokers,
            resources: strimzi.resources("kafka_broker_resources"),
            dataDiskSize: `${r.num("kafka_broker_data_disk_size")}Gi`,
        },
        targetReplicationFactor: DEFAULT_REPLICATION_FACTOR,
        digestPartitionsCount: DIGEST_PARTITIONS,
    };
}

/** Azure and OCI tables share the key layout of CrowdStrike/logscale-kubernetes cluster_size.tpl. */
function k8sModuleLayout(cloud: "azure" | "oci", size: ClusterSize, type: ClusterType): Full {
    const table = (cloud === "azure" ? azureTable : ociTable) as unknown as Table;
    const r = reader(table.sizes[size], cloud, size);
    const nodes = (prefix: string) => {
        const ocpus = r.optNum(`${prefix}_ocpus`);
        return {
            nodeCount: r.num(`${prefix}_desired_node_count`),
            minNodes: r.num(`${prefix}_min_node_count`),
            maxNodes: r.num(`${prefix}_max_node_count`),
            instanceType: r.str(`${prefix}_instance_type`),
            rootDiskGb: r.num(`${prefix}_root_disk_size`),
            ...(ocpus === undefined ? {} : { ocpus, memoryGb: r.num(`${prefix}_memory_in_gbs`) }),
        };
    };
    const logscalePool = (role: "digest" | "ingest" | "ui"): PoolLayout => ({
        ...nodes(`logscale_${role}`),
        podCount: r.num(`logscale_${role}_pod_count`),
        resources: r.resources(`logscale_${role}_resources`),
        dataDiskSize: r.str(`logscale_${role}_data_disk_size`),
    });
    const diskCount = Number(r.str("kafka_broker_disk_count"));
    return {
        digest: logscalePool("digest"),
        ingest: logscalePool("ingest"),
        ui: logscalePool("ui"),
        ingress: {
            ...nodes("logscale_ingress"),
            podCount: 0,
            resources: r.resources(type === "basic" ? "logscale_basic_ingress_resources" : "logscale_ingress_resources"),
        },
        kafka: {
            ...nodes("strimzi_node"),
            podCount: r.num("kafka_broker_pod_replica_count"),
            resources: r.resources("kafka_broker_resources"),
            // The reference spreads a broker over N equal JBOD disks; one volume of the same total is simpler to grow.
            dataDiskSize: scaleQuantity(r.str("kafka_broker_data_disk_size"), diskCount),
        },
        system: { ...nodes("system_node"), podCount: 0 },
        targetReplicationFactor: r.optNum("logscale_target_replication_factor") ?? DEFAULT_REPLICATION_FACTOR,
        digestPartitionsCount: DIGEST_PARTITIONS,
    };
}

/** Typed access to one size row; a missing or mistyped key names the table, size and key. */
function reader(row: Row | undefined, table: string, size: string) {
    const fail = (key: string, why: string): never => {
        throw new Error(`size table ${table}, size ${size}: ${key} ${why}`);
    };
    if (!row) return fail("(row)", "is missing");
    const get = (key: string) => row[key];
    const num = (key: string): number => {
        const v = get(key);
        if (typeof v !== "number" || !Number.isFinite(v)) return fail(key, `must be a number, got ${JSON.stringify(v)}`);
        return v;
    };
    const optNum = (key: string): number | undefined => (get(key) === undefined ? undefined : num(key));
    const str = (key: string): string => {
        const v = get(key);
        if (typeof v !== "string" || v === "") return fail(key, `must be a string, got ${JSON.stringify(v)}`);
        return v;
    };
    // Pods get requests = limits (Guaranteed QoS, so the kubelet never evicts LogScale under pressure); the limits are the sized value.
    const resources = (key: string): ResourceSpec => {
        const v = get(key) as { limits?: { cpu?: unknown; memory?: unknown } } | undefined;
        const cpu = v?.limits?.cpu;
        const memory = v?.limits?.memory;
        if ((typeof cpu !== "number" && typeof cpu !== "string") || typeof memory !== "string") {
            return fail(key, `must be {limits: {cpu, memory}}, got ${JSON.stringify(v)}`);
        }
        return { cpu: String(cpu), memory };
    };
    return { num, optNum, str, resources };
}

/** "1024Gi" x 2 -> "2048Gi". */
export function scaleQuantity(quantity: string, factor: number): string {
    const m = /^(\d+)([KMGTPE]i)$/.exec(quantity);
    if (!m || !Number.isInteger(factor) || factor < 1) {
        throw new Error(`cannot scale quantity ${JSON.stringify(quantity)} by ${factor}: expected <integer><Ki|Mi|Gi|Ti> and a positive integer`);
    }
    return `${Number(m[1]) * factor}${m[2]}`;
}
