// AWS as the drill simulates it: Route 53 health checks (primary HTTPS at the
// configured interval and threshold, secondary TCP 30 s x 2), the
// HealthCheckStatus metric published once a minute, the us-east-1 alarm
// (primaryAlarmSpec: notifies on the change to ALARM only), SNS -> Lambda
// with Lambda's asynchronous retries, the self-invoked recheck bounded by
// MAX_RECHECKS, the SSM cooldown parameter, the FQDN lock, and the function
// setting the alarm back to OK (SetAlarmState) when it finds the primary
// healthy, after which the next breaching minute notifies again. The decisions
// are the real ones: runFailover with the AWS adapter's readings
// (checkersVerdict, awsPrimaryHealth) and its env contract.

import { METRIC_PERIOD_S, METRIC_PUBLISH_DELAY_S } from "../../components/dr/rto";
import { FUNCTION_TIMEOUT_SECONDS, primaryAlarmSpec } from "../../components/aws/failover-specs";
import { failoverNames } from "../../components/aws/names";
import { AwsFailoverEnv, awsFailoverEnvironment, failoverSettingsFromEnv, readAwsFailoverEnv } from "../../functions/aws/env";
import { HANDLER_MARGIN_MS } from "../../functions/aws/handler";
import { awsHoldoffCadence, awsPrimaryHealth, checkersVerdict, CheckerObservation, MetricDatapoint } from "../../functions/aws/health";
import type { RecordedFailure } from "../../functions/core/holdoff";
import { LOCKED_FQDN } from "../../functions/aws/platform";
import { runFailover } from "../../functions/core/failover";
import { encodeFailoverRecord, parseFailoverRecord } from "../../functions/core/record";
import { FailoverPlatform, FailoverRecord, LockMark, PrimaryHealth, RemoteError } from "../../functions/core/types";
import { CloudSimBase } from "./cloud";
import { drillStackSettings } from "./world";

const PRIMARY_HC = "0b6f2c3e-1a2b-4c5d-8e9f-0123456789ab";
const NAMES = failoverNames({ clusterName: "logscale", region: "us-east-2" });
/** The simulated cluster is never dialled; the env contract still wants the shape EKS reports. */
const CA_DATA = Buffer.from("-----BEGIN CERTIFICATE-----\nZHJpbGw=\n-----END CERTIFICATE-----\n").toString("base64");
const SECONDARY_HC = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d";
/** Route 53 health checkers per check (the API reports one observation per checker). */
const CHECKERS = 8;
/** components/aws/healthchecks.ts: the secondary's TCP check. */
const SECONDARY_INTERVAL_S = 30;
const SECONDARY_THRESHOLD = 2;
/** Lambda retries a failed asynchronous invocation twice: after 1 and 2 more minutes. */
const LAMBDA_ASYNC_RETRY_DELAYS_S = [60, 120];

/** A Route 53 health check: healthy/unhealthy after `threshold` consecutive probe results of the other kind. */
class HealthCheck {
    healthy = true;
    lastProbeOk = true;
    private streak = 0;

    constructor(private readonly threshold: number) {}

    probe(ok: boolean): void {
        this.lastProbeOk = ok;
        if (ok === this.healthy) {
            this.streak = 0;
            return;
        }
        this.streak++;
        if (this.streak >= this.threshold) {
            this.healthy = ok;
            this.streak = 0;
        }
    }

    observations(): CheckerObservation[] {
        const status = this.lastProbeOk ? "Success: HTTP Status Code 200, OK" : "Failure: Connection timed out.";
        return Array.from({ length: CHECKERS }, () => ({ Region: "us-east-1", StatusReport: { Status: status } }));
    }
}

export class AwsSim extends CloudSimBase {
    readonly cloud = "aws" as const;
    private readonly primaryCheck: HealthCheck;
    private readonly secondaryCheck = new HealthCheck(SECONDARY_THRESHOLD);
    private fqdnLocked = false;
    private samples: { atMs: number; status: number }[] = [];
    private readonly datapoints: (MetricDatapoint & { Minimum: number })[] = [];
    private alarm: "OK" | "ALARM" = "OK";
    private parameter = "0";
    private readonly env: AwsFailoverEnv;

