import { strict as assert } from "assert";
import * as http from "http";
import { DEFAULT_INGESTION_ENDPOINT, metricEnvelope, parseConnectionString, trackMetric } from "../../functions/azure/appinsights";
import { alertMessage, runAzureFailover, runRecheckTimer } from "../../functions/azure/handler";
import { azureNotifier } from "../../functions/azure/notify";
import { READINESS_ANNOTATION, ReadinessMemory, runAzureReadiness } from "../../functions/azure/readiness";
import { AKS_AAD_SERVER_APP_ID, appSettingsFor, AzureFunctionConfig, parseAppSettings } from "../../functions/azure/settings";
import type { Notifier } from "../../functions/core/notify";
import type { FailoverResult } from "../../functions/core/types";
import { FakeKubernetes } from "../support/fake-k8s";
import { LocalServer, startLocalServer } from "../support/local-server";
import { FakeAzure } from "./fake-azure";

const NS = "logging";
const OPERATOR = "humio-operator";
const ENDPOINT_ID = "/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/logscale-westus2/providers/Microsoft.Network/trafficManagerProfiles/logscale-global/externalEndpoints/primary";
const IKEY = "11111111-2222-4333-8444-555555555555";
const CLIENT_ID = "0a1b2c3d-1111-4222-8333-444455556666";
const T0 = Date.parse("2025-03-01T12:00:00Z");

/** The ingestion endpoint as documented: POST /v2.1/track, 200 with itemsReceived/itemsAccepted/errors. */
class FakeIngestion {
    readonly envelopes: Record<string, unknown>[] = [];
    reject?: { status: number; body: unknown };
    private server!: LocalServer;
    static async start(): Promise<FakeIngestion> {
        const f = new FakeIngestion();
        f.server = await startLocalServer((req, res, raw) => f.handle(req, res, raw));
        return f;
    }
    get url(): string { return this.server.url; }
    stop(): Promise<void> { return this.server.stop(); }
    private handle(req: http.IncomingMessage, res: http.ServerResponse, raw: string): void {
        const send = (status: number, body: unknown) => { res.writeHead(status, { "content-type": "application/json" }); res.end(JSON.stringify(body)); };
        if (req.method !== "POST" || req.url !== "/v2.1/track" || !String(req.headers["content-type"]).startsWith("application/json")) {
            send(404, { itemsReceived: 0, itemsAccepted: 0, errors: [{ index: 0, statusCode: 404, message: "no route" }] });
            return;
        }
        const items = JSON.parse(raw) as Record<string, unknown>[];
        if (this.reject) {
            send(this.reject.status, this.reject.body);
            return;
        }
        const bad = items.findIndex(i => i.iKey !== IKEY || (i.data as { baseType?: string } | undefined)?.baseType !== "MetricData");
        if (bad >= 0) {
            send(400, { itemsReceived: items.length, itemsAccepted: 0, errors: [{ index: bad, statusCode: 400, message: "Invalid instrumentation key or envelope" }] });
            return;
        }
        this.envelopes.push(...items);
        send(200, { itemsReceived: items.length, itemsAccepted: items.length, errors: [] });
    }
}

function standby(kube: FakeKubernetes): void {
    kube.putDeployment(NS, OPERATOR, { replicas: 0 });
    kube.putHumioCluster(NS, "logscale", {
        nodeCount: 1,
        commonEnvironmentVariables: [
            { name: "AZURE_RECOVER_FROM_BUCKET", value: "primary" },
            { name: "AZURE_RECOVER_FROM_ACCOUNTKEY", valueFrom: { secretKeyRef: { name: "logscale-env-secrets", key: "AZURE_RECOVER_FROM_ACCOUNTKEY" } } },
        ],
    });
    kube.putSecret(NS, "logscale-env-secrets");
    kube.putSecret(NS, "logscale", { creationTimestamp: "2024-06-01T00:00:00Z" });
}

const baseConfig = (kubeUrl: string, caPem: string | undefined, armUrl: string): AzureFunctionConfig => ({
    failover: {
        namespace: NS, operatorDeployment: OPERATOR, humioClusterName: "logscale",
        preFailoverFailureSeconds: 0, cooldownSeconds: 300, requireHealthySecondary: false, recheckIntervalSeconds: 30,
    },
    primaryEndpointId: ENDPOINT_ID,
    secondaryPort: 443,
    aksServer: kubeUrl,
    aksCaPem: caPem,
    identityClientId: CLIENT_ID,
    armEndpoint: armUrl,
});

