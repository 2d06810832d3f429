// The failover time model: how long a region outage takes to become LogScale
// serving from the standby, phase by phase, from a stack's own failover
// config. Pure; the standby exports it as `expectedFailoverSeconds`, so a
// config change shows its cost in the plan diff, and the drill simulator
// (scripts/drill) uses the same constants for what it does not simulate.
//
// Durations come from seed 000's "Failover Timing Summary" (measured on a
// small test cluster) unless a comment says otherwise. Where the seed gives a
// range, the model takes its middle.

import type { Cloud } from "../../config/load";
import { pendingDuration } from "../../functions/oci/health";

/** Route 53 HealthCheckStatus, Traffic Manager's probe-state metric and OCI HTTP.isHealthy all have one datapoint a minute. */
export const METRIC_PERIOD_S = 60;

/**
 * From the moment the probes mark the primary unhealthy until the alarm
 * notifies: seed 000 "CloudWatch alarm evaluation ~60s (1 evaluation period)".
 * Azure Monitor's one-minute metric alert on Traffic Manager's probe state is
 * modelled the same (seed 001 gives only the end-to-end time).
 */
export const ALERT_EVALUATION_S = 60;

/**
 * How long after its minute ends a datapoint can be read. Calibrated so that
 * the simulated alarm evaluation equals ALERT_EVALUATION_S on average (half a
 * minute to the end of the minute that saw the failure, then this), and, for
 * OCI, so that detection stays at the seed's ~55 s.
 */
export const METRIC_PUBLISH_DELAY_S: Record<Cloud, number> = { aws: 30, azure: 30, oci: 0 };

/**
 * The function's four rounds (functions/core/failover.ts) plus the trigger's
 * delivery. The seed measured the sums (AWS Lambda ~8 s: SNS <1 s, validate +
 * TLS ~4 s, scale ~3 s, lock ~1 s; Azure Function 10-20 s; OCI Function ~49 s,
 * container start included); the split of the Azure and OCI sums is ours.
 */
export const FUNCTION_ROUNDS_S: Record<Cloud, { invoke: number; observe: number; deleteSecret: number; scale: number; lock: number }> = {
    aws: { invoke: 0.5, observe: 1.5, deleteSecret: 2, scale: 3, lock: 1 },
    azure: { invoke: 2, observe: 4, deleteSecret: 2, scale: 4, lock: 3 },
    oci: { invoke: 30, observe: 8, deleteSecret: 3, scale: 4, lock: 4 },
};

/** Recovery after the operator is scaled to 1 (seed 000, "Recovery phase"): [low, high] seconds. */
export const RECOVERY_RANGES_S = {
    /** Operator starts the LogScale pod: scheduling and image pull. */
    podStart: [30, 60],
    /** Global snapshot fetched from the primary's bucket and patched. */
    snapshotFetch: [30, 120],
    /** Kafka topics created, LogScale ready. */
    kafkaReady: [60, 120],
} as const;

const middle = (r: readonly [number, number]) => (r[0] + r[1]) / 2;

/**
 * The model's recovery durations: the middle of each seed range, except pod
 * start. Its upper end is the pull of the ~1 GB LogScale image, and the
 * standby has pulled that image ahead of time (components/logscale/prepull.ts),
 * so the pod starts at the low end.
 */
export const RECOVERY_S = {
    podStart: RECOVERY_RANGES_S.podStart[0],
    snapshotFetch: middle(RECOVERY_RANGES_S.snapshotFetch),
    kafkaReady: middle(RECOVERY_RANGES_S.kafkaReady),
};

/**
 * The seed's end-to-end ranges in seconds, for the checks that the model and
 * the drill land where the seed measured (seed 000 "Total expected time",
 * seed 001 "Failover Timing Summary").
 */
export const SEED_TOTAL_RANGES_S = {
    aws: { production: [7 * 60, 10 * 60], testing: [5 * 60, 8 * 60] },
    azure: { production: [9 * 60, 12 * 60], testing: [5 * 60, 9 * 60] },
} as const;