    constructor(...args: ConstructorParameters<typeof CloudSimBase>) {
        super(...args);
        this.primaryCheck = new HealthCheck(this.settings.healthCheckFailureThreshold);
        // The Lambda's real environment contract, validated as the handler reads it.
        this.env = readAwsFailoverEnv(awsFailoverEnvironment({
            eksClusterName: "logscale-secondary",
            eksClusterRegion: "us-east-2",
            eksClusterEndpoint: "https://0123456789ABCDEF0123456789ABCDEF.gr7.us-east-2.eks.amazonaws.com",
            eksClusterCertificateAuthority: CA_DATA,
            primaryHealthCheckId: PRIMARY_HC,
            secondaryHealthCheckId: SECONDARY_HC,
            cooldownParameterName: NAMES.parameter,
            failoverAlarmName: NAMES.alarm,
            ...drillStackSettings(this.settings),
            ...awsHoldoffCadence(this.settings.healthCheckIntervalSeconds, this.settings.healthCheckFailureThreshold),
        }));
    }

    start(): void {
        const interval = this.settings.healthCheckIntervalSeconds;
        this.every(interval, interval / 2, () => {
            // A locked check probes failover-locked.invalid, which never resolves.
            this.primaryCheck.probe(!this.fqdnLocked && this.world.primaryUp());
            this.samples.push({ atMs: this.clock.now(), status: this.primaryCheck.healthy ? 1 : 0 });
        });
        this.every(SECONDARY_INTERVAL_S, SECONDARY_INTERVAL_S / 2, () => this.secondaryCheck.probe(this.world.secondaryUp()));
        this.every(METRIC_PERIOD_S, METRIC_PUBLISH_DELAY_S.aws, () => this.publishAndEvaluate());
    }

    dnsAnswer(): "primary" | "secondary" {
        // Failover routing: the secondary only while the primary's check fails and the secondary's passes.
        return this.primaryCheck.healthy || !this.secondaryCheck.healthy ? "primary" : "secondary";
    }

    dnsLocked(): boolean {
        return this.fqdnLocked;
    }

    unlockDns(): void {
        this.fqdnLocked = false;
        this.world.note("runbook: primary health check FQDN restored (DNS unlocked)");
    }

    rearmAlarm(): void {
        this.alarm = "OK";
        this.world.note("runbook: aws cloudwatch set-alarm-state --state-value OK (alarm re-armed)");
    }

    /** HealthCheckStatus for the minute that just ended, then the alarm's evaluation of it. */
    private publishAndEvaluate(): void {
        const end = this.clock.now() - METRIC_PUBLISH_DELAY_S.aws * 1000;
        const start = end - METRIC_PERIOD_S * 1000;
        const inMinute = this.samples.filter(s => s.atMs >= start && s.atMs < end).map(s => s.status);
        this.samples = this.samples.filter(s => s.atMs >= end);
        const values = inMinute.length > 0 ? inMinute : [this.primaryCheck.healthy ? 1 : 0];
        const point = { Timestamp: new Date(start), Maximum: Math.max(...values), Minimum: Math.min(...values) };
        this.datapoints.push(point);

        const spec = primaryAlarmSpec(PRIMARY_HC);
        const value = spec.statistic === "Minimum" ? point.Minimum : point.Maximum;
        const breaching = spec.comparisonOperator === "LessThanThreshold" ? value < spec.threshold : value <= spec.threshold;
        const next = breaching ? "ALARM" : "OK";
        if (next !== this.alarm) {
            this.alarm = next;
            this.world.note(`CloudWatch alarm ${next} (HealthCheckStatus ${spec.statistic} ${value} for ${new Date(start).toISOString().slice(11, 16)})`);
            if (next === "ALARM") {
                // alarmActions only: a notification on the change to ALARM, none while it stays there.
                this.world.detections.push(this.clock.now());
                this.notify("alarm", trigger => this.lambda(trigger, 0, 0));
            }
        }
    }

