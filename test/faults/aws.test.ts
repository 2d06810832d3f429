// Fault matrix, AWS: every remote call of the Lambda's adapter (SDK calls
// through aws-sdk-client-mock, Kubernetes calls to the fake API server over
// TLS, reached through the endpoint and CA in the environment) failed four
// ways, one call at a time; the alarm re-arm when the primary is healthy;
// N concurrent invocations; and the bench's critical path.
import * as assert from "assert";
import { CloudWatchClient, GetMetricStatisticsCommand, SetAlarmStateCommand } from "@aws-sdk/client-cloudwatch";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { GetHealthCheckStatusCommand, Route53Client, UpdateHealthCheckCommand } from "@aws-sdk/client-route-53";
import { GetParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { eksConnection } from "../../functions/aws/eks";
import { AwsFailoverEnv, AwsFailoverEnvSettings, awsFailoverEnvironment, failoverSettingsFromEnv, readAwsFailoverEnv } from "../../functions/aws/env";
import { createAwsPlatform } from "../../functions/aws/platform";
import { runFailover } from "../../functions/core/failover";
import { FailoverResult } from "../../functions/core/types";
import { KubeClient } from "../../functions/k8s/client";
import { benchAws } from "../../scripts/bench/functions";
import { TARGETS } from "../../scripts/bench/cli";
import { ALARM, ARN, awsEnvSettings, kubeAt, minutes, observations, PRIMARY, SECONDARY } from "../functions/aws-fixtures";
import { memoryLogger } from "../functions/fakes";
import { FakeKubernetes, FaultSpec } from "../support/fake-k8s";
import { CLIENT_TIMEOUT_MS, FAULT_KINDS, FaultKind, SLOW_MS } from "./fault-proxy";
import { assertOutcome, CallRole, EXPECTED, instantClock } from "./matrix";

const NS = "logging";
const OPERATOR = "humio-operator";
const TLS = "logscale";

type SdkCall = "route53.GetHealthCheckStatus(primary)" | "route53.GetHealthCheckStatus(secondary)" | "cloudwatch.GetMetricStatistics"
    | "ssm.GetParameter" | "ssm.PutParameter" | "route53.UpdateHealthCheck" | "lambda.Invoke" | "cloudwatch.SetAlarmState";

/** Every remote call and what it is for. SDK calls are failed in the mock, Kubernetes calls in the fake API server. */
const CALLS: { call: string; role: CallRole; sdk?: SdkCall; k8s?: Omit<FaultSpec, "times" | "status" | "hang" | "delayMs"> }[] = [
    { call: "route53.GetHealthCheckStatus(primary)", role: "read", sdk: "route53.GetHealthCheckStatus(primary)" },
    { call: "cloudwatch.GetMetricStatistics", role: "read", sdk: "cloudwatch.GetMetricStatistics" },
    { call: "route53.GetHealthCheckStatus(secondary)", role: "read", sdk: "route53.GetHealthCheckStatus(secondary)" },
    { call: "ssm.GetParameter", role: "cooldownRead", sdk: "ssm.GetParameter" },
    { call: "k8s GET deployment", role: "read", k8s: { method: "GET", path: `/deployments/${OPERATOR}` } },
    { call: "k8s GET secret (metadata)", role: "read", k8s: { method: "GET", path: `/secrets/${TLS}` } },
    { call: "k8s DELETE secret", role: "deleteSecret", k8s: { method: "DELETE", path: `/secrets/${TLS}` } },
    { call: "k8s PATCH deployment (scale)", role: "scale", k8s: { method: "PATCH", path: `/deployments/${OPERATOR}` } },
    { call: "route53.UpdateHealthCheck", role: "lock", sdk: "route53.UpdateHealthCheck" },
    { call: "ssm.PutParameter", role: "record", sdk: "ssm.PutParameter" },
    { call: "lambda.Invoke (recheck)", role: "recheck", sdk: "lambda.Invoke" },
];

const sdkError = (name: string, status: number | undefined, message: string) =>
    Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status }, $fault: status !== undefined && status >= 500 ? "server" : "client" });
const delay = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));

