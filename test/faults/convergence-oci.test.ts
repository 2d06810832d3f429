// The convergence matrix on OCI: the Function's adapter against the fake OCI
// APIs (Monitoring, Health Checks, DNS steering policy; signatures verified)
// and the fake OKE API, each behind a fault proxy. The failover record is an
// annotation on the operator Deployment, so "the record store down" is that
// annotation unreadable (garbled) and every write of it refused.
import { runFailover } from "../../functions/core/failover";
import { KubeClient } from "../../functions/k8s/client";
import { okeToken } from "../../functions/oci/oke";
import { COOLDOWN_ANNOTATION, OciPlatform } from "../../functions/oci/platform";
import { memoryLogger, settings } from "../functions/fakes";
import { FakeOci } from "../oci/fake-oci";
import { CLUSTER, COMPARTMENT, credentials, httpProbes, KEY_ID, MONITOR, okeTokenIsValid, PING, POLICY, policyDoc, REGION, series, testKeys } from "../oci/fixtures";
import { FakeKubernetes } from "../support/fake-k8s";
import { convergenceSuite, garbleRecordAnnotation, PairUnderTest, recordingClock } from "./convergence";
import { CLIENT_TIMEOUT_MS, FaultProxy } from "./fault-proxy";
import { instantClock } from "./matrix";

const NS = "logging";
const OPERATOR = "humio-operator";

interface OciPair extends PairUnderTest {
    stop(): Promise<void>;
}

async function startOciPair(): Promise<OciPair> {
    const fake = await FakeOci.start(testKeys().publicKey, KEY_ID);
    const kube = await FakeKubernetes.start({ authorize: h => okeTokenIsValid(h, CLUSTER, REGION) });
    const ociProxy = await FaultProxy.start(fake.url);
    const kubeProxy = await FaultProxy.start(kube.url);
    const now = instantClock().now();
    const primaryReads = (healthy: boolean) => {
        fake.datapoints.set(MONITOR, series(now, healthy ? [1, 1, 1, 1, 1] : [0, 0, 0, 0, 0]));
        fake.httpProbeResults.set(MONITOR, httpProbes(now, healthy));
    };
    fake.putPolicy(POLICY, policyDoc());
    primaryReads(false);
    fake.probeResults.set(PING, ["a", "b", "c"].map(vp => ({ startTime: now - 30_000, isHealthy: true, vantagePointName: vp })));
    kube.putDeployment(NS, OPERATOR, { replicas: 0 });
    kube.putSecret(NS, "logscale", { creationTimestamp: "2024-06-01T00:00:00Z" });
    const world = { lockBroken: false, storeBroken: false };
    ociProxy.rule({ match: r => world.lockBroken && r.method === "PUT" && r.path.includes("/steeringPolicies/"), fault: "permanent" });
    kubeProxy.rule({ match: r => world.storeBroken && r.method === "PATCH" && r.body.includes(COOLDOWN_ANNOTATION), fault: "permanent" });
    const slept: number[] = [];
    const clients: KubeClient[] = [];

    return {
        kube,
        namespace: NS,
        operator: OPERATOR,
        async run(options = {}) {
            const clock = recordingClock(slept);
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
                namespace: NS,
                operatorDeployment: OPERATOR,
                endpoints: { dns: ociProxy.url, telemetry: ociProxy.url },
                timeoutMs: CLIENT_TIMEOUT_MS,
                // The alarm repeats every 5 minutes: the OCI recheck.
                alarmRepeatSeconds: 300,
            }, credentials, k8s, clock, log);
            // Five failing minutes in the metric: a 180 s holdoff is met.
            return runFailover(platform, k8s, settings({ preFailoverFailureSeconds: options.holdoffSeconds ?? 180, waitBudgetSeconds: 0 }),
                clock, log, { random: () => 0.5 });
        },
        dnsLocked: () => (fake.policy(POLICY).answers as { pool: string; isDisabled: boolean }[]).filter(a => a.pool === "primary").every(a => a.isDisabled),
        unlockByHand: () => { fake.putPolicy(POLICY, policyDoc()); },
        setPrimaryHealthy: primaryReads,
        breakRecordStore: () => {
            world.storeBroken = true;
            garbleRecordAnnotation(kube, NS, OPERATOR, COOLDOWN_ANNOTATION);
        },
        breakLock: broken => { world.lockBroken = broken; },
        sleeps: () => slept,
        async stop() {
            clients.forEach(c => c.close());
            await Promise.all([ociProxy.stop(), kubeProxy.stop(), fake.stop(), kube.stop()]);
        },
    };
}

describe("convergence: OCI", () => {
    before(() => testKeys());
    convergenceSuite("OCI (Function adapter, fake OCI and OKE behind fault proxies, signatures verified)", startOciPair, pair => (pair as OciPair).stop());
});
