// The live FailbackWorld of an Azure pair. Built from both stacks' outputs:
// each cluster through its kubeconfig, LogScale on its own hostname, each
// Blob container with an Azure AD token, and from the secondary's outputs the
// Traffic Manager endpoint the failover function disabled, its metric alert
// and the record it keeps on the secondary's humio-operator Deployment.

import { TRAFFIC_MANAGER_API_VERSION, trafficManagerApi, TrafficManagerApi } from "../../functions/azure/arm";
import { httpCall, HttpCall, parseJsonObject, statusError } from "../../functions/azure/http";
import { LAST_FAILOVER_ANNOTATION, MINUTES_FROM_ANNOTATION } from "../../functions/azure/platform";
import { parseFailoverRecord } from "../../functions/core/record";
import { FailoverRecord } from "../../functions/core/types";
import { LOGSCALE_NAMESPACE } from "../../components/logscale/names";
import { METRIC_ALERTS_API_VERSION } from "../readiness/azure";
import { azCliToken, STORAGE_RESOURCE } from "../readiness/az-token";
import { BlobContainer } from "./blob";
import { checkedEndpoint } from "./endpoint";
import { DeploymentAnnotation } from "./kube-annotations";
import { OPERATOR } from "./kube-side";
import { FailbackWorld, Side } from "./ports";
import { StackPort } from "./stack-port";
import { needOutput, optionalOutput, pairOutputs, PairWorld, sideBasics, SideParts, SIDES } from "./world-base";

export interface AzureWorldOptions {
    /** Test seams: the ARM endpoint (default https://management.azure.com), a Blob endpoint serving /<account>/<container> path-style, static tokens. */
    armEndpoint?: string;
    blobEndpoint?: string;
    armToken?: () => Promise<string>;
    storageToken?: () => Promise<string>;
    /** LogScale base URL per side; default https://<hostname output>. */
    logscaleUrl?: Partial<Record<Side, string>>;
    /** Milliseconds since the epoch; default Date.now. */
    now?: () => number;
}

/** Traffic Manager's first probe of a re-enabled endpoint lands within an interval (at most 30 s) plus its timeout: a minute covers it. */
const FIRST_PROBE_MARGIN_S = 60;

const TIMEOUT_MS = 15_000;
const PROFILE_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/trafficManagerProfiles\/[^/]+$/i;

export class AzureWorld extends PairWorld implements FailbackWorld {
    private readonly tm: TrafficManagerApi;

    private constructor(
        sides: Record<Side, SideParts>,
        private readonly n: { endpointId: string; subscription: string },
        private readonly record: DeploymentAnnotation,
        private readonly minutesFrom: DeploymentAnnotation,
        private readonly arm: string,
        private readonly armToken: () => Promise<string>,
        private readonly now: () => number,
    ) {
        super(sides);
        this.tm = trafficManagerApi({ armEndpoint: arm, token: armToken, timeoutMs: TIMEOUT_MS });
    }

    static async create(stacks: Record<Side, StackPort>, o: AzureWorldOptions = {}): Promise<AzureWorld> {
        const out = await pairOutputs(stacks, "azure", "Azure");
        const s = out.secondary, sName = stacks.secondary.name;
        const profileId = needOutput("Azure", s, sName, "trafficManagerProfileId", "the DNS lock");
        const subscription = PROFILE_ID.exec(profileId)?.[1];
        if (!subscription) throw new Error(`stack "${sName}" has a "trafficManagerProfileId" output ${JSON.stringify(profileId)} that is not a Traffic Manager profile id; the Azure failback needs it for the DNS lock`);
        const endpointId = `${profileId}/externalEndpoints/${needOutput("Azure", s, sName, "trafficManagerPrimaryEndpointName", "the DNS lock")}`;

        const storageToken = o.storageToken ?? azCliToken(undefined, undefined, STORAGE_RESOURCE);
        const parts = {} as Record<Side, SideParts>;
        let record: DeploymentAnnotation | undefined;
        let minutesFrom: DeploymentAnnotation | undefined;
        for (const side of SIDES) {
            const so = out[side], name = stacks[side].name;
            const { basics, conn } = sideBasics("Azure", stacks[side], so, side, o);
            if (side === "secondary") {
                record = new DeploymentAnnotation(conn, LOGSCALE_NAMESPACE, OPERATOR, LAST_FAILOVER_ANNOTATION, side);
                minutesFrom = new DeploymentAnnotation(conn, LOGSCALE_NAMESPACE, OPERATOR, MINUTES_FROM_ANNOTATION, side);
            }
            const account = needOutput("Azure", so, name, "storageAccountName", "the snapshot steps");
            parts[side] = {
                ...basics,
                bucket: new BlobContainer({
                    account, container: needOutput("Azure", so, name, "storageBucket", "the snapshot steps"), token: storageToken,
                    endpoint: o.blobEndpoint ? `${o.blobEndpoint.replace(/\/+$/, "")}/${account}` : needOutput("Azure", so, name, "storageEndpointBase", "the snapshot steps"),
                }),
            };
        }
        const arm = checkedEndpoint(o.armEndpoint ?? "https://management.azure.com", "the ARM endpoint").href.replace(/\/+$/, "");
        return new AzureWorld(parts, { endpointId, subscription }, record!, minutesFrom!, arm, o.armToken ?? azCliToken(), o.now ?? Date.now);
    }

