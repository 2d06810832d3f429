// The Azure side of the readiness self-test: the reads a failover depends on
// (Traffic Manager endpoint, the Deployment's annotations), the StandbyReady
// custom metric in Application Insights, and the last verdict, kept as an
// annotation on the same Deployment as the holdoff and the cooldown.
import { jsonLogger } from "../core/log";
import { deliver, readinessNotification } from "../core/notify";
import { parseVerdict, READINESS_ANNOTATION, ReadinessPlatform, runReadiness } from "../core/readiness";
import { annotationVerdict, ReadinessMemory, ReadinessOutcome, runReadinessRound } from "../core/readiness-round";
import { parseFailoverRecord } from "../core/record";
import { errorMessage } from "../core/retry";
import { KubeClient } from "../k8s/client";
import { parseConnectionString, trackMetric } from "./appinsights";
import { EndpointState, TrafficManagerApi, trafficManagerApi } from "./arm";
import type { InvocationDeps } from "./handler";
import { identityEndpointFromEnv, managedIdentityTokens } from "./identity";
import { peopleNotifier } from "./notify";
import { classifyEndpoint, LAST_FAILOVER_ANNOTATION } from "./platform";
import { AKS_AAD_SERVER_APP_ID, AzureFunctionConfig, parseAppSettings } from "./settings";

/** What the alert watches (components/azure/readiness.ts): a custom metric of the app's Application Insights. */
export const READINESS_METRIC = { namespace: "azure.applicationinsights", name: "StandbyReady", property: "clusterName" } as const;

export { READINESS_ANNOTATION, parseVerdict };

export interface AzureReadinessIo extends ReadinessPlatform {
    lastVerdict(): Promise<boolean | undefined>;
    storeVerdict(ready: boolean): Promise<void>;
}

export interface AzureReadinessIoOptions {
    tm: TrafficManagerApi;
    k8s: Pick<KubeClient, "getDeploymentAnnotation" | "annotateDeployment">;
    namespace: string;
    operatorDeployment: string;
    primaryEndpointId: string;
}

export function azureReadinessIo(o: AzureReadinessIoOptions): AzureReadinessIo {
    // The health signal and the lock target are the same endpoint: one GET serves both checks.
    let endpoint: Promise<EndpointState> | undefined;
    const readEndpoint = () => endpoint ??= o.tm.getEndpoint(o.primaryEndpointId);
    const where = `${o.namespace}/${o.operatorDeployment}`;
    return {
        async readPrimaryHealthSignal() {
            const state = await readEndpoint();
            return `primary endpoint ${state.endpointStatus}/${state.endpointMonitorStatus} (${classifyEndpoint(state)})`;
        },
        async readLockTarget() {
            const state = await readEndpoint();
            return state.endpointStatus.toLowerCase() === "disabled"
                ? "primary endpoint already Disabled (locked by a failover or an operator)"
                : `primary endpoint readable (${state.endpointStatus}); the lock sets it Disabled`;
        },
        async readCooldownStore() {
            const raw = await o.k8s.getDeploymentAnnotation(o.namespace, o.operatorDeployment, LAST_FAILOVER_ANNOTATION);
            const record = parseFailoverRecord(raw);
            if (record === undefined) {
                return `${LAST_FAILOVER_ANNOTATION} on ${where} readable: no failover recorded`;
            }
            if ("error" in record) {
                return `${LAST_FAILOVER_ANNOTATION} on ${where} readable but ${record.error}; a failover ignores it`;
            }
            return `${LAST_FAILOVER_ANNOTATION} on ${where}: last failover at ${new Date(record.epochSeconds * 1000).toISOString()} (lock ${record.lock})`;
        },
        ...annotationVerdict(o.k8s, o.namespace, o.operatorDeployment),
    };
}

/** What a readiness run returns (and logs): functions/core/readiness-round.ts. */
export type AzureReadinessOutcome = ReadinessOutcome;
export type { ReadinessMemory };

export interface ReadinessDeps extends InvocationDeps {
    /** The metric's sink; default: Application Insights ingestion from APPLICATIONINSIGHTS_CONNECTION_STRING. */
    publishMetric?: (ready: boolean, clusterName: string) => Promise<void>;
}

/**
 * The timer's self-test: every check of functions/core/readiness.ts with the
 * app's identity, StandbyReady 1 or 0, and a message when the verdict
 * changed. Two rounds: the checks with the last verdict, then the metric,
 * the verdict and the message together. Never throws, so the host does not
 * retry it: the next tick is the retry.
 */
export async function runAzureReadiness(deps: ReadinessDeps, memory: ReadinessMemory = {}): Promise<AzureReadinessOutcome> {
    const log = jsonLogger({ write: deps.write, now: deps.clock.now, base: { function: "logscale-dr-failover", cloud: "azure", trigger: "readiness" } });
    const startedAtMs = deps.clock.now();
    let config: AzureFunctionConfig;
    try {
        config = parseAppSettings(deps.env);
    } catch (err) {
        // No datapoint either: the not-reporting alert covers a run that cannot even start.
        log("error", "readiness.config-invalid", { error: errorMessage(err) });
        return {
            ready: false, checks: [], startedAt: new Date(startedAtMs).toISOString(), durationMs: deps.clock.now() - startedAtMs,
            metricPublished: false, verdictStored: false, errors: [errorMessage(err)],
        };
    }
    const cluster = config.clusterName ?? config.failover.humioClusterName;
    const tokens = (() => {
        try {
            return managedIdentityTokens(identityEndpointFromEnv(deps.env, config.identityClientId), { now: deps.clock.now });
        } catch (err) {
            // Every read then fails with this reason, and each check names it.
            return () => Promise.reject(err);
        }
    })();
    const k8s = new KubeClient({ connection: { server: config.aksServer, caPem: config.aksCaPem, token: () => tokens(AKS_AAD_SERVER_APP_ID) } });
    const io = azureReadinessIo({
        tm: trafficManagerApi({ armEndpoint: config.armEndpoint, token: () => tokens(`${config.armEndpoint}/`) }),
        k8s,
        namespace: config.failover.namespace,
        operatorDeployment: config.failover.operatorDeployment,
        primaryEndpointId: config.primaryEndpointId,
    });
    const { namespace, operatorDeployment, humioClusterName } = config.failover;
    try {
        const notifier = peopleNotifier(deps.notifier, config, log);
        const publish = deps.publishMetric ?? ((ready: boolean, name: string) => trackMetric(
            parseConnectionString(deps.env.APPLICATIONINSIGHTS_CONNECTION_STRING),
            { name: READINESS_METRIC.name, value: ready ? 1 : 0, properties: { [READINESS_METRIC.property]: name }, timeMs: deps.clock.now() },
        ));
        return await runReadinessRound({
            checks: () => runReadiness({ k8s, platform: io }, { namespace, operatorDeployment, humioClusterName }, deps.clock, log),
            lastVerdict: () => io.lastVerdict(),
            storeVerdict: ready => io.storeVerdict(ready),
            publishMetric: ready => publish(ready, cluster),
            message: async (result, previousReady) => {
                const m = readinessNotification(result, previousReady, cluster);
                return m ? (await deliver(notifier, [m], log)).sent[0] : undefined;
            },
            log,
        }, memory);
    } finally {
        k8s.close();
    }
}
