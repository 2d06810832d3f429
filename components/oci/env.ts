import * as pulumi from "@pulumi/pulumi";
import type { EnvSet } from "../logscale/types";

/**
 * LogScale reaches OCI Object Storage through its S3 compatibility API:
 * path-style addressing on the per-namespace, per-region endpoint. The
 * virtual-host style would need a `{bucket}` placeholder in the endpoint and
 * does not work with OCI's compat hostnames.
 */
export function s3EndpointBase(namespace: string, region: string): string {
    if (!/^[a-z0-9]{1,63}$/.test(namespace)) {
        throw new Error(`OCI Object Storage namespace "${namespace}" is invalid: lower-case letters and digits only`);
    }
    if (!/^[a-z]{2}-[a-z]+-\d$/.test(region)) {
        throw new Error(`OCI region "${region}" is invalid: expected an identifier such as us-ashburn-1`);
    }
    return `https://${namespace}.compat.objectstorage.${region}.oraclecloud.com`;
}

/** What a stack's own bucket is, in the form LogScale's S3 client needs. */
export interface OciStorageValues {
    bucket: pulumi.Input<string>;
    region: string;
    /** https://<namespace>.compat.objectstorage.<region>.oraclecloud.com */
    endpointBase: pulumi.Input<string>;
    /** Customer secret key id (the S3 access key). Secret. */
    accessKeyId: pulumi.Input<string>;
    /** Customer secret key (the S3 secret key). Secret. */
    secretAccessKey: pulumi.Input<string>;
    /** LogScale's own object encryption key. Secret. */
    encryptionKey: pulumi.Input<string>;
    objectKeyPrefix?: pulumi.Input<string | undefined>;
}

/**
 * S3_STORAGE_* for this stack's bucket. The key pair goes in the documented
 * S3_STORAGE_ACCESSKEY / S3_STORAGE_SECRETKEY (they take precedence over the
 * default AWS credential chain), not AWS_ACCESS_KEY_ID: the recover-from
 * client of a standby must use the primary's pair, which only the
 * S3_RECOVER_FROM_ACCESSKEY/_SECRETKEY counterparts can express.
 */
export function ociStorageEnv(s: OciStorageValues): EnvSet {
    const env: EnvSet = {
        S3_STORAGE_BUCKET: { value: s.bucket },
        S3_STORAGE_REGION: { value: s.region },
        S3_STORAGE_ENDPOINT_BASE: { value: s.endpointBase },
        S3_STORAGE_PATH_STYLE_ACCESS: { value: "true" },
        S3_STORAGE_ACCESSKEY: { secret: s.accessKeyId },
        S3_STORAGE_SECRETKEY: { secret: s.secretAccessKey },
        S3_STORAGE_ENCRYPTION_KEY: { secret: s.encryptionKey },
    };
    if (s.objectKeyPrefix !== undefined) {
        env.S3_STORAGE_OBJECT_KEY_PREFIX = { value: pulumi.output(s.objectKeyPrefix).apply(p => p ?? "") };
    }
    return env;
}

/** The source stack's storage as read from its outputs (StackReference or fallback config). */
export interface OciRecoverySource {
    bucket: pulumi.Input<string>;
    region: pulumi.Input<string>;
    endpointBase: pulumi.Input<string>;
    accessKeyId: pulumi.Input<string>;
    secretAccessKey: pulumi.Input<string>;
    encryptionKey: pulumi.Input<string>;
    /** Present only when the source stack uses a prefix. */
    objectKeyPrefix?: pulumi.Input<string | undefined>;
}

/** The stack that recovers: its own region and bucket are the targets of the rewrite. */
export interface OciRecoveryTarget {
    bucket: pulumi.Input<string>;
    region: string;
}

/**
 * S3_RECOVER_FROM_* for a stack that boots from another stack's global
 * snapshot (a standby from its primary, or a failing-back primary from the
 * promoted secondary). REPLACE_* take the documented "<source>/<target>"
 * form so the loader rewrites region and bucket in the snapshot. The
 * prefix variable is emitted only when the source actually has a prefix.
 */
export function ociRecoveryEnv(src: OciRecoverySource, target: OciRecoveryTarget): EnvSet {
    const env: EnvSet = {
        S3_RECOVER_FROM_BUCKET: { value: src.bucket },
        S3_RECOVER_FROM_REGION: { value: src.region },
        S3_RECOVER_FROM_ENDPOINT_BASE: { value: src.endpointBase },
        S3_RECOVER_FROM_PATH_STYLE_ACCESS: { value: "true" },
        S3_RECOVER_FROM_ACCESSKEY: { secret: src.accessKeyId },
        S3_RECOVER_FROM_SECRETKEY: { secret: src.secretAccessKey },
        S3_RECOVER_FROM_ENCRYPTION_KEY: { secret: src.encryptionKey },
        S3_RECOVER_FROM_REPLACE_REGION: { value: pulumi.interpolate`${src.region}/${target.region}` },
        S3_RECOVER_FROM_REPLACE_BUCKET: { value: pulumi.interpolate`${src.bucket}/${target.bucket}` },
    };
    if (src.objectKeyPrefix !== undefined) {
        // An Output cannot decide whether a key exists, so a missing prefix
        // must be passed as undefined (not an empty Output) by the caller.
        env.S3_RECOVER_FROM_OBJECT_KEY_PREFIX = { value: pulumi.output(src.objectKeyPrefix).apply(p => p ?? "") };
    }
    return env;
}
