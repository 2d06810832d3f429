export { LogScaleCluster, staticUsersValue } from "./cluster";
export { commonClusterArgs, type CommonClusterArgs } from "./common";
export * from "./types";
export { clusterLayout, DIGEST_PARTITIONS, DEFAULT_REPLICATION_FACTOR, scaleQuantity } from "./sizing";
export {
    buildLogScaleEnv, envList, envSecretData, EXTRA_ENV_KEY, OPERATOR_OWNED_ENV, POOL_ENV, SECRET_NAME,
    type EnvSource, type K8sEnvVar, type LogScaleEnv, type LogScaleEnvInput, type SecretRefValue,
} from "./env";
export { humioClusterSpec, type HumioClusterSpecInput } from "./spec";
export { ANY_LOGSCALE_POD, serviceSelectors, type ServiceSelectors } from "./selectors";
export { KAFKA_NODE_POOL, kafkaNodePoolResource, kafkaReplication, kafkaResource, type KafkaReplication } from "./kafka";
export {
    backendTlsPolicyResource, CERT_MANAGER_VALUES, clusterIssuerResource, envoyProxyResource, ENVOY_GATEWAY_VALUES, gatewayClassResource,
    gatewayResource, httpRouteResources, INGEST_PATHS, type GatewayInput,
} from "./gateway";
export { HUMIO_OPERATOR_VALUES, operatorPlan, type OperatorPlan } from "./operator";
export { CHARTS, KAFKA_VERSION, type ChartPin } from "./charts";
export * from "./names";
