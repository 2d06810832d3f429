import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { systemClock } from "../core/clock";
import { runFailover } from "../core/failover";
import { jsonLogger } from "../core/log";
import { deliver, failoverNotifications, Notifier, readinessNotification, recoveryNotification } from "../core/notify";
import { followUpRecovery } from "../core/recovery";
import { runReadiness } from "../core/readiness";
import { errorMessage } from "../core/retry";
import { Clock, FailoverResult, Logger } from "../core/types";
import { KubeClient } from "../k8s/client";
import { kubeRecoveryIo } from "../k8s/recovery-io";
import { fromFunctionEnv } from "./config";
import { okeToken } from "./oke";
import { onsNotifier } from "./notify-ons";
import { defaultEndpoints, OciPlatform } from "./platform";
import { ReadinessMemory, runReadinessRound } from "../core/readiness-round";
import { isReadinessBody, OciReadinessOutcome, ociReadinessIo, postDatapoint } from "./readiness";
import { OciCredentials, resourcePrincipal } from "./signer";

export interface HandlerDeps {
    clock?: Clock;
    log?: Logger;
    /** Signing identity; default: the function's resource principal. */
    credentials?: () => OciCredentials;
    /** Where messages for people go; default: PublishMessage to DR_NOTIFY_TOPIC_ID (none when it is unset). */
    notifier?: Notifier;
    /** The readiness verdict of this container's earlier runs (see ReadinessMemory). */
    readinessMemory?: ReadinessMemory;
}

const containerMemory: ReadinessMemory = {};

/**
 * One alarm notification in, one FailoverResult out. The body (the ONS
 * message of the alarm) is only logged: whatever state the alarm was in when
 * it was sent, the decision is taken on the current health, so a late or
 * repeated notification cannot cause a failover the data does not support.
 */
export async function handleNotification(body: string, env: Record<string, string | undefined>, deps: HandlerDeps = {}): Promise<FailoverResult | OciReadinessOutcome> {
    const clock = deps.clock ?? systemClock();
    const readiness = isReadinessBody(body);
    const log = deps.log ?? jsonLogger({ base: { fn: env.FN_FN_ID, cloud: "oci", entry: readiness ? "readiness" : "failover" } });
    if (!readiness) log("info", "oci.notification", summarizeNotification(body));
    const refuse = (reason: string, err: unknown): FailoverResult => {
        const result: FailoverResult = {
            decision: "error",
            reason: `${reason}; nothing was read or changed`,
            error: (err as Error).message,
            operatorScaled: false,
            dnsLocked: false,
            startedAt: new Date(clock.now()).toISOString(),
            durationMs: 0,
        };
        log("error", "failover.result", { ...result });
        return result;
    };
    let cfg;
    try {
        cfg = fromFunctionEnv(env);
    } catch (err) {
        return refuse("the function configuration is invalid", err);
    }
    const credentials = deps.credentials ?? (() => resourcePrincipal(env));
    // Once, before any remote call: otherwise every call of a round fails on
    // its own with the same file or key error, and the run goes on to retry them.
    try {
        credentials();
    } catch (err) {
        return refuse("the function's resource principal cannot be used", err);
    }
    const endpoints = { ...defaultEndpoints(cfg.region), ...stripUndefined(cfg.endpoints ?? {}) };
    const k8s = new KubeClient({
        connection: {
            server: cfg.kubernetesServer,
            caPem: cfg.kubernetesCaPem,
            token: () => okeToken(cfg.region, cfg.clusterId, credentials(), new Date(clock.now()), realmOf(endpoints.containerengine)),
        },
        timeoutMs: 10000,
    });
    const platform = new OciPlatform(
        {
            region: cfg.region,
            compartmentId: cfg.compartmentId,
            steeringPolicyId: cfg.steeringPolicyId,
            primaryPool: cfg.primaryPool,
            primaryMonitorId: cfg.primaryMonitorId,
            primaryResultsUrl: cfg.primaryResultsUrl,
            secondaryResultsUrl: cfg.secondaryResultsUrl,
            secondaryWindowSeconds: cfg.secondaryWindowSeconds,
            metricLookbackSeconds: cfg.metricLookbackSeconds,
            alarmRepeatSeconds: cfg.alarmRepeatSeconds,
            namespace: cfg.settings.namespace,
            operatorDeployment: cfg.settings.operatorDeployment,
            endpoints: { dns: endpoints.dns, telemetry: endpoints.telemetry },
            timeoutMs: 10000,
        },
        credentials,
        k8s,
        clock,
        log,
    );
    const cluster = cfg.clusterName ?? cfg.settings.humioClusterName;
    const notifier = deps.notifier ?? (cfg.notifyTopicId
        ? onsNotifier({ endpoint: endpoints.notification, topicId: cfg.notifyTopicId, credentials, timeoutMs: 10000 })
        : undefined);
    try {
        if (readiness) {
            const { namespace, operatorDeployment, humioClusterName } = cfg.settings;
            const io = ociReadinessIo({
                platform, k8s, namespace, operatorDeployment, compartmentId: cfg.compartmentId, clusterName: cluster,
                telemetryIngestion: endpoints.telemetryIngestion, credentials, clock, timeoutMs: 10000,
            });
            return await runReadinessRound({
                checks: () => runReadiness({ k8s, platform: io }, { namespace, operatorDeployment, humioClusterName }, clock, log),
                lastVerdict: () => io.lastVerdict(),
                storeVerdict: ready => io.storeVerdict(ready),
                publishMetric: ready => io.publishMetric(ready),
                message: async (result, previousReady) => {
                    const m = readinessNotification(result, previousReady, cluster);
                    return m ? (await deliver(notifier, [m], log)).sent[0] : undefined;
                },
                log,
            }, deps.readinessMemory ?? containerMemory);
        }
        const untilMs = clock.now() + cfg.settings.waitBudgetSeconds * 1000;
        const result = await runFailover(platform, k8s, cfg.settings, clock, log);
        // After the run, never inside it: a message cannot delay or change what was decided.
        try {
            await deliver(notifier, failoverNotifications(result, { cluster, attempt: notificationAttempt(body) }), log);
        } catch (err) {
            log("warn", "notify.failed", { error: errorMessage(err) });
        }
        // While LogScale is not ready yet the primary is still down, so the alarm keeps repeating: each repeat continues the follow-up.
        const metric = { telemetryIngestion: endpoints.telemetryIngestion, compartmentId: cfg.compartmentId, clusterName: cluster, credentials, clock, timeoutMs: 10000 };
        result.recovery = await followUpRecovery(result, kubeRecoveryIo(k8s, cfg.settings, seconds => postDatapoint(metric, "MeasuredFailoverSeconds", seconds)), {
            clock,
            log,
            settings: {
                recheckIntervalSeconds: cfg.settings.recheckIntervalSeconds,
                untilMs,
                recoveryDeadlineMinutes: cfg.recoveryDeadlineMinutes ?? 15,
                expectedFailoverSeconds: cfg.expectedFailoverSeconds,
            },
            notify: async outcome => {
                const m = recoveryNotification(outcome, cluster);
                if (m) await deliver(notifier, [m], log);
            },
        });
        return result;
    } finally {
        // A warm container serves the next notification much later; idle keep-alive sockets would only go stale.
        k8s.close();
    }
}

