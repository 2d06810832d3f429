// The live AWS gameday over real local fakes: the HTTPRoute outage, the
// observer's readings per phase, and whole gamedays through the command with
// the test playing Route 53, the alarm and the failover function.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LOCKED_FQDN } from "../../functions/aws/platform";
import { main } from "../../scripts/gameday/cli";
import { sideOf } from "../../scripts/gameday/global-dns";
import { awsLivePair, LivePair } from "../../scripts/gameday/live";
import { AwsPairObserver, observerNamesFromOutputs } from "../../scripts/gameday/observe-aws";
import { HttpRouteOutage, primaryRouteNames } from "../../scripts/gameday/outage-route";
import { runGameday } from "../../scripts/gameday/run";
import { ALARM, COOLDOWN, fakePair, FakePair, GW, IPS, ROUTES, T0, WorldOptions } from "./live-pair";

const DIR = path.resolve(__dirname, "..", "..");
const S = 1000;
const plain = (p: FakePair, side: "primary" | "secondary") => Object.fromEntries(Object.entries(p.outputs[side]).map(([k, v]) => [k, v.value]));

describe("live gameday: the HTTPRoute outage (FakeKubernetes)", () => {
    let p: FakePair;
    beforeEach(async () => { p = await fakePair(); });
    afterEach(async () => { await p.stop(); });
    const outage = () => new HttpRouteOutage({ server: p.kube.primary.url }, "logscale");

    it("names the three routes the gateway component creates", () => {
        assert.deepStrictEqual(primaryRouteNames("logscale"), ROUTES);
    });

    it("take empties every route's parentRefs and records them; restore puts them back exactly; a second restore changes nothing", async () => {
        const original = Object.fromEntries(ROUTES.map(r => [r, JSON.parse(JSON.stringify(p.parentRefs(r)))]));
        assert.strictEqual((original["logscale-ui"] as unknown[]).length, 3, "regional, fallback and global listeners");
        const o = outage();
        const record = await o.take();
        for (const r of ROUTES) assert.deepStrictEqual(p.parentRefs(r), [], r);
        assert.deepStrictEqual(record.before, original);
        assert.match(record.target, /^HTTPRoute logging\/logscale-ingest, logging\/logscale-ui, logging\/logscale-https-redirect$/);
        const patches = p.kube.primary.requests.filter(r => r.method === "PATCH");
        assert.ok(patches.every(r => r.contentType === "application/merge-patch+json"), "JSON merge patch");
        assert.ok(patches.every(r => typeof (r.body as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion === "string"), "take patches with the resourceVersion it read");
        // Only what a restore record holds, as after a Ctrl-C in another process.
        await outage().restore(JSON.parse(JSON.stringify(record)));
        for (const r of ROUTES) assert.deepStrictEqual(p.parentRefs(r), original[r], r);
        const before = p.kube.primary.count("PATCH", "/httproutes/");
        await o.restore(record);
        assert.strictEqual(p.kube.primary.count("PATCH", "/httproutes/"), before, "idempotent: nothing to put back");
    });

    it("refuses to take a route that is already detached, and changes nothing", async () => {
        const ui = p.kube.primary.object(GW, "httproutes", "logging", "logscale-ui")!;
        (ui.spec as { parentRefs: unknown[] }).parentRefs = [];
        await assert.rejects(outage().take(), /^Error: refusing: HTTPRoute logging\/logscale-ui already has no parentRefs \(an earlier gameday not restored\?\); reattach it/);
        assert.strictEqual(p.kube.primary.count("PATCH", "/httproutes/"), 0);
        assert.strictEqual((p.parentRefs("logscale-ingest") as unknown[]).length, 3);
    });

    it("a take that fails halfway puts back the routes it had detached", async () => {
        const original = JSON.parse(JSON.stringify(p.parentRefs("logscale-ingest")));
        p.kube.primary.fault({ method: "PATCH", path: "/httproutes/logscale-ui", status: 403 });
        await assert.rejects(outage().take(), /patching HTTPRoute logging\/logscale-ui parentRefs: HTTP 403/);
        assert.deepStrictEqual(p.parentRefs("logscale-ingest"), original);
        assert.strictEqual((p.parentRefs("logscale-ui") as unknown[]).length, 3);
    });

    it("a route missing on the primary is named", async () => {
        p.kube.primary.remove(`${GW}/httproutes`, "logging", "logscale-https-redirect");
        await assert.rejects(outage().take(), /HTTPRoute logging\/logscale-https-redirect not found on the primary/);
    });
});

describe("live gameday: the AWS observer's readings (AWS, Kubernetes and DNS fakes)", () => {
    let p: FakePair;
    let obs: AwsPairObserver;
    beforeEach(async () => {
        p = await fakePair();
        obs = new AwsPairObserver(observerNamesFromOutputs(plain(p, "primary"), plain(p, "secondary")), { server: p.kube.secondary.url },
            { clock: p.clock, aws: p.clientOptions, dns: p.dnsOptions });
    });
    afterEach(async () => { await p.stop(); });

    it("each phase as the pair moves through it", async () => {
        const healthy = await obs.observe();
        assert.deepStrictEqual(healthy, {
            healthCheckUnhealthy: false, alarmFiring: false, functionDecision: "no-failover-recorded", operatorReplicas: 0,
            logscaleReady: false, globalResolvesTo: "primary", dnsLocked: false, operatorScaleUps: 0,
        });
        p.aws.state.checkerStatus!["hc-primary"] = Array(8).fill("Failure: HTTP Status Code 404, Not Found");
        p.aws.state.alarms[ALARM].state = "ALARM";
        const down = await obs.observe();
        assert.ok(down.healthCheckUnhealthy && down.alarmFiring, JSON.stringify(down));
        assert.strictEqual(down.functionDecision, "no-failover-recorded");

        p.aws.state.parameters[COOLDOWN] = `${Math.floor(p.clock.now() / S) + 300};lock=applied`;
        p.kube.secondary.deployment("logging", "humio-operator")!.spec.replicas = 1;
        const scaled = await obs.observe();
        assert.strictEqual(scaled.functionDecision, "failed-over");
        assert.strictEqual(scaled.operatorReplicas, 1);
        assert.strictEqual(scaled.operatorScaleUps, 1);
        assert.strictEqual(scaled.logscaleReady, false, "503 from the proxy: no endpoints yet");

        p.kube.secondary.serviceProxy = (_ns, svc, pth) => (svc === "https:logscale-ui-cip:8080" && pth === "/api/v1/status" ? { status: 200, body: '{"status":"OK"}' } : { status: 404, body: "" });
        assert.strictEqual((await obs.observe()).logscaleReady, true);
        p.dns.authoritative.set("logscale.example.com", IPS.secondary);
        assert.strictEqual((await obs.observe()).globalResolvesTo, "secondary");
        p.aws.state.healthCheckFqdn["hc-primary"] = LOCKED_FQDN;
        const locked = await obs.observe();
        assert.strictEqual(locked.dnsLocked, true);
        assert.strictEqual(locked.operatorScaleUps, 1, "still one scale-up while it stays at 1");
        assert.ok(p.dns.recursive.asked.includes("ns-1.fake-dns.test"), "the zone's DelegationSet name servers were looked up");
        assert.ok(!p.dns.recursive.asked.includes("logscale.example.com"), "the global name is never asked of a cache");
        assert.strictEqual(p.aws.calls.filter(c => c === "GetHostedZone").length, 1, "the name servers are read once");
        const proxied = p.kube.secondary.requests.filter(r => r.path.includes("/proxy/"));
        assert.strictEqual(proxied[0].path, "/api/v1/namespaces/logging/services/https:logscale-ui-cip:8080/proxy/api/v1/status");
    });

    it("unhealthy is Route 53's rule (healthy above 18% healthy checkers), as the function reads it", async () => {
        const set = (ok: number) => { p.aws.state.checkerStatus!["hc-primary"] = [...Array(ok).fill("Success: HTTP Status Code 200, OK"), ...Array(8 - ok).fill("Failure: Connection timed out")]; };
        set(2);
        assert.strictEqual((await obs.observe()).healthCheckUnhealthy, false, "2 of 8 healthy (25%) is healthy");
        set(1);
        assert.strictEqual((await obs.observe()).healthCheckUnhealthy, true, "1 of 8 healthy (12.5%) is unhealthy");
    });

    it("a failover recorded before the gameday began is not this gameday's", async () => {
        p.aws.state.parameters[COOLDOWN] = `${Math.floor(T0 / S) - 86400};lock=applied`;
        assert.strictEqual((await obs.observe()).functionDecision, "no-failover-recorded");
    });

    it("a failover record that does not parse is an error naming the parameter and the format", async () => {
        p.aws.state.parameters[COOLDOWN] = "yesterday";
        await obs.observe();
        await obs.observe();
        await assert.rejects(obs.observe(), /reading functionDecision failed 3 polls in a row: SSM parameter \/logscale-dr\/logscale\/us-east-2\/last-failover-epoch holds "yesterday"; expected "<epoch seconds>;lock=pending\|applied"/);
    });

    it("scale-ups count 0 -> 1 transitions across readings", async () => {
        const d = p.kube.secondary.deployment("logging", "humio-operator")!;
        const seq = [0, 1, 1, 0, 1];
        let last;
        for (const r of seq) { d.spec.replicas = r; last = await obs.observe(); }
        assert.strictEqual(last!.operatorScaleUps, 2);
    });

    it("one failed read keeps the last value; three in a row end the observation with the cause", async () => {
        const d = p.kube.secondary.deployment("logging", "humio-operator")!;
        d.spec.replicas = 1;
        await obs.observe();
        p.kube.secondary.fault({ method: "GET", path: "/deployments/humio-operator", status: 500, times: 3 });
        assert.strictEqual((await obs.observe()).operatorReplicas, 1);
        await obs.observe();
        await assert.rejects(obs.observe(), /reading operatorReplicas failed 3 polls in a row: GET .*HTTP 500/);
    });

    it("the DNS side: answers naming neither or both load balancers are unknown", () => {
        assert.strictEqual(sideOf(["10.1.0.2"], IPS.primary, IPS.secondary), "secondary");
        assert.strictEqual(sideOf(["10.0.0.1"], IPS.primary, IPS.secondary), "primary");
        assert.strictEqual(sideOf([], IPS.primary, IPS.secondary), "unknown");
        assert.strictEqual(sideOf(["10.0.0.1", "10.1.0.1"], IPS.primary, IPS.secondary), "unknown");
    });

    it("a zone without name servers is a clear error", async () => {
        p.aws.state.hostedZones!.ZFAKE.nameServers = [];
        const o = new AwsPairObserver(observerNamesFromOutputs(plain(p, "primary"), plain(p, "secondary")), { server: p.kube.secondary.url },
            { clock: p.clock, aws: p.clientOptions, dns: p.dnsOptions, maxFailedReads: 1 });
        await assert.rejects(o.observe(), /reading globalResolvesTo failed 1 polls in a row: hosted zone ZFAKE has no DelegationSet name servers/);
    });
});

describe("live gameday through the command (fakes, virtual clock, the test plays the function)", () => {
    let p: FakePair | undefined;
    afterEach(async () => { await p?.stop(); p = undefined; });
    const run = async (argv: string[], live: () => Promise<LivePair>, dir = DIR, onErr?: (s: string) => void) => {
        let out = ""; let err = "";
        const code = await main(argv, { dir, live: () => live(), stdout: s => { out += s; }, stderr: s => { err += s; onErr?.(s); } });
        return { code, out, err };
    };
    const start = async (o: WorldOptions = {}) => { p = await fakePair(o); return p; };
    const original = (q: FakePair) => Object.fromEntries(ROUTES.map(r => [r, JSON.parse(JSON.stringify(q.parentRefs(r)))]));

    it("primary-down: pre-flight passes, every phase reached, invariants hold, routes restored exactly, report files", async () => {
        const q = await start();
        const refs = original(q);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gameday-live-"));
        try {
            const r = await run(["--stack", "secondary", "--scenario", "primary-down", "--confirm", "primary", "--report", dir], async () => q.live());
            assert.strictEqual(r.code, 0, r.err + r.out);
            assert.match(r.err, /pre-flight: readiness passes \(\d+ checks\)/);
            assert.match(r.out, /^gameday primary-down: PASS — failed over in \d+s \(expected 548s\)\n/);
            const doc = JSON.parse(fs.readFileSync(path.join(dir, "gameday.json"), "utf8")) as { phases: Array<{ key: string; atS: number | null }>; restored: boolean; outageMethod: string; measuredTotalS: number };
            assert.ok(doc.restored);
            assert.match(doc.outageMethod, /HTTPRoutes/);
            const at = Object.fromEntries(doc.phases.map(x => [x.key, x.atS]));
            assert.ok(at.healthCheckUnhealthy! >= 40 && at.healthCheckUnhealthy! < 60, JSON.stringify(at));
            assert.ok(at.functionFailedOver! >= 278 && at.functionFailedOver! < 300, JSON.stringify(at));
            assert.ok(at.dnsToSecondary! >= 278 + 270, JSON.stringify(at));
            assert.strictEqual(doc.measuredTotalS, at.dnsToSecondary);
            for (const [name, before] of Object.entries(refs)) assert.deepStrictEqual(q.parentRefs(name), before, name);
            assert.strictEqual(q.kube.secondary.deployment("logging", "humio-operator")!.spec.replicas, 1, "the pair stays failed over");
            assert.ok(q.kube.secondary.requests.some(x => x.method === "POST" && x.path.endsWith("/jobs")), "the pre-flight ran the probe Job");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
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

    it("DNS going back to the primary after the restore fails the no-traffic-back invariant", async () => {
        const q = await start({ failsBack: true });
        const r = await run(["--stack", "secondary", "--scenario", "primary-down", "--confirm", "primary", "--json"], async () => q.live());
        assert.strictEqual(r.code, 1);
        assert.match((JSON.parse(r.out) as { reason: string }).reason, /no-traffic-back \(the global hostname went back to the primary/);
    });

    it("a function that never acts: timeout naming the missing phases, routes restored", async () => {
        const q = await start({ functionNeverActs: true });
        const refs = original(q);
        const r = await run(["--stack", "secondary", "--scenario", "primary-down", "--confirm", "primary", "--timeout", "600", "--json"], async () => q.live());
        assert.strictEqual(r.code, 1);
        assert.match((JSON.parse(r.out) as { reason: string }).reason, /^timed out after 600s waiting for: function decided failed-over, operator 1\/1/);
        for (const [name, before] of Object.entries(refs)) assert.deepStrictEqual(q.parentRefs(name), before, name);
    });

    it("SIGINT mid-run: the command's handler restores the routes exactly, exit 1", async () => {
        const q = await start();
        const refs = original(q);
        const before = process.listeners("SIGINT");
        let sent = false;
        const r = await run(["--stack", "secondary", "--scenario", "primary-down", "--confirm", "primary"], async () => q.live(), DIR, s => {
            // A line per phase (stderr is not a terminal): interrupt once the function is awaited.
            if (!sent && /waiting: function decided/.test(s)) {
                sent = true;
                assert.deepStrictEqual(q.parentRefs("logscale-ui"), [], "the outage is in place when the signal comes");
                for (const l of process.listeners("SIGINT").filter(x => !before.includes(x))) (l as () => void)();
            }
        });
        assert.ok(sent, r.err);
        assert.strictEqual(r.code, 1);
        assert.match(r.out, /^gameday primary-down: FAIL — interrupted after (9\d|1\d\d)s; primary restored\n/);
        for (const [name, before2] of Object.entries(refs)) assert.deepStrictEqual(q.parentRefs(name), before2, name);
        assert.deepStrictEqual(process.listeners("SIGINT"), before);
    });

    it("an aborted runGameday over the live adapters restores the routes (no command)", async () => {
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
        for (const [name, before] of Object.entries(refs)) assert.deepStrictEqual(q.parentRefs(name), before, name);
    });

    it("a pair that is not ready: the readiness table, exit 1, and no outage", async () => {
        const q = await start();
        q.aws.state.alarms[ALARM].actionsEnabled = false;
        const r = await run(["--stack", "secondary", "--scenario", "primary-down", "--confirm", "primary"], async () => q.live());
        assert.strictEqual(r.code, 1);
        assert.match(r.err, /alarm +FAIL/);
        assert.match(r.err, /refusing: the pair is not ready \(npm run readiness -- --stack secondary\); no outage was made\n$/);
        assert.strictEqual(q.kube.primary.count("PATCH", "/httproutes/"), 0);
        assert.strictEqual(r.out, "");
    });

    it("the live pair reaches each cluster through its stack's kubeconfig output; a missing one is named", async () => {
        const q = await start();
        const kc = (url: string) => `apiVersion: v1\nkind: Config\ncurrent-context: c\ncontexts: [{name: c, context: {cluster: k, user: u}}]\nclusters: [{name: k, cluster: {server: "${url}"}}]\nusers: [{name: u, user: {token: gameday-token}}]\n`;
        const input = q.readiness();
        assert.throws(() => awsLivePair(input, { aws: q.clientOptions, dns: q.dnsOptions }), /^Error: stack "primary" has no kubeconfig output$/);
        input.outputs.primary.kubeconfig = { value: kc(q.kube.primary.url), secret: true };
        input.outputs.secondary.kubeconfig = { value: kc(q.kube.secondary.url), secret: true };
        const live = awsLivePair(input, { aws: q.clientOptions, dns: q.dnsOptions });
        assert.strictEqual(live.expectedTotalS, 548);
        const record = await live.outage.take();
        await live.outage.restore(record);
        assert.strictEqual((await live.observer.observe()).operatorReplicas, 0);
        for (const k of [q.kube.primary, q.kube.secondary]) assert.ok(k.requests.length > 0 && k.requests.every(r => r.authorization === "Bearer gameday-token"));
    });

    it("--help describes the live default (every cloud) and --simulate", async () => {
        const r = await run(["--help"], async () => { throw new Error("read"); });
        assert.strictEqual(r.code, 0);
        assert.match(r.out, /--confirm <primary stack name> \[--simulate\]/);
        assert.match(r.out, /\(default\) +the live pair \(aws, azure or oci\): readiness must pass first/);
        assert.match(r.out, /--simulate +run against the simulated pair on a virtual clock \(any cloud/);
    });

    it("the --confirm gate comes before the live pair is read", async () => {
        let read = false;
        const r = await run(["--stack", "secondary", "--scenario", "primary-down", "--confirm", "prod"], async () => { read = true; throw new Error("read"); });
        assert.strictEqual(r.code, 2);
        assert.ok(!read);
    });

    it("azure and oci stacks go live (the live pair is read); a cloud without a backend exits 2 naming the ones there are, and cannot be simulated either", async () => {
        for (const cloud of ["azure", "oci", "gcp"]) {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), `gameday-${cloud}-`));
            try {
                fs.copyFileSync(path.join(DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
                fs.writeFileSync(path.join(dir, "Pulumi.secondary.yaml"), fs.readFileSync(path.join(DIR, "Pulumi.secondary.yaml"), "utf8").replace("logscale-dr:cloud: aws", `logscale-dr:cloud: ${cloud}`));
                let read = false;
                const r = await run(["--stack", "secondary", "--scenario", "primary-down", "--confirm", "primary"], async () => { read = true; throw new Error("read"); }, dir);
                if (cloud === "gcp") {
                    assert.strictEqual(r.code, 2, r.err);
                    assert.strictEqual(r.err, `stack "secondary" is on gcp: the live gameday knows aws, azure, oci; --simulate works on any of them\n`);
                    assert.ok(!read);
                } else {
                    assert.strictEqual(r.code, 1, r.err);
                    assert.ok(read, `${cloud}: the live pair was not read`);
                    assert.strictEqual(r.err, "read\n");
                }
                const sim = await run(["--stack", "secondary", "--scenario", "primary-down", "--confirm", "primary", "--simulate", "--json"], async () => { throw new Error("read"); }, dir);
                // The simulated pair follows the stack's model, so it needs a config the program accepts.
                if (cloud === "gcp") {
                    assert.strictEqual(sim.code, 2, sim.err);
                    assert.match(sim.err, /invalid config logscale-dr:cloud = "gcp" in stack "secondary": allowed values are aws, azure, oci/);
                } else {
                    assert.strictEqual(sim.code, 0, sim.err);
                }
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        }
    });
});
