// The live PairObserver of an Azure pair: each phase read where the pair
// itself keeps it (the Traffic Manager endpoint's monitor status, Azure
// Monitor's fired alerts, the function's record on the standby's Deployment,
// the standby's API server, Traffic Manager's name servers), with the
// definitions the failover function and readiness use.

import { LAST_FAILOVER_ANNOTATION } from "../../functions/azure/platform";
import { trafficManagerApi, TrafficManagerApi } from "../../functions/azure/arm";
import { httpCall, HttpCall, parseJsonObject, statusError } from "../../functions/azure/http";
import { KubeConnection } from "../../functions/k8s/http";
import { AzureClientOptions, AzureCloud, AzurePairNames, azureNamesFromOutputs } from "../readiness/azure";
import { HttpCluster } from "../readiness/kube";
import { checkApiEndpoint } from "../readiness/outputs";
import { Clock, PairObservation, PairObserver } from "./backend";
import { DnsOptions, domainNameServers, GlobalDns } from "./global-dns";
import { logscaleReady, operatorAnnotation, operatorReplicas, Poller, recordDecision, observerOutput, readersOf } from "./standby";

/** Microsoft.AlertsManagement/alerts "Alerts - Get All" (the version its filters alertRule and monitorCondition are documented under). */
export const ALERTS_API_VERSION = "2019-05-05-preview";

export interface AzureObserverNames extends AzurePairNames {
    logscaleClusterName: string;
    /** The profile's DNS name, <relativeName>.trafficmanager.net (trafficManagerFqdn output): the global hostname is a CNAME to it. */
    profileFqdn: string;
    /** Each side's loadBalancerAddress output: the public IP its Traffic Manager endpoint targets. */
    primaryAddress: string;
    secondaryAddress: string;
}

export function azureObserverNamesFromOutputs(primary: Record<string, unknown>, secondary: Record<string, unknown>): AzureObserverNames {
    const fqdn = observerOutput(secondary, "standby", "trafficManagerFqdn");
    if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+\.?$/i.test(fqdn)) throw new Error(`the standby stack's "trafficManagerFqdn" output ${JSON.stringify(fqdn)} is not a DNS name; expected <relativeName>.trafficmanager.net`);
    return {
        ...azureNamesFromOutputs(secondary),
        logscaleClusterName: observerOutput(secondary, "standby", "logscaleClusterName"),
        profileFqdn: fqdn.replace(/\.$/, ""),
        primaryAddress: observerOutput(primary, "primary", "loadBalancerAddress"),
        secondaryAddress: observerOutput(secondary, "standby", "loadBalancerAddress"),
    };
}

export interface AzureObserverOptions {
    clock: Clock;
    azure: AzureClientOptions;
    dns?: DnsOptions;
    /** Consecutive failed polls of one reading that end the gameday (default 3); fewer count as "unchanged". */
    maxFailedReads?: number;
    kubeTimeoutMs?: number;
}

interface AlertEssentials {
    alertRule?: string;
    monitorCondition?: string;
}

export class AzurePairObserver implements PairObserver {
    private readonly arm: string;
    private readonly tm: TrafficManagerApi;
    private readonly dns: GlobalDns;
    private readonly standby: HttpCluster;
    private readonly alertId: string;
    private readonly startedAtS: number;
    private readonly poller: Poller;

    constructor(private readonly n: AzureObserverNames, private readonly standbyConn: KubeConnection, private readonly o: AzureObserverOptions) {
        this.arm = checkApiEndpoint(o.azure.armEndpoint ?? "https://management.azure.com", "ARM");
        this.tm = trafficManagerApi({ armEndpoint: this.arm, token: o.azure.token, timeoutMs: o.azure.timeoutMs });
        this.standby = new HttpCluster(standbyConn, o.kubeTimeoutMs);
        this.alertId = `/subscriptions/${n.subscriptionId}/resourceGroups/${n.alertResourceGroup}/providers/Microsoft.Insights/metricAlerts/${n.alertName}`;
        // Traffic Manager answers for the profile's name itself, from the name
        // servers of its own domain; the CNAME in our zone never changes.
        const domain = n.profileFqdn.split(".").slice(1).join(".");
        this.dns = new GlobalDns(domainNameServers(domain, o.dns), domain, n.profileFqdn, { primary: n.primaryAddress, secondary: n.secondaryAddress }, o.dns);
        // A record older than the gameday is an earlier failover, not this one's.
        this.startedAtS = Math.floor(o.clock.now() / 1000);
        this.poller = new Poller(o.maxFailedReads);
    }

    /** Anything but Online is what the function and the alert act on (Degraded, Stopped, and Disabled once locked); CheckingEndpoint counts too. */
    async healthCheckUnhealthy(): Promise<boolean> {
        const st = await this.tm.getEndpoint(`${this.n.profileId}/externalEndpoints/${this.n.primaryEndpointName}`);
        return st.endpointMonitorStatus.toLowerCase() !== "online";
    }

    /**
     * Azure Monitor's own record of the alert: a Fired alert of the failover
     * metric alert rule. The function's queue would say when it was called,
     * not when the alert fired; the alert list says the latter.
     */
    async alarmFiring(): Promise<boolean> {
        const q = new URLSearchParams({ "api-version": ALERTS_API_VERSION, alertRule: this.alertId, monitorCondition: "Fired" });
        const c: HttpCall = {
            call: "arm.listAlerts", method: "GET", timeoutMs: this.o.azure.timeoutMs ?? 15_000,
            url: `${this.arm}/subscriptions/${this.n.subscriptionId}/providers/Microsoft.AlertsManagement/alerts?${q}`,
        };
        const res = await httpCall({ ...c, headers: { authorization: `Bearer ${await this.o.azure.token()}` } });
        if (res.status !== 200) throw statusError(c, res);
        const value = parseJsonObject(c, res).value;
        if (!Array.isArray(value)) throw new Error(`${c.call}: the answer has no value list`);
        // The filters are checked again here: an API that ignored one would otherwise read as "firing".
        return value.some(a => {
            const e = ((a as { properties?: { essentials?: AlertEssentials } }).properties?.essentials ?? {});
            return e.monitorCondition === "Fired" && (e.alertRule ?? "").toLowerCase() === this.alertId.toLowerCase();
        });
    }

    /** The failover record on the standby's humio-operator Deployment (functions/azure/platform.ts LAST_FAILOVER_ANNOTATION). */
    async functionDecision(): Promise<string> {
        const value = await operatorAnnotation(this.standby, LAST_FAILOVER_ANNOTATION);
        return recordDecision(value, this.startedAtS, `annotation ${LAST_FAILOVER_ANNOTATION} on the standby's humio-operator Deployment`);
    }

    operatorReplicas(): Promise<number> {
        return operatorReplicas(this.standby);
    }

    logscaleReady(): Promise<boolean> {
        return logscaleReady(this.standbyConn, this.n.logscaleClusterName, this.o.kubeTimeoutMs);
    }

    /** Readiness's own definition (the primary endpoint Disabled); a new adapter per poll, as it keeps one read per run. */
    async dnsLocked(): Promise<boolean> {
        return (await new AzureCloud(this.n, this.standby, this.o.azure).dnsLock()).locked;
    }

    globalResolvesTo(): Promise<PairObservation["globalResolvesTo"]> {
        return this.dns.resolvesTo();
    }

    observe(): Promise<PairObservation> {
        return this.poller.poll(readersOf(this));
    }
}