    private async armCall(c: Omit<HttpCall, "timeoutMs">): Promise<Record<string, unknown>> {
        const call: HttpCall = { ...c, timeoutMs: TIMEOUT_MS };
        const res = await httpCall({ ...call, headers: { authorization: `Bearer ${await this.armToken()}` } });
        if (res.status !== 200) throw statusError(call, res);
        return parseJsonObject(call, res);
    }

    /** The lock is the primary's Traffic Manager endpoint set Disabled (functions/azure/platform.ts lockDns). */
    async dnsLocked(): Promise<boolean> {
        return (await this.tm.getEndpoint(this.n.endpointId)).endpointStatus.toLowerCase() === "disabled";
    }

    async unlockDns(): Promise<void> {
        const body = await this.armCall({
            call: "arm.enableEndpoint", method: "PATCH", body: { properties: { endpointStatus: "Enabled" } },
            url: `${this.arm}${this.n.endpointId}?api-version=${TRAFFIC_MANAGER_API_VERSION}`,
        });
        const status = (body.properties as { endpointStatus?: unknown } | undefined)?.endpointStatus;
        if (typeof status !== "string" || status.toLowerCase() !== "enabled") {
            throw new Error(`arm.enableEndpoint PATCH ${this.n.endpointId}: endpointStatus is ${JSON.stringify(status)} after the update, expected Enabled`);
        }
        // The endpoint-state minutes while it was Disabled read 0, like failure: the
        // failover function counts only minutes from its first probe after this.
        await this.minutesFrom.write(String(Math.ceil(this.now() / 1000) + FIRST_PROBE_MARGIN_S));
    }

    async lockRecord(): Promise<FailoverRecord | undefined> {
        const r = parseFailoverRecord(await this.record.read());
        if (r && "error" in r) throw new Error(`failover record ${this.record.key} on ${this.record.namespace}/${this.record.deployment} ${r.error}`);
        return r;
    }

    protected writeLockRecord(value: string): Promise<void> { return this.record.write(value); }

    /**
     * The failover alert from the secondary's outputs as they are now: a promoted
     * secondary exports none (promotion removed it) until step 13's up.
     */
    private async alert(): Promise<{ id: string; url: string } | undefined> {
        const o = await this.sides.secondary.stack.outputs();
        const name = optionalOutput(o, "failoverAlertName");
        if (!name) return undefined;
        const group = optionalOutput(o, "failoverAlertResourceGroup");
        if (!group) throw new Error(`stack "${this.sides.secondary.stack.name}" exports failoverAlertName but no "failoverAlertResourceGroup"; the Azure failback needs it for the failover alert`);
        const id = `/subscriptions/${this.n.subscription}/resourceGroups/${group}/providers/Microsoft.Insights/metricAlerts/${encodeURIComponent(name)}`;
        return { id, url: `${this.arm}${id}?api-version=${METRIC_ALERTS_API_VERSION}` };
    }

    async alarmEnabled(): Promise<boolean | undefined> {
        const alert = await this.alert();
        if (!alert) return undefined;
        const body = await this.armCall({ call: "arm.getMetricAlert", method: "GET", url: alert.url });
        const enabled = (body.properties as { enabled?: unknown } | undefined)?.enabled;
        if (typeof enabled !== "boolean") throw new Error(`arm.getMetricAlert GET ${alert.id}: properties.enabled is ${JSON.stringify(enabled)}`);
        return enabled;
    }

    /** The rule itself: Azure Monitor has no "actions off" switch, and a disabled rule fires nothing until enabled again. */
    async setAlarm(enabled: boolean): Promise<void> {
        const alert = await this.alert();
        if (!alert) throw new Error(`stack "${this.sides.secondary.stack.name}" exports no failoverAlertName: it has no failover alert to ${enabled ? "enable" : "disable"}`);
        const body = await this.armCall({ call: "arm.updateMetricAlert", method: "PATCH", url: alert.url, body: { properties: { enabled } } });
        if ((body.properties as { enabled?: unknown } | undefined)?.enabled !== enabled) {
            throw new Error(`arm.updateMetricAlert PATCH ${alert.id}: properties.enabled is not ${enabled} after the update`);
        }
    }
}
