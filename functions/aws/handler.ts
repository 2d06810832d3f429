import { systemClock } from "../core/clock";
import { runFailover } from "../core/failover";
import { jsonLogger } from "../core/log";
import { deliver, failoverNotifications, Notifier, readinessNotification, recoveryNotification } from "../core/notify";
import { followUpRecovery } from "../core/recovery";
import { ReadinessKube, ReadinessResult, runReadiness } from "../core/readiness";
import { errorMessage } from "../core/retry";
import { Clock, FailoverPlatform, FailoverResult, Logger } from "../core/types";
import { KubeClient } from "../k8s/client";
import { kubeRecoveryIo } from "../k8s/recovery-io";
import { publishMeasuredFailover } from "./recovery";
import { eksConnection } from "./eks";
import { credentialsFromEnv } from "./eks-token";
import { AwsFailoverEnv, failoverSettingsFromEnv, readAwsFailoverEnv } from "./env";
import { snsNotifier } from "./notify-sns";
import { createAwsPlatform, recheckAttempt, recheckFailingRun } from "./platform";
import { AwsReadinessIo, createAwsReadinessIo, isReadinessEvent } from "./readiness";
import { AwsCredentials } from "./sigv4";

/** The part of the Lambda context the handler reads. */
export interface LambdaContextLike {
    awsRequestId?: string;
    functionName?: string;
    invokedFunctionArn: string;
    getRemainingTimeInMillis(): number;
}

/**
 * Time kept back from the holdoff wait for the steps after it: TLS delete,
 * scale, lock and record, each with retries, or the recheck self-invoke.
 */
export const HANDLER_MARGIN_MS = 60_000;

/** Per-request deadline for the Kubernetes API. */
export const KUBE_TIMEOUT_MS = 10_000;

export interface AwsRunDeps {
    /** Usually process.env. */
    env: Record<string, string | undefined>;
    clock: Clock;
    log?: Logger;
    random?: () => number;
    /** Role credentials for the EKS token; default: the Lambda's AWS_* variables. */
    credentials?: () => AwsCredentials;
    /** Where messages for people go; none: no notifications. */
    notifier?: (topicArn: string) => Notifier;
    /** The readiness run's AWS reads and writes; default: the SDK clients (./readiness.ts). */
    readinessIo?: (env: AwsFailoverEnv) => AwsReadinessIo;
    /** Wraps the readiness run's Kubernetes client (the bench records its calls); default: the client itself. */
    readinessKube?: (client: KubeClient) => ReadinessKube;
    /** LogScaleDR/MeasuredFailoverSeconds; default: CloudWatch PutMetricData beside the standby. */
    measuredMetric?: (env: AwsFailoverEnv, seconds: number) => Promise<void>;
}

/** What a readiness invocation returns (and logs): the checks, and what became of the metric, the verdict and the message. */
export interface AwsReadinessOutcome extends ReadinessResult {
    previousReady?: boolean;
    metricPublished: boolean;
    verdictStored: boolean;
    notified?: string;
    /** Anything that went wrong around the checks (metric, verdict store, message); the checks themselves are in `checks`. */
    errors: string[];
}

/**
 * The Lambda entry point, given to aws.lambda.CallbackFunction as `callback`.
 * It throws when the failover hit an error (decision "error"), so Lambda's
 * asynchronous retries run it again; every other decision returns the result.
 */
export async function awsFailoverHandler(event: unknown, context: LambdaContextLike): Promise<FailoverResult | AwsReadinessOutcome> {
    const deps: AwsRunDeps = { env: process.env, clock: systemClock(), notifier: snsNotifier };
    return isReadinessEvent(event) ? runAwsReadiness(context, deps) : runAwsFailover(event, context, deps);
}

