// Pure readings of Route 53 answers: the live checker verdict and the
// continuous-failure duration from the HealthCheckStatus metric.

import { failingSince, holdoffCadence, HoldoffEvidence, PeriodEvidence, recordOfRun, RecordedFailure } from "../core/holdoff";
import type { PrimaryHealth } from "../core/types";

export interface CheckerObservation {
    Region?: string;
    StatusReport?: { Status?: string; CheckedTime?: Date };
}

export interface MetricDatapoint {
    Timestamp?: Date;
    Maximum?: number;
}

/**
 * Route 53 considers an endpoint healthy when more than 18% of its health
 * checkers report it healthy (Route 53 Developer Guide, "How Amazon Route 53
 * determines whether a health check is healthy"). The same rule here keeps the
 * function from disagreeing with DNS.
 */
export const HEALTHY_CHECKER_FRACTION = 0.18;

export function checkersVerdict(observations: CheckerObservation[]): { healthy: boolean; detail: string } {
    const reports = observations.filter(o => typeof o.StatusReport?.Status === "string");
    if (reports.length === 0) {
        throw new Error("no health checker has reported yet");
    }
    const healthy = reports.filter(o => o.StatusReport!.Status!.startsWith("Success")).length;
    const sample = reports.find(o => !o.StatusReport!.Status!.startsWith("Success"))?.StatusReport?.Status;
    const detail = `${healthy}/${reports.length} checkers healthy` + (sample ? `; e.g. ${sample}` : "");
    return { healthy: healthy / reports.length > HEALTHY_CHECKER_FRACTION, detail };
}

/**
 * Seconds of uninterrupted failure: consecutive periods, from the latest
 * datapoint backwards, whose Maximum is 0 (every sample in the period was
 * unhealthy). A healthy period or a gap in the series ends the streak;
 * missing data never counts as failure, so a holdoff cannot be met on silence.
 */
export function consecutiveFailingSeconds(datapoints: MetricDatapoint[], periodSeconds: number): number {
    const points = datapoints
        .filter((d): d is { Timestamp: Date; Maximum: number } => d.Timestamp instanceof Date && typeof d.Maximum === "number")
        .sort((a, b) => b.Timestamp.getTime() - a.Timestamp.getTime());
    let count = 0;
    let expected: number | undefined;
    for (const point of points) {
        const t = point.Timestamp.getTime();
        if (expected !== undefined && t !== expected) {
            break;
        }
        if (point.Maximum > 0) {
            break;
        }
        count++;
        expected = t - periodSeconds * 1000;
    }
    return count * periodSeconds;
}

/**
 * The holdoff's evidence from Route 53 (functions/core/holdoff.ts): each
 * published HealthCheckStatus minute (Maximum 0: failing throughout; more:
 * healthy at some moment, possibly its last), the checkers' verdict now, and
 * what this invocation recorded on earlier rounds. A minute not published yet
 * is simply absent, so a late datapoint can only make the run start later.
 */
export function awsHoldoffEvidence(
    datapoints: MetricDatapoint[],
    periodSeconds: number,
    liveHealthy: boolean,
    nowMs: number,
    maxGapSeconds: number,
    recorded?: RecordedFailure,
): HoldoffEvidence {
    const periods: PeriodEvidence[] = datapoints
        .filter((d): d is { Timestamp: Date; Maximum: number } => d.Timestamp instanceof Date && typeof d.Maximum === "number")
        .map(d => ({ startMs: d.Timestamp.getTime(), periodSeconds, state: d.Maximum > 0 ? "mixed" : "failing" }));
    return { periods, points: [{ atMs: nowMs, healthy: liveHealthy }], recorded, maxGapSeconds, nowMs };
}

/**
 * The longest silence between two failing Route 53 readings that cannot hide
 * a healthy spell: turning healthy takes `threshold` successful probes and
 * turning unhealthy again `threshold` failed ones, (2 x threshold - 1)
 * intervals at the least; one interval less keeps a margin.
 */
export function route53MaxGapSeconds(intervalSeconds: number, threshold: number): number {
    if (!(intervalSeconds > 0) || !(threshold >= 1)) {
        throw new Error(`route53MaxGapSeconds: interval must be > 0 and threshold >= 1, got ${intervalSeconds} and ${threshold}`);
    }
    return Math.max(intervalSeconds, (2 * threshold - 2) * intervalSeconds);
}

/**
 * PrimaryHealth from the checkers' verdict and the metric, and the run to
 * remember for the next round of this invocation (the function's own
 * readings bridge the minutes the metric has not published yet).
 */
export function awsPrimaryHealth(
    live: { healthy: boolean; detail: string },
    datapoints: MetricDatapoint[],
    periodSeconds: number,
    nowMs: number,
    maxGapSeconds: number,
    recorded: RecordedFailure | undefined,
): { health: PrimaryHealth; recorded: RecordedFailure | undefined } {
    if (live.healthy) {
        return { health: { healthy: true, failingForSeconds: 0, detail: live.detail }, recorded: undefined };
    }
    const run = failingSince(awsHoldoffEvidence(datapoints, periodSeconds, false, nowMs, maxGapSeconds, recorded));
    return { health: { healthy: false, failingForSeconds: run.failingForSeconds, detail: `${live.detail}; ${run.detail}` }, recorded: recordOfRun(run) };
}

/** The gap allowance of the primary's check and a recheck interval inside it, at most the 30 s default (holdoffCadence). */
export function awsHoldoffCadence(intervalSeconds: number, threshold: number): { holdoffGapSeconds: number; recheckIntervalSeconds: number } {
    return holdoffCadence(route53MaxGapSeconds(intervalSeconds, threshold), 30);
}
