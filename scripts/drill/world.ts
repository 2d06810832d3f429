// The drill's ground truth and record: when each region is really down,
// what happened when (events), every function invocation and its result,
// where DNS answered, and the LogScale recovery that starts when the
// operator is scaled up (durations from the RTO model).

import type { Cloud } from "../../config/load";
import type { StackFailoverSettings } from "../../components/dr/failover-settings";
import { LOGSCALE_NAMESPACE, OPERATOR_DEPLOYMENT_NAME } from "../../components/logscale/names";
import { RECOVERY_S } from "../../components/dr/rto";
import type { FailoverResult, LogLevel } from "../../functions/core/types";
import { KubeCall, ScaleEvent, SimKubernetes } from "./k8s";
import { SimClock } from "./sim-clock";

/** Settings a drill runs with: the stack config keys that shape a failover. */
export interface DrillSettings {
    cloud: Cloud;
    preFailoverFailureSeconds: number;
    cooldownSeconds: number;
    healthCheckIntervalSeconds: number;
    healthCheckFailureThreshold: number;
    requireHealthySecondary: boolean;
    dnsTtlSeconds: number;
}

export const NAMESPACE = LOGSCALE_NAMESPACE;
export const OPERATOR = OPERATOR_DEPLOYMENT_NAME;
export const HUMIO_CLUSTER = "logscale";

/** What a stack of these settings tells its failover function (components/dr/failover-settings.ts). */
export function drillStackSettings(s: DrillSettings): StackFailoverSettings {
    return {
        namespace: NAMESPACE,
        operatorDeployment: OPERATOR,
        humioClusterName: HUMIO_CLUSTER,
        preFailoverFailureSeconds: s.preFailoverFailureSeconds,
        cooldownSeconds: s.cooldownSeconds,
        requireHealthySecondary: s.requireHealthySecondary,
    };
}

/** Down intervals of one region (ms since the epoch, until exclusive). */
export class Availability {
    private readonly down: { fromMs: number; untilMs: number }[] = [];

    markDown(fromMs: number, untilMs = Number.POSITIVE_INFINITY): void {
        this.down.push({ fromMs, untilMs });
        this.down.sort((a, b) => a.fromMs - b.fromMs);
    }

    isDown(atMs: number): boolean {
        return this.down.some(d => atMs >= d.fromMs && atMs < d.untilMs);
    }

    /** Start of the uninterrupted outage in progress at atMs (adjacent intervals merge); undefined when up. */
    downSince(atMs: number): number | undefined {
        const current = this.down.find(d => atMs >= d.fromMs && atMs < d.untilMs);
        if (!current) {
            return undefined;
        }
        let since = current.fromMs;
        for (;;) {
            const before = this.down.find(d => d.fromMs < since && d.untilMs >= since);
            if (!before) {
                return since;
            }
            since = before.fromMs;
        }
    }

    intervals(): readonly { fromMs: number; untilMs: number }[] {
        return this.down;
    }
}

export interface DrillEvent {
    atMs: number;
    text: string;
}

export interface IdleResult {
    decision: "idle";
    reason: string;
}

export interface InvocationRecord {
    id: number;
    /** What delivered it: "alarm", "alarm (duplicate)", "recheck", "retry", "timer", "resolved", "repeat". */
    trigger: string;
    arrivedMs: number;
    endedMs?: number;
    /** Start of every primaryHealth call: one per observation round. */
    checkStartsMs: number[];
    result?: FailoverResult | IdleResult;
    /** Thrown out of the handler (a bug: runFailover never throws). */
    crash?: string;
}

export interface LogRecord {
    atMs: number;
    invocation: number;
    level: LogLevel;
    event: string;
    fields: Record<string, unknown>;
}

export class World {
    readonly primary = new Availability();
    readonly secondary = new Availability();
    readonly events: DrillEvent[] = [];
    readonly invocations: InvocationRecord[] = [];
    readonly logs: LogRecord[] = [];
    /** When the alarm signalled an outage: AWS/Azure notification, OCI first breach (start of the pending duration). */
    readonly detections: number[] = [];
    readonly dnsSamples: { atMs: number; answer: "primary" | "secondary" }[] = [];
    /** LogScale serving on the standby (recovery done) per scale-up, by the scale-up's time. */
    readonly serviceReady = new Map<number, number>();
    /** Successful DNS lock calls. */
    readonly locks: number[] = [];
    readonly kube: SimKubernetes;
    private episode = 0;

    constructor(readonly clock: SimClock, readonly settings: DrillSettings, latencyMs: (call: KubeCall) => number) {
        this.kube = new SimKubernetes(clock, NAMESPACE, OPERATOR, HUMIO_CLUSTER, latencyMs, e => this.onReplicas(e));
        // The standby's TLS secret from its install, long before any failover: stale.
        this.kube.createSecret(clock.now() - 30 * 86400_000);
    }

    note(text: string): void {
        this.events.push({ atMs: this.clock.now(), text });
    }

    primaryUp(): boolean {
        return !this.primary.isDown(this.clock.now());
    }

    secondaryUp(): boolean {
        return !this.secondary.isDown(this.clock.now());
    }

    /** LogScale serves on the standby (the recovery after the last scale-up finished and nobody scaled it down since). */
    standbyServing(): boolean {
        const now = this.clock.now();
        const last = [...this.serviceReady.values()].pop();
        return this.kube.replicas >= 1 && last !== undefined && last <= now && this.secondaryUp();
    }

    /**
     * Runs an invocation in the background. The drill reports at its horizon
     * without waiting for invocations still sleeping on the simulated clock.
     */
    track(record: InvocationRecord, work: Promise<void>): void {
        work.catch(err => {
            record.crash = err instanceof Error ? err.stack ?? err.message : String(err);
            record.endedMs = this.clock.now();
        });
    }

    /** Runbook: scale the standby back to standby (operator 0); the operator's TLS secret stays and is stale for the next failover. */
    resetStandby(): void {
        this.kube.setReplicas(0);
        this.note("runbook: humio-operator scaled back to 0 (standby re-armed)");
    }

    /** Every scale-up starts LogScale's recovery; a scale-down cancels the one in flight. */
    private onReplicas(e: ScaleEvent): void {
        this.episode++;
        if (e.to === 0) {
            return;
        }
        const episode = this.episode;
        this.note(`humio-operator scaled ${e.from} -> ${e.to} (${e.by})`);
        // The operator starts and recreates the cluster's TLS secret with a new CA (cert-manager, seconds).
        this.clock.schedule(e.atMs + 10_000, () => {
            if (this.episode === episode && this.kube.replicas >= 1) {
                this.kube.createSecret(this.clock.now());
            }
        });
        const readyMs = e.atMs + (RECOVERY_S.podStart + RECOVERY_S.snapshotFetch + RECOVERY_S.kafkaReady) * 1000;
        this.serviceReady.set(e.atMs, readyMs);
        this.clock.schedule(e.atMs + RECOVERY_S.podStart * 1000, () => {
            if (this.episode === episode) this.note("LogScale pod started (recover-from snapshot fetch begins)");
        });
        this.clock.schedule(e.atMs + (RECOVERY_S.podStart + RECOVERY_S.snapshotFetch) * 1000, () => {
            if (this.episode === episode) this.note("snapshot fetched and patched (Kafka topics, LogScale start)");
        });
        this.clock.schedule(readyMs, () => {
            if (this.episode === episode) this.note("LogScale ready on the standby");
        });
    }
}
