// The gameday itself: outage, phases watched, invariants, restore. Restores
// the primary on every way out (done, failure, timeout, abort), because the
// restore sits in a finally around everything after the outage.

import { Clock, OutageMethod, PairObservation, PairObserver, RestoreRecord } from "./backend";

export const SCENARIOS = ["primary-down", "transient"] as const;
export type Scenario = typeof SCENARIOS[number];

export const PHASES = [
    ["healthCheckUnhealthy", "health check unhealthy"],
    ["alarmFiring", "alarm firing"],
    ["functionFailedOver", "function decided failed-over"],
    ["operatorUp", "operator 1/1"],
    ["logscaleReady", "LogScale ready"],
    ["dnsToSecondary", "global hostname resolves to the secondary"],
    ["dnsLocked", "DNS locked"],
] as const;
export type PhaseKey = typeof PHASES[number][0];

export interface Phase {
    key: PhaseKey;
    label: string;
    /** Seconds after the outage began; null when not reached. */
    atS: number | null;
}

export interface Invariant {
    name: string;
    ok: boolean;
    detail: string;
}

export interface GamedayOptions {
    scenario: Scenario;
    /** Hard overall timeout. */
    timeoutS: number;
    pollS: number;
    /** Seconds the function holds off before failing over (transient stays below it). */
    holdoffS: number;
    /** The stack's expectedFailoverSeconds.totalS. */
    expectedTotalS: number;
    /** After the restore, how long to keep watching that no traffic goes back to the primary. */
    afterRestoreS: number;
    signal?: AbortSignal;
    progress?: (line: string) => void;
}

export interface GamedayReport {
    scenario: Scenario;
    verdict: "pass" | "fail";
    reason: string;
    outageMethod: string;
    restored: boolean;
    restoreError?: string;
    phases: Phase[];
    invariants: Invariant[];
    expectedTotalS: number;
    measuredTotalS: number | null;
    elapsedS: number;
    next: string;
}

export class GamedayAborted extends Error {}

