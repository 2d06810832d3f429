// Azure as the drill simulates it: Traffic Manager probes the primary
// endpoint (interval, tolerated failures), its probe-state metric is
// published once a minute, the one-minute metric alert (autoMitigate) calls
// the function on Fired and on Resolved, both of which only enqueue: the HTTP
// call and the minute timer (while the degraded-since annotation is set) put
// a message on the one queue, which one worker drains one message at a time. The adapter is the real
// one (functions/azure/platform.ts azurePlatform, whose holdoff reads the
// published minutes, its own readings and the recorded run) over an in-memory
// Traffic Manager API, the published metric minutes and the simulated
// Kubernetes API, with the app settings contract and wait budgets of
// functions/azure/settings.ts.

import { METRIC_PERIOD_S, METRIC_PUBLISH_DELAY_S } from "../../components/dr/rto";
import { EndpointState, TrafficManagerApi } from "../../functions/azure/arm";
import { azureHoldoffCadence } from "../../functions/azure/health";
import { EndpointStateMetricApi, EndpointStateMinute } from "../../functions/azure/metrics";
import { azurePlatform, DEGRADED_SINCE_ANNOTATION, MINUTES_FROM_ANNOTATION } from "../../functions/azure/platform";
import { coveredByEarlierRun, FailoverMessage, WorkerMemory } from "../../functions/azure/handler";
import { appSettingsFor, ARM_PUBLIC_ENDPOINT, AzureFunctionConfig, holdoffGapOf, parseAppSettings, WAIT_BUDGET_SECONDS } from "../../functions/azure/settings";
import { QUEUE_HOST_SETTINGS } from "../../components/azure/failover-package";
import { runFailover } from "../../functions/core/failover";
import { DEFAULT_RETRY, withRetry } from "../../functions/core/retry";
import { CloudSimBase } from "./cloud";
import { drillStackSettings, NAMESPACE, OPERATOR } from "./world";

const ENDPOINT_ID = "/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/logscale-westus2/providers/Microsoft.Network/trafficManagerProfiles/logscale-global/externalEndpoints/primary";
const FAKE_CA = "-----BEGIN CERTIFICATE-----\nZHJpbGw=\n-----END CERTIFICATE-----\n";
/** components/azure/failover-package.ts RECHECK_SCHEDULE "0 * * * * *": every minute at second 0. */
const TIMER_PERIOD_S = 60;
/** An idle queue is polled at most this far apart (host.json maxPollingInterval): the worst case before a message starts. */
const QUEUE_PICKUP_S = Number(QUEUE_HOST_SETTINGS.maxPollingInterval.split(":")[2]);

export class AzureSim extends CloudSimBase {
    readonly cloud = "azure" as const;
    private endpointStatus: "Enabled" | "Disabled" = "Enabled";
    private monitor: "Online" | "Degraded" | "Disabled" = "Online";
    private failures = 0;
    private samples: { atMs: number; value: number }[] = [];
    /** What Azure Monitor has published so far, one entry a minute. */
    private readonly minutes: EndpointStateMinute[] = [];
    private alert: "Resolved" | "Fired" = "Resolved";
    private timerRunning = false;
    private readonly queue: { message: FailoverMessage; label: string }[] = [];
    private workerBusy = false;
    private readonly memory: WorkerMemory = {};
    private readonly config: AzureFunctionConfig;

    constructor(...args: ConstructorParameters<typeof CloudSimBase>) {
        super(...args);
        // The Function App's settings as the component writes them, read back as the handler does.
        const cadence = azureHoldoffCadence(this.settings.healthCheckIntervalSeconds, this.settings.healthCheckFailureThreshold);
        this.config = parseAppSettings(appSettingsFor({
            failover: {
                ...drillStackSettings(this.settings),
                // components/azure/index.ts: inside the gap allowance, at most the probe interval.
                recheckIntervalSeconds: cadence.recheckIntervalSeconds,
            },
            holdoffGapSeconds: cadence.holdoffGapSeconds,
            primaryEndpointId: ENDPOINT_ID,
            secondaryAddress: "20.1.2.4",
            secondaryPort: 443,
            aksServer: "https://logscale-secondary.hcp.eastus2.azmk8s.io:443",
            aksCaPem: FAKE_CA,
            identityClientId: "0a1b2c3d-1111-4222-8333-444455556666",
            armEndpoint: ARM_PUBLIC_ENDPOINT,
        }));
    }

