// The live Azure world (scripts/failback/world-azure.ts) over fakes on 127.0.0.1:
// FailbackFakes' simulation behind each side's FakeKubernetes and LogScale
// (the failover record on the secondary's humio-operator Deployment),
// FakeBlob over the simulated containers, FakeAzure for the Traffic Manager
// endpoint and the metric alert, and FakeStacks over the simulated stack config.
import { Side } from "../../scripts/failback/ports";
import { AzureWorld } from "../../scripts/failback/world-azure";
import { FakeAzure } from "../azure/fake-azure";
import { FailbackFakes, SIDES } from "./fakes";
import { BLOB_TOKEN, FakeBlob, FakeContainer } from "./fake-blob";
import { fakeStackPair, FakeStack, liveSideOutputs } from "./fake-stack";
import { withRig } from "./harness";

export const PROFILE = "/subscriptions/sub-1/resourceGroups/logscale-westus2/providers/Microsoft.Network/trafficManagerProfiles/logscale-tm";
export const PRIMARY_ENDPOINT = `${PROFILE}/externalEndpoints/primary`;
export const ALERT_NAME = "logscale-primary-endpoint-down";
export const ALERT = `/subscriptions/sub-1/resourceGroups/logscale-eastus2/providers/Microsoft.Insights/metricAlerts/${ALERT_NAME}`;
export const HOSTS: Record<Side, string> = { primary: "logscale-westus2.example.com", secondary: "logscale-eastus2.example.com" };
export const ACCOUNTS: Record<Side, string> = { primary: "logscalewestus2data1a2b", secondary: "logscaleeastus2data3c4d" };
export const CONTAINER = "logscale";

export interface AzureRig {
    f: FailbackFakes;
    blob: FakeBlob;
    arm: FakeAzure;
    stacks: Record<Side, FakeStack>;
    world(): Promise<AzureWorld>;
    stop(): Promise<void>;
}

export async function startAzureRig(): Promise<AzureRig> {
    const f = await FailbackFakes.start("azure");
    f.serveLiveKube();
    const container = (side: Side): FakeContainer => f.simStore(side);
    const blob = await FakeBlob.start((account, name) => (name === CONTAINER ? SIDES.filter(s => ACCOUNTS[s] === account).map(container)[0] : undefined), () => f.tick());
    const arm = await FakeAzure.start();
    // What the failover left: the primary's endpoint switched off, the alert still on.
    arm.putEndpoint(PRIMARY_ENDPOINT, { endpointStatus: "Disabled", endpointMonitorStatus: "Disabled" });
    arm.putMetricAlert(ALERT, { enabled: true });
    const outputs = (side: Side): Record<string, unknown> => ({
        cloud: "azure", region: side === "primary" ? "westus2" : "eastus2",
        storageBucket: CONTAINER, storageAccountName: ACCOUNTS[side], storageEndpointBase: `https://${ACCOUNTS[side]}.blob.core.windows.net`,
        ...liveSideOutputs(f.kube[side].url, side, HOSTS[side]),
        trafficManagerProfileId: PROFILE, trafficManagerPrimaryEndpointName: "primary", trafficManagerSecondaryEndpointName: "secondary",
        // A promoted secondary exports no failover alert (promotion removed it).
        ...(side === "secondary" && f.alarmExists() ? { failoverAlertName: ALERT_NAME, failoverAlertResourceGroup: "logscale-eastus2" } : {}),
    });
    const stacks = fakeStackPair({ primary: f.sim.primary.config, secondary: f.sim.secondary.config }, outputs);
    return {
        f, blob, arm, stacks,
        world: () => AzureWorld.create(stacks, {
            armEndpoint: arm.url, blobEndpoint: blob.url,
            armToken: async () => `token-for-${arm.armResource}`, storageToken: async () => BLOB_TOKEN,
            logscaleUrl: f.logscaleUrls(),
            now: () => f.clock.now(),
        }),
        async stop() { await Promise.all([f.stop(), blob.stop(), arm.stop()]); },
    };
}

export function withAzureRig<T>(fn: (r: AzureRig) => Promise<T>): Promise<T> {
    return withRig(startAzureRig, fn);
}