export async function runGameday(outage: OutageMethod, observer: PairObserver, clock: Clock, o: GamedayOptions): Promise<GamedayReport> {
    const t0 = clock.now();
    const elapsed = () => Math.round((clock.now() - t0) / 1000);
    const phases: Phase[] = PHASES.map(([key, label]) => ({ key, label, atS: null }));
    const mark = (key: PhaseKey) => { const p = phases.find(x => x.key === key)!; if (p.atS === null) p.atS = elapsed(); };
    let current = "outage";
    const progress = () => o.progress?.(`[gameday ${o.scenario}] ${current} — ${elapsed()}s elapsed`);
    let record: RestoreRecord | undefined;
    let restored = false;
    let restoreError: string | undefined;
    let last: PairObservation | undefined;
    let reason = "";
    let ok = false;
    let trafficBack = false;
    const restore = async () => {
        if (!record || restored) return;
        try {
            await outage.restore(record);
            restored = true;
        } catch (e) {
            restoreError = `restore of ${record.target} failed: ${(e as Error).message}; put back by hand: ${JSON.stringify(record.before)}`;
        }
    };
    const observe = async () => {
        last = await observer.observe();
        if (last.healthCheckUnhealthy) mark("healthCheckUnhealthy");
        if (last.alarmFiring) mark("alarmFiring");
        if (last.functionDecision === "failed-over") mark("functionFailedOver");
        if (last.operatorReplicas === 1) mark("operatorUp");
        if (last.logscaleReady) mark("logscaleReady");
        if (last.globalResolvesTo === "secondary") mark("dnsToSecondary");
        if (last.dnsLocked) mark("dnsLocked");
        const next = phases.find(p => p.atS === null);
        current = next ? `waiting: ${next.label}` : "all phases reached";
        progress();
    };
    const wait = async () => {
        if (o.signal?.aborted) throw new GamedayAborted("interrupted");
        await clock.sleep(o.pollS * 1000);
        if (o.signal?.aborted) throw new GamedayAborted("interrupted");
    };
    try {
        record = await outage.take();
        progress();
        if (o.scenario === "transient") {
            // Down for half the holdoff, then back; watch past the holdoff that nothing fails over.
            while (elapsed() < o.holdoffS / 2) { await observe(); await wait(); }
            current = "restoring the primary (transient)";
            await restore();
            while (elapsed() < o.holdoffS * 2 && elapsed() < o.timeoutS) { await observe(); await wait(); }
            await observe();
            ok = last!.operatorScaleUps === 0 && last!.globalResolvesTo !== "secondary";
            reason = ok ? `primary down ${Math.round(o.holdoffS / 2)}s (< holdoff ${o.holdoffS}s): no failover, as expected`
                : `a ${Math.round(o.holdoffS / 2)}s outage, shorter than the ${o.holdoffS}s holdoff, failed the pair over`;
        } else {
            while (phases.some(p => p.atS === null)) {
                if (elapsed() >= o.timeoutS) break;
                await observe();
                if (phases.every(p => p.atS !== null)) break;
                await wait();
            }
            const missing = phases.filter(p => p.atS === null);
            if (missing.length) {
                reason = `timed out after ${o.timeoutS}s waiting for: ${missing.map(p => p.label).join(", ")}`;
            } else {
                current = "restoring the primary";
                await restore();
                const until = elapsed() + o.afterRestoreS;
                while (elapsed() < until) {
                    await wait();
                    await observe();
                    if (last!.globalResolvesTo === "primary") trafficBack = true;
                }
                ok = true;
                reason = `failed over in ${lastPhaseS(phases)}s (expected ${o.expectedTotalS}s)`;
            }
        }
    } catch (e) {
        reason = e instanceof GamedayAborted ? `interrupted after ${elapsed()}s; primary restored` : `error: ${(e as Error).message}`;
        ok = false;
    } finally {
        await restore();
    }
    const invariants: Invariant[] = [];
    if (last) {
        const wantScales = o.scenario === "primary-down" ? 1 : 0;
        invariants.push({ name: "exactly-one-scale", ok: last.operatorScaleUps === wantScales, detail: `${last.operatorScaleUps} operator scale-up(s), expected ${wantScales}` });
        if (o.scenario === "primary-down") {
            invariants.push({ name: "lock-applied", ok: last.dnsLocked, detail: last.dnsLocked ? "DNS lock in place" : "DNS not locked" });
            invariants.push({ name: "no-traffic-back", ok: !trafficBack && ok, detail: trafficBack ? "the global hostname went back to the primary after its restore" : ok ? `stayed on the secondary for ${o.afterRestoreS}s after the restore` : "not reached" });
        }
    }
    if (restoreError) { ok = false; reason = `${reason}; ${restoreError}`; }
    if (ok && invariants.some(i => !i.ok)) { ok = false; reason = `invariant failed: ${invariants.filter(i => !i.ok).map(i => `${i.name} (${i.detail})`).join("; ")}`; }
    const measured = o.scenario === "primary-down" && phases.every(p => p.atS !== null) ? lastPhaseS(phases) : null;
    return {
        scenario: o.scenario,
        verdict: ok ? "pass" : "fail",
        reason,
        outageMethod: outage.name,
        restored,
        restoreError,
        phases,
        invariants,
        expectedTotalS: o.expectedTotalS,
        measuredTotalS: measured,
        elapsedS: elapsed(),
        next: o.scenario === "primary-down" && measured !== null
            ? "the pair stays failed over: failback is next (docs/runbook.md)"
            : "the pair is unchanged",
    };
}

// The phases are listed in their usual order, but the lock lands before DNS
// answers change: the failover is over when the last of them is reached.
function lastPhaseS(phases: readonly Phase[]): number {
    return Math.max(...phases.map(p => p.atS ?? 0));
}