    start(): void {
        const interval = this.settings.healthCheckIntervalSeconds;
        this.every(interval, interval / 2, () => this.probe());
        this.every(METRIC_PERIOD_S, METRIC_PUBLISH_DELAY_S.azure, () => this.publishAndEvaluate());
        this.every(TIMER_PERIOD_S, 0, () => this.timer());
    }

    dnsAnswer(): "primary" | "secondary" {
        // Priority routing: the first enabled endpoint that is Online; when none
        // is, Traffic Manager answers as if all were, i.e. the first enabled one.
        const primaryEnabled = this.endpointStatus === "Enabled";
        const secondaryOnline = this.world.standbyServing();
        if (primaryEnabled && this.monitor === "Online") return "primary";
        if (secondaryOnline) return "secondary";
        return primaryEnabled ? "primary" : "secondary";
    }

    dnsLocked(): boolean {
        return this.endpointStatus === "Disabled";
    }

    unlockDns(): void {
        this.endpointStatus = "Enabled";
        this.monitor = "Online";
        this.failures = 0;
        // As the failback's step 11 does (scripts/failback/world-azure.ts): the Disabled spell's minutes read 0.
        this.world.kube.annotations[MINUTES_FROM_ANNOTATION] = String(Math.ceil(this.clock.now() / 1000) + 60);
        this.world.note("runbook: primary Traffic Manager endpoint re-enabled (DNS unlocked)");
    }

    rearmAlarm(): void {
        this.alert = "Resolved";
        this.world.note("runbook: metric alert disabled and re-enabled (alert re-armed)");
    }

    holdoffTracking(): string | undefined {
        return this.world.kube.annotations[DEGRADED_SINCE_ANNOTATION];
    }

    private probe(): void {
        if (this.endpointStatus === "Disabled") {
            this.monitor = "Disabled";
        } else if (this.world.primaryUp()) {
            this.failures = 0;
            this.monitor = "Online";
        } else if (++this.failures >= this.settings.healthCheckFailureThreshold) {
            this.monitor = "Degraded";
        }
        this.samples.push({ atMs: this.clock.now(), value: this.monitor === "Online" ? 1 : 0 });
    }

    /** ProbeAgentCurrentEndpointStateByProfileResourceId, Maximum over the minute; the alert fires below 1 and resolves at 1. */
    private publishAndEvaluate(): void {
        const end = this.clock.now() - METRIC_PUBLISH_DELAY_S.azure * 1000;
        const start = end - METRIC_PERIOD_S * 1000;
        const values = this.samples.filter(s => s.atMs >= start && s.atMs < end).map(s => s.value);
        this.samples = this.samples.filter(s => s.atMs >= end);
        const maximum = values.length > 0 ? Math.max(...values) : (this.monitor === "Online" ? 1 : 0);
        this.minutes.push({ startMs: start, maximum });
        const next = maximum < 1 ? "Fired" : "Resolved";
        if (next === this.alert) {
            return;
        }
        this.alert = next;
        this.world.note(`metric alert ${next} (probe state Maximum ${maximum} for ${new Date(start).toISOString().slice(11, 16)})`);
        if (next === "Fired") {
            this.world.detections.push(this.clock.now());
        }
        // autoMitigate: the action group calls the function on Resolved too.
        this.notify(next === "Fired" ? "alert Fired" : "alert Resolved", trigger => this.alertCall(trigger));
    }