describe("fault matrix: AWS adapter (aws-sdk-client-mock, fake Kubernetes API over TLS)", function () {
    let r53: AwsClientStub<Route53Client>;
    let cw: AwsClientStub<CloudWatchClient>;
    let ssm: AwsClientStub<SSMClient>;
    let lambda: AwsClientStub<LambdaClient>;
    let kube: FakeKubernetes;
    let clients: KubeClient[];
    /** Injected SDK faults: each call's fault, consumed as the fault kind says. */
    let faults: Map<SdkCall, { kind: FaultKind; left: number; hits: number }>;
    let state: { parameter: string; locked: number; puts: number; invokes: number; alarm: string };

    before(() => {
        r53 = mockClient(Route53Client);
        cw = mockClient(CloudWatchClient);
        ssm = mockClient(SSMClient);
        lambda = mockClient(LambdaClient);
    });
    after(() => {
        for (const m of [r53, cw, ssm, lambda]) m.restore();
    });

    /** The SDK answer, after the injected fault for this call if one is left. */
    function answer<T>(call: SdkCall, ok: () => T): () => Promise<T> {
        return async () => {
            const f = faults.get(call);
            if (f && f.left > 0) {
                f.left--;
                f.hits++;
                switch (f.kind) {
                    case "transient": throw sdkError("ServiceUnavailable", 503, "Service Unavailable");
                    case "permanent": throw sdkError("AccessDeniedException", 403, `not authorized to perform ${call}`);
                    // What the SDK's requestHandler raises when requestTimeout passes without an answer.
                    case "timeout": await delay(50); throw sdkError("TimeoutError", undefined, `Connection timed out after ${CLIENT_TIMEOUT_MS} ms`);
                    case "slow": await delay(SLOW_MS); break;
                }
            }
            return ok();
        };
    }

    beforeEach(async () => {
        for (const m of [r53, cw, ssm, lambda]) m.reset();
        faults = new Map();
        state = { parameter: "0", locked: 0, puts: 0, invokes: 0, alarm: "ALARM" };
        kube = await FakeKubernetes.start({ tls: true });
        clients = [];
        kube.putDeployment(NS, OPERATOR, { replicas: 0 });
        kube.putSecret(NS, TLS, { creationTimestamp: "2024-06-01T00:00:00Z" });
        const latest = Math.floor(Date.UTC(2025, 0, 15, 12, 0, 30) / 60_000) * 60_000 - 60_000;
        r53.on(GetHealthCheckStatusCommand, { HealthCheckId: PRIMARY })
            .callsFake(answer("route53.GetHealthCheckStatus(primary)", () => ({ HealthCheckObservations: observations(0, 8) })));
        r53.on(GetHealthCheckStatusCommand, { HealthCheckId: SECONDARY })
            .callsFake(answer("route53.GetHealthCheckStatus(secondary)", () => ({ HealthCheckObservations: observations(8, 0) })));
        cw.on(GetMetricStatisticsCommand).callsFake(answer("cloudwatch.GetMetricStatistics", () => ({ Datapoints: minutes(latest, [0, 0, 0, 0, 0]) })));
        ssm.on(GetParameterCommand).callsFake(answer("ssm.GetParameter", () => ({ Parameter: { Value: state.parameter } })));
        ssm.on(PutParameterCommand).callsFake(async (input: { Value?: string }) => {
            await answer("ssm.PutParameter", () => undefined)();
            state.parameter = input.Value ?? "0";
            state.puts++;
            return { Version: state.puts + 1 };
        });
        r53.on(UpdateHealthCheckCommand).callsFake(async () => {
            await answer("route53.UpdateHealthCheck", () => undefined)();
            state.locked++;
            return {};
        });
        lambda.on(InvokeCommand).callsFake(async () => {
            await answer("lambda.Invoke", () => undefined)();
            state.invokes++;
            return { StatusCode: 202 };
        });
        cw.on(SetAlarmStateCommand).callsFake(async (input: { StateValue?: string }) => {
            await answer("cloudwatch.SetAlarmState", () => undefined)();
            state.alarm = input.StateValue ?? "";
            return {};
        });
    });

    afterEach(async () => {
        clients.forEach(c => c.close());
        await kube.stop();
    });

    /** The environment as the stack writes it, pointing at this test's API server. */
    const awsEnv = (o: Partial<AwsFailoverEnvSettings> = {}): AwsFailoverEnv =>
        readAwsFailoverEnv(awsFailoverEnvironment(awsEnvSettings({ ...kubeAt(kube), ...o })));

    /** One invocation as the handler composes it, with a short Kubernetes deadline so a hung request costs milliseconds. */
    async function invoke(env: AwsFailoverEnv = awsEnv(), waitBudgetSeconds = 0, log = memoryLogger().log): Promise<FailoverResult> {
        const clock = instantClock();
        const credentials = () => ({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" });
        const k8s = new KubeClient({ connection: eksConnection(env, credentials, clock.now), timeoutMs: CLIENT_TIMEOUT_MS });
        clients.push(k8s);
        const platform = createAwsPlatform(env, { functionArn: ARN, attempt: 0, now: clock.now });
        return runFailover(platform, k8s, failoverSettingsFromEnv(env, waitBudgetSeconds), clock, log, { random: () => 0.5 });
    }

    const world = () => ({
        replicas: kube.deployment(NS, OPERATOR)!.spec.replicas ?? 0,
        tlsSecretPresent: kube.secret(NS, TLS) !== undefined,
        dnsLocked: state.locked > 0,
        cooldownRecorded: state.puts > 0,
    });

    for (const spec of CALLS) {
        for (const kind of FAULT_KINDS) {
            const expected = EXPECTED[spec.role][kind];
            it(`${spec.call} / ${kind}: ${expected}`, async () => {
                if (spec.sdk) {
                    faults.set(spec.sdk, { kind, left: kind === "permanent" ? Number.POSITIVE_INFINITY : 1, hits: 0 });
                } else {
                    const fault: FaultSpec = { ...spec.k8s!, times: kind === "permanent" ? Infinity : 1 };
                    if (kind === "transient") fault.status = 503;
                    if (kind === "permanent") fault.status = 403;
                    if (kind === "timeout") fault.hang = true;
                    if (kind === "slow") fault.delayMs = SLOW_MS;
                    kube.fault(fault);
                }
                // The recheck only happens with the holdoff still pending when the budget is spent.
                const result = spec.role === "recheck"
                    ? await invoke(awsEnv({ preFailoverFailureSeconds: 600 }), 0)
                    : await invoke();
                const hit = spec.sdk
                    ? faults.get(spec.sdk)!.hits
                    : kube.requests.filter(r => r.method === spec.k8s!.method && r.path.includes(spec.k8s!.path as string)
                        && (kind === "transient" ? r.status === 503 : kind === "permanent" ? r.status === 403 : true)).length;
                assert.ok(hit >= 1, `the ${kind} fault on ${spec.call} was never hit`);
                assertOutcome(expected, result, world(), `${spec.call} / ${kind}`);
                if (kind !== "permanent" && spec.role !== "recheck") {
                    assert.strictEqual(kube.requests.filter(r => r.method === "PATCH" && r.status === 200).length, 1, "exactly one scale-up");
                }
            });
        }
    }

    // The re-arm runs only when the primary is healthy, which no matrix role
    // covers: it must never turn "healthy" into an error or a change.
    for (const kind of FAULT_KINDS) {
        const settles = kind !== "permanent";
        it(`cloudwatch.SetAlarmState (re-arm, primary healthy) / ${kind}: primary-healthy, ${settles ? "alarm re-armed" : "failure logged, alarm left in ALARM"}`, async () => {
            r53.on(GetHealthCheckStatusCommand, { HealthCheckId: PRIMARY })
                .callsFake(answer("route53.GetHealthCheckStatus(primary)", () => ({ HealthCheckObservations: observations(8, 0) })));
            faults.set("cloudwatch.SetAlarmState", { kind, left: kind === "permanent" ? Number.POSITIVE_INFINITY : 1, hits: 0 });
            const { log, lines } = memoryLogger();
            const result = await invoke(awsEnv(), 0, log);
            assert.strictEqual(faults.get("cloudwatch.SetAlarmState")!.hits, 1, `the ${kind} fault was hit once${kind === "permanent" ? " (403 is not retried)" : ""}`);
            assert.strictEqual(result.decision, "primary-healthy", `${result.decision}: ${result.reason} ${result.error ?? ""}`);
            assert.strictEqual(state.alarm, settles ? "OK" : "ALARM");
            assert.strictEqual(lines.some(l => l.level === "warn" && l.event === "failover.clear-degraded-failed"), !settles);
            assert.deepStrictEqual(world(), { replicas: 0, tlsSecretPresent: true, dnsLocked: false, cooldownRecorded: false });
            assert.deepStrictEqual(cw.commandCalls(SetAlarmStateCommand).map(c => c.args[0].input.AlarmName).filter((n, i, a) => a.indexOf(n) === i), [ALARM]);
        });
    }

    it("N concurrent invocations: one scale-up, one lock, one cooldown record", async () => {
        const results = await Promise.all(Array.from({ length: 6 }, () => invoke()));
        // One effective scale. A loser that reads the operator up before any
        // record cannot tell it from a manual failover and completes the lock
        // (idempotent); one that reads after the record stops.
        assert.strictEqual(results.filter(r => r.operatorScaled).length, 1);
        assert.ok(results.every(r => ["failed-over", "already-failed-over", "cooldown"].includes(r.decision)), results.map(r => r.decision).join(", "));
        assert.ok(results.every(r => r.decision !== "failed-over" || r.dnsLocked));
        assert.strictEqual(kube.requests.filter(r => r.method === "PATCH" && r.status === 200).length, 1);
        assert.strictEqual(kube.deployment(NS, OPERATOR)!.spec.replicas, 1);
        assert.ok(state.locked >= 1);
        assert.match(state.parameter, /;lock=applied$/);
    });
});

// Separate from the matrix: the bench mocks the same SDK client prototypes itself.
describe("critical path: AWS failover (scripts/bench with the real adapter)", () => {
    it(`critical path (bench, real adapter): at most ${TARGETS.criticalPathCalls} round trips, no EKS lookup before the first Kubernetes call`, async function () {
        this.timeout(20_000);
        // Counted from which calls overlapped, not from how long they took.
        const timing = await benchAws(20);
        assert.strictEqual(timing.decision, "failed-over");
        assert.ok(timing.criticalPathCalls <= TARGETS.criticalPathCalls, `${timing.criticalPathCalls} round trips: ${JSON.stringify(timing.rounds)}`);
        assert.ok(!timing.rounds.flat().some(c => /eks\./i.test(c)), JSON.stringify(timing.rounds));
        assert.ok(timing.rounds[0].some(c => c.startsWith("k8s.")), `the first round already reads Kubernetes: ${JSON.stringify(timing.rounds[0])}`);
    });
});
