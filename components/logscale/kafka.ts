import { KAFKA_VERSION } from "./charts";
import { kafkaClusterName, LOGSCALE_NAMESPACE } from "./names";
import { NODE_ROLE_LABEL, NODE_ROLES, type PoolLayout } from "./types";

/** The one KafkaNodePool: every broker is also a KRaft controller. */
export const KAFKA_NODE_POOL = "dual-role";

export interface KafkaReplication {
    replicationFactor: number;
    minInsyncReplicas: number;
}

/**
 * 3 replicas with min ISR 2 survive one broker loss without stopping writes;
 * with fewer than 3 brokers there is nothing to replicate to, so 1/1.
 */
export function kafkaReplication(brokers: number): KafkaReplication {
    if (!Number.isInteger(brokers) || brokers < 1) throw new Error(`Kafka needs at least one broker, got ${brokers}`);
    return brokers >= 3 ? { replicationFactor: 3, minInsyncReplicas: 2 } : { replicationFactor: 1, minInsyncReplicas: 1 };
}

/**
 * The Strimzi `Kafka` resource (TLS listener on 9093). kafka.strimzi.io/v1 is
 * KRaft with node pools only, so the v1beta2 opt-in annotations are gone.
 */
export function kafkaResource(clusterName: string, kafka: PoolLayout) {
    const r = kafkaReplication(kafka.podCount);
    return {
        apiVersion: "kafka.strimzi.io/v1",
        kind: "Kafka",
        metadata: {
            name: kafkaClusterName(clusterName),
            namespace: LOGSCALE_NAMESPACE,
            annotations: {
                // LogScale must not be declared against a Kafka that is not serving yet.
                "pulumi.com/waitFor": "condition=Ready",
                "pulumi.com/timeoutSeconds": "1800",
            },
        },
        spec: {
            kafka: {
                version: KAFKA_VERSION,
                listeners: [{ name: "tls", port: 9093, type: "internal", tls: true }],
                config: {
                    "default.replication.factor": r.replicationFactor,
                    "min.insync.replicas": r.minInsyncReplicas,
                    "offsets.topic.replication.factor": r.replicationFactor,
                    "transaction.state.log.replication.factor": r.replicationFactor,
                    "transaction.state.log.min.isr": r.minInsyncReplicas,
                },
                // Replicas spread over zones, so a zone loss keeps every partition available.
                rack: { topologyKey: "topology.kubernetes.io/zone" },
            },
        },
    };
}

/** The brokers: count, disk and placement from the layout. */
export function kafkaNodePoolResource(clusterName: string, kafka: PoolLayout, storageClassName: string) {
    if (!kafka.dataDiskSize) throw new Error("the Kafka pool has no data disk size in the size table");
    return {
        apiVersion: "kafka.strimzi.io/v1",
        kind: "KafkaNodePool",
        metadata: {
            name: KAFKA_NODE_POOL,
            namespace: LOGSCALE_NAMESPACE,
            labels: { "strimzi.io/cluster": kafkaClusterName(clusterName) },
        },
        spec: {
            replicas: kafka.podCount,
            roles: ["controller", "broker"],
            storage: {
                type: "jbod",
                volumes: [{
                    id: 0,
                    type: "persistent-claim",
                    size: kafka.dataDiskSize,
                    class: storageClassName,
                    kraftMetadata: "shared",
                    deleteClaim: false,
                }],
            },
            ...(kafka.resources ? {
                resources: {
                    requests: { cpu: kafka.resources.cpu, memory: kafka.resources.memory },
                    limits: { cpu: kafka.resources.cpu, memory: kafka.resources.memory },
                },
            } : {}),
            template: {
                pod: {
                    affinity: {
                        nodeAffinity: {
                            requiredDuringSchedulingIgnoredDuringExecution: {
                                nodeSelectorTerms: [{ matchExpressions: [{ key: NODE_ROLE_LABEL, operator: "In", values: [NODE_ROLES.kafka] }] }],
                            },
                        },
                        podAntiAffinity: {
                            requiredDuringSchedulingIgnoredDuringExecution: [{
                                labelSelector: { matchLabels: { "strimzi.io/cluster": kafkaClusterName(clusterName), "strimzi.io/kind": "Kafka" } },
                                topologyKey: "kubernetes.io/hostname",
                            }],
                        },
                    },
                },
            },
        },
    };
}
