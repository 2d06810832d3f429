import { encodeFailoverRecord, parseFailoverRecord } from "../core/record";
import { Clock, FailoverPlatform, FailoverRecord, FailoverSettings, KubernetesApi, LockMark, Logger, PrimaryHealth, RemoteError } from "../core/types";
import type { OciFunctionConfig } from "./config";
import { Datapoint, healthQuery, PRIMARY_PROBE_WINDOW_SECONDS, primaryHealthFromMetrics, PrimaryProbes, ProbeResult, secondaryHealthyFromProbes } from "./health";
import { OciAnswer, OciCall, ociBadAnswer, ociError, ociRequest, parseJson } from "./http";
import { LockRefused, planLock } from "./lock";
import { OciCredentials } from "./signer";

/** Where the failover keeps the time of the last failover: outside the function, next to what it scaled. */
export const COOLDOWN_ANNOTATION = "logscale.dr/last-failover-epoch";

/** The function config's fields the platform reads (see OciFunctionConfig), and how to reach the APIs. */
export interface OciPlatformTarget extends
    Pick<OciFunctionConfig, "region" | "compartmentId" | "steeringPolicyId" | "primaryPool" | "primaryMonitorId"
        | "primaryResultsUrl" | "secondaryResultsUrl" | "secondaryWindowSeconds" | "metricLookbackSeconds" | "alarmRepeatSeconds">,
    Pick<FailoverSettings, "namespace" | "operatorDeployment"> {
    /** Base URLs, e.g. https://dns.us-ashburn-1.oraclecloud.com */
    endpoints: { dns: string; telemetry: string };
    /** Per-request deadline. */
    timeoutMs: number;
}

export interface OciEndpoints {
    dns: string;
    telemetry: string;
    containerengine: string;
    /** PostMetricData has its own host. */
    telemetryIngestion: string;
    /** Notifications: PublishMessage to people's topic. */
    notification: string;
}

export function defaultEndpoints(region: string, realmDomain = "oraclecloud.com"): OciEndpoints {
    return {
        dns: `https://dns.${region}.${realmDomain}`,
        telemetry: `https://telemetry.${region}.${realmDomain}`,
        containerengine: `https://containerengine.${region}.${realmDomain}`,
        telemetryIngestion: `https://telemetry-ingestion.${region}.${realmDomain}`,
        notification: `https://notification.${region}.${realmDomain}`,
    };
}

/** Most results one probe-results page returns (ListHttpProbeResults and ListPingProbeResults allow up to 1000). */
const PROBE_PAGE_LIMIT = 1000;

/** A steering policy as GetSteeringPolicy returned it, with the ETag a later update must match. */
interface PolicyRead {
    policy: unknown;
    etag: string | undefined;
    call: string;
}

/**
 * The OCI side of the failover: health from OCI Monitoring and Health
 * Checks, the cooldown in an annotation on the humio-operator Deployment, and
 * the DNS lock in the pair's steering policy. Every OCI call is signed with
 * the function's resource principal.
 */
export class OciPlatform implements FailoverPlatform {
    readonly cloud = "oci" as const;
    /** Set by prefetchLock in round 1, taken (once) by lockDns in round 4. */
    private prefetched: PolicyRead | undefined;
    /**
     * Present only when the alarm repeats its notification: that repeat is
     * the recheck on OCI, and without it the core must report that nothing
     * will run the check again rather than count on one.
     */
    readonly scheduleRecheck?: (afterSeconds: number) => Promise<void>;

    constructor(
        private readonly target: OciPlatformTarget,
        private readonly credentials: () => OciCredentials,
        private readonly k8s: KubernetesApi,
        private readonly clock: Clock,
        private readonly log: Logger,
    ) {
        // Assigned here, not as a field initializer: serialized handlers drop those.
        this.prefetched = undefined;
        const repeat = target.alarmRepeatSeconds;
        if (repeat > 0) {
            this.scheduleRecheck = async (afterSeconds: number) => this.recheckByAlarmRepeat(afterSeconds, repeat);
        }
    }

    /**
     * The holdoff from Monitoring (whole minutes in which every probe
     * failed) and "now" from the monitor's newest probe results, read
     * together: one round trip.
     */
    async primaryHealth(): Promise<PrimaryHealth> {
        const now = this.clock.now();
        const [metrics, probes] = await settleBoth(this.primaryMetrics(now), this.primaryProbes(now));
        try {
            return primaryHealthFromMetrics(metrics, probes, now);
        } catch (err) {
            throw new RemoteError(`platform.primaryHealth: ${(err as Error).message}`, undefined, false, "platform.primaryHealth");
        }
    }

