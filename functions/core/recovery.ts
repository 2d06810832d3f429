import { errorMessage } from "./retry";
import { Clock, FailoverResult, Logger } from "./types";

// Verified recovery: after a failover scaled the operator, the function keeps
// asking LogScale on the standby, through the cluster, whether it answers
// /api/v1/status with OK, until it does or the recovery deadline passes. The
// timestamps of each phase live in one annotation beside the failover record,
// so whichever run sees LogScale ready (the same run, a recheck, an alarm
// repeat) can measure the whole failover and report it once.

/** On the humio-operator Deployment, beside the failover record. */
export const RECOVERY_ANNOTATION = "logscale.dr/recovery";

export type RecoveryState = "watching" | "recovered" | "not-confirmed";

/** Epoch milliseconds of each phase. */
export interface RecoveryRecord {
    state: RecoveryState;
    /** Primary first failing, from the health metric at the decision (decision less the failing streak). */
    primaryFailingSince?: number;
    decided?: number;
    tlsSecretDeleted?: number;
    scaled: number;
    dnsLocked?: number;
    ready?: number;
    /** When "watching" turns "not-confirmed". */
    deadline: number;
    /** The model's total for comparison (expectedFailoverSeconds). */
    expectedSeconds?: number;
}

export interface RecoveryPhases {
    /** primaryFailingSince -> decided: detection, alarm and holdoff. */
    detectionSeconds?: number;
    /** decided -> scaled (the stale TLS secret's deletion is inside). */
    actSeconds?: number;
    /** decided -> tlsSecretDeleted, when this failover deleted it. */
    tlsSecretSeconds?: number;
    /** scaled -> dnsLocked. */
    dnsLockSeconds?: number;
    /** scaled -> ready: LogScale starting from the primary's snapshot. */
    recoverySeconds?: number;
    /** From the first failing probe (or the decision, without it) to ready. */
    totalSeconds?: number;
}

const seconds = (from?: number, to?: number) => (from === undefined || to === undefined ? undefined : Math.max(0, Math.round((to - from) / 1000)));

export function phases(r: RecoveryRecord): RecoveryPhases {
    const start = r.primaryFailingSince ?? r.decided ?? r.scaled;
    return {
        detectionSeconds: seconds(r.primaryFailingSince, r.decided),
        actSeconds: seconds(r.decided, r.scaled),
        tlsSecretSeconds: seconds(r.decided, r.tlsSecretDeleted),
        dnsLockSeconds: seconds(r.scaled, r.dnsLocked),
        recoverySeconds: seconds(r.scaled, r.ready),
        totalSeconds: seconds(start, r.ready),
    };
}

/**
 * The record a failover run starts, or undefined when this run did not scale
 * (nothing new to follow). The first failing moment comes from the health
 * reading the decision used: its failing streak, counted back from the decision.
 */
export function startRecord(result: FailoverResult, deadlineMinutes: number, expectedSeconds: number | undefined): RecoveryRecord | undefined {
    const t = result.timeline;
    if (!result.operatorScaled || t?.scaledAt === undefined) return undefined;
    const failing = result.primary && !result.primary.healthy && t.decidedAt !== undefined
        ? t.decidedAt - result.primary.failingForSeconds * 1000
        : undefined;
    return {
        state: "watching",
        primaryFailingSince: failing,
        decided: t.decidedAt,
        tlsSecretDeleted: t.tlsSecretDeletedAt,
        scaled: t.scaledAt,
        dnsLocked: t.dnsLockedAt,
        deadline: t.scaledAt + deadlineMinutes * 60_000,
        expectedSeconds,
    };
}

export function encodeRecord(r: RecoveryRecord): string {
    return JSON.stringify(r);
}

