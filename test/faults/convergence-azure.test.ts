// The convergence matrix on Azure: the Function's adapter against the fake
// managed identity + ARM Traffic Manager and the fake AKS API, each behind a
// fault proxy. The failover record lives in an annotation on the operator
// Deployment, so "the record store down" is that annotation unreadable
// (garbled) and every write of it refused.
import * as net from "net";
import type { AddressInfo } from "net";
import { trafficManagerApi } from "../../functions/azure/arm";
import { managedIdentityTokens } from "../../functions/azure/identity";
import { azurePlatform, LAST_FAILOVER_ANNOTATION } from "../../functions/azure/platform";
import { AKS_AAD_SERVER_APP_ID } from "../../functions/azure/settings";
import { tcpReachable } from "../../functions/azure/tcp";
import { runFailover } from "../../functions/core/failover";
import { KubeClient } from "../../functions/k8s/client";
import { FakeAzure } from "../azure/fake-azure";
import { memoryLogger, settings } from "../functions/fakes";
import { FakeKubernetes } from "../support/fake-k8s";
import { convergenceSuite, garbleRecordAnnotation, PairUnderTest, recordingClock } from "./convergence";
import { CLIENT_TIMEOUT_MS, FaultProxy } from "./fault-proxy";

const NS = "logging";
const OPERATOR = "humio-operator";
const ENDPOINT_ID = "/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/logscale-westus2/providers/Microsoft.Network/trafficManagerProfiles/logscale-global/externalEndpoints/primary";
const CLIENT_ID = "0a1b2c3d-1111-4222-8333-444455556666";

interface AzurePair extends PairUnderTest {
    stop(): Promise<void>;
}

async function startAzurePair(): Promise<AzurePair> {
    const azure = await FakeAzure.start();
    const kube = await FakeKubernetes.start({ authorize: h => h === `Bearer token-for-${AKS_AAD_SERVER_APP_ID}` });
    const armProxy = await FaultProxy.start(azure.url);
    const kubeProxy = await FaultProxy.start(kube.url);
    const ingress = net.createServer(s => s.destroy());
    await new Promise<void>(resolve => ingress.listen(0, "127.0.0.1", resolve));
    const ingressPort = (ingress.address() as AddressInfo).port;
    azure.putEndpoint(ENDPOINT_ID, { endpointMonitorStatus: "Degraded" });
    kube.putDeployment(NS, OPERATOR, { replicas: 0 });
    kube.putSecret(NS, "logscale", { creationTimestamp: "2024-06-01T00:00:00Z" });
    const world = { lockBroken: false, storeBroken: false };
    armProxy.rule({ match: r => world.lockBroken && r.method === "PATCH" && r.path.includes("/externalEndpoints/"), fault: "permanent" });
    kubeProxy.rule({ match: r => world.storeBroken && r.method === "PATCH" && r.body.includes(LAST_FAILOVER_ANNOTATION), fault: "permanent" });
    const slept: number[] = [];
    const clients: KubeClient[] = [];

    return {
        kube,
        namespace: NS,
        operator: OPERATOR,
        async run(options = {}) {
            const clock = recordingClock(slept);
            const { log } = memoryLogger();
            const tokens = managedIdentityTokens({ endpoint: `${armProxy.url}/msi/token`, header: azure.identityHeader, clientId: CLIENT_ID },
                { now: clock.now, timeoutMs: CLIENT_TIMEOUT_MS });
            const k8s = new KubeClient({ connection: { server: kubeProxy.url, token: () => tokens(AKS_AAD_SERVER_APP_ID) }, timeoutMs: CLIENT_TIMEOUT_MS });
            clients.push(k8s);
            const platform = azurePlatform({
                tm: trafficManagerApi({ armEndpoint: armProxy.url, token: () => tokens(azure.armResource), timeoutMs: CLIENT_TIMEOUT_MS }),
                k8s,
                namespace: NS,
                operatorDeployment: OPERATOR,
                primaryEndpointId: ENDPOINT_ID,
                secondaryReachable: () => tcpReachable("127.0.0.1", ingressPort, CLIENT_TIMEOUT_MS),
                now: clock.now,
                log,
                holdoffGapSeconds: 25,
                preFailoverFailureSeconds: 0,
            });
            // The holdoff starts at the first failing reading (the degraded-since annotation), so 0 is "met".
            return runFailover(platform, k8s, settings({ preFailoverFailureSeconds: options.holdoffSeconds ?? 0, waitBudgetSeconds: 0 }),
                clock, log, { random: () => 0.5 });
        },
        dnsLocked: () => azure.endpoint(ENDPOINT_ID)!.endpointStatus === "Disabled",
        unlockByHand: () => { azure.putEndpoint(ENDPOINT_ID, { endpointStatus: "Enabled", endpointMonitorStatus: "Degraded" }); },
        setPrimaryHealthy: healthy => {
            const ep = azure.endpoint(ENDPOINT_ID)!;
            azure.putEndpoint(ENDPOINT_ID, { endpointStatus: ep.endpointStatus, endpointMonitorStatus: healthy ? "Online" : "Degraded" });
        },
        breakRecordStore: () => {
            world.storeBroken = true;
            garbleRecordAnnotation(kube, NS, OPERATOR, LAST_FAILOVER_ANNOTATION);
        },
        breakLock: broken => { world.lockBroken = broken; },
        sleeps: () => slept,
        async stop() {
            clients.forEach(c => c.close());
            await Promise.all([armProxy.stop(), kubeProxy.stop(), azure.stop(), kube.stop(), new Promise<void>(r => ingress.close(() => r()))]);
        },
    };
}

convergenceSuite("Azure (Function adapter, fake ARM and AKS behind fault proxies)", startAzurePair, pair => (pair as AzurePair).stop());