/** The OKE token names the containerengine host; a realm override (oc2, oc3...) changes its domain. */
function realmOf(containerengineEndpoint: string): string {
    const host = new URL(containerengineEndpoint).hostname;
    const m = host.match(/^containerengine\.[a-z0-9-]+\.(.+)$/);
    return m ? m[1] : "oraclecloud.com";
}

function stripUndefined<T extends Record<string, string | undefined>>(o: T): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
    return out;
}

/**
 * 0 for the notification that opened an incident (OK_TO_FIRING), 1 for the
 * alarm's repeats: a skip is told once per incident, not at every repeat.
 */
export function notificationAttempt(body: string): number {
    try {
        return (JSON.parse(body) as { type?: unknown } | null)?.type === "REPEAT" ? 1 : 0;
    } catch {
        return 0;
    }
}

/** What an alarm notification says, without echoing the whole payload into the log. */
export function summarizeNotification(body: string): Record<string, unknown> {
    try {
        const m = JSON.parse(body) as Record<string, unknown>;
        return { type: m.type, title: m.title, dedupeKey: m.dedupeKey, timestamp: m.timestampEpochMillis };
    } catch {
        return { bodyBytes: Buffer.byteLength(body) };
    }
}

/**
 * The Fn "http-stream" contract, the part of the Fn FDK this function needs:
 * listen on a socket next to FN_LISTENER, make it world-writable, atomically
 * symlink FN_LISTENER to it, answer POST /call with the result and an
 * Fn-Fdk-Version header. No FDK dependency keeps the image a bare node base
 * plus one file.
 */
export function serveFn(handle: (body: string) => Promise<unknown>, env: Record<string, string | undefined>): http.Server {
    const listener = env.FN_LISTENER;
    if ((env.FN_FORMAT ?? "http-stream") !== "http-stream") throw new Error(`FN_FORMAT ${env.FN_FORMAT} is not supported; expected http-stream`);
    if (!listener || !listener.startsWith("unix:")) throw new Error(`FN_LISTENER must be unix:<path>, got ${JSON.stringify(listener)}`);
    const socketPath = listener.slice("unix:".length);
    const phonyName = `${path.basename(socketPath)}.tmp`;
    const phonyPath = path.join(path.dirname(socketPath), phonyName);
    const version = `fdk-node/0.0.0-logscale-dr (njsv=${process.version})`;

    const server = http.createServer((req, res) => {
        if (req.method !== "POST" || req.url !== "/call") {
            res.writeHead(400, { "content-type": "application/json", "Fn-Fdk-Version": version });
            res.end(JSON.stringify({ message: "Invalid method", detail: `${req.method} ${req.url}` }));
            return;
        }
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            handle(Buffer.concat(chunks).toString("utf8")).then(
                result => {
                    res.writeHead(200, { "content-type": "application/json", "Fn-Fdk-Version": version });
                    res.end(JSON.stringify(result));
                },
                err => {
                    process.stderr.write(`failover handler failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
                    res.writeHead(502, { "content-type": "application/json", "Fn-Fdk-Version": version });
                    res.end(JSON.stringify({ message: "Exception in function, consult logs for details", detail: String(err) }));
                },
            );
        });
    });
    server.keepAliveTimeout = 0;
    server.listen(phonyPath, () => {
        fs.chmodSync(phonyPath, 0o666);
        fs.symlinkSync(phonyName, socketPath);
    });
    server.on("error", err => {
        process.stderr.write(`cannot listen on ${phonyPath}: ${err.message}\n`);
        process.exit(3);
    });
    return server;
}

/** The container's entry point: serve alarm notifications until the runtime stops the container. */
export function main(): http.Server {
    const env = process.env as Record<string, string | undefined>;
    return serveFn(body => handleNotification(body, env), env);
}
