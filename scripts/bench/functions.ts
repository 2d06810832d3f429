// The failover function of each cloud, timed: the real adapter and core
// against the test fakes with a fixed latency added to every remote call,
// every call recorded; then the same calls again one after another.
// AWS SDK calls go through aws-sdk-client-mock; HTTP calls through a
// latency proxy in front of the fake (AWS's Kubernetes API, reached over
// TLS at the endpoint and CA the environment carries, gets its latency from
// the fake itself).

import { performance } from "perf_hooks";
import * as net from "net";
import type { AddressInfo } from "net";
import type { Cloud } from "../../config/load";
import { systemClock } from "../../functions/core/clock";
import { runFailover } from "../../functions/core/failover";
import type { FailoverResult, KubernetesApi, Logger } from "../../functions/core/types";
import { KubeClient } from "../../functions/k8s/client";
import { CallRecorder, sleep } from "./spans";
import { LatencyProxy } from "./latency-proxy";

export interface FunctionTiming {
    criticalPathCalls: number;
    totalCalls: number;
    wallMs: number;
    sequentialWallMs: number;
    /** The calls per round trip (round k: calls that waited for a chain of k - 1 others). */
    rounds: string[][];
    decision: string;
}

const NS = "logging";
const OPERATOR = "humio-operator";
const TLS = "logscale";
const quiet: Logger = () => undefined;
const round = (ms: number) => Math.round(ms);

async function timed(rec: CallRecorder, run: () => Promise<FailoverResult>): Promise<FunctionTiming> {
    const t0 = performance.now();
    const result = await run();
    const wallMs = performance.now() - t0;
    if (result.decision !== "failed-over") {
        throw new Error(`bench: the failover did not complete (${result.decision}: ${result.reason} ${result.error ?? ""})`);
    }
    const sequentialWallMs = await rec.runSequentially();
    return {
        criticalPathCalls: rec.criticalPath(),
        totalCalls: rec.spans.length,
        wallMs: round(wallMs),
        sequentialWallMs: round(sequentialWallMs),
        rounds: rec.rounds(),
        decision: result.decision,
    };
}

/** Kubernetes client calls recorded at the client (the failover's KubernetesApi, the readiness run's ReadinessKube). */
export function recordedKube<T = KubernetesApi>(client: KubeClient, rec: CallRecorder): T {
    return new Proxy(client, {
        get(target, prop, receiver) {
            const value = Reflect.get(target, prop, receiver) as unknown;
            if (typeof value !== "function" || prop === "close") {
                return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
            }
            const fn = value as (...args: unknown[]) => Promise<unknown>;
            return async (...args: unknown[]) => {
                const start = performance.now();
                try {
                    return await fn.apply(target, args);
                } finally {
                    rec.add({ name: `k8s.${String(prop)}`, start, end: performance.now(), replay: () => fn.apply(target, args) });
                }
            };
        },
    }) as unknown as T;
}

