import { encodeFailoverRecord, parseFailoverRecord } from "../core/record";
import { errorMessage } from "../core/retry";
import { FailoverPlatform, FailoverRecord, KubernetesApi, LockMark, Logger, PrimaryHealth } from "../core/types";
import { EndpointState, TrafficManagerApi } from "./arm";
import { recordOfRun, RecordedFailure } from "../core/holdoff";
import { annotationsOfRun, azureFailingRun, recordedFromAnnotations } from "./health";
import { ENDPOINT_STATE_PERIOD_SECONDS, EndpointStateMetricApi, EndpointStateMinute } from "./metrics";

/**
 * Holdoff tracking: epoch seconds at which this function first saw the primary
 * endpoint failing. Lives on the humio-operator Deployment (Azure has no SSM
 * equivalent, and the Deployment is what the failover acts on anyway); the
 * runbook clears it with `kubectl annotate ... logscale.dr/degraded-since-epoch-`.
 */
export const DEGRADED_SINCE_ANNOTATION = "logscale.dr/degraded-since-epoch";
/**
 * Epoch seconds of the newest failing reading of that run, so a later
 * invocation joins it only across a silence the gap allowance (or the
 * endpoint-state minutes) can vouch for. Without it the run is vouched for
 * only at its start.
 */
export const LAST_FAILING_ANNOTATION = "logscale.dr/last-failing-epoch";
/**
 * From when the endpoint-state minutes may count. Traffic Manager publishes 0
 * for a Disabled endpoint as for a Degraded one, so minutes from a spell the
 * endpoint was switched off would pass for failure if it came back failing,
 * and meet the holdoff early. The function marks `disabled` when it sees the
 * endpoint Disabled or locks it itself; the first failing reading after that
 * turns the mark into its own time, so only minutes from then on count. The
 * failback's unlock (scripts/failback/world-azure.ts) writes the time it
 * re-enabled the endpoint, plus a minute for Traffic Manager's first probe. An
 * Online reading removes the mark. A disable the function never saw (short
 * enough to end before the alert called it) is not covered: see
 * docs/azure.md.
 */
export const MINUTES_FROM_ANNOTATION = "logscale.dr/endpoint-minutes-from-epoch";
export const MINUTES_FROM_DISABLED = "disabled";

/** Cooldown: epoch seconds of the last failover. */
export const LAST_FAILOVER_ANNOTATION = "logscale.dr/last-failover-epoch";

/**
 * What one Traffic Manager reading means for the failover:
 * - online: probes pass;
 * - failing: probes fail (Degraded), the target is stopped, or the probe
 *   verdict is pending (CheckingEndpoint, seen for one probe interval after a
 *   profile or endpoint change): the alert fired on it, and the holdoff, not
 *   this reading, decides whether it lasts long enough to act;
 * - disabled: the endpoint is switched off (by an earlier failover's lock or
 *   by an operator): traffic already avoids it, and that is a human's or a
 *   finished failover's decision, not a probe failure to act on;
 * - unknown: a status this code does not know: never a reason to fail over,
 *   and not proof of health either, so holdoff tracking is left as it is.
 */
export type EndpointClass = "online" | "failing" | "disabled" | "unknown";

export function classifyEndpoint(state: EndpointState): EndpointClass {
    if (state.endpointStatus.toLowerCase() === "disabled") {
        return "disabled";
    }
    switch (state.endpointMonitorStatus.toLowerCase()) {
        case "online":
            return "online";
        case "degraded":
        case "stopped":
        case "checkingendpoint":
            return "failing";
        case "disabled":
        case "inactive":
            return "disabled";
        default:
            return "unknown";
    }
}

export interface AzurePlatformOptions {
    tm: TrafficManagerApi;
    k8s: KubernetesApi;
    namespace: string;
    operatorDeployment: string;
    primaryEndpointId: string;
    /** The secondary gate (TCP to this cluster's ingress); undefined: no gate configured. */
    secondaryReachable?: () => Promise<boolean>;
    /** Milliseconds since the epoch. */
    now: () => number;
    log: Logger;
    /** The endpoint-state minutes; undefined: the holdoff rests on the function's own readings. */
    metrics?: EndpointStateMetricApi;
    /** The longest silence between failing readings that still counts as one run (functions/azure/health.ts trafficManagerMaxGapSeconds). */
    holdoffGapSeconds: number;
    /** The holdoff: how far back the minutes are worth reading (plus ten minutes). */
    preFailoverFailureSeconds: number;
}

