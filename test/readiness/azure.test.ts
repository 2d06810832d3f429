import * as assert from "assert";
import { azCliToken, STORAGE_RESOURCE } from "../../scripts/readiness/az-token";
import { cloudPort } from "../../scripts/readiness/clouds";
import { HttpCluster } from "../../scripts/readiness/kube";
import { FakeAzure } from "../azure/fake-azure";
import { FakeKubernetes } from "../support/fake-k8s";
import { check, kubeconfigFor, LIVE_CHECKS, LiveRun, logscaleSide, out, PROBE_OK, runLive, S, VirtualClock } from "./live-pair";

const KEY = "azure-encryption-key-that-must-never-be-printed-0123456789";
const PROFILE = "/subscriptions/sub-1/resourceGroups/logscale-westus2/providers/Microsoft.Network/trafficManagerProfiles/logscale-tm";
const PRIMARY_EP = `${PROFILE}/externalEndpoints/primary`;
const SECONDARY_EP = `${PROFILE}/externalEndpoints/secondary`;
const ALERT = "/subscriptions/sub-1/resourceGroups/logscale-eastus2/providers/Microsoft.Insights/metricAlerts/logscale-primary-endpoint-down";
const VERDICT = "logscale.dr/standby-ready";

interface Pair extends LiveRun {
    kube: { primary: FakeKubernetes; secondary: FakeKubernetes };
    arm: FakeAzure;
    stop(): Promise<void>;
}

const RECOVER_FROM = [
    { name: "AZURE_RECOVER_FROM_BUCKET", value: "logscale-data" },
    { name: "AZURE_RECOVER_FROM_ACCOUNTNAME", value: "logscalewestus2data" },
    { name: "AZURE_RECOVER_FROM_ENCRYPTION_KEY", valueFrom: { secretKeyRef: { name: "logscale-env-secrets", key: "AZURE_RECOVER_FROM_ENCRYPTION_KEY" } } },
];

async function pair(): Promise<Pair> {
    const kube = { primary: await FakeKubernetes.start(), secondary: await FakeKubernetes.start() };
    logscaleSide(kube.primary, [], { replicas: 1 });
    logscaleSide(kube.secondary, RECOVER_FROM, { replicas: 0, annotations: { [VERDICT]: "ready" } });
    kube.secondary.putSecret("logging", "logscale-env-secrets", { data: { AZURE_RECOVER_FROM_ENCRYPTION_KEY: Buffer.from(KEY).toString("base64") } });
    kube.secondary.jobRunner = () => ({ result: "succeeded", afterGets: 3, log: PROBE_OK });
    const arm = await FakeAzure.start();
    arm.putEndpoint(PRIMARY_EP, { priority: 1 });
    arm.putEndpoint(SECONDARY_EP, { priority: 2, target: "20.9.9.9" });
    arm.putMetricAlert(ALERT, { enabled: true });
    const outputs = {
        primary: out({ cloud: "azure", region: "westus2", storageBucket: "logscale-data", storageEncryptionKey: KEY, logscaleClusterName: "logscale", kubeconfig: kubeconfigFor(kube.primary.url) },
            ["storageEncryptionKey", "kubeconfig"]),
        secondary: out({
            cloud: "azure", region: "eastus2", logscaleClusterName: "logscale", kubeconfig: kubeconfigFor(kube.secondary.url),
            trafficManagerProfileId: PROFILE, trafficManagerPrimaryEndpointName: "primary", trafficManagerSecondaryEndpointName: "secondary",
            failoverAlertName: "logscale-primary-endpoint-down", failoverAlertResourceGroup: "logscale-eastus2",
        }, ["kubeconfig"]),
    };
    return {
        kube, arm, outputs, clock: new VirtualClock(),
        clouds: { azure: { armEndpoint: arm.url, token: async () => `token-for-${arm.armResource}` } },
        async stop() { await kube.primary.stop(); await kube.secondary.stop(); await arm.stop(); },
    };
}

