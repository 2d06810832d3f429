// Contracts between the cloud-neutral failover core and each cloud's adapter.
import type { RecoveryOutcome } from "./recovery";

// Everything here is plain data and functions so that the handler survives
// pulumi.runtime.serializeFunction (no getters, no native bindings).

export interface FailoverSettings {
    /** Namespace of LogScale and humio-operator (always "logging"). */
    namespace: string;
    /** Deployment scaled 0 -> 1 on failover. */
    operatorDeployment: string;
    /** HumioCluster name; the stale TLS secret has the same name. */
    humioClusterName: string;
    /** Primary must have failed continuously this long (0 for tests). */
    preFailoverFailureSeconds: number;
    /** No second failover within this many seconds of the last one. */
    cooldownSeconds: number;
    /** Refuse to fail over onto a secondary whose own health check fails. */
    requireHealthySecondary: boolean;
    /** Seconds between re-checks while the failover waits (holdoff, secondary gate, cooldown). */
    recheckIntervalSeconds: number;
    /**
     * Seconds this invocation may spend waiting (holdoff, secondary gate,
     * cooldown) before it hands over (platform.scheduleRecheck) instead of
     * dropping the failover.
     */
    waitBudgetSeconds: number;
    /** Backoff for every remote call; defaults in functions/core/retry.ts (DEFAULT_RETRY). */
    retry?: RetryPolicy;
}

/** Exponential backoff with full jitter: delay_n = random() * min(maxDelayMs, baseDelayMs * 2^(n-1)). */
export interface RetryPolicy {
    /** Total attempts including the first (1 = no retry). */
    maxAttempts: number;
    baseDelayMs: number;
    maxDelayMs: number;
}

export interface PrimaryHealth {
    healthy: boolean;
    /**
     * Seconds the primary has been failing without interruption, as the cloud
     * reports it (AWS: CloudWatch consecutive failing minutes; Azure/OCI: from
     * the degraded-since annotation). 0 when healthy.
     */
    failingForSeconds: number;
    /** Free-form detail for the log line (status text, observations). */
    detail?: string;
}

/** What a cloud provides to the core. Every call may throw a RemoteError. */
export interface FailoverPlatform {
    readonly cloud: "aws" | "azure" | "oci";
    primaryHealth(): Promise<PrimaryHealth>;
    /** The optional secondary gate; true when the secondary's own checks pass. */
    secondaryHealthy(): Promise<boolean>;
    /** Epoch seconds of the last failover, undefined if none. */
    lastFailoverEpoch(): Promise<number | undefined>;
    /**
     * The last failover with its lock mark (functions/core/record.ts). When a
     * platform has it, the core reads this instead of lastFailoverEpoch, so a
     * run can tell "never locked" (pending) from "a person unlocked it" (applied).
     */
    failoverRecord?(): Promise<FailoverRecord | undefined>;
    /** Stores the failover time and, where the platform keeps it, the lock mark beside it. */
    recordFailover(epochSeconds: number, lock?: LockMark): Promise<void>;
    /** Make DNS stay on the secondary (AWS FQDN lock, Azure endpoint Disabled, OCI answer isDisabled). */
    lockDns(): Promise<void>;
    /**
     * Optional: read ahead what lockDns needs (OCI: the steering policy and
     * its ETag), in round 1 together with the other reads, so the lock is a
     * single write in round 4. Best effort: the core makes one attempt and
     * ignores a failure, and lockDns must still work (reading for itself)
     * when nothing was prefetched or the prefetched state went stale.
     */
    prefetchLock?(): Promise<void>;
    /** The primary is healthy again: forget holdoff tracking (Azure: the degraded-since annotation) or re-arm the trigger (AWS: set the failover alarm back to OK so the next outage notifies again). */
    clearDegraded?(): Promise<void>;
    /**
     * Called when the wait budget ran out with the failover still waiting (holdoff,
     * secondary gate, cooldown): arrange for the function to run again (AWS: async
     * self-invoke, bounded by MAX_RECHECKS). Must not lose the failover.
     */
    scheduleRecheck?(afterSeconds: number): Promise<void>;
}

/** "pending": scaled but the DNS lock not confirmed; "applied": the lock succeeded once (a later unlock is a person's). */
export type LockMark = "pending" | "applied";

export interface FailoverRecord {
    epochSeconds: number;
    lock: LockMark;
}

/** Identity of a Secret, read without its data (PartialObjectMetadata). */
export interface SecretMeta {
    uid: string;
    /** RFC 3339, whole seconds, as the API server stamps it. */
    creationTimestamp: string;
}

/** The Kubernetes calls the core makes, over the API server's REST interface. */
export interface KubernetesApi {
    /**
     * Deletes a Secret; resolves "absent" on 404. With preconditions.uid the API
     * server deletes only that incarnation: "replaced" when the name now holds a
     * different object (409), which is then left alone.
     */
    deleteSecret(namespace: string, name: string, preconditions?: { uid: string }): Promise<"deleted" | "absent" | "replaced">;
    /** uid and creationTimestamp of a Secret, undefined on 404. */
    getSecretMeta(namespace: string, name: string): Promise<SecretMeta | undefined>;
    /** Current replicas of a Deployment (spec.replicas). */
    getDeploymentReplicas(namespace: string, name: string): Promise<number>;
    /** Sets spec.replicas with a merge patch. */
    scaleDeployment(namespace: string, name: string, replicas: number): Promise<void>;
    /**
     * Compare-and-set of spec.replicas (JSON patch with a "test" op): "conflict"
     * when the current value is not `from` (422/409), so concurrent callers
     * scale exactly once.
     */
    scaleDeploymentFrom(namespace: string, name: string, from: number, to: number): Promise<"scaled" | "conflict">;
    /** Reads one annotation of a Deployment (undefined if absent). */
    getDeploymentAnnotation(namespace: string, name: string, key: string): Promise<string | undefined>;
    /** Several annotations from one GET (absent ones left out). */
    getDeploymentAnnotations(namespace: string, name: string, keys: readonly string[]): Promise<Record<string, string | undefined>>;
    /** Sets (string) or removes (null) annotations of a Deployment with a merge patch. */
    annotateDeployment(namespace: string, name: string, annotations: Record<string, string | null>): Promise<void>;
}

export interface Clock {
    /** Milliseconds since the epoch. */
    now(): number;
    sleep(ms: number): Promise<void>;
}

export type LogLevel = "debug" | "info" | "warn" | "error";
/** One structured JSON log line per call. */
export type Logger = (level: LogLevel, event: string, fields?: Record<string, unknown>) => void;

export type FailoverDecision =
    | "failed-over"          // operator scaled (and DNS lock attempted)
    | "already-failed-over"  // operator already at >= 1: idempotent second run
    | "primary-healthy"      // nothing to do
    | "cooldown"             // a failover happened within the cooldown (with the operator back at 0 and the primary failing: a recheck was scheduled)
    | "holdoff-pending"      // primary failing, holdoff not met yet; a recheck was scheduled
    | "secondary-unhealthy"  // gate refused for now; a recheck was scheduled
    | "error";               // a step that must succeed failed (nothing after it ran)

export interface FailoverResult {
    decision: FailoverDecision;
    /** Why, in one sentence for humans. */
    reason: string;
    primary?: PrimaryHealth;
    /**
     * "kept-fresh": the Secret was created after this invocation started (or
     * was replaced while it ran), so it is the operator's new one and stays.
     */
    tlsSecret?: "deleted" | "absent" | "kept-fresh";
    operatorReplicasBefore?: number;
    operatorScaled: boolean;
    dnsLocked: boolean;
    /** Set when the DNS lock failed; failover still stands. */
    dnsLockError?: string;
    /** Set when recording the failover time failed; failover still stands. */
    cooldownRecordError?: string;
    /** Set when the cooldown store could not be read; the run went on, guarded by the compare-and-set scale. */
    cooldownReadError?: string;
    /** The lock mark read at the start (undefined: no record). */
    lockMarkBefore?: LockMark;
    /** Steps this run found missing and did, in order (e.g. ["scale", "lock", "record"]). */
    stepsDone?: ("delete-tls-secret" | "scale" | "lock" | "record")[];
    /** Epoch seconds of the previous failover as read at the start. */
    lastFailoverEpoch?: number;
    /** Result of the secondary gate when it ran. */
    secondaryHealthy?: boolean;
    /** Rounds of observation (1 + holdoff re-checks). */
    checks?: number;
    /** holdoff-pending, secondary-unhealthy, cooldown: the platform was asked to run the function again. */
    recheckScheduled?: boolean;
    error?: string;
    /**
     * When each step of this run happened (epoch ms), for the measured
     * recovery (functions/core/recovery.ts): the decision, and the steps this
     * run did itself.
     */
    timeline?: { decidedAt?: number; tlsSecretDeletedAt?: number; scaledAt?: number; dnsLockedAt?: number };
    /** The recovery follow-up after the run (functions/core/recovery.ts followUpRecovery), when there was one. */
    recovery?: RecoveryOutcome;
    startedAt: string;
    durationMs: number;
}

/**
 * A remote call's failure, classified once by the adapter that made it.
 * Serialized functions (pulumi closure serialization) rebuild this class
 * without running Error's constructor, hence the explicit message and the
 * method that keeps the prototype (and with it instanceof Error) in the bundle.
 */
export class RemoteError extends Error {
    constructor(
        message: string,
        /** HTTP status, or undefined for connection errors and timeouts. */
        readonly status: number | undefined,
        readonly retryable: boolean,
        readonly call: string,
        /** From a Retry-After answer (429/503): the server's wait, in ms. */
        readonly retryAfterMs?: number,
    ) {
        super(message);
        this.message = message;
        this.name = "RemoteError";
    }

    /** Log lines: an Error stringifies to {} otherwise. */
    toJSON(): { name: string; message: string; status: number | undefined; retryable: boolean; call: string; retryAfterMs?: number } {
        const json = { name: this.name, message: this.message, status: this.status, retryable: this.retryable, call: this.call };
        return this.retryAfterMs === undefined ? json : { ...json, retryAfterMs: this.retryAfterMs };
    }
}
