// The OCI side of the readiness self-test: the reads a failover depends on
// (the primary's monitor, the steering policy, the record annotation), the
// StandbyReady datapoint in OCI Monitoring, and the last verdict, kept as an
// annotation on the humio-operator Deployment beside the failover record.
import { ReadinessPlatform } from "../core/readiness";
import { annotationVerdict, type ReadinessOutcome } from "../core/readiness-round";
import { Clock } from "../core/types";
import { OciCall, ociBadAnswer, ociError, ociRequest, parseJson } from "./http";
import { COOLDOWN_ANNOTATION, OciPlatform } from "./platform";
import { OciCredentials } from "./signer";

/**
 * What the alarms watch (components/oci/readiness.ts). Custom namespaces may
 * not start with oci_; dimension keys and values are what the query filters on.
 */
export const READINESS_METRIC = { namespace: "logscale_dr", name: "StandbyReady", dimension: "clusterName" } as const;

/** The body the Resource Scheduler sends; anything else is an alarm notification. */
export const READINESS_BODY = { logscaleDrReadiness: { source: "resource-scheduler" } } as const;

export function isReadinessBody(body: string): boolean {
    try {
        const parsed = JSON.parse(body) as { logscaleDrReadiness?: unknown } | null;
        return typeof parsed?.logscaleDrReadiness === "object" && parsed.logscaleDrReadiness !== null;
    } catch {
        return false;
    }
}

export interface OciReadinessIo extends ReadinessPlatform {
    lastVerdict(): Promise<boolean | undefined>;
    storeVerdict(ready: boolean): Promise<void>;
    publishMetric(ready: boolean): Promise<void>;
}

export interface OciReadinessIoOptions {
    platform: Pick<OciPlatform, "primaryHealth" | "describeLockTarget" | "failoverRecord">;
    k8s: { getDeploymentAnnotation(ns: string, name: string, key: string): Promise<string | undefined>; annotateDeployment(ns: string, name: string, a: Record<string, string | null>): Promise<void> };
    namespace: string;
    operatorDeployment: string;
    compartmentId: string;
    clusterName: string;
    telemetryIngestion: string;
    credentials: () => OciCredentials;
    clock: Clock;
    timeoutMs: number;
}

export function ociReadinessIo(o: OciReadinessIoOptions): OciReadinessIo {
    const where = `${o.namespace}/${o.operatorDeployment}`;
    return {
        async readPrimaryHealthSignal() {
            // The same two reads a failover makes (metric minutes and probe results), so a permission or endpoint that broke shows here first.
            const h = await o.platform.primaryHealth();
            return h.healthy ? `primary healthy (${h.detail})` : `primary failing for ${h.failingForSeconds}s (${h.detail})`;
        },
        readLockTarget: () => o.platform.describeLockTarget(),
        async readCooldownStore() {
            const record = await o.platform.failoverRecord();
            return record === undefined
                ? `${COOLDOWN_ANNOTATION} on ${where} readable: no failover recorded`
                : `${COOLDOWN_ANNOTATION} on ${where}: last failover at ${new Date(record.epochSeconds * 1000).toISOString()} (lock ${record.lock})`;
        },
        ...annotationVerdict(o.k8s, o.namespace, o.operatorDeployment),
        publishMetric: ready => postDatapoint(o, READINESS_METRIC.name, ready ? 1 : 0),
    };
}

/** One datapoint under logscale_dr with the cluster dimension (StandbyReady, MeasuredFailoverSeconds). */
export async function postDatapoint(o: Pick<OciReadinessIoOptions, "telemetryIngestion" | "compartmentId" | "clusterName" | "credentials" | "clock" | "timeoutMs">, name: string, value: number): Promise<void> {
    const req: OciCall = {
        call: "oci.monitoring.postMetricData",
        method: "POST",
        url: `${o.telemetryIngestion}/20180401/metrics`,
        body: {
            metricData: [{
                namespace: READINESS_METRIC.namespace,
                compartmentId: o.compartmentId,
                name,
                dimensions: { [READINESS_METRIC.dimension]: o.clusterName },
                datapoints: [{ timestamp: new Date(o.clock.now()).toISOString(), value }],
            }],
            batchAtomicity: "ATOMIC",
        },
        timeoutMs: o.timeoutMs,
    };
    const res = await ociRequest(o.credentials, req);
    if (res.status !== 200) throw ociError(req, res);
    const out = parseJson(req, res) as { failedMetricsCount?: unknown; failedMetrics?: { message?: string }[] } | null;
    if (out?.failedMetricsCount !== 0) {
        throw ociBadAnswer(req, `the datapoint was rejected: ${out?.failedMetrics?.map(f => f.message).join("; ") || JSON.stringify(out)}`);
    }
}

/** What a readiness invocation returns (and logs): functions/core/readiness-round.ts. */
export type OciReadinessOutcome = ReadinessOutcome;
