// OCI as the drill simulates it: the Health Checks HTTP monitor probes the
// primary from three vantage points, HTTP.isHealthy is aggregated per minute
// with max (a minute breaches only when every probe failed), the alarm
// (alarmQuery, pendingDuration from the holdoff) fires once the breach has
// persisted, re-sends every REPEAT_NOTIFICATION_SECONDS while FIRING and
// notifies on the reset to OK; each notification runs the function. The TCP
// monitor on the standby's load balancer is the secondary gate. The
// decisions are the real ones: runFailover with the OCI adapter's readings
// (primaryHealthFromMetrics over the metric and the HTTP monitor's newest
// probe results, secondaryHealthyFromProbes), its config contract
// (failoverFunctionConfig, toFunctionConfig/fromFunctionEnv) and its lock
// (planLock, prefetched in round 1 and written with If-Match in round 4) on
// an in-memory steering policy with an ETag.

import { METRIC_PERIOD_S, METRIC_PUBLISH_DELAY_S, ociPendingSeconds } from "../../components/dr/rto";
import { failoverFunctionConfig, REPEAT_NOTIFICATION_SECONDS } from "../../components/oci/failover";
import { PRIMARY_POOL, SECONDARY_POOL } from "../../components/oci/steering";
import { runFailover } from "../../functions/core/failover";
import { encodeFailoverRecord, parseFailoverRecord } from "../../functions/core/record";
import { FailoverPlatform, FailoverRecord, LockMark, Logger, PrimaryHealth, RemoteError } from "../../functions/core/types";
import { fromFunctionEnv, OciFunctionConfig, toFunctionConfig } from "../../functions/oci/config";
import { Datapoint, FAILING_MINUTE_MAX_BELOW, PRIMARY_PROBE_WINDOW_SECONDS, primaryHealthFromMetrics, ProbeResult, secondaryHealthyFromProbes } from "../../functions/oci/health";
import { LockRefused, planLock } from "../../functions/oci/lock";
import { COOLDOWN_ANNOTATION } from "../../functions/oci/platform";
import { CloudSimBase } from "./cloud";
import { drillStackSettings, NAMESPACE, OPERATOR } from "./world";

const VANTAGE_POINTS = ["goo-chs", "aws-iad", "azr-ams"];
const FAKE_CA = "-----BEGIN CERTIFICATE-----\nZHJpbGw=\n-----END CERTIFICATE-----\n";
/** Probe results kept in memory: more than either monitor's results window. */
const PROBE_HISTORY_S = 900;

interface PolicyAnswer { name: string; rtype: string; rdata: string; pool: string; isDisabled: boolean }
interface Policy { template: string; ttl: number; answers: PolicyAnswer[]; rules: unknown[] }

export class OciSim extends CloudSimBase {
    readonly cloud = "oci" as const;
    private samples: { atMs: number; value: number }[] = [];
    private readonly datapoints: Datapoint[] = [];
    private primaryProbes: ProbeResult[] = [];
    private secondaryProbes: ProbeResult[] = [];
    private lastPrimaryProbeOk = true;
    private alarm: "OK" | "FIRING" = "OK";
    private breachSinceMs: number | undefined;
    private firing = 0;
    private policy: Policy;
    /** The policy's ETag: every write bumps it, as OCI's does. */
    private policyVersion = 1;
    private readonly config: OciFunctionConfig;

    constructor(...args: ConstructorParameters<typeof CloudSimBase>) {
        super(...args);
        this.policy = {
            template: "FAILOVER",
            ttl: this.settings.dnsTtlSeconds,
            answers: [
                { name: "primary", rtype: "A", rdata: "203.0.113.10", pool: PRIMARY_POOL, isDisabled: false },
                { name: "secondary", rtype: "A", rdata: "203.0.113.20", pool: SECONDARY_POOL, isDisabled: false },
            ],
            rules: [{ ruleType: "FILTER" }, { ruleType: "HEALTH" }, { ruleType: "PRIORITY" }, { ruleType: "LIMIT", defaultCount: 1 }],
        };
        // The function's config as the component derives and writes it, read back as the handler does.
        this.config = fromFunctionEnv(toFunctionConfig(failoverFunctionConfig({
            region: "us-phoenix-1",
            compartmentId: "ocid1.compartment.oc1..aaaadrill",
            clusterId: "ocid1.cluster.oc1.phx.aaaadrill",
            kubernetesServer: "https://10.0.0.10:6443",
            kubernetesCaPem: FAKE_CA,
            steeringPolicyId: "ocid1.dnspolicy.oc1..aaaadrill",
            primaryPool: PRIMARY_POOL,
            primaryMonitorId: "ocid1.httpmonitor.oc1..aaaadrill",
            primaryResultsUrl: "https://healthchecks.us-phoenix-1.oraclecloud.com/20180501/httpProbeResults/ocid1.httpmonitor.oc1..aaaadrill",
            secondaryResultsUrl: "https://healthchecks.us-phoenix-1.oraclecloud.com/20180501/pingProbeResults/ocid1.pingmonitor.oc1..aaaadrill",
            settings: drillStackSettings(this.settings),
        })));
    }