export async function runAwsFailover(event: unknown, context: LambdaContextLike, deps: AwsRunDeps): Promise<FailoverResult> {
    const log = deps.log ?? jsonLogger({
        base: { fn: context.functionName, requestId: context.awsRequestId, cloud: "aws" },
        now: () => deps.clock.now(),
    });
    const envVars = deps.env;
    const credentials = deps.credentials ?? (() => credentialsFromEnv(envVars));
    const now = () => deps.clock.now();
    let env;
    let connection;
    try {
        env = readAwsFailoverEnv(deps.env);
        // From the environment, not eks:DescribeCluster: one round trip less before the first Kubernetes call.
        connection = eksConnection(env, credentials, now);
    } catch (err) {
        log("error", "failover.config-invalid", { error: err });
        throw err;
    }
    const attempt = recheckAttempt(event);
    log("info", "failover.invoked", { trigger: describeTrigger(event), recheckAttempt: attempt });

    const budgetSeconds = Math.max(0, Math.floor((context.getRemainingTimeInMillis() - HANDLER_MARGIN_MS) / 1000));
    const k8s = new KubeClient({ connection, timeoutMs: KUBE_TIMEOUT_MS });
    const platform = createAwsPlatform(env, { functionArn: context.invokedFunctionArn, attempt, now, failingRun: recheckFailingRun(event) });
    const untilMs = deps.clock.now() + budgetSeconds * 1000;
    let result: FailoverResult;
    try {
        result = await runFailover(platform, k8s, failoverSettingsFromEnv(env, budgetSeconds), deps.clock, log, { random: deps.random });
        await notifyFailover(result, env, attempt, deps, log);
        // After the failover and its messages: following LogScale's recovery adds nothing to the critical path.
        result.recovery = await followAwsRecovery(result, env, k8s, platform, untilMs, deps, log);
    } finally {
        k8s.close();
    }
    if (result.decision === "error") {
        throw new Error(`failover failed: ${result.reason}: ${result.error ?? "unknown error"}`);
    }
    return result;
}

/** The recovery follow-up with AWS's metric, topic and recheck self-invocation. */
function followAwsRecovery(result: FailoverResult, env: AwsFailoverEnv, k8s: KubeClient, platform: FailoverPlatform, untilMs: number, deps: AwsRunDeps, log: Logger) {
    const publish = deps.measuredMetric ?? publishMeasuredFailover;
    return followUpRecovery(result, kubeRecoveryIo(k8s, env, seconds => publish(env, seconds)), {
        clock: deps.clock,
        log,
        settings: {
            recheckIntervalSeconds: env.recheckIntervalSeconds,
            untilMs,
            recoveryDeadlineMinutes: env.recoveryDeadlineMinutes,
            expectedFailoverSeconds: env.expectedFailoverSeconds,
        },
        notify: async outcome => {
            const m = recoveryNotification(outcome, env.eksClusterName);
            if (m && env.notifyTopicArn && deps.notifier) await deliver(deps.notifier(env.notifyTopicArn), [m], log);
        },
        scheduleRecheck: platform.scheduleRecheck?.bind(platform),
    });
}

/** Never throws: a message that cannot be built or sent must not turn a failover into an error. */
async function notifyFailover(result: FailoverResult, env: AwsFailoverEnv, attempt: number, deps: AwsRunDeps, log: Logger): Promise<void> {
    if (!env.notifyTopicArn || !deps.notifier) {
        return;
    }
    try {
        await deliver(deps.notifier(env.notifyTopicArn), failoverNotifications(result, { cluster: env.eksClusterName, attempt }), log);
    } catch (err) {
        log("warn", "notify.failed", { error: errorMessage(err) });
    }
}

/**
 * The scheduled self-test (event {"logscaleDrReadiness": {...}}): runs every
 * readiness check, publishes LogScaleDR/StandbyReady, and tells people when
 * the verdict changed. Two rounds: the checks with the last verdict, then
 * the metric, the verdict and the message together. It never throws, so
 * Lambda does not retry it: the next scheduled run is the retry.
 */