describe("npm run readiness (live Azure pair, over fakes: Kubernetes API and ARM on 127.0.0.1)", function () {
    this.timeout(30_000);
    let p: Pair;
    beforeEach(async () => { p = await pair(); });
    afterEach(async () => { await p.stop(); });

    it("all pass: endpoints, metric alert and the verdict annotation read once each, with the bearer token", async () => {
        const r = await runLive(p);
        assert.strictEqual(r.code, 0, r.out + r.err);
        assert.deepStrictEqual(r.doc!.checks.map(c => c.name), LIVE_CHECKS);
        assert.ok(r.doc!.checks.every(c => c.verdict === "pass"), r.out);
        assert.deepStrictEqual(r.doc!.skipped, []);
        assert.match(check(r.doc, "dns-lock").reason, /^unlocked, as expected for a standing-by pair: primary endpoint primary is Enabled\/Online$/);
        assert.strictEqual(check(r.doc, "dns-targets").reason, "present: primary endpoint primary (Enabled), secondary endpoint secondary (Enabled)");
        assert.strictEqual(check(r.doc, "alarm").reason, "metric alert logscale-primary-endpoint-down enabled");
        assert.match(check(r.doc, "self-test").reason, /said ready \(logscale\.dr\/standby-ready on logging\/humio-operator\)/);
        // The lock and the targets share the primary endpoint's one GET.
        assert.strictEqual(p.arm.count("GET", "/externalEndpoints/primary"), 1);
        assert.strictEqual(p.arm.count("GET", "/externalEndpoints/secondary"), 1);
        assert.strictEqual(p.arm.count("GET", "/metricAlerts/logscale-primary-endpoint-down"), 1);
        assert.ok(p.arm.requests.every(x => x.status === 200 && x.headers.authorization === `Bearer token-for-${p.arm.armResource}`));
        assert.strictEqual(p.arm.count("PATCH", "/"), 0, "readiness changes nothing in ARM");
        assert.ok(!r.out.includes(KEY) && !r.err.includes(KEY));
        const job = p.kube.secondary.requests.find(x => x.method === "POST")!.body as { spec: { template: { spec: { containers: Array<{ image: string }> } } } };
        assert.strictEqual(job.spec.template.spec.containers[0].image, "mcr.microsoft.com/azure-cli:2.75.0");
    });

    it("the lock in place (primary endpoint Disabled) while the standby is at 0 fails dns-lock", async () => {
        p.arm.putEndpoint(PRIMARY_EP, { endpointStatus: "Disabled", endpointMonitorStatus: "Disabled" });
        const r = await runLive(p);
        assert.strictEqual(r.code, 1);
        assert.strictEqual(check(r.doc, "dns-lock").verdict, "fail");
        assert.match(check(r.doc, "dns-lock").reason, /^locked but expected unlocked \(the standby is at 0\): primary endpoint primary is Disabled\/Disabled$/);
        assert.strictEqual(check(r.doc, "dns-targets").verdict, "pass", "a disabled primary is the lock, not a missing target");
    });

    it("after a failover (operator 1/1, primary endpoint Disabled) operator and dns-lock pass", async () => {
        p.kube.secondary.putDeployment("logging", "humio-operator", { replicas: 1, labels: { "helm.sh/chart": "humio-operator-0.34.1" }, annotations: { [VERDICT]: "ready" } });
        p.arm.putEndpoint(PRIMARY_EP, { endpointStatus: "Disabled", endpointMonitorStatus: "Disabled" });
        const r = await runLive(p);
        assert.strictEqual(r.code, 0, r.out);
        assert.match(check(r.doc, "operator").reason, /reports failed over/);
        assert.match(check(r.doc, "dns-lock").reason, /^locked, as expected after a failover: primary endpoint primary is Disabled/);
    });

    it("dns-targets names the missing secondary endpoint", async () => {
        p.arm.deleteEndpoint(SECONDARY_EP);
        const r = await runLive(p);
        assert.strictEqual(r.code, 1);
        assert.strictEqual(check(r.doc, "dns-targets").reason, "missing: secondary endpoint secondary; present: primary endpoint primary (Enabled)");
    });

    it("dns-targets counts a Disabled secondary endpoint as missing: nothing to fail over to", async () => {
        p.arm.putEndpoint(SECONDARY_EP, { endpointStatus: "Disabled" });
        const r = await runLive(p);
        assert.match(check(r.doc, "dns-targets").reason, /^missing: secondary endpoint secondary \(Disabled: nothing to fail over to\)/);
    });

    it("dns-lock fails naming the endpoint when the primary endpoint is gone", async () => {
        p.arm.deleteEndpoint(PRIMARY_EP);
        const r = await runLive(p);
        assert.strictEqual(check(r.doc, "dns-lock").reason, `Traffic Manager endpoint ${PRIMARY_EP} not found: there is no primary endpoint to lock`);
        assert.match(check(r.doc, "dns-targets").reason, /^missing: primary endpoint primary; present: secondary/);
    });

    it("alarm names the disabled metric alert", async () => {
        p.arm.putMetricAlert(ALERT, { enabled: false });
        const r = await runLive(p);
        assert.strictEqual(r.code, 1);
        assert.strictEqual(check(r.doc, "alarm").reason, "metric alert logscale-primary-endpoint-down is disabled: a primary outage would not trigger the failover");
    });

    it("alarm names a metric alert that does not exist", async () => {
        p.outputs.secondary.failoverAlertName = { value: "renamed-alert", secret: false };
        const r = await runLive(p);
        assert.strictEqual(check(r.doc, "alarm").reason, "metric alert renamed-alert not found in resource group logscale-eastus2");
    });

    it("a 403 from ARM is a failing check naming the API call and the answer", async () => {
        p.arm.fault({ method: "GET", path: "/metricAlerts/", status: 403 });
        p.arm.fault({ method: "GET", path: "/externalEndpoints/", status: 403, times: 2 });
        const r = await runLive(p);
        assert.strictEqual(r.code, 1);
        assert.match(check(r.doc, "alarm").reason,
            /^arm\.getMetricAlert GET http:\/\/127\.0\.0\.1:\d+\/subscriptions\/sub-1\/resourceGroups\/logscale-eastus2\/providers\/Microsoft\.Insights\/metricAlerts\/logscale-primary-endpoint-down: HTTP 403 InjectedFault: injected 403$/);
        assert.match(check(r.doc, "dns-lock").reason, /^arm\.getEndpoint GET http:\/\/127\.0\.0\.1:\d+\/subscriptions\/sub-1\/.*\/externalEndpoints\/primary: HTTP 403 InjectedFault/);
        assert.match(check(r.doc, "dns-targets").reason, /arm\.getEndpoint .*HTTP 403/);
    });

    it("a token ARM refuses (401) fails the cloud checks, naming the answer", async () => {
        p.clouds.azure!.token = async () => "expired";
        const r = await runLive(p);
        assert.match(check(r.doc, "alarm").reason, /HTTP 401 AuthenticationFailed: bad or missing ARM token/);
        assert.match(check(r.doc, "dns-lock").reason, /HTTP 401 AuthenticationFailed/);
    });

    it("self-test: not-ready fails; no annotation is skipped, not counted as a pass", async () => {
        p.kube.secondary.putDeployment("logging", "humio-operator", { replicas: 0, labels: { "helm.sh/chart": "humio-operator-0.34.1" }, annotations: { [VERDICT]: "not-ready" } });
        let r = await runLive(p);
        assert.strictEqual(r.code, 1);
        assert.match(check(r.doc, "self-test").reason, /said not-ready/);
        p.kube.secondary.putDeployment("logging", "humio-operator", { replicas: 0, labels: { "helm.sh/chart": "humio-operator-0.34.1" } });
        r = await runLive(p);
        assert.strictEqual(r.code, 0, r.out);
        assert.deepStrictEqual(r.doc!.skipped, [{ name: "self-test", reason: "logging/humio-operator has no logscale.dr/standby-ready annotation: the readiness function has not run (it is absent when readinessIntervalMinutes is 0)" }]);
    });

    for (const missing of ["trafficManagerProfileId", "trafficManagerSecondaryEndpointName", "failoverAlertName", "failoverAlertResourceGroup"]) {
        it(`a standby without the ${missing} output stops with one line naming it (exit 1), before any call`, async () => {
            delete p.outputs.secondary[missing];
            const r = await runLive(p);
            assert.strictEqual(r.code, 1);
            assert.strictEqual(r.err, `the standby stack has no "${missing}" output; readiness needs it for the Azure checks\n`);
            assert.strictEqual(p.arm.requests.length + p.kube.secondary.requests.length, 0);
        });
    }

    it("refuses a plain-http ARM endpoint off this machine: the bearer token would travel unencrypted", () => {
        const plain = Object.fromEntries(Object.entries(p.outputs.secondary).map(([k, v]) => [k, v.value]));
        assert.throws(() => cloudPort(plain, new HttpCluster({ server: p.kube.secondary.url }), "secondary", { azure: { armEndpoint: "http://management.example.com", token: async () => "t" } }),
            /^Error: ARM endpoint http:\/\/management\.example\.com must be https:\/\/ \(http:\/\/ only on a loopback test server\)$/);
    });
});

