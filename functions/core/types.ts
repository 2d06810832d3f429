// Contracts between the cloud-neutral failover core and each cloud's adapter.
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
    /** Seconds between re-checks while the holdoff is pending. */
    recheckIntervalSeconds: number;
    /**
     * Seconds this invocation may spend waiting for the holdoff before it hands
     * over (platform.scheduleRecheck) instead of dropping the failover.
     */
    waitBudgetSeconds: number;
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
    recordFailover(epochSeconds: number): Promise<void>;
    /** Make DNS stay on the secondary (AWS FQDN lock, Azure endpoint Disabled, OCI answer isDisabled). */
    lockDns(): Promise<void>;
    /** Forget holdoff tracking once the primary is healthy again (Azure/OCI annotation); no-op on AWS. */
    clearDegraded?(): Promise<void>;
    /**
     * Called when the wait budget ran out with the holdoff still pending: arrange
     * for the function to run again (AWS: async self-invoke). Must not lose the failover.
     */
    scheduleRecheck?(afterSeconds: number): Promise<void>;
}

/** The Kubernetes calls the core makes, over the API server's REST interface. */
export interface KubernetesApi {
    /** Deletes a Secret; resolves "absent" on 404. */
    deleteSecret(namespace: string, name: string): Promise<"deleted" | "absent">;
    /** Current replicas of a Deployment (spec.replicas). */
    getDeploymentReplicas(namespace: string, name: string): Promise<number>;
    /** Sets spec.replicas with a merge patch. */
    scaleDeployment(namespace: string, name: string, replicas: number): Promise<void>;
    /** Reads one annotation of a Deployment (undefined if absent). */
    getDeploymentAnnotation(namespace: string, name: string, key: string): Promise<string | undefined>;
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
    | "cooldown"             // a failover happened within the cooldown
    | "holdoff-pending"      // primary failing, holdoff not met yet; a recheck was scheduled
    | "secondary-unhealthy"  // gate refused
    | "error";               // a step that must succeed failed (nothing after it ran)

export interface FailoverResult {
    decision: FailoverDecision;
    /** Why, in one sentence for humans. */
    reason: string;
    primary?: PrimaryHealth;
    tlsSecret?: "deleted" | "absent";
    operatorReplicasBefore?: number;
    operatorScaled: boolean;
    dnsLocked: boolean;
    /** Set when the DNS lock failed; failover still stands. */
    dnsLockError?: string;
    error?: string;
    startedAt: string;
    durationMs: number;
}

/** A remote call's failure, classified once by the adapter that made it. */
export class RemoteError extends Error {
    constructor(
        message: string,
        /** HTTP status, or undefined for connection errors and timeouts. */
        readonly status: number | undefined,
        readonly retryable: boolean,
        readonly call: string,
    ) {
        super(message);
        this.name = "RemoteError";
    }
}
