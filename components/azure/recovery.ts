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
    const prefixOutput = peer.optionalOutput("storageObjectKeyPrefix");
    const prefix = await settled(prefixOutput);
    return {
        container: peer.output("storageBucket"),
        accountName: peer.output("storageAccountName"),
        accountKey: peer.output("storageAccountKey"),
        endpointBase: peer.output("storageEndpointBase"),
        encryptionKey: peer.output("storageEncryptionKey"),
        // Unknown only in a preview whose peer is itself being created: the
        // variable is shown then, with the value the update will resolve.
        objectKeyPrefix: prefix.known ? prefix.value : prefixOutput.apply(p => p ?? ""),
        location,
    };
}

async function settled<T>(o: pulumi.Output<T>): Promise<{ known: boolean; value?: T }> {
    // `isKnown` and `promise` are the SDK's own accessors (Output's public
    // interface has no awaitable form); components/aws/recovery.ts reads the
    // peer's prefix the same way.
    const impl = o as unknown as { isKnown: Promise<boolean>; promise(withUnknowns?: boolean): Promise<T> };
    const [known, value] = await Promise.all([impl.isKnown, impl.promise(true)]);
    return known ? { known, value } : { known };
}
