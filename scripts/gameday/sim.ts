// A simulated pair for gameday: a virtual clock (sleep moves time on, so a
// 10-minute gameday runs in milliseconds) and a pair whose phases follow the
// stack's expectedFailoverSeconds model. It implements the same OutageMethod
// and PairObserver the live adapters do, so run.ts is tested unchanged.

import { Clock, OutageMethod, PairObservation, PairObserver, RestoreRecord } from "./backend";

export class VirtualClock implements Clock {
    constructor(private ms = 0) {}
    now(): number { return this.ms; }
    async sleep(ms: number): Promise<void> { this.ms += Math.max(0, ms); }
}

export interface SimTimings {
    detectionS: number;
    holdoffS: number;
    functionS: number;
    recoveryS: number;
    dnsS: number;
}

export interface SimOptions {
    /** The function never acts (a broken or missing trigger). */
    functionNeverActs?: boolean;
    /** The global record flips back to the primary once it is healthy again (a missing lock). */
    failsBack?: boolean;
    /** restore() throws. */
    restoreFails?: boolean;
}

/** An HTTPRoute-detach outage against the simulated primary; records the parentRefs it removed. */
export class SimPair implements OutageMethod, PairObserver {
    readonly name = "detach the primary's HTTPRoute from its Gateway (parentRefs)";
    private downSince: number | undefined;
    private failedOverAt: number | undefined;
    readonly calls: string[] = [];
    parentRefs: Array<{ name: string; sectionName?: string }> = [{ name: "logscale", sectionName: "https" }];

    constructor(private readonly clock: Clock, private readonly t: SimTimings, private readonly o: SimOptions = {}) {}

    async take(): Promise<RestoreRecord> {
        this.calls.push("take");
        const before = this.parentRefs;
        this.parentRefs = [];
        this.downSince = this.clock.now();
        return { method: "httproute-parentrefs", target: "HTTPRoute logging/logscale", before };
    }

    async restore(record: RestoreRecord): Promise<void> {
        this.calls.push("restore");
        if (this.o.restoreFails) throw new Error("the API server refused the patch");
        this.parentRefs = record.before as SimPair["parentRefs"];
        this.downSince = undefined;
    }

    async observe(): Promise<PairObservation> {
        const now = this.clock.now();
        const downS = this.downSince === undefined ? 0 : (now - this.downSince) / 1000;
        const t = this.t;
        if (this.failedOverAt === undefined && !this.o.functionNeverActs && this.downSince !== undefined && downS >= t.detectionS + t.holdoffS + t.functionS) {
            this.failedOverAt = now;
        }
        const sinceFo = this.failedOverAt === undefined ? -1 : (now - this.failedOverAt) / 1000;
        const fo = sinceFo >= 0;
        const dnsSecondary = fo && sinceFo >= t.recoveryS + t.dnsS && !(this.o.failsBack && this.downSince === undefined);
        return {
            healthCheckUnhealthy: this.downSince !== undefined && downS >= t.detectionS / 2,
            alarmFiring: this.downSince !== undefined && downS >= t.detectionS,
            functionDecision: fo ? "failed-over" : this.downSince !== undefined && downS >= t.detectionS ? "holdoff" : "primary-healthy",
            operatorReplicas: fo ? 1 : 0,
            logscaleReady: fo && sinceFo >= t.recoveryS,
            globalResolvesTo: dnsSecondary ? "secondary" : "primary",
            dnsLocked: fo && !this.o.failsBack,
            operatorScaleUps: fo ? 1 : 0,
        };
    }
}
