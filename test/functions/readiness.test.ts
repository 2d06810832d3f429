import * as assert from "assert";
import { CloudWatchClient, GetMetricStatisticsCommand, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { GetHealthCheckCommand, GetHealthCheckStatusCommand, Route53Client } from "@aws-sdk/client-route-53";
import { GetParameterCommand, ParameterNotFound, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { awsFailoverEnvironment } from "../../functions/aws/env";
import { LambdaContextLike, runAwsReadiness } from "../../functions/aws/handler";
import { READINESS_CHECKS, ReadinessPlatform, runReadiness } from "../../functions/core/readiness";
import { KubeClient } from "../../functions/k8s/client";
import { FakeKubernetes } from "../support/fake-k8s";
import { ARN, awsEnvSettings, kubeAt, minutes, observations, PRIMARY } from "./aws-fixtures";
import { FakeClock, memoryLogger } from "./fakes";

const SETTINGS = { namespace: "logging", operatorDeployment: "humio-operator", humioClusterName: "logscale" };

/** A standby as the stack leaves it: operator at 0, HumioCluster at 1 node recovering from the primary, its Secrets present. */
function standby(kube: FakeKubernetes): void {
    kube.putDeployment("logging", "humio-operator", { replicas: 0 });
    kube.putHumioCluster("logging", "logscale", {
        nodeCount: 1,
        commonEnvironmentVariables: [
            { name: "S3_STORAGE_BUCKET", value: "standby-bucket" },
            { name: "S3_RECOVER_FROM_BUCKET", value: "primary-bucket" },
            { name: "S3_RECOVER_FROM_ENCRYPTION_KEY", valueFrom: { secretKeyRef: { name: "logscale-env-secrets", key: "S3_RECOVER_FROM_ENCRYPTION_KEY" } } },
        ],
        nodePools: [{ name: "ingest", spec: { nodeCount: 0, environmentVariables: [
            { name: "LICENSE", valueFrom: { secretKeyRef: { name: "logscale-license", key: "license" } } },
        ] } }],
    });
    kube.putSecret("logging", "logscale-env-secrets");
    kube.putSecret("logging", "logscale-license");
}

const healthyPlatform = (): ReadinessPlatform => ({
    readPrimaryHealthSignal: async () => "primary healthy",
    readLockTarget: async () => "health check readable",
    readCooldownStore: async () => "parameter readable",
});

describe("readiness (core) against the fake Kubernetes API over HTTP", () => {
    let kube: FakeKubernetes;
    let k8s: KubeClient;
    beforeEach(async () => {
        kube = await FakeKubernetes.start();
        k8s = new KubeClient({ connection: { server: kube.url, token: () => "t" } });
        standby(kube);
    });
    afterEach(async () => {
        k8s.close();
        await kube.stop();
    });

    const run = (platform: ReadinessPlatform = healthyPlatform()) => runReadiness({ k8s, platform }, SETTINGS, new FakeClock(), memoryLogger().log);
    const failed = (r: Awaited<ReturnType<typeof run>>) => r.checks.filter(c => c.verdict === "fail").map(c => c.name);

    it("a healthy standby is ready, every check ok, in one round of reads and without a write", async () => {
        const r = await run();
        assert.deepStrictEqual(failed(r), []);
        assert.strictEqual(r.ready, true);
        assert.deepStrictEqual(r.checks.map(c => c.name), [...READINESS_CHECKS]);
        assert.match(r.checks.find(c => c.name === "referenced-secrets")!.reason, /logscale-env-secrets, logscale-license/);
        assert.deepStrictEqual(kube.requests.map(q => q.method), ["GET", "GET", "GET"]);
    });

    it("stays ready after a failover (operator at 1)", async () => {
        kube.putDeployment("logging", "humio-operator", { replicas: 1 });
        const r = await run();
        assert.strictEqual(r.ready, true);
        assert.match(r.checks.find(c => c.name === "operator-deployment")!.reason, /already failed over/);
    });

    it("deployment missing: not ready, naming operator-deployment", async () => {
        kube.remove("deployments", "logging", "humio-operator");
        const r = await run();
        assert.strictEqual(r.ready, false);
        assert.deepStrictEqual(failed(r), ["operator-deployment"]);
        assert.match(r.checks[1].reason, /logging\/humio-operator does not exist/);
    });

    it("a referenced Secret missing: not ready, naming it", async () => {
        kube.remove("secrets", "logging", "logscale-license");
        const r = await run();
        assert.deepStrictEqual(failed(r), ["referenced-secrets"]);
        assert.match(r.checks.find(c => c.name === "referenced-secrets")!.reason, /missing in logging: logscale-license/);
    });

    it("HumioCluster without recover-from, or with nodeCount 2: not ready", async () => {
        kube.putHumioCluster("logging", "logscale", { nodeCount: 1, commonEnvironmentVariables: [{ name: "S3_STORAGE_BUCKET", value: "b" }] });
        assert.match((await run()).checks.find(c => c.name === "humio-cluster")!.reason, /no \*_RECOVER_FROM_\*/);
        kube.putHumioCluster("logging", "logscale", { nodeCount: 2, commonEnvironmentVariables: [{ name: "S3_RECOVER_FROM_BUCKET", value: "b" }] });
        const r = await run();
        assert.deepStrictEqual(failed(r), ["humio-cluster"]);
        assert.match(r.checks.find(c => c.name === "humio-cluster")!.reason, /nodeCount 2/);
    });

    it("Kubernetes 403: not ready, naming kubernetes-access and every object it could not read", async () => {
        kube.fault({ method: "GET", times: Infinity, status: 403 });
        const r = await run();
        assert.strictEqual(r.ready, false);
        assert.deepStrictEqual(failed(r), ["kubernetes-access", "operator-deployment", "humio-cluster", "referenced-secrets"]);
        assert.match(r.checks[0].reason, /not authorized \(403\)/);
    });

    it("the API server unreachable: kubernetes-access says so", async () => {
        await kube.stop();
        const r = await run();
        assert.match(r.checks[0].reason, /no answer from the API server/);
        kube = await FakeKubernetes.start();
    });

    it("health signal unreadable: not ready, naming primary-health-signal with the error; no retry", async () => {
        let calls = 0;
        const r = await run({ ...healthyPlatform(), readPrimaryHealthSignal: async () => { calls++; throw new Error("AccessDenied: route53:GetHealthCheckStatus"); } });
        assert.deepStrictEqual(failed(r), ["primary-health-signal"]);
        assert.match(r.checks.find(c => c.name === "primary-health-signal")!.reason, /AccessDenied/);
        assert.strictEqual(calls, 1);
    });

    it("a port that throws synchronously fails its own check only", async () => {
        const r = await run({ ...healthyPlatform(), readCooldownStore: () => { throw new Error("boom"); } });
        assert.deepStrictEqual(failed(r), ["cooldown-store"]);
    });
});

describe("AWS readiness entry (SDK mocks + fake EKS API over HTTP)", () => {
    let r53: AwsClientStub<Route53Client>;
    let cw: AwsClientStub<CloudWatchClient>;
    let ssm: AwsClientStub<SSMClient>;
    let kube: FakeKubernetes;
    let clock: FakeClock;
    const published: { subject: string; message: string }[] = [];
    const ctx: LambdaContextLike = { functionName: "fn", invokedFunctionArn: ARN, getRemainingTimeInMillis: () => 900_000 };
    const TOPIC = "arn:aws:sns:eu-west-1:123456789012:logscale-dr-notify";
    const READY_PARAM = "/logscale-dr/secondary/standby-ready";
    let stored: string | undefined;

    before(() => {
        r53 = mockClient(Route53Client);
        cw = mockClient(CloudWatchClient);
        ssm = mockClient(SSMClient);
    });
    after(() => [r53, cw, ssm].forEach(m => m.restore()));
    beforeEach(async () => {
        [r53, cw, ssm].forEach(m => m.reset());
        published.length = 0;
        stored = undefined;
        clock = new FakeClock();
        kube = await FakeKubernetes.start({ tls: true });
        standby(kube);
        r53.on(GetHealthCheckStatusCommand).resolves({ HealthCheckObservations: observations(8, 0) });
        r53.on(GetHealthCheckCommand).resolves({ HealthCheck: { Id: PRIMARY, CallerReference: "x", HealthCheckVersion: 1, HealthCheckConfig: { Type: "HTTPS", FullyQualifiedDomainName: "primary.example.com" } } });
        cw.on(GetMetricStatisticsCommand).resolves({ Datapoints: minutes(clock.now() - 120_000, [1, 1, 1]) });
        cw.on(PutMetricDataCommand).resolves({});
        ssm.on(GetParameterCommand).resolves({ Parameter: { Value: "0" } });
        ssm.on(GetParameterCommand, { Name: READY_PARAM }).callsFake(async () => {
            if (stored === undefined) throw new ParameterNotFound({ message: "nf", $metadata: { httpStatusCode: 400 } });
            return { Parameter: { Value: stored } };
        });
        ssm.on(PutParameterCommand).callsFake(async (input: { Value: string }) => { stored = input.Value; return { Version: 2 }; });
    });
    afterEach(() => kube.stop());

    const run = () => runAwsReadiness(ctx, {
        env: awsFailoverEnvironment(awsEnvSettings({ ...kubeAt(kube), notifyTopicArn: TOPIC, readinessParameterName: READY_PARAM })),
        clock,
        log: memoryLogger().log,
        credentials: () => ({ accessKeyId: "AKIA", secretAccessKey: "s" }),
        notifier: topic => ({ publish: async (subject, message) => { assert.strictEqual(topic, TOPIC); published.push({ subject, message }); } }),
    });
    const metricValues = () => cw.commandCalls(PutMetricDataCommand).map(c => c.args[0].input.MetricData![0].Value);

    it("ready: StandbyReady 1 with the cluster as dimension, no message on a first ready run", async () => {
        const r = await run();
        assert.strictEqual(r.ready, true, JSON.stringify(r.checks));
        const input = cw.commandCalls(PutMetricDataCommand)[0].args[0].input;
        assert.strictEqual(input.Namespace, "LogScaleDR");
        assert.deepStrictEqual(input.MetricData![0].Dimensions, [{ Name: "ClusterName", Value: "logscale-secondary" }]);
        assert.deepStrictEqual(metricValues(), [1]);
        assert.strictEqual(stored, "ready");
        assert.deepStrictEqual(published, []);
    });

    it("tells people once when it turns not-ready, once when it is back", async () => {
        await run();
        kube.remove("secrets", "logging", "logscale-license");
        const bad = await run();
        assert.strictEqual(bad.ready, false);
        assert.strictEqual(bad.notified, "readiness-failed");
        await run();
        kube.putSecret("logging", "logscale-license");
        const back = await run();
        assert.strictEqual(back.notified, "readiness-back");
        assert.deepStrictEqual(metricValues(), [1, 0, 0, 1]);
        assert.deepStrictEqual(published.map(p => p.subject), [
            "LogScale DR logscale-secondary: standby NOT ready (referenced-secrets)",
            "LogScale DR logscale-secondary: standby ready again",
        ]);
        assert.match(published[0].message, /referenced-secrets: missing in logging: logscale-license/);
        assert.strictEqual(JSON.parse(published[0].message.slice(published[0].message.indexOf("\n{"))).ready, false);
    });

    it("health signal unreadable: not ready naming it, metric 0, and the run still returns normally", async () => {
        r53.on(GetHealthCheckStatusCommand).rejects(Object.assign(new Error("denied"), { name: "AccessDenied", $metadata: { httpStatusCode: 403 } }));
        const r = await run();
        assert.deepStrictEqual(r.checks.filter(c => c.verdict === "fail").map(c => c.name), ["primary-health-signal"]);
        assert.deepStrictEqual(metricValues(), [0]);
        assert.strictEqual(r53.commandCalls(GetHealthCheckStatusCommand).length, 1);
    });

    it("a failing PutMetricData or Publish is reported in the result, never thrown", async () => {
        cw.on(PutMetricDataCommand).rejects(new Error("throttled"));
        kube.remove("deployments", "logging", "humio-operator");
        const r = await runAwsReadiness(ctx, {
            env: awsFailoverEnvironment(awsEnvSettings({ ...kubeAt(kube), notifyTopicArn: TOPIC, readinessParameterName: READY_PARAM })),
            clock, log: memoryLogger().log, credentials: () => ({ accessKeyId: "AKIA", secretAccessKey: "s" }),
            notifier: () => ({ publish: async () => { throw new Error("sns down"); } }),
        });
        assert.strictEqual(r.ready, false);
        assert.strictEqual(r.metricPublished, false);
        assert.strictEqual(r.notified, undefined);
        assert.match(r.errors.join(";"), /throttled/);
    });

    it("a bad environment returns not-ready without a metric (the alarm treats missing data as breaching)", async () => {
        const r = await runAwsReadiness(ctx, { env: {}, clock, log: memoryLogger().log });
        assert.strictEqual(r.ready, false);
        assert.strictEqual(r.metricPublished, false);
        assert.strictEqual(cw.commandCalls(PutMetricDataCommand).length, 0);
    });
});
