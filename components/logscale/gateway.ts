// The front door: Envoy Gateway (a maintained Gateway API implementation, CNCF)
// replaces the retired ingress-nginx. One Gateway per cluster terminates TLS with
// cert-manager's certificates; HTTPRoutes send the ingest APIs to the ingest
// Service and everything else to the UI Service, the same Services whose
// selectors follow drUseDedicatedRouting, so the two-phase promotion is unchanged.
import type { DrMode } from "../../config/load";
import { LETS_ENCRYPT_SERVER } from "./charts";
import {
    CLUSTER_ISSUER_NAME, GATEWAY_CLASS_NAME, GATEWAY_PROXY_CONFIG_NAME, GATEWAY_SERVICE_NAME, gatewayName, globalTlsSecretName,
    humioCaSecretName, humioInternalHostname, ingestServiceName, LOGSCALE_NAMESPACE, LOGSCALE_PORT, regionalTlsSecretName, uiServiceName,
} from "./names";
import { NODE_ROLE_LABEL, NODE_ROLES, type IngressExposure, type PoolLayout } from "./types";

/**
 * Prefixes of LogScale's ingest APIs: structured and unstructured ingest, HEC,
 * Elastic bulk. OTLP (`/api/v1/ingest/otlp/...`) and raw ingest sit under
 * `/api/v1/ingest`. Everything else is UI and API.
 */
export const INGEST_PATHS = ["/api/v1/ingest", "/services/collector", "/_bulk"] as const;

/** Envoy Gateway's controller name, which its GatewayClass must name. */
export const ENVOY_GATEWAY_CONTROLLER = "gateway.envoyproxy.io/gatewayclass-controller";

/** Envoy Gateway names each proxy Service port `<protocol>-<port>` (lower case); the node-port patch merges on `port`. */
export const GATEWAY_PORTS = { http: 80, https: 443 } as const;

/** Listener names, which HTTPRoute parentRefs and the ACME solver select by sectionName. */
export const LISTENERS = { http: "http", regional: "https-regional", global: "https-global", fallback: "https-default" } as const;

/** Ingest streams can be long; Envoy's default route timeout (15 s) would cut them. */
export const ROUTE_REQUEST_TIMEOUT = "300s";

const NODE_PORT_RANGE = [30000, 32767] as const;

/**
 * The controller chart's values. Its own defaults (controller in the release
 * namespace, CRDs for Gateway API and Envoy Gateway installed) are what we want;
 * the proxy's shape is set per Gateway through the EnvoyProxy resource instead.
 */
export const ENVOY_GATEWAY_VALUES = { crds: { enabled: true } } as const;

/** The Envoy proxy Service as the cloud's load balancer needs it: fixed node ports, or a LoadBalancer with annotations. */
function proxyService(exposure: IngressExposure): Record<string, unknown> {
    const base = { name: GATEWAY_SERVICE_NAME, ...(exposure.annotations ? { annotations: exposure.annotations } : {}) };
    if (exposure.type === "NodePort") {
        const ports = { http: exposure.httpNodePort, https: exposure.httpsNodePort };
        for (const [name, port] of Object.entries(ports)) {
            if (port === undefined || !Number.isInteger(port) || port < NODE_PORT_RANGE[0] || port > NODE_PORT_RANGE[1]) {
                throw new Error(`gateway exposure NodePort needs a fixed ${name} node port from ${NODE_PORT_RANGE[0]} to ${NODE_PORT_RANGE[1]} (the cloud load balancer targets it), got ${port}`);
            }
        }
        if (ports.http === ports.https) throw new Error(`gateway http and https node ports must differ, both are ${ports.http}`);
        return {
            ...base,
            type: "NodePort",
            // Envoy Gateway allocates node ports itself; the patch pins them where the NLB's target groups point.
            patch: {
                type: "StrategicMerge",
                value: {
                    spec: {
                        ports: [
                            { name: `http-${GATEWAY_PORTS.http}`, port: GATEWAY_PORTS.http, nodePort: ports.http },
                            { name: `https-${GATEWAY_PORTS.https}`, port: GATEWAY_PORTS.https, nodePort: ports.https },
                        ],
                    },
                },
            },
        };
    }
    return {
        ...base,
        type: "LoadBalancer",
        ...(exposure.loadBalancerIP !== undefined ? { loadBalancerIP: exposure.loadBalancerIP } : {}),
    };
}

