import type { Cloud } from "../../config/load";

/**
 * The stack outputs one stack of a pair reads from the other (through a
 * StackReference, or fallback config for the primary). Every regional stack
 * exports all of these for its cloud whatever its DR mode, so a promoted
 * secondary can serve as the source of a failback.
 */
export const PEER_OUTPUTS: Record<Cloud, { required: readonly string[]; optional: readonly string[]; secret: readonly string[] }> = {
    aws: {
        required: ["cloud", "region", "storageBucket", "storageEncryptionKey", "healthCheckId", "dnsZoneId", "loadBalancerAddress"],
        optional: ["storageObjectKeyPrefix", "loadBalancerZoneId", "bucketArn"],
        secret: ["storageEncryptionKey"],
    },
    azure: {
        required: ["cloud", "region", "storageBucket", "storageEncryptionKey", "storageAccountName", "storageAccountKey", "storageEndpointBase",
            "trafficManagerProfileName", "trafficManagerResourceGroup", "loadBalancerAddress"],
        optional: ["storageObjectKeyPrefix", "trafficManagerProfileId", "dnsZoneId"],
        secret: ["storageEncryptionKey", "storageAccountKey"],
    },
    oci: {
        required: ["cloud", "region", "storageBucket", "storageEncryptionKey", "storageEndpointBase", "storageAccessKeyId", "storageSecretAccessKey",
            "dnsZoneId", "loadBalancerAddress"],
        optional: ["storageObjectKeyPrefix", "steeringPolicyId", "healthMonitorId"],
        secret: ["storageEncryptionKey", "storageAccessKeyId", "storageSecretAccessKey"],
    },
};
