import * as assert from "assert";
import { runFailover } from "../../functions/core/failover";
import { FailoverPlatform, PrimaryHealth } from "../../functions/core/types";
import { KubeClient } from "../../functions/k8s/client";
import { FakeKubernetes } from "../support/fake-k8s";
import { FakeClock, k8sTime, memoryLogger, RoundTracker, settings, transient } from "./fakes";

// The optional prefetchLock hook of FailoverPlatform: read in round 1 what the
// lock needs, so the lock in round 4 is one call; best effort, one attempt.

const NS = "logging";
const OPERATOR = "humio-operator";
const TLS = "logscale";

/** A platform whose lock uses what the prefetch read, and reads for itself otherwise. */
class PrefetchingPlatform implements FailoverPlatform {
    readonly cloud = "oci" as const;
    readonly calls: string[] = [];
    prefetchFailure: (() => never) | undefined;
    private prefetched: string | undefined;

    constructor(private readonly tracker: RoundTracker) {}

    private async remote<T>(name: string, value: T): Promise<T> {
        this.calls.push(name);
        const end = this.tracker.begin(name);
        await new Promise<void>(resolve => setImmediate(resolve));
        end();
        return value;
    }

    async primaryHealth(): Promise<PrimaryHealth> {
        return this.remote("primaryHealth", { healthy: false, failingForSeconds: 600 });
    }
    async secondaryHealthy(): Promise<boolean> {
        return this.remote("secondaryHealthy", true);
    }
    async lastFailoverEpoch(): Promise<number | undefined> {
        return this.remote("lastFailoverEpoch", undefined);
    }
    async recordFailover(): Promise<void> {
        await this.remote("recordFailover", undefined);
    }
    prefetchLock(): Promise<void> {
        if (this.prefetchFailure) {
            // Thrown synchronously, not as a rejection: the core must cope with both.
            this.prefetchFailure();
        }
        return this.remote("readPolicy", "etag-1").then(etag => { this.prefetched = etag; });
    }
    async lockDns(): Promise<void> {
        const etag = this.prefetched ?? await this.remote("readPolicy", "etag-1");
        this.prefetched = undefined;
        await this.remote(`writePolicy ${etag}`, undefined);
    }
}

describe("failover core: the optional prefetchLock hook", () => {
    let kube: FakeKubernetes;
    let client: KubeClient;
    let clock: FakeClock;
    let tracker: RoundTracker;

    beforeEach(async () => {
        kube = await FakeKubernetes.start();
        clock = new FakeClock();
        tracker = new RoundTracker();
        client = tracker.wrap("k8s", new KubeClient({ connection: { server: kube.url }, timeoutMs: 5000 }));
        kube.putDeployment(NS, OPERATOR, { replicas: 0 });
        kube.putSecret(NS, TLS, { creationTimestamp: k8sTime(clock.now() - 86400_000) });
    });

    afterEach(async () => {
        client.close();
        await kube.stop();
    });

    it("runs with the round-1 reads, so the lock is one call and the critical path stays at four round trips", async () => {
        const platform = new PrefetchingPlatform(tracker);
        const { log } = memoryLogger();
        const result = await runFailover(platform, client, settings({ preFailoverFailureSeconds: 180 }), clock, log, { random: () => 0.5 });
        assert.strictEqual(result.decision, "failed-over", result.reason);
        assert.strictEqual(result.dnsLocked, true);
        assert.deepStrictEqual(platform.calls.filter(c => c.includes("Policy")), ["readPolicy", "writePolicy etag-1"]);
        assert.strictEqual(tracker.criticalPath(), 4);
    });

    it("a failing prefetch (thrown or rejected) is logged and ignored: the decision stands and the lock reads for itself", async () => {
        for (const failure of [() => { throw transient("readPolicy", 503); }, undefined]) {
            kube.putDeployment(NS, OPERATOR, { replicas: 0 });
            const platform = new PrefetchingPlatform(tracker);
            platform.prefetchFailure = failure as (() => never) | undefined;
            if (!failure) {
                platform.prefetchLock = () => Promise.reject(transient("readPolicy", 503));
            }
            const { log, lines } = memoryLogger();
            const result = await runFailover(platform, client, settings({ preFailoverFailureSeconds: 180 }), clock, log, { random: () => 0.5 });
            assert.strictEqual(result.decision, "failed-over", result.reason);
            assert.strictEqual(result.dnsLocked, true);
            assert.deepStrictEqual(platform.calls.filter(c => c.includes("Policy")), ["readPolicy", "writePolicy etag-1"]);
            assert.ok(lines.some(l => l.level === "warn" && l.event === "failover.lock-prefetch-failed"));
            // One attempt: no retry of the prefetch.
            assert.ok(!lines.some(l => l.event === "retry.scheduled"));
        }
    });
});
