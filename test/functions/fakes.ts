// Test doubles for the cloud side of the failover core: a fake clock whose
// sleeps advance time at once, a fake platform with counters and scripted
// faults, and a tracker that measures the critical path in round trips.
import { Clock, FailoverPlatform, FailoverSettings, Logger, LogLevel, PrimaryHealth, RemoteError } from "../../functions/core/types";

export class FakeClock implements Clock {
    readonly sleeps: number[] = [];
    constructor(public nowMs: number = Date.UTC(2025, 0, 15, 12, 0, 0)) {}
    now(): number {
        return this.nowMs;
    }
    async sleep(ms: number): Promise<void> {
        this.sleeps.push(ms);
        this.nowMs += ms;
        // Let other invocations interleave, as a real sleep would.
        await new Promise<void>(resolve => setImmediate(resolve));
    }
}

type PlatformMethod = "primaryHealth" | "secondaryHealthy" | "lastFailoverEpoch" | "recordFailover" | "lockDns" | "clearDegraded" | "scheduleRecheck";

/**
 * The primary is described by when it started failing (epoch ms on the fake
 * clock) or as healthy; failingForSeconds follows the clock, as a cloud's
 * metric would.
 */
export class FakePlatform implements FailoverPlatform {
    readonly cloud = "aws" as const;
    primaryFailingSinceMs: number | undefined;
    /** Once the clock passes this, the primary reads healthy again. */
    primaryRecoversAtMs: number | undefined;
    secondaryIsHealthy = true;
    lastEpoch: number | undefined;
    readonly calls: PlatformMethod[] = [];
    readonly recorded: number[] = [];
    /** The lock mark of each recordFailover call. */
    readonly marks: string[] = [];
    lastMark: "pending" | "applied" | undefined;
    readonly rechecks: number[] = [];
    locks = 0;
    clears = 0;
    private readonly faults = new Map<PlatformMethod, Error[]>();
    scheduleRecheck?: (afterSeconds: number) => Promise<void>;

    constructor(private readonly clock: FakeClock, opts: { withRecheck?: boolean; tracker?: RoundTracker } = {}) {
        this.tracker = opts.tracker;
        if (opts.withRecheck !== false) {
            this.scheduleRecheck = async (afterSeconds: number) => {
                await this.enter("scheduleRecheck");
                this.rechecks.push(afterSeconds);
            };
        }
    }

    private readonly tracker: RoundTracker | undefined;

    /** The next calls of `method` fail with these errors, in order. */
    failNext(method: PlatformMethod, ...errors: Error[]): void {
        this.faults.set(method, [...(this.faults.get(method) ?? []), ...errors]);
    }

    count(method: PlatformMethod): number {
        return this.calls.filter(c => c === method).length;
    }

    async primaryHealth(): Promise<PrimaryHealth> {
        await this.enter("primaryHealth");
        const now = this.clock.now();
        if (this.primaryFailingSinceMs === undefined || (this.primaryRecoversAtMs !== undefined && now >= this.primaryRecoversAtMs)) {
            return { healthy: true, failingForSeconds: 0 };
        }
        return { healthy: false, failingForSeconds: Math.max(0, Math.floor((now - this.primaryFailingSinceMs) / 1000)) };
    }

    async secondaryHealthy(): Promise<boolean> {
        await this.enter("secondaryHealthy");
        return this.secondaryIsHealthy;
    }

    async lastFailoverEpoch(): Promise<number | undefined> {
        await this.enter("lastFailoverEpoch");
        return this.lastEpoch;
    }

    async failoverRecord(): Promise<{ epochSeconds: number; lock: "pending" | "applied" } | undefined> {
        await this.enter("lastFailoverEpoch");
        return this.lastEpoch === undefined ? undefined : { epochSeconds: this.lastEpoch, lock: this.lastMark ?? "applied" };
    }

    async recordFailover(epochSeconds: number, lock: "pending" | "applied" = "applied"): Promise<void> {
        await this.enter("recordFailover");
        this.recorded.push(epochSeconds);
        this.marks.push(lock);
        this.lastEpoch = epochSeconds;
        this.lastMark = lock;
    }

    async lockDns(): Promise<void> {
        await this.enter("lockDns");
        this.locks++;
    }

    async clearDegraded(): Promise<void> {
        await this.enter("clearDegraded");
        this.clears++;
    }

    private async enter(method: PlatformMethod): Promise<void> {
        this.calls.push(method);
        const end = this.tracker?.begin(`platform.${method}`);
        try {
            // A remote call: resolve on a later turn of the event loop.
            await new Promise<void>(resolve => setImmediate(resolve));
            const fault = this.faults.get(method)?.shift();
            if (fault) {
                throw fault;
            }
        } finally {
            end?.();
        }
    }
}

export function transient(call: string, status = 503): RemoteError {
    return new RemoteError(`${call}: HTTP ${status}`, status, true, call);
}

export function permanent(call: string, status = 403): RemoteError {
    return new RemoteError(`${call}: HTTP ${status}`, status, false, call);
}

/**
 * Measures the longest chain of remote calls where each starts only after the
 * previous one ended: the round trips on the critical path.
 */
export class RoundTracker {
    private seq = 0;
    readonly spans: { name: string; start: number; end: number }[] = [];

    begin(name: string): () => void {
        const span = { name, start: ++this.seq, end: Number.POSITIVE_INFINITY };
        this.spans.push(span);
        return () => { span.end = ++this.seq; };
    }

    /** Wraps every method of target so that each call is a span. */
    wrap<T extends object>(prefix: string, target: T): T {
        return new Proxy(target, {
            get: (obj, prop, receiver) => {
                const value = Reflect.get(obj, prop, receiver);
                if (typeof value !== "function") {
                    return value;
                }
                return (...args: unknown[]) => {
                    const end = this.begin(`${prefix}.${String(prop)}`);
                    const out = (value as (...a: unknown[]) => unknown).apply(obj, args);
                    if (out instanceof Promise) {
                        return out.finally(end);
                    }
                    end();
                    return out;
                };
            },
        });
    }

    criticalPath(): number {
        const sorted = [...this.spans].sort((a, b) => a.start - b.start);
        const depth = new Map<typeof sorted[number], number>();
        let longest = 0;
        for (const span of sorted) {
            let d = 1;
            for (const prev of sorted) {
                if (prev.end < span.start) {
                    d = Math.max(d, (depth.get(prev) ?? 1) + 1);
                }
            }
            depth.set(span, d);
            longest = Math.max(longest, d);
        }
        return longest;
    }
}

export interface LogLine {
    level: LogLevel;
    event: string;
    fields: Record<string, unknown>;
}

export function memoryLogger(): { log: Logger; lines: LogLine[] } {
    const lines: LogLine[] = [];
    return { lines, log: (level, event, fields) => { lines.push({ level, event, fields: fields ?? {} }); } };
}

export function settings(overrides: Partial<FailoverSettings> = {}): FailoverSettings {
    return {
        namespace: "logging",
        operatorDeployment: "humio-operator",
        humioClusterName: "logscale",
        preFailoverFailureSeconds: 0,
        cooldownSeconds: 300,
        requireHealthySecondary: true,
        recheckIntervalSeconds: 30,
        waitBudgetSeconds: 600,
        ...overrides,
    };
}

/** RFC 3339 with whole seconds, as the API server writes creationTimestamp. */
export function k8sTime(ms: number): string {
    return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}
