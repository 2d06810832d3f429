import { systemClock } from "../core/clock";
import { deliver, failoverNotifications, Notifier, recoveryNotification } from "../core/notify";
import { followUpRecovery, parseRecord, RECOVERY_ANNOTATION } from "../core/recovery";
import { kubeRecoveryIo } from "../k8s/recovery-io";
import { runFailover } from "../core/failover";
import { jsonLogger } from "../core/log";
import { DEFAULT_RETRY, errorMessage, withRetry } from "../core/retry";
import { Clock, FailoverResult, Logger } from "../core/types";
import { KubeClient } from "../k8s/client";
import { trafficManagerApi } from "./arm";
import { endpointStateMetricApi } from "./metrics";
import { parseConnectionString, trackMetric } from "./appinsights";
import { identityEndpointFromEnv, managedIdentityTokens } from "./identity";
import { azurePlatform, DEGRADED_SINCE_ANNOTATION } from "./platform";
import {
    AKS_AAD_SERVER_APP_ID, AzureFunctionConfig, FAILOVER_QUEUE_NAME, FUNCTION_NAMES, holdoffGapOf, parseAppSettings, QUEUE_BINDING, WAIT_BUDGET_SECONDS,
} from "./settings";
import { peopleNotifier } from "./notify";
import { ReadinessMemory, runAzureReadiness } from "./readiness";
import { tcpReachable } from "./tcp";

/** Where a queue message came from: the alert's HTTP call or the minute timer. */
export type MessageTrigger = "alert" | "recheck";

/** One message on FAILOVER_QUEUE_NAME: a request to converge, never an instruction. */
export interface FailoverMessage {
    trigger: MessageTrigger;
    /** When the HTTP or timer function enqueued it (ISO 8601). */
    receivedAt: string;
    [detail: string]: unknown;
}

/** The answer of a run that did not check anything: no holdoff pending, or a recheck a later run already covered. */
export interface IdleResult {
    decision: "idle";
    reason: string;
    startedAt: string;
    durationMs: number;
}

export type AzureRunResult = FailoverResult | IdleResult;

/** The timer's answer: a recheck enqueued, nothing pending, or the pending check could not be read. */
export interface RecheckResult {
    decision: "enqueued" | "idle" | "error";
    reason: string;
    startedAt: string;
    durationMs: number;
    error?: string;
    /** The message to put on the queue (only with "enqueued"). */
    message?: FailoverMessage;
}

/**
 * What the worker remembers between messages in one process: the start of
 * the last run that ended without error. A recheck enqueued before that start
 * asked for a check that run already made, so the minute timer cannot pile up
 * a backlog behind a run that waits for minutes. Lost on a restart, which
 * only costs extra (harmless) runs.
 */
export interface WorkerMemory {
    lastCleanRunStartedMs?: number;
}

export interface InvocationDeps {
    env: Record<string, string | undefined>;
    clock: Clock;
    /** Receives one JSON log line. */
    write: (line: string) => void;
    /** TCP reachability of the secondary's ingress (tests pass their own). */
    reachable?: (host: string, port: number, timeoutMs: number) => Promise<boolean>;
    random?: () => number;
    /** Where messages for people go; default: the log and notifyWebhookUrl (./notify.ts). */
    notifier?: (config: AzureFunctionConfig, log: Logger) => Notifier;
    /** MeasuredFailoverSeconds; default: Application Insights ingestion from APPLICATIONINSIGHTS_CONNECTION_STRING. */
    publishMeasured?: (name: string, value: number) => Promise<void>;
}

const SECONDARY_PROBE_TIMEOUT_MS = 5000;

export function alertMessage(payload: unknown, nowMs: number): FailoverMessage {
    return { trigger: "alert", receivedAt: new Date(nowMs).toISOString(), ...alertSummary(payload) };
}

/**
 * The queue trigger's input: the worker (model v3) gets JSON messages already
 * parsed, anything else as a string. Undefined when it is not one of ours.
 */
export function parseFailoverMessage(input: unknown): FailoverMessage | undefined {
    let value = input;
    if (typeof value === "string") {
        try {
            value = JSON.parse(value);
        } catch {
            return undefined;
        }
    }
    const m = value as Partial<FailoverMessage> | undefined;
    if (!m || typeof m !== "object" || (m.trigger !== "alert" && m.trigger !== "recheck")
        || typeof m.receivedAt !== "string" || Number.isNaN(Date.parse(m.receivedAt))) {
        return undefined;
    }
    return m as FailoverMessage;
}

