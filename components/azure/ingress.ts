import type { IngressExposure } from "../logscale/types";

/** StorageClass of LogScale and Kafka volumes on AKS: the built-in Premium SSD (v1) CSI class. */
export const AKS_STORAGE_CLASS = "managed-csi-premium";

/**
 * The Envoy Gateway proxy Service as an Azure Standard load balancer on the static
 * public IP this stack owns (in the stack's resource group, not the node
 * resource group, so it survives the Service and the cluster).
 */
export function aksIngressExposure(publicIpName: string, publicIpResourceGroup: string): IngressExposure {
    return {
        type: "LoadBalancer",
        annotations: {
            "service.beta.kubernetes.io/azure-pip-name": publicIpName,
            "service.beta.kubernetes.io/azure-load-balancer-resource-group": publicIpResourceGroup,
            // A TCP probe of each port: an HTTP GET / on port 80 meets the HTTPS redirect and on 443 needs TLS,
            // so an HTTP probe would take healthy proxies out of rotation.
            "service.beta.kubernetes.io/azure-load-balancer-health-probe-protocol": "Tcp",
        },
    };
}
