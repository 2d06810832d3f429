import { strict as assert } from "assert";
import * as fs from "fs";
import { builtinModules } from "module";
import * as os from "os";
import * as path from "path";
import { FUNCTION_TIMEOUT_SECONDS, packageFiles, RECHECK_SCHEDULE, serializeFailoverHandler } from "../../components/azure/failover-package";
import { WRITE_ROUNDS_RESERVE_SECONDS } from "../../functions/core/failover";
import { DEGRADED_SINCE_ANNOTATION } from "../../functions/azure/platform";
import { AKS_AAD_SERVER_APP_ID, appSettingsFor, FAILOVER_QUEUE_NAME, FUNCTION_NAMES, QUEUE_BINDING, WAIT_BUDGET_SECONDS } from "../../functions/azure/settings";
import { FakeKubernetes } from "../support/fake-k8s";
import { FakeAzure } from "./fake-azure";

const ENDPOINT_ID = "/subscriptions/00000000-0000-0000-0000-0000000000aa/resourceGroups/logscale-westus2/providers/Microsoft.Network/trafficManagerProfiles/logscale-global/externalEndpoints/primary";

describe("azure failover package", function () {
    let files: Record<string, string>;
    let dir: string;

    before(async () => {
        files = packageFiles(await serializeFailoverHandler());
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "logscale-dr-azure-fn-"));
        for (const [name, text] of Object.entries(files)) {
            fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
            fs.writeFileSync(path.join(dir, name), text);
        }
    });

    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("is under 1 MiB in total and needs nothing beyond node's built-in modules", () => {
        const bytes = Object.values(files).reduce((n, t) => n + Buffer.byteLength(t), 0);
        assert.ok(bytes < 1024 * 1024, `package is ${bytes} bytes`);
        const required = [...new Set([...files["handler.js"].matchAll(/require\(["']([^"']+)["']\)/g)].map(m => m[1]))];
        assert.ok(required.length > 0);
        for (const mod of required) {
            assert.ok(builtinModules.includes(mod.replace(/^node:/, "")), `the package requires ${mod}, which the Functions runtime does not provide`);
        }
        assert.equal(/@pulumi|@azure\/|aws-sdk/.test(files["handler.js"]), false);
    });

    it("declares the HTTP function and the timer with the queue output, and the worker on the same queue, all on the one script", () => {
        const fn = (name: string) => JSON.parse(files[`${name}/function.json`]) as { scriptFile: string; entryPoint: string; bindings: Record<string, unknown>[] };
        const queueOut = { type: "queue", direction: "out", name: QUEUE_BINDING.out, queueName: FAILOVER_QUEUE_NAME, connection: "AzureWebJobsStorage" };
        const http = fn(FUNCTION_NAMES.http);
        assert.deepEqual(http.bindings, [
            { authLevel: "function", type: "httpTrigger", direction: "in", name: "req", methods: ["post"] },
            { type: "http", direction: "out", name: "$return" },
            queueOut,
        ]);
        const timer = fn(FUNCTION_NAMES.timer);
        assert.deepEqual(timer.bindings, [
            { type: "timerTrigger", direction: "in", name: "timer", schedule: RECHECK_SCHEDULE, runOnStartup: false, useMonitor: true },
            queueOut,
        ]);
        const worker = fn(FUNCTION_NAMES.worker);
        assert.deepEqual(worker.bindings, [
            { type: "queueTrigger", direction: "in", name: QUEUE_BINDING.in, queueName: FAILOVER_QUEUE_NAME, connection: "AzureWebJobsStorage" },
        ]);
        for (const f of [http, timer, worker]) {
            assert.deepEqual([f.scriptFile, f.entryPoint], ["../handler.js", "handler"]);
        }
        assert.deepEqual(Object.keys(files).sort(), ["converge/function.json", "failover/function.json", "handler.js", "host.json", "recheck/function.json"]);
    });

    it("host.json: the queue extension from the v4 bundle, one message at a time, and a timeout the worker's budget fits", () => {
        const host = JSON.parse(files["host.json"]);
        assert.equal(host.version, "2.0");
        assert.deepEqual(host.extensionBundle, { id: "Microsoft.Azure.Functions.ExtensionBundle", version: "[4.*, 5.0.0)" });
        const q = host.extensions.queues;
        assert.deepEqual([q.batchSize, q.newBatchThreshold], [1, 0]);
        assert.ok(Number.isInteger(q.maxDequeueCount) && q.maxDequeueCount >= 2 && q.maxDequeueCount <= 5, `maxDequeueCount ${q.maxDequeueCount}`);
        const seconds = (t: string) => { const [h, m, sec] = t.split(":").map(Number); return h * 3600 + m * 60 + sec; };
        assert.ok(seconds(q.maxPollingInterval) >= 1 && seconds(q.maxPollingInterval) <= 5, `maxPollingInterval ${q.maxPollingInterval}`);
        assert.ok(seconds(q.visibilityTimeout) > 0 && seconds(q.visibilityTimeout) <= 120, `visibilityTimeout ${q.visibilityTimeout}`);
        assert.equal(seconds(host.functionTimeout), FUNCTION_TIMEOUT_SECONDS);
        assert.ok(WAIT_BUDGET_SECONDS + WRITE_ROUNDS_RESERVE_SECONDS < FUNCTION_TIMEOUT_SECONDS);
        assert.equal(host.logging.applicationInsights.samplingSettings.isEnabled, false);
    });

    it("the serialized handler runs on its own: the alert call enqueues, its message fails over, the timer is idle afterwards", async () => {
        const azure = await FakeAzure.start();
        const kube = await FakeKubernetes.start({ tls: true, authorize: h => h === `Bearer token-for-${AKS_AAD_SERVER_APP_ID}` });
        const saved = { ...process.env };
        try {
            azure.putEndpoint(ENDPOINT_ID, { endpointMonitorStatus: "Degraded" });
            kube.putDeployment("logging", "humio-operator", { replicas: 0 });
            kube.putSecret("logging", "logscale", { creationTimestamp: "2024-06-01T00:00:00Z" });
            // LogScale answers at once: the recovery follow-up after the scale ends on its first look.
            kube.serviceProxy = () => ({ status: 200, body: JSON.stringify({ status: "OK", version: "1.252.1" }) });
            Object.assign(process.env, {
                IDENTITY_ENDPOINT: `${azure.url}/msi/token`,
                IDENTITY_HEADER: azure.identityHeader,
                ...appSettingsFor({
                    failover: {
                        namespace: "logging", operatorDeployment: "humio-operator", humioClusterName: "logscale",
                        preFailoverFailureSeconds: 0, cooldownSeconds: 300, requireHealthySecondary: false, recheckIntervalSeconds: 10,
                    },
                    primaryEndpointId: ENDPOINT_ID,
                    secondaryPort: 443,
                    aksServer: kube.url,
                    aksCaPem: kube.caPem,
                    identityClientId: "0a1b2c3d-1111-4222-8333-444455556666",
                    armEndpoint: azure.url,
                }),
            });
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const handler = require(path.join(dir, "handler.js")).handler as (context: unknown, input: unknown) => Promise<unknown>;
            const logged: string[] = [];
            const httpContext = { executionContext: { functionName: FUNCTION_NAMES.http }, log: (l: string) => logged.push(l), bindings: {} as Record<string, unknown> };
            const response = await handler(httpContext,
                { method: "POST", body: { data: { essentials: { alertRule: "logscale-primary-endpoint-down", monitorCondition: "Fired" } } } },
            ) as { status: number; body: string };
            assert.equal(response.status, 202);
            assert.equal(kube.requests.length, 0, "the HTTP function only enqueues");
            const queued = httpContext.bindings[QUEUE_BINDING.out];
            assert.equal(typeof queued, "string");
            // Model v3 hands a JSON queue message to the trigger already parsed.
            const worker = await handler({ executionContext: { functionName: FUNCTION_NAMES.worker }, log: (l: string) => logged.push(l) }, JSON.parse(String(queued)));
            assert.equal(worker, undefined);
            const result = logged.map(l => JSON.parse(l)).find(l => l.event === "failover.result");
            assert.equal(result.decision, "failed-over", result.reason);
            assert.equal(kube.deployment("logging", "humio-operator")!.spec.replicas, 1);
            assert.equal(azure.endpoint(ENDPOINT_ID)!.endpointStatus, "Disabled");
            assert.ok(logged.every(l => JSON.parse(l).cloud === "azure"), "every log line is one JSON object");

            const requestsBefore = kube.requests.length;
            const timerContext = { executionContext: { functionName: FUNCTION_NAMES.timer }, log: () => undefined, bindings: {} as Record<string, unknown> };
            const timer = await handler(timerContext, { isPastDue: false });
            assert.equal(timer, undefined);
            assert.deepEqual(timerContext.bindings, {}, "nothing enqueued without a pending holdoff");
            assert.equal(kube.requests.length, requestsBefore + 1, "one read of the annotation");
            assert.equal(DEGRADED_SINCE_ANNOTATION in (kube.deployment("logging", "humio-operator")!.metadata.annotations ?? {}), false);
        } finally {
            for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
            Object.assign(process.env, saved);
            await Promise.all([azure.stop(), kube.stop()]);
        }
    });
});