export async function benchAws(latencyMs: number): Promise<FunctionTiming> {
    const { CloudWatchClient, GetMetricStatisticsCommand, SetAlarmStateCommand } = await import("@aws-sdk/client-cloudwatch");
    const { GetHealthCheckStatusCommand, Route53Client, UpdateHealthCheckCommand } = await import("@aws-sdk/client-route-53");
    const { GetParameterCommand, PutParameterCommand, SSMClient } = await import("@aws-sdk/client-ssm");
    const { mockClient } = await import("aws-sdk-client-mock");
    const { FakeKubernetes } = await import("../../test/support/fake-k8s");
    const { awsFailoverEnvironment, failoverSettingsFromEnv, readAwsFailoverEnv } = await import("../../functions/aws/env");
    const { createAwsPlatform } = await import("../../functions/aws/platform");
    const { eksConnection } = await import("../../functions/aws/eks");
    const { failoverNames } = await import("../../components/aws/names");

    const rec = new CallRecorder();
    const kube = await FakeKubernetes.start({ tls: true });
    kube.putDeployment(NS, OPERATOR, { replicas: 0 });
    kube.putSecret(NS, TLS, { creationTimestamp: "2024-06-01T00:00:00Z" });
    kube.fault({ delayMs: latencyMs, times: Infinity });
    const primary = "0b6f2c3e-1a2b-4c5d-8e9f-0123456789ab";
    const secondary = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d";
    const mocks = [mockClient(Route53Client), mockClient(CloudWatchClient), mockClient(SSMClient)] as const;
    const [r53, cw, ssm] = mocks;
    /** A mocked SDK call that takes latencyMs and is recorded. */
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
    const checkers = (status: string) => ({ HealthCheckObservations: Array.from({ length: 8 }, () => ({ Region: "us-east-1" as const, StatusReport: { Status: status } })) });
    // The newest failing minute ends 10 s before the run, inside the holdoff's gap allowance, so the
    // bench does not depend on the second of the minute it starts in.
    const latest = Date.now() - 10_000 - 60_000;
    const names = failoverNames({ clusterName: "logscale", region: "us-east-2" });
    try {
        r53.on(GetHealthCheckStatusCommand, { HealthCheckId: primary }).callsFake(call("route53.GetHealthCheckStatus(primary)", () => checkers("Failure: Connection timed out.")));
        r53.on(GetHealthCheckStatusCommand, { HealthCheckId: secondary }).callsFake(call("route53.GetHealthCheckStatus(secondary)", () => checkers("Success: HTTP Status Code 200, OK")));
        r53.on(UpdateHealthCheckCommand).callsFake(call("route53.UpdateHealthCheck", () => ({})));
        cw.on(GetMetricStatisticsCommand).callsFake(call("cloudwatch.GetMetricStatistics", () => ({
            Datapoints: [0, 1, 2, 3, 4].map(i => ({ Timestamp: new Date(latest - i * 60_000), Maximum: 0 })),
        })));
        ssm.on(GetParameterCommand).callsFake(call("ssm.GetParameter", () => ({ Parameter: { Value: "0" } })));
        ssm.on(PutParameterCommand).callsFake(call("ssm.PutParameter", () => ({ Version: 2 })));
        // Never sent on a failover (the primary is failing); mocked so that a regression shows as a recorded call.
        cw.on(SetAlarmStateCommand).callsFake(call("cloudwatch.SetAlarmState", () => ({})));
        // The API server's endpoint and CA arrive in the environment, as the stack writes it.
        const env = readAwsFailoverEnv(awsFailoverEnvironment({
            eksClusterName: "logscale-us-east-2", eksClusterRegion: "us-east-2",
            eksClusterEndpoint: kube.url, eksClusterCertificateAuthority: Buffer.from(kube.caPem!).toString("base64"),
            primaryHealthCheckId: primary, secondaryHealthCheckId: secondary,
            cooldownParameterName: names.parameter, failoverAlarmName: names.alarm, preFailoverFailureSeconds: 180, cooldownSeconds: 300,
            requireHealthySecondary: true, humioClusterName: TLS,
        }));
        const client = new KubeClient({
            connection: eksConnection(env, () => ({ accessKeyId: "AKIDBENCH", secretAccessKey: "bench" }), Date.now),
            timeoutMs: 10_000,
        });
        try {
            const platform = createAwsPlatform(env, { functionArn: "arn:aws:lambda:us-east-2:123456789012:function:bench", attempt: 0, now: Date.now });
            return await timed(rec, () => runFailover(platform, recordedKube(client, rec), failoverSettingsFromEnv(env, 60), systemClock(), quiet));
        } finally {
            client.close();
        }
    } finally {
        for (const m of mocks) m.restore();
        await kube.stop();
    }
}

