import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runFailover } from "../../functions/core/failover";
import { FailoverResult, RemoteError } from "../../functions/core/types";
import { KubeClient } from "../../functions/k8s/client";
import { toFunctionConfig } from "../../functions/oci/config";
import { handleNotification } from "../../functions/oci/handler";
import { okeToken } from "../../functions/oci/oke";
import { COOLDOWN_ANNOTATION, OciPlatform, OciPlatformTarget } from "../../functions/oci/platform";
import { FakeClock, k8sTime, memoryLogger, settings } from "../functions/fakes";
import { FakeKubernetes } from "../support/fake-k8s";
import { FakeOci } from "./fake-oci";
import { CLUSTER, COMPARTMENT, credentials, httpProbes, KEY_ID, MONITOR, okeTokenIsValid, PING, POLICY, policyDoc, REGION, RPST, series, testKeys } from "./fixtures";

const NS = "logging";
const OPERATOR = "humio-operator";

describe("OCI platform adapter against a fake DNS/Monitoring/Health Checks API and the fake Kubernetes API (HTTP on 127.0.0.1)", () => {
    let fake: FakeOci;
    let kube: FakeKubernetes;
    let clock: FakeClock;
    let k8s: KubeClient;
    let logger: ReturnType<typeof memoryLogger>;

    const target = (): OciPlatformTarget => ({
        region: REGION,
        compartmentId: COMPARTMENT,
        steeringPolicyId: POLICY,
        primaryPool: "primary",
        primaryMonitorId: MONITOR,
        primaryResultsUrl: `${fake.url}/20180501/httpProbeResults/${MONITOR}`,
        secondaryResultsUrl: `${fake.url}/20180501/pingProbeResults/${PING}`,
        secondaryWindowSeconds: 180,
        metricLookbackSeconds: 1200,
        alarmRepeatSeconds: 300,
        namespace: NS,
        operatorDeployment: OPERATOR,
        endpoints: { dns: fake.url, telemetry: fake.url },
        timeoutMs: 2000,
    });
    const platform = () => new OciPlatform(target(), credentials, k8s, clock, logger.log);

    before(() => testKeys());

    beforeEach(async () => {
        fake = await FakeOci.start(testKeys().publicKey, KEY_ID);
        clock = new FakeClock();
        // The API server accepts only OKE tokens signed for this cluster by the function's key.
        kube = await FakeKubernetes.start({ authorize: h => okeTokenIsValid(h, CLUSTER, REGION) });
        k8s = new KubeClient({
            connection: { server: kube.url, token: () => okeToken(REGION, CLUSTER, credentials(), new Date(clock.now())) },
            timeoutMs: 2000,
        });
        logger = memoryLogger();
        fake.putPolicy(POLICY, policyDoc());
        kube.putDeployment(NS, OPERATOR, { replicas: 0 });
    });

    afterEach(async () => {
        k8s.close();
        await kube.stop();
        await fake.stop();
    });

    describe("lockDns", () => {
        it("disables the primary answer and sends back everything else as it was, with the ETag", async () => {
            await platform().lockDns();
            const put = fake.requests.filter(r => r.method === "PUT");
            assert.equal(put.length, 1);
            assert.equal(put[0].headers["if-match"], '"v1"');
            assert.ok(put[0].signatureValid);
            const before = policyDoc();
            const after = fake.policy(POLICY);
            assert.deepEqual(after.answers, [
                { name: "primary", rtype: "A", rdata: "203.0.113.10", pool: "primary", isDisabled: true },
                { name: "secondary", rtype: "A", rdata: "203.0.113.20", pool: "secondary", isDisabled: false },
            ]);
            for (const k of ["rules", "template", "ttl", "healthCheckMonitorId", "displayName", "freeformTags"]) {
                assert.deepEqual(after[k], before[k], `${k} changed`);
            }
            const body = put[0].body as Record<string, unknown>;
            assert.ok(!("id" in body) && !("lifecycleState" in body), "read-only fields are not sent back");
        });

        it("is idempotent: an already disabled primary means no PUT", async () => {
            fake.editPolicy(POLICY, d => { (d.answers as { isDisabled: boolean }[])[0].isDisabled = true; });
            await platform().lockDns();
            assert.equal(fake.count("PUT", "/steeringPolicies/"), 0);
            assert.ok(logger.lines.some(l => l.event === "oci.dns-already-locked"));
        });

        it("re-reads on 412 and keeps a concurrent edit instead of overwriting it", async () => {
            fake.fault({
                method: "PUT", path: "/steeringPolicies/", status: 0,
                before: f => f.editPolicy(POLICY, d => { d.ttl = 30; }),
            });
            await platform().lockDns();
            assert.equal(fake.count("GET", "/steeringPolicies/"), 2);
            assert.deepEqual(fake.requests.filter(r => r.method === "PUT").map(r => r.status), [412, 200]);
            const after = fake.policy(POLICY);
            assert.equal(after.ttl, 30);
            assert.equal((after.answers as { isDisabled: boolean }[])[0].isDisabled, true);
        });

        it("with the policy prefetched (round 1), the lock is one PUT carrying the prefetched ETag", async () => {
            const p = platform();
            await p.prefetchLock();
            assert.equal(fake.count("GET", "/steeringPolicies/"), 1);
            await p.lockDns();
            assert.equal(fake.count("GET", "/steeringPolicies/"), 1, "no second read");
            const put = fake.requests.filter(r => r.method === "PUT");
            assert.deepEqual(put.map(r => [r.headers["if-match"], r.status]), [['"v1"', 200]]);
            assert.equal((fake.policy(POLICY).answers as { isDisabled: boolean }[])[0].isDisabled, true);
            // The prefetched copy is used once: a later lock reads again (and finds it locked).
            await p.lockDns();
            assert.equal(fake.count("GET", "/steeringPolicies/"), 2);
            assert.equal(fake.count("PUT", "/steeringPolicies/"), 1);
        });

        it("a policy edited after the prefetch: 412, one re-read, and the edit is kept", async () => {
            const p = platform();
            await p.prefetchLock();
            fake.editPolicy(POLICY, d => { d.ttl = 30; });
            await p.lockDns();
            assert.deepEqual(fake.requests.filter(r => r.method === "PUT").map(r => [r.headers["if-match"], r.status]), [['"v1"', 412], ['"v2"', 200]]);
            assert.equal(fake.count("GET", "/steeringPolicies/"), 2);
            const after = fake.policy(POLICY);
            assert.equal(after.ttl, 30);
            assert.equal((after.answers as { isDisabled: boolean }[])[0].isDisabled, true);
            assert.ok(logger.lines.some(l => l.event === "oci.dns-lock-conflict"));
        });

        it("changed again after the re-read: gives up after the one retry with a retryable 412, never writing blind", async () => {
            fake.fault({ method: "PUT", path: "/steeringPolicies/", status: 0, times: 2, before: f => f.editPolicy(POLICY, d => { d.ttl = Number(d.ttl) - 1; }) });
            await assert.rejects(platform().lockDns(), (e: RemoteError) => e.retryable && e.status === 412);
            assert.deepEqual(fake.requests.filter(r => r.method === "PUT").map(r => r.status), [412, 412]);
            assert.ok(fake.requests.filter(r => r.method === "PUT").every(r => typeof r.headers["if-match"] === "string"));
            assert.equal((fake.policy(POLICY).answers as { isDisabled: boolean }[])[0].isDisabled, false);
        });

        it("a prefetch that failed leaves nothing behind: the lock reads for itself", async () => {
            const p = platform();
            fake.fault({ method: "GET", path: "/steeringPolicies/", status: 503 });
            await assert.rejects(p.prefetchLock(), (e: RemoteError) => e.retryable && e.status === 503);
            await p.lockDns();
            assert.equal(fake.count("GET", "/steeringPolicies/"), 2);
            assert.deepEqual(fake.requests.filter(r => r.method === "PUT").map(r => r.status), [200]);
        });

        it("an already locked policy seen by the prefetch: no write at all", async () => {
            fake.editPolicy(POLICY, d => { (d.answers as { isDisabled: boolean }[])[0].isDisabled = true; });
            const p = platform();
            await p.prefetchLock();
            await p.lockDns();
            assert.equal(fake.count("GET", "/steeringPolicies/"), 1);
            assert.equal(fake.count("PUT", "/steeringPolicies/"), 0);
        });

        it("refuses, without retry, a policy with no primary pool or with no other enabled answer", async () => {
            fake.editPolicy(POLICY, d => { (d.answers as { pool: string }[])[0].pool = "blue"; });
            await assert.rejects(platform().lockDns(), (e: RemoteError) => e instanceof RemoteError && !e.retryable && /no answer in pool "primary"/.test(e.message));
            fake.putPolicy(POLICY, policyDoc());
            fake.editPolicy(POLICY, d => { (d.answers as { isDisabled: boolean }[])[1].isDisabled = true; });
            await assert.rejects(platform().lockDns(), (e: RemoteError) => !e.retryable && /no answer to serve/.test(e.message));
            assert.equal(fake.count("PUT", "/steeringPolicies/"), 0);
        });

        it("classifies 5xx and 429 as retryable, 404 as not", async () => {
            fake.fault({ method: "GET", path: "/steeringPolicies/", status: 503 });
            await assert.rejects(platform().lockDns(), (e: RemoteError) => e.retryable && e.status === 503 && /opc-request-id/.test(e.message));
            fake.fault({ method: "PUT", path: "/steeringPolicies/", status: 429 });
            await assert.rejects(platform().lockDns(), (e: RemoteError) => e.retryable && e.status === 429);
            fake.policies.clear();
            await assert.rejects(platform().lockDns(), (e: RemoteError) => !e.retryable && e.status === 404);
        });
    });

    describe("primaryHealth (SummarizeMetricsData max per minute, and ListHttpProbeResults for now)", () => {
        // Half a minute into the minute after the newest published one, as a published metric lags.
        beforeEach(() => { clock.nowMs += 30_000; });

        it("counts the consecutive minutes in which every probe failed, ending at the newest", async () => {
            fake.datapoints.set(MONITOR, series(clock.now(), [1, 1, 0, 1, 0, 0, 0, 0]));
            fake.httpProbeResults.set(MONITOR, httpProbes(clock.now(), false));
            const h = await platform().primaryHealth();
            assert.deepEqual([h.healthy, h.failingForSeconds], [false, 240]);
            const req = fake.requests.find(r => r.path.endsWith("/summarizeMetricsData"))!;
            assert.equal(req.query.compartmentId, COMPARTMENT);
            assert.equal((req.body as { query: string }).query, `HTTP.isHealthy[1m]{resourceId = "${MONITOR}"}.grouping().max()`);
            assert.equal((req.body as { startTime: string }).startTime, new Date(clock.now() - 1200_000).toISOString());
            const probes = fake.requests.find(r => r.path.includes("/httpProbeResults/"))!;
            assert.deepEqual([probes.query.startTimeGreaterThanOrEqualTo, probes.query.sortOrder, probes.query.limit], [String(clock.now() - 300_000), "DESC", "1000"]);
            assert.ok(fake.requests.every(r => r.signatureValid));
        });

        it("a minute in which any vantage point reached the primary breaks the run (the flapping case)", async () => {
            // Most probes failed in every minute, but none of the last three minutes failed entirely.
            fake.datapoints.set(MONITOR, series(clock.now(), [0, 0, 1, 0, 1, 0]));
            fake.httpProbeResults.set(MONITOR, httpProbes(clock.now(), false));
            assert.deepEqual(await platform().primaryHealth().then(h => [h.healthy, h.failingForSeconds]), [false, 60]);
        });

        it("healthy when a vantage point's newest probe reaches the primary, even while the metric still shows failed minutes", async () => {
            fake.datapoints.set(MONITOR, series(clock.now(), [0, 0, 0, 0]));
            const t = clock.now();
            // Down for minutes; the newest probe of every vantage point (5 s ago) reached it again.
            fake.httpProbeResults.set(MONITOR, httpProbes(t, s => s >= t - 8_000));
            assert.deepEqual(await platform().primaryHealth().then(h => [h.healthy, h.failingForSeconds]), [true, 0]);
        });

        it("no data, stale data or no probe results is a non-retryable error, never a verdict", async () => {
            fake.httpProbeResults.set(MONITOR, httpProbes(clock.now(), false));
            await assert.rejects(platform().primaryHealth(), (e: RemoteError) => !e.retryable && /no HTTP.isHealthy datapoints/.test(e.message));
            fake.datapoints.set(MONITOR, series(clock.now() - 600_000, [0, 0, 0]));
            await assert.rejects(platform().primaryHealth(), (e: RemoteError) => !e.retryable && /stale/.test(e.message));
            fake.datapoints.set(MONITOR, series(clock.now(), [0, 0, 0]));
            fake.httpProbeResults.set(MONITOR, []);
            await assert.rejects(platform().primaryHealth(), (e: RemoteError) => !e.retryable && /no probe results for the primary/.test(e.message));
        });

        it("a truncated page of probe results counts as complete only from its oldest result", async () => {
            fake.datapoints.set(MONITOR, series(clock.now() - 120_000, [0, 0, 0, 0]));
            const t = clock.now();
            // 1001 results in the last minute: the page of the 1000 newest does not reach back to the newest metric minute.
            const many = Array.from({ length: 1001 }, (_, i) => ({ startTime: t - 1000 - i * 50, isHealthy: false, vantagePointName: `vp${i % 7}` }));
            fake.httpProbeResults.set(MONITOR, many);
            await assert.rejects(platform().primaryHealth(), (e: RemoteError) => !e.retryable && /not deciding on a gap/.test(e.message));
            assert.ok(logger.lines.some(l => l.event === "oci.probe-results-truncated"));
        });

        it("classifies a failed probe-results read like any OCI call", async () => {
            fake.datapoints.set(MONITOR, series(clock.now(), [0, 0, 0]));
            fake.fault({ method: "GET", path: "/httpProbeResults/", status: 503 });
            await assert.rejects(platform().primaryHealth(), (e: RemoteError) => e.retryable && e.status === 503 && e.call === "oci.healthchecks.listHttpProbeResults");
        });
    });

    describe("secondaryHealthy (Health Checks ping probe results)", () => {
        it("takes each vantage point's newest result inside the window, healthy on a majority", async () => {
            const t = clock.now();
            fake.probeResults.set(PING, [
                { startTime: t - 20_000, isHealthy: true, vantagePointName: "aws-iad" },
                { startTime: t - 50_000, isHealthy: false, vantagePointName: "aws-iad" },
                { startTime: t - 25_000, isHealthy: true, vantagePointName: "goo-fra" },
                { startTime: t - 30_000, isHealthy: false, vantagePointName: "azr-syd" },
                { startTime: t - 900_000, isHealthy: false, vantagePointName: "old" },
            ]);
            assert.equal(await platform().secondaryHealthy(), true);
            const req = fake.requests.find(r => r.path.includes("/pingProbeResults/"))!;
            assert.equal(req.query.startTimeGreaterThanOrEqualTo, String(t - 180_000));
            fake.probeResults.set(PING, [{ startTime: t - 10_000, isHealthy: false, vantagePointName: "aws-iad" }, { startTime: t - 10_000, isHealthy: true, vantagePointName: "goo-fra" }]);
            assert.equal(await platform().secondaryHealthy(), false);
        });
    });

    describe("cooldown in an annotation on the humio-operator Deployment (through an OKE token)", () => {
        it("records and reads back the failover time; ignores a hand-edited value", async () => {
            const p = platform();
            assert.equal(await p.lastFailoverEpoch(), undefined);
            await p.recordFailover(1736942400);
            assert.equal(kube.deployment(NS, OPERATOR)!.metadata.annotations![COOLDOWN_ANNOTATION], "1736942400;lock=applied");
            assert.equal(await p.lastFailoverEpoch(), 1736942400);
            kube.putDeployment(NS, OPERATOR, { replicas: 0, annotations: { [COOLDOWN_ANNOTATION]: "yesterday" } });
            assert.equal(await p.lastFailoverEpoch(), undefined);
            assert.ok(logger.lines.some(l => l.event === "oci.cooldown-annotation-invalid"));
            assert.ok(kube.requests.every(r => r.status !== 401), "every Kubernetes call carried a valid OKE token");
        });
    });

    describe("the failover core with the OCI adapter", () => {
        beforeEach(() => {
            kube.putSecret(NS, "logscale", { creationTimestamp: k8sTime(clock.now() - 86400_000) });
            const t = clock.now();
            fake.probeResults.set(PING, [{ startTime: t - 10_000, isHealthy: true, vantagePointName: "aws-iad" }]);
            fake.httpProbeResults.set(MONITOR, httpProbes(t, false));
        });

        it("primary down past the holdoff: deletes the TLS secret, scales 0 -> 1, disables the primary answer, records the time", async () => {
            fake.datapoints.set(MONITOR, series(clock.now(), [1, 0, 0, 0, 0]));
            const replicasWhen: Record<string, number> = {};
            for (const method of ["GET", "PUT"]) {
                fake.fault({ method, path: "/steeringPolicies/", status: 0, before: () => { replicasWhen[method] = kube.deployment(NS, OPERATOR)!.spec.replicas ?? 0; } });
            }
            const result = await runFailover(platform(), k8s, settings({ preFailoverFailureSeconds: 180 }), clock, logger.log);
            assert.equal(result.decision, "failed-over", result.reason);
            assert.deepEqual([result.tlsSecret, result.operatorScaled, result.dnsLocked], ["deleted", true, true]);
            assert.equal(kube.deployment(NS, OPERATOR)!.spec.replicas, 1);
            assert.equal(kube.secret(NS, "logscale"), undefined);
            assert.equal((fake.policy(POLICY).answers as { isDisabled: boolean }[])[0].isDisabled, true);
            assert.equal(kube.deployment(NS, OPERATOR)!.metadata.annotations![COOLDOWN_ANNOTATION], `${Math.floor(clock.now() / 1000)};lock=applied`);
            assert.ok(fake.requests.every(r => r.signatureValid));
            // The policy was read with the round-1 reads, before anything changed; after the scale-up only the conditional PUT.
            const policyCalls = fake.requests.filter(r => r.path.includes("/steeringPolicies/")).map(r => `${r.method} ${r.headers["if-match"] ?? ""}`.trim());
            assert.deepEqual(policyCalls, ["GET", 'PUT "v1"']);
            assert.deepEqual(replicasWhen, { GET: 0, PUT: 1 }, "read before the scale-up, written after it");

            // The alarm's repeat notification: nothing more is written.
            const again = await runFailover(platform(), k8s, settings({ preFailoverFailureSeconds: 180 }), clock, logger.log);
            assert.equal(again.decision, "cooldown");
            assert.equal(fake.count("PUT", "/steeringPolicies/"), 1);
        });

        it("holdoff not met: hands over to the alarm's repeat notification, names its interval, and changes nothing", async () => {
            fake.datapoints.set(MONITOR, series(clock.now(), [1, 1, 0]));
            const result = await runFailover(platform(), k8s, settings({ preFailoverFailureSeconds: 180, waitBudgetSeconds: 0 }), clock, logger.log);
            assert.equal(result.decision, "holdoff-pending");
            assert.equal(result.recheckScheduled, true);
            assert.match(result.reason, /a recheck is scheduled/);
            const recheck = logger.lines.filter(l => l.event === "oci.recheck-by-alarm-repeat");
            assert.equal(recheck.length, 1);
            assert.equal(recheck[0].fields.alarmRepeatSeconds, 300);
            assert.match(String(recheck[0].fields.detail), /every 300s while it stays FIRING/);
            assert.equal(kube.deployment(NS, OPERATOR)!.spec.replicas, 0);
            assert.equal(fake.count("PUT", "/steeringPolicies/"), 0);
        });

        it("an alarm that does not repeat: no recheck is claimed, the result says only a new notification runs the check", async () => {
            fake.datapoints.set(MONITOR, series(clock.now(), [1, 1, 0]));
            const p = new OciPlatform({ ...target(), alarmRepeatSeconds: 0 }, credentials, k8s, clock, logger.log);
            assert.equal(p.scheduleRecheck, undefined);
            const result = await runFailover(p, k8s, settings({ preFailoverFailureSeconds: 180, waitBudgetSeconds: 0 }), clock, logger.log);
            assert.equal(result.decision, "holdoff-pending");
            assert.equal(result.recheckScheduled, false);
            assert.match(result.reason, /cannot schedule a recheck, so only a new alarm notification runs the check again/);
            assert.ok(!logger.lines.some(l => l.event === "oci.recheck-by-alarm-repeat"));
            assert.ok(logger.lines.some(l => l.event === "failover.recheck-unscheduled"));
        });

        it("a failed DNS lock with a repeating alarm: the next repeat completes it (the record says pending)", async () => {
            fake.datapoints.set(MONITOR, series(clock.now(), [0, 0, 0, 0]));
            fake.fault({ method: "GET", path: "/steeringPolicies/", status: 403, times: 10 });
            // No wait budget: the lock is not tried again inside this run, so the repeat must complete it.
            const first = await runFailover(platform(), k8s, settings({ preFailoverFailureSeconds: 180, waitBudgetSeconds: 0 }), clock, logger.log);
            assert.deepEqual([first.decision, first.dnsLocked, first.recheckScheduled], ["failed-over", false, true]);
            assert.match(kube.deployment(NS, OPERATOR)!.metadata.annotations![COOLDOWN_ANNOTATION], /;lock=pending$/);
            fake.clearFaults();
            clock.nowMs += 300_000;
            fake.datapoints.set(MONITOR, series(clock.now(), [0, 0, 0, 0, 0, 0, 0, 0, 0]));
            fake.httpProbeResults.set(MONITOR, httpProbes(clock.now(), false));
            fake.probeResults.set(PING, [{ startTime: clock.now() - 10_000, isHealthy: true, vantagePointName: "aws-iad" }]);
            const repeat = await runFailover(platform(), k8s, settings({ preFailoverFailureSeconds: 180 }), clock, logger.log);
            assert.deepEqual([repeat.decision, repeat.dnsLocked, repeat.operatorScaled], ["failed-over", true, false]);
            assert.equal((fake.policy(POLICY).answers as { isDisabled: boolean }[])[0].isDisabled, true);
            assert.match(kube.deployment(NS, OPERATOR)!.metadata.annotations![COOLDOWN_ANNOTATION], /;lock=applied$/);
        });

        it("a failed DNS lock is reported and the scale-up stands", async () => {
            fake.datapoints.set(MONITOR, series(clock.now(), [0, 0, 0, 0]));
            fake.fault({ method: "GET", path: "/steeringPolicies/", status: 403, times: 10 });
            // No wait budget: the lock is not tried again within this run.
            const result = await runFailover(platform(), k8s, settings({ preFailoverFailureSeconds: 180, waitBudgetSeconds: 0 }), clock, logger.log);
            assert.equal(result.decision, "failed-over");
            assert.equal(result.dnsLocked, false);
            assert.match(result.dnsLockError ?? "", /HTTP 403/);
            assert.equal(kube.deployment(NS, OPERATOR)!.spec.replicas, 1);
        });

        it("missing health data: an error, the operator stays at 0", async () => {
            const result = await runFailover(platform(), k8s, settings({ preFailoverFailureSeconds: 0 }), clock, logger.log);
            assert.equal(result.decision, "error");
            assert.equal(kube.deployment(NS, OPERATOR)!.spec.replicas, 0);
        });

        describe("a second run while the first is mid-way (the alarm's repeat or an ONS redelivery)", () => {
            const s180 = () => settings({ preFailoverFailureSeconds: 180 });
            const until = async (cond: () => boolean) => {
                for (let i = 0; !cond(); i++) {
                    if (i > 400) throw new Error("condition never held");
                    await new Promise(r => setTimeout(r, 5));
                }
            };
            const primaryDisabled = () => (fake.policy(POLICY).answers as { pool: string; isDisabled: boolean }[]).filter(a => a.pool === "primary").every(a => a.isDisabled);
            const successfulScales = () => kube.requests.filter(r => r.method === "PATCH" && r.contentType?.startsWith("application/json-patch") && r.status === 200).length;
            const assertOneFailoverLocked = (a: FailoverResult, b: FailoverResult) => {
                assert.equal(successfulScales(), 1, "one scale-up");
                assert.deepEqual([a.decision, a.operatorScaled, a.dnsLocked], ["failed-over", true, true], a.reason);
                assert.equal(b.operatorScaled, false, b.reason);
                assert.equal(kube.deployment(NS, OPERATOR)!.spec.replicas, 1);
                assert.ok(primaryDisabled(), "DNS locked");
                // No failback: no write ever served the primary again.
                for (const put of fake.requests.filter(r => r.method === "PUT")) {
                    const answers = (put.body as { answers: { pool: string; isDisabled: boolean }[] }).answers;
                    assert.ok(answers.filter(x => x.pool === "primary").every(x => x.isDisabled), "a PUT re-enabled the primary");
                }
                assert.match(kube.deployment(NS, OPERATOR)!.metadata.annotations![COOLDOWN_ANNOTATION], /;lock=applied$/);
                assert.ok(fake.requests.every(r => r.signatureValid));
            };

            beforeEach(() => fake.datapoints.set(MONITOR, series(clock.now(), [1, 0, 0, 0, 0])));

            it("B starts while A's lock PUT is in flight and A's record is written: B sees the failover recorded and writes nothing", async () => {
                let b: Promise<FailoverResult> | undefined;
                fake.fault({
                    method: "PUT", path: "/steeringPolicies/", status: 0,
                    hold: async () => {
                        await until(() => kube.deployment(NS, OPERATOR)!.metadata.annotations?.[COOLDOWN_ANNOTATION] !== undefined);
                        b = runFailover(platform(), k8s, s180(), clock, logger.log);
                        await b;
                    },
                });
                const a = await runFailover(platform(), k8s, s180(), clock, logger.log);
                const rb = await b!;
                assertOneFailoverLocked(a, rb);
                assert.ok(["cooldown", "already-failed-over"].includes(rb.decision), `${rb.decision}: ${rb.reason}`);
                assert.equal(fake.count("PUT", "/steeringPolicies/"), 1, "B did not write the policy");
            });

            it("B starts after A's scale, before A's record and lock: B completes the lock, A's conditional PUT then finds it locked", async () => {
                let b: Promise<FailoverResult> | undefined;
                // A's record (the PATCH after the scale) lands only after B has finished.
                kube.fault({
                    method: "PATCH", path: `/deployments/${OPERATOR}`,
                    before: k => k.fault({ method: "PATCH", path: `/deployments/${OPERATOR}`, delayMs: 500 }),
                });
                fake.fault({
                    method: "PUT", path: "/steeringPolicies/", status: 0,
                    hold: async () => {
                        b = runFailover(platform(), k8s, s180(), clock, logger.log);
                        await b;
                    },
                });
                const a = await runFailover(platform(), k8s, s180(), clock, logger.log);
                const rb = await b!;
                assertOneFailoverLocked(a, rb);
                assert.deepEqual([rb.decision, rb.dnsLocked], ["failed-over", true], rb.reason);
                assert.match(rb.reason, /completed an earlier failover/);
                // In arrival order: A's PUT (held) and B's, both on the ETag read before any lock. B's was served
                // first; A's then lost on the stale ETag, re-read and found the lock done instead of writing again.
                assert.deepEqual(fake.requests.filter(r => r.method === "PUT").map(r => [r.headers["if-match"], r.status]), [['"v1"', 412], ['"v1"', 200]]);
                assert.ok(logger.lines.some(l => l.event === "oci.dns-already-locked"));
            });
        });
    });

    describe("handleNotification: the resource principal is checked once, before any remote call", () => {
        let dir: string;
        const env = (rp: Record<string, string | undefined>): Record<string, string | undefined> => ({
            ...toFunctionConfig({
                ...target(),
                clusterId: CLUSTER,
                kubernetesServer: kube.url,
                kubernetesCaPem: "-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n",
                settings: { namespace: NS, operatorDeployment: OPERATOR, humioClusterName: "logscale", preFailoverFailureSeconds: 180, cooldownSeconds: 300, requireHealthySecondary: true, recheckIntervalSeconds: 15, waitBudgetSeconds: 0 },
                endpoints: { dns: fake.url, telemetry: fake.url },
            }),
            OCI_RESOURCE_PRINCIPAL_VERSION: "2.2",
            OCI_RESOURCE_PRINCIPAL_RPST: path.join(dir, "rpst"),
            OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM: path.join(dir, "key.pem"),
            OCI_RESOURCE_PRINCIPAL_REGION: REGION,
            ...rp,
        });
        beforeEach(() => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "oci-rp-"));
            fs.writeFileSync(path.join(dir, "key.pem"), testKeys().privatePem);
        });
        afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

        const cases: [string, Record<string, string | undefined>, RegExp][] = [
            ["a missing RPST file", {}, /^resource principal: OCI_RESOURCE_PRINCIPAL_RPST names file \/.+\/rpst, which was not found; expected the resource principal session token/],
            ["a garbled key", { OCI_RESOURCE_PRINCIPAL_RPST: RPST, OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM: "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----" },
                /^resource principal: OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM holds a value that is not a PEM private key: it does not decode/],
            ["a missing variable", { OCI_RESOURCE_PRINCIPAL_RPST: RPST, OCI_RESOURCE_PRINCIPAL_REGION: undefined }, /^resource principal: OCI_RESOURCE_PRINCIPAL_REGION is not set; expected/],
        ];
        for (const [what, rp, expected] of cases) {
            it(`${what}: one error result naming it, and not one call made`, async () => {
                const result = await handleNotification("{}", env(rp), { clock, log: logger.log }) as FailoverResult;
                assert.equal(result.decision, "error");
                assert.match(result.reason, /resource principal cannot be used; nothing was read or changed/);
                assert.match(result.error ?? "", expected);
                const errors = logger.lines.filter(l => l.level === "error");
                assert.deepEqual(errors.map(l => l.event), ["failover.result"], "one error line");
                assert.deepEqual([fake.requests.length, kube.requests.length], [0, 0]);
            });
        }

        it("with a valid principal the same environment runs (and signs with it)", async () => {
            fs.writeFileSync(path.join(dir, "rpst"), RPST);
            fake.datapoints.set(MONITOR, series(clock.now(), [1, 1, 1]));
            fake.httpProbeResults.set(MONITOR, httpProbes(clock.now(), true));
            fake.probeResults.set(PING, [{ startTime: clock.now() - 10_000, isHealthy: true, vantagePointName: "aws-iad" }]);
            const result = await handleNotification("{}", env({}), { clock, log: logger.log }) as FailoverResult;
            assert.equal(result.decision, "primary-healthy", `${result.reason} ${result.error ?? ""}`);
            assert.ok(fake.requests.length > 0 && fake.requests.every(r => r.signatureValid && r.keyId === KEY_ID));
        });
    });
});