/** undefined when absent; an error string when someone wrote something we cannot read (then it is left alone). */
export function parseRecord(raw: string | undefined): RecoveryRecord | { error: string } | undefined {
    if (raw === undefined || raw === "") return undefined;
    let v: Partial<RecoveryRecord>;
    try {
        v = JSON.parse(raw) as Partial<RecoveryRecord>;
    } catch {
        return { error: `${RECOVERY_ANNOTATION} is not JSON` };
    }
    const num = (x: unknown) => x === undefined || (typeof x === "number" && Number.isFinite(x));
    if (!v || !["watching", "recovered", "not-confirmed"].includes(v.state as string) || typeof v.scaled !== "number" || typeof v.deadline !== "number"
        || ![v.primaryFailingSince, v.decided, v.tlsSecretDeleted, v.dnsLocked, v.ready, v.expectedSeconds].every(num)) {
        return { error: `${RECOVERY_ANNOTATION} lacks state, scaled or deadline, or holds a non-numeric time` };
    }
    return v as RecoveryRecord;
}

/** What the cloud gives the follow-up. */
export interface RecoveryIo {
    readRecord(): Promise<string | undefined>;
    writeRecord(value: string): Promise<void>;
    /** GET /api/v1/status of LogScale on the standby, through the cluster (Service proxy), never DNS. */
    logscaleStatus(): Promise<{ code: number; body: string }>;
    /** LogScaleDR/MeasuredFailoverSeconds (or the cloud's equivalent). */
    publishMeasured?(totalSeconds: number): Promise<void>;
}

export interface RecoveryOutcome {
    state: RecoveryState | "none";
    /** Why nothing was followed ("none"), or the last status read. */
    detail: string;
    phases?: RecoveryPhases;
    expectedSeconds?: number;
    /** Measured total minus expected, seconds (positive: slower than the model). */
    versusExpectedSeconds?: number;
    /** The state changed in this run: the message owed to people. */
    changed: boolean;
    record?: RecoveryRecord;
    metricError?: string;
}

/** LogScale's status answer: {"status":"OK", "version": "..."} when it serves. */
export function statusIsOk(res: { code: number; body: string }): boolean {
    if (res.code !== 200) return false;
    try {
        return (JSON.parse(res.body) as { status?: unknown }).status === "OK";
    } catch {
        return false;
    }
}

/**
 * One follow-up: reads the record, asks LogScale, and polls every
 * recheckIntervalSeconds until ready, the deadline, or untilMs (this run's
 * budget). Never undoes anything and never throws for LogScale's answers; a
 * failed read of the record is the only thing that ends it early, since
 * without the record there is nothing to measure against.
 */
export async function followRecovery(io: RecoveryIo, o: { clock: Clock; log: Logger; recheckIntervalSeconds: number; untilMs: number; start?: RecoveryRecord }): Promise<RecoveryOutcome> {
    let record: RecoveryRecord;
    if (o.start) {
        record = o.start;
        await io.writeRecord(encodeRecord(record));
    } else {
        const parsed = parseRecord(await io.readRecord());
        if (parsed === undefined) return { state: "none", detail: "no recovery being followed", changed: false };
        if ("error" in parsed) {
            o.log("warn", "recovery.record-invalid", { error: parsed.error });
            return { state: "none", detail: parsed.error, changed: false };
        }
        record = parsed;
        if (record.state !== "watching") return { ...describe(record), changed: false, detail: `recovery already ${record.state}` };
    }
    let detail = "not asked yet";
    // Bounded by count as well as by time: a clock that does not move (a stalled
    // timer, a test double) must not turn the follow-up into a busy loop.
    const maxPolls = Math.max(1, Math.ceil((o.untilMs - o.clock.now()) / 1000 / Math.max(1, o.recheckIntervalSeconds))) + 1;
    for (let poll = 1; ; poll++) {
        const now = o.clock.now();
        try {
            const res = await io.logscaleStatus();
            if (statusIsOk(res)) {
                record = { ...record, state: "recovered", ready: o.clock.now() };
                return finish(record, "LogScale answers /api/v1/status OK");
            }
            detail = `/api/v1/status answered ${res.code}${res.body ? `: ${res.body.slice(0, 120)}` : ""}`;
        } catch (err) {
            // Not ready yet looks like this too (no endpoints behind the Service): keep polling.
            detail = `/api/v1/status: ${errorMessage(err)}`;
        }
        if (now >= record.deadline) {
            record = { ...record, state: "not-confirmed" };
            return finish(record, `not ready by the deadline ${new Date(record.deadline).toISOString()}; last: ${detail}`);
        }
        const sleepMs = Math.min(o.recheckIntervalSeconds * 1000, record.deadline - now);
        if (o.clock.now() + sleepMs > o.untilMs || poll >= maxPolls) {
            o.log("info", "recovery.watching", { detail, deadline: new Date(record.deadline).toISOString() });
            return { ...describe(record), detail, changed: false, record };
        }
        await o.clock.sleep(Math.max(1000, sleepMs));
    }

    async function finish(r: RecoveryRecord, why: string): Promise<RecoveryOutcome> {
        await io.writeRecord(encodeRecord(r));
        const out: RecoveryOutcome = { ...describe(r), detail: why, changed: true, record: r };
        if (r.state === "recovered" && io.publishMeasured && out.phases?.totalSeconds !== undefined) {
            try {
                await io.publishMeasured(out.phases.totalSeconds);
            } catch (err) {
                out.metricError = errorMessage(err);
                o.log("warn", "recovery.metric-failed", { error: err });
            }
        }
        o.log(r.state === "recovered" ? "info" : "error", "recovery.result", { ...out });
        return out;
    }
}