/** The settings the seed measured with (seed 000 "Configuration Variables", "Cross-Cloud Timing Comparison"). */
export const SEED_SETTINGS: Record<Cloud, { healthCheckIntervalSeconds: number; healthCheckFailureThreshold: number; production: number; testing: number; dnsTtlSeconds: number }> = {
    aws: { healthCheckIntervalSeconds: 10, healthCheckFailureThreshold: 3, production: 180, testing: 0, dnsTtlSeconds: 60 },
    azure: { healthCheckIntervalSeconds: 30, healthCheckFailureThreshold: 3, production: 180, testing: 0, dnsTtlSeconds: 60 },
    oci: { healthCheckIntervalSeconds: 60, healthCheckFailureThreshold: 1, production: 180, testing: 0, dnsTtlSeconds: 60 },
};

/**
 * Route 53 answers an alias of an ELB load balancer with the load balancer's
 * own TTL, fixed at 60 s; an alias record takes none (Route 53 FAQ, "DNS
 * failover": ELB aliases have a fixed 60 s TTL). The AWS global record is such
 * an alias (components/aws/dns.ts), so `dnsTtlSeconds` does not apply there
 * and the loader refuses any other value on AWS.
 */
export const ELB_ALIAS_TTL_S = 60;

/** How long resolvers cache the global answer: the alias's fixed TTL on AWS, the stack's dnsTtlSeconds elsewhere. */
export function globalAnswerTtlSeconds(cloud: Cloud, dnsTtlSeconds: number): number {
    return cloud === "aws" ? ELB_ALIAS_TTL_S : dnsTtlSeconds;
}

/** What the model reads: a stack config (config/load.ts StackConfig) fits as it is. */
export interface FailoverTimingConfig {
    cloud: Cloud;
    dnsTtlSeconds: number;
    failover: {
        healthCheckIntervalSeconds: number;
        healthCheckFailureThreshold: number;
        preFailoverFailureSeconds: number;
    };
}

/** Seconds per phase; they follow one another, so totalS is their sum. */
export interface ExpectedFailoverSeconds {
    /** Outage -> the alarm notifies (AWS, Azure) or first breaches (OCI). */
    detectionS: number;
    /** Waiting until the primary has failed continuously for preFailoverFailureSeconds. */
    holdoffS: number;
    /** Trigger delivery and the function's four rounds. */
    functionS: number;
    /** Operator 0 -> 1 until LogScale serves: pod start, snapshot fetch and patch, Kafka and LogScale ready. */
    recoveryS: number;
    /**
     * After LogScale is ready on the standby, until the last client's cached
     * answer of the primary expires: the moment the global answer turns to the
     * standby plus the answer's TTL, minus what of it has already passed.
     * Zero when DNS moved at least a TTL before the standby was ready.
     */
    dnsS: number;
    totalS: number;
}

/**
 * Per cloud:
 * - AWS: Route 53 marks the primary unhealthy after interval x threshold; the
 *   alarm (1 x 60 s, Minimum < 1) notifies ALERT_EVALUATION_S later. The
 *   function's holdoff (functions/core/holdoff.ts) runs from the first minute
 *   of HealthCheckStatus Maximum 0, which starts on average half a period
 *   after the mark (the minute of the mark itself was partly healthy), and is
 *   met exactly H seconds later; the detection overlaps it, so the phase is
 *   only what is left of it when the alarm has notified.
 * - Azure: Traffic Manager marks the endpoint Degraded after interval x
 *   tolerated failures; the one-minute alert on the minute's Maximum needs a
 *   whole minute without an Online probe, so it takes half a period longer
 *   than the AWS alarm on the Minimum. The function's holdoff
 *   (functions/core/holdoff.ts, functions/azure/health.ts) runs from the
 *   first minute of the endpoint-state metric with Maximum 0, half a period
 *   after the mark on average, as on AWS, so the detection overlaps it and
 *   the phase is what is left of it when the alert has called.
 * - OCI: the alarm breaches on the first whole minute in which every probe
 *   fails (one metric period); its pending duration, the holdoff rounded up to
 *   whole minutes and at least one, runs before it notifies. The function
 *   finds the holdoff met on arrival.
 *
 * DNS runs beside the other phases, not after them. The global answer turns
 * to the standby when the DNS service stops answering with the primary, and
 * clients follow one TTL later (globalAnswerTtlSeconds):
 * - AWS: at Route 53's mark (interval x threshold). Failover routing answers
 *   with the secondary as soon as the primary's check fails and the
 *   secondary's passes, and a standby passes its own: a TCP check of its NLB,
 *   whose targets are the ingress proxy's node ports (components/aws/
 *   healthchecks.ts, loadbalancer.ts). Clients then reach the standby's proxy,
 *   which has nothing to serve until the failover; the primary is down anyway.
 * - Azure: at the lock, the function's last round. Until then both endpoints
 *   are Degraded (the standby's status path has no LogScale behind it), and
 *   Traffic Manager answers as if all were Online: with the primary. Once the
 *   primary endpoint is Disabled, the standby is the only one left.
 * - OCI: at the primary monitor's first failing probe, half an interval after
 *   the outage on average: the policy's HEALTH rule drops the primary answer
 *   and the standby's, which the monitor does not probe, counts as healthy.
 */
