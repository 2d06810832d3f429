// Remote calls as the bench records them: when each started and ended (wall
// clock), the longest chain of calls that had to wait for one another (the
// critical path in round trips), and a way to run the same calls again one
// after another.

import { performance } from "perf_hooks";

export interface Span {
    name: string;
    start: number;
    end: number;
    /** Sends the same call again (for the sequential run). */
    replay: () => Promise<unknown>;
}

export class CallRecorder {
    readonly spans: Span[] = [];

    /** Starts a span now; call the returned function when the call's answer is in. */
    begin(name: string, replay: () => Promise<unknown>): () => void {
        const span: Span = { name, start: performance.now(), end: Number.POSITIVE_INFINITY, replay };
        this.spans.push(span);
        return () => { span.end = performance.now(); };
    }

    /** A span measured elsewhere (start and end already known). */
    add(span: Span): void {
        this.spans.push(span);
    }

    /**
     * Round trips on the critical path: the longest chain of calls each of
     * which started after the previous one ended. Calls that overlap ran
     * together and count once.
     */
    criticalPath(): number {
        const sorted = [...this.spans].sort((a, b) => a.start - b.start);
        const depth: number[] = [];
        let longest = 0;
        sorted.forEach((span, i) => {
            let d = 1;
            for (let j = 0; j < i; j++) {
                if (sorted[j].end <= span.start) d = Math.max(d, depth[j] + 1);
            }
            depth[i] = d;
            longest = Math.max(longest, d);
        });
        return longest;
    }

    /**
     * The calls by depth: round k holds every call whose longest chain of
     * waited-for calls has length k (round 1 started at once). Which call a
     * later one waited for is not visible from the outside; which round it
     * landed in is.
     */
    rounds(): string[][] {
        const sorted = [...this.spans].sort((a, b) => a.start - b.start);
        const depth: number[] = [];
        const out: string[][] = [];
        sorted.forEach((span, i) => {
            let d = 1;
            for (let j = 0; j < i; j++) {
                if (sorted[j].end <= span.start) d = Math.max(d, depth[j] + 1);
            }
            depth[i] = d;
            (out[d - 1] ??= []).push(span.name);
        });
        return out;
    }

    /** The same calls, in the order they started, each awaited before the next: wall time in ms. */
    async runSequentially(): Promise<number> {
        const calls = [...this.spans].sort((a, b) => a.start - b.start);
        const t0 = performance.now();
        for (const c of calls) {
            await c.replay().catch(() => undefined);
        }
        return performance.now() - t0;
    }
}

export const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));
