import * as assert from "assert";
import { CloudWatchClient, CloudWatchServiceException, GetMetricStatisticsCommand, SetAlarmStateCommand } from "@aws-sdk/client-cloudwatch";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import {
    GetHealthCheckStatusCommand, InvalidInput, Route53Client, Route53ServiceException, ThrottlingException, UpdateHealthCheckCommand,
} from "@aws-sdk/client-route-53";
import { GetParameterCommand, ParameterNotFound, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { awsRemoteError } from "../../functions/aws/errors";
import { consecutiveFailingSeconds } from "../../functions/aws/health";
import { createAwsPlatform, LOCKED_FQDN, recheckAttempt, recheckFailingRun } from "../../functions/aws/platform";
import { RemoteError } from "../../functions/core/types";
import { ALARM, ARN, awsEnv, minutes, observations, PRIMARY, SECONDARY } from "./aws-fixtures";

const NOW = Date.UTC(2025, 0, 15, 12, 0, 30);

describe("AWS platform adapter (functions/aws/platform) with SDK-level mocks", () => {
    // Created in before(), not at load: each stub wraps the client prototype,
    // and another suite wraps the same prototypes.
    let r53: AwsClientStub<Route53Client>;
    let cw: AwsClientStub<CloudWatchClient>;
    let ssm: AwsClientStub<SSMClient>;
    let lambda: AwsClientStub<LambdaClient>;

    before(() => {
        r53 = mockClient(Route53Client);
        cw = mockClient(CloudWatchClient);
        ssm = mockClient(SSMClient);
        lambda = mockClient(LambdaClient);
    });

    beforeEach(() => {
        r53.reset();
        cw.reset();
        ssm.reset();
        lambda.reset();
    });
    after(() => {
        r53.restore();
        cw.restore();
        ssm.restore();
        lambda.restore();
    });

    const platform = (env = awsEnv(), attempt = 0) => createAwsPlatform(env, { functionArn: ARN, attempt, now: () => NOW });
    const latestMinute = Math.floor(NOW / 60_000) * 60_000 - 60_000;

    it("primary failing: counts consecutive failing minutes of HealthCheckStatus from us-east-1", async () => {
        r53.on(GetHealthCheckStatusCommand, { HealthCheckId: PRIMARY }).resolves({ HealthCheckObservations: observations(0, 8) });
        // Out of order on purpose; 4 failing minutes, then a healthy one.
        cw.on(GetMetricStatisticsCommand).resolves({ Datapoints: [...minutes(latestMinute, [0, 0, 0, 0, 1, 0])].reverse() });
        const health = await platform().primaryHealth();
        assert.strictEqual(health.healthy, false);
        // The four whole failing minutes, and the 30 s since the newest one ended, which the checkers'
        // failing verdict now bridges (less than the 40 s gap allowance); it starts just after the
        // partly healthy minute ended, so one millisecond short of 270 s.
        assert.strictEqual(health.failingForSeconds, 269);
        assert.match(health.detail ?? "", /0\/8 checkers healthy; e.g. Failure: Connection timed out/);

        const [call] = cw.commandCalls(GetMetricStatisticsCommand);
        const input = call.args[0].input;
        assert.strictEqual(input.Namespace, "AWS/Route53");
        assert.strictEqual(input.MetricName, "HealthCheckStatus");
        assert.deepStrictEqual(input.Dimensions, [{ Name: "HealthCheckId", Value: PRIMARY }]);
        assert.strictEqual(input.Period, 60);
        assert.deepStrictEqual(input.Statistics, ["Maximum"]);
        assert.strictEqual(input.EndTime?.getTime(), NOW);
        assert.strictEqual(input.StartTime?.getTime(), NOW - (180 + 600) * 1000);
        assert.strictEqual(await (call.thisValue as CloudWatchClient).config.region(), "us-east-1");
        assert.strictEqual((await (call.thisValue as CloudWatchClient).config.maxAttempts()), 1, "the core does the retrying");
    });

    it("a gap in the metric ends the failing streak; missing data never counts as failure", () => {
        assert.strictEqual(consecutiveFailingSeconds(minutes(latestMinute, [0, 0]).concat(minutes(latestMinute - 4 * 60_000, [0, 0, 0])), 60), 120);
        assert.strictEqual(consecutiveFailingSeconds([], 60), 0);
        assert.strictEqual(consecutiveFailingSeconds(minutes(latestMinute, [1, 0, 0]), 60), 0);
        assert.strictEqual(consecutiveFailingSeconds(minutes(latestMinute, [0.5, 0]), 60), 0, "a partly healthy minute is not continuous failure");
    });

    it("applies Route 53's 18% rule to the checkers' reports", async () => {
        cw.on(GetMetricStatisticsCommand).resolves({ Datapoints: [] });
        r53.on(GetHealthCheckStatusCommand, { HealthCheckId: PRIMARY }).resolves({ HealthCheckObservations: observations(1, 7) });
        assert.strictEqual((await platform().primaryHealth()).healthy, false, "1 of 8 is 12.5%");
        r53.on(GetHealthCheckStatusCommand, { HealthCheckId: PRIMARY }).resolves({ HealthCheckObservations: observations(2, 6) });
        const healthy = await platform().primaryHealth();
        assert.deepStrictEqual([healthy.healthy, healthy.failingForSeconds], [true, 0], "2 of 8 is 25%");
    });

    it("a healthy live verdict stands when the metric read fails (no error, so the alarm is still re-armed)", async () => {
        r53.on(GetHealthCheckStatusCommand, { HealthCheckId: PRIMARY }).resolves({ HealthCheckObservations: observations(8, 0) });
        cw.on(GetMetricStatisticsCommand).rejects(new CloudWatchServiceException({ name: "InternalFailure", $fault: "server", $metadata: { httpStatusCode: 500 }, message: "internal" }));
        const health = await platform().primaryHealth();
        assert.deepStrictEqual([health.healthy, health.failingForSeconds], [true, 0]);
    });

    it("a failing live verdict with an unreadable metric is an error, never a holdoff of 0 or a guess", async () => {
        r53.on(GetHealthCheckStatusCommand, { HealthCheckId: PRIMARY }).resolves({ HealthCheckObservations: observations(0, 8) });
        cw.on(GetMetricStatisticsCommand).rejects(new CloudWatchServiceException({ name: "InternalFailure", $fault: "server", $metadata: { httpStatusCode: 500 }, message: "internal" }));
        await assert.rejects(platform().primaryHealth(), (err: RemoteError) => err instanceof RemoteError && err.retryable && /GetMetricStatistics/.test(err.message));
    });

    it("refuses to judge a health check nobody has reported on", async () => {
        cw.on(GetMetricStatisticsCommand).resolves({ Datapoints: [] });
        r53.on(GetHealthCheckStatusCommand).resolves({ HealthCheckObservations: [] });
        await assert.rejects(platform().primaryHealth(), (err: RemoteError) =>
            err instanceof RemoteError && !err.retryable && /no health checker has reported yet/.test(err.message));
    });

    it("gates on the secondary's own health check", async () => {
        r53.on(GetHealthCheckStatusCommand, { HealthCheckId: SECONDARY }).resolves({ HealthCheckObservations: observations(0, 5) });
        assert.strictEqual(await platform().secondaryHealthy(), false);
        r53.on(GetHealthCheckStatusCommand, { HealthCheckId: SECONDARY }).resolves({ HealthCheckObservations: observations(5, 0) });
        assert.strictEqual(await platform().secondaryHealthy(), true);
        assert.ok(r53.commandCalls(GetHealthCheckStatusCommand).every(c => c.args[0].input.HealthCheckId === SECONDARY));
    });

    it("reads the cooldown parameter: absent or 0 is no failover, a bad value is a clear error", async () => {
        const name = "/logscale-dr/secondary/last-failover-epoch";
        ssm.on(GetParameterCommand, { Name: name }).rejects(new ParameterNotFound({ message: "not found", $metadata: { httpStatusCode: 400 } }));
        assert.strictEqual(await platform().lastFailoverEpoch(), undefined);
        ssm.on(GetParameterCommand, { Name: name }).resolves({ Parameter: { Name: name, Value: "0" } });
        assert.strictEqual(await platform().lastFailoverEpoch(), undefined);
        ssm.on(GetParameterCommand, { Name: name }).resolves({ Parameter: { Name: name, Value: "1736942400" } });
        assert.strictEqual(await platform().lastFailoverEpoch(), 1736942400);
        ssm.on(GetParameterCommand, { Name: name }).resolves({ Parameter: { Name: name, Value: "yesterday" } });
        await assert.rejects(platform().lastFailoverEpoch(), /parameter \/logscale-dr\/secondary\/last-failover-epoch holds "yesterday"; expected "<epoch seconds>;lock=pending\|applied"/);
    });

    it("records the failover time by overwriting the parameter in the cluster's region", async () => {
        ssm.on(PutParameterCommand).resolves({ Version: 2 });
        await platform().recordFailover(1736942430);
        const [call] = ssm.commandCalls(PutParameterCommand);
        assert.deepStrictEqual(call.args[0].input, {
            Name: "/logscale-dr/secondary/last-failover-epoch", Value: "1736942430;lock=applied", Type: "String", Overwrite: true,
        });
        assert.strictEqual(await (call.thisValue as SSMClient).config.region(), "eu-west-1");
    });

    it("locks DNS by pointing the primary health check at failover-locked.invalid, not inverted", async () => {
        r53.on(UpdateHealthCheckCommand).resolves({ HealthCheck: undefined });
        await platform().lockDns();
        const [call] = r53.commandCalls(UpdateHealthCheckCommand);
        assert.deepStrictEqual(call.args[0].input, { HealthCheckId: PRIMARY, FullyQualifiedDomainName: LOCKED_FQDN, Inverted: false });
        assert.strictEqual(LOCKED_FQDN, "failover-locked.invalid");
    });

    it("re-arms the failover alarm: SetAlarmState OK on the alarm named in the environment, in us-east-1, no SDK retries", async () => {
        cw.on(SetAlarmStateCommand).resolves({});
        await platform().clearDegraded!();
        const calls = cw.commandCalls(SetAlarmStateCommand);
        assert.strictEqual(calls.length, 1);
        const input = calls[0].args[0].input;
        assert.strictEqual(input.AlarmName, ALARM);
        assert.strictEqual(input.StateValue, "OK");
        assert.match(input.StateReason ?? "", /healthy/);
        assert.ok((input.StateReason ?? "").length <= 1023, "CloudWatch's StateReason limit");
        const client = calls[0].thisValue as CloudWatchClient;
        assert.strictEqual(await client.config.region(), "us-east-1");
        assert.strictEqual(await client.config.maxAttempts(), 1);
    });

    it("classifies a refused SetAlarmState as a final RemoteError and a throttled one as retryable", async () => {
        cw.on(SetAlarmStateCommand).rejects(new CloudWatchServiceException({
            name: "AccessDenied", $fault: "client", $metadata: { httpStatusCode: 403 }, message: "not authorized to perform cloudwatch:SetAlarmState",
        }));
        await assert.rejects(platform().clearDegraded!(), (err: RemoteError) =>
            err instanceof RemoteError && err.status === 403 && !err.retryable && err.call === "cloudwatch.SetAlarmState");
        cw.on(SetAlarmStateCommand).rejects(new CloudWatchServiceException({
            name: "Throttling", $fault: "client", $metadata: { httpStatusCode: 400 }, message: "Rate exceeded",
        }));
        await assert.rejects(platform().clearDegraded!(), (err: RemoteError) => err instanceof RemoteError && err.retryable);
    });

    it("schedules a recheck by invoking itself asynchronously with a marked event", async () => {
        lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
        await platform(awsEnv(), 2).scheduleRecheck!(30);
        const [call] = lambda.commandCalls(InvokeCommand);
        const input = call.args[0].input;
        assert.strictEqual(input.FunctionName, ARN);
        assert.strictEqual(input.InvocationType, "Event");
        const event = JSON.parse(Buffer.from(input.Payload as Uint8Array).toString("utf8"));
        assert.deepStrictEqual(event, { logscaleDrRecheck: { attempt: 3, scheduledAt: new Date(NOW).toISOString(), afterSeconds: 30 } });
        assert.strictEqual(recheckAttempt(event), 3);
        assert.strictEqual(recheckAttempt({ Records: [] }), 0);
        assert.strictEqual(await (call.thisValue as LambdaClient).config.region(), "eu-west-1");
    });

    it("carries its failing run to the recheck, and the recheck joins it; a healthy minute since still cuts it", async () => {
        r53.on(GetHealthCheckStatusCommand, { HealthCheckId: PRIMARY }).resolves({ HealthCheckObservations: observations(0, 8) });
        lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
        // Nothing published yet (the metric lags), so only the readings tell: first failing at NOW - 25 s.
        cw.on(GetMetricStatisticsCommand).resolves({ Datapoints: [] });
        const first = createAwsPlatform(awsEnv(), { functionArn: ARN, attempt: 0, now: () => NOW - 25_000 });
        assert.strictEqual((await first.primaryHealth()).failingForSeconds, 0);
        await first.scheduleRecheck!(30);
        const event = JSON.parse(Buffer.from(lambda.commandCalls(InvokeCommand)[0].args[0].input.Payload as Uint8Array).toString("utf8"));
        assert.deepStrictEqual(event.logscaleDrRecheck.failingRun, { sinceMs: NOW - 25_000, lastFailingMs: NOW - 25_000 });

        const run = recheckFailingRun(event);
        const next = createAwsPlatform(awsEnv(), { functionArn: ARN, attempt: 1, now: () => NOW, failingRun: run });
        assert.strictEqual((await next.primaryHealth()).failingForSeconds, 25, "joined: 25 s apart, inside the 40 s allowance");

        // A healthy minute published since the run began ends the run at that minute's end, whatever the record says.
        cw.on(GetMetricStatisticsCommand).resolves({ Datapoints: minutes(latestMinute, [1]) });
        const cut = createAwsPlatform(awsEnv(), { functionArn: ARN, attempt: 1, now: () => NOW, failingRun: { sinceMs: NOW - 600_000, lastFailingMs: NOW - 10_000 } });
        assert.strictEqual((await cut.primaryHealth()).failingForSeconds, Math.floor((NOW - (latestMinute + 60_000) - 1) / 1000));

        for (const bad of [{}, { failingRun: { sinceMs: "x", lastFailingMs: 1 } }, { failingRun: { sinceMs: 5, lastFailingMs: 1 } }]) {
            assert.strictEqual(recheckFailingRun({ logscaleDrRecheck: { attempt: 1, ...bad } }), undefined, JSON.stringify(bad));
        }
        assert.strictEqual(recheckFailingRun({ Records: [] }), undefined);
    });

    it("stops self-invoking after MAX_RECHECKS", async () => {
        lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
        await assert.rejects(platform(awsEnv({ maxRechecks: 3 }), 3).scheduleRecheck!(30), (err: RemoteError) =>
            !err.retryable && /still pending after 3 rechecks \(MAX_RECHECKS=3\)/.test(err.message));
        assert.strictEqual(lambda.commandCalls(InvokeCommand).length, 0);
    });

    it("classifies SDK failures: throttling (even as HTTP 400) and 5xx retry, other 4xx do not", async () => {
        const throttled = awsRemoteError("route53.UpdateHealthCheck",
            new Route53ServiceException({ name: "Throttling", $fault: "client", $metadata: { httpStatusCode: 400 }, message: "Rate exceeded" }));
        assert.deepStrictEqual([throttled.retryable, throttled.status], [true, 400]);
        assert.strictEqual(awsRemoteError("x", new ThrottlingException({ message: "slow down", $metadata: { httpStatusCode: 400 } })).retryable, true);
        assert.strictEqual(awsRemoteError("x",
            new Route53ServiceException({ name: "PriorRequestNotComplete", $fault: "client", $metadata: { httpStatusCode: 400 }, message: "" })).retryable, true);
        assert.strictEqual(awsRemoteError("x",
            new Route53ServiceException({ name: "ServiceUnavailable", $fault: "server", $metadata: { httpStatusCode: 503 }, message: "" })).retryable, true);
        assert.strictEqual(awsRemoteError("x", new InvalidInput({ message: "bad", $metadata: { httpStatusCode: 400 } })).retryable, false);
        assert.strictEqual(awsRemoteError("x",
            new Route53ServiceException({ name: "AccessDenied", $fault: "client", $metadata: { httpStatusCode: 403 }, message: "no" })).retryable, false);
        const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
        assert.deepStrictEqual([awsRemoteError("x", reset).retryable, awsRemoteError("x", reset).status], [true, undefined]);
        assert.strictEqual(awsRemoteError("x", Object.assign(new Error("t"), { name: "TimeoutError" })).retryable, true);

        r53.on(UpdateHealthCheckCommand).rejects(new InvalidInput({ message: "bad fqdn", $metadata: { httpStatusCode: 400 } }));
        await assert.rejects(platform().lockDns(), (err: RemoteError) =>
            err instanceof RemoteError && err.status === 400 && !err.retryable && err.call === "route53.UpdateHealthCheck");
    });
});
