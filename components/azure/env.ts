// LogScale's Azure Blob storage env (this cluster's own container) and the
// recover-from env (the peer's container): pure functions of the values, so the
// exact variables a standby boots with are unit-tested without a deployment.

import * as pulumi from "@pulumi/pulumi";
import type { EnvSet } from "../logscale/types";

/** One storage account + container as LogScale addresses it. */
export interface AzureBucket {
    accountName: pulumi.Input<string>;
    /** Blob container: LogScale calls it the bucket. */
    container: pulumi.Input<string>;
    /** https://<account>.blob.core.windows.net */
    endpointBase: pulumi.Input<string>;
    /** Storage account key (secret). */
    accountKey: pulumi.Input<string>;
    /** LogScale's own encryption key for the objects it writes (secret). */
    encryptionKey: pulumi.Input<string>;
}

/** The blob endpoint of a storage account in the Azure public cloud, without a trailing slash. */
export function blobEndpointBase(accountName: string): string {
    return `https://${accountName}.blob.core.windows.net`;
}

/**
 * AZURE_STORAGE_* for this cluster's own container. BUCKET_STORAGE_MULTIPLE_ENDPOINTS
 * is not here: the LogScale layer sets it for every stack with `dr` (both sides),
 * and a name may be set only once.
 */
export function azureStorageEnv(bucket: AzureBucket, objectKeyPrefix?: string): EnvSet {
    const env: EnvSet = {
        // LogScale pods reach Blob storage directly, never through an HTTP proxy.
        AZURE_STORAGE_USE_HTTP_PROXY: { value: "false" },
        AZURE_STORAGE_ACCOUNTNAME: { value: bucket.accountName },
        AZURE_STORAGE_BUCKET: { value: bucket.container },
        AZURE_STORAGE_ENDPOINT_BASE: { value: bucket.endpointBase },
        AZURE_STORAGE_ACCOUNTKEY: { secret: bucket.accountKey },
        AZURE_STORAGE_ENCRYPTION_KEY: { secret: bucket.encryptionKey },
    };
    if (objectKeyPrefix !== undefined && objectKeyPrefix !== "") {
        env.AZURE_STORAGE_OBJECT_KEY_PREFIX = { value: objectKeyPrefix };
    }
    return env;
}

/**
 * `<source>/<target>`: how the recovering cluster rewrites the location inside
 * the fetched snapshot. The same location on both sides is refused (it is not
 * a DR pair, and the patch would be a no-op that hides the mistake).
 */
export function replaceRegion(sourceLocation: string, targetLocation: string): string {
    if (!sourceLocation || !targetLocation) {
        throw new Error(`AZURE_RECOVER_FROM_REPLACE_REGION needs both locations, got ${JSON.stringify(sourceLocation)} and ${JSON.stringify(targetLocation)}`);
    }
    if (sourceLocation.toLowerCase() === targetLocation.toLowerCase()) {
        throw new Error(`the recovery source is in location ${sourceLocation}, the same as this stack; a DR pair needs two different Azure locations`);
    }
    return `${sourceLocation}/${targetLocation}`;
}

export interface RecoverySource extends AzureBucket {
    /** Azure location of the source stack. */
    location: pulumi.Input<string>;
    /**
     * The source's object key prefix; undefined (or "") when it writes at the
     * container root. Presence decides whether the variable exists, so a peer's
     * prefix is resolved before this is called (components/azure/recovery.ts).
     */
    objectKeyPrefix?: pulumi.Input<string>;
}

/**
 * AZURE_RECOVER_FROM_* pointing a cold-starting cluster at its peer's container
 * (a standby at its primary; a failing-back primary at its secondary). The
 * peer's own account name and endpoint replace the bucket wholesale, so there
 * is never an AZURE_RECOVER_FROM_REPLACE_BUCKET: with it LogScale would keep
 * this account's endpoint and read the peer's container through it (403).
 * AZURE_RECOVER_FROM_OBJECT_KEY_PREFIX exists only when the peer uses a
 * prefix, as AZURE_STORAGE_OBJECT_KEY_PREFIX and the AWS set do: an empty
 * variable is a pod-spec entry that says nothing, and a reader that checks
 * for presence would take it for a prefix.
 */
export function azureRecoveryEnv(source: RecoverySource, targetLocation: string): EnvSet {
    const env: EnvSet = {
        AZURE_RECOVER_FROM_BUCKET: { value: source.container },
        AZURE_RECOVER_FROM_ACCOUNTNAME: { value: source.accountName },
        AZURE_RECOVER_FROM_ACCOUNTKEY: { secret: source.accountKey },
        AZURE_RECOVER_FROM_ENDPOINT_BASE: { value: source.endpointBase },
        AZURE_RECOVER_FROM_ENCRYPTION_KEY: { secret: source.encryptionKey },
        AZURE_RECOVER_FROM_REPLACE_REGION: { value: pulumi.output(source.location).apply(from => replaceRegion(from, targetLocation)) },
    };
    if (source.objectKeyPrefix !== undefined && source.objectKeyPrefix !== "") {
        env.AZURE_RECOVER_FROM_OBJECT_KEY_PREFIX = { value: source.objectKeyPrefix };
    }
    return env;
}
