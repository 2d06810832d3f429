import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { CHARTS, chartRef, type ChartPin } from "./charts";
import { buildLogScaleEnv, envSecretData } from "./env";
import {
    backendTlsPolicyResource, CERT_MANAGER_VALUES, clusterIssuerResource, ENVOY_GATEWAY_VALUES, envoyProxyResource, gatewayClassResource,
    gatewayResource, httpRouteResources,
} from "./gateway";
import { kafkaNodePoolResource, kafkaResource } from "./kafka";
import {
    envSecretName, GATEWAY_SERVICE_NAME, humioServiceAccountName, ingestServiceName, kafkaBootstrapServers, LICENSE_SECRET_KEY,
    licenseSecretName, LOGSCALE_NAMESPACE, LOGSCALE_PORT, OPERATOR_DEPLOYMENT_NAME, uiServiceName,
} from "./names";
import { HUMIO_OPERATOR_VALUES, operatorPlan } from "./operator";
import { serviceSelectors } from "./selectors";
import { imagePrepullDaemonSet } from "./prepull";
import { humioClusterSpec } from "./spec";
import type { LogScaleClusterArgs } from "./types";

/** Pulumi waits for Service endpoints and Gateway addresses by default; a standby has no LogScale pods to wait for. */
const SKIP_AWAIT = { "pulumi.com/skipAwait": "true" };

/**
 * The cloud-neutral LogScale layer on a regional Kubernetes cluster: cert-manager
 * and a Let's Encrypt issuer, Strimzi Kafka, Envoy Gateway, humio-operator held
 * at the replicas the DR mode needs, the license and env Secrets, the
 * HumioCluster, and the Services, Gateway and HTTPRoutes in front of it.
 */
export class LogScaleCluster extends pulumi.ComponentResource {
    public readonly namespace: pulumi.Output<string>;
    public readonly humioClusterName: pulumi.Output<string>;
    public readonly operatorDeploymentName: pulumi.Output<string>;
    /** Envoy proxy Service (in `namespace`) that the cloud's load balancer fronts. */
    public readonly gatewayServiceName: pulumi.Output<string>;
    public readonly humioServiceAccountName: pulumi.Output<string>;
    public readonly kafkaBootstrapServers: pulumi.Output<string>;
    /** Password of the static `admin` user (secret). */
    public readonly adminPassword: pulumi.Output<string>;
    public readonly humioCluster: k8s.apiextensions.CustomResource;
    public readonly operatorRelease: k8s.helm.v3.Release;
    public readonly operatorPatch: k8s.apps.v1.DeploymentPatch;
    public readonly gatewayRelease: k8s.helm.v3.Release;
    public readonly gateway: k8s.apiextensions.CustomResource;