export function azurePlatform(o: AzurePlatformOptions): FailoverPlatform {
    const annotation = (key: string) => o.k8s.getDeploymentAnnotation(o.namespace, o.operatorDeployment, key);
    const annotate = (values: Record<string, string | null>) => o.k8s.annotateDeployment(o.namespace, o.operatorDeployment, values);
    const nowSeconds = () => Math.floor(o.now() / 1000);
    // The class of the most recent reading: clearDegraded only forgets the
    // holdoff when that reading proved the primary is not failing.
    let lastClass: EndpointClass | undefined;

    // This invocation's own failing run, carried from one observation round
    // to the next (functions/core/holdoff.ts) and, by scheduleRecheck, to the next invocation.
    let ownRun: RecordedFailure | undefined;

    const recordedMarks = async (): Promise<{ since: string | undefined; lastFailing: string | undefined; minutesFrom: string | undefined }> => {
        const keys = [DEGRADED_SINCE_ANNOTATION, LAST_FAILING_ANNOTATION, MINUTES_FROM_ANNOTATION] as const;
        const values = await o.k8s.getDeploymentAnnotations(o.namespace, o.operatorDeployment, keys);
        return { since: values[DEGRADED_SINCE_ANNOTATION], lastFailing: values[LAST_FAILING_ANNOTATION], minutesFrom: values[MINUTES_FROM_ANNOTATION] };
    };

    const endpointStateMinutes = async (endMs: number): Promise<EndpointStateMinute[]> => {
        if (!o.metrics) {
            return [];
        }
        // Whole minutes only: a minute still in progress may not hold all its samples.
        const periodMs = ENDPOINT_STATE_PERIOD_SECONDS * 1000;
        const end = Math.floor(endMs / periodMs) * periodMs;
        const start = end - (Math.ceil(o.preFailoverFailureSeconds / ENDPOINT_STATE_PERIOD_SECONDS) + 10) * periodMs;
        return o.metrics.endpointStateMinutes(o.primaryEndpointId, start, end);
    };

    const epochOf = (key: string, raw: string | undefined): number | undefined => {
        if (raw === undefined) {
            return undefined;
        }
        if (!/^\d{1,12}$/.test(raw.trim())) {
            o.log("warn", "azure.annotation-invalid", { annotation: key, value: raw });
            return undefined;
        }
        return Number(raw.trim());
    };

    return {
        cloud: "azure",

        async primaryHealth(): Promise<PrimaryHealth> {
            // The endpoint, the recorded run and the endpoint-state minutes are
            // read together: one round trip on the failover's critical path.
            // The others only count when the endpoint is failing, so their
            // reads failing do not turn a healthy (or disabled, or unknown)
            // reading into an error; allSettled waits for all, so no read
            // outlives the call.
            const startedMs = o.now();
            const [endpointRead, runRead, minutesRead] = await Promise.allSettled([
                o.tm.getEndpoint(o.primaryEndpointId),
                recordedMarks(),
                endpointStateMinutes(startedMs),
            ]);
            if (endpointRead.status === "rejected") {
                throw endpointRead.reason;
            }
            const state = endpointRead.value;
            const cls = classifyEndpoint(state);
            lastClass = cls;
            const detail = `Traffic Manager endpoint ${state.endpointStatus}/${state.endpointMonitorStatus}`;
            if (cls === "online") {
                ownRun = undefined;
                return { healthy: true, failingForSeconds: 0, detail };
            }
            if (cls === "disabled") {
                ownRun = undefined;
                return { healthy: true, failingForSeconds: 0, detail: `${detail}: switched off by an earlier failover or an operator, not a probe failure; nothing to do` };
            }
            if (cls === "unknown") {
                return { healthy: true, failingForSeconds: 0, detail: `${detail}: unknown monitor status, not acted on` };
            }
            if (runRead.status === "rejected") {
                throw runRead.reason;
            }
            const nowMs = o.now();
            const now = Math.floor(nowMs / 1000);
            const since = epochOf(DEGRADED_SINCE_ANNOTATION, runRead.value.since);
            const recordedSince = since !== undefined && since <= now ? since : undefined;
            const last = epochOf(LAST_FAILING_ANNOTATION, runRead.value.lastFailing);
            // Minutes from a spell the endpoint was switched off are no evidence (MINUTES_FROM_ANNOTATION).
            // Switched off since the function last looked (or a garbled mark): minutes from now on, written below.
            const markRaw = runRead.value.minutesFrom;
            const markEpoch = markRaw === undefined || markRaw.trim() === MINUTES_FROM_DISABLED ? undefined : epochOf(MINUTES_FROM_ANNOTATION, markRaw);
            const restartMinutes = markRaw !== undefined && markEpoch === undefined;
            const minutesFromS = restartMinutes ? now : markEpoch ?? 0;
            const markPatch: Record<string, string> = restartMinutes ? { [MINUTES_FROM_ANNOTATION]: String(now) } : {};
            let minutes: EndpointStateMinute[] = [];
            if (minutesRead.status === "fulfilled") {
                minutes = minutesRead.value.filter(m => m.startMs >= minutesFromS * 1000);
            } else {
                // Still safe without them: the function's own readings can only
                // start the run later, never earlier.
                o.log("warn", "azure.endpoint-state-metric-unavailable", { error: errorMessage(minutesRead.reason), fallback: "the function's own readings and the recorded run" });
            }
            // The runbook clearing the annotation resets the holdoff, this invocation's own run too.
            const recorded = recordedSince === undefined ? undefined : ownRun ?? recordedFromAnnotations(recordedSince, last);
            const run = azureFailingRun(minutes, nowMs, o.holdoffGapSeconds, recorded);
            ownRun = recordOfRun(run);
            if (recordedSince === undefined) {
                // The patch the first failing reading always made, now with the run's real start. A
                // reading at the very moment a minute may have ended healthy starts no run yet, but
                // the minute timer must still come back: tracked from just after it.
                const runMarks = ownRun ? annotationsOfRun(ownRun) : undefined;
                await annotate(runMarks
                    ? { ...markPatch, [DEGRADED_SINCE_ANNOTATION]: String(runMarks.sinceS), [LAST_FAILING_ANNOTATION]: String(runMarks.lastFailingS) }
                    : { ...markPatch, [DEGRADED_SINCE_ANNOTATION]: String(now + 1), [LAST_FAILING_ANNOTATION]: null });
            } else if (restartMinutes) {
                await annotate(markPatch);
            }
            const source = recordedSince === undefined ? "first seen failing now" : `recorded since ${recordedSince}`;
            return { healthy: false, failingForSeconds: run.failingForSeconds, detail: `${detail}: ${source}; ${run.detail}` };
        },

        async secondaryHealthy(): Promise<boolean> {
            if (!o.secondaryReachable) {
                throw new Error("the secondary gate is on but no secondary address is configured");
            }
            return o.secondaryReachable();
        },

        async lastFailoverEpoch(): Promise<number | undefined> {
            return (await this.failoverRecord!())?.epochSeconds;
        },

        async failoverRecord(): Promise<FailoverRecord | undefined> {
            const raw = await annotation(LAST_FAILOVER_ANNOTATION);
            const parsed = parseFailoverRecord(raw);
            if (parsed !== undefined && "error" in parsed) {
                // A hand-edited annotation must not block failover forever; the
                // compare-and-set scale still prevents a second scale-up.
                o.log("warn", "azure.annotation-invalid", { annotation: LAST_FAILOVER_ANNOTATION, value: raw, error: parsed.error });
                return undefined;
            }
            return parsed;
        },

        async recordFailover(epochSeconds: number, lock: LockMark = "applied"): Promise<void> {
            // Once locked, the holdoff this failover ended is over: forgetting it
            // stops the minute timer. With the lock pending it stays, so the
            // timer runs the next attempt at the lock.
            // The run that met the holdoff is spent either way: a pending lock's
            // next attempt needs no holdoff, and a new outage starts a new run.
            const values: Record<string, string | null> = { [LAST_FAILOVER_ANNOTATION]: encodeFailoverRecord({ epochSeconds, lock }), [LAST_FAILING_ANNOTATION]: null };
            ownRun = undefined;
            if (lock === "applied") {
                values[DEGRADED_SINCE_ANNOTATION] = null;
                // The lock switched the endpoint off: its minutes stop being evidence until it is back.
                values[MINUTES_FROM_ANNOTATION] = MINUTES_FROM_DISABLED;
            } else {
                values[DEGRADED_SINCE_ANNOTATION] = String(nowSeconds());
            }
            await annotate(values);
        },

        async lockDns(): Promise<void> {
            const state = await o.tm.disableEndpoint(o.primaryEndpointId);
            o.log("info", "azure.primary-endpoint-disabled", { endpoint: o.primaryEndpointId, endpointStatus: state.endpointStatus });
        },

        async clearDegraded(): Promise<void> {
            if (lastClass !== "online" && lastClass !== "disabled") {
                return;
            }
            ownRun = undefined;
            // Online: every minute from here on is evidence again. Disabled: none is, until it is back.
            await annotate({
                [DEGRADED_SINCE_ANNOTATION]: null, [LAST_FAILING_ANNOTATION]: null,
                [MINUTES_FROM_ANNOTATION]: lastClass === "online" ? null : MINUTES_FROM_DISABLED,
            });
        },

        async scheduleRecheck(afterSeconds: number): Promise<void> {
            // The minute timer re-runs the check while the annotation is set;
            // primaryHealth set it, so make sure it is still there. The run
            // this invocation saw goes with it, so the next one joins its own
            // readings to it (only evidence of failure: a healthy minute since
            // still cuts it). After the wait, off the critical path.
            if (ownRun) {
                const marks = annotationsOfRun(ownRun);
                await annotate({ [DEGRADED_SINCE_ANNOTATION]: String(marks.sinceS), [LAST_FAILING_ANNOTATION]: String(marks.lastFailingS) });
            } else if ((await annotation(DEGRADED_SINCE_ANNOTATION)) === undefined) {
                await annotate({ [DEGRADED_SINCE_ANNOTATION]: String(nowSeconds()) });
            }
            o.log("info", "azure.recheck-scheduled", { afterSeconds, by: "the timer function enqueues a recheck every minute while the degraded-since annotation is set" });
        },
    };
}
