// The one table of project config keys. Pulumi.yaml's `config:` schema is
// checked against it by a test, the loader validates against it, and the
// offline plan uses it to tell secret keys from plain ones.

import { DEFAULT_KUBERNETES_VERSION, SOFTWARE_PINS } from "./support";

export type KeyType = "string" | "boolean" | "integer" | "array";

export interface KeySpec {
    type: KeyType;
    description: string;
    default?: string | number | boolean;
    /** Allowed values for enumerations. */
    allowed?: readonly string[];
    /** Inclusive integer bounds. */
    min?: number;
    max?: number;
    secret?: boolean;
}

export const CLOUDS = ["aws", "azure", "oci"] as const;
export const DR_MODES = ["active", "standby"] as const;
export const CLUSTER_SIZES = ["xsmall", "small", "medium", "large", "xlarge"] as const;
/**
 * basic: every LogScale role runs on the digest pool.
 * ingress: digest pool plus dedicated ingress nodes.
 * internal-ingest: digest, dedicated ingest and UI pools, ingress nodes.
 */
export const CLUSTER_TYPES = ["basic", "ingress", "internal-ingest"] as const;
export const RECOVER_FROM = ["none", "secondary"] as const;

export const CONFIG_KEYS = {
    cloud: { type: "string", allowed: CLOUDS, default: "aws", description: "Cloud this stack runs in." },
    dr: { type: "string", allowed: DR_MODES, description: "DR role of this stack: active (serves traffic) or standby (LogScale at zero, recovers from primaryStack on failover). Unset: no DR." },
    drUseDedicatedRouting: { type: "boolean", default: true, description: "true: Services select pool-specific pods (humio.com/node-pool); false: any LogScale pod (phase 1 of a promotion)." },
    primaryStack: { type: "string", description: "Stack name (org/project/stack or stack) of the primary; a standby reads its recover-from values from its outputs." },
    secondaryStack: { type: "string", description: "Stack name of the secondary; the primary reads its outputs for reverse recovery (failback)." },
    recoverFrom: { type: "string", allowed: RECOVER_FROM, default: "none", description: "secondary: add the reverse-recovery variables (from secondaryStack) to this primary's HumioCluster for a failback cold start." },
    clusterName: { type: "string", default: "logscale", description: "Name prefix for every resource and the HumioCluster name." },
    clusterSize: { type: "string", allowed: CLUSTER_SIZES, default: "xsmall", description: "Reference size (digest count, instance types) from the size tables." },
    clusterType: { type: "string", allowed: CLUSTER_TYPES, default: "internal-ingest", description: "Node pool layout: basic, ingress, or internal-ingest (dedicated ingest and UI pools)." },
    logscaleVersion: { type: "string", default: SOFTWARE_PINS.logscale.version, description: "Pinned LogScale image tag (humio/humio-core); at least 1.235.0 when dr is set (recover-from support)." },
    logscaleLicense: { type: "string", secret: true, description: "LogScale license key (secret)." },
    logscaleAdminPassword: { type: "string", secret: true, description: "Password of the LogScale admin user (secret). Set the same value on both stacks so logins work after a failover; unset: each stack generates its own." },
    kubernetesVersion: { type: "string", default: DEFAULT_KUBERNETES_VERSION, description: "Kubernetes control plane version: a minor version the cloud offers (config/support.ts); on AKS and OKE also an exact patch such as 1.35.2." },
    globalHostname: { type: "string", description: "Global FQDN users reach, steered to the active cluster (e.g. logscale.example.com)." },
    hostname: { type: "string", description: "This cluster's own FQDN; default <clusterName>-<region>.<dnsZoneName>." },
    dnsZoneName: { type: "string", description: "DNS zone holding globalHostname (e.g. example.com)." },
    dnsZoneId: { type: "string", description: "Existing zone id (Route 53 hosted zone id, OCI zone OCID). Unset: created by the stack with manageGlobalDns, or read from the primary's outputs." },
    manageGlobalDns: { type: "boolean", default: false, description: "This stack creates the DNS zone for the pair. Exactly one stack of a pair may set it." },
    dnsTtlSeconds: { type: "integer", default: 60, min: 5, max: 3600, description: "TTL of the global answer (Azure, OCI). On AWS the record is an alias of the load balancer, whose TTL Route 53 fixes at 60: leave it unset or 60." },
    preFailoverFailureSeconds: { type: "integer", default: 180, min: 0, max: 3600, description: "Holdoff: the primary must fail continuously this long before failover (0 for tests only)." },
    failoverCooldownSeconds: { type: "integer", default: 300, min: 0, max: 86400, description: "No second failover within this many seconds of the last one." },
    healthCheckIntervalSeconds: { type: "integer", default: 10, min: 10, max: 300, description: "Primary health probe interval (AWS: 10 or 30; Azure: 10 or 30; OCI: 10, 30 or 60)." },
    healthCheckFailureThreshold: { type: "integer", default: 3, min: 1, max: 10, description: "Consecutive failed probes before the primary is unhealthy." },
    requireHealthySecondary: { type: "boolean", default: true, description: "Failover function refuses to fail over onto a secondary whose own health check is failing." },
    storageObjectKeyPrefix: { type: "string", description: "Optional object key prefix inside the bucket (costs performance)." },
    extraEnvVars: { type: "array", description: "Extra LogScale env vars as a list of NAME=value strings; names must be unique and not managed by this program." },
    readinessIntervalMinutes: { type: "integer", default: 5, min: 0, max: 60, description: "Standby: minutes between readiness self-tests of the failover function (AWS: EventBridge Scheduler, Azure: timer trigger, OCI: Resource Scheduler); 0 turns the schedule and its alarms off." },
    recoveryDeadlineMinutes: { type: "integer", default: 15, min: 1, max: 240, description: "Standby: minutes after the scale-up within which LogScale must answer /api/v1/status OK; past it the function reports \"recovery not confirmed\"." },
    notifyEmails: { type: "array", description: "Standby: e-mail addresses subscribed to the notification topic for people (failover events, readiness alarm)." },
    notifyWebhookUrl: { type: "string", secret: true, description: "Standby: optional https URL subscribed to the notification topic for people (secret)." },
    acmeEmail: { type: "string", description: "Contact e-mail for the Let's Encrypt ClusterIssuer; default hostmaster@<dnsZoneName>." },
    // Explicit recover-from fallback for a standby that does not use a StackReference
    // (the primary's outputs written by hand). Same names as the primary's outputs.
    primaryRegion: { type: "string", description: "Fallback for the primary's `region` output." },
    primaryStorageBucket: { type: "string", description: "Fallback for the primary's `storageBucket` output (S3/OCI bucket, Azure container)." },
    primaryStorageObjectKeyPrefix: { type: "string", description: "Fallback for the primary's `storageObjectKeyPrefix` output." },
    primaryStorageEncryptionKey: { type: "string", secret: true, description: "Fallback for the primary's `storageEncryptionKey` output (secret)." },
    primaryStorageAccountName: { type: "string", description: "Azure: fallback for the primary's `storageAccountName` output." },
    primaryStorageAccountKey: { type: "string", secret: true, description: "Azure: fallback for the primary's `storageAccountKey` output (secret)." },
    primaryStorageEndpointBase: { type: "string", description: "Azure/OCI: fallback for the primary's `storageEndpointBase` output." },
    primaryStorageAccessKeyId: { type: "string", secret: true, description: "OCI: fallback for the primary's `storageAccessKeyId` output (secret)." },
    primaryStorageSecretAccessKey: { type: "string", secret: true, description: "OCI: fallback for the primary's `storageSecretAccessKey` output (secret)." },
    primaryHealthCheckId: { type: "string", description: "AWS: fallback for the primary's `healthCheckId` output." },
    primaryDnsZoneId: { type: "string", description: "Fallback for the primary's `dnsZoneId` output." },
    primaryLoadBalancerAddress: { type: "string", description: "Fallback for the primary's `loadBalancerAddress` output." },
    primaryTrafficManagerProfileName: { type: "string", description: "Azure: fallback for the primary's `trafficManagerProfileName` output." },
    primaryTrafficManagerResourceGroup: { type: "string", description: "Azure: fallback for the primary's `trafficManagerResourceGroup` output." },
    // Cloud-specific settings that are not provider config.
    azureAksAdminGroupObjectIds: { type: "array", description: "Azure: Entra ID group object ids that get cluster-admin on AKS." },
    ociCompartmentId: { type: "string", description: "OCI: compartment OCID for every resource of this stack." },
    ociTenancyId: { type: "string", description: "OCI: tenancy OCID (dynamic groups live there)." },
    ociObjectStorageNamespace: { type: "string", description: "OCI: Object Storage namespace of the tenancy." },
    ociHomeRegion: { type: "string", description: "OCI: the tenancy's home region, where IAM users, groups, dynamic groups, policies, keys and tokens are written; default the stack's oci:region." },
} as const satisfies Record<string, KeySpec>;

export type ConfigKey = keyof typeof CONFIG_KEYS;

export const SECRET_KEYS: readonly ConfigKey[] = (Object.keys(CONFIG_KEYS) as ConfigKey[])
    .filter(k => (CONFIG_KEYS[k] as KeySpec).secret === true);

/** Provider keys that carry the region, per cloud. */
export const REGION_KEYS = {
    aws: "aws:region",
    azure: "azure-native:location",
    oci: "oci:region",
} as const;
