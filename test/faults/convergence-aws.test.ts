// The convergence matrix on AWS: the Lambda's adapter with its SDK calls
// answered by aws-sdk-client-mock (state kept here: the SSM record, the
// Route 53 lock) and Kubernetes over TLS from the fake API server.
import { CloudWatchClient, GetMetricStatisticsCommand, SetAlarmStateCommand } from "@aws-sdk/client-cloudwatch";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { GetHealthCheckStatusCommand, Route53Client, UpdateHealthCheckCommand } from "@aws-sdk/client-route-53";
import { GetParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { eksConnection } from "../../functions/aws/eks";
import { awsFailoverEnvironment, failoverSettingsFromEnv, readAwsFailoverEnv } from "../../functions/aws/env";
import { createAwsPlatform } from "../../functions/aws/platform";
import { runFailover } from "../../functions/core/failover";
import { KubeClient } from "../../functions/k8s/client";
import { ARN, awsEnvSettings, kubeAt, minutes, observations, PRIMARY, SECONDARY } from "../functions/aws-fixtures";
import { memoryLogger } from "../functions/fakes";
import { FakeKubernetes } from "../support/fake-k8s";
import { convergenceSuite, PairUnderTest, recordingClock } from "./convergence";
import { CLIENT_TIMEOUT_MS } from "./fault-proxy";

const NS = "logging";
const OPERATOR = "humio-operator";
const START_MS = Date.UTC(2025, 0, 15, 12, 0, 30);
const LATEST_MINUTE_MS = Math.floor(START_MS / 60_000) * 60_000 - 60_000;

const sdkError = (name: string, status: number, message: string) =>
    Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status }, $fault: status >= 500 ? "server" : "client" });

let mocks: { r53: AwsClientStub<Route53Client>; cw: AwsClientStub<CloudWatchClient>; ssm: AwsClientStub<SSMClient>; lambda: AwsClientStub<LambdaClient> } | undefined;
const clients: KubeClient[] = [];

async function startAwsPair(): Promise<PairUnderTest> {
    const { r53, cw, ssm, lambda } = mocks!;
    for (const m of [r53, cw, ssm, lambda]) m.reset();
    const kube = await FakeKubernetes.start({ tls: true });
    kube.putDeployment(NS, OPERATOR, { replicas: 0 });
    kube.putSecret(NS, "logscale", { creationTimestamp: "2024-06-01T00:00:00Z" });
    const world = { parameter: "0", locked: false, primaryHealthy: false, storeBroken: false, lockBroken: false };
    const slept: number[] = [];

    r53.on(GetHealthCheckStatusCommand, { HealthCheckId: PRIMARY }).callsFake(async () =>
        ({ HealthCheckObservations: world.primaryHealthy ? observations(8, 0) : observations(0, 8) }));
    r53.on(GetHealthCheckStatusCommand, { HealthCheckId: SECONDARY }).callsFake(async () => ({ HealthCheckObservations: observations(8, 0) }));
    cw.on(GetMetricStatisticsCommand).callsFake(async () =>
        ({ Datapoints: minutes(LATEST_MINUTE_MS, world.primaryHealthy ? [1, 1, 1, 1, 1] : [0, 0, 0, 0, 0]) }));
    ssm.on(GetParameterCommand).callsFake(async () => {
        if (world.storeBroken) throw sdkError("InternalServerError", 500, "SSM is unavailable");
        return { Parameter: { Value: world.parameter } };
    });
    ssm.on(PutParameterCommand).callsFake(async (input: { Value?: string }) => {
        if (world.storeBroken) throw sdkError("InternalServerError", 500, "SSM is unavailable");
        world.parameter = input.Value ?? "0";
        return { Version: 2 };
    });
    r53.on(UpdateHealthCheckCommand).callsFake(async () => {
        if (world.lockBroken) throw sdkError("AccessDenied", 403, "not authorized to perform route53:UpdateHealthCheck");
        world.locked = true;
        return {};
    });
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    cw.on(SetAlarmStateCommand).resolves({});

    return {
        kube,
        namespace: NS,
        operator: OPERATOR,
        async run(options = {}) {
            const clock = recordingClock(slept, START_MS);
            const env = readAwsFailoverEnv(awsFailoverEnvironment(awsEnvSettings({
                ...kubeAt(kube),
                ...(options.holdoffSeconds !== undefined ? { preFailoverFailureSeconds: options.holdoffSeconds } : {}),
            })));
            const credentials = () => ({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" });
            const k8s = new KubeClient({ connection: eksConnection(env, credentials, clock.now), timeoutMs: CLIENT_TIMEOUT_MS });
            clients.push(k8s);
            const platform = createAwsPlatform(env, { functionArn: ARN, attempt: 0, now: clock.now });
            return runFailover(platform, k8s, failoverSettingsFromEnv(env, 0), clock, memoryLogger().log, { random: () => 0.5 });
        },
        dnsLocked: () => world.locked,
        unlockByHand: () => { world.locked = false; },
        setPrimaryHealthy: healthy => { world.primaryHealthy = healthy; },
        breakRecordStore: () => { world.storeBroken = true; },
        breakLock: broken => { world.lockBroken = broken; },
        sleeps: () => slept,
    };
}

describe("convergence: AWS", () => {
    before(() => {
        mocks = { r53: mockClient(Route53Client), cw: mockClient(CloudWatchClient), ssm: mockClient(SSMClient), lambda: mockClient(LambdaClient) };
    });
    after(() => {
        for (const m of Object.values(mocks!)) m.restore();
        mocks = undefined;
    });
    convergenceSuite("AWS (Lambda adapter, SDK mocks, Kubernetes over TLS)", startAwsPair, async pair => {
        clients.splice(0).forEach(c => c.close());
        await pair.kube.stop();
    });
});
