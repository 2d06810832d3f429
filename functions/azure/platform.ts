import { encodeFailoverRecord, parseFailoverRecord } from "../core/record";
import { FailoverPlatform, FailoverRecord, KubernetesApi, LockMark, Logger, PrimaryHealth } from "../core/types";
import { EndpointState, TrafficManagerApi } from "./arm";

/**
 * Holdoff tracking: epoch seconds at which this function first saw the primary
 * endpoint failing. Lives on the humio-operator Deployment (Azure has no SSM
 * equivalent, and the Deployment is what the failover acts on anyway); the
 * runbook clears it with `kubectl annotate ... logscale.dr/degraded-since-epoch-`.
 */
export const DEGRADED_SINCE_ANNOTATION = "logscale.dr/degraded-since-epoch";
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
}

export function azurePlatform(o: AzurePlatformOptions): FailoverPlatform {
    const annotation = (key: string) => o.k8s.getDeploymentAnnotation(o.namespace, o.operatorDeployment, key);
    const annotate = (values: Record<string, string | null>) => o.k8s.annotateDeployment(o.namespace, o.operatorDeployment, values);
    const nowSeconds = () => Math.floor(o.now() / 1000);
    // The class of the most recent reading: clearDegraded only forgets the
    // holdoff when that reading proved the primary is not failing.
    let lastClass: EndpointClass | undefined;

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
            // The endpoint and the degraded-since annotation are read together:
            // one round trip instead of two on the failover's critical path. The
            // annotation only counts when the endpoint is failing, so its read
            // failing does not turn a healthy (or disabled, or unknown) reading
            // into an error; allSettled waits for both, so no read outlives the call.
            const [endpointRead, sinceRead] = await Promise.allSettled([
                o.tm.getEndpoint(o.primaryEndpointId),
                annotation(DEGRADED_SINCE_ANNOTATION),
            ]);
            if (endpointRead.status === "rejected") {
                throw endpointRead.reason;
            }
            const state = endpointRead.value;
            const cls = classifyEndpoint(state);
            lastClass = cls;
            const detail = `Traffic Manager endpoint ${state.endpointStatus}/${state.endpointMonitorStatus}`;
            if (cls === "online") {
                return { healthy: true, failingForSeconds: 0, detail };
            }
            if (cls === "disabled") {
                return { healthy: true, failingForSeconds: 0, detail: `${detail}: switched off by an earlier failover or an operator, not a probe failure; nothing to do` };
            }
            if (cls === "unknown") {
                return { healthy: true, failingForSeconds: 0, detail: `${detail}: unknown monitor status, not acted on` };
            }
            if (sinceRead.status === "rejected") {
                throw sinceRead.reason;
            }
            const now = nowSeconds();
            const since = epochOf(DEGRADED_SINCE_ANNOTATION, sinceRead.value);
            if (since === undefined || since > now) {
                await annotate({ [DEGRADED_SINCE_ANNOTATION]: String(now) });
                return { healthy: false, failingForSeconds: 0, detail: `${detail}: first seen failing now (${now})` };
            }
            return { healthy: false, failingForSeconds: now - since, detail: `${detail}: failing since ${since}` };
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
            const values: Record<string, string | null> = { [LAST_FAILOVER_ANNOTATION]: encodeFailoverRecord({ epochSeconds, lock }) };
            if (lock === "applied") {
                values[DEGRADED_SINCE_ANNOTATION] = null;
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
            await annotate({ [DEGRADED_SINCE_ANNOTATION]: null });
        },

        async scheduleRecheck(afterSeconds: number): Promise<void> {
            // The minute timer re-runs the check while the annotation is set;
            // primaryHealth set it, so make sure it is still there.
            if ((await annotation(DEGRADED_SINCE_ANNOTATION)) === undefined) {
                await annotate({ [DEGRADED_SINCE_ANNOTATION]: String(nowSeconds()) });
            }
            o.log("info", "azure.recheck-scheduled", { afterSeconds, by: "the timer function enqueues a recheck every minute while the degraded-since annotation is set" });
        },
    };
}