/** Alerts always run (a Resolved one clears the holdoff); only rechecks are folded into a later run. */
export function coveredByEarlierRun(message: FailoverMessage | undefined, memory: WorkerMemory): boolean {
    return message?.trigger === "recheck"
        && memory.lastCleanRunStartedMs !== undefined
        && Date.parse(message.receivedAt) <= memory.lastCleanRunStartedMs;
}

const runLogger = (deps: InvocationDeps, trigger: string): Logger =>
    jsonLogger({ write: deps.write, now: deps.clock.now, base: { function: "logscale-dr-failover", cloud: "azure", trigger } });

/**
 * The minute timer: it enqueues a recheck only while the degraded-since
 * annotation is set, so it never starts a failover the alert did not start,
 * and removing the annotation (runbook, failback) stops it. One Kubernetes
 * read, no ARM call.
 */
export async function runRecheckTimer(deps: InvocationDeps): Promise<RecheckResult> {
    const startedAtMs = deps.clock.now();
    const log = runLogger(deps, "timer");
    const done = (decision: RecheckResult["decision"], reason: string, extra: Partial<RecheckResult> = {}): RecheckResult => {
        const result: RecheckResult = { decision, reason, startedAt: new Date(startedAtMs).toISOString(), durationMs: deps.clock.now() - startedAtMs, ...extra };
        log(decision === "error" ? "error" : "info", "recheck.result", { ...result });
        return result;
    };
    let config: AzureFunctionConfig;
    try {
        config = parseAppSettings(deps.env);
    } catch (err) {
        return done("error", "the function app settings are invalid", { error: errorMessage(err) });
    }
    let k8s: KubeClient | undefined;
    try {
        const tokens = managedIdentityTokens(identityEndpointFromEnv(deps.env, config.identityClientId), { now: deps.clock.now });
        const client = new KubeClient({
            connection: { server: config.aksServer, caPem: config.aksCaPem, token: () => tokens(AKS_AAD_SERVER_APP_ID) },
        });
        k8s = client;
        const { namespace, operatorDeployment } = config.failover;
        // One read for both: a pending holdoff, or a recovery still being followed.
        const annotations = await withRetry(
            () => client.getDeploymentAnnotations(namespace, operatorDeployment, [DEGRADED_SINCE_ANNOTATION, RECOVERY_ANNOTATION]),
            { call: "k8s.getDeploymentAnnotation", policy: config.failover.retry ?? DEFAULT_RETRY, sleep: ms => deps.clock.sleep(ms), random: deps.random ?? Math.random, log },
        );
        const pending = annotations[DEGRADED_SINCE_ANNOTATION];
        const recovery = annotations[RECOVERY_ANNOTATION];
        if (pending === undefined) {
            const watched = parseRecord(recovery);
            if (watched !== undefined && !("error" in watched) && watched.state === "watching") {
                const message: FailoverMessage = { trigger: "recheck", receivedAt: new Date(deps.clock.now()).toISOString() };
                return done("enqueued", `LogScale's recovery is being followed (${RECOVERY_ANNOTATION} says watching): recheck enqueued`, { message });
            }
            return done("idle", `no holdoff pending (${DEGRADED_SINCE_ANNOTATION} is not set on ${namespace}/${operatorDeployment})`);
        }
        const message: FailoverMessage = { trigger: "recheck", receivedAt: new Date(deps.clock.now()).toISOString(), degradedSince: pending };
        return done("enqueued", `a holdoff is pending (${DEGRADED_SINCE_ANNOTATION}=${pending}): recheck enqueued`, { message });
    } catch (err) {
        return done("error", "could not read whether a holdoff is pending", { error: errorMessage(err) });
    } finally {
        k8s?.close();
    }
}

/**
 * One queue message: the failover as a reconciler (functions/core), which
 * only the worker runs, one message at a time, so duplicates (alert retries,
 * timer rechecks) run one after the other and find the work done.
 */
