import * as assert from "assert";
import { parseArgs, targetsMet, TARGETS } from "../../scripts/bench/cli";
import { CallRecorder } from "../../scripts/bench/spans";

// The bench's counting (scripts/bench): which recorded calls ran together and
// which waited, from start/end times alone.

function recorder(spans: [string, number, number][]): CallRecorder {
    const rec = new CallRecorder();
    for (const [name, start, end] of spans) rec.add({ name, start, end, replay: async () => undefined });
    return rec;
}

describe("bench: remote calls on the critical path (scripts/bench/spans)", () => {
    it("counts overlapping calls once and chained calls each", () => {
        const rec = recorder([
            ["read-a", 0, 100], ["read-b", 1, 101], ["read-c", 2, 99],
            ["delete", 102, 200],
            ["scale", 201, 300],
            ["lock", 301, 400], ["record", 301, 390],
        ]);
        assert.strictEqual(rec.criticalPath(), 4);
        assert.deepStrictEqual(rec.rounds(), [["read-a", "read-b", "read-c"], ["delete"], ["scale"], ["lock", "record"]]);
    });

    it("a call that starts before another ends did not wait for it", () => {
        const rec = recorder([["token", 0, 50], ["arm", 51, 150], ["annotation", 151, 250], ["k8s", 60, 160]]);
        assert.strictEqual(rec.criticalPath(), 3);
        assert.deepStrictEqual(rec.rounds(), [["token"], ["arm", "k8s"], ["annotation"]]);
    });

    it("replays every call one after another", async () => {
        const order: string[] = [];
        const rec = new CallRecorder();
        for (const [name, start] of [["b", 5], ["a", 1], ["c", 9]] as const) {
            rec.add({ name, start, end: start + 1, replay: async () => { order.push(name); } });
        }
        await rec.runSequentially();
        assert.deepStrictEqual(order, ["a", "b", "c"]);
    });

    it("parses its arguments and judges the targets", () => {
        assert.deepStrictEqual(parseArgs(["--json", "--latency-ms", "50", "--cloud", "oci", "--no-plan"]), { json: true, latencyMs: 50, clouds: ["oci"], plan: false, help: false });
        assert.throws(() => parseArgs(["--cloud", "gcp"]), /allowed: aws, azure, oci/);
        assert.throws(() => parseArgs(["--latency-ms", "0"]), /integer >= 10/);
        const fn = (critical: number) => ({
            packageBytes: 1000, criticalPathCalls: critical, totalCalls: 10, wallMs: 400, sequentialWallMs: 1000, rounds: [], decision: "failed-over", contents: [],
            targetsMet: { packageBytes: true, criticalPathCalls: critical <= TARGETS.criticalPathCalls, wallMs: true },
        });
        assert.strictEqual(targetsMet({ latencyMs: 100, functions: { aws: fn(4) }, readiness: {}, plan: {}, targets: TARGETS }), true);
        assert.strictEqual(targetsMet({ latencyMs: 100, functions: { aws: fn(5) }, readiness: {}, plan: {}, targets: TARGETS }), false);
        const readiness = (critical: number) => ({ criticalPathCalls: critical, totalCalls: 9, wallMs: 250, rounds: [], ready: true, targetMet: critical <= 2 });
        assert.strictEqual(targetsMet({ latencyMs: 100, functions: { aws: fn(4) }, readiness: { aws: readiness(3) }, plan: {}, targets: TARGETS }), false);
    });
});

describe("bench: the Azure failover's rounds (scripts/bench benchAzure, real adapter against the fakes)", function () {
    it("reads the Traffic Manager endpoint, its endpoint-state minutes and every annotation in round 1: four round trips", async () => {
        const { benchAzure } = await import("../../scripts/bench/functions");
        // The rounds come from which calls overlapped, not from how long they took.
        const timing = await benchAzure(50);
        assert.strictEqual(timing.decision, "failed-over");
        assert.strictEqual(timing.criticalPathCalls, 4, JSON.stringify(timing.rounds));
        assert.ok(timing.criticalPathCalls <= TARGETS.criticalPathCalls);
        assert.deepStrictEqual(timing.rounds.map(r => [...r].sort()), [
            ["arm.endpointStateMetric", "arm.getEndpoint", "k8s GET deployments/humio-operator", "k8s GET deployments/humio-operator", "k8s GET deployments/humio-operator",
                "k8s GET secrets/logscale", "tcp secondary ingress"],
            ["k8s DELETE secrets/logscale"],
            ["k8s PATCH deployments/humio-operator"],
            ["arm.disableEndpoint", "k8s PATCH deployments/humio-operator"],
        ]);
        // The metric query is the one call more: in round 1, beside the endpoint read, so the path stays four rounds.
        assert.strictEqual(timing.totalCalls, 11);
    });
});

describe("bench: the readiness self-test's rounds (scripts/bench benchAwsReadiness, the real AWS entry against the mocks and fake Kubernetes)", function () {
    it("every read in one round, then the metric: two round trips, nothing written to Kubernetes", async function () {
        this.timeout(20_000);
        const { benchAwsReadiness, READINESS_TARGET_ROUND_TRIPS } = await import("../../scripts/bench/readiness");
        const timing = await benchAwsReadiness(50);
        assert.strictEqual(timing.ready, true);
        assert.ok(timing.criticalPathCalls <= READINESS_TARGET_ROUND_TRIPS, JSON.stringify(timing.rounds));
        assert.deepStrictEqual(timing.rounds[timing.rounds.length - 1], ["cloudwatch.PutMetricData"]);
        assert.ok(timing.rounds.flat().every(c => !/k8s\.(scale|delete|annotate)/.test(c)), JSON.stringify(timing.rounds));
        assert.deepStrictEqual(timing.rounds[0].filter(c => c.startsWith("k8s.")).sort(), ["k8s.getDeploymentReplicas", "k8s.getHumioCluster", "k8s.listSecretNames"]);
    });
});
