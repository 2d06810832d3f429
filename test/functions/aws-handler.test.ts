import * as assert from "assert";
import { CloudWatchClient, CloudWatchServiceException, GetMetricStatisticsCommand, SetAlarmStateCommand } from "@aws-sdk/client-cloudwatch";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { GetHealthCheckStatusCommand, Route53Client, UpdateHealthCheckCommand } from "@aws-sdk/client-route-53";
import { GetParameterCommand, ParameterNotFound, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { eksBearerToken } from "../../functions/aws/eks-token";
import { awsFailoverEnvironment, AwsFailoverEnvSettings } from "../../functions/aws/env";
import { HANDLER_MARGIN_MS, LambdaContextLike, runAwsFailover } from "../../functions/aws/handler";
import { LOCKED_FQDN } from "../../functions/aws/platform";
import { FakeKubernetes } from "../support/fake-k8s";
import { ALARM, ARN, awsEnvSettings, kubeAt, minutes, observations, PRIMARY, SECONDARY } from "./aws-fixtures";
import { FakeClock, k8sTime, memoryLogger } from "./fakes";

const CREDS = { accessKeyId: "ASIATESTTESTTEST", secretAccessKey: "test/secret/key", sessionToken: "session-token" };
const CLUSTER = "logscale-secondary";

const alarmEvent = {
    Records: [{
        EventSource: "aws:sns",
        Sns: {
            TopicArn: "arn:aws:sns:us-east-1:123456789012:logscale-secondary-dr-failover",
            Message: JSON.stringify({ AlarmName: "logscale-primary-health", NewStateValue: "ALARM", NewStateReason: "Threshold Crossed" }),
        },
    }],
};

function expectedToken(header: string): string {
    try {
        const url = new URL(Buffer.from(header.replace(/^Bearer k8s-aws-v1\./, ""), "base64url").toString("utf8"));
        const d = url.searchParams.get("X-Amz-Date") ?? "";
        const signedAt = new Date(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z`);
        return `Bearer ${eksBearerToken(CLUSTER, "eu-west-1", CREDS, signedAt)}`;
    } catch {
        return "";
    }
}

function context(remainingMs: number): LambdaContextLike {
    return { awsRequestId: "req-1", functionName: "logscale-secondary-dr-failover", invokedFunctionArn: ARN, getRemainingTimeInMillis: () => remainingMs };
}

describe("AWS failover handler end to end (SDK mocks + fake EKS API server over TLS, reached through the environment)", () => {
    let r53: AwsClientStub<Route53Client>;
    let cw: AwsClientStub<CloudWatchClient>;
    let ssm: AwsClientStub<SSMClient>;
    let lambda: AwsClientStub<LambdaClient>;
    let kube: FakeKubernetes;
    let clock: FakeClock;

    before(() => {
        r53 = mockClient(Route53Client);
        cw = mockClient(CloudWatchClient);
        ssm = mockClient(SSMClient);
        lambda = mockClient(LambdaClient);
    });
    after(() => [r53, cw, ssm, lambda].forEach(m => m.restore()));

    beforeEach(async () => {
        [r53, cw, ssm, lambda].forEach(m => m.reset());
        clock = new FakeClock();
        // The API server accepts exactly the token our presigner makes for this
        // cluster and role at the signing time the token states: proof of the
        // whole EKS auth path.
        kube = await FakeKubernetes.start({ tls: true, authorize: h => h !== undefined && h === expectedToken(h) });
        kube.putDeployment("logging", "humio-operator", { replicas: 0 });
        kube.putSecret("logging", "logscale", { creationTimestamp: k8sTime(clock.now() - 86400_000) });
        // LogScale answers at once unless a test says otherwise: the recovery follow-up ends on its first look.
        kube.serviceProxy = () => ({ status: 200, body: JSON.stringify({ status: "OK", version: "1.252.1" }) });

        r53.on(GetHealthCheckStatusCommand, { HealthCheckId: PRIMARY }).resolves({ HealthCheckObservations: observations(0, 8) });
        r53.on(GetHealthCheckStatusCommand, { HealthCheckId: SECONDARY }).resolves({ HealthCheckObservations: observations(8, 0) });
        r53.on(UpdateHealthCheckCommand).resolves({});
        ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: "not found", $metadata: { httpStatusCode: 400 } }));
        ssm.on(PutParameterCommand).resolves({ Version: 1 });
        lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
        cw.on(SetAlarmStateCommand).resolves({});
    });
    afterEach(() => kube.stop());

    const latestMinute = () => Math.floor(clock.now() / 60_000) * 60_000 - 60_000;
    const env = (o: Partial<AwsFailoverEnvSettings> = {}) => awsFailoverEnvironment(awsEnvSettings({ ...kubeAt(kube), ...o }));
    const run = (event: unknown, remainingMs: number, e = env()) => {
        const { log, lines } = memoryLogger();
        const promise = runAwsFailover(event, context(remainingMs), { env: e, clock, log, random: () => 0.5, credentials: () => CREDS });
        return { promise, lines };
    };

    it("fails over on the alarm once the primary has failed for the holdoff", async () => {
        cw.on(GetMetricStatisticsCommand).resolves({ Datapoints: minutes(latestMinute(), [0, 0, 0, 0]) });
        const { promise, lines } = run(alarmEvent, 900_000);
        const result = await promise;

        assert.strictEqual(result.decision, "failed-over", result.reason);
        assert.strictEqual(result.primary?.failingForSeconds, 240);
        assert.strictEqual(result.tlsSecret, "deleted");
        assert.strictEqual(result.dnsLocked, true);
        assert.strictEqual(kube.deployment("logging", "humio-operator")!.spec.replicas, 1);
        assert.strictEqual(kube.secret("logging", "logscale"), undefined);
        assert.ok(kube.requests.length > 0 && kube.requests.every(r => r.status !== 401), "every Kubernetes call authenticated");
        assert.strictEqual(cw.commandCalls(SetAlarmStateCommand).length, 0, "the alarm stays in ALARM after a failover");
        assert.deepStrictEqual(r53.commandCalls(UpdateHealthCheckCommand).map(c => c.args[0].input),
            [{ HealthCheckId: PRIMARY, FullyQualifiedDomainName: LOCKED_FQDN, Inverted: false }]);
        assert.deepStrictEqual(ssm.commandCalls(PutParameterCommand).map(c => c.args[0].input.Value), [`${Math.floor(clock.now() / 1000)};lock=applied`]);
        assert.strictEqual(lambda.commandCalls(InvokeCommand).length, 0);
        const invoked = lines.find(l => l.event === "failover.invoked")!;
        assert.deepStrictEqual((invoked.fields.trigger as { alarm: string; state: string }).alarm, "logscale-primary-health");
    });

    describe("notifications for people (NOTIFY_TOPIC_ARN)", () => {
        const TOPIC = "arn:aws:sns:eu-west-1:123456789012:logscale-dr-notify";
        const runNotified = (event: unknown, remainingMs: number, publish: (subject: string, message: string) => Promise<void>) => {
            const { log, lines } = memoryLogger();
            const topics: string[] = [];
            const promise = runAwsFailover(event, context(remainingMs), {
                env: env({ notifyTopicArn: TOPIC }), clock, log, random: () => 0.5, credentials: () => CREDS,
                notifier: topic => { topics.push(topic); return { publish }; },
            });
            return { promise, lines, topics };
        };
        const recorder = () => {
            const sent: { subject: string; message: string }[] = [];
            return { sent, publish: async (subject: string, message: string) => { sent.push({ subject, message }); } };
        };

        it("a failover whose DNS lock fails sends started, scaled, DNS lock failed, in that order, each with the JSON result", async () => {
            cw.on(GetMetricStatisticsCommand).resolves({ Datapoints: minutes(latestMinute(), [0, 0, 0, 0]) });
            r53.on(UpdateHealthCheckCommand).rejects(Object.assign(new Error("not allowed"), { name: "AccessDenied", $metadata: { httpStatusCode: 403 } }));
            const { sent, publish } = recorder();
            const { promise, topics } = runNotified(alarmEvent, 900_000, publish);
            const result = await promise;
            assert.strictEqual(result.decision, "failed-over");
            assert.ok(topics.length > 0 && topics.every(t => t === TOPIC), topics.join(", "));
            assert.deepStrictEqual(sent.map(m => m.subject.replace(/, failover took \d+s$/, "")), [
                "LogScale DR logscale-secondary: failover started",
                "LogScale DR logscale-secondary: humio-operator scaled to 1",
                "LogScale DR logscale-secondary: DNS lock failed",
                "LogScale DR logscale-secondary: LogScale recovered",
            ]);
            assert.match(sent[2].message, /AccessDenied/);
            for (const m of sent.slice(0, 3)) {
                assert.strictEqual(JSON.parse(m.message.slice(m.message.indexOf("\n\n{") + 2)).decision, "failed-over");
            }
        });

        it("a failing Publish changes nothing: same decision, same writes, a warning in the log", async () => {
            cw.on(GetMetricStatisticsCommand).resolves({ Datapoints: minutes(latestMinute(), [0, 0, 0, 0]) });
            let attempts = 0;
            const { promise, lines } = runNotified(alarmEvent, 900_000, async () => { attempts++; throw new Error("SNS unavailable"); });
            const result = await promise;
            assert.strictEqual(result.decision, "failed-over");
            assert.strictEqual(result.dnsLocked, true);
            assert.strictEqual(kube.deployment("logging", "humio-operator")!.spec.replicas, 1);
            assert.strictEqual(attempts, 3, "started, scaled and recovered were all tried");
            assert.deepStrictEqual(lines.filter(l => l.event === "notify.failed").map(l => [l.level, l.fields.notification]),
                [["warn", "failover-started"], ["warn", "scaled"], ["warn", "recovered"]]);
        });

        it("a notifier that throws while being built does not fail the run either", async () => {
            cw.on(GetMetricStatisticsCommand).resolves({ Datapoints: minutes(latestMinute(), [0, 0, 0, 0]) });
            const { log } = memoryLogger();
            const result = await runAwsFailover(alarmEvent, context(900_000), {
                env: env({ notifyTopicArn: TOPIC }), clock, log, random: () => 0.5, credentials: () => CREDS,
                notifier: () => { throw new Error("no SNS client"); },
            });
            assert.strictEqual(result.decision, "failed-over");
        });

        it("a skip is told once per incident: on the alarm's run, not on the rechecks", async () => {
            cw.on(GetMetricStatisticsCommand).resolves({ Datapoints: minutes(latestMinute(), [0]) });
            const first = recorder();
            const alarmRun = await runNotified(alarmEvent, HANDLER_MARGIN_MS, first.publish).promise;
            assert.strictEqual(alarmRun.decision, "holdoff-pending");
            assert.deepStrictEqual(first.sent.map(m => m.subject), ["LogScale DR logscale-secondary: no failover (holdoff-pending)"]);
            assert.match(first.sent[0].message, /not yet for the whole holdoff/);

            const later = recorder();
            const recheck = { logscaleDrRecheck: { attempt: 1, scheduledAt: new Date(clock.now()).toISOString(), afterSeconds: 30 } };
            assert.strictEqual((await runNotified(recheck, HANDLER_MARGIN_MS, later.publish).promise).decision, "holdoff-pending");
            assert.deepStrictEqual(later.sent, []);
        });

        it("without NOTIFY_TOPIC_ARN nothing is published", async () => {
            cw.on(GetMetricStatisticsCommand).resolves({ Datapoints: minutes(latestMinute(), [0, 0, 0, 0]) });
            let built = 0;
            const { log } = memoryLogger();
            await runAwsFailover(alarmEvent, context(900_000), {
                env: env(), clock, log, random: () => 0.5, credentials: () => CREDS,
                notifier: () => { built++; return { publish: async () => undefined }; },
            });
            assert.strictEqual(built, 0);
        });
    });

    describe("verified recovery after the scale (LogScale's /api/v1/status through the Service proxy)", () => {
        const TOPIC = "arn:aws:sns:eu-west-1:123456789012:logscale-dr-notify";
        const recoveryRun = (remainingMs: number, e = env({ expectedFailoverSeconds: 533, notifyTopicArn: TOPIC })) => {
            const { log, lines } = memoryLogger();
            const published: { subject: string; event: string; message: string }[] = [];
            const measured: number[] = [];
            const promise = runAwsFailover(alarmEvent, context(remainingMs), {
                env: e, clock, log, random: () => 0.5, credentials: () => CREDS,
                notifier: () => ({ publish: async (subject, message, event) => { published.push({ subject, message, event }); } }),
                measuredMetric: async (_env, seconds) => { measured.push(seconds); },
            });
            return { promise, lines, published, measured };
        };

        it("keeps asking until LogScale is OK, then reports recovered with the phases, the metric and a message after started and scaled", async () => {
            cw.on(GetMetricStatisticsCommand).resolves({ Datapoints: minutes(latestMinute(), [0, 0, 0, 0]) });
            const readyAt = clock.now() + 200_000;
            const asked: string[] = [];
            kube.serviceProxy = (ns, target, path) => {
                asked.push(`${ns} ${target} ${path}`);
                return clock.now() >= readyAt ? { status: 200, body: '{"status":"OK"}' } : { status: 503, body: "no endpoints available" };
            };
            const { promise, published, measured } = recoveryRun(900_000);
            const result = await promise;
            assert.strictEqual(result.decision, "failed-over", result.reason);
            assert.strictEqual(result.recovery?.state, "recovered", JSON.stringify(result.recovery));
            assert.deepStrictEqual(new Set(asked), new Set(["logging https:logscale-ui-cip:8080 /api/v1/status"]));
            const p = result.recovery!.phases!;
            assert.strictEqual(p.detectionSeconds, 240, "from the HealthCheckStatus streak at the decision");
            assert.ok(p.recoverySeconds! >= 200 && p.recoverySeconds! <= 230, String(p.recoverySeconds));
            assert.strictEqual(p.totalSeconds, measured[0]);
            assert.strictEqual(result.recovery!.versusExpectedSeconds, p.totalSeconds! - 533);
            assert.deepStrictEqual(published.map(m => m.event), ["failover-started", "scaled", "recovered"]);
            assert.match(published[2].message, /against 533s expected/);
            assert.strictEqual(lambda.commandCalls(InvokeCommand).length, 0, "no recheck needed");
        });

        it("not ready when this invocation's time runs out: still watching, a recheck self-invocation carries it on", async () => {
            cw.on(GetMetricStatisticsCommand).resolves({ Datapoints: minutes(latestMinute(), [0, 0, 0, 0]) });
            kube.serviceProxy = () => ({ status: 503, body: "no endpoints available" });
            const { promise, published } = recoveryRun(HANDLER_MARGIN_MS + 90_000);
            const result = await promise;
            assert.strictEqual(result.decision, "failed-over");
            assert.strictEqual(result.recovery?.state, "watching");
            assert.deepStrictEqual(published.map(m => m.event), ["failover-started", "scaled"]);
            assert.strictEqual(lambda.commandCalls(InvokeCommand).length, 1);
            const annotation = (kube.deployment("logging", "humio-operator")!.metadata.annotations as Record<string, string>)["logscale.dr/recovery"];
            assert.strictEqual(JSON.parse(annotation).state, "watching");
        });

        it("a recheck finds LogScale still not ready past recoveryDeadlineMinutes: 'recovery not confirmed', told once", async () => {
            cw.on(GetMetricStatisticsCommand).resolves({ Datapoints: minutes(latestMinute(), [0, 0, 0, 0]) });
            kube.serviceProxy = () => ({ status: 503, body: "no endpoints available" });
            // The cooldown parameter as SSM keeps it: the recheck reads the failover the first run recorded.
            let stored: string | undefined;
            ssm.on(PutParameterCommand).callsFake(input => { stored = input.Value; return { Version: 1 }; });
            ssm.on(GetParameterCommand).callsFake(() => {
                if (stored === undefined) throw new ParameterNotFound({ message: "not found", $metadata: { httpStatusCode: 400 } });
                return { Parameter: { Value: stored } };
            });
            await recoveryRun(HANDLER_MARGIN_MS + 30_000, env({ recoveryDeadlineMinutes: 2, notifyTopicArn: TOPIC })).promise;
            clock.nowMs += 3 * 60_000;
            const recheck = { logscaleDrRecheck: { attempt: 1 } };
            const published: string[] = [];
            const again = await runAwsFailover(recheck, context(900_000), {
                env: env({ recoveryDeadlineMinutes: 2, notifyTopicArn: TOPIC }), clock, log: memoryLogger().log, random: () => 0.5, credentials: () => CREDS,
                notifier: () => ({ publish: async (_s, _m, event) => { published.push(event); } }),
            });
            // Inside the cooldown or past it, the recheck changes nothing and still follows the recovery.
            assert.ok(["cooldown", "already-failed-over"].includes(again.decision), again.reason);
            assert.strictEqual(again.operatorScaled, false);
            assert.strictEqual(again.recovery?.state, "not-confirmed");
            assert.deepStrictEqual(published, ["recovery-not-confirmed"]);
        });
    });

    it("hands a pending holdoff to an asynchronous self-invocation when the invocation's time is short", async () => {
        cw.on(GetMetricStatisticsCommand).resolves({ Datapoints: minutes(latestMinute(), [0]) });
        // Exactly the margin left: a wait budget of 0.
        const result = await run(alarmEvent, HANDLER_MARGIN_MS).promise;
        assert.strictEqual(result.decision, "holdoff-pending");
        assert.strictEqual(result.recheckScheduled, true);
        const [call] = lambda.commandCalls(InvokeCommand);
        assert.strictEqual(call.args[0].input.InvocationType, "Event");
        assert.strictEqual(call.args[0].input.FunctionName, ARN);
        assert.strictEqual(JSON.parse(Buffer.from(call.args[0].input.Payload as Uint8Array).toString()).logscaleDrRecheck.attempt, 1);
        assert.strictEqual(kube.requests.filter(r => r.method !== "GET").length, 0);
        assert.strictEqual(r53.commandCalls(UpdateHealthCheckCommand).length, 0);
        assert.strictEqual(cw.commandCalls(SetAlarmStateCommand).length, 0, "a pending holdoff leaves the alarm in ALARM");
    });

    it("sets the failover alarm back to OK when the primary is healthy, so the next failure notifies again", async () => {
        r53.on(GetHealthCheckStatusCommand, { HealthCheckId: PRIMARY }).resolves({ HealthCheckObservations: observations(8, 0) });
        cw.on(GetMetricStatisticsCommand).resolves({ Datapoints: minutes(latestMinute(), [0, 1]) });
        const result = await run(alarmEvent, 900_000).promise;
        assert.strictEqual(result.decision, "primary-healthy");
        assert.deepStrictEqual(cw.commandCalls(SetAlarmStateCommand).map(c => [c.args[0].input.AlarmName, c.args[0].input.StateValue]), [[ALARM, "OK"]]);
        assert.strictEqual(kube.requests.filter(r => r.method !== "GET").length, 0);
        assert.strictEqual(r53.commandCalls(UpdateHealthCheckCommand).length, 0);
    });

    it("a failed re-arm is logged and retried when transient, never fatal: the decision stays primary-healthy", async () => {
        r53.on(GetHealthCheckStatusCommand, { HealthCheckId: PRIMARY }).resolves({ HealthCheckObservations: observations(8, 0) });
        cw.on(GetMetricStatisticsCommand).resolves({ Datapoints: [] });
        cw.on(SetAlarmStateCommand).rejects(new CloudWatchServiceException({
            name: "AccessDenied", $fault: "client", $metadata: { httpStatusCode: 403 }, message: "not authorized to perform cloudwatch:SetAlarmState",
        }));
        const denied = run(alarmEvent, 900_000);
        const result = await denied.promise;
        assert.strictEqual(result.decision, "primary-healthy");
        assert.strictEqual(cw.commandCalls(SetAlarmStateCommand).length, 1, "403 is final: not retried");
        const warned = denied.lines.find(l => l.event === "failover.clear-degraded-failed");
        assert.strictEqual(warned?.level, "warn");
        assert.match(JSON.stringify(warned?.fields.error), /cloudwatch.SetAlarmState: HTTP 403 AccessDenied/);

        cw.reset();
        cw.on(GetMetricStatisticsCommand).resolves({ Datapoints: [] });
        cw.on(SetAlarmStateCommand)
            .rejectsOnce(new CloudWatchServiceException({ name: "ServiceUnavailable", $fault: "server", $metadata: { httpStatusCode: 503 }, message: "" }))
            .resolves({});
        const retried = run(alarmEvent, 900_000);
        assert.strictEqual((await retried.promise).decision, "primary-healthy");
        assert.strictEqual(cw.commandCalls(SetAlarmStateCommand).length, 2);
        assert.ok(!retried.lines.some(l => l.event === "failover.clear-degraded-failed"));
    });

    it("waits inside the invocation when its time allows, then fails over (recheck event)", async () => {
        let calls = 0;
        cw.on(GetMetricStatisticsCommand).callsFake(() => {
            calls++;
            // The streak grows by a minute per check, as the metric would.
            return { Datapoints: minutes(latestMinute(), Array(calls).fill(0)) };
        });
        const recheck = { logscaleDrRecheck: { attempt: 4, scheduledAt: new Date(clock.now()).toISOString(), afterSeconds: 30 } };
        const result = await run(recheck, 900_000, env({ recheckIntervalSeconds: 60, holdoffGapSeconds: 90 })).promise;
        assert.strictEqual(result.decision, "failed-over", result.reason);
        assert.strictEqual(result.checks, 3);
        assert.deepStrictEqual(clock.sleeps, [60000, 60000]);
        assert.strictEqual(lambda.commandCalls(InvokeCommand).length, 0);
    });

    it("throws when the failover hits an error, so Lambda's async retries run it again", async () => {
        cw.on(GetMetricStatisticsCommand).resolves({ Datapoints: minutes(latestMinute(), [0, 0, 0, 0]) });
        kube.fault({ method: "PATCH", path: "/deployments/humio-operator", times: Infinity, status: 403 });
        await assert.rejects(run(alarmEvent, 900_000).promise, /failover failed: scaling logging\/humio-operator to 1 failed: .*HTTP 403/);
        assert.strictEqual(r53.commandCalls(UpdateHealthCheckCommand).length, 0);
    });

    it("fails with the variable named when the environment is wrong", async () => {
        const e = env();
        delete e.EKS_CLUSTER_NAME;
        const { promise, lines } = run(alarmEvent, 900_000, e);
        await assert.rejects(promise, /EKS_CLUSTER_NAME is not set/);
        assert.ok(lines.some(l => l.event === "failover.config-invalid" && l.level === "error"));
    });

    it("reports a CA in the environment that is not a PEM certificate, naming the variable, before any remote call", async () => {
        cw.on(GetMetricStatisticsCommand).resolves({ Datapoints: minutes(latestMinute(), [0, 0, 0, 0]) });
        const { promise, lines } = run(alarmEvent, 900_000, env({ eksClusterCertificateAuthority: "bm90IGEgY2VydA==" }));
        await assert.rejects(promise, /EKS_CLUSTER_CA_DATA does not decode to a PEM certificate/);
        assert.ok(lines.some(l => l.event === "failover.config-invalid" && l.level === "error"));
        assert.strictEqual(kube.requests.length, 0);
        assert.strictEqual(r53.calls().length + cw.calls().length + ssm.calls().length, 0);
    });

    it("trusts only the CA it was given: another API server's certificate is a final error", async () => {
        cw.on(GetMetricStatisticsCommand).resolves({ Datapoints: minutes(latestMinute(), [0, 0, 0, 0]) });
        const other = await FakeKubernetes.start({ tls: true });
        try {
            const result = run(alarmEvent, 900_000, env({ eksClusterCertificateAuthority: Buffer.from(other.caPem!).toString("base64") }));
            await assert.rejects(result.promise, /failover failed: could not read the state the decision needs/);
            assert.strictEqual(kube.deployment("logging", "humio-operator")!.spec.replicas, 0);
            assert.ok(!result.lines.some(l => l.event === "retry.scheduled" && /k8s\./.test(String(l.fields.call))), "a certificate that does not verify is not retried");
        } finally {
            await other.stop();
        }
    });
});
