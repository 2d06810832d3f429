// An Azure pair behind real local fakes for the live gameday: ARM
// (FakeAzure: the Traffic Manager endpoints, the metric alert, Azure
// Monitor's alert list), both clusters, and Traffic Manager's DNS: the
// recursive fake knows trafficmanager.net's NS, the authoritative fake
// answers for the profile's name. The played world is Traffic Manager's
// monitor, the alert and the failover function.
import { LAST_FAILOVER_ANNOTATION } from "../../functions/azure/platform";
import { AzureCloud, azureNamesFromOutputs } from "../../scripts/readiness/azure";
import { LiveInput } from "../../scripts/readiness/live";
import { OutputValue } from "../../scripts/readiness/ports";
import { azureLivePair, LivePair } from "../../scripts/gameday/live";
import { FakeAzure } from "../azure/fake-azure";
import { out } from "../readiness/live-pair";
import { Base, basePair, ENCRYPTION_KEY, PLAY, WorldOptions } from "./cloud-pair";

export const PROFILE = "/subscriptions/sub-1/resourceGroups/logscale-westus2/providers/Microsoft.Network/trafficManagerProfiles/logscale-tm";
export const PRIMARY_EP = `${PROFILE}/externalEndpoints/primary`;
export const SECONDARY_EP = `${PROFILE}/externalEndpoints/secondary`;
export const ALERT = "/subscriptions/sub-1/resourceGroups/logscale-eastus2/providers/Microsoft.Insights/metricAlerts/logscale-primary-endpoint-down";
export const FQDN = "logscale-example-com.trafficmanager.net";
export const IPS = { primary: "20.1.2.3", secondary: "20.9.9.9" };

export interface AzurePair extends Base {
    arm: FakeAzure;
    outputs: { primary: Record<string, OutputValue>; secondary: Record<string, OutputValue> };
    azure: { armEndpoint: string; token: () => Promise<string> };
    readiness(): LiveInput;
    live(): LivePair;
}

export async function azurePair(o: WorldOptions = {}): Promise<AzurePair> {
    const arm = await FakeAzure.start();
    arm.putEndpoint(PRIMARY_EP, { priority: 1, target: IPS.primary });
    arm.putEndpoint(SECONDARY_EP, { priority: 2, target: IPS.secondary });
    arm.putMetricAlert(ALERT, { enabled: true });
    let b: Base | undefined;
    const base = await basePair([
        { name: "AZURE_RECOVER_FROM_BUCKET", value: "logscale-data" },
        { name: "AZURE_RECOVER_FROM_ACCOUNTNAME", value: "logscalewestus2data" },
        { name: "AZURE_RECOVER_FROM_ENCRYPTION_KEY", valueFrom: { secretKeyRef: { name: "logscale-env-secrets", key: "AZURE_RECOVER_FROM_ENCRYPTION_KEY" } } },
    ], "AZURE_RECOVER_FROM_ENCRYPTION_KEY", o, now => {
        // What functions/azure/platform.ts does: the record, then the lock (the primary endpoint Disabled).
        b!.annotate(LAST_FAILOVER_ANNOTATION, `${Math.floor(now / 1000)};lock=applied`);
        Object.assign(arm.endpoint(PRIMARY_EP)!, { endpointStatus: "Disabled", endpointMonitorStatus: "Disabled" });
    }, (w, now) => {
        const ep = arm.endpoint(PRIMARY_EP)!;
        if (ep.endpointStatus !== "Disabled") ep.endpointMonitorStatus = w.downS >= PLAY.checkS ? "Degraded" : "Online";
        if (w.downS >= PLAY.alarmS && !arm.alerts.some(a => a.monitorCondition === "Fired")) {
            arm.alerts.push({ alertRule: ALERT, monitorCondition: "Fired", startDateTime: new Date(now).toISOString() });
        }
        b?.dns.authoritative.set(FQDN, [w.sinceFoS >= PLAY.dnsS ? IPS.secondary : IPS.primary]);
    });
    b = base;
    base.dns.recursive.setNs("trafficmanager.net", ["tm1.fake-dns.test", "tm2.fake-dns.test"]);
    base.dns.recursive.set("tm1.fake-dns.test", ["127.0.0.1"]);
    base.dns.recursive.set("tm2.fake-dns.test", ["127.0.0.1"]);
    // A recursive cache still on the primary: the observer must not ask it.
    base.dns.recursive.set(FQDN, [IPS.primary]);
    base.dns.authoritative.set(FQDN, [IPS.primary]);
    const outputs = {
        primary: out({ cloud: "azure", region: "westus2", storageBucket: "logscale-data", storageEncryptionKey: ENCRYPTION_KEY, logscaleClusterName: "logscale", loadBalancerAddress: IPS.primary },
            ["storageEncryptionKey"]),
        secondary: out({
            cloud: "azure", region: "eastus2", logscaleClusterName: "logscale", loadBalancerAddress: IPS.secondary,
            trafficManagerProfileId: PROFILE, trafficManagerPrimaryEndpointName: "primary", trafficManagerSecondaryEndpointName: "secondary",
            trafficManagerFqdn: FQDN, globalHostname: "logscale.example.com",
            failoverAlertName: "logscale-primary-endpoint-down", failoverAlertResourceGroup: "logscale-eastus2", expectedFailoverSeconds: { totalS: 548 },
        }),
    };
    const azure = { armEndpoint: arm.url, token: async () => `token-for-${arm.armResource}` };
    const readiness = (): LiveInput => ({
        primaryStack: "primary", secondaryStack: "secondary", outputs, clock: base.clock, runId: "gameday-test", pollMs: 5000, jobTimeoutMs: 120_000,
        clusters: base.clusters,
        cloud: new AzureCloud(azureNamesFromOutputs(Object.fromEntries(Object.entries(outputs.secondary).map(([k, v]) => [k, v.value]))), base.clusters.secondary, azure),
    });
    return {
        ...base, arm, outputs, azure, readiness,
        live: () => azureLivePair(readiness(), { azure, dns: base.dnsOptions, connections: base.connections }),
        async stop() { await base.stop(); await arm.stop(); },
    };
}