export function expectedFailoverSeconds(cfg: FailoverTimingConfig): ExpectedFailoverSeconds {
    const { cloud, dnsTtlSeconds } = cfg;
    const { healthCheckIntervalSeconds: interval, healthCheckFailureThreshold: threshold, preFailoverFailureSeconds: holdoff } = cfg.failover;
    for (const [name, v] of [["healthCheckIntervalSeconds", interval], ["healthCheckFailureThreshold", threshold], ["preFailoverFailureSeconds", holdoff], ["dnsTtlSeconds", dnsTtlSeconds]] as const) {
        if (!Number.isFinite(v) || v < 0) {
            throw new Error(`expectedFailoverSeconds: ${name} must be a number of seconds >= 0, got ${v}`);
        }
    }
    let detectionS: number;
    let holdoffS: number;
    switch (cloud) {
        case "aws":
            detectionS = interval * threshold + ALERT_EVALUATION_S;
            holdoffS = Math.max(0, interval * threshold + METRIC_PERIOD_S / 2 + holdoff - detectionS);
            break;
        case "azure":
            // The alert takes the minute's Maximum: it needs a whole minute
            // without an Online probe, one metric period more than AWS's Minimum.
            detectionS = interval * threshold + ALERT_EVALUATION_S + METRIC_PERIOD_S / 2;
            holdoffS = Math.max(0, interval * threshold + METRIC_PERIOD_S / 2 + holdoff - detectionS);
            break;
        case "oci":
            detectionS = Math.max(METRIC_PERIOD_S, interval) + METRIC_PUBLISH_DELAY_S.oci;
            holdoffS = ociPendingSeconds(holdoff);
            break;
        default:
            throw new Error(`expectedFailoverSeconds: unknown cloud ${String(cloud)}; allowed: aws, azure, oci`);
    }
    const r = FUNCTION_ROUNDS_S[cloud];
    const functionS = r.invoke + r.observe + r.deleteSecret + r.scale + r.lock;
    const recoveryS = RECOVERY_S.podStart + RECOVERY_S.snapshotFetch + RECOVERY_S.kafkaReady;
    const answerMovesAtS = cloud === "aws" ? interval * threshold
        : cloud === "azure" ? detectionS + holdoffS + functionS
            : interval / 2;
    const readyAtS = detectionS + holdoffS + functionS + recoveryS;
    const dnsS = Math.max(0, answerMovesAtS + globalAnswerTtlSeconds(cloud, dnsTtlSeconds) - readyAtS);
    return { detectionS, holdoffS, functionS, recoveryS, dnsS, totalS: detectionS + holdoffS + functionS + recoveryS + dnsS };
}

/** The OCI alarm's pending duration in seconds, as the component sets it (functions/oci/health.ts pendingDuration). */
export function ociPendingSeconds(holdoffSeconds: number): number {
    const iso = pendingDuration(holdoffSeconds);
    const m = /^PT(\d+)M$/.exec(iso);
    if (!m) {
        throw new Error(`OCI pending duration ${iso} is not whole minutes`);
    }
    return Number(m[1]) * 60;
}