    private async primaryMetrics(now: number): Promise<Datapoint[]> {
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
        return points as Datapoint[];
    }

    private async primaryProbes(now: number): Promise<PrimaryProbes> {
        const windowStart = now - PRIMARY_PROBE_WINDOW_SECONDS * 1000;
        const { req, res, results } = await this.probeResults("oci.healthchecks.listHttpProbeResults", this.target.primaryResultsUrl, windowStart);
        // A full page (or a next page) means older results were left out:
        // the results are complete only from the oldest one returned.
        const truncated = results.length >= PROBE_PAGE_LIMIT || res.headers["opc-next-page"] !== undefined;
        const oldest = results.reduce((m, r) => (typeof r.startTime === "number" && r.startTime < m ? r.startTime : m), now);
        if (truncated) this.log("warn", "oci.probe-results-truncated", { call: req.call, results: results.length });
        return { results, completeFromMs: truncated ? oldest : windowStart };
    }

    private async probeResults(call: string, resultsUrl: string, sinceMs: number): Promise<{ req: OciCall; res: OciAnswer; results: ProbeResult[] }> {
        // https already: fromFunctionEnv refuses anything else off loopback, and ociRequest checks again.
        const url = new URL(resultsUrl);
        url.searchParams.set("startTimeGreaterThanOrEqualTo", String(sinceMs));
        url.searchParams.set("sortOrder", "DESC");
        url.searchParams.set("limit", String(PROBE_PAGE_LIMIT));
        const req: OciCall = { call, method: "GET", url: url.toString(), timeoutMs: this.target.timeoutMs };
        const res = await ociRequest(this.credentials, req);
        if (res.status !== 200) throw ociError(req, res);
        const results = parseJson(req, res);
        if (!Array.isArray(results)) throw ociBadAnswer(req, "expected a list of probe results");
        return { req, res, results: results as ProbeResult[] };
    }

    async secondaryHealthy(): Promise<boolean> {
        const t = this.target;
        const call = "oci.healthchecks.listPingProbeResults";
        if (!t.secondaryResultsUrl) {
            throw new RemoteError(`${call}: no secondary monitor is configured`, undefined, false, call);
        }
        const now = this.clock.now();
        const { results } = await this.probeResults(call, t.secondaryResultsUrl, now - t.secondaryWindowSeconds * 1000);
        try {
            const verdict = secondaryHealthyFromProbes(results, now, t.secondaryWindowSeconds);
            this.log("info", "oci.secondary-health", { healthy: verdict.healthy, detail: verdict.detail });
            return verdict.healthy;
        } catch (err) {
            throw new RemoteError(`${call}: ${(err as Error).message}`, undefined, false, call);
        }
    }

    async lastFailoverEpoch(): Promise<number | undefined> {
        return (await this.failoverRecord())?.epochSeconds;
    }

    /** "<epoch>;lock=pending|applied" (functions/core/record.ts); a bare epoch is a record from before the lock mark. */
    async failoverRecord(): Promise<FailoverRecord | undefined> {
        const t = this.target;
        const v = await this.k8s.getDeploymentAnnotation(t.namespace, t.operatorDeployment, COOLDOWN_ANNOTATION);
        const parsed = parseFailoverRecord(v);
        if (parsed !== undefined && "error" in parsed) {
            // A hand-edited annotation must not block failover forever; the
            // operator-replica check still prevents a second scale-up.
            this.log("warn", "oci.cooldown-annotation-invalid", { annotation: COOLDOWN_ANNOTATION, value: v, error: parsed.error });
            return undefined;
        }
        return parsed;
    }

    async recordFailover(epochSeconds: number, lock: LockMark = "applied"): Promise<void> {
        const t = this.target;
        await this.k8s.annotateDeployment(t.namespace, t.operatorDeployment, { [COOLDOWN_ANNOTATION]: encodeFailoverRecord({ epochSeconds, lock }) });
    }

    /**
     * Round 1: GetSteeringPolicy with the other reads, keeping the ETag, so
     * the lock in round 4 is one PUT. Whatever fails here, lockDns reads again.
     */
    async prefetchLock(): Promise<void> {
        this.prefetched = undefined;
        const read = await this.readPolicy();
        // Without an ETag the PUT could not be conditional, and a copy read
        // seconds earlier must not be written back unconditionally.
        if (read.etag) this.prefetched = read;
    }

