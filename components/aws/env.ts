// LogScale's S3 storage and recover-from environment (pure): which variables
// exist is decided here from plain facts; their values may be Outputs.

import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../config/errors";
import type { EnvSet } from "../logscale/types";

export interface S3Storage {
    bucket: pulumi.Input<string>;
    region: pulumi.Input<string>;
    /** LogScale's own encryption of segment files (secret). */
    encryptionKey: pulumi.Input<string>;
    /** Present only when the bucket is shared under a prefix. */
    objectKeyPrefix?: pulumi.Input<string>;
}

/** The cluster's own bucket. Credentials come from IRSA, never from env. */
export function storageEnv(own: S3Storage): EnvSet {
    const env: EnvSet = {
        S3_STORAGE_BUCKET: { value: own.bucket },
        S3_STORAGE_REGION: { value: own.region },
        S3_STORAGE_ENCRYPTION_KEY: { secret: own.encryptionKey },
        // Fetch segments from S3 rather than from other nodes: cheaper for the
        // network and what makes a single recovering node able to serve queries.
        S3_STORAGE_PREFERRED_COPY_SOURCE: { value: "true" },
    };
    if (own.objectKeyPrefix !== undefined) env.S3_STORAGE_OBJECT_KEY_PREFIX = { value: own.objectKeyPrefix };
    return env;
}

/**
 * Thrown when both stacks of a pair sit in the same region: recover-from would patch nothing and DR
 * would protect nothing. A ConfigError, so the plan and `pulumi up` report it as one config line (exit 2).
 */
export class SameRegionError extends ConfigError {
    constructor(readonly source: string, readonly target: string, readonly region: string) {
        super("aws:region", target, region,
            `the stack it recovers from ("${source}") is in ${region} too; `
            + "a DR pair needs two different AWS regions (set aws:region of one of them to another region)");
        this.name = "SameRegionError";
    }
}

/** `<source>/<target>`, the form LogScale's REPLACE_* variables take. */
export function replacement(from: string, to: string): string {
    if (from.includes("/") || to.includes("/")) throw new Error(`cannot express a replacement of "${from}" by "${to}": neither may contain "/"`);
    return `${from}/${to}`;
}

export interface RecoverySource extends S3Storage {
    /** Name of the stack the values came from, for error messages. */
    stack: string;
}

export interface RecoveryTarget {
    stack: string;
    bucket: pulumi.Input<string>;
    region: pulumi.Input<string>;
}

/**
 * S3_RECOVER_FROM_*: where a cold-starting LogScale fetches the global
 * snapshot (the source's bucket, read-only) and how it patches the snapshot's
 * region and bucket to its own. The prefix variable exists only when the
 * source uses a prefix. ALLOW_KAFKA_RESET_UNTIL_TIMESTAMP_MS is never set:
 * LogScale enables the Kafka reset itself when a recover-from bucket is set.
 */
export function recoverFromEnv(source: RecoverySource, target: RecoveryTarget): EnvSet {
    const regions = pulumi.all([source.region, target.region]).apply(([from, to]) => {
        if (from === to) throw new SameRegionError(source.stack, target.stack, from);
        return replacement(from, to);
    });
    const env: EnvSet = {
        S3_RECOVER_FROM_BUCKET: { value: source.bucket },
        S3_RECOVER_FROM_REGION: { value: source.region },
        S3_RECOVER_FROM_ENCRYPTION_KEY: { secret: source.encryptionKey },
        S3_RECOVER_FROM_REPLACE_REGION: { value: regions },
        S3_RECOVER_FROM_REPLACE_BUCKET: {
            value: pulumi.all([source.bucket, target.bucket]).apply(([from, to]) => replacement(from, to)),
        },
    };
    if (source.objectKeyPrefix !== undefined) env.S3_RECOVER_FROM_OBJECT_KEY_PREFIX = { value: source.objectKeyPrefix };
    return env;
}
