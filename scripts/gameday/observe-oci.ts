// The live PairObserver of an OCI pair: each phase read where the pair itself
// keeps it (the primary HTTPS monitor's probe results, the alarm's status in
// Monitoring, the function's record on the standby's Deployment, the
// standby's API server, the zone's name servers), with the definitions the
// failover function and readiness use.

import { primaryNowFromProbes, PRIMARY_PROBE_WINDOW_SECONDS, ProbeResult } from "../../functions/oci/health";
import { ociError, OciCall, ociRequest, parseJson } from "../../functions/oci/http";
import { COOLDOWN_ANNOTATION } from "../../functions/oci/platform";
import { OciCredentials } from "../../functions/oci/signer";
import { KubeConnection } from "../../functions/k8s/http";
import { HttpCluster } from "../readiness/kube";
import { OciCloud, OciPairNames, ociNamesFromOutputs } from "../readiness/oci";
import { checkApiEndpoint } from "../readiness/outputs";
import { Clock, PairObservation, PairObserver } from "./backend";
import { DnsOptions, GlobalDns, NameServerSource } from "./global-dns";
import { logscaleReady, operatorAnnotation, operatorReplicas, Poller, recordDecision, observerOutput, readersOf } from "./standby";

/** The page the function asks for (ListHttpProbeResults allows up to 1000). */
const PROBE_PAGE_LIMIT = 1000;

export interface OciObserverNames extends OciPairNames {
    logscaleClusterName: string;
    /** The primary's HTTPS monitor (healthMonitorId output), the one the function and the alarm read. */
    healthMonitorId: string;
    dnsZoneId: string;
    globalHostname: string;
    /** Each side's loadBalancerAddress output: the steering policy's answers. */
    primaryAddress: string;
    secondaryAddress: string;
}

export function ociObserverNamesFromOutputs(primary: Record<string, unknown>, secondary: Record<string, unknown>): OciObserverNames {
    return {
        ...ociNamesFromOutputs(secondary),
        logscaleClusterName: observerOutput(secondary, "standby", "logscaleClusterName"),
        healthMonitorId: observerOutput(secondary, "standby", "healthMonitorId"),
        dnsZoneId: observerOutput(secondary, "standby", "dnsZoneId"),
        globalHostname: observerOutput(secondary, "standby", "globalHostname"),
        primaryAddress: observerOutput(primary, "primary", "loadBalancerAddress"),
        secondaryAddress: observerOutput(secondary, "standby", "loadBalancerAddress"),
    };
}

export interface OciObserverOptions {
    clock: Clock;
    oci: {
        credentials: () => OciCredentials;
        /** Default https://{dns,telemetry,healthchecks}.<region>.oraclecloud.com; http only on loopback. */
        endpoints?: { dns?: string; telemetry?: string; healthchecks?: string };
        timeoutMs?: number;
    };
    dns?: DnsOptions;
    /** Consecutive failed polls of one reading that end the gameday (default 3); fewer count as "unchanged". */
    maxFailedReads?: number;
    kubeTimeoutMs?: number;
}

export class OciPairObserver implements PairObserver {
    private readonly api: { dns: string; telemetry: string; healthchecks: string };
    private readonly dns: GlobalDns;
    private readonly standby: HttpCluster;
    private compartmentId?: Promise<string>;
    private readonly startedAtS: number;
    private readonly poller: Poller;

    constructor(private readonly n: OciObserverNames, private readonly standbyConn: KubeConnection, private readonly o: OciObserverOptions) {
        const e = o.oci.endpoints ?? {};
        this.api = {
            dns: checkApiEndpoint(e.dns ?? `https://dns.${n.region}.oraclecloud.com`, "OCI DNS"),
            telemetry: checkApiEndpoint(e.telemetry ?? `https://telemetry.${n.region}.oraclecloud.com`, "OCI Monitoring"),
            healthchecks: checkApiEndpoint(e.healthchecks ?? `https://healthchecks.${n.region}.oraclecloud.com`, "OCI Health Checks"),
        };
        this.standby = new HttpCluster(standbyConn, o.kubeTimeoutMs);
        this.dns = new GlobalDns(this.zoneNameServers(), `DNS zone ${n.dnsZoneId}`, n.globalHostname, { primary: n.primaryAddress, secondary: n.secondaryAddress }, o.dns);
        // A record older than the gameday is an earlier failover, not this one's.
        this.startedAtS = Math.floor(o.clock.now() / 1000);
        this.poller = new Poller(o.maxFailedReads);
    }

    private async get(call: string, url: string): Promise<{ body: unknown; headers: Record<string, string | string[] | undefined> }> {
        const c: OciCall = { call, method: "GET", url, timeoutMs: this.o.oci.timeoutMs ?? 15_000 };
        const res = await ociRequest(this.o.oci.credentials, c);
        if (res.status !== 200) throw ociError(c, res);
        return { body: parseJson(c, res), headers: res.headers };
    }

