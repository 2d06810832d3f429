import { strict as assert } from "assert";
import * as net from "net";
import type { AddressInfo } from "net";
import type { FailoverResult } from "../../functions/core/types";
import { trafficManagerApi } from "../../functions/azure/arm";
import { endpointStateMetricApi } from "../../functions/azure/metrics";
import { azureHoldoffCadence, trafficManagerMaxGapSeconds } from "../../functions/azure/health";
import { expiresAtMs } from "../../functions/azure/identity";
import { KubeClient } from "../../functions/k8s/client";
import {
    alertMessage, AzureRunResult, FailoverMessage, FunctionsContext, functionsEntry, parseFailoverMessage, RecheckResult, runAzureFailover, runRecheckTimer, WorkerMemory,
} from "../../functions/azure/handler";
import {
    azurePlatform, classifyEndpoint, DEGRADED_SINCE_ANNOTATION, LAST_FAILING_ANNOTATION, LAST_FAILOVER_ANNOTATION, MINUTES_FROM_ANNOTATION, MINUTES_FROM_DISABLED,
} from "../../functions/azure/platform";
import {
    AKS_AAD_SERVER_APP_ID, APP_SETTING, appSettingsFor, AzureFunctionConfig, FAILOVER_QUEUE_NAME, FUNCTION_NAMES, parseAppSettings, QUEUE_BINDING, WAIT_BUDGET_SECONDS,
} from "../../functions/azure/settings";
import { FakeKubernetes } from "../support/fake-k8s";
import { FakeAzure } from "./fake-azure";

const NS = "logging";
const OPERATOR = "humio-operator";
const CLUSTER = "logscale";
const CLIENT_ID = "0a1b2c3d-1111-4222-8333-444455556666";
const ENDPOINT_ID = "/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/logscale-westus2/providers/Microsoft.Network/trafficManagerProfiles/logscale-global/externalEndpoints/primary";
const T0 = Date.parse("2025-03-01T12:00:00Z");
const PROFILE_ID = ENDPOINT_ID.replace(/\/externalEndpoints\/[^/]+$/, "");
const METRICS_PATH = `${PROFILE_ID}/providers/Microsoft.Insights/metrics`;

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
    memory: WorkerMemory;
    /** One queue message through the worker (an alert received now when none is given). */
    run: (message?: FailoverMessage) => Promise<AzureRunResult>;
    timer: () => Promise<RecheckResult>;
    stop: () => Promise<void>;
}

async function world(opts: { holdoff?: number; cooldown?: number; gate?: boolean; secondaryUp?: boolean; monitor?: string; replicas?: number; annotations?: Record<string, string> } = {}): Promise<World> {
    const azure = await FakeAzure.start();
    const kube = await FakeKubernetes.start({ tls: true, authorize: h => h === `Bearer token-for-${AKS_AAD_SERVER_APP_ID}` });
    const secondary = await tcpTarget(opts.secondaryUp ?? true);
    azure.putEndpoint(ENDPOINT_ID, { endpointMonitorStatus: opts.monitor ?? "Degraded" });
    kube.putDeployment(NS, OPERATOR, { replicas: opts.replicas ?? 0, annotations: opts.annotations });
    kube.putSecret(NS, CLUSTER, { creationTimestamp: "2024-06-01T00:00:00Z" });
    // LogScale answers at once: the recovery follow-up after the scale ends on its first look.
    kube.serviceProxy = () => ({ status: 200, body: JSON.stringify({ status: "OK", version: "1.252.1" }) });
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
        // 30 s probes, 3 tolerated failures (functions/azure/health.ts trafficManagerMaxGapSeconds(30, 3)): the 30 s rechecks join up.
        holdoffGapSeconds: 75,
    };
    const env = { IDENTITY_ENDPOINT: `${azure.url}/msi/token`, IDENTITY_HEADER: azure.identityHeader, ...appSettingsFor(config) };
    const clock = fakeClock();
    const lines: Record<string, unknown>[] = [];
    const memory: WorkerMemory = {};
    const deps = { env, clock, write: (l: string) => { lines.push(JSON.parse(l)); }, random: () => 0 };
    return {
        azure, kube, env, clock, lines, memory,
        run: message => runAzureFailover(deps, message ?? alertMessage(undefined, clock.now()), memory),
        timer: () => runRecheckTimer(deps),
        stop: async () => { await Promise.all([azure.stop(), kube.stop(), secondary.close()]); },
    };
}

const annotationsOf = (w: World) => (w.kube.deployment(NS, OPERATOR)!.metadata.annotations ?? {}) as Record<string, string>;
const replicasOf = (w: World) => w.kube.deployment(NS, OPERATOR)!.spec.replicas;
const failover = (r: AzureRunResult) => r as FailoverResult;
const scaleUps = (w: World) => w.kube.requests.filter(r => r.method === "PATCH" && JSON.stringify(r.body).includes("/spec/replicas")).length;