    /**
     * Read-modify-write with the policy's ETag (If-Match): the policy read in
     * round 1 when there is one, else a fresh read. A concurrent edit (an
     * operator in the console, another invocation) makes the PUT fail with
     * 412; the lock then re-reads and tries once more instead of overwriting.
     */
    async lockDns(): Promise<void> {
        const t = this.target;
        let read = this.prefetched;
        this.prefetched = undefined;
        for (let attempt = 1; attempt <= 2; attempt++) {
            if (!read) read = await this.readPolicy();
            let plan;
            try {
                plan = planLock(read.policy, t.primaryPool);
            } catch (err) {
                if (err instanceof LockRefused) throw new RemoteError(`${read.call}: ${err.message}`, undefined, false, read.call);
                throw err;
            }
            if (!plan.update) {
                this.log("info", "oci.dns-already-locked", { disabled: plan.primaryAnswers, served: plan.servedAnswers });
                return;
            }
            const put: OciCall = {
                call: "oci.dns.updateSteeringPolicy",
                method: "PUT",
                url: this.policyUrl(),
                body: plan.update,
                headers: read.etag ? { "if-match": read.etag } : {},
                timeoutMs: t.timeoutMs,
            };
            const res = await ociRequest(this.credentials, put);
            if (res.status === 412) {
                this.log("warn", "oci.dns-lock-conflict", { attempt, etag: read.etag });
                read = undefined;
                continue;
            }
            if (res.status !== 200) throw ociError(put, res);
            const after = parseJson(put, res) as { answers?: { pool?: string; isDisabled?: boolean }[] };
            const stillEnabled = (after.answers ?? []).filter(a => a.pool === t.primaryPool && a.isDisabled !== true);
            if (!Array.isArray(after.answers) || stillEnabled.length > 0) {
                throw ociBadAnswer(put, "the updated policy does not show the primary answers disabled");
            }
            this.log("info", "oci.dns-locked", { disabled: plan.primaryAnswers, served: plan.servedAnswers, attempt });
            return;
        }
        // Retryable: the core's backoff spreads the next read-modify-write out.
        throw new RemoteError("oci.dns.updateSteeringPolicy: the policy changed between read and update twice (HTTP 412)", 412, true, "oci.dns.updateSteeringPolicy");
    }

    /**
     * What the lock would do now, read and planned but not written: the
     * readiness self-test's view of the lock target. A policy the lock would
     * refuse (no primary pool, nothing left to serve) throws, naming why.
     */
    async describeLockTarget(): Promise<string> {
        const read = await this.readPolicy();
        let plan;
        try {
            plan = planLock(read.policy, this.target.primaryPool);
        } catch (err) {
            if (err instanceof LockRefused) throw new RemoteError(`${read.call}: ${err.message}`, undefined, false, read.call);
            throw err;
        }
        const state = plan.update ? "readable; the lock disables" : "already locked: disabled";
        return `steering policy ${state} ${plan.primaryAnswers.join(", ")} and serves ${plan.servedAnswers.join(", ")}${read.etag ? "" : " (no ETag: the lock would re-read before writing)"}`;
    }

    private policyUrl(): string {
        return `${this.target.endpoints.dns}/20180115/steeringPolicies/${encodeURIComponent(this.target.steeringPolicyId)}`;
    }

    private async readPolicy(): Promise<PolicyRead> {
        const get: OciCall = { call: "oci.dns.getSteeringPolicy", method: "GET", url: this.policyUrl(), timeoutMs: this.target.timeoutMs };
        const got = await ociRequest(this.credentials, get);
        if (got.status !== 200) throw ociError(get, got);
        return { policy: parseJson(get, got), etag: got.headers.etag, call: get.call };
    }

    /**
     * Nothing to schedule: while it stays FIRING the alarm re-sends its
     * notification every repeatSeconds and each one runs this function again,
     * which reconciles from scratch (functions/core/converge.ts completes a
     * lock left pending). The recheck comes at the next repeat, not after the
     * afterSeconds the core asked for, and only while the primary keeps
     * failing: once it recovers the alarm goes OK and sends nothing more,
     * which is when a pending holdoff should be dropped anyway.
     */
    private async recheckByAlarmRepeat(afterSeconds: number, repeatSeconds: number): Promise<void> {
        this.log("info", "oci.recheck-by-alarm-repeat", {
            requestedAfterSeconds: afterSeconds,
            alarmRepeatSeconds: repeatSeconds,
            detail: `the alarm re-sends its notification every ${repeatSeconds}s while it stays FIRING; the next one runs this check again`,
        });
    }
}

/**
 * Both calls of one round: waits for both (no call left running behind the
 * decision) and fails with the first failure, keeping its classification.
 */
async function settleBoth<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
    const [ra, rb] = await Promise.allSettled([a, b]);
    if (ra.status === "rejected") throw ra.reason;
    if (rb.status === "rejected") throw rb.reason;
    return [ra.value, rb.value];
}
