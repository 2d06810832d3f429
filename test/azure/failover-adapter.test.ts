import { strict as assert } from "assert";
import * as net from "net";
import type { AddressInfo } from "net";
import type { FailoverResult } from "../../functions/core/types";
import { trafficManagerApi } from "../../functions/azure/arm";
import { expiresAtMs } from "../../functions/azure/identity";
import { KubeClient } from "../../functions/k8s/client";
import { functionsEntry, runAzureFailover, AzureRunResult } from "../../functions/azure/handler";
import { azurePlatform, classifyEndpoint, DEGRADED_SINCE_ANNOTATION, LAST_FAILOVER_ANNOTATION } from "../../functions/azure/platform";
import { AKS_AAD_SERVER_APP_ID, APP_SETTING, appSettingsFor, AzureFunctionConfig, FUNCTION_NAMES, parseAppSettings } from "../../functions/azure/settings";
import { FakeKubernetes } from "../support/fake-k8s";
import { FakeAzure } from "./fake-azure";

const NS = "logging";
const OPERATOR = "humio-operator";
const CLUSTER = "logscale";
const CLIENT_ID = "0a1b2c3d-1111-4222-8333-444455556666";
const ENDPOINT_ID = "/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/logscale-westus2/providers/Microsoft.Network/trafficManagerProfiles/logscale-global/externalEndpoints/primary";
const T0 = Date.parse("2025-03-01T12:00:00Z");

/** Sleeps advance time instantly: holdoffs of minutes run in milliseconds. */
function fakeClock(startMs = T0) {
    let now = startMs;
    return {
        now: () => now,
        sleep: async (ms: number) => { now += ms; },
        advance: (seconds: number) => { now += seconds * 1000; },
    };
}

