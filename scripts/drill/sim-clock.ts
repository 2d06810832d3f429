// Virtual time for the drill: a discrete-event loop that runs the real
// failover code (which only ever waits through Clock.sleep) against
// simulated minutes and hours in milliseconds of real time.

import { Clock } from "../../functions/core/types";

interface Timer {
    at: number;
    seq: number;
    fire: () => void;
}

/** Let every promise chain that a fired timer resumed run until it waits on the clock again. */
async function settle(): Promise<void> {
    // Microtasks drain before each macrotask; two turns also cover code that
    // defers through setImmediate (none of ours does, but a fake might).
    await new Promise<void>(resolve => setImmediate(resolve));
    await new Promise<void>(resolve => setImmediate(resolve));
}

export class SimClock implements Clock {
    private nowMs: number;
    private seq = 0;
    private readonly timers: Timer[] = [];

    constructor(readonly startMs: number) {
        this.nowMs = startMs;
    }

    now(): number {
        return this.nowMs;
    }

    /** Seconds since the start of the simulation. */
    elapsedS(): number {
        return (this.nowMs - this.startMs) / 1000;
    }

    sleep(ms: number): Promise<void> {
        return new Promise<void>(resolve => { this.schedule(this.nowMs + Math.max(0, ms), resolve); });
    }

    /** Runs fire() at the given simulated time (ms since the epoch). Timers at the same instant fire in the order they were set. */
    schedule(atMs: number, fire: () => void): void {
        const timer = { at: Math.max(atMs, this.nowMs), seq: ++this.seq, fire };
        // Binary insertion keeps the queue ordered by (at, seq).
        let lo = 0;
        let hi = this.timers.length;
        while (lo < hi) {
            const mid = (lo + hi) >> 1;
            const t = this.timers[mid];
            if (t.at < timer.at || (t.at === timer.at && t.seq < timer.seq)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        this.timers.splice(lo, 0, timer);
    }

    /** Seconds after the start, as epoch ms. */
    at(seconds: number): number {
        return this.startMs + Math.round(seconds * 1000);
    }

    /** Fires timers in time order until none is left before untilMs; time then stands at untilMs. */
    async run(untilMs: number): Promise<void> {
        await settle();
        while (this.timers.length > 0 && this.timers[0].at <= untilMs) {
            const timer = this.timers.shift()!;
            this.nowMs = timer.at;
            timer.fire();
            await settle();
        }
        this.nowMs = Math.max(this.nowMs, untilMs);
    }
}

/** Deterministic jitter for retries (mulberry32): the same drill gives the same timeline. */
export function seededRandom(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