export async function runAzureFailover(deps: InvocationDeps, message?: FailoverMessage, memory: WorkerMemory = {}): Promise<AzureRunResult> {
    const startedAtMs = deps.clock.now();
    const log = runLogger(deps, "queue");
    const stop = (decision: "idle" | "error", reason: string, error?: string): AzureRunResult => {
        const base = { reason, startedAt: new Date(startedAtMs).toISOString(), durationMs: deps.clock.now() - startedAtMs };
        const result: AzureRunResult = decision === "idle"
            ? { decision, ...base }
            : { decision, ...base, error, operatorScaled: false, dnsLocked: false };
        log(decision === "error" ? "error" : "info", "failover.result", { ...result });
        return result;
    };

    log("info", "queue.message", message ? { ...message } : { message: "not a logscale-dr failover message; converging anyway" });
    if (coveredByEarlierRun(message, memory)) {
        return stop("idle", `recheck enqueued at ${message!.receivedAt} was covered by the run started at ${new Date(memory.lastCleanRunStartedMs!).toISOString()}`);
    }

    let config: AzureFunctionConfig;
    try {
        config = parseAppSettings(deps.env);
    } catch (err) {
        return stop("error", "the function app settings are invalid", errorMessage(err));
    }

    let k8s: KubeClient | undefined;
    let result: AzureRunResult;
    try {
        const tokens = managedIdentityTokens(identityEndpointFromEnv(deps.env, config.identityClientId), { now: deps.clock.now });
        k8s = new KubeClient({
            connection: { server: config.aksServer, caPem: config.aksCaPem, token: () => tokens(AKS_AAD_SERVER_APP_ID) },
        });
        const { namespace, operatorDeployment } = config.failover;
        const armEndpoint = config.armEndpoint;
        const reachable = deps.reachable ?? tcpReachable;
        const secondaryAddress = config.secondaryAddress;
        const secondaryPort = config.secondaryPort;
        const platform = azurePlatform({
            tm: trafficManagerApi({ armEndpoint, token: () => tokens(`${armEndpoint}/`) }),
            k8s,
            namespace,
            operatorDeployment,
            primaryEndpointId: config.primaryEndpointId,
            secondaryReachable: secondaryAddress === undefined
                ? undefined
                : () => reachable(secondaryAddress, secondaryPort, SECONDARY_PROBE_TIMEOUT_MS),
            now: deps.clock.now,
            log,
            metrics: endpointStateMetricApi({ armEndpoint, token: () => tokens(`${armEndpoint}/`) }),
            holdoffGapSeconds: holdoffGapOf(config),
            preFailoverFailureSeconds: config.failover.preFailoverFailureSeconds,
        });
        const failover = await runFailover(platform, k8s, { ...config.failover, waitBudgetSeconds: WAIT_BUDGET_SECONDS }, deps.clock, log,
            { random: deps.random });
        result = failover;
        await notifyFailover(failover, config, message, deps, log);
        // After the failover and its messages, within the same wait budget; the minute
        // timer enqueues the next run while the record says "watching".
        const cluster = config.clusterName ?? config.failover.humioClusterName;
        const publish = deps.publishMeasured ?? ((name: string, value: number) => trackMetric(
            parseConnectionString(deps.env.APPLICATIONINSIGHTS_CONNECTION_STRING),
            { name, value, properties: { clusterName: cluster }, timeMs: deps.clock.now() },
        ));
        failover.recovery = await followUpRecovery(failover, kubeRecoveryIo(k8s, config.failover, seconds => publish("MeasuredFailoverSeconds", seconds)), {
            clock: deps.clock,
            log,
            settings: {
                recheckIntervalSeconds: config.failover.recheckIntervalSeconds,
                untilMs: startedAtMs + WAIT_BUDGET_SECONDS * 1000,
                recoveryDeadlineMinutes: config.recoveryDeadlineMinutes ?? 15,
                expectedFailoverSeconds: config.expectedFailoverSeconds,
            },
            notify: async outcome => {
                const m = recoveryNotification(outcome, cluster);
                if (m) await deliver(peopleNotifier(deps.notifier, config, log), [m], log);
            },
        });
    } catch (err) {
        result = stop("error", "the invocation failed before a decision", errorMessage(err));
    } finally {
        k8s?.close();
    }
    if (result.decision !== "error" && startedAtMs > (memory.lastCleanRunStartedMs ?? -Infinity)) {
        memory.lastCleanRunStartedMs = startedAtMs;
    }
    return result;
}

/**
 * After the decision, never before it, and never throwing: a webhook that is
 * down or slow (bounded by its timeout) cannot change or undo what the run did.
 */
