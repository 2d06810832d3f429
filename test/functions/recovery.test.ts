import { strict as assert } from "assert";
import { recoveryNotification } from "../../functions/core/notify";
import { followRecovery, parseRecord, phases, RECOVERY_ANNOTATION, startRecord } from "../../functions/core/recovery";
import { FailoverResult } from "../../functions/core/types";
import { KubeClient } from "../../functions/k8s/client";
import { kubeRecoveryIo, logscaleProxyTarget } from "../../functions/k8s/recovery-io";
import { LOGSCALE_PORT, uiServiceName } from "../../components/logscale/names";
import { FakeKubernetes } from "../support/fake-k8s";
import { FakeClock, memoryLogger } from "./fakes";

const NS = "logging";
const OPERATOR = "humio-operator";
const S = { namespace: NS, operatorDeployment: OPERATOR, humioClusterName: "logscale" };

function scaledResult(clock: FakeClock): FailoverResult {
    const decided = clock.now();
    return {
        decision: "failed-over", reason: "scaled", operatorScaled: true, dnsLocked: true,
        primary: { healthy: false, failingForSeconds: 240 },
        timeline: { decidedAt: decided, tlsSecretDeletedAt: decided + 2000, scaledAt: decided + 5000, dnsLockedAt: decided + 6000 },
        startedAt: new Date(decided).toISOString(), durationMs: 6000,
    };
}