    start(): void {
        const interval = this.settings.healthCheckIntervalSeconds;
        this.every(interval, interval / 2, () => {
            // The monitor probes the primary's own address: the lock does not change what it sees.
            const now = this.clock.now();
            const ok = this.world.primaryUp();
            this.lastPrimaryProbeOk = ok;
            this.samples.push({ atMs: now, value: ok ? 1 : 0 });
            const secondaryOk = this.world.secondaryUp();
            const keep = (r: ProbeResult) => r.startTime >= now - PROBE_HISTORY_S * 1000;
            this.primaryProbes = this.primaryProbes.filter(keep);
            this.secondaryProbes = this.secondaryProbes.filter(keep);
            for (const vp of VANTAGE_POINTS) {
                this.primaryProbes.push({ startTime: now, isHealthy: ok, vantagePointName: vp });
                this.secondaryProbes.push({ startTime: now, isHealthy: secondaryOk, vantagePointName: vp });
            }
        });
        this.every(METRIC_PERIOD_S, METRIC_PUBLISH_DELAY_S.oci, () => this.publishAndEvaluate());
    }

    dnsAnswer(): "primary" | "secondary" {
        // FILTER (disabled) -> HEALTH (the primary's monitor) -> PRIORITY -> LIMIT 1.
        const primary = this.policy.answers.find(a => a.pool === PRIMARY_POOL)!;
        return !primary.isDisabled && this.lastPrimaryProbeOk ? "primary" : "secondary";
    }

    dnsLocked(): boolean {
        return this.policy.answers.filter(a => a.pool === PRIMARY_POOL).every(a => a.isDisabled);
    }

    unlockDns(): void {
        this.policy = { ...this.policy, answers: this.policy.answers.map(a => ({ ...a, isDisabled: false })) };
        this.policyVersion++;
        this.world.note("runbook: primary steering-policy answer re-enabled (DNS unlocked)");
    }

    rearmAlarm(): void {
        this.alarm = "OK";
        this.breachSinceMs = undefined;
        this.firing++;
        this.world.note("runbook: alarm suppressed and released (alarm re-armed)");
    }

    /** HTTP.isHealthy max over the vantage points' probes of the minute that ended, then the alarm's evaluation. */
    private publishAndEvaluate(): void {
        const end = this.clock.now() - METRIC_PUBLISH_DELAY_S.oci * 1000;
        const start = end - METRIC_PERIOD_S * 1000;
        const values = this.samples.filter(s => s.atMs >= start && s.atMs < end).map(s => s.value);
        this.samples = this.samples.filter(s => s.atMs >= end);
        if (values.length === 0) {
            return;
        }
        const max = Math.max(...values);
        this.datapoints.push({ timestamp: new Date(start).toISOString(), value: max });

        const breaching = max < FAILING_MINUTE_MAX_BELOW;
        const now = this.clock.now();
        if (!breaching) {
            this.breachSinceMs = undefined;
            if (this.alarm === "FIRING") {
                this.alarm = "OK";
                this.firing++;
                this.world.note("alarm FIRING -> OK");
                this.notify("alarm reset (OK)", trigger => this.run(trigger));
            }
            return;
        }
        if (this.alarm === "FIRING") {
            return;
        }
        if (this.breachSinceMs === undefined) {
            this.breachSinceMs = now;
            this.world.detections.push(now);
            this.world.note(`alarm condition breached (HTTP.isHealthy max ${max}: every probe failed); pending for ${ociPendingSeconds(this.settings.preFailoverFailureSeconds)}s`);
        }
        if (now - this.breachSinceMs >= ociPendingSeconds(this.settings.preFailoverFailureSeconds) * 1000) {
            this.alarm = "FIRING";
            const episode = ++this.firing;
            this.world.note("alarm OK -> FIRING");
            this.notify("alarm FIRING", trigger => this.run(trigger));
            const repeat = (at: number) => this.clock.schedule(at, () => {
                if (this.firing === episode && this.alarm === "FIRING") {
                    this.notify("alarm repeat", trigger => this.run(trigger));
                    repeat(at + REPEAT_NOTIFICATION_SECONDS * 1000);
                }
            });
            repeat(now + REPEAT_NOTIFICATION_SECONDS * 1000);
        }
    }

