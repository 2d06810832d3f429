// The live Azure gameday over real local fakes: the observer's reading of
// each phase (ARM, Azure Monitor's alert list, the standby's Deployment and
// service proxy, Traffic Manager's name servers), and whole gamedays through
// the command with the test playing Traffic Manager, the alert and the function.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LAST_FAILOVER_ANNOTATION } from "../../functions/azure/platform";
import { main } from "../../scripts/gameday/cli";
import { LivePair } from "../../scripts/gameday/live";
import { ALERTS_API_VERSION, AzurePairObserver, azureObserverNamesFromOutputs } from "../../scripts/gameday/observe-azure";
import { runGameday } from "../../scripts/gameday/run";
import { ALERT, AzurePair, azurePair, FQDN, IPS, PRIMARY_EP } from "./live-pair-azure";
import { ROUTES, T0 } from "./live-pair";
import { WorldOptions } from "./cloud-pair";

const DIR = path.resolve(__dirname, "..", "..");
const plain = (p: AzurePair, side: "primary" | "secondary") => Object.fromEntries(Object.entries(p.outputs[side]).map(([k, v]) => [k, v.value]));
const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe("live gameday: the Azure observer's readings (ARM, Kubernetes and DNS fakes)", function () {
    this.timeout(20_000);
    let p: AzurePair;
    let obs: AzurePairObserver;
    const observer = (maxFailedReads?: number) => new AzurePairObserver(azureObserverNamesFromOutputs(plain(p, "primary"), plain(p, "secondary")), p.connections.secondary,
        { clock: p.clock, azure: p.azure, dns: p.dnsOptions, maxFailedReads });
    beforeEach(async () => { p = await azurePair({ functionNeverActs: true }); obs = observer(); });
    afterEach(async () => { await p.stop(); });

    it("a standing-by pair reads all quiet", async () => {
        assert.deepStrictEqual(await obs.observe(), {
            healthCheckUnhealthy: false, alarmFiring: false, functionDecision: "no-failover-recorded", operatorReplicas: 0,
            logscaleReady: false, globalResolvesTo: "primary", dnsLocked: false, operatorScaleUps: 0,
        });
    });

    it("health check: the primary endpoint's monitor status; anything but Online is unhealthy", async () => {
        const ep = p.arm.endpoint(PRIMARY_EP)!;
        for (const [status, unhealthy] of [["Online", false], ["Degraded", true], ["Stopped", true], ["CheckingEndpoint", true], ["Online", false]] as const) {
            ep.endpointMonitorStatus = status;
            assert.strictEqual(await obs.healthCheckUnhealthy(), unhealthy, status);
        }
        p.arm.deleteEndpoint(PRIMARY_EP);
        await assert.rejects(obs.healthCheckUnhealthy(), /arm\.getEndpoint GET .*externalEndpoints\/primary: HTTP 404/);
    });

    it("alarm: a Fired alert of the failover metric alert rule in Azure Monitor's list; resolved or another rule's is not", async () => {
        assert.strictEqual(await obs.alarmFiring(), false);
        p.arm.alerts.push({ alertRule: `${ALERT}-other`, monitorCondition: "Fired", startDateTime: new Date(T0).toISOString() });
        p.arm.alerts.push({ alertRule: ALERT, monitorCondition: "Resolved", startDateTime: new Date(T0).toISOString() });
        assert.strictEqual(await obs.alarmFiring(), false);
        p.arm.alerts.push({ alertRule: ALERT.toLowerCase(), monitorCondition: "Fired", startDateTime: new Date(T0).toISOString() });
        assert.strictEqual(await obs.alarmFiring(), true, "ARM ids compare case-insensitively");
        const req = p.arm.requests.filter(r => r.path.endsWith("/providers/Microsoft.AlertsManagement/alerts")).pop()!;
        assert.strictEqual(req.path, "/subscriptions/sub-1/providers/Microsoft.AlertsManagement/alerts");
        assert.deepStrictEqual(req.query, { "api-version": ALERTS_API_VERSION, alertRule: ALERT, monitorCondition: "Fired" });
        assert.strictEqual(req.headers.authorization, `Bearer token-for-${p.arm.armResource}`);
    });

    it("function decision: the failover record annotation dated at or after the gameday's start", async () => {
        const start = Math.floor(T0 / 1000);
        assert.strictEqual(await obs.functionDecision(), "no-failover-recorded");
        p.annotate(LAST_FAILOVER_ANNOTATION, `${start - 3600};lock=applied`);
        assert.strictEqual(await obs.functionDecision(), "no-failover-recorded", "an earlier failover is not this one");
        p.annotate(LAST_FAILOVER_ANNOTATION, `${start};lock=pending`);
        assert.strictEqual(await obs.functionDecision(), "failed-over");
        p.annotate(LAST_FAILOVER_ANNOTATION, "yesterday");
        await assert.rejects(obs.functionDecision(), /^Error: annotation logscale\.dr\/last-failover-epoch on the standby's humio-operator Deployment holds "yesterday"; expected "<epoch seconds>;lock=pending\|applied"/);
    });

    it("operator replicas and scale-ups, LogScale ready through the service proxy, the lock re-read every poll", async () => {
        assert.strictEqual((await obs.observe()).operatorReplicas, 0);
        const d = p.kube.secondary.deployment("logging", "humio-operator")!;
        d.spec.replicas = 1;
        p.kube.secondary.serviceProxy = () => ({ status: 200, body: '{"status": "OK"}' });
        Object.assign(p.arm.endpoint(PRIMARY_EP)!, { endpointStatus: "Disabled" });
        const o = await obs.observe();
        assert.deepStrictEqual([o.operatorReplicas, o.operatorScaleUps, o.logscaleReady, o.dnsLocked], [1, 1, true, true]);
        Object.assign(p.arm.endpoint(PRIMARY_EP)!, { endpointStatus: "Enabled" });
        p.kube.secondary.serviceProxy = () => ({ status: 200, body: '{"status":"WARN"}' });
        const o2 = await obs.observe();
        assert.deepStrictEqual([o2.logscaleReady, o2.dnsLocked], [false, false]);
    });

    it("global hostname: the profile's name asked of trafficmanager.net's name servers, not the recursive cache", async () => {
        assert.strictEqual((await obs.observe()).globalResolvesTo, "primary");
        p.dns.authoritative.set(FQDN, [IPS.secondary]);
        assert.strictEqual((await obs.observe()).globalResolvesTo, "secondary", "the recursive fake still says primary");
        p.dns.authoritative.set(FQDN, ["20.5.5.5"]);
        assert.strictEqual((await obs.observe()).globalResolvesTo, "unknown");
        assert.ok(p.dns.authoritative.asked.includes(FQDN));
        assert.ok(!p.dns.recursive.asked.includes(FQDN), "never asks the recursive resolver for the profile's name");
    });

    it("no NS records for Traffic Manager's domain: three failed polls end the observation with the cause", async () => {
        p.dns.recursive.nsTable.clear();
        const o = observer(1);
        await assert.rejects(o.observe(), /reading globalResolvesTo failed 1 polls in a row: resolving the NS records of trafficmanager\.net/);
    });

    it("outputs the observer needs are named when missing", () => {
        const s = plain(p, "secondary");
        delete s.trafficManagerFqdn;
        assert.throws(() => azureObserverNamesFromOutputs(plain(p, "primary"), s), /^Error: the standby stack has no "trafficManagerFqdn" output; the live gameday observer needs it$/);
        const pr = plain(p, "primary");
        delete pr.loadBalancerAddress;
        assert.throws(() => azureObserverNamesFromOutputs(pr, plain(p, "secondary")), /^Error: the primary stack has no "loadBalancerAddress" output/);
    });
});

describe("live Azure gameday through the command (fakes, virtual clock, the test plays Traffic Manager and the function)", function () {
    this.timeout(60_000);
    let p: AzurePair | undefined;
    afterEach(async () => { await p?.stop(); p = undefined; });
    const start = async (o: WorldOptions = {}) => { p = await azurePair(o); return p; };
    const run = async (argv: string[], live: () => Promise<LivePair>, onErr?: (s: string) => void) => {
        let out = ""; let err = "";
        const code = await main(argv, { dir: azureDir(), live: () => live(), stdout: s => { out += s; }, stderr: s => { err += s; onErr?.(s); } });
        return { code, out, err };
    };
    const original = (q: AzurePair) => Object.fromEntries(ROUTES.map(r => [r, copy(q.parentRefs(r))]));

    it("primary-down: pre-flight passes, every phase reached in order, the pair stays failed over, routes restored exactly", async () => {
        const q = await start();
        const refs = original(q);
        const r = await run(["--stack", "secondary", "--scenario", "primary-down", "--confirm", "primary", "--json"], async () => q.live());
        assert.strictEqual(r.code, 0, r.err + r.out);
        assert.match(r.err, /pre-flight: readiness passes \(\d+ checks\)/);
        const doc = JSON.parse(r.out) as { verdict: string; phases: Array<{ key: string; atS: number | null }>; restored: boolean; measuredTotalS: number };
        const at = Object.fromEntries(doc.phases.map(x => [x.key, x.atS]));
        assert.ok(at.healthCheckUnhealthy! >= 40 && at.healthCheckUnhealthy! < 60, JSON.stringify(at));
        assert.ok(at.alarmFiring! >= 90 && at.alarmFiring! < 110, JSON.stringify(at));
        assert.ok(at.functionFailedOver! >= 278 && at.functionFailedOver! < 300, JSON.stringify(at));
        assert.ok(at.dnsToSecondary! >= 278 + 270, JSON.stringify(at));
        assert.ok(doc.restored);
        for (const [name, before] of Object.entries(refs)) assert.deepStrictEqual(q.parentRefs(name), before, name);
        assert.strictEqual(q.kube.secondary.deployment("logging", "humio-operator")!.spec.replicas, 1);
        assert.strictEqual(q.arm.count("PATCH", "/"), 0, "the gameday changes nothing in ARM; only the played function did");
    });

    it("transient: down half the holdoff, no failover, routes restored", async () => {
        const q = await start();
        const refs = original(q);
        const r = await run(["--stack", "secondary", "--scenario", "transient", "--confirm", "primary", "--json"], async () => q.live());
        assert.strictEqual(r.code, 0, r.err);
        assert.match((JSON.parse(r.out) as { reason: string }).reason, /no failover, as expected/);
        assert.strictEqual(q.world.failedOverAt, undefined);
        for (const [name, before] of Object.entries(refs)) assert.deepStrictEqual(q.parentRefs(name), before, name);
    });

    it("a function that never acts: timeout naming the missing phases, routes restored", async () => {
        const q = await start({ functionNeverActs: true });
        const refs = original(q);
        const r = await run(["--stack", "secondary", "--scenario", "primary-down", "--confirm", "primary", "--timeout", "600", "--json"], async () => q.live());
        assert.strictEqual(r.code, 1);
        assert.match((JSON.parse(r.out) as { reason: string }).reason, /^timed out after 600s waiting for: function decided failed-over/);
        for (const [name, before] of Object.entries(refs)) assert.deepStrictEqual(q.parentRefs(name), before, name);
    });

    it("SIGINT mid-run: the command's handler restores the routes exactly, exit 1", async () => {
        const q = await start();
        const refs = original(q);
        const before = process.listeners("SIGINT");
        let sent = false;
        const r = await run(["--stack", "secondary", "--scenario", "primary-down", "--confirm", "primary"], async () => q.live(), s => {
            // A line per phase (stderr is not a terminal): interrupt once the function is awaited.
            if (!sent && /waiting: function decided/.test(s)) {
                sent = true;
                assert.deepStrictEqual(q.parentRefs("logscale-ui"), [], "the outage is in place when the signal comes");
                for (const l of process.listeners("SIGINT").filter(x => !before.includes(x))) (l as () => void)();
            }
        });
        assert.ok(sent, r.err);
        assert.strictEqual(r.code, 1);
        assert.match(r.out, /^gameday primary-down: FAIL — interrupted after (\d\d|1\d\d)s; primary restored\n/);
        for (const [name, b] of Object.entries(refs)) assert.deepStrictEqual(q.parentRefs(name), b, name);
    });

    it("an aborted runGameday over the Azure live adapters restores the routes", async () => {
        const q = await start();
        const refs = original(q);
        const live = q.live();
        const ac = new AbortController();
        const report = await runGameday(live.outage, live.observer, live.clock, {
            scenario: "primary-down", timeoutS: 1800, pollS: 10, holdoffS: 180, expectedTotalS: 548, afterRestoreS: 120,
            signal: ac.signal, progress: l => { if (/ 300s elapsed/.test(l)) ac.abort(); },
        });
        assert.strictEqual(report.verdict, "fail");
        assert.ok(report.restored, report.reason);
        for (const [name, b] of Object.entries(refs)) assert.deepStrictEqual(q.parentRefs(name), b, name);
    });
});

/** The project with its secondary stack on azure: the command reads the cloud from the stack file. */
let dir: string | undefined;
function azureDir(): string {
    if (!dir) {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "gameday-azure-"));
        fs.copyFileSync(path.join(DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        fs.writeFileSync(path.join(dir, "Pulumi.secondary.yaml"), fs.readFileSync(path.join(DIR, "Pulumi.secondary.yaml"), "utf8").replace("logscale-dr:cloud: aws", "logscale-dr:cloud: azure"));
    }
    return dir;
}
after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });
