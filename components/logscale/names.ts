// Names other parts of the program (cloud IAM trust policies, the failover
// function, DNS health checks) must know before the LogScale layer exists, so
// they are pure functions of the cluster name rather than resource outputs.

/** Namespace of LogScale, its operators, Kafka and the Gateway (controller, proxy and routes). */
export const LOGSCALE_NAMESPACE = "logging";

/** The humio-operator Deployment the failover function scales 0 -> 1 (Helm release name = Deployment name). */
export const OPERATOR_DEPLOYMENT_NAME = "humio-operator";

/** GatewayClass served by Envoy Gateway. */
export const GATEWAY_CLASS_NAME = "logscale";

/** EnvoyProxy resource that shapes the proxy Deployment and Service of the GatewayClass. */
export const GATEWAY_PROXY_CONFIG_NAME = "logscale-proxy";

/** Envoy proxy Service (named by the EnvoyProxy resource) that each cloud's load balancer fronts. */
export const GATEWAY_SERVICE_NAME = "logscale-gateway";

/** The Gateway of a cluster. */
export const gatewayName = (cluster: string) => cluster;

/** humio-operator's CA keypair Secret (no tls.caSecretName set) and a name every node certificate carries. */
export const humioCaSecretName = (cluster: string) => `${cluster}-ca-keypair`;
export const humioInternalHostname = (cluster: string) => `${cluster}-internal.${LOGSCALE_NAMESPACE}`;

/** Let's Encrypt production ClusterIssuer. */
export const CLUSTER_ISSUER_NAME = "letsencrypt-prod";

/** Where the Strimzi cluster CA truststore is mounted in LogScale pods. */
export const KAFKA_TRUSTSTORE_DIR = "/tmp/kafka";

/** Key of the license inside the license Secret. */
export const LICENSE_SECRET_KEY = "humio-license-key";

export const kafkaClusterName = (cluster: string) => `${cluster}-strimzi-kafka`;
/** Strimzi's bootstrap Service, TLS listener. */
export const kafkaBootstrapServers = (cluster: string) =>
    `${kafkaClusterName(cluster)}-kafka-bootstrap.${LOGSCALE_NAMESPACE}.svc:9093`;
/** Secret Strimzi creates with the cluster CA as PKCS12 (`ca.p12`) and its password (`ca.password`). */
export const kafkaCaSecretName = (cluster: string) => `${kafkaClusterName(cluster)}-cluster-ca-cert`;

export const licenseSecretName = (cluster: string) => `${cluster}-license`;
/** The one Secret holding every secret env value; keys are the env var names. */
export const envSecretName = (cluster: string) => `${cluster}-env-secrets`;

/**
 * Service account of every LogScale pod. Created by this layer (not the
 * operator) so cloud identity (IRSA trust policy subject, Azure federated
 * credential) can name it before the cluster exists:
 * `system:serviceaccount:logging:<this>`.
 */
export const humioServiceAccountName = (cluster: string) => `${cluster}-humio`;

/** The pod label humio-operator puts on each pool's pods: `<cluster>` for the top-level (digest) pool. */
export const nodePoolLabel = (cluster: string, pool?: "ingest" | "ui") => (pool ? `${cluster}-${pool}` : cluster);

/**
 * Our routing Services. Not `<cluster>-ingest`/`<cluster>-ui`: the operator
 * already creates Services with those names for its node pools.
 */
export const ingestServiceName = (cluster: string) => `${cluster}-ingest-cip`;
export const uiServiceName = (cluster: string) => `${cluster}-ui-cip`;

/** TLS Secrets cert-manager fills: one per name, so the regional certificate never waits on global DNS. */
export const regionalTlsSecretName = (cluster: string) => `${cluster}-regional-tls`;
export const globalTlsSecretName = (cluster: string) => `${cluster}-global-tls`;

/** Port LogScale pods serve HTTP(S) on. */
export const LOGSCALE_PORT = 8080;
