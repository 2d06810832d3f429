import type { IngressExposure } from "../logscale/types";

/** StorageClass of LogScale and Kafka volumes on AKS: the built-in Premium SSD (v1) CSI class. */
export const AKS_STORAGE_CLASS = "managed-csi-premium";

/**
 * The ingress-nginx Service as an Azure Standard load balancer on the static
 * public IP this stack owns (in the stack's resource group, not the node
 * resource group, so it survives the Service and the cluster).
 */
export function aksIngressExposure(publicIpName: string, publicIpResourceGroup: string): IngressExposure {
    return {
        type: "LoadBalancer",
        annotations: {
            "service.beta.kubernetes.io/azure-pip-name": publicIpName,
            "service.beta.kubernetes.io/azure-load-balancer-resource-group": publicIpResourceGroup,
            // The Azure LB probes HTTP ports with GET /; ingress-nginx answers 404 there and would be taken out of rotation.
            "service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path": "/healthz",
        },
    };
}
