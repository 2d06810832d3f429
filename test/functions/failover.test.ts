import * as assert from "assert";
import { runFailover } from "../../functions/core/failover";
import { jsonLogger } from "../../functions/core/log";
import { FailoverSettings, KubernetesApi } from "../../functions/core/types";
import { KubeClient } from "../../functions/k8s/client";
import { FakeKubernetes } from "../support/fake-k8s";
import { FakeClock, FakePlatform, k8sTime, memoryLogger, permanent, RoundTracker, settings, transient } from "./fakes";

const NS = "logging";
const OPERATOR = "humio-operator";
const TLS = "logscale";
const HALF = () => 0.5;

describe("failover core (fake Kubernetes API over HTTP, fake platform, fake clock)", () => {
    let kube: FakeKubernetes;
    let clients: KubeClient[];
    let clock: FakeClock;

    beforeEach(async () => {
        kube = await FakeKubernetes.start();
        clients = [];
        clock = new FakeClock();
        kube.putDeployment(NS, OPERATOR, { replicas: 0 });
        // The stale secret: created long before any invocation.
        kube.putSecret(NS, TLS, { creationTimestamp: k8sTime(clock.now() - 3 * 86400_000) });
    });

    afterEach(async () => {
        clients.forEach(c => c.close());
        await kube.stop();
    });

    function client(timeoutMs = 5000): KubeClient {
        const c = new KubeClient({ connection: { server: kube.url }, timeoutMs });
        clients.push(c);
        return c;
    }

    function failingPrimary(platform: FakePlatform, forSeconds: number): void {
        platform.primaryFailingSinceMs = clock.now() - forSeconds * 1000;
    }

    async function run(platform: FakePlatform, s: FailoverSettings = settings(), k8s: KubernetesApi = client()) {
        const { log, lines } = memoryLogger();
        const result = await runFailover(platform, k8s, s, clock, log, { random: HALF });
        return { result, lines };
    }

    const replicas = () => kube.deployment(NS, OPERATOR)!.spec.replicas;
    const scalePatches = () => kube.requests.filter(r => r.method === "PATCH" && r.path.endsWith(`/deployments/${OPERATOR}`));

    it("fails over: deletes the stale TLS secret, scales 0 -> 1 with a compare-and-set JSON patch, locks DNS, records the time", async () => {
        const platform = new FakePlatform(clock);
        failingPrimary(platform, 240);
        const staleUid = kube.secret(NS, TLS)!.metadata.uid;
        const { result } = await run(platform, settings({ preFailoverFailureSeconds: 180 }));

        assert.strictEqual(result.decision, "failed-over", result.reason);
        assert.strictEqual(result.tlsSecret, "deleted");
        assert.strictEqual(result.operatorReplicasBefore, 0);
        assert.strictEqual(result.operatorScaled, true);
        assert.strictEqual(result.dnsLocked, true);
        assert.strictEqual(result.dnsLockError, undefined);
        assert.strictEqual(kube.secret(NS, TLS), undefined);
        assert.strictEqual(replicas(), 1);
        assert.strictEqual(platform.locks, 1);
        assert.deepStrictEqual(platform.recorded, [Math.floor(clock.now() / 1000)]);

        const [patch] = scalePatches();
        assert.strictEqual(patch.contentType, "application/json-patch+json");
        assert.deepStrictEqual(patch.body, [
            { op: "test", path: "/spec/replicas", value: 0 },
            { op: "replace", path: "/spec/replicas", value: 1 },
        ]);
        const del = kube.requests.find(r => r.method === "DELETE")!;
        assert.deepStrictEqual((del.body as { preconditions: unknown }).preconditions, { uid: staleUid });
        const get = kube.requests.find(r => r.method === "GET" && r.path.includes("/secrets/"))!;
        assert.match(get.accept ?? "", /as=PartialObjectMetadata/, "the secret's data must not be fetched");
    });

    it("runs independent calls together: at most 4 round trips on the critical path", async () => {
        const tracker = new RoundTracker();
        const platform = new FakePlatform(clock, { tracker });
        failingPrimary(platform, 600);
        const { result } = await run(platform, settings({ preFailoverFailureSeconds: 180 }), tracker.wrap("k8s", client()));
        assert.strictEqual(result.decision, "failed-over");
        const names = tracker.spans.map(s => s.name).sort();
        assert.deepStrictEqual(names, [
            "k8s.deleteSecret", "k8s.getDeploymentReplicas", "k8s.getSecretMeta", "k8s.scaleDeploymentFrom",
            "platform.lastFailoverEpoch", "platform.lockDns", "platform.primaryHealth", "platform.recordFailover", "platform.secondaryHealthy",
        ]);
        assert.strictEqual(tracker.criticalPath(), 4);
    });

    it("waits out a holdoff that is not met yet, re-checking every recheckIntervalSeconds, then fails over", async () => {
        const platform = new FakePlatform(clock);
        failingPrimary(platform, 60);
        const startedAt = clock.now();
        const { result } = await run(platform, settings({ preFailoverFailureSeconds: 180, recheckIntervalSeconds: 30, waitBudgetSeconds: 600 }));

        assert.strictEqual(result.decision, "failed-over", result.reason);
        assert.deepStrictEqual(clock.sleeps, [30000, 30000, 30000, 30000]);
        assert.strictEqual(result.checks, 5);
        assert.strictEqual(platform.count("primaryHealth"), 5);
        assert.strictEqual(scalePatches().length, 1);
        // Scaled only once the primary had failed for the full holdoff.
        assert.ok(clock.now() - startedAt >= 120_000);
        assert.strictEqual(result.primary?.failingForSeconds, 180);
        assert.strictEqual(platform.rechecks.length, 0);
    });

    it("does not drop a pending holdoff when the wait budget runs out: schedules a recheck, changes nothing", async () => {
        const platform = new FakePlatform(clock);
        failingPrimary(platform, 30);
        const { result } = await run(platform, settings({ preFailoverFailureSeconds: 180, recheckIntervalSeconds: 30, waitBudgetSeconds: 70 }));

        assert.strictEqual(result.decision, "holdoff-pending", result.reason);
        assert.strictEqual(result.recheckScheduled, true);
        assert.deepStrictEqual(platform.rechecks, [30]);
        assert.deepStrictEqual(clock.sleeps, [30000, 30000]);
        assert.strictEqual(replicas(), 0);
        assert.ok(kube.secret(NS, TLS), "the TLS secret stays until the failover is due");
        assert.strictEqual(kube.count("DELETE", "/secrets/"), 0);
        assert.strictEqual(platform.locks, 0);
        assert.strictEqual(platform.recorded.length, 0);
    });

    it("reports holdoff-pending without a recheck on a platform that cannot schedule one", async () => {
        const platform = new FakePlatform(clock, { withRecheck: false });
        failingPrimary(platform, 0);
        const { result, lines } = await run(platform, settings({ preFailoverFailureSeconds: 180, waitBudgetSeconds: 0 }));
        assert.strictEqual(result.decision, "holdoff-pending");
        assert.strictEqual(result.recheckScheduled, false);
        assert.ok(lines.some(l => l.level === "error" && l.event === "failover.recheck-unscheduled"));
        assert.strictEqual(replicas(), 0);
    });

    it("ends in error when the recheck cannot be scheduled (the failover would be lost)", async () => {
        const platform = new FakePlatform(clock);
        failingPrimary(platform, 0);
        platform.failNext("scheduleRecheck", permanent("lambda.Invoke", 403));
        const { result } = await run(platform, settings({ preFailoverFailureSeconds: 180, waitBudgetSeconds: 0 }));
        assert.strictEqual(result.decision, "error");
        assert.match(result.error ?? "", /lambda.Invoke: HTTP 403/);
        assert.strictEqual(replicas(), 0);
    });

    it("stops when the primary recovers during the holdoff and clears the degraded tracking", async () => {
        const platform = new FakePlatform(clock);
        failingPrimary(platform, 60);
        platform.primaryRecoversAtMs = clock.now() + 45_000;
        const { result } = await run(platform, settings({ preFailoverFailureSeconds: 180 }));

        assert.strictEqual(result.decision, "primary-healthy");
        assert.strictEqual(result.checks, 3);
        assert.strictEqual(platform.clears, 1);
        assert.strictEqual(replicas(), 0);
        assert.ok(kube.secret(NS, TLS));
        assert.strictEqual(platform.locks, 0);
    });

    it("respects the cooldown: no Kubernetes change, no lock, and a recheck for when it ends (the standby was reset, the primary fails)", async () => {
        const platform = new FakePlatform(clock);
        failingPrimary(platform, 600);
        platform.lastEpoch = Math.floor(clock.now() / 1000) - 100;
        const { result } = await run(platform, settings({ cooldownSeconds: 300, waitBudgetSeconds: 60 }));
        assert.strictEqual(result.decision, "cooldown");
        assert.match(result.reason, /160s ago, within the 300s cooldown; the wait budget is spent, a recheck is scheduled/);
        assert.strictEqual(result.recheckScheduled, true);
        assert.deepStrictEqual(platform.rechecks, [30]);
        assert.strictEqual(kube.requests.filter(r => r.method !== "GET").length, 0);
        assert.strictEqual(platform.locks, 0);
    });

    it("fails over once the cooldown has run out when the primary is still failing (a failover is delayed, never dropped)", async () => {
        const platform = new FakePlatform(clock);
        failingPrimary(platform, 600);
        const last = Math.floor(clock.now() / 1000) - 100;
        platform.lastEpoch = last;
        const startedAt = clock.now();
        const { result } = await run(platform, settings({ cooldownSeconds: 300, waitBudgetSeconds: 600 }));
        assert.strictEqual(result.decision, "failed-over", result.reason);
        assert.ok(Math.floor(clock.now() / 1000) - last >= 300, "not before the cooldown ran out");
        assert.ok(clock.now() - startedAt >= 200_000);
        assert.strictEqual(replicas(), 1);
        assert.strictEqual(platform.rechecks.length, 0);
    });

    it("ends at once inside the cooldown when the operator is already running (nothing to wait for)", async () => {
        const platform = new FakePlatform(clock);
        failingPrimary(platform, 600);
        kube.putDeployment(NS, OPERATOR, { replicas: 1 });
        platform.lastEpoch = Math.floor(clock.now() / 1000) - 100;
        const { result } = await run(platform, settings({ cooldownSeconds: 300 }));
        assert.strictEqual(result.decision, "cooldown");
        assert.strictEqual(result.checks, 1);
        assert.deepStrictEqual(clock.sleeps, []);
        assert.strictEqual(platform.rechecks.length, 0);
        assert.strictEqual(result.recheckScheduled, undefined);
    });

    it("fails over once the cooldown has passed", async () => {
        const platform = new FakePlatform(clock);
        failingPrimary(platform, 600);
        const previous = Math.floor(clock.now() / 1000) - 301;
        platform.lastEpoch = previous;
        const { result } = await run(platform, settings({ cooldownSeconds: 300 }));
        assert.strictEqual(result.decision, "failed-over");
        assert.strictEqual(result.lastFailoverEpoch, previous);
        assert.deepStrictEqual(platform.recorded, [Math.floor(clock.now() / 1000)]);
    });

    it("refuses to fail over onto an unhealthy secondary when the gate is on, and keeps rechecking (scheduled when the budget is spent)", async () => {
        const platform = new FakePlatform(clock);
        failingPrimary(platform, 600);
        platform.secondaryIsHealthy = false;
        const { result } = await run(platform, settings({ requireHealthySecondary: true, recheckIntervalSeconds: 30, waitBudgetSeconds: 60 }));
        assert.strictEqual(result.decision, "secondary-unhealthy");
        assert.strictEqual(result.secondaryHealthy, false);
        assert.strictEqual(result.checks, 3);
        assert.deepStrictEqual(clock.sleeps, [30000, 30000]);
        assert.strictEqual(result.recheckScheduled, true);
        assert.deepStrictEqual(platform.rechecks, [30]);
        assert.strictEqual(replicas(), 0);
        assert.ok(kube.secret(NS, TLS));
        assert.strictEqual(kube.requests.filter(r => r.method !== "GET").length, 0);
        assert.strictEqual(platform.locks, 0);
    });

    it("fails over once the secondary passes again while the primary is still down", async () => {
        const platform = new FakePlatform(clock);
        failingPrimary(platform, 600);
        platform.secondaryIsHealthy = false;
        const startedAt = clock.now();
        const realSecondary = platform.secondaryHealthy.bind(platform);
        platform.secondaryHealthy = async () => {
            const healthy = await realSecondary();
            return healthy || clock.now() - startedAt >= 45_000;
        };
        const { result } = await run(platform, settings({ requireHealthySecondary: true, recheckIntervalSeconds: 30, waitBudgetSeconds: 600 }));
        assert.strictEqual(result.decision, "failed-over", result.reason);
        assert.strictEqual(result.secondaryHealthy, true);
        assert.strictEqual(result.checks, 3);
        assert.strictEqual(replicas(), 1);
        assert.strictEqual(platform.locks, 1);
        assert.strictEqual(platform.rechecks.length, 0);
    });

    it("reports secondary-unhealthy without a recheck on a platform that cannot schedule one", async () => {
        const platform = new FakePlatform(clock, { withRecheck: false });
        failingPrimary(platform, 600);
        platform.secondaryIsHealthy = false;
        const { result, lines } = await run(platform, settings({ waitBudgetSeconds: 0 }));
        assert.strictEqual(result.decision, "secondary-unhealthy");
        assert.strictEqual(result.recheckScheduled, false);
        assert.ok(lines.some(l => l.level === "error" && l.event === "failover.recheck-unscheduled"));
        assert.strictEqual(replicas(), 0);
    });

    it("ignores the secondary's health when the gate is off (and does not ask)", async () => {
        const platform = new FakePlatform(clock);
        failingPrimary(platform, 600);
        platform.secondaryIsHealthy = false;
        const { result } = await run(platform, settings({ requireHealthySecondary: false }));
        assert.strictEqual(result.decision, "failed-over");
        assert.strictEqual(platform.count("secondaryHealthy"), 0);
    });

    it("keeps the scale-up when the DNS lock fails, and reports the lock error", async () => {
        const platform = new FakePlatform(clock);
        failingPrimary(platform, 600);
        platform.failNext("lockDns", permanent("route53.UpdateHealthCheck", 403));
        // No wait budget: the lock is not tried again in this run.
        const { result, lines } = await run(platform, settings({ waitBudgetSeconds: 0 }));
        assert.strictEqual(result.decision, "failed-over");
        assert.strictEqual(result.operatorScaled, true);
        assert.strictEqual(result.dnsLocked, false);
        assert.match(result.dnsLockError ?? "", /route53.UpdateHealthCheck: HTTP 403/);
        assert.strictEqual(replicas(), 1);
        assert.strictEqual(platform.lastEpoch, platform.recorded[0], "the failover time is still recorded");
        assert.deepStrictEqual(platform.marks, ["applied", "pending"], "rewritten pending, so the next run locks");
        assert.strictEqual(result.recheckScheduled, true, "a recheck completes the lock");
        assert.ok(lines.some(l => l.level === "error" && l.event === "failover.dns-lock-failed"));
    });

    it("tries a refused DNS lock again every recheck interval while the wait budget lasts; the lock that passes marks the record applied", async () => {
        const platform = new FakePlatform(clock);
        failingPrimary(platform, 600);
        platform.failNext("lockDns", ...[1, 2, 3].map(() => permanent("route53.UpdateHealthCheck", 403)));
        const started = clock.now();
        const { result, lines } = await run(platform, settings({ waitBudgetSeconds: 120, recheckIntervalSeconds: 30 }));
        assert.strictEqual(result.decision, "failed-over");
        assert.strictEqual(result.dnsLocked, true, result.reason);
        assert.strictEqual(result.dnsLockError, undefined);
        assert.strictEqual(platform.count("lockDns"), 4, "the first attempt and three retries, 30 s apart");
        assert.ok(clock.now() - started >= 90_000 && clock.now() - started <= 120_000, `the retries stayed inside the 120 s budget (${clock.now() - started} ms)`);
        assert.deepStrictEqual(platform.marks, ["applied", "pending", "applied"]);
        assert.strictEqual(result.recheckScheduled, undefined, "locked in this run: nothing left for a recheck");
        assert.strictEqual(lines.filter(l => l.event === "failover.dns-lock-retry-failed").length, 2);
    });

    it("a lock still refused when the wait budget is spent hands over to a recheck with the record pending", async () => {
        const platform = new FakePlatform(clock);
        failingPrimary(platform, 600);
        platform.failNext("lockDns", ...Array.from({ length: 10 }, () => permanent("route53.UpdateHealthCheck", 403)));
        const { result } = await run(platform, settings({ waitBudgetSeconds: 60, recheckIntervalSeconds: 30 }));
        assert.strictEqual(result.dnsLocked, false);
        assert.strictEqual(platform.count("lockDns"), 3, "the first attempt and one retry per 30 s of the 60 s budget");
        assert.deepStrictEqual(platform.marks, ["applied", "pending"]);
        assert.strictEqual(result.recheckScheduled, true);
    });

    it("retries 429, 5xx and connection resets with exponential backoff and full jitter", async () => {
        const platform = new FakePlatform(clock);
        failingPrimary(platform, 600);
        kube.fault({ method: "GET", path: `/deployments/${OPERATOR}`, times: 1, status: 429 });
        kube.fault({ method: "GET", path: `/deployments/${OPERATOR}`, times: 1, status: 500 });
        kube.fault({ method: "GET", path: `/deployments/${OPERATOR}`, times: 1, status: 503 });
        kube.fault({ method: "PATCH", path: `/deployments/${OPERATOR}`, times: 1, reset: true });
        platform.failNext("primaryHealth", transient("route53.GetHealthCheckStatus", 502));
        const { result } = await run(platform, settings({ retry: { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 5000 } }));

        assert.strictEqual(result.decision, "failed-over", result.error);
        assert.strictEqual(kube.count("GET", `/deployments/${OPERATOR}`), 4);
        assert.strictEqual(platform.count("primaryHealth"), 2);
        // The 429's Retry-After: 0 is honoured; random() = 0.5: half of 400, 800 for
        // the next two GET retries, 100 for each first retry elsewhere.
        assert.deepStrictEqual([...clock.sleeps].sort((a, b) => a - b), [0, 100, 100, 200, 400]);
        assert.strictEqual(replicas(), 1);
        assert.strictEqual(platform.locks, 1);
    });

    it("waits as long as Retry-After says (seconds or an HTTP date), not the backoff", async () => {
        const platform = new FakePlatform(clock);
        failingPrimary(platform, 600);
        kube.fault({ method: "GET", path: `/deployments/${OPERATOR}`, times: 1, status: 429, retryAfter: "3" });
        kube.fault({ method: "PATCH", path: `/deployments/${OPERATOR}`, times: 1, status: 503, retryAfter: new Date(Date.now() + 7000).toUTCString() });
        const { result } = await run(platform);
        assert.strictEqual(result.decision, "failed-over", result.error);
        assert.ok(clock.sleeps.includes(3000), `sleeps ${clock.sleeps.join()}`);
        const dated = clock.sleeps.filter(ms => ms >= 5000 && ms <= 7000);
        assert.strictEqual(dated.length, 1, `an HTTP-date Retry-After about 7 s ahead: sleeps ${clock.sleeps.join()}`);
        assert.strictEqual(replicas(), 1);
    });

    it("retries a request that times out (the API server never answers)", async () => {
        const platform = new FakePlatform(clock);
        failingPrimary(platform, 600);
        kube.fault({ method: "GET", path: `/secrets/${TLS}`, times: 1, hang: true });
        const { result } = await run(platform, settings(), client(150));
        assert.strictEqual(result.decision, "failed-over", result.error);
        assert.strictEqual(kube.count("GET", `/secrets/${TLS}`), 2);
        assert.strictEqual(result.tlsSecret, "deleted");
    });

    for (const status of [403, 404]) {
        it(`does not retry a ${status}: one request, decision error, nothing changed`, async () => {
            const platform = new FakePlatform(clock);
            failingPrimary(platform, 600);
            kube.fault({ method: "GET", path: `/deployments/${OPERATOR}`, times: Infinity, status });
            const { result } = await run(platform);
            assert.strictEqual(result.decision, "error");
            assert.match(result.error ?? "", new RegExp(`HTTP ${status}`));
            assert.strictEqual(kube.count("GET", `/deployments/${OPERATOR}`), 1);
            assert.deepStrictEqual(clock.sleeps, []);
            assert.strictEqual(replicas(), 0);
            assert.strictEqual(platform.locks, 0);
        });
    }

    it("does not retry a platform 4xx, and a cooldown store that cannot be read is no gate", async () => {
        const platform = new FakePlatform(clock);
        failingPrimary(platform, 600);
        platform.failNext("lastFailoverEpoch", permanent("ssm.GetParameter", 400));
        const { result } = await run(platform);
        assert.strictEqual(result.decision, "failed-over");
        assert.match(result.cooldownReadError ?? "", /ssm.GetParameter: HTTP 400/);
        assert.strictEqual(platform.count("lastFailoverEpoch"), 1);
        assert.strictEqual(replicas(), 1);
        assert.strictEqual(platform.locks, 1);
    });

    it("does not drop the failover when a read fails past its retries: reads again within the wait budget, then fails over", async () => {
        const platform = new FakePlatform(clock);
        failingPrimary(platform, 600);
        // Two whole rounds of 503s from the metric read (5 attempts each), then it answers.
        const outage = Array.from({ length: 10 }, () => transient("cloudwatch.GetMetricStatistics", 503));
        platform.failNext("primaryHealth", ...outage);
        const { result, lines } = await run(platform, settings({ recheckIntervalSeconds: 30, waitBudgetSeconds: 600 }));
        assert.strictEqual(result.decision, "failed-over", result.reason);
        assert.strictEqual(result.checks, 3);
        assert.strictEqual(replicas(), 1);
        assert.strictEqual(lines.filter(l => l.event === "failover.observe-failed").length, 2);
    });

    it("a read failing past its retries with no wait budget left is still an error (the handler's retry runs it again)", async () => {
        const platform = new FakePlatform(clock);
        failingPrimary(platform, 600);
        platform.failNext("primaryHealth", ...Array.from({ length: 5 }, () => transient("cloudwatch.GetMetricStatistics", 503)));
        const { result } = await run(platform, settings({ waitBudgetSeconds: 0 }));
        assert.strictEqual(result.decision, "error");
        assert.strictEqual(replicas(), 0);
    });

    it("gives up after maxAttempts on a persistent 503", async () => {
        const platform = new FakePlatform(clock);
        failingPrimary(platform, 600);
        kube.fault({ method: "PATCH", path: `/deployments/${OPERATOR}`, times: Infinity, status: 503 });
        const { result } = await run(platform, settings({ retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 } }));
        assert.strictEqual(result.decision, "error");
        assert.strictEqual(scalePatches().length, 3);
        assert.strictEqual(platform.locks, 0);
        assert.strictEqual(platform.recorded.length, 0);
    });

    it("is idempotent: a second run finds the operator running and does not lock again", async () => {
        const platform = new FakePlatform(clock);
        failingPrimary(platform, 600);
        const s = settings({ cooldownSeconds: 0 });
        const first = await run(platform, s);
        const second = await run(platform, s);
        assert.strictEqual(first.result.decision, "failed-over");
        assert.strictEqual(second.result.decision, "already-failed-over");
        assert.strictEqual(second.result.operatorReplicasBefore, 1);
        assert.strictEqual(scalePatches().length, 1);
        assert.strictEqual(platform.locks, 1);
    });

    it("N concurrent invocations scale once; every run that sees the scale without a record completes the lock", async () => {
        const platform = new FakePlatform(clock);
        failingPrimary(platform, 600);
        const n = 8;
        const results = await Promise.all(Array.from({ length: n }, () => run(platform, settings(), client())));
        const decisions = results.map(r => r.result.decision);
        assert.ok(decisions.every(d => d === "failed-over" || d === "already-failed-over"), decisions.join());
        assert.strictEqual(results.filter(r => r.result.operatorScaled).length, 1, "one effective scale");
        assert.strictEqual(scalePatches().filter(r => r.status === 200).length, 1);
        assert.strictEqual(replicas(), 1);
        // Locking again is idempotent; a run that saw the operator up before
        // any record cannot tell it from a manual failover, and completes it.
        assert.ok(platform.locks >= 1);
        assert.ok(results.every(r => r.result.decision !== "failed-over" || r.result.dnsLocked));
        assert.strictEqual(platform.marks.every(m => m === "applied"), true);
        assert.strictEqual(kube.requests.filter(r => r.method === "DELETE" && r.status === 200).length, 1);
    });

    it("keeps a TLS secret created after the invocation started (the operator's fresh one)", async () => {
        const platform = new FakePlatform(clock);
        failingPrimary(platform, 600);
        kube.putSecret(NS, TLS, { creationTimestamp: k8sTime(clock.now() + 5000) });
        const { result } = await run(platform);
        assert.strictEqual(result.decision, "failed-over");
        assert.strictEqual(result.tlsSecret, "kept-fresh");
        assert.strictEqual(kube.count("DELETE", "/secrets/"), 0);
        assert.ok(kube.secret(NS, TLS));
    });

    it("leaves a TLS secret recreated between its read and its delete (uid precondition)", async () => {
        const platform = new FakePlatform(clock);
        failingPrimary(platform, 600);
        let freshUid = "";
        kube.fault({
            method: "DELETE", path: `/secrets/${TLS}`, times: 1,
            before: k => { freshUid = k.putSecret(NS, TLS, { creationTimestamp: k8sTime(clock.now()) }).uid; },
        });
        const { result } = await run(platform);
        assert.strictEqual(result.decision, "failed-over");
        assert.strictEqual(result.tlsSecret, "kept-fresh");
        assert.strictEqual(kube.secret(NS, TLS)?.metadata.uid, freshUid);
        assert.strictEqual(kube.requests.find(r => r.method === "DELETE")?.status, 409);
    });

    it("reports an absent TLS secret without a delete call", async () => {
        const platform = new FakePlatform(clock);
        failingPrimary(platform, 600);
        const { result } = await run(platform, settings(), client());
        assert.strictEqual(result.tlsSecret, "deleted");
        kube.putDeployment(NS, OPERATOR, { replicas: 0 });
        const again = await run(platform, settings({ cooldownSeconds: 0 }));
        assert.strictEqual(again.result.tlsSecret, "absent");
        assert.strictEqual(kube.count("DELETE", "/secrets/"), 1);
    });

    it("does not scale when the stale TLS secret cannot be deleted", async () => {
        const platform = new FakePlatform(clock);
        failingPrimary(platform, 600);
        kube.fault({ method: "DELETE", path: `/secrets/${TLS}`, times: 1, status: 403 });
        const { result } = await run(platform);
        assert.strictEqual(result.decision, "error");
        assert.match(result.reason, /stale TLS secret/);
        assert.strictEqual(replicas(), 0);
        assert.strictEqual(platform.locks, 0);
    });

    it("loses a race to another writer between read and scale: already-failed-over, no lock", async () => {
        const platform = new FakePlatform(clock);
        failingPrimary(platform, 600);
        kube.fault({
            method: "PATCH", path: `/deployments/${OPERATOR}`, times: 1,
            before: k => { k.deployment(NS, OPERATOR)!.spec.replicas = 1; },
        });
        const { result } = await run(platform);
        assert.strictEqual(result.decision, "already-failed-over");
        assert.strictEqual(result.operatorScaled, false);
        assert.strictEqual(platform.locks, 0);
        assert.strictEqual(platform.recorded.length, 0);
    });

    it("locks when its own scale-up succeeded but the answer was lost (the retry sees a conflict)", async () => {
        const platform = new FakePlatform(clock);
        failingPrimary(platform, 600);
        kube.fault({ method: "PATCH", path: `/deployments/${OPERATOR}`, times: 1, dropResponse: true });
        const { result } = await run(platform);
        assert.strictEqual(result.decision, "failed-over", result.reason);
        assert.deepStrictEqual(scalePatches().map(r => r.status), [undefined, 422]);
        assert.strictEqual(replicas(), 1);
        assert.strictEqual(platform.locks, 1);
    });

    it("reports primary-healthy without touching anything", async () => {
        const platform = new FakePlatform(clock);
        const { result } = await run(platform);
        assert.strictEqual(result.decision, "primary-healthy");
        assert.strictEqual(kube.requests.filter(r => r.method !== "GET").length, 0);
        assert.strictEqual(platform.clears, 1);
    });

    it("rejects invalid settings with the field named", async () => {
        const platform = new FakePlatform(clock);
        const { result } = await run(platform, settings({ recheckIntervalSeconds: 0 }));
        assert.strictEqual(result.decision, "error");
        assert.match(result.error ?? "", /recheckIntervalSeconds must be a number of seconds >= 1 \(got 0\)/);
        assert.strictEqual(kube.requests.length, 0);
    });

    it("writes one JSON object per log line, ending with the result", async () => {
        const platform = new FakePlatform(clock);
        failingPrimary(platform, 600);
        const written: string[] = [];
        const log = jsonLogger({ write: l => written.push(l), base: { fn: "test" }, now: () => clock.now() });
        const result = await runFailover(platform, client(), settings(), clock, log, { random: HALF });
        const parsed = written.map(l => JSON.parse(l) as Record<string, unknown>);
        assert.ok(parsed.every(p => typeof p.ts === "string" && typeof p.level === "string" && p.fn === "test"));
        const last = parsed[parsed.length - 1];
        assert.strictEqual(last.event, "failover.result");
        assert.strictEqual(last.decision, result.decision);
        assert.ok(parsed.some(p => p.event === "failover.check"));
    });
});
