import type { DrMode } from "../../config/load";
import { LETS_ENCRYPT_SERVER } from "./charts";
import {
    CLUSTER_ISSUER_NAME, globalTlsSecretName, INGRESS_CLASS_NAME, ingestServiceName, LOGSCALE_PORT, regionalTlsSecretName, uiServiceName,
} from "./names";
import { NODE_ROLE_LABEL, NODE_ROLES, type IngressExposure, type PoolLayout } from "./types";

/** Paths of LogScale's ingest APIs (structured, unstructured, HEC, Elastic bulk, OTLP, raw); everything else is UI/API. */
export const INGEST_PATHS = ["/api/v1/ingest", "/services/collector", "/_bulk"] as const;

const NODE_PORT_RANGE = [30000, 32767] as const;

/** ingress-nginx chart values: one controller per ingress node, exposed the way the cloud's load balancer needs. */
export function ingressNginxValues(exposure: IngressExposure, ingress: PoolLayout): Record<string, unknown> {
    let service: Record<string, unknown>;
    if (exposure.type === "NodePort") {
        const ports = { http: exposure.httpNodePort, https: exposure.httpsNodePort };
        for (const [name, port] of Object.entries(ports)) {
            if (port === undefined || !Number.isInteger(port) || port < NODE_PORT_RANGE[0] || port > NODE_PORT_RANGE[1]) {
                throw new Error(`ingress exposure NodePort needs a fixed ${name} node port from ${NODE_PORT_RANGE[0]} to ${NODE_PORT_RANGE[1]} (the cloud load balancer targets it), got ${port}`);
            }
        }
        if (ports.http === ports.https) throw new Error(`ingress http and https node ports must differ, both are ${ports.http}`);
        service = { type: "NodePort", nodePorts: { http: ports.http, https: ports.https }, ...(exposure.annotations ? { annotations: exposure.annotations } : {}) };
    } else {
        service = {
            type: "LoadBalancer",
            ...(exposure.annotations ? { annotations: exposure.annotations } : {}),
            ...(exposure.loadBalancerIP !== undefined ? { loadBalancerIP: exposure.loadBalancerIP } : {}),
        };
    }
    return {
        fullnameOverride: "ingress-nginx",
        controller: {
            replicaCount: Math.max(1, ingress.nodeCount),
            ingressClass: INGRESS_CLASS_NAME,
            ingressClassResource: { name: INGRESS_CLASS_NAME, enabled: true, default: false, controllerValue: "k8s.io/ingress-nginx" },
            affinity: {
                nodeAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: {
                        nodeSelectorTerms: [{ matchExpressions: [{ key: NODE_ROLE_LABEL, operator: "In", values: [NODE_ROLES.ingress] }] }],
                    },
                },
                // Spread controllers so one node loss never takes the ingress down.
                podAntiAffinity: {
                    preferredDuringSchedulingIgnoredDuringExecution: [{
                        weight: 100,
                        podAffinityTerm: {
                            labelSelector: { matchLabels: { "app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller" } },
                            topologyKey: "kubernetes.io/hostname",
                        },
                    }],
                },
            },
            ...(ingress.resources ? {
                resources: {
                    requests: { cpu: ingress.resources.cpu, memory: ingress.resources.memory },
                    limits: { cpu: ingress.resources.cpu, memory: ingress.resources.memory },
                },
            } : {}),
            config: {
                "use-forwarded-headers": "true",
                "proxy-body-size": "16m",
                "ssl-protocols": "TLSv1.2 TLSv1.3",
            },
            service,
        },
    };
}

/** cert-manager installs its CRDs and keeps them on uninstall (deleting them would delete every Certificate). */
export const CERT_MANAGER_VALUES = { crds: { enabled: true, keep: true } } as const;

export function clusterIssuerResource(acmeEmail: string) {
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
                solvers: [{ http01: { ingress: { ingressClassName: INGRESS_CLASS_NAME } } }],
            },
        },
    };
}

export interface IngressSpecInput {
    clusterName: string;
    hostname: string;
    globalHostname: string;
    dr?: DrMode;
}

/**
 * The LogScale Ingress: both names route to the UI and ingest Services.
 * Each name has its own certificate. HTTP-01 for the global name only
 * succeeds where global DNS points, so a standby requests it only once it is
 * promoted; asking earlier fails and puts cert-manager into hours of backoff
 * exactly when the name moves here.
 */
export function ingressSpec(input: IngressSpecInput) {
    const { clusterName } = input;
    const hosts = [input.hostname, input.globalHostname];
    const backend = (service: string) => ({ service: { name: service, port: { number: LOGSCALE_PORT } } });
    const tls = [{ hosts: [input.hostname], secretName: regionalTlsSecretName(clusterName) }];
    if (input.dr !== "standby") tls.push({ hosts: [input.globalHostname], secretName: globalTlsSecretName(clusterName) });
    return {
        metadata: {
            annotations: {
                "cert-manager.io/cluster-issuer": CLUSTER_ISSUER_NAME,
                // LogScale pods serve TLS themselves (HumioCluster tls.enabled).
                "nginx.ingress.kubernetes.io/backend-protocol": "HTTPS",
                "nginx.ingress.kubernetes.io/ssl-redirect": "true",
                // UI sessions stay on one pod.
                "nginx.ingress.kubernetes.io/affinity": "cookie",
                "nginx.ingress.kubernetes.io/affinity-mode": "balanced",
                "nginx.ingress.kubernetes.io/session-cookie-name": "LSINGCOOKIE",
                "nginx.ingress.kubernetes.io/session-cookie-secure": "true",
                "nginx.ingress.kubernetes.io/session-cookie-max-age": "86400",
                "nginx.ingress.kubernetes.io/session-cookie-change-on-failure": "true",
                "nginx.ingress.kubernetes.io/proxy-body-size": "16m",
                // Ingest streams; buffering to disk adds latency and fills the controller's disk.
                "nginx.ingress.kubernetes.io/proxy-request-buffering": "off",
                "nginx.ingress.kubernetes.io/proxy-buffering": "off",
                "nginx.ingress.kubernetes.io/proxy-read-timeout": "300",
                "nginx.ingress.kubernetes.io/proxy-send-timeout": "300",
                "nginx.ingress.kubernetes.io/proxy-next-upstream": "error timeout http_502 http_503 http_504",
            },
        },
        spec: {
            ingressClassName: INGRESS_CLASS_NAME,
            tls,
            rules: hosts.map(host => ({
                host,
                http: {
                    paths: [
                        ...INGEST_PATHS.map(path => ({ path, pathType: "Prefix", backend: backend(ingestServiceName(clusterName)) })),
                        { path: "/", pathType: "Prefix", backend: backend(uiServiceName(clusterName)) },
                    ],
                },
            })),
        },
    };
}
