// The AWS side of the readiness self-test: the reads a failover depends on,
// the StandbyReady metric, and the last verdict kept in SSM. SDK clients are
// required inside the functions, as in ./platform.ts.
import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { Route53Client } from "@aws-sdk/client-route-53";
import type { SSMClient } from "@aws-sdk/client-ssm";
import { parseVerdict, ReadinessPlatform, ReadinessResult } from "../core/readiness";
import { RemoteError } from "../core/types";
import { AwsFailoverEnv } from "./env";
import { awsCall, awsRemoteError } from "./errors";
import { checkersVerdict, consecutiveFailingSeconds } from "./health";
import { LOCKED_FQDN, METRIC_PERIOD_SECONDS, METRIC_REGION, sdkClientConfig } from "./platform";

/** The metric the readiness alarm watches (components/aws/readiness.ts). */
export const READINESS_METRIC = { namespace: "LogScaleDR", name: "StandbyReady", dimension: "ClusterName" } as const;

/** The event the schedule sends. */
export interface AwsReadinessEvent {
    logscaleDrReadiness: Record<string, unknown>;
}

export function isReadinessEvent(event: unknown): event is AwsReadinessEvent {
    const r = (event as Partial<AwsReadinessEvent> | null | undefined)?.logscaleDrReadiness;
    return typeof r === "object" && r !== null;
}

export { parseVerdict };

export interface AwsReadinessIo extends ReadinessPlatform {
    /** The previous run's verdict; undefined when none was stored. */
    lastVerdict(): Promise<boolean | undefined>;
    storeVerdict(ready: boolean): Promise<void>;
    publishMetric(result: ReadinessResult): Promise<void>;
}