interface World {
    azure: FakeAzure;
    kube: FakeKubernetes;
    ingestion: FakeIngestion;
    published: { subject: string; message: string; event: string }[];
    memory: ReadinessMemory;
    readiness: (notifier?: Notifier) => ReturnType<typeof runAzureReadiness>;
    stop: () => Promise<void>;
}

async function world(): Promise<World> {
    const azure = await FakeAzure.start();
    const kube = await FakeKubernetes.start({ tls: true, authorize: h => h === `Bearer token-for-${AKS_AAD_SERVER_APP_ID}` });
    const ingestion = await FakeIngestion.start();
    azure.putEndpoint(ENDPOINT_ID, { endpointMonitorStatus: "Online" });
    standby(kube);
    const env = {
        IDENTITY_ENDPOINT: `${azure.url}/msi/token`,
        IDENTITY_HEADER: azure.identityHeader,
        APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=${IKEY};IngestionEndpoint=${ingestion.url}/;LiveEndpoint=https://live.example/`,
        ...appSettingsFor({ ...baseConfig(kube.url, kube.caPem, azure.url), clusterName: "logscale-eastus2" }),
    };
    const published: World["published"] = [];
    const memory: ReadinessMemory = {};
    const clock = { now: () => T0, sleep: async () => undefined };
    const recorder: Notifier = { publish: async (subject, message, event) => { published.push({ subject, message, event }); } };
    return {
        azure, kube, ingestion, published, memory,
        readiness: notifier => runAzureReadiness({ env, clock, write: () => undefined, notifier: () => notifier ?? recorder }, memory),
        stop: async () => { await Promise.all([azure.stop(), kube.stop(), ingestion.stop()]); },
    };
}

const failedChecks = (r: { checks: { name: string; verdict: string }[] }) => r.checks.filter(c => c.verdict === "fail").map(c => c.name);
const values = (w: World) => w.ingestion.envelopes.map(e => (e.data as { baseData: { metrics: { value: number }[] } }).baseData.metrics[0].value);
const annotation = (w: World) => ((w.kube.deployment(NS, OPERATOR)!.metadata.annotations ?? {}) as Record<string, string>)[READINESS_ANNOTATION];

