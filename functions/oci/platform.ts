import { Clock, FailoverPlatform, FailoverSettings, KubernetesApi, Logger, PrimaryHealth, RemoteError } from "../core/types";
import type { OciFunctionConfig } from "./config";
import { healthQuery, primaryHealthFromMetrics, ProbeResult, secondaryHealthyFromProbes, Datapoint } from "./health";
import { OciCall, ociBadAnswer, ociError, ociRequest, parseJson } from "./http";
import { LockRefused, planLock } from "./lock";
import { OciCredentials } from "./signer";

/** Where the failover keeps the time of the last failover: outside the function, next to what it scaled. */
export const COOLDOWN_ANNOTATION = "logscale.dr/last-failover-epoch";

/** The function config's fields the platform reads (see OciFunctionConfig), and how to reach the APIs. */
export interface OciPlatformTarget extends
    Pick<OciFunctionConfig, "region" | "compartmentId" | "steeringPolicyId" | "primaryPool" | "primaryMonitorId"
        | "secondaryResultsUrl" | "secondaryWindowSeconds" | "metricLookbackSeconds">,
    Pick<FailoverSettings, "namespace" | "operatorDeployment"> {
    /** Base URLs, e.g. https://dns.us-ashburn-1.oraclecloud.com */
    endpoints: { dns: string; telemetry: string };
    /** Per-request deadline. */
    timeoutMs: number;
}

export function defaultEndpoints(region: string, realmDomain = "oraclecloud.com"): { dns: string; telemetry: string; containerengine: string } {
    return {
        dns: `https://dns.${region}.${realmDomain}`,
        telemetry: `https://telemetry.${region}.${realmDomain}`,
        containerengine: `https://containerengine.${region}.${realmDomain}`,
    };
}

/**
 * The OCI side of the failover: health from OCI Monitoring and Health
 * Checks, the cooldown in an annotation on the humio-operator Deployment, and
 * the DNS lock in the pair's steering policy. Every OCI call is signed with
 * the function's resource principal.
 */
export class OciPlatform implements FailoverPlatform {
    readonly cloud = "oci" as const;

    constructor(
        private readonly target: OciPlatformTarget,
        private readonly credentials: () => OciCredentials,
        private readonly k8s: KubernetesApi,
        private readonly clock: Clock,
        private readonly log: Logger,
    ) {}

    async primaryHealth(): Promise<PrimaryHealth> {
        const now = this.clock.now();
        const t = this.target;
        const req: OciCall = {
            call: "oci.monitoring.summarizeMetricsData",
            method: "POST",
            url: `${t.endpoints.telemetry}/20180401/metrics/actions/summarizeMetricsData?compartmentId=${encodeURIComponent(t.compartmentId)}`,
            body: {
                namespace: "oci_healthchecks",
                query: healthQuery(t.primaryMonitorId),
                startTime: new Date(now - t.metricLookbackSeconds * 1000).toISOString(),
                endTime: new Date(now).toISOString(),
                resolution: "1m",
            },
            timeoutMs: t.timeoutMs,
        };
        const res = await ociRequest(this.credentials, req);
        if (res.status !== 200) throw ociError(req, res);
        const series = parseJson(req, res);
        if (!Array.isArray(series)) throw ociBadAnswer(req, "expected a list of metric series");
        if (series.length > 1) throw ociBadAnswer(req, `expected one series for the grouped query, got ${series.length}`);
        const points = series.length === 0 ? [] : (series[0] as { aggregatedDatapoints?: unknown }).aggregatedDatapoints;
        if (!Array.isArray(points)) throw ociBadAnswer(req, "series has no aggregatedDatapoints list");
        try {
            return primaryHealthFromMetrics(points as Datapoint[], now);
        } catch (err) {
            throw new RemoteError(`${req.call}: ${(err as Error).message}`, undefined, false, req.call);
        }
    }