function describe(r: RecoveryRecord): Omit<RecoveryOutcome, "detail" | "changed"> {
    const p = phases(r);
    return {
        state: r.state,
        phases: p,
        expectedSeconds: r.expectedSeconds,
        versusExpectedSeconds: p.totalSeconds !== undefined && r.expectedSeconds !== undefined ? p.totalSeconds - r.expectedSeconds : undefined,
        record: r,
    };
}

export interface FollowUpSettings {
    recheckIntervalSeconds: number;
    /** End of this run's budget (epoch ms): the follow-up hands over to the next run then. */
    untilMs: number;
    recoveryDeadlineMinutes: number;
    expectedFailoverSeconds?: number;
}

/**
 * After a failover run: starts the record when the run scaled, otherwise
 * continues one being watched (a recheck, an alarm repeat), tells people when
 * it ended, and asks for another run while it is still watching. Never
 * throws and never changes the decision: the failover stands whatever
 * LogScale or a message does.
 */
export async function followUpRecovery(
    result: FailoverResult,
    io: RecoveryIo,
    o: { clock: Clock; log: Logger; settings: FollowUpSettings; notify: (outcome: RecoveryOutcome) => Promise<void>; scheduleRecheck?: (afterSeconds: number) => Promise<void> },
): Promise<RecoveryOutcome | undefined> {
    // Only where a failover happened: this run scaled, or it found the operator already up
    // (a recheck, an alarm repeat, even one that stopped in the cooldown).
    if (result.decision === "error" || (!result.operatorScaled && !((result.operatorReplicasBefore ?? 0) >= 1))) return undefined;
    let outcome: RecoveryOutcome;
    try {
        const start = startRecord(result, o.settings.recoveryDeadlineMinutes, o.settings.expectedFailoverSeconds);
        outcome = await followRecovery(io, { clock: o.clock, log: o.log, recheckIntervalSeconds: o.settings.recheckIntervalSeconds, untilMs: o.settings.untilMs, start });
    } catch (err) {
        o.log("warn", "recovery.follow-failed", { error: err });
        return { state: "none", detail: `the recovery record could not be read or written: ${errorMessage(err)}`, changed: false };
    }
    if (outcome.changed) {
        try {
            await o.notify(outcome);
        } catch (err) {
            o.log("warn", "notify.failed", { error: errorMessage(err) });
        }
    }
    if (outcome.state === "watching" && o.scheduleRecheck && !result.recheckScheduled) {
        try {
            await o.scheduleRecheck(o.settings.recheckIntervalSeconds);
        } catch (err) {
            o.log("warn", "recovery.recheck-unscheduled", { error: err });
        }
    }
    return outcome;
}