    private zoneNameServers(): NameServerSource {
        return async () => {
            const id = this.n.dnsZoneId;
            const { body } = await this.get("oci.dns.getZone", `${this.api.dns}/20180115/zones/${encodeURIComponent(id)}`);
            const names = ((body as { nameservers?: Array<{ hostname?: unknown }> }).nameservers ?? [])
                .map(s => s.hostname).filter((h): h is string => typeof h === "string" && h !== "");
            if (names.length === 0) throw new Error(`DNS zone ${id} lists no nameservers (a private zone?); the gameday needs a public zone`);
            return names;
        };
    }

    /** The function's "now" rule on the same probe window: unhealthy when no vantage point's newest probe reached the primary. */
    async healthCheckUnhealthy(): Promise<boolean> {
        const now = this.o.clock.now();
        const since = now - PRIMARY_PROBE_WINDOW_SECONDS * 1000;
        const q = new URLSearchParams({ startTimeGreaterThanOrEqualTo: String(since), sortOrder: "DESC", limit: String(PROBE_PAGE_LIMIT) });
        const { body, headers } = await this.get("oci.healthchecks.listHttpProbeResults", `${this.api.healthchecks}/20180501/httpProbeResults/${encodeURIComponent(this.n.healthMonitorId)}?${q}`);
        if (!Array.isArray(body)) throw new Error(`oci.healthchecks.listHttpProbeResults: expected a list of probe results`);
        const results = body as ProbeResult[];
        // A truncated page is complete only from its oldest result, as the function reads it.
        const truncated = results.length >= PROBE_PAGE_LIMIT || headers["opc-next-page"] !== undefined;
        const oldest = results.reduce((m, r) => (typeof r.startTime === "number" && r.startTime < m ? r.startTime : m), now);
        return !primaryNowFromProbes({ results, completeFromMs: truncated ? oldest : since }, now).healthy;
    }

    /** ListAlarmsStatus needs the alarm's compartment, which no output names: GetAlarm says it, once. */
    private compartment(): Promise<string> {
        const pending = this.compartmentId ??= (async () => {
            const { body } = await this.get("oci.monitoring.getAlarm", `${this.api.telemetry}/20180401/alarms/${encodeURIComponent(this.n.alarmId)}`);
            const c = (body as { compartmentId?: unknown }).compartmentId;
            if (typeof c !== "string" || c === "") throw new Error(`Monitoring alarm ${this.n.alarmId} has no compartmentId`);
            return c;
        })();
        pending.catch(() => { if (this.compartmentId === pending) this.compartmentId = undefined; });
        return pending;
    }

    /** The alarm's own status (ListAlarmsStatus), FIRING; a suppressed alarm still fires, it only notifies no one. */
    async alarmFiring(): Promise<boolean> {
        const q = new URLSearchParams({ compartmentId: await this.compartment(), limit: "1000" });
        const { body } = await this.get("oci.monitoring.listAlarmsStatus", `${this.api.telemetry}/20180401/alarms/status?${q}`);
        if (!Array.isArray(body)) throw new Error(`oci.monitoring.listAlarmsStatus: expected a list of alarm statuses`);
        const mine = (body as Array<{ id?: string; status?: string }>).find(s => s.id === this.n.alarmId);
        // Listed only once evaluated; an alarm not listed has not fired.
        return mine?.status === "FIRING";
    }

    /** The failover record on the standby's humio-operator Deployment (functions/oci/platform.ts COOLDOWN_ANNOTATION). */
    async functionDecision(): Promise<string> {
        const value = await operatorAnnotation(this.standby, COOLDOWN_ANNOTATION);
        return recordDecision(value, this.startedAtS, `annotation ${COOLDOWN_ANNOTATION} on the standby's humio-operator Deployment`);
    }

    operatorReplicas(): Promise<number> {
        return operatorReplicas(this.standby);
    }

    logscaleReady(): Promise<boolean> {
        return logscaleReady(this.standbyConn, this.n.logscaleClusterName, this.o.kubeTimeoutMs);
    }

    /** Readiness's own definition (every primary answer disabled); a new adapter per poll, as it keeps one read per run. */
    async dnsLocked(): Promise<boolean> {
        return (await new OciCloud(this.n, this.standby, this.o.oci).dnsLock()).locked;
    }

    globalResolvesTo(): Promise<PairObservation["globalResolvesTo"]> {
        return this.dns.resolvesTo();
    }

    observe(): Promise<PairObservation> {
        return this.poller.poll(readersOf(this));
    }
}
