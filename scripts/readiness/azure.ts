// CloudPort for an Azure pair, from the standby stack's outputs: the Traffic
// Manager endpoints the failover function switches (its lock is the primary
// endpoint set Disabled), the metric alert that calls the function, and the
// verdict the readiness function keeps as an annotation on the standby's
// humio-operator Deployment, read through the standby's cluster.

import { RemoteError } from "../../functions/core/types";
import { EndpointState, trafficManagerApi, TrafficManagerApi } from "../../functions/azure/arm";
import { httpCall, HttpCall, parseJsonObject, statusError } from "../../functions/azure/http";
import { verdictAnnotation } from "./self-test";
import { checkApiEndpoint, needOutput } from "./outputs";
import { CloudPort, ClusterPort, SelfTest } from "./ports";

/** Microsoft.Insights/metricAlerts (the version components/azure/failover.ts's MetricAlert is documented under). */
export const METRIC_ALERTS_API_VERSION = "2018-03-01";

export interface AzurePairNames {
    profileId: string;
    primaryEndpointName: string;
    secondaryEndpointName: string;
    alertName: string;
    alertResourceGroup: string;
    /**
     * The alert's subscription, taken from the profile's id: the stack builds
     * the profile id with its own subscription when the primary has none, so
     * the pair is deployed into one subscription.
     */
    subscriptionId: string;
}

export interface AzureClientOptions {
    /** Bearer token for ARM; live: azCliToken() (./az-token.ts). */
    token: () => Promise<string>;
    /** Default https://management.azure.com; http only on loopback (tests). */
    armEndpoint?: string;
    timeoutMs?: number;
}

export function azureNamesFromOutputs(o: Record<string, unknown>): AzurePairNames {
    const need = (k: string) => needOutput(o, k, "Azure");
    const profileId = need("trafficManagerProfileId");
    const sub = /^\/subscriptions\/([^/]+)\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/trafficManagerProfiles\/[^/]+$/i.exec(profileId);
    if (!sub) throw new Error(`the standby stack's "trafficManagerProfileId" output ${JSON.stringify(profileId)} is not a Traffic Manager profile id`);
    return {
        profileId, subscriptionId: sub[1],
        primaryEndpointName: need("trafficManagerPrimaryEndpointName"), secondaryEndpointName: need("trafficManagerSecondaryEndpointName"),
        alertName: need("failoverAlertName"), alertResourceGroup: need("failoverAlertResourceGroup"),
    };
}

const isDisabled = (s: EndpointState) => s.endpointStatus.toLowerCase() === "disabled";

export class AzureCloud implements CloudPort {
    readonly cloud = "azure" as const;
    private readonly arm: string;
    private readonly tm: TrafficManagerApi;
    private readonly endpoints = new Map<string, Promise<EndpointState | undefined>>();

    constructor(private readonly n: AzurePairNames, private readonly standby: ClusterPort, private readonly o: AzureClientOptions) {
        this.arm = checkApiEndpoint(o.armEndpoint ?? "https://management.azure.com", "ARM");
        this.tm = trafficManagerApi({ armEndpoint: this.arm, token: o.token, timeoutMs: o.timeoutMs });
    }

    private endpointId(name: string): string {
        return `${this.n.profileId}/externalEndpoints/${name}`;
    }

    /** One GET per endpoint per run (the lock and the targets read the same primary endpoint); undefined on 404. */
    private endpoint(name: string): Promise<EndpointState | undefined> {
        let p = this.endpoints.get(name);
        if (!p) {
            p = this.tm.getEndpoint(this.endpointId(name)).catch((e: unknown) => {
                if (e instanceof RemoteError && e.status === 404) return undefined;
                throw e;
            });
            this.endpoints.set(name, p);
        }
        return p;
    }

    async dnsLock(): Promise<{ locked: boolean; detail: string }> {
        const name = this.n.primaryEndpointName;
        const st = await this.endpoint(name);
        if (!st) throw new Error(`Traffic Manager endpoint ${this.endpointId(name)} not found: there is no primary endpoint to lock`);
        return { locked: isDisabled(st), detail: `primary endpoint ${name} is ${st.endpointStatus}/${st.endpointMonitorStatus}` };
    }

    async dnsTargets(): Promise<{ present: string[]; missing: string[] }> {
        const present: string[] = [];
        const missing: string[] = [];
        for (const [role, name] of [["primary", this.n.primaryEndpointName], ["secondary", this.n.secondaryEndpointName]] as const) {
            const st = await this.endpoint(name);
            const label = `${role} endpoint ${name}`;
            if (!st) missing.push(label);
            // A disabled primary is the lock; a disabled secondary leaves Traffic Manager nothing to fail over to.
            else if (role === "secondary" && isDisabled(st)) missing.push(`${label} (Disabled: nothing to fail over to)`);
            else present.push(`${label} (${st.endpointStatus})`);
        }
        return { present, missing };
    }

    async alarm(): Promise<{ name: string; enabled: boolean }> {
        const { subscriptionId, alertResourceGroup: rg, alertName } = this.n;
        const c: HttpCall = {
            call: "arm.getMetricAlert", method: "GET", timeoutMs: this.o.timeoutMs ?? 15_000,
            url: `${this.arm}/subscriptions/${subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Insights/metricAlerts/${encodeURIComponent(alertName)}?api-version=${METRIC_ALERTS_API_VERSION}`,
        };
        const res = await httpCall({ ...c, headers: { authorization: `Bearer ${await this.o.token()}` } });
        if (res.status === 404) throw new Error(`metric alert ${alertName} not found in resource group ${rg}`);
        if (res.status !== 200) throw statusError(c, res);
        const props = parseJsonObject(c, res).properties as { enabled?: unknown } | undefined;
        return { name: `metric alert ${alertName}`, enabled: props?.enabled === true };
    }

    lastSelfTest(): Promise<SelfTest> {
        return verdictAnnotation(this.standby);
    }
}
