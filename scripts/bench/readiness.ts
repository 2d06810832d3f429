// The readiness self-test's round trips (target: at most 2): the real AWS
// handler entry against the SDK mocks and the fake Kubernetes API over TLS,
// every remote call held for latencyMs and recorded, as the failover bench does.
import { performance } from "perf_hooks";
import { systemClock } from "../../functions/core/clock";
import type { ReadinessKube } from "../../functions/core/readiness";
import type { Logger } from "../../functions/core/types";
import { recordedKube } from "./functions";
import { CallRecorder, sleep } from "./spans";

export interface ReadinessTiming {
    criticalPathCalls: number;
    totalCalls: number;
    wallMs: number;
    rounds: string[][];
    ready: boolean;
}

export const READINESS_TARGET_ROUND_TRIPS = 2;

const quiet: Logger = () => undefined;

export async function benchAwsReadiness(latencyMs: number): Promise<ReadinessTiming> {
    const { CloudWatchClient, GetMetricStatisticsCommand, PutMetricDataCommand } = await import("@aws-sdk/client-cloudwatch");
    const { GetHealthCheckCommand, GetHealthCheckStatusCommand, Route53Client } = await import("@aws-sdk/client-route-53");
    const { GetParameterCommand, PutParameterCommand, SSMClient } = await import("@aws-sdk/client-ssm");
    const { mockClient } = await import("aws-sdk-client-mock");
    const { FakeKubernetes } = await import("../../test/support/fake-k8s");
    const { awsFailoverEnvironment } = await import("../../functions/aws/env");
    const { runAwsReadiness } = await import("../../functions/aws/handler");

    const rec = new CallRecorder();
    const kube = await FakeKubernetes.start({ tls: true });
    kube.putDeployment("logging", "humio-operator", { replicas: 0 });
    kube.putHumioCluster("logging", "logscale", {
        nodeCount: 1,
        commonEnvironmentVariables: [
            { name: "S3_RECOVER_FROM_BUCKET", value: "primary-bucket" },
            { name: "S3_RECOVER_FROM_ENCRYPTION_KEY", valueFrom: { secretKeyRef: { name: "logscale-env-secrets", key: "S3_RECOVER_FROM_ENCRYPTION_KEY" } } },
        ],
    });
    kube.putSecret("logging", "logscale-env-secrets");
    kube.fault({ delayMs: latencyMs, times: Infinity });
    const mocks = [mockClient(Route53Client), mockClient(CloudWatchClient), mockClient(SSMClient)] as const;
    const [r53, cw, ssm] = mocks;
    const call = <T>(name: string, out: () => T) => {
        const once = async () => { await sleep(latencyMs); return out(); };
        return async () => {
            const end = rec.begin(name, once);
            try {
                return await once();
            } finally {
                end();
            }
        };
    };
    const primary = "0b6f2c3e-1a2b-4c5d-8e9f-0123456789ab";
    const latest = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
    try {
        r53.on(GetHealthCheckStatusCommand).callsFake(call("route53.GetHealthCheckStatus", () => ({
            HealthCheckObservations: Array.from({ length: 8 }, () => ({ Region: "us-east-1" as const, StatusReport: { Status: "Success: HTTP Status Code 200, OK" } })),
        })));
        r53.on(GetHealthCheckCommand).callsFake(call("route53.GetHealthCheck", () => ({
            HealthCheck: { Id: primary, CallerReference: "bench", HealthCheckVersion: 1, HealthCheckConfig: { Type: "HTTPS" as const, FullyQualifiedDomainName: "primary.example.com" } },
        })));
        cw.on(GetMetricStatisticsCommand).callsFake(call("cloudwatch.GetMetricStatistics", () => ({ Datapoints: [0, 1, 2].map(i => ({ Timestamp: new Date(latest - i * 60_000), Maximum: 1 })) })));
        cw.on(PutMetricDataCommand).callsFake(call("cloudwatch.PutMetricData", () => ({})));
        ssm.on(GetParameterCommand).callsFake(call("ssm.GetParameter", () => ({ Parameter: { Value: "ready" } })));
        ssm.on(PutParameterCommand).callsFake(call("ssm.PutParameter", () => ({ Version: 2 })));
        const env = awsFailoverEnvironment({
            eksClusterName: "logscale-us-east-2", eksClusterRegion: "us-east-2",
            eksClusterEndpoint: kube.url, eksClusterCertificateAuthority: Buffer.from(kube.caPem!).toString("base64"),
            primaryHealthCheckId: primary, secondaryHealthCheckId: "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
            cooldownParameterName: "/logscale-dr/bench/last-failover-epoch", failoverAlarmName: "bench-alarm", preFailoverFailureSeconds: 180,
            cooldownSeconds: 300, requireHealthySecondary: true, humioClusterName: "logscale",
            readinessParameterName: "/logscale-dr/bench/standby-ready",
        });
        const t0 = performance.now();
        const outcome = await runAwsReadiness({ invokedFunctionArn: "arn:aws:lambda:us-east-2:123456789012:function:bench", getRemainingTimeInMillis: () => 60_000 }, {
            env, clock: systemClock(), log: quiet,
            credentials: () => ({ accessKeyId: "AKIDBENCH", secretAccessKey: "bench" }),
            readinessKube: client => recordedKube<ReadinessKube>(client, rec),
        });
        const wallMs = Math.round(performance.now() - t0);
        if (!outcome.ready) {
            throw new Error(`bench: the readiness run found the bench standby not ready: ${JSON.stringify(outcome.checks)}`);
        }
        return { criticalPathCalls: rec.criticalPath(), totalCalls: rec.spans.length, wallMs, rounds: rec.rounds(), ready: outcome.ready };
    } finally {
        for (const m of mocks) m.restore();
        await kube.stop();
    }
}
