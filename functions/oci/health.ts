import type { PrimaryHealth } from "../core/types";

/**
 * Health of the primary as OCI Monitoring sees it: the HTTPS monitor's
 * HTTP.isHealthy (1 or 0 per probe, one series per vantage point) averaged
 * over all vantage points per minute. Below one half means most vantage
 * points failed in that minute; one vantage point with a bad path to the
 * primary cannot start a failover on its own. The alarm and the function use
 * this same expression, so the alarm's pending duration and the function's
 * holdoff measure the same thing.
 */
export const UNHEALTHY_BELOW = 0.5;

export function healthQuery(monitorId: string): string {
    if (!/^ocid1\.[a-z0-9]+\./.test(monitorId) || /["\\]/.test(monitorId)) {
        throw new Error(`health query: "${monitorId}" is not an OCID`);
    }
    return `HTTP.isHealthy[1m]{resourceId = "${monitorId}"}.grouping().mean()`;
}

export function alarmQuery(monitorId: string): string {
    return `${healthQuery(monitorId)} < ${UNHEALTHY_BELOW}`;
}

/**
 * OCI alarms take the pending duration as ISO 8601 minutes, PT1M at least:
 * the holdoff rounded up, so the alarm never fires before the holdoff ran.
 */
export function pendingDuration(holdoffSeconds: number): string {
    if (!Number.isFinite(holdoffSeconds) || holdoffSeconds < 0) throw new Error(`holdoff must be >= 0 seconds, got ${holdoffSeconds}`);
    const minutes = Math.max(1, Math.ceil(holdoffSeconds / 60));
    if (minutes > 60 * 24) throw new Error(`holdoff ${holdoffSeconds}s exceeds the alarm's maximum pending duration of one day`);
    return `PT${minutes}M`;
}

export interface Datapoint {
    timestamp: string;
    value: number;
}

export interface MetricWindow {
    /** Seconds one datapoint covers (the [1m] interval). */
    resolutionSeconds: number;
    /** The newest datapoint must be at most this old, else the data says nothing about now. */
    staleAfterSeconds: number;
}

export const DEFAULT_WINDOW: MetricWindow = { resolutionSeconds: 60, staleAfterSeconds: 300 };

/**
 * Turns the per-minute series into PrimaryHealth: healthy when the newest
 * minute is healthy, otherwise failing for as many consecutive unhealthy
 * minutes as end at the newest one. No data, or only stale data, is an
 * error rather than a verdict: a failover must never start on missing data.
 */
export function primaryHealthFromMetrics(points: Datapoint[], nowMs: number, window: MetricWindow = DEFAULT_WINDOW): PrimaryHealth {
    const parsed = points
        .map(p => ({ t: Date.parse(p.timestamp), v: p.value }))
        .filter(p => Number.isFinite(p.t) && typeof p.v === "number" && Number.isFinite(p.v))
        .sort((a, b) => b.t - a.t);
    if (parsed.length === 0) {
        throw new Error("no HTTP.isHealthy datapoints for the primary's monitor in the query window; not deciding on missing data");
    }
    const ageSeconds = Math.round((nowMs - parsed[0].t) / 1000);
    if (ageSeconds > window.staleAfterSeconds) {
        throw new Error(`the newest HTTP.isHealthy datapoint is ${ageSeconds}s old (limit ${window.staleAfterSeconds}s); not deciding on stale data`);
    }
    if (parsed[0].v >= UNHEALTHY_BELOW) {
        return { healthy: true, failingForSeconds: 0, detail: `healthy fraction ${parsed[0].v} at ${new Date(parsed[0].t).toISOString()}` };
    }
    let count = 0;
    let previous = parsed[0].t;
    for (const p of parsed) {
        // A gap in the series breaks the run: an unobserved minute is not a failed one.
        if (previous - p.t > window.resolutionSeconds * 1000 * 1.5) break;
        if (p.v >= UNHEALTHY_BELOW) break;
        count++;
        previous = p.t;
    }
    return {
        healthy: false,
        failingForSeconds: count * window.resolutionSeconds,
        detail: `${count} consecutive minute(s) with healthy fraction < ${UNHEALTHY_BELOW}, newest ${parsed[0].v} at ${new Date(parsed[0].t).toISOString()}`,
    };
}

export interface ProbeResult {
    /** Milliseconds since the epoch. */
    startTime: number;
    isHealthy: boolean;
    vantagePointName?: string;
    target?: string;
}

/**
 * The secondary gate from its TCP monitor's probe results: the newest result
 * of each vantage point within the window, healthy when most of them are.
 */
export function secondaryHealthyFromProbes(results: ProbeResult[], nowMs: number, windowSeconds: number): { healthy: boolean; detail: string } {
    const recent = results.filter(r => typeof r.startTime === "number" && nowMs - r.startTime <= windowSeconds * 1000);
    if (recent.length === 0) {
        throw new Error(`no probe results for the secondary's monitor in the last ${windowSeconds}s; cannot confirm the secondary is reachable`);
    }
    const newest = new Map<string, ProbeResult>();
    for (const r of recent) {
        const key = r.vantagePointName ?? "(unnamed)";
        const cur = newest.get(key);
        if (!cur || r.startTime > cur.startTime) newest.set(key, r);
    }
    const all = [...newest.values()];
    const ok = all.filter(r => r.isHealthy === true).length;
    return { healthy: ok * 2 > all.length, detail: `${ok}/${all.length} vantage points reach the secondary` };
}
