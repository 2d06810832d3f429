// Pure readings of Traffic Manager answers for the holdoff
// (functions/core/holdoff.ts): the endpoint-state minutes, the function's own
// reading now, and the run recorded on the operator Deployment.

import { failingSince, FailingSince, holdoffCadence, HoldoffEvidence, PeriodEvidence, RecordedFailure } from "../core/holdoff";
import { ENDPOINT_STATE_PERIOD_SECONDS, EndpointStateMinute } from "./metrics";

/**
 * The holdoff's evidence from Traffic Manager: each published minute (Maximum
 * 0: not Online at any moment of it; 1: Online at some moment, possibly its
 * last), the endpoint failing now (this function only asks for a run while it
 * is), and the run recorded earlier. A minute not published yet is absent, so
 * a late datapoint can only make the run start later.
 */
export function azureHoldoffEvidence(minutes: EndpointStateMinute[], nowMs: number, maxGapSeconds: number, recorded?: RecordedFailure): HoldoffEvidence {
    const periods: PeriodEvidence[] = minutes
        .filter(m => Number.isFinite(m.startMs) && Number.isFinite(m.maximum))
        .map(m => ({ startMs: m.startMs, periodSeconds: ENDPOINT_STATE_PERIOD_SECONDS, state: m.maximum > 0 ? "mixed" : "failing" }));
    return { periods, points: [{ atMs: nowMs, healthy: false }], recorded, maxGapSeconds, nowMs };
}

/** The failing run now, with the endpoint failing at nowMs. */
export function azureFailingRun(minutes: EndpointStateMinute[], nowMs: number, maxGapSeconds: number, recorded?: RecordedFailure): FailingSince {
    return failingSince(azureHoldoffEvidence(minutes, nowMs, maxGapSeconds, recorded));
}

/**
 * The longest silence between two failing Traffic Manager readings that
 * cannot hide an Online spell: one successful probe brings the endpoint
 * Online, and it stays there until `tolerated` probes in a row fail
 * (components/azure/trafficmanager.ts sets toleratedNumberOfFailures to the
 * threshold; Traffic Manager needs one failure more, so this is the shorter
 * count), i.e. at least max(1, tolerated) intervals. Half an interval less
 * keeps a margin for when ARM shows a change.
 */
export function trafficManagerMaxGapSeconds(intervalSeconds: number, toleratedFailures: number): number {
    if (!(intervalSeconds > 0) || !(toleratedFailures >= 0)) {
        throw new Error(`trafficManagerMaxGapSeconds: interval must be > 0 and tolerated failures >= 0, got ${intervalSeconds} and ${toleratedFailures}`);
    }
    return Math.max(1, Math.floor(Math.max(1, toleratedFailures) * intervalSeconds - intervalSeconds / 2));
}

/** The gap allowance and a recheck interval inside it, at most the probe interval: nothing changes faster (holdoffCadence). */
export function azureHoldoffCadence(intervalSeconds: number, toleratedFailures: number): { holdoffGapSeconds: number; recheckIntervalSeconds: number } {
    return holdoffCadence(trafficManagerMaxGapSeconds(intervalSeconds, toleratedFailures), intervalSeconds);
}

/**
 * The recorded run as the annotations keep it, in whole epoch seconds:
 * since rounded up and the last failing reading rounded down, so the record
 * never reaches further than the readings did. An annotation from before the
 * last-failing one existed (since alone) vouches only for its own moment.
 */
export function recordedFromAnnotations(sinceS: number | undefined, lastFailingS: number | undefined): RecordedFailure | undefined {
    if (sinceS === undefined) {
        return undefined;
    }
    const last = lastFailingS !== undefined && lastFailingS >= sinceS ? lastFailingS : sinceS;
    return { sinceMs: sinceS * 1000, lastFailingMs: last * 1000 };
}

export function annotationsOfRun(run: RecordedFailure): { sinceS: number; lastFailingS: number } {
    const sinceS = Math.ceil(run.sinceMs / 1000);
    return { sinceS, lastFailingS: Math.max(sinceS, Math.floor(run.lastFailingMs / 1000)) };
}
