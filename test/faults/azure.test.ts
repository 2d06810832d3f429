// Fault matrix, Azure: every HTTP call of the Function's adapter (managed
// identity tokens, ARM Traffic Manager endpoint, the AKS API) through a fault
// proxy in front of the Azure and Kubernetes test fakes, failed four ways,
// one call at a time; and N concurrent invocations.
import * as assert from "assert";
import * as net from "net";
import type { AddressInfo } from "net";
import { trafficManagerApi } from "../../functions/azure/arm";
import { managedIdentityTokens } from "../../functions/azure/identity";
import { azurePlatform, LAST_FAILOVER_ANNOTATION } from "../../functions/azure/platform";
import { AKS_AAD_SERVER_APP_ID } from "../../functions/azure/settings";
import { tcpReachable } from "../../functions/azure/tcp";
import { runFailover } from "../../functions/core/failover";
import { FailoverResult } from "../../functions/core/types";
import { KubeClient } from "../../functions/k8s/client";
import { FakeAzure } from "../azure/fake-azure";
import { memoryLogger, settings } from "../functions/fakes";
import { FakeKubernetes } from "../support/fake-k8s";
import { CLIENT_TIMEOUT_MS, FAULT_KINDS, FaultProxy, ProxiedRequest } from "./fault-proxy";
import { assertOutcome, CallRole, EXPECTED, instantClock } from "./matrix";

const NS = "logging";
const OPERATOR = "humio-operator";
const TLS = "logscale";
const ENDPOINT_ID = "/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/logscale-westus2/providers/Microsoft.Network/trafficManagerProfiles/logscale-global/externalEndpoints/primary";
const CLIENT_ID = "0a1b2c3d-1111-4222-8333-444455556666";

const isMergePatch = (r: ProxiedRequest) => r.method === "PATCH" && r.contentType.startsWith("application/merge-patch+json");

/** Every HTTP call and what it is for; `arm` calls go to the Azure fake's proxy, the others to the Kubernetes proxy. */
const CALLS: { call: string; role: CallRole; to: "arm" | "k8s"; match: (r: ProxiedRequest) => boolean }[] = [
    { call: "identity.token (ARM)", role: "read", to: "arm", match: r => r.path === "/msi/token" && !r.url.includes(AKS_AAD_SERVER_APP_ID) },
    { call: "identity.token (AKS)", role: "read", to: "arm", match: r => r.path === "/msi/token" && r.url.includes(AKS_AAD_SERVER_APP_ID) },
    { call: "arm.getEndpoint", role: "read", to: "arm", match: r => r.method === "GET" && r.path.includes("/externalEndpoints/") },
    { call: "k8s GET deployment (annotations, replicas)", role: "read", to: "k8s", match: r => r.method === "GET" && r.path.endsWith(`/deployments/${OPERATOR}`) },
    { call: "k8s PATCH deployment (degraded-since)", role: "read", to: "k8s", match: r => isMergePatch(r) && r.body.includes("degraded-since") && !r.body.includes("last-failover") },
    { call: "k8s GET secret (metadata)", role: "read", to: "k8s", match: r => r.method === "GET" && r.path.endsWith(`/secrets/${TLS}`) },
    { call: "k8s DELETE secret", role: "deleteSecret", to: "k8s", match: r => r.method === "DELETE" },
    { call: "k8s PATCH deployment (scale)", role: "scale", to: "k8s", match: r => r.method === "PATCH" && r.contentType.startsWith("application/json-patch+json") },
    { call: "arm.disableEndpoint", role: "lock", to: "arm", match: r => r.method === "PATCH" && r.path.includes("/externalEndpoints/") },
    { call: "k8s PATCH deployment (last-failover)", role: "record", to: "k8s", match: r => isMergePatch(r) && r.body.includes("last-failover") },
];