/** EnvoyProxy: one proxy per ingress node, spread over nodes, on the ingress pool, behind the cloud's load balancer. */
export function envoyProxyResource(exposure: IngressExposure, ingress: PoolLayout) {
    const resources = ingress.resources ? {
        requests: { cpu: ingress.resources.cpu, memory: ingress.resources.memory },
        limits: { cpu: ingress.resources.cpu, memory: ingress.resources.memory },
    } : undefined;
    return {
        apiVersion: "gateway.envoyproxy.io/v1alpha1",
        kind: "EnvoyProxy",
        metadata: { name: GATEWAY_PROXY_CONFIG_NAME, namespace: LOGSCALE_NAMESPACE },
        spec: {
            provider: {
                type: "Kubernetes",
                kubernetes: {
                    envoyDeployment: {
                        replicas: Math.max(1, ingress.nodeCount),
                        ...(resources ? { container: { resources } } : {}),
                        pod: {
                            affinity: {
                                nodeAffinity: {
                                    requiredDuringSchedulingIgnoredDuringExecution: {
                                        nodeSelectorTerms: [{ matchExpressions: [{ key: NODE_ROLE_LABEL, operator: "In", values: [NODE_ROLES.ingress] }] }],
                                    },
                                },
                                // One node loss never takes the front door down.
                                podAntiAffinity: {
                                    preferredDuringSchedulingIgnoredDuringExecution: [{
                                        weight: 100,
                                        podAffinityTerm: {
                                            labelSelector: { matchLabels: { "app.kubernetes.io/name": "envoy", "app.kubernetes.io/component": "proxy" } },
                                            topologyKey: "kubernetes.io/hostname",
                                        },
                                    }],
                                },
                            },
                        },
                    },
                    envoyService: proxyService(exposure),
                },
            },
        },
    };
}

export function gatewayClassResource() {
    return {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "GatewayClass",
        metadata: { name: GATEWAY_CLASS_NAME },
        spec: {
            controllerName: ENVOY_GATEWAY_CONTROLLER,
            parametersRef: { group: "gateway.envoyproxy.io", kind: "EnvoyProxy", name: GATEWAY_PROXY_CONFIG_NAME, namespace: LOGSCALE_NAMESPACE },
        },
    };
}

export interface GatewayInput {
    clusterName: string;
    hostname: string;
    globalHostname: string;
    dr?: DrMode;
}

/**
 * The Gateway: HTTP on 80 (ACME HTTP-01 and the redirect to HTTPS) and HTTPS on
 * 443 per name, each with its own certificate that cert-manager issues from the
 * Gateway's annotation. HTTP-01 for the global name only succeeds where global
 * DNS points, so a standby lists it only once promoted; asking earlier fails
 * and puts cert-manager into hours of backoff exactly when the name moves here.
 * The listener without a hostname answers probes that send no SNI (an IP target
 * with a Host header) with the regional certificate, as the old controller's
 * default certificate did; the routes still match on the Host header.
 */
export function gatewayResource(input: GatewayInput) {
    const https = (name: string, secretName: string, hostname?: string) => ({
        name,
        protocol: "HTTPS",
        port: GATEWAY_PORTS.https,
        ...(hostname ? { hostname } : {}),
        tls: { mode: "Terminate", certificateRefs: [{ kind: "Secret", group: "", name: secretName }] },
        allowedRoutes: { namespaces: { from: "Same" } },
    });
    const regional = regionalTlsSecretName(input.clusterName);
    const listeners = [
        { name: LISTENERS.http, protocol: "HTTP", port: GATEWAY_PORTS.http, allowedRoutes: { namespaces: { from: "Same" } } },
        https(LISTENERS.regional, regional, input.hostname),
        https(LISTENERS.fallback, regional),
        // Last, so promotion adds one listener and moves none.
        ...(input.dr !== "standby" ? [https(LISTENERS.global, globalTlsSecretName(input.clusterName), input.globalHostname)] : []),
    ];
    return {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "Gateway",
        metadata: {
            name: gatewayName(input.clusterName),
            namespace: LOGSCALE_NAMESPACE,
            annotations: { "cert-manager.io/cluster-issuer": CLUSTER_ISSUER_NAME },
        },
        spec: { gatewayClassName: GATEWAY_CLASS_NAME, listeners },
    };
}

