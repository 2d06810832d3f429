import { strict as assert } from "assert";
import * as fs from "fs";
import { builtinModules } from "module";
import * as os from "os";
import * as path from "path";
import { packageFiles, RECHECK_SCHEDULE, serializeFailoverHandler } from "../../components/azure/failover-package";
import { DEGRADED_SINCE_ANNOTATION } from "../../functions/azure/platform";
import { AKS_AAD_SERVER_APP_ID, appSettingsFor, FUNCTION_NAMES } from "../../functions/azure/settings";
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

    it("declares the alert's HTTP function (POST, function key) and the minute timer, both on the one script", () => {
        const http = JSON.parse(files[`${FUNCTION_NAMES.http}/function.json`]);
        assert.equal(http.scriptFile, "../handler.js");
        assert.equal(http.entryPoint, "handler");
        assert.deepEqual(http.bindings[0], { authLevel: "function", type: "httpTrigger", direction: "in", name: "req", methods: ["post"] });
        const timer = JSON.parse(files[`${FUNCTION_NAMES.timer}/function.json`]);
        assert.equal(timer.scriptFile, "../handler.js");
        assert.equal(timer.bindings[0].type, "timerTrigger");
        assert.equal(timer.bindings[0].schedule, RECHECK_SCHEDULE);
        const host = JSON.parse(files["host.json"]);
        assert.equal(host.version, "2.0");
        assert.equal(host.logging.applicationInsights.samplingSettings.isEnabled, false);
    });

    it("the serialized handler runs on its own: the alert call fails over, the timer is idle afterwards", async () => {
        const azure = await FakeAzure.start();
        const kube = await FakeKubernetes.start({ tls: true, authorize: h => h === `Bearer token-for-${AKS_AAD_SERVER_APP_ID}` });
        const saved = { ...process.env };
        try {
            azure.putEndpoint(ENDPOINT_ID, { endpointMonitorStatus: "Degraded" });
            kube.putDeployment("logging", "humio-operator", { replicas: 0 });
            kube.putSecret("logging", "logscale", { creationTimestamp: "2024-06-01T00:00:00Z" });
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
            const response = await handler(
                { executionContext: { functionName: FUNCTION_NAMES.http }, log: (l: string) => logged.push(l) },
                { method: "POST", body: { data: { essentials: { alertRule: "logscale-primary-endpoint-down", monitorCondition: "Fired" } } } },
            ) as { status: number; body: string };
            assert.equal(response.status, 200);
            const result = JSON.parse(response.body);
            assert.equal(result.decision, "failed-over", result.reason);
            assert.equal(kube.deployment("logging", "humio-operator")!.spec.replicas, 1);
            assert.equal(azure.endpoint(ENDPOINT_ID)!.endpointStatus, "Disabled");
            assert.ok(logged.every(l => JSON.parse(l).cloud === "azure"), "every log line is one JSON object");

            const requestsBefore = kube.requests.length;
            const timer = await handler({ executionContext: { functionName: FUNCTION_NAMES.timer }, log: () => undefined }, { isPastDue: false });
            assert.equal(timer, undefined);
            assert.equal(kube.requests.length, requestsBefore + 1, "one read of the annotation");
            assert.equal(DEGRADED_SINCE_ANNOTATION in (kube.deployment("logging", "humio-operator")!.metadata.annotations ?? {}), false);
        } finally {
            for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
            Object.assign(process.env, saved);
            await Promise.all([azure.stop(), kube.stop()]);
        }
    });
});
