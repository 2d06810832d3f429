// The SDK clients are required inside the functions that use them, not
// imported at the top: the serialized Lambda then holds a require() call that
// the runtime's bundled SDK v3 answers, instead of a captured module.
import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { Route53Client } from "@aws-sdk/client-route-53";
import type { SSMClient } from "@aws-sdk/client-ssm";
import { encodeFailoverRecord, parseFailoverRecord } from "../core/record";
import { FailoverPlatform, FailoverRecord, LockMark, PrimaryHealth, RemoteError } from "../core/types";
import { AwsFailoverEnv } from "./env";
import { awsCall, awsRemoteError } from "./errors";
import type { RecordedFailure } from "../core/holdoff";
import { awsPrimaryHealth, checkersVerdict, MetricDatapoint } from "./health";

/** `.invalid` never resolves (RFC 2606), so the locked check stays unhealthy for good. */
export const LOCKED_FQDN = "failover-locked.invalid";

/** Route 53 publishes HealthCheckStatus once a minute, and only in us-east-1. */
export const METRIC_REGION = "us-east-1";
export const METRIC_PERIOD_SECONDS = 60;

/** The event a recheck self-invocation carries. */
export interface AwsRecheckEvent {
    logscaleDrRecheck: {
        attempt: number;
        scheduledAt: string;
        afterSeconds: number;
        /**
         * The failing run this invocation had seen (functions/core/holdoff.ts),
         * so the next one joins its own readings to it instead of starting
         * over from whole metric minutes. Only evidence of failure: a healthy
         * minute in the metric still cuts it.
         */
        failingRun?: RecordedFailure;
    };
}

/** The failing run a recheck carries; undefined for any other event or a run that does not hold together. */
export function recheckFailingRun(event: unknown): RecordedFailure | undefined {
    const run = (event as Partial<AwsRecheckEvent> | null | undefined)?.logscaleDrRecheck?.failingRun;
    const sinceMs = run?.sinceMs, lastFailingMs = run?.lastFailingMs;
    return typeof sinceMs === "number" && typeof lastFailingMs === "number" && Number.isFinite(sinceMs) && Number.isFinite(lastFailingMs) && sinceMs <= lastFailingMs
        ? { sinceMs, lastFailingMs } : undefined;
}

/** 0 for an alarm notification, n for the n-th recheck. */
export function recheckAttempt(event: unknown): number {
    const recheck = (event as Partial<AwsRecheckEvent> | null | undefined)?.logscaleDrRecheck;
    const attempt = recheck?.attempt;
    return typeof attempt === "number" && Number.isInteger(attempt) && attempt > 0 ? attempt : 0;
}

export interface AwsPlatformDeps {
    /** This function's ARN (context.invokedFunctionArn), target of the recheck. */
    functionArn: string;
    /** Recheck number of this invocation (recheckAttempt(event)). */
    attempt: number;
    now: () => number;
    /** The failing run the recheck event carried (recheckFailingRun(event)). */
    failingRun?: RecordedFailure;
}

/**
 * SDK retries are off (maxAttempts 1): the core retries every call with one
 * policy and one log line per attempt, and two stacked retry loops would
 * multiply the time a dead endpoint costs.
 */
export function sdkClientConfig(region: string): { region: string; maxAttempts: number; requestHandler: { connectionTimeout: number; requestTimeout: number } } {
    return { region, maxAttempts: 1, requestHandler: { connectionTimeout: 3000, requestTimeout: 10000 } };
}

