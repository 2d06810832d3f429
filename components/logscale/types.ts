import * as pulumi from "@pulumi/pulumi";
import type { Cloud, ClusterSize, ClusterType, DrMode } from "../../config/load";

/**
 * One LogScale env var as a cloud derives it. Secret values never reach the
 * pod spec: the LogScale layer stores them in a Kubernetes Secret and refers to
 * them with valueFrom.secretKeyRef.
 */
export type EnvValue =
    | { value: pulumi.Input<string> }
    | { secret: pulumi.Input<string> };

/** Env vars keyed by name: a map, so a duplicate name cannot exist. */
export type EnvSet = Record<string, EnvValue>;

/** Node label every node group/pool carries; LogScale pools select on it with nodeAffinity. */
export const NODE_ROLE_LABEL = "k8s-app";
export const NODE_ROLES = {
    system: "system",
    digest: "logscale-digest",
    ingest: "logscale-ingest",
    ui: "logscale-ui",
    ingress: "logscale-ingress",
    kafka: "kafka",
} as const;
export type NodeRole = keyof typeof NODE_ROLES;

export interface ResourceSpec {
    cpu: string;
    memory: string;
}

/** One node group / pool and the pods it carries. */
export interface PoolLayout {
    /** Nodes to run (desired count). */
    nodeCount: number;
    minNodes: number;
    maxNodes: number;
    instanceType: string;
    rootDiskGb: number;
    /** LogScale or Kafka pods on this pool (0 for ingress/system). */
    podCount: number;
    /** Per-pod requests = limits. */
    resources?: ResourceSpec;
    /** Per-pod data volume, Kubernetes quantity (e.g. "3000Gi"). */
    dataDiskSize?: string;
    /** OCI Flex shapes only: OCPUs and memory (GB) of each node. */
    ocpus?: number;
    memoryGb?: number;
}

/** What a stack runs, derived from cloud, size, cluster type and DR mode (pure, see sizing.ts). */
export interface ClusterLayout {
    cloud: Cloud;
    size: ClusterSize;
    type: ClusterType;
    dr?: DrMode;
    digest: PoolLayout;
    /** Present only when active (or no DR) and the cluster type needs them. */
    ingest?: PoolLayout;
    ui?: PoolLayout;
    ingress: PoolLayout;
    kafka: PoolLayout;
    /** AKS/OKE system pool; undefined where the cloud has none of its own. */
    system?: PoolLayout;
    targetReplicationFactor: number;
    digestPartitionsCount: number;
}

/** How the ingress controller's Service is exposed; each cloud puts its load balancer in front. */
export interface IngressExposure {
    type: "NodePort" | "LoadBalancer";
    annotations?: Record<string, pulumi.Input<string>>;
    /** Fixed node ports (NodePort) that a cloud load balancer targets. */
    httpNodePort?: number;
    httpsNodePort?: number;
    loadBalancerIP?: pulumi.Input<string>;
}

export interface LogScaleClusterArgs {
    cloud: Cloud;
    clusterName: string;
    dr?: DrMode;
    drUseDedicatedRouting: boolean;
    logscaleVersion: string;
    license: pulumi.Input<string>;
    /** This cluster's own FQDN and the global one: both served by the ingress. */
    hostname: string;
    globalHostname: string;
    acmeEmail: string;
    layout: ClusterLayout;
    /** Cloud storage env (S3_STORAGE_*, AZURE_STORAGE_*), secrets included. */
    storageEnv: EnvSet;
    /** *_RECOVER_FROM_* for a standby, or reverse recovery on a failing-back primary. */
    recoveryEnv?: EnvSet;
    /** User-supplied extra env vars (already validated by the config loader). */
    extraEnv?: { name: string; value: string }[];
    /** Annotations on the LogScale service account (IRSA role ARN, Azure workload identity client id). */
    serviceAccountAnnotations?: Record<string, pulumi.Input<string>>;
    /** Labels on LogScale pods (Azure workload identity needs one). */
    podLabels?: Record<string, string>;
    /** StorageClass for LogScale and Kafka data volumes on this cloud. */
    storageClassName: string;
    ingress: IngressExposure;
    /** Kubernetes provider of the regional cluster. */
    provider: pulumi.ProviderResource;
    /**
     * Password of the static `admin` LogScale user. Pass the same secret to both
     * stacks of a pair so logins survive a failover; unset, the layer generates one
     * (exported as the component's `adminPassword`).
     */
    adminPassword?: pulumi.Input<string>;
}