describe("verified recovery: LogScale's status through the Service proxy, measured phases (fake Kubernetes over real HTTP)", () => {
    let kube: FakeKubernetes;
    let k8s: KubeClient;
    let clock: FakeClock;
    let logger: ReturnType<typeof memoryLogger>;
    /** LogScale turns ready once the clock passes this. */
    let readyAtMs: number;
    let published: number[];

    beforeEach(async () => {
        kube = await FakeKubernetes.start();
        k8s = new KubeClient({ connection: { server: kube.url, token: () => Promise.resolve("t") }, timeoutMs: 2000 });
        clock = new FakeClock();
        logger = memoryLogger();
        published = [];
        readyAtMs = Infinity;
        kube.putDeployment(NS, OPERATOR, { replicas: 1 });
        kube.serviceProxy = (ns, target, path) => {
            assert.deepEqual([ns, target, path], [NS, logscaleProxyTarget("logscale"), "/api/v1/status"]);
            return clock.now() >= readyAtMs
                ? { status: 200, body: JSON.stringify({ status: "OK", version: "1.252.1" }) }
                : { status: 503, body: JSON.stringify({ status: "WARN", message: "recovering from global snapshot" }) };
        };
    });
    afterEach(async () => { k8s.close(); await kube.stop(); });

    const io = () => kubeRecoveryIo(k8s, S, async s => { published.push(s); });
    const stored = () => parseRecord((kube.deployment(NS, OPERATOR)!.metadata.annotations as Record<string, string>)[RECOVERY_ANNOTATION]);

    it("follows until LogScale answers OK: recovered, phases measured from the first failing probe, metric and message with the durations", async () => {
        const result = scaledResult(clock);
        clock.nowMs = result.timeline!.dnsLockedAt!;
        readyAtMs = result.timeline!.scaledAt! + 200_000;
        const out = await followRecovery(io(), { clock, log: logger.log, recheckIntervalSeconds: 30, untilMs: clock.now() + 600_000, start: startRecord(result, 15, 533) });
        assert.equal(out.state, "recovered");
        assert.equal(out.changed, true);
        assert.deepEqual(out.phases, { detectionSeconds: 240, actSeconds: 5, tlsSecretSeconds: 2, dnsLockSeconds: 1, recoverySeconds: 211, totalSeconds: 456 });
        assert.equal(out.versusExpectedSeconds, 456 - 533);
        assert.deepEqual(published, [456]);
        const rec = stored();
        assert.ok(rec && !("error" in rec) && rec.state === "recovered" && rec.ready === clock.now());
        const m = recoveryNotification(out, "logscale-us-west-2")!;
        assert.equal(m.event, "recovered");
        assert.equal(m.subject, "LogScale DR logscale-us-west-2: LogScale recovered, failover took 456s");
        assert.match(m.text, /456s against 533s expected \(-77s\)/);
        assert.match(m.text, /scaled -> LogScale ready: 211s/);
        // Polled every recheck interval through the proxy, never more often.
        assert.ok(clock.sleeps.every(ms => ms <= 30_000));
    });

    it("the run's budget ends first: still watching, nothing told; the next run (a recheck) picks the record up and finishes it once", async () => {
        const result = scaledResult(clock);
        clock.nowMs = result.timeline!.dnsLockedAt!;
        readyAtMs = clock.now() + 400_000;
        const first = await followRecovery(io(), { clock, log: logger.log, recheckIntervalSeconds: 30, untilMs: clock.now() + 120_000, start: startRecord(result, 15, 533) });
        assert.equal(first.state, "watching");
        assert.equal(recoveryNotification(first, "c"), undefined);
        clock.nowMs = readyAtMs + 1000;
        const second = await followRecovery(io(), { clock, log: logger.log, recheckIntervalSeconds: 30, untilMs: clock.now() + 120_000 });
        assert.equal(second.state, "recovered");
        assert.equal(second.changed, true);
        const third = await followRecovery(io(), { clock, log: logger.log, recheckIntervalSeconds: 30, untilMs: clock.now() + 120_000 });
        assert.equal(third.changed, false, "a finished recovery is reported once");
        assert.deepEqual(published.length, 1);
    });

    it("never ready: not confirmed at the deadline (recoveryDeadlineMinutes), with the last answer; no metric", async () => {
        const result = scaledResult(clock);
        clock.nowMs = result.timeline!.dnsLockedAt!;
        const out = await followRecovery(io(), { clock, log: logger.log, recheckIntervalSeconds: 60, untilMs: clock.now() + 3_600_000, start: startRecord(result, 15, 533) });
        assert.equal(out.state, "not-confirmed");
        assert.ok(clock.now() >= result.timeline!.scaledAt! + 15 * 60_000 && clock.now() <= result.timeline!.scaledAt! + 16 * 60_000);
        assert.match(out.detail, /not ready by the deadline .*503.*recovering from global snapshot/);
        assert.deepEqual(published, []);
        assert.equal(recoveryNotification(out, "c")!.event, "recovery-not-confirmed");
    });

    it("the proxy failing (no endpoints yet, API 5xx) is 'not ready yet', never an error that stops the follow-up", async () => {
        kube.serviceProxy = undefined;
        const result = scaledResult(clock);
        clock.nowMs = result.timeline!.dnsLockedAt!;
        const out = await followRecovery(io(), { clock, log: logger.log, recheckIntervalSeconds: 30, untilMs: clock.now() + 60_000, start: startRecord(result, 15, undefined) });
        assert.equal(out.state, "watching");
        assert.match(out.detail, /503/);
    });

    it("no record: nothing to follow; an unreadable record is left alone and named", async () => {
        assert.equal((await followRecovery(io(), { clock, log: logger.log, recheckIntervalSeconds: 30, untilMs: clock.now() })).state, "none");
        kube.putDeployment(NS, OPERATOR, { replicas: 1, annotations: { [RECOVERY_ANNOTATION]: "{bad" } });
        const out = await followRecovery(io(), { clock, log: logger.log, recheckIntervalSeconds: 30, untilMs: clock.now() });
        assert.equal(out.state, "none");
        assert.match(out.detail, /not JSON/);
        assert.equal((kube.deployment(NS, OPERATOR)!.metadata.annotations as Record<string, string>)[RECOVERY_ANNOTATION], "{bad");
    });

    it("asks the Service the Gateway's UI route uses (components/logscale/names.ts), by the proxy's scheme:name:port", () => {
        assert.equal(logscaleProxyTarget("logscale"), `https:${uiServiceName("logscale")}:${LOGSCALE_PORT}`);
    });

    it("startRecord: only a run that scaled starts one; without a failing streak the total counts from the decision", () => {
        const r = scaledResult(clock);
        assert.equal(startRecord({ ...r, operatorScaled: false }, 15, 1), undefined);
        const healthyRead = startRecord({ ...r, primary: undefined }, 15, 1)!;
        assert.equal(healthyRead.primaryFailingSince, undefined);
        assert.equal(phases({ ...healthyRead, ready: r.timeline!.scaledAt! + 10_000 }).totalSeconds, 15);
    });
});
