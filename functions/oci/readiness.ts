// The OCI side of the readiness self-test: the reads a failover depends on
// (the primary's monitor, the steering policy, the record annotation), the
// StandbyReady datapoint in OCI Monitoring, and the last verdict, kept as an
// annotation on the humio-operator Deployment beside the failover record.
import { READINESS_ANNOTATION, parseVerdict, ReadinessPlatform, ReadinessResult } from "../core/readiness";
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
        async lastVerdict() {
            return parseVerdict(await o.k8s.getDeploymentAnnotation(o.namespace, o.operatorDeployment, READINESS_ANNOTATION));
        },
        async storeVerdict(ready) {
            await o.k8s.annotateDeployment(o.namespace, o.operatorDeployment, { [READINESS_ANNOTATION]: ready ? "ready" : "not-ready" });
        },
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

/** What a readiness invocation returns (and logs). */
export interface OciReadinessOutcome extends ReadinessResult {
    previousReady?: boolean;
    metricPublished: boolean;
    verdictStored: boolean;
    notified?: string;
    /** What went wrong around the checks (metric, verdict, message); the checks are in `checks`. */
    errors: string[];
}

/**
 * The last verdict this container saw. The annotation is the record; this
 * stands in only when the annotation cannot be read, which is exactly when
 * Kubernetes access broke and people most need the "not ready" message.
 */
export interface ReadinessMemory {
    lastReady?: boolean;
}

/**
 * One scheduled self-test: every check with the last verdict read beside
 * them, then the datapoint, the verdict (only when it changed) and the
 * message together. Never throws, so nothing retries it: the next
 * scheduled run is the retry, and a run that cannot report at all shows as
 * a missing datapoint, which the absence alarm catches.
 */
export async function runOciReadinessChecks(
    run: {
        checks: () => Promise<ReadinessResult>;
        io: OciReadinessIo;
        message: (result: ReadinessResult, previousReady: boolean | undefined) => Promise<string | undefined>;
        log: (level: "info" | "warn" | "error", event: string, fields?: Record<string, unknown>) => void;
    },
    memory: ReadinessMemory = {},
): Promise<OciReadinessOutcome> {
    const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));
    const [result, previous] = await Promise.all([
        run.checks(),
        run.io.lastVerdict().then(ready => ({ ok: true as const, ready }), (err: unknown) => ({ ok: false as const, error: errorText(err) })),
    ]);
    const errors: string[] = [];
    if (!previous.ok) errors.push(`last verdict unreadable: ${previous.error}`);
    const previousReady = previous.ok && previous.ready !== undefined ? previous.ready : memory.lastReady;
    const changed = previousReady !== result.ready;
    const [metric, stored, sent] = await Promise.allSettled([
        run.io.publishMetric(result.ready),
        // Written only where it was read: without Kubernetes access the write would fail too.
        changed && previous.ok ? run.io.storeVerdict(result.ready) : Promise.resolve(),
        run.message(result, previousReady),
    ]);
    memory.lastReady = result.ready;
    if (metric.status === "rejected") errors.push(`StandbyReady not published: ${errorText(metric.reason)}`);
    if (stored.status === "rejected") errors.push(`verdict not stored: ${errorText(stored.reason)}`);
    const outcome: OciReadinessOutcome = {
        ...result,
        previousReady,
        metricPublished: metric.status === "fulfilled",
        verdictStored: changed && previous.ok && stored.status === "fulfilled",
        notified: sent.status === "fulfilled" ? sent.value : undefined,
        errors,
    };
    run.log(errors.length > 0 ? "warn" : "info", "readiness.outcome", { ...outcome, checks: undefined });
    return outcome;
}