/** A TCP listener standing in for the standby's ingress (the secondary gate), or a closed port. */
async function tcpTarget(up: boolean): Promise<{ port: number; close: () => Promise<void> }> {
    const server = net.createServer(s => s.destroy());
    await new Promise<void>(resolve => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    const close = () => new Promise<void>(resolve => server.close(() => resolve()));
    if (!up) {
        await close();
        return { port, close: async () => undefined };
    }
    return { port, close };
}

interface World {
    azure: FakeAzure;
    kube: FakeKubernetes;
    env: Record<string, string>;
    clock: ReturnType<typeof fakeClock>;
    lines: Record<string, unknown>[];
    run: (trigger: "http" | "timer", payload?: unknown) => Promise<AzureRunResult>;
    stop: () => Promise<void>;
}

async function world(opts: { holdoff?: number; cooldown?: number; gate?: boolean; secondaryUp?: boolean; monitor?: string; replicas?: number; annotations?: Record<string, string> } = {}): Promise<World> {
    const azure = await FakeAzure.start();
    const kube = await FakeKubernetes.start({ tls: true, authorize: h => h === `Bearer token-for-${AKS_AAD_SERVER_APP_ID}` });
    const secondary = await tcpTarget(opts.secondaryUp ?? true);
    azure.putEndpoint(ENDPOINT_ID, { endpointMonitorStatus: opts.monitor ?? "Degraded" });
    kube.putDeployment(NS, OPERATOR, { replicas: opts.replicas ?? 0, annotations: opts.annotations });
    kube.putSecret(NS, CLUSTER, { creationTimestamp: "2024-06-01T00:00:00Z" });
    const config: AzureFunctionConfig = {
        failover: {
            namespace: NS,
            operatorDeployment: OPERATOR,
            humioClusterName: CLUSTER,
            preFailoverFailureSeconds: opts.holdoff ?? 0,
            cooldownSeconds: opts.cooldown ?? 300,
            requireHealthySecondary: opts.gate ?? true,
            recheckIntervalSeconds: 30,
        },
        primaryEndpointId: ENDPOINT_ID,
        secondaryAddress: "127.0.0.1",
        secondaryPort: secondary.port,
        aksServer: kube.url,
        aksCaPem: kube.caPem,
        identityClientId: CLIENT_ID,
        armEndpoint: azure.url,
    };
    const env = { IDENTITY_ENDPOINT: `${azure.url}/msi/token`, IDENTITY_HEADER: azure.identityHeader, ...appSettingsFor(config) };
    const clock = fakeClock();
    const lines: Record<string, unknown>[] = [];
    return {
        azure, kube, env, clock, lines,
        run: (trigger, payload) => runAzureFailover(trigger, { env, clock, write: l => lines.push(JSON.parse(l)), random: () => 0 }, payload),
        stop: async () => { await Promise.all([azure.stop(), kube.stop(), secondary.close()]); },
    };
}

const annotationsOf = (w: World) => (w.kube.deployment(NS, OPERATOR)!.metadata.annotations ?? {}) as Record<string, string>;
const replicasOf = (w: World) => w.kube.deployment(NS, OPERATOR)!.spec.replicas;
const failover = (r: AzureRunResult) => r as FailoverResult;

describe("azure failover adapter (fake ARM and fake Kubernetes over real HTTP)", function () {
    let w: World | undefined;
    afterEach(async () => {
        await w?.stop();
        w = undefined;
    });

    it("fails over: deletes the stale TLS secret, scales humio-operator 0 -> 1, disables the primary endpoint, records the cooldown", async () => {
        w = await world({ holdoff: 0 });
        const result = failover(await w.run("http", { schemaId: "azureMonitorCommonAlertSchema", data: { essentials: { alertRule: "logscale-primary-endpoint-down", monitorCondition: "Fired" } } }));
        assert.equal(result.decision, "failed-over", result.reason);
        assert.equal(result.tlsSecret, "deleted");
        assert.equal(result.dnsLocked, true);
        assert.equal(replicasOf(w), 1);
        assert.equal(w.kube.secret(NS, CLUSTER), undefined);
        assert.equal(w.azure.endpoint(ENDPOINT_ID)!.endpointStatus, "Disabled");
        const patch = w.azure.requests.find(r => r.method === "PATCH")!;
        assert.deepEqual(patch.body, { properties: { endpointStatus: "Disabled" } });
        assert.equal(patch.query["api-version"], "2022-04-01");
        assert.equal(annotationsOf(w)[LAST_FAILOVER_ANNOTATION], `${Math.floor(w.clock.now() / 1000)};lock=applied`);
        assert.equal(DEGRADED_SINCE_ANNOTATION in annotationsOf(w), false, "the holdoff is over once failed over");
        // One token per audience, from the user-assigned identity, reused for every call.
        const tokens = w.azure.requests.filter(r => r.path === "/msi/token");
        assert.deepEqual(tokens.map(t => t.query.resource).sort(), [AKS_AAD_SERVER_APP_ID, w.azure.armResource].sort());
        assert.ok(tokens.every(t => t.query.client_id === CLIENT_ID && t.headers["x-identity-header"] === w!.azure.identityHeader));
        assert.ok(w.kube.requests.every(r => r.authorization === `Bearer token-for-${AKS_AAD_SERVER_APP_ID}`));
        assert.ok(w.lines.some(l => l.event === "alert.received" && l.monitorCondition === "Fired"));
    });

    it("holdoff: the alert run waits within its budget and hands over; the minute timer fails over once the holdoff is met", async () => {
        w = await world({ holdoff: 180 });
        const first = failover(await w.run("http"));
        assert.equal(first.decision, "holdoff-pending", first.reason);
        assert.equal(first.recheckScheduled, true);
        assert.equal(replicasOf(w), 0);
        assert.equal(w.azure.count("PATCH", "/externalEndpoints/"), 0);
        assert.equal(annotationsOf(w)[DEGRADED_SINCE_ANNOTATION], String(T0 / 1000), "tracked from the first failing reading");
        assert.ok(w.clock.now() - T0 <= 150_000, "the alert run stays inside the HTTP front end's limit");

        w.clock.advance(40);
        const second = failover(await w.run("timer"));
        assert.equal(second.decision, "failed-over", second.reason);
        assert.ok(second.primary!.failingForSeconds >= 180);
        assert.equal(replicasOf(w), 1);
        assert.equal(w.azure.endpoint(ENDPOINT_ID)!.endpointStatus, "Disabled");
    });

    it("the timer does nothing (one read, no Azure call) while no holdoff is pending", async () => {
        w = await world({ holdoff: 180 });
        const result = await w.run("timer");
        assert.equal(result.decision, "idle");
        assert.equal(w.kube.requests.length, 1);
        assert.equal(w.azure.requests.filter(r => r.path !== "/msi/token").length, 0);
        assert.equal(replicasOf(w), 0);
    });

    it("a recovered primary ends the holdoff: no failover, degraded-since removed", async () => {
        w = await world({ holdoff: 180, monitor: "Online", annotations: { [DEGRADED_SINCE_ANNOTATION]: String(T0 / 1000 - 120) } });
        const result = failover(await w.run("http", { data: { essentials: { monitorCondition: "Resolved" } } }));
        assert.equal(result.decision, "primary-healthy");
        assert.equal(DEGRADED_SINCE_ANNOTATION in annotationsOf(w), false);
        assert.equal(replicasOf(w), 0);
        assert.ok(w.kube.secret(NS, CLUSTER), "the TLS secret is only deleted on a failover");
    });

    it("a Disabled primary endpoint (an earlier lock, or an operator) is never a reason to fail over", async () => {
        w = await world({ monitor: "Disabled" });
        w.azure.putEndpoint(ENDPOINT_ID, { endpointStatus: "Disabled", endpointMonitorStatus: "Disabled" });
        const result = failover(await w.run("http"));
        assert.equal(result.decision, "primary-healthy");
        assert.match(result.primary!.detail!, /switched off/);
        assert.equal(replicasOf(w), 0);
    });

    it("an unknown monitor status is not acted on, and pending holdoff tracking is kept", async () => {
        const since = String(T0 / 1000 - 600);
        w = await world({ monitor: "Unmonitored", annotations: { [DEGRADED_SINCE_ANNOTATION]: since } });
        const result = failover(await w.run("timer"));
        assert.equal(result.decision, "primary-healthy");
        assert.equal(annotationsOf(w)[DEGRADED_SINCE_ANNOTATION], since);
        assert.equal(replicasOf(w), 0);
    });

    it("a failed lock does not undo the failover: scaled, reported, not retried on 403", async () => {
        w = await world();
        w.azure.fault({ method: "PATCH", status: 403 });
        const result = failover(await w.run("http"));
        assert.equal(result.decision, "failed-over");
        assert.equal(result.dnsLocked, false);
        assert.match(result.dnsLockError!, /HTTP 403 InjectedFault/);
        assert.equal(replicasOf(w), 1);
        assert.equal(w.azure.count("PATCH", "/externalEndpoints/"), 1);
        assert.equal(w.azure.endpoint(ENDPOINT_ID)!.endpointStatus, "Enabled");
        assert.ok(w.lines.some(l => l.event === "failover.dns-lock-failed"));
    });

    it("ARM throttling and 5xx are retried with backoff", async () => {
        w = await world();
        w.azure.fault({ method: "GET", path: "/externalEndpoints/", status: 429 });
        w.azure.fault({ method: "GET", path: "/externalEndpoints/", status: 503 });
        w.azure.fault({ method: "PATCH", status: 500 });
        const result = failover(await w.run("http"));
        assert.equal(result.decision, "failed-over");
        assert.equal(result.dnsLocked, true);
        assert.equal(w.azure.count("GET", "/externalEndpoints/"), 3);
        assert.equal(w.azure.count("PATCH", "/externalEndpoints/"), 2);
    });

    it("the secondary gate refuses to fail over onto a standby whose ingress does not answer", async () => {
        w = await world({ secondaryUp: false });
        const result = failover(await w.run("http"));
        assert.equal(result.decision, "secondary-unhealthy");
        assert.equal(result.secondaryHealthy, false);
        assert.equal(replicasOf(w), 0);
        assert.ok(DEGRADED_SINCE_ANNOTATION in annotationsOf(w), "the holdoff stays pending, so the timer tries again");
        assert.equal(w.azure.count("PATCH", "/externalEndpoints/"), 0);
    });

    it("cooldown: no second failover within failoverCooldownSeconds of the recorded one", async () => {
        w = await world({ cooldown: 300, annotations: { [LAST_FAILOVER_ANNOTATION]: String(T0 / 1000 - 100) } });
        const result = failover(await w.run("http"));
        assert.equal(result.decision, "cooldown");
        assert.equal(replicasOf(w), 0);
    });

    it("an operator already running with a locked failover recorded: nothing is deleted or locked again", async () => {
        w = await world({ replicas: 1, annotations: { [LAST_FAILOVER_ANNOTATION]: `${T0 / 1000 - 7200};lock=applied` } });
        const result = failover(await w.run("http"));
        assert.equal(result.decision, "already-failed-over");
        assert.ok(w.kube.secret(NS, CLUSTER));
        assert.equal(w.azure.count("PATCH", "/externalEndpoints/"), 0);
    });

    it("an operator scaled to 1 by hand with no record, primary failing: the run locks and records it (never deletes the secret)", async () => {
        w = await world({ replicas: 1 });
        const result = failover(await w.run("http"));
        assert.equal(result.decision, "failed-over");
        assert.equal(result.operatorScaled, false);
        assert.equal(result.dnsLocked, true);
        assert.ok(w.kube.secret(NS, CLUSTER), "the secret belongs to the running operator now");
        assert.equal(w.azure.count("PATCH", "/externalEndpoints/"), 1);
        assert.match(annotationsOf(w)[LAST_FAILOVER_ANNOTATION] ?? "", /;lock=applied$/);
    });

    it("no identity token: the run ends in error before touching anything", async () => {
        w = await world();
        w.azure.fault({ path: "/msi/token", status: 400, times: 10 });
        const result = failover(await w.run("http"));
        assert.equal(result.decision, "error");
        assert.match(result.error ?? "", /identity\.token.*HTTP 400/);
        assert.equal(replicasOf(w), 0);
        assert.ok(w.kube.secret(NS, CLUSTER));
    });

    it("broken app settings: error naming each bad setting", async () => {
        w = await world();
        const env = { ...w.env, [APP_SETTING.aksServer]: "", [APP_SETTING.primaryEndpointId]: "/subscriptions/x/endpoint" };
        const result = await runAzureFailover("http", { env, clock: w.clock, write: () => undefined });
        assert.equal(result.decision, "error");
        assert.match((result as FailoverResult).error!, /LOGSCALE_DR_AKS_SERVER is not set/);
        assert.match((result as FailoverResult).error!, /LOGSCALE_DR_PRIMARY_ENDPOINT_ID must be the ARM id of a Traffic Manager external endpoint/);
        assert.equal(replicasOf(w), 0);
    });
});

describe("azure primaryHealth: one round trip (fake ARM and fake Kubernetes over real HTTP)", function () {
    let azure: FakeAzure;
    let kube: FakeKubernetes;
    let client: KubeClient;

    beforeEach(async () => {
        azure = await FakeAzure.start();
        kube = await FakeKubernetes.start();
        client = new KubeClient({ connection: { server: kube.url, token: async () => "t" }, timeoutMs: 2000 });
    });
    afterEach(async () => {
        client.close();
        await Promise.all([azure.stop(), kube.stop()]);
    });

    const platformAt = (nowMs: number) => azurePlatform({
        tm: trafficManagerApi({ armEndpoint: azure.url, token: async () => `token-for-${azure.armResource}`, timeoutMs: 2000 }),
        k8s: client,
        namespace: NS,
        operatorDeployment: OPERATOR,
        primaryEndpointId: ENDPOINT_ID,
        now: () => nowMs,
        log: () => undefined,
    });

    it("reads the endpoint and the degraded-since annotation together, not one after the other", async () => {
        azure.putEndpoint(ENDPOINT_ID, { endpointMonitorStatus: "Degraded" });
        kube.putDeployment(NS, OPERATOR, { replicas: 0, annotations: { [DEGRADED_SINCE_ANNOTATION]: String(T0 / 1000 - 600) } });
        // ARM answers only once the annotation read has reached the API server:
        // a sequential read would wait for ARM first, time out and throw.
        let annotationRequested!: () => void;
        const requested = new Promise<void>(resolve => { annotationRequested = resolve; });
        kube.fault({ method: "GET", path: `/deployments/${OPERATOR}`, before: () => annotationRequested() });
        azure.fault({ method: "GET", path: "/externalEndpoints/", until: requested });
        const health = await platformAt(T0).primaryHealth();
        assert.deepEqual({ healthy: health.healthy, failingForSeconds: health.failingForSeconds }, { healthy: false, failingForSeconds: 600 });
        assert.equal(azure.count("GET", "/externalEndpoints/"), 1);
        assert.equal(kube.count("GET", `/deployments/${OPERATOR}`), 1);
        assert.equal(kube.count("PATCH", `/deployments/${OPERATOR}`), 0, "a holdoff already tracked is not written again");
    });

    it("first failing reading: writes degraded-since after both reads", async () => {
        azure.putEndpoint(ENDPOINT_ID, { endpointMonitorStatus: "CheckingEndpoint" });
        kube.putDeployment(NS, OPERATOR, { replicas: 0 });
        const health = await platformAt(T0).primaryHealth();
        assert.equal(health.healthy, false);
        assert.equal(health.failingForSeconds, 0);
        assert.equal((kube.deployment(NS, OPERATOR)!.metadata.annotations as Record<string, string>)[DEGRADED_SINCE_ANNOTATION], String(T0 / 1000));
    });

    it("the annotation only matters when the endpoint fails: its read failing does not turn a healthy reading into an error", async () => {
        azure.putEndpoint(ENDPOINT_ID, { endpointMonitorStatus: "Online" });
        kube.putDeployment(NS, OPERATOR, { replicas: 0 });
        kube.fault({ method: "GET", path: `/deployments/${OPERATOR}`, status: 403 });
        const health = await platformAt(T0).primaryHealth();
        assert.equal(health.healthy, true);
        assert.equal(kube.count("GET", `/deployments/${OPERATOR}`), 1, "the read was made, together with the endpoint's");
    });

    it("a failing endpoint with an unreadable annotation is an error (never a holdoff of 0), after both reads settle", async () => {
        azure.putEndpoint(ENDPOINT_ID, { endpointMonitorStatus: "Degraded" });
        kube.putDeployment(NS, OPERATOR, { replicas: 0, annotations: { [DEGRADED_SINCE_ANNOTATION]: String(T0 / 1000 - 600) } });
        kube.fault({ method: "GET", path: `/deployments/${OPERATOR}`, status: 403 });
        await assert.rejects(platformAt(T0).primaryHealth(), /403/);
        assert.equal(kube.count("PATCH", `/deployments/${OPERATOR}`), 0, "no degraded-since written on a guess");
    });

    it("an endpoint read failing is the error reported, even when the annotation read succeeds", async () => {
        kube.putDeployment(NS, OPERATOR, { replicas: 0 });
        azure.putEndpoint(ENDPOINT_ID, { endpointMonitorStatus: "Degraded" });
        azure.fault({ method: "GET", path: "/externalEndpoints/", status: 403 });
        await assert.rejects(platformAt(T0).primaryHealth(), /arm\.getEndpoint.*403|403.*arm\.getEndpoint/);
        assert.equal(kube.count("GET", `/deployments/${OPERATOR}`), 1);
    });
});

describe("azure failover adapter: pure parts", () => {
    it("classifies Traffic Manager readings", () => {
        const c = (endpointStatus: string, endpointMonitorStatus: string) => classifyEndpoint({ endpointStatus, endpointMonitorStatus });
        assert.equal(c("Enabled", "Online"), "online");
        assert.equal(c("Enabled", "Degraded"), "failing");
        assert.equal(c("Enabled", "CheckingEndpoint"), "failing");
        assert.equal(c("Enabled", "Stopped"), "failing");
        assert.equal(c("Disabled", "Degraded"), "disabled");
        assert.equal(c("Enabled", "Inactive"), "disabled");
        assert.equal(c("Enabled", "Unmonitored"), "unknown");
    });

    it("app settings round-trip, and the secondary address is required only with the gate on", () => {
        const config: AzureFunctionConfig = {
            failover: { namespace: NS, operatorDeployment: OPERATOR, humioClusterName: CLUSTER, preFailoverFailureSeconds: 180, cooldownSeconds: 300, requireHealthySecondary: true, recheckIntervalSeconds: 10 },
            primaryEndpointId: ENDPOINT_ID,
            secondaryAddress: "20.1.2.3",
            secondaryPort: 443,
            aksServer: "https://aks.hcp.eastus2.azmk8s.io:443",
            aksCaPem: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
            identityClientId: CLIENT_ID,
            armEndpoint: "https://management.azure.com",
        };
        assert.deepEqual(parseAppSettings(appSettingsFor(config)), config);
        const noAddress = { ...appSettingsFor(config) };
        delete noAddress[APP_SETTING.secondaryAddress];
        assert.throws(() => parseAppSettings(noAddress), /LOGSCALE_DR_SECONDARY_ADDRESS is not set/);
        noAddress[APP_SETTING.requireHealthySecondary] = "false";
        assert.equal(parseAppSettings(noAddress).secondaryAddress, undefined);
        assert.throws(() => parseAppSettings({ ...appSettingsFor(config), [APP_SETTING.preFailoverFailureSeconds]: "-5" }), /LOGSCALE_DR_HOLDOFF_SECONDS must be a whole number/);
    });

    it("token lifetime: expires_on (epoch seconds) or expires_in", () => {
        assert.equal(expiresAtMs({ expires_on: "1700000000" }, 0), 1_700_000_000_000);
        assert.equal(expiresAtMs({ expires_in: 3600 }, 1000), 3_601_000);
        assert.equal(expiresAtMs({}, 5), 5);
    });
});

describe("azure functions entry: the answer the action group sees", () => {
    it("an invocation that ended in error answers 503, a status the action group retries (it does not retry 500)", async () => {
        // The test process has none of the app settings, so the run ends in "error" before any remote call.
        const lines: string[] = [];
        const answer = await functionsEntry(
            { executionContext: { functionName: FUNCTION_NAMES.http }, log: (line: unknown) => { lines.push(String(line)); } },
            { body: {} },
        ) as { status: number; body: string };
        assert.equal((JSON.parse(answer.body) as { decision: string }).decision, "error");
        assert.equal(answer.status, 503);
        assert.ok(lines.some(l => l.includes("failover.result")));
    });
});