async function notifyFailover(result: FailoverResult, config: AzureFunctionConfig, message: FailoverMessage | undefined, deps: InvocationDeps, log: Logger): Promise<void> {
    try {
        // The alert's message opens an incident; the timer's rechecks continue it.
        const attempt = message?.trigger === "recheck" ? 1 : 0;
        const cluster = config.clusterName ?? config.failover.humioClusterName;
        await deliver(peopleNotifier(deps.notifier, config, log), failoverNotifications(result, { cluster, attempt }), log);
    } catch (err) {
        log("warn", "notify.failed", { error: errorMessage(err) });
    }
}

/** The parts of a common-alert-schema payload worth a log line; the decision never depends on them. */
export function alertSummary(payload: unknown): Record<string, unknown> {
    const essentials = (payload as { data?: { essentials?: Record<string, unknown> } } | undefined)?.data?.essentials;
    if (!essentials || typeof essentials !== "object") {
        return { payload: payload === undefined ? "none" : "not a common alert schema payload" };
    }
    const pick = (k: string) => (typeof essentials[k] === "string" ? essentials[k] : undefined);
    return {
        alertRule: pick("alertRule"),
        monitorCondition: pick("monitorCondition"),
        firedDateTime: pick("firedDateTime"),
        resolvedDateTime: pick("resolvedDateTime"),
    };
}

/** What the Functions Node.js worker (programming model v3) passes as `context`. */
export interface FunctionsContext {
    executionContext?: { functionName?: string; invocationId?: string };
    log?: (...args: unknown[]) => void;
    /** Output bindings are set here; the host writes them when the function returns. */
    bindings?: Record<string, unknown>;
}

const WORKER_MEMORY: WorkerMemory = {};
const READINESS_MEMORY: ReadinessMemory = {};

/**
 * The exported function of the package, shared by the three functions of the
 * app (their function.json point at the same script); which one runs is told
 * by the function name.
 * - HTTP: answers 202 at once, with the alert on the queue. The action group
 *   waits for no failover, so its retries (on 408/429/503/504, never on a
 *   202) never start a second run, and no run outlives App Service's 230 s
 *   request limit.
 * - timer: enqueues a recheck while a holdoff is pending.
 * - readiness: the scheduled self-test; it changes nothing but its own
 *   verdict annotation and always returns, so the host never retries it.
 * - worker: runs the failover; a run that ended in "error" throws, so the
 *   queue hands the message out again (host.json maxDequeueCount) and then
 *   moves it to the poison queue, where it stays visible.
 */
export async function functionsEntry(context: FunctionsContext, input: unknown): Promise<unknown> {
    const name = context?.executionContext?.functionName;
    const write = (line: string) => {
        if (context && typeof context.log === "function") {
            context.log(line);
        } else {
            process.stdout.write(line + "\n");
        }
    };
    const deps: InvocationDeps = { env: process.env, clock: systemClock(), write };
    const enqueue = (message: FailoverMessage) => {
        context.bindings = context.bindings ?? {};
        context.bindings[QUEUE_BINDING.out] = JSON.stringify(message);
    };

    if (name === FUNCTION_NAMES.worker) {
        const result = await runAzureFailover(deps, parseFailoverMessage(input), WORKER_MEMORY);
        if (result.decision === "error") {
            throw new Error(`failover run ended in error: ${result.reason}${result.error ? `: ${result.error}` : ""}`);
        }
        return undefined;
    }
    if (name === FUNCTION_NAMES.readiness) {
        await runAzureReadiness(deps, READINESS_MEMORY);
        return undefined;
    }
    if (name === FUNCTION_NAMES.timer) {
        const result = await runRecheckTimer(deps);
        if (result.message) {
            enqueue(result.message);
        }
        return undefined;
    }
    if (name !== FUNCTION_NAMES.http) {
        throw new Error(`no function ${JSON.stringify(name)} in this package (expected ${Object.values(FUNCTION_NAMES).join(", ")})`);
    }
    const message = alertMessage((input as { body?: unknown } | undefined)?.body, deps.clock.now());
    enqueue(message);
    runLogger(deps, "http")("info", "alert.enqueued", { ...message, queue: FAILOVER_QUEUE_NAME });
    return {
        status: 202,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ accepted: true, queue: FAILOVER_QUEUE_NAME, receivedAt: message.receivedAt }),
    };
}