/** HTTPS listeners a route attaches to (not the plain-HTTP one, which only redirects). */
function httpsParents(input: GatewayInput) {
    const names = [LISTENERS.regional, LISTENERS.fallback, ...(input.dr !== "standby" ? [LISTENERS.global] : [])];
    return names.map(sectionName => ({ group: "gateway.networking.k8s.io", kind: "Gateway", name: gatewayName(input.clusterName), sectionName }));
}

/** The HTTPRoutes: ingest prefixes to the ingest Service, the rest to the UI Service, HTTP redirected to HTTPS. */
export function httpRouteResources(input: GatewayInput) {
    const c = input.clusterName;
    const hostnames = [input.hostname, input.globalHostname];
    const backend = (service: string) => [{ group: "", kind: "Service", name: service, port: LOGSCALE_PORT }];
    const route = (name: string, spec: Record<string, unknown>) => ({
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: { name, namespace: LOGSCALE_NAMESPACE },
        spec,
    });
    return {
        ingest: route(`${c}-ingest`, {
            parentRefs: httpsParents(input),
            hostnames,
            rules: [{
                matches: INGEST_PATHS.map(value => ({ path: { type: "PathPrefix", value } })),
                backendRefs: backend(ingestServiceName(c)),
                timeouts: { request: ROUTE_REQUEST_TIMEOUT },
            }],
        }),
        ui: route(`${c}-ui`, {
            parentRefs: httpsParents(input),
            hostnames,
            rules: [{
                matches: [{ path: { type: "PathPrefix", value: "/" } }],
                backendRefs: backend(uiServiceName(c)),
                timeouts: { request: ROUTE_REQUEST_TIMEOUT },
            }],
        }),
        // cert-manager's HTTP-01 solver routes match /.well-known/acme-challenge/<token> exactly, which beats this prefix.
        redirect: route(`${c}-https-redirect`, {
            parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: gatewayName(c), sectionName: LISTENERS.http }],
            rules: [{
                matches: [{ path: { type: "PathPrefix", value: "/" } }],
                filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }],
            }],
        }),
    };
}

/**
 * LogScale pods serve TLS themselves (HumioCluster tls.enabled) with node
 * certificates from humio-operator's CA; the Gateway verifies them against that
 * CA, on a name every node certificate carries, instead of trusting any answer.
 */
export function backendTlsPolicyResource(clusterName: string) {
    return {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "BackendTLSPolicy",
        metadata: { name: `${clusterName}-logscale-tls`, namespace: LOGSCALE_NAMESPACE },
        spec: {
            targetRefs: [uiServiceName(clusterName), ingestServiceName(clusterName)].map(name => ({ group: "", kind: "Service", name })),
            validation: {
                // Envoy Gateway reads ca.crt, else tls.crt: the CA keypair Secret's tls.crt is the CA certificate.
                caCertificateRefs: [{ group: "", kind: "Secret", name: humioCaSecretName(clusterName) }],
                hostname: humioInternalHostname(clusterName),
            },
        },
    };
}

/**
 * cert-manager installs its CRDs and keeps them on uninstall (deleting them
 * would delete every Certificate), and watches Gateways (its gateway-shim is off
 * unless enabled) so a Gateway's annotation gets its listeners certificates.
 */
export const CERT_MANAGER_VALUES = {
    crds: { enabled: true, keep: true },
    config: { apiVersion: "controller.config.cert-manager.io/v1alpha1", kind: "ControllerConfiguration", enableGatewayAPI: true },
} as const;

/** Let's Encrypt with HTTP-01 answered on the Gateway's plain-HTTP listener. */
export function clusterIssuerResource(acmeEmail: string, clusterName: string) {
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(acmeEmail)) throw new Error(`acmeEmail must be an e-mail address, got ${JSON.stringify(acmeEmail)}`);
    return {
        apiVersion: "cert-manager.io/v1",
        kind: "ClusterIssuer",
        metadata: { name: CLUSTER_ISSUER_NAME },
        spec: {
            acme: {
                email: acmeEmail,
                server: LETS_ENCRYPT_SERVER,
                privateKeySecretRef: { name: `${CLUSTER_ISSUER_NAME}-account-key` },
                solvers: [{
                    http01: {
                        gatewayHTTPRoute: {
                            parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: gatewayName(clusterName), namespace: LOGSCALE_NAMESPACE, sectionName: LISTENERS.http }],
                        },
                    },
                }],
            },
        },
    };
}
