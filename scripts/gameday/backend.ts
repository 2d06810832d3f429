// What gameday needs from a real pair, behind two adapters: the outage
// method (how the primary's endpoint is made to fail and put back) and the
// observer (each phase, read from the cloud's own APIs). The live adapters
// and the simulated pair of the tests implement the same interfaces.

export type { Clock } from "../../functions/core/types";

/** What to put back after the outage; kept so a restore after Ctrl-C needs nothing else. */
export interface RestoreRecord {
    method: string;
    /** The resource the method changed, e.g. "HTTPRoute logging/logscale". */
    target: string;
    /** The state before the outage, as the method needs it to restore (e.g. the route's parentRefs). */
    before: unknown;
}

/**
 * The outage method. The chosen one detaches the primary's HTTPRoute from its
 * Gateway (parentRefs emptied, saved in the RestoreRecord): the Envoy Gateway
 * controller reconciles the proxy Deployment from the Gateway and EnvoyProxy,
 * so scaling that Deployment to 0 would be undone within seconds, while a
 * route without parentRefs is a valid desired state it leaves alone. The
 * listener keeps answering, with 404, so the health check fails and nothing
 * else in the cluster changes.
 */
export interface OutageMethod {
    readonly name: string;
    take(): Promise<RestoreRecord>;
    restore(record: RestoreRecord): Promise<void>;
}

/** One reading of the pair. */
export interface PairObservation {
    healthCheckUnhealthy: boolean;
    alarmFiring: boolean;
    /** The failover function's last decision, e.g. "failed-over", "holdoff", "primary-healthy". */
    functionDecision?: string;
    /** The standby's humio-operator replicas. */
    operatorReplicas: number;
    logscaleReady: boolean;
    /** Which side the global hostname resolves to, from the zone's authoritative name servers. */
    globalResolvesTo: "primary" | "secondary" | "unknown";
    dnsLocked: boolean;
    /** Scale-ups of the operator since the gameday began. */
    operatorScaleUps: number;
}

export interface PairObserver {
    observe(): Promise<PairObservation>;
}