export function createAwsPlatform(env: AwsFailoverEnv, deps: AwsPlatformDeps): FailoverPlatform {
    let route53: Route53Client | undefined;
    let cloudwatch: CloudWatchClient | undefined;
    let ssm: SSMClient | undefined;
    let lambda: LambdaClient | undefined;

    const r53 = () => {
        const { Route53Client } = require("@aws-sdk/client-route-53") as typeof import("@aws-sdk/client-route-53");
        return route53 ??= new Route53Client(sdkClientConfig("us-east-1"));
    };
    const cw = () => {
        const { CloudWatchClient } = require("@aws-sdk/client-cloudwatch") as typeof import("@aws-sdk/client-cloudwatch");
        // The metric and the alarm (components/aws/failover-specs.ts ROUTE53_METRICS_REGION) both live there.
        return cloudwatch ??= new CloudWatchClient(sdkClientConfig(METRIC_REGION));
    };
    const parameters = () => {
        const { SSMClient } = require("@aws-sdk/client-ssm") as typeof import("@aws-sdk/client-ssm");
        return ssm ??= new SSMClient(sdkClientConfig(env.eksClusterRegion));
    };
    const functions = () => {
        const { LambdaClient } = require("@aws-sdk/client-lambda") as typeof import("@aws-sdk/client-lambda");
        return lambda ??= new LambdaClient(sdkClientConfig(regionOfArn(deps.functionArn) ?? env.eksClusterRegion));
    };

    const checkerStatus = async (call: string, healthCheckId: string) => {
        const { GetHealthCheckStatusCommand } = require("@aws-sdk/client-route-53") as typeof import("@aws-sdk/client-route-53");
        const out = await awsCall(call, () => r53().send(new GetHealthCheckStatusCommand({ HealthCheckId: healthCheckId })));
        try {
            return checkersVerdict(out.HealthCheckObservations ?? []);
        } catch (err) {
            throw new RemoteError(`${call}: health check ${healthCheckId}: ${(err as Error).message}`, undefined, false, call);
        }
    };

    // This invocation's own failing run, carried from one observation round
    // to the next (functions/core/holdoff.ts).
    let recorded: RecordedFailure | undefined = deps.failingRun;

    const statusHistory = async (): Promise<MetricDatapoint[]> => {
        const { GetMetricStatisticsCommand } = require("@aws-sdk/client-cloudwatch") as typeof import("@aws-sdk/client-cloudwatch");
        const end = deps.now();
        // The holdoff plus ten periods: enough history to see the streak
        // start, even with the metric's usual minute or two of delay.
        const lookbackSeconds = env.preFailoverFailureSeconds + 10 * METRIC_PERIOD_SECONDS;
        const out = await awsCall("cloudwatch.GetMetricStatistics", () => cw().send(new GetMetricStatisticsCommand({
            Namespace: "AWS/Route53",
            MetricName: "HealthCheckStatus",
            Dimensions: [{ Name: "HealthCheckId", Value: env.primaryHealthCheckId }],
            StartTime: new Date(end - lookbackSeconds * 1000),
            EndTime: new Date(end),
            Period: METRIC_PERIOD_SECONDS,
            // Maximum 0: unhealthy for the whole minute, i.e. continuously.
            Statistics: ["Maximum"],
        })));
        return out.Datapoints ?? [];
    };

    return {
        cloud: "aws",

        async primaryHealth(): Promise<PrimaryHealth> {
            // Both in one round trip; the metric is only used when the checkers
            // say failing, so its read failing must not turn a healthy verdict
            // into an error (that would also skip re-arming the alarm).
            const [liveRead, failingRead] = await Promise.allSettled([
                checkerStatus("route53.GetHealthCheckStatus(primary)", env.primaryHealthCheckId),
                statusHistory(),
            ]);
            if (liveRead.status === "rejected") {
                throw liveRead.reason;
            }
            const live = liveRead.value;
            if (!live.healthy && failingRead.status === "rejected") {
                throw failingRead.reason;
            }
            const history = failingRead.status === "fulfilled" ? failingRead.value : [];
            const read = awsPrimaryHealth(live, history, METRIC_PERIOD_SECONDS, deps.now(), env.holdoffGapSeconds, recorded);
            recorded = read.recorded;
            return read.health;
        },

        async secondaryHealthy(): Promise<boolean> {
            const id = env.secondaryHealthCheckId;
            if (!id) {
                throw new RemoteError("secondaryHealthy: no secondary health check id is configured (SECONDARY_HEALTH_CHECK_ID)", undefined, false, "route53.GetHealthCheckStatus(secondary)");
            }
            return (await checkerStatus("route53.GetHealthCheckStatus(secondary)", id)).healthy;
        },

        async lastFailoverEpoch(): Promise<number | undefined> {
            return (await this.failoverRecord!())?.epochSeconds;
        },

        async failoverRecord(): Promise<FailoverRecord | undefined> {
            const { GetParameterCommand } = require("@aws-sdk/client-ssm") as typeof import("@aws-sdk/client-ssm");
            let value: string | undefined;
            try {
                const out = await parameters().send(new GetParameterCommand({ Name: env.cooldownParameterName }));
                value = out.Parameter?.Value;
            } catch (err) {
                if ((err as { name?: string }).name === "ParameterNotFound") {
                    return undefined;
                }
                throw awsRemoteError("ssm.GetParameter", err);
            }
            const parsed = parseFailoverRecord(value);
            if (parsed !== undefined && "error" in parsed) {
                throw new RemoteError(`ssm.GetParameter: parameter ${env.cooldownParameterName} ${parsed.error}`, undefined, false, "ssm.GetParameter");
            }
            return parsed;
        },

        async recordFailover(epochSeconds: number, lock: LockMark = "applied"): Promise<void> {
            const { PutParameterCommand } = require("@aws-sdk/client-ssm") as typeof import("@aws-sdk/client-ssm");
            await awsCall("ssm.PutParameter", () => parameters().send(new PutParameterCommand({
                Name: env.cooldownParameterName,
                Value: encodeFailoverRecord({ epochSeconds, lock }),
                Type: "String",
                Overwrite: true,
            })));
        },

        async lockDns(): Promise<void> {
            const { UpdateHealthCheckCommand } = require("@aws-sdk/client-route-53") as typeof import("@aws-sdk/client-route-53");
            // Not Disabled (Route 53 treats a disabled check as healthy) and not
            // Inverted (an inverted check reads healthy once the primary is really gone).
            await awsCall("route53.UpdateHealthCheck", () => r53().send(new UpdateHealthCheckCommand({
                HealthCheckId: env.primaryHealthCheckId,
                FullyQualifiedDomainName: LOCKED_FQDN,
                Inverted: false,
            })));
        },

        async clearDegraded(): Promise<void> {
            const { SetAlarmStateCommand } = require("@aws-sdk/client-cloudwatch") as typeof import("@aws-sdk/client-cloudwatch");
            // The alarm notifies only on a change to ALARM. Left in ALARM while
            // the primary flaps, it would stay silent through the final outage;
            // back at OK, the next failing minute notifies again. If the primary
            // still fails, that costs one alarm evaluation (a minute).
            await awsCall("cloudwatch.SetAlarmState", () => cw().send(new SetAlarmStateCommand({
                AlarmName: env.failoverAlarmName,
                StateValue: "OK",
                StateReason: "LogScale DR failover function: the primary's health check is healthy; re-armed so that the next failing minute notifies again",
            })));
        },

        async scheduleRecheck(afterSeconds: number): Promise<void> {
            const next = deps.attempt + 1;
            if (next > env.maxRechecks) {
                throw new RemoteError(
                    `lambda.Invoke: the holdoff is still pending after ${deps.attempt} rechecks (MAX_RECHECKS=${env.maxRechecks}); ` +
                    "check the primary health check and its HealthCheckStatus metric, and fail over by hand if the primary is down",
                    undefined, false, "lambda.Invoke");
            }
            const { InvokeCommand } = require("@aws-sdk/client-lambda") as typeof import("@aws-sdk/client-lambda");
            const event: AwsRecheckEvent = {
                logscaleDrRecheck: { attempt: next, scheduledAt: new Date(deps.now()).toISOString(), afterSeconds, ...(recorded ? { failingRun: recorded } : {}) },
            };
            const out = await awsCall("lambda.Invoke", () => functions().send(new InvokeCommand({
                FunctionName: deps.functionArn,
                // Event: queued and answered at once (202); this invocation ends
                // and the new one starts its own wait budget.
                InvocationType: "Event",
                Payload: Buffer.from(JSON.stringify(event), "utf8"),
            })));
            if (out.StatusCode !== undefined && out.StatusCode !== 202) {
                throw new RemoteError(`lambda.Invoke: asynchronous invoke answered ${out.StatusCode}, expected 202`, out.StatusCode, false, "lambda.Invoke");
            }
        },
    };
}

/** arn:aws:lambda:<region>:<account>:function:<name> */
export function regionOfArn(arn: string): string | undefined {
    const parts = arn.split(":");
    return parts.length >= 6 && parts[0] === "arn" && parts[3] ? parts[3] : undefined;
}
