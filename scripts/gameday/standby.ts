// What every cloud's observer reads the same way: the standby's operator and
// LogScale through its API server, the failover record's "since the gameday
// began?" rule, and the polling (a failed read keeps the last value, the
// operator's scale-ups counted across polls). One copy, so the three clouds'
// gamedays cannot disagree on what a phase means.

import { LOGSCALE_NAMESPACE, LOGSCALE_PORT, OPERATOR_DEPLOYMENT_NAME, uiServiceName } from "../../components/logscale/names";
import { parseFailoverRecord } from "../../functions/core/record";
import { KubeConnection, kubeRequest } from "../../functions/k8s/http";
import { HttpCluster } from "../readiness/kube";
import { PairObservation } from "./backend";

/** What LogScale answers when it serves (components/aws/healthchecks.ts STATUS_MATCH, spacing allowed). */
const STATUS_OK = /"status"\s*:\s*"OK"/;

export type Readings = Omit<PairObservation, "operatorScaleUps">;
export type Readers = { [K in keyof Readings]-?: () => Promise<Readings[K]> };

export async function operatorReplicas(standby: HttpCluster): Promise<number> {
    const r = await standby.deploymentReplicas(LOGSCALE_NAMESPACE, OPERATOR_DEPLOYMENT_NAME);
    if (r === undefined) throw new Error(`Deployment ${LOGSCALE_NAMESPACE}/${OPERATOR_DEPLOYMENT_NAME} not found on the standby`);
    return r;
}

/** /api/v1/status through the API server's service proxy: the standby has no public name of its own to ask before DNS moves. */
export async function logscaleReady(standby: KubeConnection, clusterName: string, timeoutMs = 10_000): Promise<boolean> {
    // "https:" because LogScale pods serve TLS themselves (HumioCluster tls.enabled); names are DNS labels, nothing to escape.
    const svc = `https:${uiServiceName(clusterName)}:${LOGSCALE_PORT}`;
    const path = `/api/v1/namespaces/${LOGSCALE_NAMESPACE}/services/${svc}/proxy/api/v1/status`;
    const res = await kubeRequest(standby, undefined, { call: "k8s.serviceProxy", method: "GET", path, timeoutMs });
    // 503 (no endpoints) is the standby at zero: an answer, not a failed read.
    return res.status === 200 && STATUS_OK.test(res.body);
}

/**
 * The function keeps no decision log the gameday can read; what it records
 * is its failover (functions/core/record.ts). A record made since the
 * gameday began is "failed-over"; anything else, an earlier failover
 * included, reads "no-failover-recorded". `where` names the record in errors.
 */
export function recordDecision(value: string | undefined, startedAtS: number, where: string): string {
    const r = parseFailoverRecord(value);
    if (r !== undefined && "error" in r) throw new Error(`${where} ${r.error}`);
    return r !== undefined && r.epochSeconds >= startedAtS ? "failed-over" : "no-failover-recorded";
}

/** The annotation on the standby's humio-operator Deployment, where Azure's and OCI's functions keep their record. */
export async function operatorAnnotation(standby: HttpCluster, key: string): Promise<string | undefined> {
    const d = await standby.object("apps/v1", "deployments", LOGSCALE_NAMESPACE, OPERATOR_DEPLOYMENT_NAME);
    if (!d) throw new Error(`Deployment ${LOGSCALE_NAMESPACE}/${OPERATOR_DEPLOYMENT_NAME} not found on the standby`);
    return ((d.metadata as { annotations?: Record<string, string> } | undefined)?.annotations ?? {})[key];
}

export class Poller {
    private last: Readings = { healthCheckUnhealthy: false, alarmFiring: false, operatorReplicas: 0, logscaleReady: false, globalResolvesTo: "unknown", dnsLocked: false };
    private readonly failures = new Map<keyof Readings, number>();
    private scaleUps = 0;
    private lastReplicas: number | undefined;

    /** Consecutive failed polls of one reading that end the gameday; fewer count as "unchanged". */
    constructor(private readonly maxFailedReads = 3) {}

    async poll(readers: Readers): Promise<PairObservation> {
        const read = async <K extends keyof Readings>(k: K): Promise<Readings[K]> => {
            try {
                const v = await (readers[k] as () => Promise<Readings[K]>)();
                this.failures.delete(k);
                return v;
            } catch (e) {
                const n = (this.failures.get(k) ?? 0) + 1;
                this.failures.set(k, n);
                // One failed poll keeps the last value: a lost answer is not a phase change.
                if (n >= this.maxFailedReads) throw new Error(`reading ${k} failed ${n} polls in a row: ${(e as Error).message}`);
                return this.last[k];
            }
        };
        const [healthCheckUnhealthy, alarmFiring, functionDecision, operatorReplicas, logscaleReady, globalResolvesTo, dnsLocked] = await Promise.all([
            read("healthCheckUnhealthy"), read("alarmFiring"), read("functionDecision"), read("operatorReplicas"),
            read("logscaleReady"), read("globalResolvesTo"), read("dnsLocked"),
        ]);
        this.last = { healthCheckUnhealthy, alarmFiring, functionDecision, operatorReplicas, logscaleReady, globalResolvesTo, dnsLocked };
        if (this.lastReplicas === 0 && operatorReplicas > 0) this.scaleUps++;
        this.lastReplicas = operatorReplicas;
        return { ...this.last, operatorScaleUps: this.scaleUps };
    }
}

/** One poll's readers from an observer whose methods carry the readings' names. */
export function readersOf(o: Readers): Readers {
    return {
        healthCheckUnhealthy: () => o.healthCheckUnhealthy(),
        alarmFiring: () => o.alarmFiring(),
        functionDecision: () => o.functionDecision(),
        operatorReplicas: () => o.operatorReplicas(),
        logscaleReady: () => o.logscaleReady(),
        globalResolvesTo: () => o.globalResolvesTo(),
        dnsLocked: () => o.dnsLocked(),
    };
}

/** A stack output the observer needs, or one line naming the side and the output. */
export function observerOutput(o: Record<string, unknown>, side: "primary" | "standby", k: string): string {
    const v = o[k];
    if (typeof v !== "string" || v === "") throw new Error(`the ${side} stack has no "${k}" output; the live gameday observer needs it`);
    return v;
}