    /** One asynchronous Lambda invocation (SNS, a recheck self-invoke, or Lambda's own retry). */
    private lambda(trigger: string, attempt: number, retries: number): void {
        this.invoke(trigger, async (record, log) => {
            await this.call(this.lat.invoke);
            const budget = Math.max(0, Math.floor((FUNCTION_TIMEOUT_SECONDS * 1000 - this.lat.invoke * 1000 - HANDLER_MARGIN_MS) / 1000));
            const platform = this.recordChecks(this.platform(attempt), record);
            return runFailover(platform, this.world.kube, failoverSettingsFromEnv(this.env, budget), this.clock, log, { random: this.random });
        }, result => {
            // The handler throws on "error"; Lambda retries the event twice.
            if (result.decision === "error" && retries < LAMBDA_ASYNC_RETRY_DELAYS_S.length) {
                this.clock.schedule(this.clock.now() + LAMBDA_ASYNC_RETRY_DELAYS_S[retries] * 1000,
                    () => this.lambda(`Lambda async retry ${retries + 1}`, attempt, retries + 1));
            }
        });
    }

    private platform(attempt: number): FailoverPlatform {
        const sim = this;
        const env = this.env;
        const lat = this.lat;
        let recorded: RecordedFailure | undefined;
        return {
            cloud: "aws",
            async primaryHealth(): Promise<PrimaryHealth> {
                await sim.call(lat.cloudRead);
                // The checkers' latest reports and the metric, as createAwsPlatform reads them.
                const live = checkersVerdict(sim.primaryCheck.observations());
                const history = sim.datapoints.slice(-(10 + Math.ceil(env.preFailoverFailureSeconds / 60)));
                const read = awsPrimaryHealth(live, history, METRIC_PERIOD_S, sim.clock.now(), env.holdoffGapSeconds, recorded);
                recorded = read.recorded;
                return read.health;
            },
            async secondaryHealthy(): Promise<boolean> {
                await sim.call(lat.secondaryCheck);
                return checkersVerdict(sim.secondaryCheck.observations()).healthy;
            },
            async lastFailoverEpoch(): Promise<number | undefined> {
                return (await this.failoverRecord!())?.epochSeconds;
            },
            async failoverRecord(): Promise<FailoverRecord | undefined> {
                // The SSM parameter as createAwsPlatform reads it: "<epoch>;lock=<mark>".
                await sim.call(lat.cloudRead);
                const parsed = parseFailoverRecord(sim.parameter);
                return parsed !== undefined && "error" in parsed ? undefined : parsed;
            },
            async recordFailover(epochSeconds: number, lock: LockMark = "applied"): Promise<void> {
                await sim.call(lat.record);
                sim.parameter = encodeFailoverRecord({ epochSeconds, lock });
            },
            async lockDns(): Promise<void> {
                await sim.call(lat.lockCall);
                const err = sim.lockError("route53.UpdateHealthCheck");
                if (err) {
                    throw err;
                }
                sim.fqdnLocked = true;
                sim.world.note(`primary health check FQDN set to ${LOCKED_FQDN} (DNS locked)`);
            },
            async clearDegraded(): Promise<void> {
                // cloudwatch.SetAlarmState(StateValue OK) on env.failoverAlarmName.
                await sim.call(lat.cloudRead);
                if (sim.alarm === "ALARM") {
                    sim.alarm = "OK";
                    sim.world.note(`CloudWatch alarm ${env.failoverAlarmName} set to OK by the function (primary healthy): the next breaching minute notifies again`);
                }
            },
            async scheduleRecheck(afterSeconds: number): Promise<void> {
                const next = attempt + 1;
                if (next > env.maxRechecks) {
                    throw new RemoteError(`lambda.Invoke: the holdoff is still pending after ${attempt} rechecks (MAX_RECHECKS=${env.maxRechecks})`, undefined, false, "lambda.Invoke");
                }
                await sim.call(lat.invoke);
                sim.lambda(`recheck ${next} (after ${afterSeconds}s)`, next, 0);
            },
        };
    }
}
