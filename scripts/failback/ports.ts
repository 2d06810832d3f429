// What the failback runner needs from the world. The live implementation
// wraps the failover functions' cloud clients and the Automation API; tests
// implement it over fakes. Every method reads or changes one thing, so each
// step can check its own precondition and postcondition.

import { systemClock } from "../../functions/core/clock";
import type { FailoverRecord } from "../../functions/core/types";

export type Side = "primary" | "secondary";

export interface BucketObject {
    key: string;
    /** Last-modified, epoch ms. */
    modified: number;
}

export interface FailbackWorld {
    /** Kubernetes-level health of the primary (API reachable, nodes Ready). Returns what was found when not healthy. */
    primaryHealthy(): Promise<{ ok: boolean; found: string }>;
    /** Whether the failover lock (health-check FQDN / disabled endpoint / disabled answer) is in place. */
    dnsLocked(): Promise<boolean>;
    unlockDns(): Promise<void>;
    /**
     * The failover function's record on the secondary ("<epoch>;lock=pending|applied",
     * functions/core/record.ts); undefined when none. Throws on a value the function could not read either.
     */
    lockRecord(): Promise<FailoverRecord | undefined>;
    /**
     * Clears a "pending" mark: writes "<same epoch>;lock=applied", which the function reads as
     * "locked once, so an unlock since is a person's" (functions/core/converge.ts). The epoch stays:
     * deleting the record would drop the cooldown and turn a later operator scale into a "manual failover" the function locks.
     */
    clearLockRecord(): Promise<void>;

    /**
     * Whether the secondary's failover alarm acts; undefined when the secondary's stack
     * exports none (a promoted secondary: promotion removes the function and its alarm).
     * Read from the stack's outputs at each call, because step 13's up brings the alarm back.
     */
    alarmEnabled(): Promise<boolean | undefined>;
    setAlarm(enabled: boolean): Promise<void>;

    /** Current FlushSegmentsAndGlobalOnShutdown through GraphQL; throws on a GraphQL error. */
    flushOnShutdown(side: Side): Promise<boolean>;
    setFlushOnShutdown(side: Side): Promise<void>;

    operatorReplicas(side: Side): Promise<number>;
    scaleOperator(side: Side, replicas: number): Promise<void>;
    logscalePods(side: Side): Promise<number>;

    /** The bucket's storage prefix (with trailing slash, or ""). */
    storagePrefix(side: Side): string;
    listObjects(side: Side, prefix: string): Promise<BucketObject[]>;
    deleteObjects(side: Side, keys: string[]): Promise<void>;

    kafkaTopicExists(side: Side): Promise<boolean>;
    deleteKafkaTopic(side: Side): Promise<void>;

    /** LogScale pod log lines mentioning DataSnapshotLoader since the pod started. */
    loaderLines(side: Side): Promise<string[]>;
    /** `/api/v1/status` on the side's own hostname: the HTTP status and body. */
    status(side: Side): Promise<{ code: number; body: string }>;

    stackConfig(side: Side, key: string): Promise<string | undefined>;
    /** Preview diff text of setting key=value on the side's stack. */
    preview(side: Side, key: string, value: string): Promise<string>;
    up(side: Side, key: string, value: string): Promise<void>;
}

export type { Clock } from "../../functions/core/types";
export const realClock = systemClock();
