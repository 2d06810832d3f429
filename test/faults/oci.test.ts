// Fault matrix, OCI: every HTTP call of the Function's adapter (Monitoring,
// Health Checks, DNS steering policy, the OKE API) through a fault proxy in
// front of the OCI and Kubernetes test fakes (signatures still verified),
// failed four ways, one call at a time; N concurrent invocations; and the
// round trips of one failover (the bench's OCI run).
import * as assert from "assert";
import { runFailover } from "../../functions/core/failover";
import { FailoverResult } from "../../functions/core/types";
import { KubeClient } from "../../functions/k8s/client";
import { okeToken } from "../../functions/oci/oke";
import { COOLDOWN_ANNOTATION, OciPlatform } from "../../functions/oci/platform";
import { memoryLogger, settings } from "../functions/fakes";
import { FakeOci } from "../oci/fake-oci";
import { TARGETS } from "../../scripts/bench/cli";
import { CLUSTER, COMPARTMENT, credentials, httpProbes, KEY_ID, MONITOR, okeTokenIsValid, PING, POLICY, policyDoc, REGION, series, testKeys } from "../oci/fixtures";
import { FakeKubernetes } from "../support/fake-k8s";
import { CLIENT_TIMEOUT_MS, FAULT_KINDS, FaultProxy, ProxiedRequest } from "./fault-proxy";
import { assertOutcome, CallRole, EXPECTED, instantClock } from "./matrix";

const NS = "logging";
const OPERATOR = "humio-operator";
const TLS = "logscale";

const CALLS: { call: string; role: CallRole; to: "oci" | "k8s"; match: (r: ProxiedRequest) => boolean }[] = [
    { call: "oci.monitoring.summarizeMetricsData", role: "read", to: "oci", match: r => r.path.endsWith("/summarizeMetricsData") },
    { call: "oci.healthchecks.listHttpProbeResults", role: "read", to: "oci", match: r => r.path.includes("/httpProbeResults/") },
    { call: "oci.healthchecks.listPingProbeResults", role: "read", to: "oci", match: r => r.path.includes("/pingProbeResults/") },
    { call: "k8s GET deployment (cooldown annotation, replicas)", role: "read", to: "k8s", match: r => r.method === "GET" && r.path.endsWith(`/deployments/${OPERATOR}`) },
    { call: "k8s GET secret (metadata)", role: "read", to: "k8s", match: r => r.method === "GET" && r.path.endsWith(`/secrets/${TLS}`) },
    { call: "k8s DELETE secret", role: "deleteSecret", to: "k8s", match: r => r.method === "DELETE" },
    { call: "k8s PATCH deployment (scale)", role: "scale", to: "k8s", match: r => r.method === "PATCH" && r.contentType.startsWith("application/json-patch+json") },
    // Read in round 1 (prefetchLock) and again by the lock when that read failed: a lock call either way.
    { call: "oci.dns.getSteeringPolicy", role: "lock", to: "oci", match: r => r.method === "GET" && r.path.includes("/steeringPolicies/") },
    { call: "oci.dns.updateSteeringPolicy", role: "lock", to: "oci", match: r => r.method === "PUT" && r.path.includes("/steeringPolicies/") },
    { call: "k8s PATCH deployment (last-failover)", role: "record", to: "k8s", match: r => r.method === "PATCH" && r.contentType.startsWith("application/merge-patch+json") },
];