describe("azure readiness (fake ARM, fake AKS API and fake Application Insights ingestion over real HTTP)", function () {
    let w: World | undefined;
    afterEach(async () => { await w?.stop(); w = undefined; });

    it("a healthy standby is ready: StandbyReady 1 with clusterName, verdict stored, no message, one ARM read for two checks", async () => {
        w = await world();
        const r = await w.readiness();
        assert.deepEqual(failedChecks(r), [], JSON.stringify(r.checks));
        assert.equal(r.ready, true);
        assert.equal(r.metricPublished, true);
        assert.deepEqual(values(w), [1]);
        const env = w.ingestion.envelopes[0] as { data: { baseData: { metrics: { name: string }[]; properties: unknown } } };
        assert.equal(env.data.baseData.metrics[0].name, "StandbyReady");
        assert.deepEqual(env.data.baseData.properties, { clusterName: "logscale-eastus2" });
        assert.equal(annotation(w), "ready");
        assert.deepEqual(w.published, []);
        assert.equal(w.azure.count("GET", "/externalEndpoints/"), 1);
        assert.equal(w.azure.requests.filter(q => q.method !== "GET").length, 0, "readiness changes nothing in Azure");
        assert.deepEqual(w.kube.requests.filter(q => q.method !== "GET").map(q => q.path), [`/apis/apps/v1/namespaces/${NS}/deployments/${OPERATOR}`], "its only write is the verdict");
    });

    it("a Secret missing: not ready naming referenced-secrets, StandbyReady 0, one message; back: one message", async () => {
        w = await world();
        await w.readiness();
        w.kube.remove("secrets", NS, "logscale-env-secrets");
        const bad = await w.readiness();
        assert.deepEqual(failedChecks(bad), ["referenced-secrets"]);
        assert.equal(bad.notified, "readiness-failed");
        assert.equal(annotation(w), "not-ready");
        assert.equal((await w.readiness()).notified, undefined, "a standing problem is told once");
        w.kube.putSecret(NS, "logscale-env-secrets");
        assert.equal((await w.readiness()).notified, "readiness-back");
        assert.deepEqual(values(w), [1, 0, 0, 1]);
        assert.deepEqual(w.published.map(p => p.subject), [
            "LogScale DR logscale-eastus2: standby NOT ready (referenced-secrets)",
            "LogScale DR logscale-eastus2: standby ready again",
        ]);
        assert.match(w.published[0].message, /missing in logging: logscale-env-secrets/);
    });

    it("the operator Deployment missing: not ready, naming operator-deployment (and the cooldown store on it)", async () => {
        w = await world();
        w.kube.remove("deployments", NS, OPERATOR);
        const r = await w.readiness();
        assert.deepEqual(failedChecks(r), ["operator-deployment", "cooldown-store"]);
        assert.match(r.checks[1].reason, /logging\/humio-operator does not exist/);
        assert.deepEqual(values(w), [0]);
    });

    it("Kubernetes 403: not ready naming kubernetes-access; people are told although the verdict annotation is unreadable", async () => {
        w = await world();
        w.kube.fault({ method: "GET", times: Infinity, status: 403 });
        const r = await w.readiness();
        assert.equal(r.ready, false);
        assert.equal(failedChecks(r)[0], "kubernetes-access");
        assert.match(r.checks[0].reason, /not authorized \(403\)/);
        assert.equal(r.notified, "readiness-failed");
        assert.equal(r.metricPublished, true);
        assert.match(r.errors.join(";"), /last verdict unreadable/);
        assert.equal((await w.readiness()).notified, undefined, "the process remembers it told people");
    });

    it("the health signal unreadable (ARM 403): primary-health-signal and lock-target fail, read once, no retry", async () => {
        w = await world();
        w.azure.fault({ method: "GET", path: "/externalEndpoints/", times: Infinity, status: 403 });
        const r = await w.readiness();
        assert.deepEqual(failedChecks(r), ["primary-health-signal", "lock-target"]);
        assert.match(r.checks.find(c => c.name === "primary-health-signal")!.reason, /HTTP 403/);
        assert.equal(w.azure.count("GET", "/externalEndpoints/"), 1);
        assert.deepEqual(values(w), [0]);
    });

    it("a rejected datapoint or a failing message is reported in the outcome, never thrown", async () => {
        w = await world();
        w.ingestion.reject = { status: 200, body: { itemsReceived: 1, itemsAccepted: 0, errors: [{ index: 0, statusCode: 400, message: "Field 'name' on type 'MetricData' is required" }] } };
        w.kube.remove("secrets", NS, "logscale-env-secrets");
        const r = await w.readiness({ publish: async () => { throw new Error("webhook down"); } });
        assert.equal(r.ready, false);
        assert.equal(r.metricPublished, false);
        assert.equal(r.notified, undefined);
        assert.match(r.errors.join(";"), /0 of 1 item accepted: 400 Field 'name'/);
    });

    it("bad app settings: not ready, no datapoint (the not-reporting alert covers it)", async () => {
        w = await world();
        const r = await runAzureReadiness({ env: {}, clock: { now: () => T0, sleep: async () => undefined }, write: () => undefined });
        assert.equal(r.ready, false);
        assert.equal(r.metricPublished, false);
        assert.equal(w.ingestion.envelopes.length, 0);
    });
});

