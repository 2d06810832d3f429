// What every simulated cloud shares: recurring probes on the simulated
// clock, invocation bookkeeping, and the hooks scenarios use (runbook steps,
// duplicate deliveries, a failing DNS lock).

import type { Cloud } from "../../config/load";
import { FailoverPlatform, FailoverResult, Logger, RemoteError } from "../../functions/core/types";
import { CallLatencyS, callLatency } from "./latency";
import { SimClock } from "./sim-clock";
import { DrillSettings, IdleResult, InvocationRecord, World } from "./world";

export interface CloudSim {
    readonly cloud: Cloud;
    /** Schedules probes, metrics, alarm evaluations and timers. */
    start(): void;
    /** Where the global name sends a new client now. */
    dnsAnswer(): "primary" | "secondary";
    /** The failover's DNS lock is in place (AWS FQDN, Azure endpoint Disabled, OCI answer isDisabled). */
    dnsLocked(): boolean;
    /** Runbook (failback): undo the DNS lock by hand. */
    unlockDns(): void;
    /** Runbook: reset the alarm to OK so that it notifies again while the primary still fails (AWS set-alarm-state, Azure alert disable/enable, OCI alarm reset). */
    rearmAlarm(): void;
    /** Every DNS lock call answers this HTTP status from now on; undefined: the lock works again. */
    failLock(status: number | undefined): void;
    /** The next alarm notification is delivered this many times at once (at-least-once delivery, duplicate alarms). */
    duplicateNextNotification(times: number): void;
    /** Azure: the holdoff-tracking annotation; undefined elsewhere. */
    holdoffTracking(): string | undefined;
}

export abstract class CloudSimBase implements CloudSim {
    abstract readonly cloud: Cloud;
    protected readonly clock: SimClock;
    protected readonly settings: DrillSettings;
    protected readonly lat: CallLatencyS;
    protected lockFailure: number | undefined;
    private duplicates = 1;

    constructor(protected readonly world: World, protected readonly random: () => number) {
        this.clock = world.clock;
        this.settings = world.settings;
        this.lat = callLatency(world.settings.cloud);
    }

    abstract start(): void;
    abstract dnsAnswer(): "primary" | "secondary";
    abstract dnsLocked(): boolean;
    abstract unlockDns(): void;
    abstract rearmAlarm(): void;

    failLock(status: number | undefined): void {
        this.lockFailure = status;
    }

    duplicateNextNotification(times: number): void {
        this.duplicates = times;
    }

    holdoffTracking(): string | undefined {
        return undefined;
    }

    /** fn every periodS seconds at phaseS past each multiple of the period (measured from the start of the simulation). */
    protected every(periodS: number, phaseS: number, fn: () => void): void {
        const periodMs = periodS * 1000;
        const start = this.clock.startMs + phaseS * 1000;
        const elapsed = this.clock.now() - start;
        const first = start + Math.max(0, Math.ceil(elapsed / periodMs)) * periodMs;
        const tick = (at: number) => {
            this.clock.schedule(at, () => {
                fn();
                tick(at + periodMs);
            });
        };
        tick(first);
    }

    /** Waits one remote call's latency on the simulated clock. */
    protected call(seconds: number): Promise<void> {
        return this.clock.sleep(seconds * 1000);
    }

    /** The lock call's answer when a scenario makes it fail. */
    protected lockError(call: string): RemoteError | undefined {
        if (this.lockFailure === undefined) {
            return undefined;
        }
        return new RemoteError(`${call}: HTTP ${this.lockFailure} (injected by the drill)`, this.lockFailure, this.lockFailure === 429 || this.lockFailure >= 500, call);
    }

    /** Delivers one alarm notification (duplicated when a scenario asked for it). */
    protected notify(trigger: string, deliver: (trigger: string) => void): void {
        const n = this.duplicates;
        this.duplicates = 1;
        for (let i = 0; i < n; i++) {
            deliver(i === 0 ? trigger : `${trigger} (duplicate)`);
        }
    }

    /** Starts an invocation in the background and records it. */
    protected invoke(
        trigger: string,
        run: (record: InvocationRecord, log: Logger) => Promise<FailoverResult | IdleResult>,
        onResult?: (result: FailoverResult | IdleResult) => void,
    ): InvocationRecord {
        const record: InvocationRecord = { id: this.world.invocations.length + 1, trigger, arrivedMs: this.clock.now(), checkStartsMs: [] };
        this.world.invocations.push(record);
        const log: Logger = (level, event, fields) => {
            this.world.logs.push({ atMs: this.clock.now(), invocation: record.id, level, event, fields: fields ?? {} });
        };
        this.world.track(record, (async () => {
            const result = await run(record, log);
            record.result = result;
            record.endedMs = this.clock.now();
            if (result.decision !== "idle") {
                const extra = "dnsLockError" in result && result.dnsLockError ? `; DNS lock failed: ${result.dnsLockError}` : "";
                this.world.note(`invocation #${record.id} (${trigger}) ended: ${result.decision}: ${result.reason}${extra}`);
            }
            onResult?.(result);
        })());
        return record;
    }

    /** The platform with every primaryHealth call's start recorded: one per observation round. */
    protected recordChecks(platform: FailoverPlatform, record: InvocationRecord): FailoverPlatform {
        const clock = this.clock;
        const locks = this.world.locks;
        return new Proxy(platform, {
            get(target, prop, receiver) {
                const value = Reflect.get(target, prop, receiver) as unknown;
                if (typeof value !== "function") {
                    return value;
                }
                const fn = value as (...args: unknown[]) => Promise<unknown>;
                if (prop === "primaryHealth") {
                    return () => {
                        record.checkStartsMs.push(clock.now());
                        return fn.call(target);
                    };
                }
                if (prop === "lockDns") {
                    return async () => {
                        await fn.call(target);
                        locks.push(clock.now());
                    };
                }
                return (...args: unknown[]) => fn.apply(target, args);
            },
        });
    }
}