describe("fault matrix: OCI adapter (fault proxy in front of the fake OCI APIs and the Kubernetes API)", function () {
    let fake: FakeOci;
    let kube: FakeKubernetes;
    let ociProxy: FaultProxy;
    let kubeProxy: FaultProxy;
    let clients: KubeClient[];

    before(() => testKeys());

    beforeEach(async () => {
        fake = await FakeOci.start(testKeys().publicKey, KEY_ID);
        kube = await FakeKubernetes.start({ authorize: h => okeTokenIsValid(h, CLUSTER, REGION) });
        ociProxy = await FaultProxy.start(fake.url);
        kubeProxy = await FaultProxy.start(kube.url);
        clients = [];
        const now = instantClock().now();
        fake.putPolicy(POLICY, policyDoc());
        fake.datapoints.set(MONITOR, series(now, [0, 0, 0, 0, 0]));
        fake.httpProbeResults.set(MONITOR, httpProbes(now, false));
        fake.probeResults.set(PING, ["a", "b", "c"].map(vp => ({ startTime: now - 30_000, isHealthy: true, vantagePointName: vp })));
        kube.putDeployment(NS, OPERATOR, { replicas: 0 });
        kube.putSecret(NS, TLS, { creationTimestamp: "2024-06-01T00:00:00Z" });
    });

    afterEach(async () => {
        clients.forEach(c => c.close());
        await Promise.all([ociProxy.stop(), kubeProxy.stop(), fake.stop(), kube.stop()]);
    });

    /** One invocation as functions/oci/handler.ts composes it, every endpoint behind a proxy, with short deadlines. */
    async function invoke(): Promise<FailoverResult> {
        const clock = instantClock();
        const { log } = memoryLogger();
        const k8s = new KubeClient({
            connection: { server: kubeProxy.url, token: () => okeToken(REGION, CLUSTER, credentials(), new Date(clock.now())) },
            timeoutMs: CLIENT_TIMEOUT_MS,
        });
        clients.push(k8s);
        const platform = new OciPlatform({
            region: REGION,
            compartmentId: COMPARTMENT,
            steeringPolicyId: POLICY,
            primaryPool: "primary",
            primaryMonitorId: MONITOR,
            primaryResultsUrl: `${ociProxy.url}/20180501/httpProbeResults/${MONITOR}`,
            secondaryResultsUrl: `${ociProxy.url}/20180501/pingProbeResults/${PING}`,
            secondaryWindowSeconds: 180,
            metricLookbackSeconds: 1080,
            alarmRepeatSeconds: 300,
            namespace: NS,
            operatorDeployment: OPERATOR,
            endpoints: { dns: ociProxy.url, telemetry: ociProxy.url },
            timeoutMs: CLIENT_TIMEOUT_MS,
        }, credentials, k8s, clock, log);
        return runFailover(platform, k8s, settings({ preFailoverFailureSeconds: 180, waitBudgetSeconds: 0 }), clock, log, { random: () => 0.5 });
    }

    const primaryDisabled = () => (fake.policy(POLICY).answers as { pool: string; isDisabled: boolean }[]).filter(a => a.pool === "primary").every(a => a.isDisabled);
    const world = () => ({
        replicas: kube.deployment(NS, OPERATOR)!.spec.replicas ?? 0,
        tlsSecretPresent: kube.secret(NS, TLS) !== undefined,
        dnsLocked: primaryDisabled(),
        cooldownRecorded: (kube.deployment(NS, OPERATOR)!.metadata.annotations ?? {})[COOLDOWN_ANNOTATION] !== undefined,
    });

    for (const spec of CALLS) {
        for (const kind of FAULT_KINDS) {
            const expected = EXPECTED[spec.role][kind];
            it(`${spec.call} / ${kind}: ${expected}`, async () => {
                const proxy = spec.to === "oci" ? ociProxy : kubeProxy;
                proxy.rule({ match: spec.match, fault: kind });
                const result = await invoke();
                assert.ok(proxy.faulted() >= 1, `the ${kind} fault on ${spec.call} was never hit`);
                assertOutcome(expected, result, world(), `${spec.call} / ${kind}`);
                assert.ok(fake.requests.every(r => r.signatureValid), "every OCI request still carries a valid signature through the proxy");
            });
        }
    }

    it("N concurrent invocations: one scale-up, DNS locked", async () => {
        const results = await Promise.all(Array.from({ length: 6 }, () => invoke()));
        // One effective scale; a loser that reads the operator up before any record completes the (idempotent) lock.
        assert.strictEqual(results.filter(r => r.operatorScaled).length, 1);
        assert.ok(results.every(r => r.decision !== "failed-over" || r.dnsLocked));
        assert.ok(results.every(r => ["failed-over", "already-failed-over", "cooldown"].includes(r.decision)), results.map(r => r.decision).join(", "));
        assert.strictEqual(kube.requests.filter(r => r.method === "PATCH" && r.contentType?.startsWith("application/json-patch") && r.status === 200).length, 1);
        assert.strictEqual(fake.count("PUT", "/steeringPolicies/"), 1);
        assert.ok(primaryDisabled());
    });
});

describe("round trips of one OCI failover (scripts/bench benchOci: the real adapter against the fakes, behind a latency proxy)", function () {
    it("reads the steering policy with the other reads and locks with one conditional PUT: four round trips", async () => {
        const { benchOci } = await import("../../scripts/bench/functions");
        // The rounds come from which calls overlapped, not from how long they took.
        const timing = await benchOci(50);
        assert.strictEqual(timing.decision, "failed-over");
        assert.strictEqual(timing.criticalPathCalls, 4, JSON.stringify(timing.rounds));
        assert.ok(timing.criticalPathCalls <= TARGETS.criticalPathCalls);
        assert.deepStrictEqual(timing.rounds.map(r => [...r].sort()), [
            ["k8s GET deployments/humio-operator", "k8s GET deployments/humio-operator", "k8s GET secrets/logscale",
                "oci GET httpProbeResults", "oci GET pingProbeResults", "oci GET steeringPolicies", "oci POST summarizeMetricsData"],
            ["k8s DELETE secrets/logscale"],
            ["k8s PATCH deployments/humio-operator"],
            ["k8s PATCH deployments/humio-operator", "oci PUT steeringPolicies"],
        ]);
        assert.strictEqual(timing.totalCalls, 11);
    });
});