describe("Application Insights ingestion client", () => {
    it("parses the connection string, case-insensitively, with the documented default endpoint", () => {
        assert.deepEqual(parseConnectionString(`instrumentationkey=${IKEY};IngestionEndpoint=https://westus2-0.in.applicationinsights.azure.com/`),
            { instrumentationKey: IKEY, ingestionEndpoint: "https://westus2-0.in.applicationinsights.azure.com" });
        assert.equal(parseConnectionString(`InstrumentationKey=${IKEY}`).ingestionEndpoint, DEFAULT_INGESTION_ENDPOINT);
        assert.throws(() => parseConnectionString(undefined), /names no InstrumentationKey/);
        assert.throws(() => parseConnectionString(`InstrumentationKey=${IKEY};IngestionEndpoint=http://collector.example/`), /must be https/);
    });

    it("posts one MetricData envelope to /v2.1/track and checks that it was accepted", async () => {
        const ingestion = await FakeIngestion.start();
        try {
            const target = parseConnectionString(`InstrumentationKey=${IKEY};IngestionEndpoint=${ingestion.url}`);
            const point = { name: "StandbyReady", value: 1, properties: { clusterName: "c" }, timeMs: T0 };
            await trackMetric(target, point);
            assert.deepEqual(ingestion.envelopes, [metricEnvelope(target, point, "logscale-dr-failover")]);
            assert.deepEqual(ingestion.envelopes[0], {
                name: "Microsoft.ApplicationInsights.Metric",
                time: "2025-03-01T12:00:00.000Z",
                iKey: IKEY,
                tags: { "ai.cloud.role": "logscale-dr-failover" },
                data: { baseType: "MetricData", baseData: { ver: 2, metrics: [{ name: "StandbyReady", value: 1, count: 1 }], properties: { clusterName: "c" } } },
            });
            const wrongKey = { ...target, instrumentationKey: "00000000-0000-4000-8000-000000000000" };
            await assert.rejects(trackMetric(wrongKey, { name: "StandbyReady", value: 0, timeMs: T0 }), /HTTP 400/);
            ingestion.reject = { status: 503, body: {} };
            await assert.rejects(trackMetric(target, { name: "StandbyReady", value: 0, timeMs: T0 }),
                (e: { retryable?: boolean; message: string }) => e.retryable === true && /HTTP 503/.test(e.message));
        } finally {
            await ingestion.stop();
        }
    });
});

