// The live OCI gameday over real local fakes: the observer's reading of each
// phase (Health Checks probe results, Monitoring's alarm status, the
// standby's Deployment and service proxy, the zone's name servers; every OCI
// call signed), and whole gamedays through the command with the test playing
// the monitor, the alarm and the function.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { COOLDOWN_ANNOTATION } from "../../functions/oci/platform";
import { main } from "../../scripts/gameday/cli";
import { LivePair } from "../../scripts/gameday/live";
import { OciPairObserver, ociObserverNamesFromOutputs } from "../../scripts/gameday/observe-oci";
import { runGameday } from "../../scripts/gameday/run";
import { COMPARTMENT, httpProbes, MONITOR, POLICY, VANTAGE_POINTS } from "../oci/fixtures";
import { WorldOptions } from "./cloud-pair";
import { ROUTES, T0 } from "./live-pair";
import { ALARM, IPS, OciPair, ociPair, ZONE } from "./live-pair-oci";

const DIR = path.resolve(__dirname, "..", "..");
const plain = (p: OciPair, side: "primary" | "secondary") => Object.fromEntries(Object.entries(p.outputs[side]).map(([k, v]) => [k, v.value]));
const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe("live gameday: the OCI observer's readings (OCI, Kubernetes and DNS fakes)", function () {
    this.timeout(20_000);
    let p: OciPair;
    let obs: OciPairObserver;
    const observer = (maxFailedReads?: number) => new OciPairObserver(ociObserverNamesFromOutputs(plain(p, "primary"), plain(p, "secondary")), p.connections.secondary,
        { clock: p.clock, oci: p.ociOptions, dns: p.dnsOptions, maxFailedReads });
    beforeEach(async () => { p = await ociPair({ functionNeverActs: true }); obs = observer(); });
    afterEach(async () => { await p.stop(); });

    it("a standing-by pair reads all quiet; every OCI request is signed", async () => {
        assert.deepStrictEqual(await obs.observe(), {
            healthCheckUnhealthy: false, alarmFiring: false, functionDecision: "no-failover-recorded", operatorReplicas: 0,
            logscaleReady: false, globalResolvesTo: "primary", dnsLocked: false, operatorScaleUps: 0,
        });
        assert.ok(p.oci.requests.length >= 5 && p.oci.requests.every(r => r.signatureValid && r.status === 200), JSON.stringify(p.oci.requests.map(r => [r.path, r.status])));
    });

    it("health check: unhealthy only when no vantage point's newest probe reached the primary", async () => {
        const now = p.clock.now();
        p.oci.httpProbeResults.set(MONITOR, httpProbes(now, false));
        assert.strictEqual(await obs.healthCheckUnhealthy(), true);
        // One vantage point still through in its newest probe: healthy, as the function reads it.
        const mixed = httpProbes(now, false);
        const newest = mixed.find(r => r.vantagePointName === VANTAGE_POINTS[1])!;
        newest.isHealthy = true;
        p.oci.httpProbeResults.set(MONITOR, mixed);
        assert.strictEqual(await obs.healthCheckUnhealthy(), false);
        const req = p.oci.requests.filter(r => r.path === `/20180501/httpProbeResults/${MONITOR}`).pop()!;
        assert.deepStrictEqual(req.query, { startTimeGreaterThanOrEqualTo: String(now - 300_000), sortOrder: "DESC", limit: "1000" });
        p.oci.httpProbeResults.set(MONITOR, []);
        await assert.rejects(obs.healthCheckUnhealthy(), /no probe results for the primary's monitor in the last 300s/);
    });

    it("alarm: the failover alarm's status in ListAlarmsStatus, FIRING; the compartment read once from GetAlarm", async () => {
        assert.strictEqual(await obs.alarmFiring(), false);
        p.oci.alarms.set("ocid1.alarm.oc1.phx.other", { displayName: "other", isEnabled: true, compartmentId: COMPARTMENT, status: "FIRING" });
        assert.strictEqual(await obs.alarmFiring(), false, "another alarm's FIRING is not ours");
        p.oci.alarms.get(ALARM)!.status = "FIRING";
        assert.strictEqual(await obs.alarmFiring(), true);
        delete p.oci.alarms.get(ALARM)!.status;
        assert.strictEqual(await obs.alarmFiring(), false, "not listed yet: not fired");
        assert.strictEqual(p.oci.count("GET", `/20180401/alarms/${ALARM}`), 1);
        const req = p.oci.requests.filter(r => r.path === "/20180401/alarms/status").pop()!;
        assert.strictEqual(req.query.compartmentId, COMPARTMENT);
    });

    it("function decision: the cooldown annotation dated at or after the gameday's start", async () => {
        const start = Math.floor(T0 / 1000);
        assert.strictEqual(await obs.functionDecision(), "no-failover-recorded");
        p.annotate(COOLDOWN_ANNOTATION, String(start - 60));
        assert.strictEqual(await obs.functionDecision(), "no-failover-recorded");
        p.annotate(COOLDOWN_ANNOTATION, `${start + 5};lock=applied`);
        assert.strictEqual(await obs.functionDecision(), "failed-over");
        p.annotate(COOLDOWN_ANNOTATION, "soon");
        await assert.rejects(obs.functionDecision(), /^Error: annotation logscale\.dr\/last-failover-epoch on the standby's humio-operator Deployment holds "soon"/);
    });

    it("operator, LogScale ready and the lock (the policy re-read every poll)", async () => {
        assert.strictEqual((await obs.observe()).operatorReplicas, 0);
        p.kube.secondary.deployment("logging", "humio-operator")!.spec.replicas = 1;
        p.kube.secondary.serviceProxy = () => ({ status: 200, body: '{"status":"OK"}' });
        p.oci.editPolicy(POLICY, d => { (d.answers as Array<{ isDisabled: boolean }>)[0].isDisabled = true; });
        const o = await obs.observe();
        assert.deepStrictEqual([o.operatorReplicas, o.operatorScaleUps, o.logscaleReady, o.dnsLocked], [1, 1, true, true]);
        p.oci.editPolicy(POLICY, d => { (d.answers as Array<{ isDisabled: boolean }>)[0].isDisabled = false; });
        assert.strictEqual((await obs.observe()).dnsLocked, false);
    });

    it("global hostname: asked of the zone's nameservers (GetZone), not the recursive cache", async () => {
        p.dns.authoritative.set("logscale.example.com", [IPS.secondary]);
        assert.strictEqual((await obs.observe()).globalResolvesTo, "secondary", "the recursive fake still says primary");
        assert.ok(!p.dns.recursive.asked.includes("logscale.example.com"));
        assert.strictEqual(p.oci.count("GET", `/20180115/zones/${ZONE}`), 1);
        await obs.observe();
        assert.strictEqual(p.oci.count("GET", `/20180115/zones/${ZONE}`), 1, "the name servers are read once");
    });

    it("a zone without nameservers is a clear error", async () => {
        p.oci.zones.get(ZONE)!.nameservers = [];
        await assert.rejects(observer(1).observe(), /reading globalResolvesTo failed 1 polls in a row: DNS zone ocid1\.dns-zone\.oc1\.\.aaaazone lists no nameservers/);
    });

    it("outputs the observer needs are named when missing", () => {
        for (const k of ["healthMonitorId", "dnsZoneId", "globalHostname"]) {
            const s = plain(p, "secondary");
            delete s[k];
            assert.throws(() => ociObserverNamesFromOutputs(plain(p, "primary"), s), new RegExp(`^Error: the standby stack has no "${k}" output; the live gameday observer needs it$`));
        }
    });
});

describe("live OCI gameday through the command (fakes, virtual clock, the test plays Health Checks, the alarm and the function)", function () {
    this.timeout(60_000);
    let p: OciPair | undefined;
    afterEach(async () => { await p?.stop(); p = undefined; });
    const start = async (o: WorldOptions = {}) => { p = await ociPair(o); return p; };
    const run = async (argv: string[], live: () => Promise<LivePair>, onErr?: (s: string) => void) => {
        let out = ""; let err = "";
        const code = await main(argv, { dir: ociDir(), live: () => live(), stdout: s => { out += s; }, stderr: s => { err += s; onErr?.(s); } });
        return { code, out, err };
    };
    const original = (q: OciPair) => Object.fromEntries(ROUTES.map(r => [r, copy(q.parentRefs(r))]));

    it("primary-down: pre-flight passes, every phase reached in order, the pair stays failed over, routes restored exactly", async () => {
        const q = await start();
        const refs = original(q);
        const r = await run(["--stack", "secondary", "--scenario", "primary-down", "--confirm", "primary", "--json"], async () => q.live());
        assert.strictEqual(r.code, 0, r.err + r.out);
        assert.match(r.err, /pre-flight: readiness passes \(\d+ checks\)/);
        const doc = JSON.parse(r.out) as { phases: Array<{ key: string; atS: number | null }>; restored: boolean };
        const at = Object.fromEntries(doc.phases.map(x => [x.key, x.atS]));
        assert.ok(at.healthCheckUnhealthy! >= 40 && at.healthCheckUnhealthy! < 60, JSON.stringify(at));
        assert.ok(at.alarmFiring! >= 90 && at.alarmFiring! < 110, JSON.stringify(at));
        assert.ok(at.functionFailedOver! >= 278 && at.functionFailedOver! < 300, JSON.stringify(at));
        assert.ok(at.dnsToSecondary! >= 278 + 270, JSON.stringify(at));
        assert.ok(doc.restored);
        for (const [name, before] of Object.entries(refs)) assert.deepStrictEqual(q.parentRefs(name), before, name);
        assert.strictEqual(q.kube.secondary.deployment("logging", "humio-operator")!.spec.replicas, 1);
        assert.strictEqual(q.oci.count("PUT", "/"), 0, "the gameday changes nothing in OCI; only the played function did");
        assert.ok(q.oci.requests.every(x => x.signatureValid));
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

    it("an aborted runGameday over the OCI live adapters restores the routes", async () => {
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

/** The project with its secondary stack on oci: the command reads the cloud from the stack file. */
let dir: string | undefined;
function ociDir(): string {
    if (!dir) {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "gameday-oci-"));
        fs.copyFileSync(path.join(DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        fs.writeFileSync(path.join(dir, "Pulumi.secondary.yaml"), fs.readFileSync(path.join(DIR, "Pulumi.secondary.yaml"), "utf8").replace("logscale-dr:cloud: aws", "logscale-dr:cloud: oci"));
    }
    return dir;
}
after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });
