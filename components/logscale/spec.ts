import type { DrMode } from "../../config/load";
import { envList, POOL_ENV, type K8sEnvVar, type LogScaleEnv } from "./env";
import {
    envSecretName, humioServiceAccountName, KAFKA_TRUSTSTORE_DIR, kafkaCaSecretName, LICENSE_SECRET_KEY, licenseSecretName,
} from "./names";
import { NODE_ROLE_LABEL, NODE_ROLES, type ClusterLayout, type PoolLayout } from "./types";

export interface HumioClusterSpecInput {
    clusterName: string;
    dr?: DrMode;
    logscaleVersion: string;
    layout: ClusterLayout;
    env: LogScaleEnv;
    storageClassName: string;
    podLabels?: Record<string, string>;
}

const TRUSTSTORE_VOLUME = "kafka-truststore";

/**
 * The HumioCluster spec. The top-level spec is the digest pool (pods labelled
 * `humio.com/node-pool=<cluster>`); ingest and UI pools exist only when the
 * layout has them, which it never does on a standby. Pools inherit almost
 * nothing from the cluster (notes §1b), so every pool carries the image,
 * affinity, volumes, service account and update strategy itself.
 */
/** The LogScale image of a version: the HumioCluster and the standby's pre-pull use the same string. */
export function logscaleImage(logscaleVersion: string): string {
    return `humio/humio-core:${logscaleVersion}`;
}

export function humioClusterSpec(input: HumioClusterSpecInput): Record<string, unknown> {
    const { clusterName, layout } = input;
    if (layout.dr !== input.dr) {
        throw new Error(`layout was sized for dr=${layout.dr ?? "(unset)"} but the cluster is dr=${input.dr ?? "(unset)"}; derive both from the same config`);
    }
    if (layout.digest.podCount < layout.targetReplicationFactor) {
        throw new Error(`digest pods (${layout.digest.podCount}) must be at least targetReplicationFactor (${layout.targetReplicationFactor}); humio-operator refuses the cluster otherwise`);
    }
    const image = logscaleImage(input.logscaleVersion);
    const shared = {
        image,
        humioServiceAccountName: humioServiceAccountName(clusterName),
        extraVolumes: [{ name: TRUSTSTORE_VOLUME, secret: { secretName: kafkaCaSecretName(clusterName) } }],
        extraHumioVolumeMounts: [{ name: TRUSTSTORE_VOLUME, mountPath: `${KAFKA_TRUSTSTORE_DIR}/`, readOnly: true }],
        ...(input.podLabels && Object.keys(input.podLabels).length > 0 ? { podLabels: { ...input.podLabels } } : {}),
        // Local disks go with their node; let the operator drop claims whose node is gone so a replacement pod can schedule.
        dataVolumePersistentVolumeClaimPolicy: { reclaimType: "OnNodeDelete" },
    };
    const nodePools: Record<string, unknown>[] = [];
    for (const pool of ["ingest", "ui"] as const) {
        const p = layout[pool];
        if (!p) continue;
        nodePools.push({
            name: pool,
            spec: {
                ...shared,
                nodeCount: p.podCount,
                ...poolPlacement(p, NODE_ROLES[pool], input.storageClassName, `${pool} pool`),
                environmentVariables: Object.entries(POOL_ENV[pool]).map(([name, value]) => ({ name, value })),
                // These pools serve users, not the operator's internal API calls.
                nodePoolFeatures: { allowedAPIRequestTypes: [] },
                // Stateless towards data: one at a time keeps capacity, no wait needed for replication.
                updateStrategy: { type: "RollingUpdate", maxUnavailable: 1, minReadySeconds: 60, enableZoneAwareness: true },
            },
        });
    }
    const env: K8sEnvVar[] = envList(input.env, envSecretName(clusterName));
    return {
        ...shared,
        license: { secretKeyRef: { name: licenseSecretName(clusterName), key: LICENSE_SECRET_KEY } },
        tls: { enabled: true },
        // Our own Services, Gateway and HTTPRoutes route traffic; the operator's nginx-only ingress stays off.
        ingress: { enabled: false },
        targetReplicationFactor: layout.targetReplicationFactor,
        digestPartitionsCount: layout.digestPartitionsCount,
        nodeCount: layout.digest.podCount,
        ...poolPlacement(layout.digest, NODE_ROLES.digest, input.storageClassName, "digest pool"),
        commonEnvironmentVariables: env,
        // One digest pod at a time, each ready for two minutes before the next: with replication >= 2 no segment loses its
        // last live copy, whereas the operator default (ReplaceAllOnUpdate) restarts every pod at once.
        updateStrategy: { type: "RollingUpdate", maxUnavailable: 1, minReadySeconds: 120, enableZoneAwareness: true },
        nodePools,
    };
}

function poolPlacement(pool: PoolLayout, role: string, storageClassName: string, what: string) {
    if (!pool.resources) throw new Error(`${what} has no pod resources in the size table`);
    if (!pool.dataDiskSize) throw new Error(`${what} has no data disk size in the size table`);
    return {
        affinity: {
            nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                    nodeSelectorTerms: [{
                        matchExpressions: [
                            { key: NODE_ROLE_LABEL, operator: "In", values: [role] },
                            { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
                        ],
                    }],
                },
            },
            // One LogScale pod per node: two on one node would share its disk and die together.
            podAntiAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: [{
                    labelSelector: { matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: ["humio"] }] },
                    topologyKey: "kubernetes.io/hostname",
                }],
            },
        },
        resources: {
            requests: { cpu: pool.resources.cpu, memory: pool.resources.memory },
            limits: { cpu: pool.resources.cpu, memory: pool.resources.memory },
        },
        dataVolumePersistentVolumeClaimSpecTemplate: {
            accessModes: ["ReadWriteOnce"],
            storageClassName,
            resources: { requests: { storage: pool.dataDiskSize } },
        },
    };
}