    async secondaryHealthy(): Promise<boolean> {
        const t = this.target;
        if (!t.secondaryResultsUrl) {
            throw new RemoteError("oci.healthchecks.listPingProbeResults: no secondary monitor is configured", undefined, false, "oci.healthchecks.listPingProbeResults");
        }
        const now = this.clock.now();
        const url = new URL(t.secondaryResultsUrl.replace(/^http:\/\/(?!127\.0\.0\.1|localhost)/, "https://"));
        url.searchParams.set("startTimeGreaterThanOrEqualTo", String(now - t.secondaryWindowSeconds * 1000));
        url.searchParams.set("sortOrder", "DESC");
        url.searchParams.set("limit", "200");
        const req: OciCall = { call: "oci.healthchecks.listPingProbeResults", method: "GET", url: url.toString(), timeoutMs: t.timeoutMs };
        const res = await ociRequest(this.credentials, req);
        if (res.status !== 200) throw ociError(req, res);
        const results = parseJson(req, res);
        if (!Array.isArray(results)) throw ociBadAnswer(req, "expected a list of probe results");
        try {
            const verdict = secondaryHealthyFromProbes(results as ProbeResult[], now, t.secondaryWindowSeconds);
            this.log("info", "oci.secondary-health", { healthy: verdict.healthy, detail: verdict.detail });
            return verdict.healthy;
        } catch (err) {
            throw new RemoteError(`${req.call}: ${(err as Error).message}`, undefined, false, req.call);
        }
    }

    async lastFailoverEpoch(): Promise<number | undefined> {
        const t = this.target;
        const v = await this.k8s.getDeploymentAnnotation(t.namespace, t.operatorDeployment, COOLDOWN_ANNOTATION);
        if (v === undefined) return undefined;
        if (!/^\d{1,12}$/.test(v)) {
            // A hand-edited annotation must not block failover forever; the
            // operator-replica check still prevents a second scale-up.
            this.log("warn", "oci.cooldown-annotation-invalid", { annotation: COOLDOWN_ANNOTATION, value: v });
            return undefined;
        }
        return Number(v);
    }

    async recordFailover(epochSeconds: number): Promise<void> {
        const t = this.target;
        await this.k8s.annotateDeployment(t.namespace, t.operatorDeployment, { [COOLDOWN_ANNOTATION]: String(epochSeconds) });
    }

    /**
     * Read-modify-write with the policy's ETag: a concurrent edit (an
     * operator in the console, a second invocation) makes the PUT fail with
     * 412 and the lock re-reads instead of overwriting it.
     */
    async lockDns(): Promise<void> {
        const t = this.target;
        const url = `${t.endpoints.dns}/20180115/steeringPolicies/${encodeURIComponent(t.steeringPolicyId)}`;
        for (let attempt = 1; attempt <= 3; attempt++) {
            const get: OciCall = { call: "oci.dns.getSteeringPolicy", method: "GET", url, timeoutMs: t.timeoutMs };
            const got = await ociRequest(this.credentials, get);
            if (got.status !== 200) throw ociError(get, got);
            const policy = parseJson(get, got);
            let plan;
            try {
                plan = planLock(policy, t.primaryPool);
            } catch (err) {
                if (err instanceof LockRefused) throw new RemoteError(`${get.call}: ${err.message}`, undefined, false, get.call);
                throw err;
            }
            if (!plan.update) {
                this.log("info", "oci.dns-already-locked", { disabled: plan.primaryAnswers, served: plan.servedAnswers });
                return;
            }
            const etag = got.headers.etag;
            const put: OciCall = {
                call: "oci.dns.updateSteeringPolicy",
                method: "PUT",
                url,
                body: plan.update,
                headers: etag ? { "if-match": etag } : {},
                timeoutMs: t.timeoutMs,
            };
            const res = await ociRequest(this.credentials, put);
            if (res.status === 412) {
                this.log("warn", "oci.dns-lock-conflict", { attempt });
                continue;
            }
            if (res.status !== 200) throw ociError(put, res);
            const after = parseJson(put, res) as { answers?: { pool?: string; isDisabled?: boolean }[] };
            const stillEnabled = (after.answers ?? []).filter(a => a.pool === t.primaryPool && a.isDisabled !== true);
            if (!Array.isArray(after.answers) || stillEnabled.length > 0) {
                throw ociBadAnswer(put, "the updated policy does not show the primary answers disabled");
            }
            this.log("info", "oci.dns-locked", { disabled: plan.primaryAnswers, served: plan.servedAnswers });
            return;
        }
        throw new RemoteError("oci.dns.updateSteeringPolicy: the policy changed under every one of 3 attempts (HTTP 412)", 412, true, "oci.dns.updateSteeringPolicy");
    }

    /**
     * Nothing to schedule: the alarm re-sends its notification every
     * repeatNotificationDuration while it keeps FIRING, and each one runs
     * this function again. Once the primary recovers the alarm stops, which
     * is exactly when the pending failover should be dropped.
     */
    async scheduleRecheck(afterSeconds: number): Promise<void> {
        this.log("info", "oci.recheck-by-alarm-repeat", { afterSeconds });
    }
}