describe("fault matrix: Azure adapter (fault proxy in front of the fake ARM/identity and Kubernetes APIs)", function () {
    let azure: FakeAzure;
    let kube: FakeKubernetes;
    let armProxy: FaultProxy;
    let kubeProxy: FaultProxy;
    let ingress: net.Server;
    let ingressPort: number;
    let clients: KubeClient[];

    beforeEach(async () => {
        azure = await FakeAzure.start();
        kube = await FakeKubernetes.start({ authorize: h => h === `Bearer token-for-${AKS_AAD_SERVER_APP_ID}` });
        armProxy = await FaultProxy.start(azure.url);
        kubeProxy = await FaultProxy.start(kube.url);
        // The standby's ingress (the secondary gate's TCP probe).
        ingress = net.createServer(s => s.destroy());
        await new Promise<void>(resolve => ingress.listen(0, "127.0.0.1", resolve));
        ingressPort = (ingress.address() as AddressInfo).port;
        clients = [];
        azure.putEndpoint(ENDPOINT_ID, { endpointMonitorStatus: "Degraded" });
        kube.putDeployment(NS, OPERATOR, { replicas: 0 });
        kube.putSecret(NS, TLS, { creationTimestamp: "2024-06-01T00:00:00Z" });
    });

    afterEach(async () => {
        clients.forEach(c => c.close());
        await Promise.all([armProxy.stop(), kubeProxy.stop(), azure.stop(), kube.stop(), new Promise<void>(r => ingress.close(() => r()))]);
    });

    /** One invocation as functions/azure/handler.ts composes it, every endpoint behind a proxy, with short deadlines. */
    async function invoke(): Promise<FailoverResult> {
        const clock = instantClock();
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
        return runFailover(platform, k8s, settings({ preFailoverFailureSeconds: 0, waitBudgetSeconds: 0 }), clock, log, { random: () => 0.5 });
    }

    const world = () => ({
        replicas: kube.deployment(NS, OPERATOR)!.spec.replicas ?? 0,
        tlsSecretPresent: kube.secret(NS, TLS) !== undefined,
        dnsLocked: azure.endpoint(ENDPOINT_ID)!.endpointStatus === "Disabled",
        cooldownRecorded: (kube.deployment(NS, OPERATOR)!.metadata.annotations ?? {})[LAST_FAILOVER_ANNOTATION] !== undefined,
    });

    for (const spec of CALLS) {
        for (const kind of FAULT_KINDS) {
            const expected = EXPECTED[spec.role][kind];
            it(`${spec.call} / ${kind}: ${expected}`, async () => {
                const proxy = spec.to === "arm" ? armProxy : kubeProxy;
                proxy.rule({ match: spec.match, fault: kind });
                const result = await invoke();
                assert.ok(proxy.faulted() >= 1, `the ${kind} fault on ${spec.call} was never hit`);
                assertOutcome(expected, result, world(), `${spec.call} / ${kind}`);
                if (kind !== "permanent") {
                    assert.strictEqual(kube.requests.filter(r => r.method === "PATCH" && r.contentType?.startsWith("application/json-patch") && r.status === 200).length, 1, "exactly one scale-up");
                }
            });
        }
    }

    it("N concurrent invocations: one scale-up, DNS locked", async () => {
        const results = await Promise.all(Array.from({ length: 6 }, () => invoke()));
        // One effective scale; a loser that reads the operator up before any record completes the (idempotent) lock.
        assert.strictEqual(results.filter(r => r.operatorScaled).length, 1);
        assert.ok(results.every(r => r.decision !== "failed-over" || r.dnsLocked));
        assert.ok(results.every(r => ["failed-over", "already-failed-over", "cooldown"].includes(r.decision)), results.map(r => r.decision).join(", "));
        assert.strictEqual(kube.requests.filter(r => r.method === "PATCH" && r.contentType?.startsWith("application/json-patch") && r.status === 200).length, 1);
        assert.ok(azure.count("PATCH", "/externalEndpoints/") >= 1);
        assert.strictEqual(kube.deployment(NS, OPERATOR)!.spec.replicas, 1);
    });
});