    private run(trigger: string): void {
        this.invoke(trigger, async (record, log) => {
            await this.call(this.lat.invoke);
            return runFailover(this.recordChecks(this.platform(log), record), this.world.kube, this.config.settings, this.clock, log, { random: this.random });
        });
    }

    /** OciPlatform's behaviour (functions/oci/platform.ts) over in-memory Monitoring, Health Checks and DNS. */
    private platform(log: Logger): FailoverPlatform {
        const sim = this;
        const cfg = this.config;
        const k8s = this.world.kube;
        const lat = this.lat;
        let prefetched: { policy: Policy; etag: number } | undefined;
        /** GetSteeringPolicy: a copy and its ETag, as the API answers. */
        const readPolicy = async (latencyS: number) => {
            await sim.call(latencyS);
            const err = sim.lockError("oci.dns.getSteeringPolicy");
            if (err) {
                throw err;
            }
            return { policy: JSON.parse(JSON.stringify(sim.policy)) as Policy, etag: sim.policyVersion };
        };
        return {
            cloud: "oci",
            async primaryHealth(): Promise<PrimaryHealth> {
                // SummarizeMetricsData and ListHttpProbeResults run together: one read's time.
                await sim.call(lat.cloudRead);
                const now = sim.clock.now();
                const points = sim.datapoints.filter(p => Date.parse(p.timestamp) >= now - cfg.metricLookbackSeconds * 1000);
                const completeFromMs = now - PRIMARY_PROBE_WINDOW_SECONDS * 1000;
                const results = sim.primaryProbes.filter(r => r.startTime >= completeFromMs);
                try {
                    return primaryHealthFromMetrics(points, { results, completeFromMs }, now);
                } catch (err) {
                    throw new RemoteError(`platform.primaryHealth: ${(err as Error).message}`, undefined, false, "platform.primaryHealth");
                }
            },
            async secondaryHealthy(): Promise<boolean> {
                await sim.call(lat.secondaryCheck);
                const verdict = secondaryHealthyFromProbes(sim.secondaryProbes, sim.clock.now(), cfg.secondaryWindowSeconds);
                log("info", "oci.secondary-health", { healthy: verdict.healthy, detail: verdict.detail });
                return verdict.healthy;
            },
            async lastFailoverEpoch(): Promise<number | undefined> {
                return (await this.failoverRecord!())?.epochSeconds;
            },
            async failoverRecord(): Promise<FailoverRecord | undefined> {
                // The annotation as OciPlatform reads it: "<epoch>;lock=<mark>".
                const parsed = parseFailoverRecord(await k8s.getDeploymentAnnotation(NAMESPACE, OPERATOR, COOLDOWN_ANNOTATION));
                return parsed !== undefined && "error" in parsed ? undefined : parsed;
            },
            async recordFailover(epochSeconds: number, lock: LockMark = "applied"): Promise<void> {
                await k8s.annotateDeployment(NAMESPACE, OPERATOR, { [COOLDOWN_ANNOTATION]: encodeFailoverRecord({ epochSeconds, lock }) });
            },
            async prefetchLock(): Promise<void> {
                prefetched = undefined;
                prefetched = await readPolicy(lat.cloudRead);
            },
            async lockDns(): Promise<void> {
                let read = prefetched;
                prefetched = undefined;
                for (let attempt = 1; attempt <= 2; attempt++) {
                    if (!read) {
                        read = await readPolicy(lat.lockCall);
                    }
                    let plan;
                    try {
                        plan = planLock(read.policy, cfg.primaryPool);
                    } catch (err) {
                        if (err instanceof LockRefused) {
                            throw new RemoteError(`oci.dns.getSteeringPolicy: ${err.message}`, undefined, false, "oci.dns.getSteeringPolicy");
                        }
                        throw err;
                    }
                    if (!plan.update) {
                        return;
                    }
                    await sim.call(lat.lockCall);
                    const err = sim.lockError("oci.dns.updateSteeringPolicy");
                    if (err) {
                        throw err;
                    }
                    if (read.etag !== sim.policyVersion) {
                        // If-Match no longer matches (HTTP 412): re-read once.
                        log("warn", "oci.dns-lock-conflict", { attempt });
                        read = undefined;
                        continue;
                    }
                    sim.policy = { ...sim.policy, answers: plan.update.answers as PolicyAnswer[], rules: plan.update.rules };
                    sim.policyVersion++;
                    sim.world.note("primary steering-policy answer isDisabled (DNS locked)");
                    return;
                }
                throw new RemoteError("oci.dns.updateSteeringPolicy: the policy changed between read and update twice (HTTP 412)", 412, true, "oci.dns.updateSteeringPolicy");
            },
            async scheduleRecheck(afterSeconds: number): Promise<void> {
                log("info", "oci.recheck-by-alarm-repeat", { afterSeconds });
            },
        };
    }
}
