import * as pulumi from "@pulumi/pulumi";
import type { PeerStack } from "../dr/peer";
import type { RecoverySource } from "./env";

/**
 * The recover-from source read from a peer stack (the primary for a standby,
 * the secondary for a failback). Whether the peer uses an object key prefix
 * decides whether AZURE_RECOVER_FROM_OBJECT_KEY_PREFIX exists at all, so that
 * one value is awaited (a StackReference's outputs and fallback config are
 * known in previews too); everything else stays an Output.
 */
export async function peerRecoverySource(peer: PeerStack, location: pulumi.Output<string>): Promise<RecoverySource> {
    const prefix = await peer.optionalValue("storageObjectKeyPrefix");
    return {
        container: peer.output("storageBucket"),
        accountName: peer.output("storageAccountName"),
        accountKey: peer.output("storageAccountKey"),
        endpointBase: peer.output("storageEndpointBase"),
        encryptionKey: peer.output("storageEncryptionKey"),
        // Unknown only in a preview whose peer is itself being created: the
        // variable is shown then, with the value the update will resolve.
        objectKeyPrefix: pulumi.Output.isInstance(prefix) ? prefix.apply(p => p ?? "") : prefix,
        location,
    };
}