describe("azure messages for people: the log and notifyWebhookUrl", () => {
    it("the webhook gets event, subject and message; a refused webhook is an error naming the host, never the URL's secret path", async () => {
        const bodies: unknown[] = [];
        let status = 200;
        const hook = await startLocalServer((_req, res, raw) => { bodies.push(JSON.parse(raw)); res.writeHead(status); res.end(); });
        const lines: unknown[] = [];
        try {
            const n = azureNotifier({ log: (level, event, fields) => lines.push({ level, event, ...fields }), webhookUrl: `${hook.url}/hooks/T0KEN-SECRET` });
            await n.publish("LogScale DR c: failover started", "text\n\n{}", "failover-started");
            assert.deepEqual(bodies, [{ source: "logscale-dr", event: "failover-started", subject: "LogScale DR c: failover started", message: "text\n\n{}" }]);
            assert.deepEqual(lines, [{ level: "info", event: "notify.message", notification: "failover-started", subject: "LogScale DR c: failover started", message: "text\n\n{}" }]);
            status = 500;
            await assert.rejects(n.publish("s", "m", "scaled"), (e: Error) => /HTTP 500/.test(e.message) && !e.message.includes("T0KEN-SECRET"));
        } finally {
            await hook.stop();
        }
    });

    it("notifyWebhookUrl must be https (loopback http for tests), and the setting is never echoed", () => {
        const base = appSettingsFor(baseConfig("https://aks.example:443", undefined, "https://management.azure.com"));
        assert.deepEqual(parseAppSettings({ ...base, LOGSCALE_DR_CLUSTER_NAME: "logscale-eastus2" }).clusterName, "logscale-eastus2");
        assert.throws(() => parseAppSettings({ ...base, LOGSCALE_DR_NOTIFY_WEBHOOK_URL: "http://hooks.example/secret-path" }),
            (e: Error) => /LOGSCALE_DR_NOTIFY_WEBHOOK_URL must be an https URL/.test(e.message) && !e.message.includes("secret-path"));
        assert.equal(parseAppSettings({ ...base, LOGSCALE_DR_NOTIFY_WEBHOOK_URL: "https://hooks.example/x" }).notifyWebhookUrl, "https://hooks.example/x");
    });

    it("a failover run tells people in order, and a webhook that fails does not change the decision", async () => {
        const decisions: FailoverResult["decision"][] = [];
        const eventsSeen: string[][] = [];
        for (const webhookStatus of [200, 500]) {
            const azure = await FakeAzure.start();
            const kube = await FakeKubernetes.start({ tls: true, authorize: h => h === `Bearer token-for-${AKS_AAD_SERVER_APP_ID}` });
            const received: string[] = [];
            const hook = await startLocalServer((_req, res, raw) => { received.push(JSON.parse(raw).event); res.writeHead(webhookStatus); res.end(); });
            try {
                azure.putEndpoint(ENDPOINT_ID, { endpointMonitorStatus: "Degraded" });
                standby(kube);
                const env = {
                    IDENTITY_ENDPOINT: `${azure.url}/msi/token`, IDENTITY_HEADER: azure.identityHeader,
                    ...appSettingsFor({ ...baseConfig(kube.url, kube.caPem, azure.url), notifyWebhookUrl: `${hook.url}/hook` }),
                };
                const lines: Record<string, unknown>[] = [];
                const result = await runAzureFailover({ env, clock: { now: () => T0, sleep: async () => undefined }, write: l => { lines.push(JSON.parse(l)); }, random: () => 0 },
                    alertMessage(undefined, T0)) as FailoverResult;
                decisions.push(result.decision);
                eventsSeen.push(received);
                assert.equal(kube.deployment(NS, OPERATOR)!.spec.replicas, 1);
                assert.equal(azure.endpoint(ENDPOINT_ID)!.endpointStatus, "Disabled");
                if (webhookStatus === 500) {
                    assert.ok(lines.some(l => l.event === "notify.failed"), "the failed message is logged");
                }
            } finally {
                await Promise.all([azure.stop(), kube.stop(), hook.stop()]);
            }
        }
        assert.deepEqual(decisions, ["failed-over", "failed-over"]);
        assert.deepEqual(eventsSeen[0], ["failover-started", "scaled"]);
        assert.deepEqual(eventsSeen[1], ["failover-started", "scaled"], "every message is still attempted");
    });

    it("verified recovery: the worker asks LogScale through the Service proxy; OK: 'recovered', MeasuredFailoverSeconds; the timer re-enqueues while watching", async () => {
        const azure = await FakeAzure.start();
        const kube = await FakeKubernetes.start({ tls: true, authorize: h => h === `Bearer token-for-${AKS_AAD_SERVER_APP_ID}` });
        const received: string[] = [];
        const hook = await startLocalServer((_req, res, raw) => { received.push(JSON.parse(raw).event); res.writeHead(200); res.end(); });
        try {
            azure.putEndpoint(ENDPOINT_ID, { endpointMonitorStatus: "Degraded" });
            standby(kube);
            const env = {
                IDENTITY_ENDPOINT: `${azure.url}/msi/token`, IDENTITY_HEADER: azure.identityHeader,
                ...appSettingsFor({ ...baseConfig(kube.url, kube.caPem, azure.url), notifyWebhookUrl: `${hook.url}/hook`, expectedFailoverSeconds: 600 }),
            };
            let now = T0;
            const clock = { now: () => now, sleep: async (ms: number) => { now += ms; } };
            let ready = false;
            kube.serviceProxy = (_ns, target) => (ready && target === "https:logscale-ui-cip:8080" ? { status: 200, body: '{"status":"OK"}' } : { status: 503, body: "no endpoints available" });
            const measured: [string, number][] = [];
            const deps = { env, clock, write: () => undefined, random: () => 0, publishMeasured: async (n: string, v: number) => { measured.push([n, v]); } };
            const first = await runAzureFailover(deps, alertMessage(undefined, T0)) as FailoverResult;
            assert.equal(first.decision, "failed-over");
            assert.equal(first.recovery?.state, "watching", "not ready within the worker's budget");
            assert.equal((await runRecheckTimer(deps)).decision, "enqueued", "the timer carries the follow-up on");
            ready = true;
            const second = await runAzureFailover(deps, { trigger: "recheck", receivedAt: new Date(now).toISOString() }) as FailoverResult;
            assert.equal(second.recovery?.state, "recovered");
            assert.deepEqual(measured.map(m => m[0]), ["MeasuredFailoverSeconds"]);
            assert.equal(measured[0][1], second.recovery!.phases!.totalSeconds);
            assert.deepEqual(received, ["failover-started", "scaled", "recovered"]);
        } finally {
            await Promise.all([azure.stop(), kube.stop(), hook.stop()]);
        }
    });
});