export function createAwsReadinessIo(env: AwsFailoverEnv, deps: { now: () => number }): AwsReadinessIo {
    let route53: Route53Client | undefined;
    let metricsCw: CloudWatchClient | undefined;
    let ownCw: CloudWatchClient | undefined;
    let ssm: SSMClient | undefined;
    const r53 = () => {
        const { Route53Client } = require("@aws-sdk/client-route-53") as typeof import("@aws-sdk/client-route-53");
        return route53 ??= new Route53Client(sdkClientConfig("us-east-1"));
    };
    const cloudwatch = (region: string) => {
        const { CloudWatchClient } = require("@aws-sdk/client-cloudwatch") as typeof import("@aws-sdk/client-cloudwatch");
        return new CloudWatchClient(sdkClientConfig(region));
    };
    // Route 53's metrics live in us-east-1; StandbyReady and its alarm beside the standby.
    const healthMetrics = () => metricsCw ??= cloudwatch(METRIC_REGION);
    const standbyMetrics = () => ownCw ??= cloudwatch(env.eksClusterRegion);
    const parameters = () => {
        const { SSMClient } = require("@aws-sdk/client-ssm") as typeof import("@aws-sdk/client-ssm");
        return ssm ??= new SSMClient(sdkClientConfig(env.eksClusterRegion));
    };
    const getParameter = async (call: string, name: string): Promise<string | undefined> => {
        const { GetParameterCommand } = require("@aws-sdk/client-ssm") as typeof import("@aws-sdk/client-ssm");
        try {
            return (await parameters().send(new GetParameterCommand({ Name: name }))).Parameter?.Value;
        } catch (err) {
            if ((err as { name?: string }).name === "ParameterNotFound") {
                return undefined;
            }
            throw awsRemoteError(call, err);
        }
    };

    return {
        async readPrimaryHealthSignal(): Promise<string> {
            const { GetHealthCheckStatusCommand } = require("@aws-sdk/client-route-53") as typeof import("@aws-sdk/client-route-53");
            const { GetMetricStatisticsCommand } = require("@aws-sdk/client-cloudwatch") as typeof import("@aws-sdk/client-cloudwatch");
            const end = deps.now();
            // Both sources the holdoff needs: the checkers' verdict and the metric's failing streak.
            const [status, metric] = await Promise.all([
                awsCall("route53.GetHealthCheckStatus(primary)", () => r53().send(new GetHealthCheckStatusCommand({ HealthCheckId: env.primaryHealthCheckId }))),
                awsCall("cloudwatch.GetMetricStatistics", () => healthMetrics().send(new GetMetricStatisticsCommand({
                    Namespace: "AWS/Route53",
                    MetricName: "HealthCheckStatus",
                    Dimensions: [{ Name: "HealthCheckId", Value: env.primaryHealthCheckId }],
                    StartTime: new Date(end - 10 * METRIC_PERIOD_SECONDS * 1000),
                    EndTime: new Date(end),
                    Period: METRIC_PERIOD_SECONDS,
                    Statistics: ["Maximum"],
                }))),
            ]);
            const verdict = checkersVerdict(status.HealthCheckObservations ?? []);
            const points = metric.Datapoints ?? [];
            if (points.length === 0) {
                throw new RemoteError(`cloudwatch.GetMetricStatistics: no HealthCheckStatus datapoints for ${env.primaryHealthCheckId} in the last 10 minutes; ` +
                    "the holdoff could not be measured", undefined, false, "cloudwatch.GetMetricStatistics");
            }
            const failing = consecutiveFailingSeconds(points, METRIC_PERIOD_SECONDS);
            return `primary ${verdict.healthy ? "healthy" : "failing"} (${verdict.detail}); HealthCheckStatus has ${points.length} datapoints, failing for ${failing}s`;
        },

        async readLockTarget(): Promise<string> {
            const { GetHealthCheckCommand } = require("@aws-sdk/client-route-53") as typeof import("@aws-sdk/client-route-53");
            const out = await awsCall("route53.GetHealthCheck(primary)", () => r53().send(new GetHealthCheckCommand({ HealthCheckId: env.primaryHealthCheckId })));
            const fqdn = out.HealthCheck?.HealthCheckConfig?.FullyQualifiedDomainName;
            if (fqdn === LOCKED_FQDN) {
                return `health check ${env.primaryHealthCheckId} is locked (${LOCKED_FQDN})`;
            }
            return `health check ${env.primaryHealthCheckId} readable, probing ${fqdn ?? "an IP address"}`;
        },

        async readCooldownStore(): Promise<string> {
            const value = await getParameter("ssm.GetParameter(cooldown)", env.cooldownParameterName);
            return value === undefined
                ? `${env.cooldownParameterName} does not exist yet; the first failover creates it`
                : `${env.cooldownParameterName} readable`;
        },

        async lastVerdict(): Promise<boolean | undefined> {
            const name = env.readinessParameterName;
            return name === undefined ? undefined : parseVerdict(await getParameter("ssm.GetParameter(readiness)", name));
        },

        async storeVerdict(ready: boolean): Promise<void> {
            const name = env.readinessParameterName;
            if (name === undefined) {
                return;
            }
            const { PutParameterCommand } = require("@aws-sdk/client-ssm") as typeof import("@aws-sdk/client-ssm");
            await awsCall("ssm.PutParameter(readiness)", () => parameters().send(new PutParameterCommand({
                Name: name, Value: ready ? "ready" : "not-ready", Type: "String", Overwrite: true,
            })));
        },

        async publishMetric(result: ReadinessResult): Promise<void> {
            const { PutMetricDataCommand } = require("@aws-sdk/client-cloudwatch") as typeof import("@aws-sdk/client-cloudwatch");
            await awsCall("cloudwatch.PutMetricData", () => standbyMetrics().send(new PutMetricDataCommand({
                Namespace: READINESS_METRIC.namespace,
                MetricData: [{
                    MetricName: READINESS_METRIC.name,
                    Dimensions: [{ Name: READINESS_METRIC.dimension, Value: env.eksClusterName }],
                    Timestamp: new Date(deps.now()),
                    Value: result.ready ? 1 : 0,
                    Unit: "Count",
                }],
            })));
        },
    };
}