    private timer(): void {
        // A timer function does not overlap with its own previous run.
        if (this.timerRunning) {
            return;
        }
        this.timerRunning = true;
        void (async () => {
            try {
                await this.call(this.lat.invoke);
                const k8s = this.world.kube;
                const log = () => undefined;
                const pending = await withRetry(() => k8s.getDeploymentAnnotation(NAMESPACE, OPERATOR, DEGRADED_SINCE_ANNOTATION),
                    { call: "k8s.getDeploymentAnnotation", policy: DEFAULT_RETRY, sleep: ms => this.clock.sleep(ms), random: this.random, log })
                    .catch(() => undefined);
                if (pending !== undefined) {
                    this.enqueue({ trigger: "recheck", receivedAt: new Date(this.clock.now()).toISOString() }, "timer");
                }
            } finally {
                this.timerRunning = false;
            }
        })();
    }

    /** functionsEntry's HTTP function: the message goes on the queue, the 202 goes back at once. */
    private alertCall(trigger: string): void {
        this.enqueue({ trigger: "alert", receivedAt: new Date(this.clock.now()).toISOString() }, trigger);
    }

    private enqueue(message: FailoverMessage, label: string): void {
        this.queue.push({ message, label });
        this.drain();
    }

    /**
     * One instance, batchSize 1: the next message starts only after the
     * previous run ended. The invocation arrives when its message is taken;
     * the polling delay counts as delivery, like the invoke latency.
     */
    private drain(): void {
        if (this.workerBusy || this.queue.length === 0) {
            return;
        }
        this.workerBusy = true;
        const next = this.queue.shift()!;
        let startedAtMs = 0;
        this.invoke(`queue: ${next.label}`, async (record, log) => {
            await this.clock.sleep(QUEUE_PICKUP_S * 1000);
            startedAtMs = this.clock.now();
            if (coveredByEarlierRun(next.message, this.memory)) {
                return { decision: "idle" as const, reason: "recheck covered by an earlier run" };
            }
            await this.call(this.lat.invoke);
            const k8s = this.world.kube;
            const platform = azurePlatform({
                tm: this.trafficManager(),
                k8s,
                namespace: NAMESPACE,
                operatorDeployment: OPERATOR,
                primaryEndpointId: ENDPOINT_ID,
                secondaryReachable: async () => {
                    await this.call(this.lat.secondaryCheck);
                    return this.world.secondaryUp();
                },
                now: () => this.clock.now(),
                log,
                metrics: this.endpointStateMetric(),
                holdoffGapSeconds: holdoffGapOf(this.config),
                preFailoverFailureSeconds: this.config.failover.preFailoverFailureSeconds,
            });
            return runFailover(this.recordChecks(platform, record), k8s, { ...this.config.failover, waitBudgetSeconds: WAIT_BUDGET_SECONDS },
                this.clock, log, { random: this.random });
        }, result => {
            if (result.decision !== "error" && startedAtMs > (this.memory.lastCleanRunStartedMs ?? -Infinity)) {
                this.memory.lastCleanRunStartedMs = startedAtMs;
            }
            this.workerBusy = false;
            this.drain();
        });
    }

    /** Read in the same round as the endpoint, so its latency overlaps the endpoint read's. */
    private endpointStateMetric(): EndpointStateMetricApi {
        return {
            endpointStateMinutes: async (_endpointId, startMs, endMs) => {
                await this.call(this.lat.cloudRead);
                return this.minutes.filter(m => m.startMs >= startMs && m.startMs + METRIC_PERIOD_S * 1000 <= endMs);
            },
        };
    }

    private trafficManager(): TrafficManagerApi {
        const state = (): EndpointState => ({ endpointStatus: this.endpointStatus, endpointMonitorStatus: this.monitor });
        return {
            getEndpoint: async () => {
                await this.call(this.lat.cloudRead);
                return state();
            },
            disableEndpoint: async () => {
                await this.call(this.lat.lockCall);
                const err = this.lockError("arm.disableEndpoint");
                if (err) {
                    throw err;
                }
                if (this.endpointStatus !== "Disabled") {
                    this.world.note("primary Traffic Manager endpoint Disabled (DNS locked)");
                }
                this.endpointStatus = "Disabled";
                this.monitor = "Disabled";
                return state();
            },
        };
    }
}
