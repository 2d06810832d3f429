import * as pulumi from "@pulumi/pulumi";
import { PeerOutputError, PeerStack } from "../dr/peer";
import type { RecoverySource } from "./env";

export interface ResolvedRecovery extends RecoverySource {
    /** The source bucket, for the read-only statement of LogScale's IRSA policy. */
    bucketArn: pulumi.Output<string>;
}

/**
 * The recover-from source read from a peer stack. Whether the source uses an
 * object key prefix decides whether S3_RECOVER_FROM_OBJECT_KEY_PREFIX exists
 * at all, so that one value is awaited (a StackReference's outputs are known
 * in previews too); everything else stays an Output.
 */
export async function resolveRecovery(peer: PeerStack, partition: pulumi.Input<string>): Promise<ResolvedRecovery> {
    const region = pulumi.all([peer.optionalOutput("cloud"), peer.output("region")]).apply(([cloud, r]) => {
        if (cloud !== undefined && cloud !== "aws") {
            throw new PeerOutputError(peer.name, "cloud", `is "${cloud}"; an AWS stack recovers only from an AWS stack's S3 bucket`);
        }
        return r;
    });
    const bucket = peer.output("storageBucket");
    const encryptionKey = peer.output("storageEncryptionKey");
    const bucketArn = pulumi.all([peer.optionalOutput("bucketArn"), bucket, partition])
        .apply(([arn, b, p]) => arn ?? `arn:${p}:s3:::${b}`);
    const prefix = await peer.optionalValue("storageObjectKeyPrefix");
    return {
        stack: peer.name,
        bucket,
        region,
        encryptionKey,
        bucketArn,
        objectKeyPrefix: prefix as RecoverySource["objectKeyPrefix"],
    };
}

/**
 * The peer's bucket ARN if the peer names one (`bucketArn`, else derived from
 * `storageBucket`); undefined when it names none.
 */
export function peerBucketArn(peer: PeerStack, partition: pulumi.Input<string>): pulumi.Output<string | undefined> {
    return pulumi.all([peer.optionalOutput("bucketArn"), peer.optionalOutput("storageBucket"), partition])
        .apply(([arn, bucket, p]) => arn ?? (bucket ? `arn:${p}:s3:::${bucket}` : undefined));
}

/**
 * Buckets LogScale may read but not write: the recover-from source while
 * recovering, and — on the secondary of a pair, standby or promoted — the
 * primary's. A promoted cluster's global snapshot still lists the primary's
 * bucket (read-only) until LogScale has copied every segment, so the grant
 * outlives the RECOVER_FROM variables.
 */
export function readOnlyBucketArns(sources: pulumi.Output<string | undefined>[]): pulumi.Output<string[]> {
    return pulumi.all(sources).apply(arns =>
        [...new Set(arns.filter((a): a is string => typeof a === "string" && a !== ""))].sort());
}