export async function runAwsReadiness(context: LambdaContextLike, deps: AwsRunDeps): Promise<AwsReadinessOutcome> {
    const log = deps.log ?? jsonLogger({
        base: { fn: context.functionName, requestId: context.awsRequestId, cloud: "aws", entry: "readiness" },
        now: () => deps.clock.now(),
    });
    const startedAtMs = deps.clock.now();
    const now = () => deps.clock.now();
    let env: AwsFailoverEnv;
    let connection;
    try {
        env = readAwsFailoverEnv(deps.env);
        connection = eksConnection(env, deps.credentials ?? (() => credentialsFromEnv(deps.env)), now);
    } catch (err) {
        // No metric either: the alarm treats the missing datapoint as not-ready.
        log("error", "readiness.config-invalid", { error: err });
        return {
            ready: false, checks: [], startedAt: new Date(startedAtMs).toISOString(), durationMs: deps.clock.now() - startedAtMs,
            metricPublished: false, verdictStored: false, errors: [errorMessage(err)],
        };
    }
    const io = (deps.readinessIo ?? (e => createAwsReadinessIo(e, { now })))(env);
    const k8s = new KubeClient({ connection, timeoutMs: KUBE_TIMEOUT_MS });
    const settings = { namespace: env.namespace, operatorDeployment: env.operatorDeployment, humioClusterName: env.humioClusterName };
    let result: ReadinessResult;
    let previous: { ok: true; ready: boolean | undefined } | { ok: false; error: string };
    try {
        [result, previous] = await Promise.all([
            runReadiness({ k8s: deps.readinessKube ? deps.readinessKube(k8s) : k8s, platform: io }, settings, deps.clock, log),
            io.lastVerdict().then(ready => ({ ok: true as const, ready }), (err: unknown) => ({ ok: false as const, error: errorMessage(err) })),
        ]);
    } finally {
        k8s.close();
    }
    const errors: string[] = [];
    if (!previous.ok) {
        errors.push(`last verdict unreadable: ${previous.error}`);
    }
    // Without the last verdict a change cannot be told from a standing
    // problem; staying quiet then beats a message every interval, and the
    // alarm on the metric still fires.
    const previousReady = previous.ok ? previous.ready : undefined;
    const changed = previous.ok && previous.ready !== result.ready;
    const message = previous.ok ? readinessNotification(result, previous.ready, env.eksClusterName) : undefined;
    const notifier = env.notifyTopicArn && deps.notifier ? deps.notifier(env.notifyTopicArn) : undefined;
    const [metric, stored, sent] = await Promise.allSettled([
        io.publishMetric(result),
        changed ? io.storeVerdict(result.ready) : Promise.resolve(),
        message ? deliver(notifier, [message], log) : Promise.resolve(undefined),
    ]);
    if (metric.status === "rejected") {
        errors.push(errorMessage(metric.reason));
    }
    if (stored.status === "rejected") {
        errors.push(errorMessage(stored.reason));
    }
    const outcome: AwsReadinessOutcome = {
        ...result,
        previousReady,
        metricPublished: metric.status === "fulfilled",
        verdictStored: changed && stored.status === "fulfilled",
        notified: sent.status === "fulfilled" && sent.value?.sent.length ? sent.value.sent[0] : undefined,
        errors,
    };
    log(errors.length > 0 ? "warn" : "info", "readiness.outcome", { ...outcome, checks: undefined });
    return outcome;
}

/** What woke the function, for the log: the alarm's name and state, or the recheck. */
export function describeTrigger(event: unknown): Record<string, unknown> {
    const e = event as { Records?: { Sns?: { Message?: string; TopicArn?: string } }[]; logscaleDrRecheck?: unknown } | null | undefined;
    if (e?.logscaleDrRecheck) {
        return { source: "recheck", ...(e.logscaleDrRecheck as object) };
    }
    const sns = e?.Records?.[0]?.Sns;
    if (sns) {
        try {
            const alarm = JSON.parse(sns.Message ?? "") as { AlarmName?: string; NewStateValue?: string; NewStateReason?: string };
            return { source: "sns", topic: sns.TopicArn, alarm: alarm.AlarmName, state: alarm.NewStateValue, stateReason: alarm.NewStateReason };
        } catch {
            return { source: "sns", topic: sns.TopicArn };
        }
    }
    return { source: "direct" };
}