export async function benchAzure(latencyMs: number): Promise<FunctionTiming> {
    const { FakeAzure } = await import("../../test/azure/fake-azure");
    const { FakeKubernetes } = await import("../../test/support/fake-k8s");
    const { trafficManagerApi } = await import("../../functions/azure/arm");
    const { managedIdentityTokens } = await import("../../functions/azure/identity");
    const { azurePlatform, DEGRADED_SINCE_ANNOTATION, LAST_FAILING_ANNOTATION } = await import("../../functions/azure/platform");
    const { endpointStateMetricApi } = await import("../../functions/azure/metrics");
    const { AKS_AAD_SERVER_APP_ID } = await import("../../functions/azure/settings");
    const { tcpReachable } = await import("../../functions/azure/tcp");

    const rec = new CallRecorder();
    const endpointId = "/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/logscale-westus2/providers/Microsoft.Network/trafficManagerProfiles/logscale-global/externalEndpoints/primary";
    const azure = await FakeAzure.start();
    const kube = await FakeKubernetes.start({ authorize: h => h === `Bearer token-for-${AKS_AAD_SERVER_APP_ID}` });
    azure.putEndpoint(endpointId, { endpointMonitorStatus: "Degraded" });
    // The alert fired ten minutes ago and every minute since failed throughout: the holdoff is met.
    const nowS = Math.floor(Date.now() / 1000);
    kube.putDeployment(NS, OPERATOR, { replicas: 0, annotations: { [DEGRADED_SINCE_ANNOTATION]: String(nowS - 600), [LAST_FAILING_ANNOTATION]: String(nowS) } });
    const minuteMs = Math.floor(Date.now() / 60000) * 60000;
    azure.putEndpointStateMinutes(endpointId, Array.from({ length: 12 }, (_, k) => ({ startMs: minuteMs - (k + 1) * 60000, maximum: 0 })));
    kube.putSecret(NS, TLS, { creationTimestamp: "2024-06-01T00:00:00Z" });
    // IDENTITY_ENDPOINT is a loopback sidecar on the App Service host: not a remote call.
    const arm = await LatencyProxy.start(azure.url, latencyMs, rec, (m, p) => p.includes("/providers/Microsoft.Insights/metrics") ? "arm.endpointStateMetric" : `arm.${m === "GET" ? "getEndpoint" : "disableEndpoint"}`, (_m, p) => p === "/msi/token");
    const k8sProxy = await LatencyProxy.start(kube.url, latencyMs, rec, (m, p) => `k8s ${m} ${p.split("/").slice(-2).join("/")}`);
    const ingress = net.createServer(s => s.destroy());
    await new Promise<void>(resolve => ingress.listen(0, "127.0.0.1", resolve));
    const port = (ingress.address() as AddressInfo).port;
    const tokens = managedIdentityTokens({ endpoint: `${arm.url}/msi/token`, header: azure.identityHeader, clientId: "0a1b2c3d-1111-4222-8333-444455556666" }, { now: Date.now });
    const client = new KubeClient({ connection: { server: k8sProxy.url, token: () => tokens(AKS_AAD_SERVER_APP_ID) } });
    try {
        const probe = async () => { await sleep(latencyMs); return tcpReachable("127.0.0.1", port, 5000); };
        const platform = azurePlatform({
            tm: trafficManagerApi({ armEndpoint: arm.url, token: () => tokens(azure.armResource) }),
            k8s: client,
            namespace: NS,
            operatorDeployment: OPERATOR,
            primaryEndpointId: endpointId,
            secondaryReachable: async () => {
                const end = rec.begin("tcp secondary ingress", probe);
                try {
                    return await probe();
                } finally {
                    end();
                }
            },
            now: Date.now,
            log: quiet,
            metrics: endpointStateMetricApi({ armEndpoint: arm.url, token: () => tokens(azure.armResource) }),
            holdoffGapSeconds: 25,
            preFailoverFailureSeconds: 180,
        });
        const settings = { namespace: NS, operatorDeployment: OPERATOR, humioClusterName: TLS, preFailoverFailureSeconds: 180, cooldownSeconds: 300, requireHealthySecondary: true, recheckIntervalSeconds: 30, waitBudgetSeconds: 60 };
        return await timed(rec, () => runFailover(platform, client, settings, systemClock(), quiet));
    } finally {
        client.close();
        await Promise.all([arm.stop(), k8sProxy.stop(), azure.stop(), kube.stop(), new Promise<void>(r => ingress.close(() => r()))]);
    }
}