describe("azure failover adapter (fake ARM and fake Kubernetes over real HTTP)", function () {
    let w: World | undefined;
    afterEach(async () => {
        await w?.stop();
        w = undefined;
    });

    it("fails over: deletes the stale TLS secret, scales humio-operator 0 -> 1, disables the primary endpoint, records the cooldown", async () => {
        w = await world({ holdoff: 0 });
        const payload = { schemaId: "azureMonitorCommonAlertSchema", data: { essentials: { alertRule: "logscale-primary-endpoint-down", monitorCondition: "Fired" } } };
        const result = failover(await w.run(alertMessage(payload, w.clock.now())));
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
        assert.ok(w.lines.some(l => l.event === "queue.message" && l.trigger === "alert" && l.monitorCondition === "Fired"));
    });

    it("holdoff: the alert's run waits within its budget and hands over; the timer's recheck fails over once the holdoff is met", async () => {
        w = await world({ holdoff: WAIT_BUDGET_SECONDS + 120 });
        const first = failover(await w.run());
        assert.equal(first.decision, "holdoff-pending", first.reason);
        assert.equal(first.recheckScheduled, true);
        assert.equal(replicasOf(w), 0);
        assert.equal(w.azure.count("PATCH", "/externalEndpoints/"), 0);
        assert.equal(annotationsOf(w)[DEGRADED_SINCE_ANNOTATION], String(T0 / 1000), "tracked from the first failing reading");
        assert.ok(w.clock.now() - T0 <= WAIT_BUDGET_SECONDS * 1000, "the run stays inside its wait budget");

        const lastFailing = Number(annotationsOf(w)[LAST_FAILING_ANNOTATION]);
        assert.ok(lastFailing <= w.clock.now() / 1000 && lastFailing >= w.clock.now() / 1000 - 30, "the run's last reading goes with the recheck");

        w.clock.advance(150);
        // The minutes between the two runs failed throughout: they vouch for the silence between them.
        w.azure.putEndpointStateMinutes(ENDPOINT_ID, Array.from({ length: 12 }, (_, k) => ({ startMs: T0 + k * 60000, maximum: 0 })));
        const recheck = await w.timer();
        assert.equal(recheck.decision, "enqueued", recheck.reason);
        assert.equal(recheck.message!.trigger, "recheck");
        const second = failover(await w.run(recheck.message));
        assert.equal(second.decision, "failed-over", second.reason);
        assert.ok(second.primary!.failingForSeconds >= WAIT_BUDGET_SECONDS + 120);
        assert.equal(replicasOf(w), 1);
        assert.equal(w.azure.endpoint(ENDPOINT_ID)!.endpointStatus, "Disabled");
    });

    it("the timer enqueues nothing (one Kubernetes read, no Azure call) while no holdoff is pending", async () => {
        w = await world({ holdoff: 180 });
        const result = await w.timer();
        assert.equal(result.decision, "idle");
        assert.equal(result.message, undefined);
        assert.equal(w.kube.requests.length, 1);
        assert.equal(w.azure.requests.filter(r => r.path !== "/msi/token").length, 0);
        assert.equal(replicasOf(w), 0);
    });

    it("the timer enqueues a recheck while degraded-since is set, and still touches nothing", async () => {
        w = await world({ holdoff: 180, annotations: { [DEGRADED_SINCE_ANNOTATION]: String(T0 / 1000 - 60) } });
        const result = await w.timer();
        assert.equal(result.decision, "enqueued");
        assert.deepEqual(result.message, { trigger: "recheck", receivedAt: new Date(T0).toISOString(), degradedSince: String(T0 / 1000 - 60) });
        assert.equal(w.kube.requests.length, 1);
        assert.equal(w.azure.requests.filter(r => r.path !== "/msi/token").length, 0);
        assert.equal(replicasOf(w), 0);
    });

    it("two messages processed one after the other: one scale-up, the second run finds the failover done", async () => {
        w = await world();
        const first = failover(await w.run(alertMessage(undefined, T0)));
        const second = failover(await w.run(alertMessage(undefined, T0)));
        assert.equal(first.decision, "failed-over", first.reason);
        // The record the first run wrote is what the second one meets first.
        assert.equal(second.decision, "cooldown", second.reason);
        assert.deepEqual([second.operatorScaled, second.stepsDone ?? []], [false, []]);
        assert.equal(scaleUps(w), 1);
        assert.equal(w.azure.count("PATCH", "/externalEndpoints/"), 1);
        assert.equal(replicasOf(w), 1);
    });

    it("rechecks enqueued while a run waited are covered by the next run, not each run again", async () => {
        w = await world({ holdoff: 10_000 });
        const first = failover(await w.run());
        assert.equal(first.decision, "holdoff-pending");
        // Enqueued by the timer during the first run's wait: the first of them
        // continues the watch, the others asked for a check it already makes.
        const during = [60, 120, 180].map(s => ({ trigger: "recheck" as const, receivedAt: new Date(T0 + s * 1000).toISOString() }));
        const second = failover(await w.run(during[0]));
        assert.equal(second.decision, "holdoff-pending");
        const requestsBefore = w.kube.requests.length;
        for (const m of during.slice(1)) {
            const r = await w.run(m);
            assert.equal(r.decision, "idle", r.reason);
            assert.match(r.reason, /covered by the run started at/);
        }
        assert.equal(w.kube.requests.length, requestsBefore, "a covered recheck contacts nothing");
        // An alert is never folded in: a Resolved one must clear the holdoff.
        const alert = await w.run(alertMessage(undefined, T0 + 60_000));
        assert.equal(alert.decision, "holdoff-pending");
    });

    it("a recovered primary ends the holdoff: no failover, degraded-since removed", async () => {
        w = await world({ holdoff: 180, monitor: "Online", annotations: { [DEGRADED_SINCE_ANNOTATION]: String(T0 / 1000 - 120) } });
        const result = failover(await w.run(alertMessage({ data: { essentials: { monitorCondition: "Resolved" } } }, T0)));
        assert.equal(result.decision, "primary-healthy");
        assert.equal(DEGRADED_SINCE_ANNOTATION in annotationsOf(w), false);
        assert.equal(replicasOf(w), 0);
        assert.ok(w.kube.secret(NS, CLUSTER), "the TLS secret is only deleted on a failover");
    });

    it("a Disabled primary endpoint (an earlier lock, or an operator) is never a reason to fail over", async () => {
        w = await world({ monitor: "Disabled" });
        w.azure.putEndpoint(ENDPOINT_ID, { endpointStatus: "Disabled", endpointMonitorStatus: "Disabled" });
        const result = failover(await w.run());
        assert.equal(result.decision, "primary-healthy");
        assert.match(result.primary!.detail!, /switched off/);
        assert.equal(replicasOf(w), 0);
    });

    it("a Disabled reading marks the minutes switched off, an Online one clears the mark, and the lock marks them too", async () => {
        w = await world({ monitor: "Disabled", holdoff: 180 });
        w.azure.putEndpoint(ENDPOINT_ID, { endpointStatus: "Disabled", endpointMonitorStatus: "Disabled" });
        assert.equal(failover(await w.run()).decision, "primary-healthy");
        assert.equal(annotationsOf(w)[MINUTES_FROM_ANNOTATION], MINUTES_FROM_DISABLED);
        // Back, and failing at once, with every minute of the spell reading 0: the holdoff starts now, not ten minutes ago.
        w.azure.putEndpoint(ENDPOINT_ID, { endpointStatus: "Enabled", endpointMonitorStatus: "Degraded" });
        const minuteMs = Math.floor(w.clock.now() / 60_000) * 60_000;
        w.azure.putEndpointStateMinutes(ENDPOINT_ID, Array.from({ length: 12 }, (_, i) => ({ startMs: minuteMs - (i + 1) * 60_000, maximum: 0 })));
        const startedMs = w.clock.now();
        const back = failover(await w.run());
        // The run may wait out a real holdoff inside its budget; it must not find it met on arrival.
        const decidedMs = back.timeline?.decidedAt;
        assert.ok(back.decision !== "failed-over" || (decidedMs !== undefined && decidedMs - startedMs >= 180_000),
            `minutes of a switched-off endpoint met the holdoff: ${back.decision} ${decidedMs === undefined ? "" : (decidedMs - startedMs) / 1000}s after the run started`);
        await w.stop();
        w = await world({ monitor: "Online", annotations: { [MINUTES_FROM_ANNOTATION]: MINUTES_FROM_DISABLED } });
        assert.equal(failover(await w.run()).decision, "primary-healthy");
        assert.equal(MINUTES_FROM_ANNOTATION in annotationsOf(w), false, "Online: every minute from here is evidence again");
        await w.stop();
        // A failover's own lock switches the endpoint off.
        w = await world({ monitor: "Degraded" });
        assert.equal(failover(await w.run()).decision, "failed-over");
        assert.equal(annotationsOf(w)[MINUTES_FROM_ANNOTATION], MINUTES_FROM_DISABLED);
    });

    it("an unknown monitor status is not acted on, and pending holdoff tracking is kept", async () => {
        const since = String(T0 / 1000 - 600);
        w = await world({ monitor: "Unmonitored", annotations: { [DEGRADED_SINCE_ANNOTATION]: since } });
        const result = failover(await w.run({ trigger: "recheck", receivedAt: new Date(T0).toISOString() }));
        assert.equal(result.decision, "primary-healthy");
        assert.equal(annotationsOf(w)[DEGRADED_SINCE_ANNOTATION], since);
        assert.equal(replicasOf(w), 0);
    });

    it("a refused lock does not undo the failover: scaled, logged at once, not retried on 403 inside the call, tried again after the recheck interval", async () => {
        w = await world();
        w.azure.fault({ method: "PATCH", status: 403, times: 1 });
        const started = w.clock.now();
        const result = failover(await w.run());
        assert.equal(result.decision, "failed-over");
        assert.equal(replicasOf(w), 1);
        assert.ok(w.lines.some(l => l.event === "failover.dns-lock-failed"), "the first refusal is logged as it happens");
        assert.equal(w.azure.count("PATCH", "/externalEndpoints/"), 2, "one refused attempt (403 is final for that call), one retry a recheck interval later");
        assert.ok(w.clock.now() - started >= 30_000);
        assert.equal(result.dnsLocked, true);
        assert.equal(result.dnsLockError, undefined);
        assert.equal(w.azure.endpoint(ENDPOINT_ID)!.endpointStatus, "Disabled");
    });

    it("ARM throttling and 5xx are retried with backoff", async () => {
        w = await world();
        w.azure.fault({ method: "GET", path: "/externalEndpoints/", status: 429 });
        w.azure.fault({ method: "GET", path: "/externalEndpoints/", status: 503 });
        w.azure.fault({ method: "PATCH", status: 500 });
        const result = failover(await w.run());
        assert.equal(result.decision, "failed-over");
        assert.equal(result.dnsLocked, true);
        assert.equal(w.azure.count("GET", "/externalEndpoints/"), 3);
        assert.equal(w.azure.count("PATCH", "/externalEndpoints/"), 2);
    });

    it("the secondary gate refuses to fail over onto a standby whose ingress does not answer", async () => {
        w = await world({ secondaryUp: false });
        const result = failover(await w.run());
        assert.equal(result.decision, "secondary-unhealthy");
        assert.equal(result.secondaryHealthy, false);
        assert.equal(replicasOf(w), 0);
        assert.ok(DEGRADED_SINCE_ANNOTATION in annotationsOf(w), "the holdoff stays pending, so the timer tries again");
        assert.equal(w.azure.count("PATCH", "/externalEndpoints/"), 0);
    });

    it("cooldown: no second failover within failoverCooldownSeconds of the recorded one", async () => {
        // Longer than the run's wait budget: a shorter cooldown simply ends inside the run.
        w = await world({ cooldown: 3600, annotations: { [LAST_FAILOVER_ANNOTATION]: String(T0 / 1000 - 100) } });
        const result = failover(await w.run());
        assert.equal(result.decision, "cooldown");
        assert.equal(replicasOf(w), 0);
    });

    it("an operator already running with a locked failover recorded: nothing is deleted or locked again", async () => {
        w = await world({ replicas: 1, annotations: { [LAST_FAILOVER_ANNOTATION]: `${T0 / 1000 - 7200};lock=applied` } });
        const result = failover(await w.run());
        assert.equal(result.decision, "already-failed-over");
        assert.ok(w.kube.secret(NS, CLUSTER));
        assert.equal(w.azure.count("PATCH", "/externalEndpoints/"), 0);
    });

    it("an operator scaled to 1 by hand with no record, primary failing: the run locks and records it (never deletes the secret)", async () => {
        w = await world({ replicas: 1 });
        const result = failover(await w.run());
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
        const result = failover(await w.run());
        assert.equal(result.decision, "error");
        assert.match(result.error ?? "", /identity\.token.*HTTP 400/);
        assert.equal(replicasOf(w), 0);
        assert.ok(w.kube.secret(NS, CLUSTER));
    });

    it("broken app settings: error naming each bad setting", async () => {
        w = await world();
        const env = { ...w.env, [APP_SETTING.aksServer]: "", [APP_SETTING.primaryEndpointId]: "/subscriptions/x/endpoint" };
        const result = await runAzureFailover({ env, clock: w.clock, write: () => undefined }, alertMessage(undefined, T0));
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
        metrics: endpointStateMetricApi({ armEndpoint: azure.url, token: async () => `token-for-${azure.armResource}`, timeoutMs: 2000 }),
        holdoffGapSeconds: 25,
        preFailoverFailureSeconds: 180,
    });

    it("reads the endpoint, the recorded run and the endpoint-state minutes together, not one after the other", async () => {
        azure.putEndpoint(ENDPOINT_ID, { endpointMonitorStatus: "Degraded" });
        kube.putDeployment(NS, OPERATOR, { replicas: 0, annotations: { [DEGRADED_SINCE_ANNOTATION]: String(T0 / 1000 - 600), [LAST_FAILING_ANNOTATION]: String(T0 / 1000 - 10) } });
        // ARM answers the endpoint only once the annotation read has reached the API server and the
        // metric query has reached ARM: a sequential read would wait for the endpoint first, time out and throw.
        let annotationRequested!: () => void;
        const requested = new Promise<void>(resolve => { annotationRequested = resolve; });
        const metricRequested = new Promise<void>(resolve => {
            const t = setInterval(() => { if (azure.count("GET", METRICS_PATH) > 0) { clearInterval(t); resolve(); } }, 2);
        });
        kube.fault({ method: "GET", path: `/deployments/${OPERATOR}`, before: () => annotationRequested() });
        azure.fault({ method: "GET", path: "/externalEndpoints/", until: Promise.all([requested, metricRequested]) });
        const health = await platformAt(T0).primaryHealth();
        assert.deepEqual({ healthy: health.healthy, failingForSeconds: health.failingForSeconds }, { healthy: false, failingForSeconds: 600 });
        assert.equal(azure.count("GET", "/externalEndpoints/"), 1);
        assert.equal(azure.count("GET", METRICS_PATH), 1);
        assert.equal(kube.count("GET", `/deployments/${OPERATOR}`), 1, "both annotations from one GET");
        assert.equal(kube.count("PATCH", `/deployments/${OPERATOR}`), 0, "a holdoff already tracked is not written again");
    });

    // Minutes before T0 (on the minute grid): k = 1 is the minute that ended at T0.
    const minutesBefore = (states: (number | undefined)[]) => states.map((maximum, i) => ({ startMs: T0 - (i + 1) * 60000, maximum }));
    const failingNow = () => {
        azure.putEndpoint(ENDPOINT_ID, { endpointMonitorStatus: "Degraded" });
        kube.putDeployment(NS, OPERATOR, { replicas: 0 });
    };
    const annotations = () => kube.deployment(NS, OPERATOR)!.metadata.annotations as Record<string, string>;

    it("the minutes reach back before the invocation: the run starts at the first whole failing minute, and that is recorded", async () => {
        failingNow();
        azure.putEndpointStateMinutes(ENDPOINT_ID, minutesBefore([0, 0, 0, 0, 1]));
        const health = await platformAt(T0).primaryHealth();
        // Strictly after the mixed minute's end (it may have been Online at its last moment), rounded up to the second.
        assert.equal(health.failingForSeconds, 239);
        assert.deepEqual([annotations()[DEGRADED_SINCE_ANNOTATION], annotations()[LAST_FAILING_ANNOTATION]], [String(T0 / 1000 - 239), String(T0 / 1000)]);
        // The query, exactly: the profile's metric, one endpoint, whole minutes back over the holdoff plus ten.
        const q = azure.requests.find(r => r.path === METRICS_PATH)!;
        assert.deepEqual(q.query, {
            "api-version": "2023-10-01",
            metricnames: "ProbeAgentCurrentEndpointStateByProfileResourceId",
            interval: "PT1M",
            aggregation: "Maximum",
            timespan: `${new Date(T0 - 13 * 60000).toISOString()}/${new Date(T0).toISOString()}`,
            $filter: "EndpointName eq 'primary'",
        });
    });

    it("a mixed minute stops the run (it may have been Online at its very end); a healthy blip anywhere cuts there", async () => {
        for (const k of [1, 2, 3, 5]) {
            failingNow();
            const states = [0, 0, 0, 0, 0, 0];
            states[k - 1] = 1;
            azure.putEndpointStateMinutes(ENDPOINT_ID, minutesBefore(states));
            const health = await platformAt(T0).primaryHealth();
            // Strictly after the mixed minute's end: (k - 1) whole minutes, less the millisecond after it.
            assert.equal(health.failingForSeconds, Math.max(0, (k - 1) * 60 - 1), `blip ${k} minutes back`);
            assert.ok(Number(annotations()[DEGRADED_SINCE_ANNOTATION]) > T0 / 1000 - (k - 1) * 60, "never recorded from before the blip");
        }
    });

    it("a gap in the minutes (or a minute without data) ends the run: missing data never counts as failure", async () => {
        for (const gap of ["absent", "no data"] as const) {
            failingNow();
            const minutes = minutesBefore([0, 0, undefined, 0, 0]);
            azure.putEndpointStateMinutes(ENDPOINT_ID, gap === "absent" ? minutes.filter(m => m.maximum !== undefined) : minutes);
            const health = await platformAt(T0).primaryHealth();
            assert.equal(health.failingForSeconds, 120, gap);
        }
    });

    it("a late datapoint (the last minute not published yet) starts the run later, and joins once it is", async () => {
        failingNow();
        azure.putEndpointStateMinutes(ENDPOINT_ID, minutesBefore([undefined, 0, 0, 0]).filter(m => m.maximum !== undefined));
        const platform = platformAt(T0 + 5000);
        const first = await platform.primaryHealth();
        assert.equal(first.failingForSeconds, 0, "60 s of silence could hide an Online spell");
        azure.putEndpointStateMinutes(ENDPOINT_ID, minutesBefore([0, 0, 0, 0]));
        const later = await platformAt(T0 + 5000).primaryHealth();
        assert.equal(later.failingForSeconds, 245);
    });

    it("the metric call failing while the endpoint fails: falls back to the recorded run, warns, never an error", async () => {
        const lines: unknown[] = [];
        azure.putEndpoint(ENDPOINT_ID, { endpointMonitorStatus: "Degraded" });
        kube.putDeployment(NS, OPERATOR, { replicas: 0, annotations: { [DEGRADED_SINCE_ANNOTATION]: String(T0 / 1000 - 600), [LAST_FAILING_ANNOTATION]: String(T0 / 1000 - 10) } });
        azure.putEndpointStateMinutes(ENDPOINT_ID, minutesBefore([1]));
        azure.fault({ method: "GET", path: "/providers/Microsoft.Insights/metrics", status: 503, times: 10 });
        const platform = azurePlatform({
            tm: trafficManagerApi({ armEndpoint: azure.url, token: async () => `token-for-${azure.armResource}`, timeoutMs: 2000 }),
            k8s: client, namespace: NS, operatorDeployment: OPERATOR, primaryEndpointId: ENDPOINT_ID, now: () => T0,
            log: (level, event, fields) => { lines.push({ level, event, ...fields }); },
            metrics: endpointStateMetricApi({ armEndpoint: azure.url, token: async () => `token-for-${azure.armResource}`, timeoutMs: 2000 }),
            holdoffGapSeconds: 25, preFailoverFailureSeconds: 180,
        });
        const health = await platform.primaryHealth();
        assert.deepEqual({ healthy: health.healthy, failingForSeconds: health.failingForSeconds }, { healthy: false, failingForSeconds: 600 });
        assert.ok(lines.some(l => (l as { level: string; event: string }).level === "warn" && (l as { event: string }).event === "azure.endpoint-state-metric-unavailable"), JSON.stringify(lines));
    });

    it("an old annotation (degraded-since alone) vouches only for its own moment: without the minutes the run starts now", async () => {
        azure.putEndpoint(ENDPOINT_ID, { endpointMonitorStatus: "Degraded" });
        kube.putDeployment(NS, OPERATOR, { replicas: 0, annotations: { [DEGRADED_SINCE_ANNOTATION]: String(T0 / 1000 - 600) } });
        assert.equal((await platformAt(T0).primaryHealth()).failingForSeconds, 0);
        azure.putEndpointStateMinutes(ENDPOINT_ID, minutesBefore(Array(10).fill(0)));
        assert.equal((await platformAt(T0).primaryHealth()).failingForSeconds, 600, "the minutes vouch for the silence since");
    });

    it("minutes from a spell the endpoint was Disabled never count: a switched-off mark starts the run now, an epoch mark cuts the minutes there", async () => {
        // Ten minutes of 0 that were the endpoint switched off, then back and failing: without the mark they would meet the holdoff at once.
        azure.putEndpoint(ENDPOINT_ID, { endpointMonitorStatus: "Degraded" });
        azure.putEndpointStateMinutes(ENDPOINT_ID, minutesBefore(Array(10).fill(0)));
        kube.putDeployment(NS, OPERATOR, { replicas: 0, annotations: { [MINUTES_FROM_ANNOTATION]: MINUTES_FROM_DISABLED } });
        const first = await platformAt(T0).primaryHealth();
        assert.equal(first.failingForSeconds, 0);
        assert.equal(annotations()[MINUTES_FROM_ANNOTATION], String(T0 / 1000), "the first failing reading after it: minutes from now on");
        assert.equal(kube.count("GET", `/deployments/${OPERATOR}`), 1, "the mark comes with the run's annotations, in the same read");
        assert.equal(kube.count("PATCH", `/deployments/${OPERATOR}`), 1, "and is written with degraded-since, in one patch");
        // Later minutes count from the mark on: three whole failing minutes after it.
        azure.putEndpointStateMinutes(ENDPOINT_ID, Array.from({ length: 13 }, (_, i) => ({ startMs: T0 - 600_000 + i * 60_000, maximum: 0 })));
        const later = await platformAt(T0 + 190_000).primaryHealth();
        assert.equal(later.failingForSeconds, 190, "the run from the mark (joined with the recorded reading), never from the minutes before it");
        // A mark in the failback's form: the unlock's time plus a minute.
        for (const [markS, expected] of [[T0 / 1000 - 120, 120], [T0 / 1000 + 60, 0]] as const) {
            kube.putDeployment(NS, OPERATOR, { replicas: 0, annotations: { [MINUTES_FROM_ANNOTATION]: String(markS) } });
            azure.putEndpointStateMinutes(ENDPOINT_ID, minutesBefore(Array(10).fill(0)));
            assert.equal((await platformAt(T0).primaryHealth()).failingForSeconds, expected, `mark ${markS - T0 / 1000}s from now`);
            assert.equal(annotations()[MINUTES_FROM_ANNOTATION], String(markS), "an epoch mark stays as it is");
        }
    });

    it("a garbled minutes-from mark is taken as switched off (minutes from now), with a warning: never as all minutes", async () => {
        const lines: { level: string; event: string }[] = [];
        azure.putEndpoint(ENDPOINT_ID, { endpointMonitorStatus: "Degraded" });
        azure.putEndpointStateMinutes(ENDPOINT_ID, minutesBefore(Array(10).fill(0)));
        kube.putDeployment(NS, OPERATOR, { replicas: 0, annotations: { [MINUTES_FROM_ANNOTATION]: "last tuesday" } });
        const platform = azurePlatform({
            tm: trafficManagerApi({ armEndpoint: azure.url, token: async () => `token-for-${azure.armResource}`, timeoutMs: 2000 }),
            k8s: client, namespace: NS, operatorDeployment: OPERATOR, primaryEndpointId: ENDPOINT_ID, now: () => T0,
            log: (level, event) => { lines.push({ level, event }); },
            metrics: endpointStateMetricApi({ armEndpoint: azure.url, token: async () => `token-for-${azure.armResource}`, timeoutMs: 2000 }),
            holdoffGapSeconds: 25, preFailoverFailureSeconds: 180,
        });
        assert.equal((await platform.primaryHealth()).failingForSeconds, 0);
        assert.equal(annotations()[MINUTES_FROM_ANNOTATION], String(T0 / 1000));
        assert.ok(lines.some(l => l.level === "warn" && l.event === "azure.annotation-invalid"), JSON.stringify(lines));
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

    it("refuses a plain-http AKS server or ARM endpoint, naming the setting and its value; http only on loopback", () => {
        const config: AzureFunctionConfig = {
            failover: { namespace: NS, operatorDeployment: OPERATOR, humioClusterName: CLUSTER, preFailoverFailureSeconds: 0, cooldownSeconds: 300, requireHealthySecondary: false, recheckIntervalSeconds: 10 },
            primaryEndpointId: ENDPOINT_ID,
            secondaryPort: 443,
            aksServer: "https://aks.hcp.eastus2.azmk8s.io:443",
            identityClientId: CLIENT_ID,
            armEndpoint: "https://management.azure.com",
        };
        const env = appSettingsFor(config);
        assert.throws(() => parseAppSettings({ ...env, [APP_SETTING.aksServer]: "http://aks.hcp.eastus2.azmk8s.io:443" }),
            /LOGSCALE_DR_AKS_SERVER must be an https URL \(got "http:\/\/aks\.hcp\.eastus2\.azmk8s\.io:443"\): a bearer token travels on it/);
        assert.throws(() => parseAppSettings({ ...env, [APP_SETTING.armEndpoint]: "http://management.azure.com" }),
            /LOGSCALE_DR_ARM_ENDPOINT must be an https URL \(got "http:\/\/management\.azure\.com"\): a bearer token travels on it/);
        // Names that merely start like a loopback host are remote hosts.
        for (const host of ["127.0.0.1.example.com", "localhost.example.com", "10.0.0.1"]) {
            assert.throws(() => parseAppSettings({ ...env, [APP_SETTING.armEndpoint]: `http://${host}:8080` }), /LOGSCALE_DR_ARM_ENDPOINT must be an https URL/);
        }
        for (const host of ["127.0.0.1:8443", "[::1]:8443", "localhost:8443"]) {
            assert.equal(parseAppSettings({ ...env, [APP_SETTING.aksServer]: `http://${host}`, [APP_SETTING.armEndpoint]: `http://${host}` }).aksServer, `http://${host}`);
        }
    });

    it("queue messages: ours are read back from JSON text or an object, anything else is not ours", () => {
        const m = alertMessage({ data: { essentials: { alertRule: "r", monitorCondition: "Fired" } } }, T0);
        assert.deepEqual(m, { trigger: "alert", receivedAt: "2025-03-01T12:00:00.000Z", alertRule: "r", monitorCondition: "Fired", firedDateTime: undefined, resolvedDateTime: undefined });
        assert.deepEqual(parseFailoverMessage(JSON.stringify(m)), JSON.parse(JSON.stringify(m)));
        assert.deepEqual(parseFailoverMessage({ trigger: "recheck", receivedAt: "2025-03-01T12:01:00Z" }), { trigger: "recheck", receivedAt: "2025-03-01T12:01:00Z" });
        for (const bad of ["not json", "{}", { trigger: "scale", receivedAt: "2025-03-01T12:01:00Z" }, { trigger: "alert", receivedAt: "yesterday" }, undefined]) {
            assert.equal(parseFailoverMessage(bad), undefined, JSON.stringify(bad));
        }
    });

    it("token lifetime: expires_on (epoch seconds) or expires_in", () => {
        assert.equal(expiresAtMs({ expires_on: "1700000000" }, 0), 1_700_000_000_000);
        assert.equal(expiresAtMs({ expires_in: 3600 }, 1000), 3_601_000);
        assert.equal(expiresAtMs({}, 5), 5);
    });
});

describe("azure functions entry: HTTP enqueues and answers 202, the queue trigger fails over", function () {
    let saved: NodeJS.ProcessEnv;
    let w: World | undefined;
    beforeEach(() => { saved = { ...process.env }; });
    afterEach(async () => {
        for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
        Object.assign(process.env, saved);
        await w?.stop();
        w = undefined;
    });
    const contextFor = (functionName: string, lines: string[] = []): FunctionsContext & { bindings: Record<string, unknown> } =>
        ({ executionContext: { functionName }, log: (line: unknown) => { lines.push(String(line)); }, bindings: {} });

    it("HTTP: 202 at once with the alert on the queue binding; no Kubernetes or ARM call, not even the settings read", async () => {
        w = await world();
        // No app settings in the environment: a failover run would end in error; the HTTP function does not care.
        const lines: string[] = [];
        const context = contextFor(FUNCTION_NAMES.http, lines);
        const payload = { schemaId: "azureMonitorCommonAlertSchema", data: { essentials: { alertRule: "logscale-primary-endpoint-down", monitorCondition: "Fired", firedDateTime: "2025-03-01T11:59:00Z" } } };
        const answer = await functionsEntry(context, { method: "POST", body: payload }) as { status: number; headers: Record<string, string>; body: string };
        assert.equal(answer.status, 202);
        assert.equal(answer.headers["content-type"], "application/json");
        const body = JSON.parse(answer.body) as { accepted: boolean; queue: string; receivedAt: string };
        assert.deepEqual([body.accepted, body.queue], [true, FAILOVER_QUEUE_NAME]);
        const message = parseFailoverMessage(context.bindings[QUEUE_BINDING.out]);
        assert.ok(message, "one failover message on the output binding");
        assert.equal(message.trigger, "alert");
        assert.equal(message.receivedAt, body.receivedAt);
        assert.equal(message.monitorCondition, "Fired");
        assert.equal(message.alertRule, "logscale-primary-endpoint-down");
        assert.equal(w.kube.requests.length, 0);
        assert.equal(w.azure.requests.length, 0);
        assert.ok(lines.some(l => JSON.parse(l).event === "alert.enqueued"));
    });

    it("HTTP with no or a foreign payload still enqueues and answers 202 (it validates nothing)", async () => {
        for (const input of [undefined, { body: "plain text" }, { body: { hello: "world" } }]) {
            const context = contextFor(FUNCTION_NAMES.http);
            const answer = await functionsEntry(context, input) as { status: number };
            assert.equal(answer.status, 202);
            assert.equal(parseFailoverMessage(context.bindings[QUEUE_BINDING.out])?.trigger, "alert");
        }
    });

    it("queue trigger: the message's run fails over against the fakes; a run ending in error throws so the queue retries it", async () => {
        w = await world();
        Object.assign(process.env, w.env);
        const message = JSON.stringify(alertMessage(undefined, Date.now()));
        const result = await functionsEntry(contextFor(FUNCTION_NAMES.worker), message);
        assert.equal(result, undefined);
        assert.equal(replicasOf(w), 1);
        assert.equal(w.azure.endpoint(ENDPOINT_ID)!.endpointStatus, "Disabled");
        assert.equal(w.kube.secret(NS, CLUSTER), undefined);

        process.env[APP_SETTING.aksServer] = "http://aks.example.com";
        await assert.rejects(functionsEntry(contextFor(FUNCTION_NAMES.worker), message),
            /failover run ended in error: the function app settings are invalid: .*LOGSCALE_DR_AKS_SERVER must be an https URL/);
    });

    it("timer: sets the queue binding only while degraded-since is set", async () => {
        w = await world();
        Object.assign(process.env, w.env);
        const idle = contextFor(FUNCTION_NAMES.timer);
        assert.equal(await functionsEntry(idle, { isPastDue: false }), undefined);
        assert.equal(QUEUE_BINDING.out in idle.bindings, false);

        w.kube.putDeployment(NS, OPERATOR, { replicas: 0, annotations: { [DEGRADED_SINCE_ANNOTATION]: "1740830400" } });
        const pending = contextFor(FUNCTION_NAMES.timer);
        await functionsEntry(pending, { isPastDue: false });
        const message = parseFailoverMessage(pending.bindings[QUEUE_BINDING.out]);
        assert.equal(message?.trigger, "recheck");
        assert.equal(message?.degradedSince, "1740830400");
        assert.equal(w.kube.count("PATCH", "/deployments/"), 0, "the timer changes nothing itself");
        assert.equal(w.azure.requests.filter(r => r.path !== "/msi/token").length, 0);
    });

    it("an unknown function name is refused, not taken for the HTTP function", async () => {
        await assert.rejects(functionsEntry(contextFor("other"), {}), /no function "other" in this package/);
    });
});

describe("azure holdoff gap allowance (functions/azure/health.ts, LOGSCALE_DR_HOLDOFF_GAP_SECONDS)", () => {
    it("from the probes: an Online spell lasts at least max(1, tolerated) intervals; half an interval less, rechecks inside it", () => {
        assert.equal(trafficManagerMaxGapSeconds(10, 3), 25);
        assert.equal(trafficManagerMaxGapSeconds(30, 3), 75);
        assert.equal(trafficManagerMaxGapSeconds(10, 1), 5);
        assert.deepEqual(azureHoldoffCadence(10, 3), { holdoffGapSeconds: 25, recheckIntervalSeconds: 10 });
        assert.deepEqual(azureHoldoffCadence(30, 3), { holdoffGapSeconds: 75, recheckIntervalSeconds: 30 });
        assert.deepEqual(azureHoldoffCadence(10, 1), { holdoffGapSeconds: 5, recheckIntervalSeconds: 3 });
        assert.throws(() => trafficManagerMaxGapSeconds(0, 3), /interval must be > 0/);
    });

    it("the setting round-trips, and a bad value or one the rechecks cannot fit in is refused by name and range", () => {
        const config: AzureFunctionConfig = {
            failover: { namespace: NS, operatorDeployment: OPERATOR, humioClusterName: CLUSTER, preFailoverFailureSeconds: 180, cooldownSeconds: 300, requireHealthySecondary: false, recheckIntervalSeconds: 10 },
            primaryEndpointId: ENDPOINT_ID,
            secondaryPort: 443,
            aksServer: "https://aks.hcp.eastus2.azmk8s.io:443",
            identityClientId: CLIENT_ID,
            armEndpoint: "https://management.azure.com",
            holdoffGapSeconds: 25,
        };
        const env = appSettingsFor(config);
        assert.equal(env.LOGSCALE_DR_HOLDOFF_GAP_SECONDS, "25");
        assert.equal(parseAppSettings(env).holdoffGapSeconds, 25);
        for (const bad of ["0", "1201", "2.5", "soon"]) {
            assert.throws(() => parseAppSettings({ ...env, LOGSCALE_DR_HOLDOFF_GAP_SECONDS: bad }),
                /LOGSCALE_DR_HOLDOFF_GAP_SECONDS must be a whole number of seconds from 1 to 1200/);
        }
        assert.throws(() => parseAppSettings({ ...env, LOGSCALE_DR_HOLDOFF_GAP_SECONDS: "10" }),
            /LOGSCALE_DR_RECHECK_SECONDS \(10\) must be less than LOGSCALE_DR_HOLDOFF_GAP_SECONDS \(10\)/);
    });
});
