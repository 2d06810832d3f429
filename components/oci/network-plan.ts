import type * as oci from "@pulumi/oci";

type Ingress = oci.types.input.Core.SecurityListIngressSecurityRule;
type Egress = oci.types.input.Core.SecurityListEgressSecurityRule;

/**
 * Address plan of one regional VCN. The two stacks of a pair never peer, so
 * both may use the same plan. Pods use the flannel overlay, which keeps pod
 * addresses out of the VCN and the security lists to three subnets.
 */
export const NETWORK = {
    vcnCidr: "10.0.0.0/16",
    /** Kubernetes API endpoint (public IP, reachable by `pulumi up`). */
    apiCidr: "10.0.0.0/28",
    /** Load balancers of `type: LoadBalancer` Services (the Envoy Gateway proxy). */
    lbCidr: "10.0.1.0/24",
    /** Worker nodes and the failover function (private, NAT + service gateway egress). */
    workerCidr: "10.0.16.0/20",
    podsCidr: "10.244.0.0/16",
    servicesCidr: "10.96.0.0/16",
} as const;

export const TCP = "6";
export const UDP = "17";
export const ICMP = "1";
export const ALL = "all";

/** Kubelet/worker -> control plane on OKE: the API (6443) and the node bootstrap/proxy port (12250). */
export const API_PORT = 6443;
export const OKE_NODE_PORT = 12250;
/** NodePort range the OCI load balancer forwards to; 10256 is kube-proxy's health check. */
export const NODE_PORTS = { min: 30000, max: 32767 } as const;
export const KUBE_PROXY_HEALTH = 10256;

const tcp = (min: number, max = min) => ({ tcpOptions: { min, max } });
// Path MTU discovery: without "fragmentation needed" ICMP, large TLS records stall.
const pathMtu = (source: string): Ingress => ({ protocol: ICMP, source, icmpOptions: { type: 3, code: 4 }, description: "path MTU discovery" });

export interface SecurityRules {
    ingress: Ingress[];
    egress: Egress[];
}

/**
 * Rules of the API endpoint subnet. 6443 is open to the internet because
 * `pulumi up` and the operators' kubectl reach the public endpoint; OKE
 * authenticates every request with OCI IAM.
 */
export function apiRules(osnCidrLabel: string): SecurityRules {
    return {
        ingress: [
            { protocol: TCP, source: "0.0.0.0/0", ...tcp(API_PORT), description: "Kubernetes API clients" },
            { protocol: TCP, source: NETWORK.workerCidr, ...tcp(API_PORT), description: "workers and the failover function to the API" },
            { protocol: TCP, source: NETWORK.workerCidr, ...tcp(OKE_NODE_PORT), description: "workers to the control plane" },
            pathMtu(NETWORK.workerCidr),
        ],
        egress: [
            { protocol: TCP, destination: osnCidrLabel, destinationType: "SERVICE_CIDR_BLOCK", ...tcp(443), description: "control plane to OKE services" },
            { protocol: TCP, destination: NETWORK.workerCidr, description: "control plane to kubelets" },
            { protocol: ICMP, destination: NETWORK.workerCidr, icmpOptions: { type: 3, code: 4 }, description: "path MTU discovery" },
        ],
    };
}

/**
 * Rules of the worker subnet. Egress to anywhere goes through the NAT
 * gateway (images, Let's Encrypt, OCI APIs for the function); the load
 * balancer subnet may reach node ports only.
 */
export function workerRules(): SecurityRules {
    return {
        ingress: [
            { protocol: ALL, source: NETWORK.workerCidr, description: "node to node, pod overlay" },
            { protocol: TCP, source: NETWORK.apiCidr, description: "control plane to kubelets and webhooks" },
            { protocol: TCP, source: NETWORK.lbCidr, ...tcp(NODE_PORTS.min, NODE_PORTS.max), description: "load balancer to ingress node ports" },
            { protocol: TCP, source: NETWORK.lbCidr, ...tcp(KUBE_PROXY_HEALTH), description: "load balancer health checks" },
            pathMtu("0.0.0.0/0"),
        ],
        egress: [
            { protocol: ALL, destination: "0.0.0.0/0", description: "all egress through NAT and the service gateway" },
        ],
    };
}

/** Rules of the public load balancer subnet: HTTPS and ACME HTTP-01 in, node ports out. */
export function lbRules(): SecurityRules {
    return {
        ingress: [
            { protocol: TCP, source: "0.0.0.0/0", ...tcp(443), description: "HTTPS to LogScale" },
            { protocol: TCP, source: "0.0.0.0/0", ...tcp(80), description: "HTTP (ACME HTTP-01, redirect to HTTPS)" },
        ],
        egress: [
            { protocol: TCP, destination: NETWORK.workerCidr, ...tcp(NODE_PORTS.min, NODE_PORTS.max), description: "to ingress node ports" },
            { protocol: TCP, destination: NETWORK.workerCidr, ...tcp(KUBE_PROXY_HEALTH), description: "node health checks" },
        ],
    };
}

/** The "All <region> Services In Oracle Services Network" entry of ListServices; its cidrBlock is a label, not a CIDR. */
export function pickOsnService(services: { id: string; name: string; cidrBlock: string }[]): { id: string; cidrBlock: string } {
    const all = services.find(s => /^All .* Services In Oracle Services Network$/.test(s.name));
    if (!all) {
        throw new Error(`no "All <region> Services In Oracle Services Network" entry among the region's services (${services.map(s => s.name).join(", ") || "none"}); cannot route to OCI APIs through a service gateway`);
    }
    return { id: all.id, cidrBlock: all.cidrBlock };
}