describe("azCliToken: the Azure CLI as the operator's token source", () => {
    it("runs az account get-access-token for ARM and keeps the token until 5 minutes before it expires", async () => {
        const calls: string[][] = [];
        let now = 1_000_000_000_000;
        const token = azCliToken(async (cmd, args) => {
            calls.push([cmd, ...args]);
            return JSON.stringify({ accessToken: `tok-${calls.length}`, expires_on: Math.floor(now / 1000) + 3600, tokenType: "Bearer" });
        }, () => now);
        assert.strictEqual(await token(), "tok-1");
        assert.strictEqual(await token(), "tok-1");
        assert.deepStrictEqual(calls, [["az", "account", "get-access-token", "--resource", "https://management.azure.com/", "--output", "json"]]);
        now += 56 * 60 * S;
        assert.strictEqual(await token(), "tok-2");
    });

    it("asks for another resource when given one (the failback's Blob calls: https://storage.azure.com/)", async () => {
        const calls: string[][] = [];
        const token = azCliToken(async (cmd, args) => {
            calls.push([cmd, ...args]);
            return JSON.stringify({ accessToken: "blob-tok", expires_on: Math.floor(Date.now() / 1000) + 3600 });
        }, undefined, STORAGE_RESOURCE);
        assert.strictEqual(await token(), "blob-tok");
        assert.deepStrictEqual(calls, [["az", "account", "get-access-token", "--resource", "https://storage.azure.com/", "--output", "json"]]);
    });

    it("says what to do when az is missing or not logged in", async () => {
        const token = azCliToken(async () => { throw Object.assign(new Error("Command failed"), { stderr: "ERROR: Please run 'az login' to setup account.\n" }); });
        await assert.rejects(token(), /^Error: az account get-access-token failed \(is the Azure CLI installed and logged in\? az login\): ERROR: Please run 'az login' to setup account\.$/);
        const empty = azCliToken(async () => "{}");
        await assert.rejects(empty(), /returned no accessToken/);
    });
});
