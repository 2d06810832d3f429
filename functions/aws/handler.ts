import { systemClock } from "../core/clock";
import { runFailover } from "../core/failover";
import { jsonLogger } from "../core/log";
import { Clock, FailoverResult, Logger } from "../core/types";
import { KubeClient } from "../k8s/client";
import { eksConnection } from "./eks";
import { credentialsFromEnv } from "./eks-token";
import { failoverSettingsFromEnv, readAwsFailoverEnv } from "./env";
import { createAwsPlatform, recheckAttempt } from "./platform";
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
}

/**
 * The Lambda entry point, given to aws.lambda.CallbackFunction as `callback`.
 * It throws when the failover hit an error (decision "error"), so Lambda's
 * asynchronous retries run it again; every other decision returns the result.
 */
export async function awsFailoverHandler(event: unknown, context: LambdaContextLike): Promise<FailoverResult> {
    return runAwsFailover(event, context, { env: process.env, clock: systemClock() });
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
    const platform = createAwsPlatform(env, { functionArn: context.invokedFunctionArn, attempt, now });
    let result: FailoverResult;
    try {
        result = await runFailover(platform, k8s, failoverSettingsFromEnv(env, budgetSeconds), deps.clock, log, { random: deps.random });
    } finally {
        k8s.close();
    }
    if (result.decision === "error") {
        throw new Error(`failover failed: ${result.reason}: ${result.error ?? "unknown error"}`);
    }
    return result;
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