    constructor(name: string, args: LogScaleClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("logscale:logscale:Cluster", name, {}, opts);
        const c = args.clusterName;
        const child = (extra?: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions =>
            ({ parent: this, provider: args.provider, ...extra });

        const env = buildLogScaleEnv({
            stack: pulumi.getStack(),
            clusterName: c,
            dr: args.dr,
            globalHostname: args.globalHostname,
            staticUsers: pulumi.secret(this.adminPasswordOf(name, args).apply(staticUsersValue)),
            storageEnv: args.storageEnv,
            recoveryEnv: args.recoveryEnv,
            extraEnv: args.extraEnv,
        });
        const spec = humioClusterSpec({
            clusterName: c,
            dr: args.dr,
            logscaleVersion: args.logscaleVersion,
            layout: args.layout,
            env,
            storageClassName: args.storageClassName,
            podLabels: args.podLabels,
        });
        const plan = operatorPlan(args.dr);

        const ns = new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: LOGSCALE_NAMESPACE } }, child());
        const namespace = ns.metadata.name;
        const release = (id: string, pin: ChartPin, r: { name: string; namespace: pulumi.Input<string>; createNamespace?: boolean; values: pulumi.Input<Record<string, unknown>> },
            extra?: pulumi.CustomResourceOptions) =>
            new k8s.helm.v3.Release(`${name}-${id}`, {
                name: r.name,
                ...chartRef(pin),
                version: pin.version,
                namespace: r.namespace,
                createNamespace: r.createNamespace ?? false,
                values: r.values,
                // A failed upgrade rolls back instead of leaving half-applied charts behind.
                atomic: true,
                cleanupOnFail: true,
            }, child(extra));

        const certManager = release("cert-manager", CHARTS.certManager,
            // cert-manager is cluster infrastructure with its own namespace, not part of LogScale's.
            { name: "cert-manager", namespace: "cert-manager", createNamespace: true, values: CERT_MANAGER_VALUES });
        const issuerSpec = clusterIssuerResource(args.acmeEmail, c);
        const issuer = new k8s.apiextensions.CustomResource(`${name}-cluster-issuer`, issuerSpec, child({ dependsOn: [certManager] }));

        // The controller and its CRDs (Gateway API and Envoy Gateway's own) come from the chart.
        this.gatewayRelease = release("envoy-gateway", CHARTS.envoyGateway,
            { name: "envoy-gateway", namespace, values: ENVOY_GATEWAY_VALUES });
        const strimzi = release("strimzi", CHARTS.strimzi,
            { name: "strimzi-kafka-operator", namespace, values: { watchNamespaces: [] } });
        const kafka = new k8s.apiextensions.CustomResource(`${name}-kafka`, kafkaResource(c, args.layout.kafka), child({ dependsOn: [strimzi] }));
        const nodePool = new k8s.apiextensions.CustomResource(`${name}-kafka-node-pool`,
            kafkaNodePoolResource(c, args.layout.kafka, args.storageClassName), child({ dependsOn: [strimzi] }));

        this.operatorRelease = release("humio-operator", CHARTS.humioOperator,
            { name: OPERATOR_DEPLOYMENT_NAME, namespace, values: HUMIO_OPERATOR_VALUES },
            { dependsOn: [certManager], ignoreChanges: plan.releaseIgnoreChanges });
        this.operatorPatch = new k8s.apps.v1.DeploymentPatch(`${name}-operator-replicas`, {
            metadata: {
                name: OPERATOR_DEPLOYMENT_NAME,
                namespace,
                // The chart owns the Deployment; this patch takes spec.replicas over from it.
                annotations: { "pulumi.com/patchForce": "true" },
            },
            spec: { replicas: plan.replicas },
        }, child({ dependsOn: [this.operatorRelease], ignoreChanges: plan.patchIgnoreChanges }));

        const licenseSecret = new k8s.core.v1.Secret(`${name}-license`, {
            metadata: { name: licenseSecretName(c), namespace },
            type: "Opaque",
            stringData: { [LICENSE_SECRET_KEY]: pulumi.secret(args.license) },
        }, child());
        const envSecret = new k8s.core.v1.Secret(`${name}-env-secrets`, {
            metadata: { name: envSecretName(c), namespace },
            type: "Opaque",
            stringData: Object.fromEntries(Object.entries(envSecretData(env)).map(([k, v]) => [k, pulumi.secret(v)])),
        }, child());
        const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-humio-sa`, {
            metadata: {
                name: humioServiceAccountName(c),
                namespace,
                ...(args.serviceAccountAnnotations ? { annotations: args.serviceAccountAnnotations } : {}),
            },
        }, child());

        const clusterDeps: pulumi.Resource[] = [this.operatorRelease, licenseSecret, envSecret, serviceAccount, kafka, nodePool];
        // On a standby the operator must be at 0 before it can ever see this cluster.
        if (plan.clusterDependsOnPatch) clusterDeps.push(this.operatorPatch);
        this.humioCluster = new k8s.apiextensions.CustomResource(`${name}-humiocluster`, {
            apiVersion: "core.humio.com/v1alpha1",
            kind: "HumioCluster",
            metadata: { name: c, namespace },
            spec,
        }, child({ dependsOn: clusterDeps }));

        if (args.dr === "standby") {
            // Only the standby waits on a cold node at failover time; an active cluster already runs the image.
            const prepull = imagePrepullDaemonSet(c, args.logscaleVersion);
            new k8s.apps.v1.DaemonSet(`${name}-image-prepull`, {
                ...prepull,
                metadata: { ...prepull.metadata, namespace },
            }, child());
        }

        const selectors = serviceSelectors(c, args.layout, args.drUseDedicatedRouting);
        const routeService = (id: string, serviceName: string, selector: Record<string, string>) =>
            new k8s.core.v1.Service(`${name}-${id}`, {
                metadata: { name: serviceName, namespace, annotations: SKIP_AWAIT },
                spec: {
                    type: "ClusterIP",
                    selector,
                    ports: [{ name: "https", port: LOGSCALE_PORT, targetPort: LOGSCALE_PORT, protocol: "TCP" }],
                },
            }, child());
        const uiService = routeService("ui-service", uiServiceName(c), selectors.ui);
        const ingestService = routeService("ingest-service", ingestServiceName(c), selectors.ingest);

        const onGateway = (extra: pulumi.Resource[] = []) => child({ dependsOn: [this.gatewayRelease, ...extra] });
        const proxyConfig = new k8s.apiextensions.CustomResource(`${name}-envoy-proxy`,
            envoyProxyResource(args.ingress, args.layout.ingress), onGateway());
        const gatewayClass = new k8s.apiextensions.CustomResource(`${name}-gateway-class`, gatewayClassResource(), onGateway([proxyConfig]));
        const gatewayInput = { clusterName: c, hostname: args.hostname, globalHostname: args.globalHostname, dr: args.dr };
        const gw = gatewayResource(gatewayInput);
        this.gateway = new k8s.apiextensions.CustomResource(`${name}-gateway`, {
            ...gw,
            metadata: { ...gw.metadata, annotations: { ...gw.metadata.annotations, ...SKIP_AWAIT } },
        }, onGateway([gatewayClass, issuer]));
        const routes = httpRouteResources(gatewayInput);
        new k8s.apiextensions.CustomResource(`${name}-route-ingest`, routes.ingest, onGateway([this.gateway, ingestService]));
        new k8s.apiextensions.CustomResource(`${name}-route-ui`, routes.ui, onGateway([this.gateway, uiService]));
        new k8s.apiextensions.CustomResource(`${name}-route-https-redirect`, routes.redirect, onGateway([this.gateway]));
        new k8s.apiextensions.CustomResource(`${name}-backend-tls`, backendTlsPolicyResource(c), onGateway([uiService, ingestService]));

        this.namespace = namespace;
        this.humioClusterName = this.humioCluster.urn.apply(() => c);
        this.operatorDeploymentName = pulumi.output(OPERATOR_DEPLOYMENT_NAME);
        this.gatewayServiceName = this.gateway.urn.apply(() => GATEWAY_SERVICE_NAME);
        this.humioServiceAccountName = serviceAccount.metadata.name;
        this.kafkaBootstrapServers = pulumi.output(kafkaBootstrapServers(c));
        this.adminPassword = pulumi.secret(this.adminPasswordOf(name, args));
        this.registerOutputs({
            namespace: this.namespace,
            humioClusterName: this.humioClusterName,
            operatorDeploymentName: this.operatorDeploymentName,
            gatewayServiceName: this.gatewayServiceName,
            humioServiceAccountName: this.humioServiceAccountName,
            kafkaBootstrapServers: this.kafkaBootstrapServers,
            adminPassword: this.adminPassword,
        });
    }

    private generatedPassword?: random.RandomPassword;

    /** The given admin password, or one generated once per component. */
    private adminPasswordOf(name: string, args: LogScaleClusterArgs): pulumi.Output<string> {
        if (args.adminPassword !== undefined) return pulumi.output(args.adminPassword);
        this.generatedPassword ??= new random.RandomPassword(`${name}-admin-password`, { length: 32, special: false }, { parent: this });
        return this.generatedPassword.result;
    }
}

/** STATIC_USERS is `user:password[,user:password]`: a ':' or ',' in the password would split it. */
export function staticUsersValue(password: string): string {
    if (!password || /[:,\s]/.test(password)) {
        throw new Error("the LogScale admin password must be non-empty and contain no ':', ',' or whitespace (STATIC_USERS is user:password,...)");
    }
    return `admin:${password}`;
}
