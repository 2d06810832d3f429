import { FailoverDecision, FailoverSettings, PrimaryHealth, SecretMeta } from "./types";

/** Everything one observation round reads; the rounds run their calls concurrently. */
export interface Observation {
    lastFailoverEpoch: number | undefined;
    primary: PrimaryHealth;
    /** undefined when the secondary gate is off (the call is not made). */
    secondaryHealthy: boolean | undefined;
    operatorReplicas: number;
    tlsSecret: SecretMeta | undefined;
}

/** What a pending failover is waiting for; also its decision when the invocation hands over. */
export type WaitingFor = Extract<FailoverDecision, "holdoff-pending" | "secondary-unhealthy" | "cooldown">;

export type Verdict =
    | { kind: "stop"; decision: Exclude<FailoverDecision, "failed-over" | "holdoff-pending" | "error">; reason: string }
    | { kind: "wait"; decision: WaitingFor; remainingSeconds: number; reason: string }
    | { kind: "act"; reason: string };

/**
 * The order matters: a recorded failover or a running operator means there is
 * nothing left to decide, whatever the primary looks like now; the holdoff
 * comes before the secondary gate so that a secondary blip during the holdoff
 * does not end a failover that is not due yet anyway.
 *
 * A failing primary that is not failed over yet never ends in "stop": the
 * alarm that woke the function notifies only once, so a cooldown, a holdoff
 * or an unhealthy secondary makes it wait (and hand over to a recheck), and
 * the failover still happens once the obstacle is gone, within the
 * platform's bounded recheck budget.
 */
export function judge(obs: Observation, settings: FailoverSettings, nowMs: number): Verdict {
    const nowSeconds = Math.floor(nowMs / 1000);
    if (obs.lastFailoverEpoch !== undefined) {
        const since = nowSeconds - obs.lastFailoverEpoch;
        // |since|: a time recorded slightly in the future (clock skew between
        // writers) is as recent as one slightly in the past.
        if (Math.abs(since) < settings.cooldownSeconds) {
            const reason = `last failover at ${obs.lastFailoverEpoch} is ${since}s ago, within the ${settings.cooldownSeconds}s cooldown`;
            if (obs.operatorReplicas === 0 && !obs.primary.healthy) {
                // The standby was reset by hand and the primary fails again:
                // no second failover inside the cooldown, but one after it.
                return { kind: "wait", decision: "cooldown", remainingSeconds: settings.cooldownSeconds - Math.abs(since), reason };
            }
            return { kind: "stop", decision: "cooldown", reason };
        }
    }
    if (obs.operatorReplicas >= 1) {
        if (obs.lastFailoverEpoch === undefined && !obs.primary.healthy && obs.primary.failingForSeconds < settings.preFailoverFailureSeconds) {
            // Scaled with no failover recorded: a person ahead of the holdoff
            // (runbook), or a run cut off before its record. The alarm may not
            // notify again, so wait for the holdoff like a failover would and
            // let the run that sees it met lock and record (converge.ts).
            return {
                kind: "wait",
                decision: "holdoff-pending",
                remainingSeconds: settings.preFailoverFailureSeconds - obs.primary.failingForSeconds,
                reason: `${settings.operatorDeployment} is at ${obs.operatorReplicas} with no failover recorded; the primary has failed for ${obs.primary.failingForSeconds}s of the ${settings.preFailoverFailureSeconds}s holdoff after which the lock completes it`,
            };
        }
        return {
            kind: "stop",
            decision: "already-failed-over",
            reason: `${settings.operatorDeployment} already has ${obs.operatorReplicas} replica(s)`,
        };
    }
    if (obs.primary.healthy) {
        return { kind: "stop", decision: "primary-healthy", reason: "the primary is healthy" };
    }
    if (obs.primary.failingForSeconds < settings.preFailoverFailureSeconds) {
        return {
            kind: "wait",
            decision: "holdoff-pending",
            remainingSeconds: settings.preFailoverFailureSeconds - obs.primary.failingForSeconds,
            reason: `the primary has failed for ${obs.primary.failingForSeconds}s of the required ${settings.preFailoverFailureSeconds}s`,
        };
    }
    if (settings.requireHealthySecondary && obs.secondaryHealthy !== true) {
        // Not onto a broken standby, but not dropped either: a standby blip
        // while the primary is dead must delay the failover, not cancel it.
        return {
            kind: "wait",
            decision: "secondary-unhealthy",
            remainingSeconds: settings.recheckIntervalSeconds,
            reason: "the secondary's own health check is failing; not failing over onto it until it passes",
        };
    }
    return {
        kind: "act",
        reason: `the primary has failed for ${obs.primary.failingForSeconds}s (holdoff ${settings.preFailoverFailureSeconds}s)`,
    };
}

/**
 * creationTimestamp has whole-second resolution (truncated), and the API
 * server's clock is not ours: a Secret counts as older than this invocation
 * only with that second and this allowance to spare. A stale Secret is hours
 * or days old; one created seconds around our start is the operator's new one.
 */
export const TLS_SECRET_CLOCK_SKEW_MS = 2000;

export function tlsSecretIsStale(meta: SecretMeta, startedAtMs: number): boolean {
    const created = Date.parse(meta.creationTimestamp);
    if (Number.isNaN(created)) {
        return false;
    }
    return created + 1000 + TLS_SECRET_CLOCK_SKEW_MS <= startedAtMs;
}

export function validateSettings(s: FailoverSettings): string | undefined {
    const nonEmpty: (keyof FailoverSettings)[] = ["namespace", "operatorDeployment", "humioClusterName"];
    for (const key of nonEmpty) {
        const v = s[key];
        if (typeof v !== "string" || v.length === 0) {
            return `${key} must be a non-empty string (got ${JSON.stringify(v)})`;
        }
    }
    const seconds: (keyof FailoverSettings)[] = ["preFailoverFailureSeconds", "cooldownSeconds", "waitBudgetSeconds"];
    for (const key of seconds) {
        const v = s[key];
        if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
            return `${key} must be a number of seconds >= 0 (got ${JSON.stringify(v)})`;
        }
    }
    if (typeof s.recheckIntervalSeconds !== "number" || !Number.isFinite(s.recheckIntervalSeconds) || s.recheckIntervalSeconds < 1) {
        return `recheckIntervalSeconds must be a number of seconds >= 1 (got ${JSON.stringify(s.recheckIntervalSeconds)})`;
    }
    if (typeof s.requireHealthySecondary !== "boolean") {
        return `requireHealthySecondary must be a boolean (got ${JSON.stringify(s.requireHealthySecondary)})`;
    }
    return undefined;
}