export async function benchOci(latencyMs: number): Promise<FunctionTiming> {
    const { FakeOci } = await import("../../test/oci/fake-oci");
    const fx = await import("../../test/oci/fixtures");
    const { FakeKubernetes } = await import("../../test/support/fake-k8s");
    const { okeToken } = await import("../../functions/oci/oke");
    const { OciPlatform } = await import("../../functions/oci/platform");

    const rec = new CallRecorder();
    const fake = await FakeOci.start(fx.testKeys().publicKey, fx.KEY_ID);
    const kube = await FakeKubernetes.start({ authorize: h => fx.okeTokenIsValid(h, fx.CLUSTER, fx.REGION) });
    const now = Date.now();
    fake.putPolicy(fx.POLICY, fx.policyDoc());
    fake.datapoints.set(fx.MONITOR, fx.series(now, [0, 0, 0, 0, 0]));
    fake.httpProbeResults.set(fx.MONITOR, fx.httpProbes(now, false));
    fake.probeResults.set(fx.PING, ["a", "b", "c"].map(vp => ({ startTime: now - 30_000, isHealthy: true, vantagePointName: vp })));
    kube.putDeployment(NS, OPERATOR, { replicas: 0 });
    kube.putSecret(NS, TLS, { creationTimestamp: "2024-06-01T00:00:00Z" });
    const oci = await LatencyProxy.start(fake.url, latencyMs, rec, (m, p) => `oci ${m} ${/steeringPolicies|pingProbeResults|httpProbeResults|summarizeMetricsData/.exec(p)?.[0] ?? p}`);
    const k8sProxy = await LatencyProxy.start(kube.url, latencyMs, rec, (m, p) => `k8s ${m} ${p.split("/").slice(-2).join("/")}`);
    const client = new KubeClient({ connection: { server: k8sProxy.url, token: () => okeToken(fx.REGION, fx.CLUSTER, fx.credentials(), new Date()) } });
    try {
        const platform = new OciPlatform({
            region: fx.REGION, compartmentId: fx.COMPARTMENT, steeringPolicyId: fx.POLICY, primaryPool: "primary", primaryMonitorId: fx.MONITOR,
            primaryResultsUrl: `${oci.url}/20180501/httpProbeResults/${fx.MONITOR}`,
            secondaryResultsUrl: `${oci.url}/20180501/pingProbeResults/${fx.PING}`, secondaryWindowSeconds: 180, metricLookbackSeconds: 1080, alarmRepeatSeconds: 300,
            namespace: NS, operatorDeployment: OPERATOR, endpoints: { dns: oci.url, telemetry: oci.url }, timeoutMs: 10_000,
        }, fx.credentials, client, systemClock(), quiet);
        const settings = { namespace: NS, operatorDeployment: OPERATOR, humioClusterName: TLS, preFailoverFailureSeconds: 180, cooldownSeconds: 300, requireHealthySecondary: true, recheckIntervalSeconds: 15, waitBudgetSeconds: 60 };
        return await timed(rec, () => runFailover(platform, client, settings, systemClock(), quiet));
    } finally {
        client.close();
        await Promise.all([oci.stop(), k8sProxy.stop(), fake.stop(), kube.stop()]);
    }
}

export const FUNCTION_BENCHES: Record<Cloud, (latencyMs: number) => Promise<FunctionTiming>> = { aws: benchAws, azure: benchAzure, oci: benchOci };
