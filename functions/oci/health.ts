import type { PrimaryHealth } from "../core/types";

/**
 * The primary's HTTPS monitor writes HTTP.isHealthy, 1 or 0 per probe, one
 * series per vantage point. A minute counts toward the holdoff only when
 * every probe of every vantage point failed in it: the highest value of the
 * minute is 0. That is the AWS rule (HealthCheckStatus Maximum 0) and what
 * "down for the holdoff without a break" means: a primary that is down for
 * most of every minute but answers in between (flapping) never builds up a
 * run. One vantage point with a bad path to the primary cannot start a
 * failover either, since the others keep the minute's maximum at 1.
 *
 * The alarm and the function use this same expression and threshold, so the
 * alarm's pending duration and the function's holdoff count the same minutes.
 */
export const FAILING_MINUTE_MAX_BELOW = 1;

export function healthQuery(monitorId: string): string {
    if (!/^ocid1\.[a-z0-9]+\./.test(monitorId) || /["\\]/.test(monitorId)) {
        throw new Error(`health query: "${monitorId}" is not an OCID`);
    }
    return `HTTP.isHealthy[1m]{resourceId = "${monitorId}"}.grouping().max()`;
}

export function alarmQuery(monitorId: string): string {
    return `${healthQuery(monitorId)} < ${FAILING_MINUTE_MAX_BELOW}`;
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
 * Seconds of the primary monitor's probe results the function reads. It
 * reaches back past the end of the newest minute the metric may still be
 * missing (a datapoint up to staleAfterSeconds old is accepted), so a healthy
 * probe after the counted minutes is always seen.
 */
export const PRIMARY_PROBE_WINDOW_SECONDS = DEFAULT_WINDOW.staleAfterSeconds;

export interface ProbeResult {
    /** Milliseconds since the epoch. */
    startTime: number;
    isHealthy: boolean;
    vantagePointName?: string;
    target?: string;
}

/** The primary monitor's probe results as read: what came back and from when on they are complete. */
export interface PrimaryProbes {
    results: ProbeResult[];
    /** Epoch ms from which the results are complete (the query's start, or the oldest result of a truncated page). */
    completeFromMs: number;
}

/** The run of failing minutes that ends at the newest datapoint. */
export interface FailingRun {
    /** Consecutive minutes whose maximum is below FAILING_MINUTE_MAX_BELOW, ending at the newest one (0 when the newest minute had a healthy probe). */
    minutes: number;
    /** Start of the oldest minute of the run (epoch ms); the newest minute's end when the run is empty. */
    startMs: number;
    /** End of the newest minute (epoch ms). */
    newestEndMs: number;
    newestValue: number;
}

/**
 * Counts the minutes of the `.grouping().max()` series in which every probe
 * failed, ending at the newest minute. A gap in the series ends the run (an
 * unobserved minute is not a failed one). No data, or only stale data, is an
 * error rather than a verdict: a failover must never start on missing data.
 */
export function failingRun(points: Datapoint[], nowMs: number, window: MetricWindow = DEFAULT_WINDOW): FailingRun {
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
    const resolutionMs = window.resolutionSeconds * 1000;
    const newestEndMs = parsed[0].t + resolutionMs;
    let minutes = 0;
    let startMs = newestEndMs;
    for (const p of parsed) {
        if (startMs - p.t > resolutionMs * 1.5) break;
        if (!(p.v < FAILING_MINUTE_MAX_BELOW)) break;
        minutes++;
        startMs = p.t;
    }
    return { minutes, startMs, newestEndMs, newestValue: parsed[0].v };
}

/**
 * The primary now, from its monitor's newest probe results: healthy when the
 * newest result of any vantage point is healthy (the same "any probe
 * answered" rule as the minute count). No results in the window is an error.
 */
export function primaryNowFromProbes(probes: PrimaryProbes, nowMs: number): { healthy: boolean; newestHealthyMs?: number; failedSinceMs?: number; detail: string } {
    const recent = probes.results.filter(r => typeof r.startTime === "number" && Number.isFinite(r.startTime)
        && r.startTime >= probes.completeFromMs && r.startTime <= nowMs + 60_000);
    if (recent.length === 0) {
        const seconds = Math.round((nowMs - probes.completeFromMs) / 1000);
        throw new Error(`no probe results for the primary's monitor in the last ${seconds}s; not deciding on missing data`);
    }
    const newest = newestPerVantagePoint(recent);
    const ok = newest.filter(r => r.isHealthy === true).length;
    let newestHealthyMs: number | undefined;
    for (const r of recent) {
        if (r.isHealthy === true && (newestHealthyMs === undefined || r.startTime > newestHealthyMs)) newestHealthyMs = r.startTime;
    }
    // The first failed probe after the newest healthy one: the primary has
    // been down at least since then (it may have gone down a little earlier,
    // between the two probes, which only makes the count conservative).
    let failedSinceMs: number | undefined;
    if (newestHealthyMs !== undefined) {
        for (const r of recent) {
            if (r.isHealthy !== true && r.startTime > newestHealthyMs && (failedSinceMs === undefined || r.startTime < failedSinceMs)) failedSinceMs = r.startTime;
        }
    }
    return { healthy: ok > 0, newestHealthyMs, failedSinceMs, detail: `${ok}/${newest.length} vantage points reach the primary in their newest probe` };
}

/**
 * PrimaryHealth from both readings. Healthy when a vantage point's newest
 * probe reached the primary. Otherwise failing for the whole minutes in which
 * every probe failed, ending at the newest published minute; a healthy probe
 * newer than the start of that run (in the minutes the metric has not
 * published yet, say) cuts it to the time since the first failed probe after
 * it, so a primary that came back and went down again is never counted as
 * down the whole time. Where the results reach back to the start of the run,
 * it counts from the run's first failed probe, so whole minutes never claim
 * the seconds before the first probe of the first minute.
 */
export function primaryHealthFromMetrics(points: Datapoint[], probes: PrimaryProbes, nowMs: number, window: MetricWindow = DEFAULT_WINDOW): PrimaryHealth {
    const run = failingRun(points, nowMs, window);
    const now = primaryNowFromProbes(probes, nowMs);
    if (now.healthy) {
        return { healthy: true, failingForSeconds: 0, detail: now.detail };
    }
    if (run.minutes > 0 && probes.completeFromMs > run.newestEndMs) {
        // A probe that reached the primary between the newest minute and the
        // oldest result read would go unseen: no verdict on that gap.
        throw new Error(`the primary's probe results start at ${new Date(probes.completeFromMs).toISOString()}, after the newest metric minute ended (${new Date(run.newestEndMs).toISOString()}); not deciding on a gap`);
    }
    let failingForSeconds = run.minutes * window.resolutionSeconds;
    let cut = "";
    if (run.minutes > 0 && now.newestHealthyMs !== undefined && now.newestHealthyMs >= run.startMs) {
        const since = now.failedSinceMs ?? nowMs;
        failingForSeconds = Math.max(0, Math.min(failingForSeconds, Math.floor((nowMs - since) / 1000)));
        cut = `; a probe reached it at ${new Date(now.newestHealthyMs).toISOString()}, after the run began`;
    } else if (run.minutes > 0 && probes.completeFromMs <= run.startMs) {
        // The first minute's first probe may come a few seconds after the
        // minute began; where the results reach back that far, count from it.
        const firstFailed = probes.results.reduce((m, r) => (r.isHealthy !== true && r.startTime >= run.startMs && r.startTime < m ? r.startTime : m), nowMs);
        failingForSeconds = Math.min(failingForSeconds, Math.floor((nowMs - firstFailed) / 1000));
    }
    return {
        healthy: false,
        failingForSeconds,
        detail: `${run.minutes} consecutive minute(s) in which every probe failed, newest max ${run.newestValue} for the minute ending ${new Date(run.newestEndMs).toISOString()}; ${now.detail}${cut}`,
    };
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
    const all = newestPerVantagePoint(recent);
    const ok = all.filter(r => r.isHealthy === true).length;
    return { healthy: ok * 2 > all.length, detail: `${ok}/${all.length} vantage points reach the secondary` };
}

function newestPerVantagePoint(results: ProbeResult[]): ProbeResult[] {
    const newest = new Map<string, ProbeResult>();
    for (const r of results) {
        const key = r.vantagePointName ?? "(unnamed)";
        const cur = newest.get(key);
        if (!cur || r.startTime > cur.startTime) newest.set(key, r);
    }
    return [...newest.values()];
}
