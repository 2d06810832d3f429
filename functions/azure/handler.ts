import { systemClock } from "../core/clock";
import { runFailover } from "../core/failover";
import { jsonLogger } from "../core/log";
import { DEFAULT_RETRY, errorMessage, withRetry } from "../core/retry";
import { Clock, FailoverResult, Logger } from "../core/types";
import { KubeClient } from "../k8s/client";
import { trafficManagerApi } from "./arm";
import { identityEndpointFromEnv, managedIdentityTokens } from "./identity";
import { azurePlatform, DEGRADED_SINCE_ANNOTATION } from "./platform";
import { AKS_AAD_SERVER_APP_ID, AzureFunctionConfig, FUNCTION_NAMES, parseAppSettings, WAIT_BUDGET_SECONDS } from "./settings";
import { tcpReachable } from "./tcp";

export type Trigger = "http" | "timer";

/** The timer's answer when no holdoff is pending: nothing was checked. */
export interface IdleResult {
    decision: "idle";
    reason: string;
    startedAt: string;
    durationMs: number;
}

export type AzureRunResult = FailoverResult | IdleResult;

export interface InvocationDeps {
    env: Record<string, string | undefined>;
    clock: Clock;
    /** Receives one JSON log line. */
    write: (line: string) => void;
    /** TCP reachability of the secondary's ingress (tests pass their own). */
    reachable?: (host: string, port: number, timeoutMs: number) => Promise<boolean>;
    random?: () => number;
}

const SECONDARY_PROBE_TIMEOUT_MS = 5000;

/**
 * One invocation: the alert's HTTP call, or the minute timer that carries a
 * pending holdoff forward. The timer acts only while the degraded-since
 * annotation is set, so it never starts a failover the alert did not start,
 * and removing the annotation (runbook, failback) stops it.
 */
export async function runAzureFailover(trigger: Trigger, deps: InvocationDeps, payload?: unknown): Promise<AzureRunResult> {
    const startedAtMs = deps.clock.now();
    const log: Logger = jsonLogger({ write: deps.write, now: deps.clock.now, base: { function: "logscale-dr-failover", cloud: "azure", trigger } });
    const stop = (decision: "idle" | "error", reason: string, error?: string): AzureRunResult => {
        const base = { reason, startedAt: new Date(startedAtMs).toISOString(), durationMs: deps.clock.now() - startedAtMs };
        const result: AzureRunResult = decision === "idle"
            ? { decision, ...base }
            : { decision, ...base, error, operatorScaled: false, dnsLocked: false };
        log(decision === "error" ? "error" : "info", "failover.result", { ...result });
        return result;
    };

    if (trigger === "http") {
        log("info", "alert.received", alertSummary(payload));
    }

    let config: AzureFunctionConfig;
    try {
        config = parseAppSettings(deps.env);
    } catch (err) {
        return stop("error", "the function app settings are invalid", errorMessage(err));
    }

    let k8s: KubeClient | undefined;
    try {
        const tokens = managedIdentityTokens(identityEndpointFromEnv(deps.env, config.identityClientId), { now: deps.clock.now });
        k8s = new KubeClient({
            connection: { server: config.aksServer, caPem: config.aksCaPem, token: () => tokens(AKS_AAD_SERVER_APP_ID) },
        });
        const { namespace, operatorDeployment } = config.failover;

        if (trigger === "timer") {
            const client = k8s;
            const pending = await withRetry(
                () => client.getDeploymentAnnotation(namespace, operatorDeployment, DEGRADED_SINCE_ANNOTATION),
                { call: "k8s.getDeploymentAnnotation", policy: config.failover.retry ?? DEFAULT_RETRY, sleep: ms => deps.clock.sleep(ms), random: deps.random ?? Math.random, log },
            );
            if (pending === undefined) {
                return stop("idle", `no holdoff pending (${DEGRADED_SINCE_ANNOTATION} is not set on ${namespace}/${operatorDeployment})`);
            }
        }

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
        });
        return await runFailover(platform, k8s, { ...config.failover, waitBudgetSeconds: WAIT_BUDGET_SECONDS[trigger] }, deps.clock, log,
            { random: deps.random });
    } catch (err) {
        return stop("error", "the invocation failed before a decision", errorMessage(err));
    } finally {
        k8s?.close();
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
}

/**
 * The exported function of the package, shared by both functions of the app
 * (their function.json point at the same script); which one runs is told by
 * the function name. HTTP answers 503 only when the run ended in "error": the
 * action group retries 408, 429, 503 and 504 (twice, after 10 s and 100 s) but
 * not 500, so 503 is what lets its retry cover a failure that may succeed on
 * a second try.
 */
export async function functionsEntry(context: FunctionsContext, input: unknown): Promise<unknown> {
    const trigger: Trigger = context?.executionContext?.functionName === FUNCTION_NAMES.timer ? "timer" : "http";
    const write = (line: string) => {
        if (context && typeof context.log === "function") {
            context.log(line);
        } else {
            process.stdout.write(line + "\n");
        }
    };
    const payload = trigger === "http" ? (input as { body?: unknown } | undefined)?.body : undefined;
    const result = await runAzureFailover(trigger, { env: process.env, clock: systemClock(), write }, payload);
    if (trigger === "timer") {
        return undefined;
    }
    return {
        status: result.decision === "error" ? 503 : 200,
        headers: { "content-type": "application/json" },
        body: JSON.stringify(result),
    };
}
