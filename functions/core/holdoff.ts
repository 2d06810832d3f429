// Since when has the primary been failing without interruption? A pure
// reading of each cloud's evidence (functions/{aws,azure,oci}/health*.ts turn
// their API answers into it), so that the holdoff is measured from the
// failure itself and not counted in whole metric periods.
//
// The rule is one-sided on purpose: when the evidence is unclear (a gap, a
// period that was partly healthy, a datapoint not published yet) the failure
// is taken to have started later, never earlier, so the holdoff can be met
// late but never early.

/** One metric period (e.g. a minute of HealthCheckStatus): failing throughout, healthy throughout, or both. */
export interface PeriodEvidence {
    startMs: number;
    periodSeconds: number;
    state: "failing" | "healthy" | "mixed";
}

/** One point reading (a checker poll, an endpoint state, a probe result) at a known time. */
export interface PointEvidence {
    atMs: number;
    healthy: boolean;
}

/** What the function recorded earlier: failing continuously from sinceMs until at least lastFailingMs. */
export interface RecordedFailure {
    sinceMs: number;
    lastFailingMs: number;
}

export interface HoldoffEvidence {
    periods: PeriodEvidence[];
    points: PointEvidence[];
    recorded?: RecordedFailure;
    /**
     * The longest silence between two failing readings that still counts as
     * continuous failure: the health check's own resolution (its probe
     * interval). A longer gap could hide a healthy spell, so it ends the run.
     */
    maxGapSeconds: number;
    nowMs: number;
}

export interface FailingSince {
    /** undefined when the newest reading is healthy or there is no failing reading close enough to now. */
    sinceMs: number | undefined;
    /** Whole seconds from sinceMs to now, rounded down; 0 when not failing. */
    failingForSeconds: number;
    /** The newest failing reading of the run (what to record as lastFailingMs). */
    lastFailingMs: number | undefined;
    detail: string;
}

/** The run to record for the next reading or invocation; undefined when there is none. */
export function recordOfRun(run: FailingSince): RecordedFailure | undefined {
    return run.sinceMs !== undefined && run.lastFailingMs !== undefined ? { sinceMs: run.sinceMs, lastFailingMs: run.lastFailingMs } : undefined;
}

/**
 * A recheck interval inside a gap allowance: three quarters of it, at most
 * maxRecheckSeconds, so the function's own readings while it waits join into
 * one run and the round's own time fits in the rest.
 */
export function holdoffCadence(holdoffGapSeconds: number, maxRecheckSeconds: number): { holdoffGapSeconds: number; recheckIntervalSeconds: number } {
    return { holdoffGapSeconds, recheckIntervalSeconds: Math.max(1, Math.min(maxRecheckSeconds, Math.floor(holdoffGapSeconds * 3 / 4))) };
}

interface Span { fromMs: number; toMs: number }

export function failingSince(e: HoldoffEvidence): FailingSince {
    if (!Number.isFinite(e.maxGapSeconds) || e.maxGapSeconds < 0) {
        throw new Error(`failingSince: maxGapSeconds must be a number of seconds >= 0, got ${e.maxGapSeconds}`);
    }
    const gapMs = e.maxGapSeconds * 1000;
    const failing: Span[] = [];
    // The latest moment the primary may have been healthy. A healthy or mixed
    // period may have had its healthy sample at its very end.
    let lastHealthyMs = -Infinity;
    for (const p of e.periods) {
        if (!Number.isFinite(p.startMs) || !(p.periodSeconds > 0)) {
            continue;
        }
        const endMs = p.startMs + p.periodSeconds * 1000;
        if (p.state === "failing") {
            failing.push({ fromMs: p.startMs, toMs: endMs });
        } else {
            lastHealthyMs = Math.max(lastHealthyMs, endMs);
        }
    }
    for (const p of e.points) {
        if (!Number.isFinite(p.atMs)) {
            continue;
        }
        if (p.healthy) {
            lastHealthyMs = Math.max(lastHealthyMs, p.atMs);
        } else {
            failing.push({ fromMs: p.atMs, toMs: p.atMs });
        }
    }
    if (e.recorded && Number.isFinite(e.recorded.sinceMs) && Number.isFinite(e.recorded.lastFailingMs) && e.recorded.sinceMs <= e.recorded.lastFailingMs) {
        failing.push({ fromMs: e.recorded.sinceMs, toMs: e.recorded.lastFailingMs });
    }
    // Only what is strictly after the last healthy moment can be part of the current run.
    const after = failing
        .filter(s => s.toMs > lastHealthyMs)
        .map(s => ({ fromMs: Math.max(s.fromMs, lastHealthyMs === -Infinity ? s.fromMs : lastHealthyMs + 1), toMs: s.toMs }))
        .sort((a, b) => b.toMs - a.toMs);
    const none = (detail: string): FailingSince => ({ sinceMs: undefined, failingForSeconds: 0, lastFailingMs: undefined, detail });
    if (after.length === 0) {
        return none(lastHealthyMs === -Infinity ? "no failing reading" : `healthy at ${new Date(lastHealthyMs).toISOString()}, nothing failing since`);
    }
    const newest = after[0];
    if (e.nowMs - newest.toMs > gapMs) {
        return none(`newest failing reading ${new Date(newest.toMs).toISOString()} is more than ${e.maxGapSeconds}s old`);
    }
    let since = newest.fromMs;
    for (const s of after.slice(1)) {
        if (s.toMs + gapMs < since) {
            break;
        }
        since = Math.min(since, s.fromMs);
    }
    const failingForSeconds = Math.max(0, Math.floor((e.nowMs - since) / 1000));
    return {
        sinceMs: since,
        failingForSeconds,
        lastFailingMs: newest.toMs,
        detail: `failing since ${new Date(since).toISOString()} (${failingForSeconds}s)`,
    };
}
