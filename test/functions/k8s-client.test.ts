import * as assert from "assert";
import { RemoteError } from "../../functions/core/types";
import { KubeClient } from "../../functions/k8s/client";
import { FakeKubernetes } from "../support/fake-k8s";

async function rejection(p: Promise<unknown>): Promise<RemoteError> {
    try {
        await p;
    } catch (err) {
        assert.ok(err instanceof RemoteError, `expected a RemoteError, got ${String(err)}`);
        return err;
    }
    assert.fail("expected a rejection");
}

describe("Kubernetes REST client (functions/k8s) against the fake API server", () => {
    let kube: FakeKubernetes;
    const clients: KubeClient[] = [];
    const make = (opts: ConstructorParameters<typeof KubeClient>[0]) => {
        const c = new KubeClient(opts);
        clients.push(c);
        return c;
    };

    beforeEach(async () => {
        kube = await FakeKubernetes.start({ tls: true, authorize: h => h === "Bearer good" });
        kube.putDeployment("logging", "humio-operator", { replicas: 0, annotations: { keep: "me" } });
    });
    afterEach(async () => {
        clients.splice(0).forEach(c => c.close());
        await kube.stop();
    });

    it("talks HTTPS with the cluster CA and a bearer token asked for on every request", async () => {
        let asked = 0;
        const c = make({ connection: { server: kube.url, caPem: kube.caPem, token: () => { asked++; return "good"; } } });
        assert.strictEqual(await c.getDeploymentReplicas("logging", "humio-operator"), 0);
        await c.scaleDeployment("logging", "humio-operator", 2);
        assert.strictEqual(await c.getDeploymentReplicas("logging", "humio-operator"), 2);
        assert.strictEqual(asked, 3);
        const patch = kube.requests.find(r => r.method === "PATCH")!;
        assert.strictEqual(patch.contentType, "application/merge-patch+json");
        assert.deepStrictEqual(patch.body, { spec: { replicas: 2 } });
    });

    it("refuses a server whose certificate the CA does not sign, without retrying", async () => {
        const c = make({ connection: { server: kube.url, token: () => "good" } });
        const err = await rejection(c.getDeploymentReplicas("logging", "humio-operator"));
        assert.strictEqual(err.status, undefined);
        assert.strictEqual(err.retryable, false);
        assert.match(err.message, /SELF_SIGNED|self-signed/i);
    });

    it("classifies 401 as permanent and 500 as transient, with the Status message", async () => {
        const bad = make({ connection: { server: kube.url, caPem: kube.caPem, token: () => "wrong" } });
        const e401 = await rejection(bad.getDeploymentReplicas("logging", "humio-operator"));
        assert.strictEqual(e401.status, 401);
        assert.strictEqual(e401.retryable, false);
        assert.strictEqual(e401.call, "k8s.getDeploymentReplicas");

        const c = make({ connection: { server: kube.url, caPem: kube.caPem, token: () => "good" } });
        kube.fault({ method: "GET", status: 500 });
        const e500 = await rejection(c.getDeploymentReplicas("logging", "humio-operator"));
        assert.strictEqual(e500.status, 500);
        assert.strictEqual(e500.retryable, true);
        assert.match(e500.message, /HTTP 500 InjectedFault: injected fault 500/);
    });

    it("times out a request the server never answers (retryable, no status)", async () => {
        const c = make({ connection: { server: kube.url, caPem: kube.caPem, token: () => "good" }, timeoutMs: 100 });
        kube.fault({ method: "GET", hang: true });
        const err = await rejection(c.getDeploymentReplicas("logging", "humio-operator"));
        assert.strictEqual(err.status, undefined);
        assert.strictEqual(err.retryable, true);
        assert.match(err.message, /timed out after 100 ms/);
    });

    it("reports a reset connection as retryable", async () => {
        const c = make({ connection: { server: kube.url, caPem: kube.caPem, token: () => "good" } });
        kube.fault({ method: "GET", reset: true });
        const err = await rejection(c.getDeploymentReplicas("logging", "humio-operator"));
        assert.strictEqual(err.retryable, true);
        assert.match(err.message, /connection failed/);
    });

    it("compare-and-set scale: scaled once, then conflict", async () => {
        const c = make({ connection: { server: kube.url, caPem: kube.caPem, token: () => "good" } });
        assert.strictEqual(await c.scaleDeploymentFrom("logging", "humio-operator", 0, 1), "scaled");
        assert.strictEqual(await c.scaleDeploymentFrom("logging", "humio-operator", 0, 1), "conflict");
        assert.strictEqual(kube.deployment("logging", "humio-operator")!.spec.replicas, 1);
    });

    it("reads, sets and removes annotations with a merge patch, leaving others alone", async () => {
        const c = make({ connection: { server: kube.url, caPem: kube.caPem, token: () => "good" } });
        await c.annotateDeployment("logging", "humio-operator", { "logscale.dr/last-failover-epoch": "1700000000" });
        assert.strictEqual(await c.getDeploymentAnnotation("logging", "humio-operator", "logscale.dr/last-failover-epoch"), "1700000000");
        await c.annotateDeployment("logging", "humio-operator", { "logscale.dr/last-failover-epoch": null });
        assert.strictEqual(await c.getDeploymentAnnotation("logging", "humio-operator", "logscale.dr/last-failover-epoch"), undefined);
        assert.strictEqual(await c.getDeploymentAnnotation("logging", "humio-operator", "keep"), "me");
    });

    it("reads a secret's metadata only, and deletes with and without a uid precondition", async () => {
        const c = make({ connection: { server: kube.url, caPem: kube.caPem, token: () => "good" } });
        assert.strictEqual(await c.getSecretMeta("logging", "logscale"), undefined);
        assert.strictEqual(await c.deleteSecret("logging", "logscale"), "absent");
        const meta = kube.putSecret("logging", "logscale", { creationTimestamp: "2024-05-01T10:00:00Z" });
        assert.deepStrictEqual(await c.getSecretMeta("logging", "logscale"), meta);
        assert.strictEqual(await c.deleteSecret("logging", "logscale", { uid: "another" }), "replaced");
        assert.strictEqual(await c.deleteSecret("logging", "logscale", { uid: meta.uid }), "deleted");
        assert.strictEqual(kube.secret("logging", "logscale"), undefined);
    });

    it("rejects an answer that is not what was asked for, naming the field", async () => {
        const c = make({ connection: { server: kube.url, caPem: kube.caPem, token: () => "good" } });
        (kube.deployment("logging", "humio-operator")!.spec as Record<string, unknown>).replicas = "one";
        const err = await rejection(c.getDeploymentReplicas("logging", "humio-operator"));
        assert.strictEqual(err.retryable, false);
        assert.match(err.message, /spec.replicas is "one", expected an integer >= 0/);
    });

    it("looks the connection up once, and again after a failed lookup", async () => {
        let lookups = 0;
        const c = make({
            connection: async () => {
                lookups++;
                if (lookups === 1) {
                    throw new RemoteError("eks.DescribeCluster: HTTP 503", 503, true, "eks.DescribeCluster");
                }
                return { server: kube.url, caPem: kube.caPem, token: () => "good" };
            },
        });
        await rejection(c.getDeploymentReplicas("logging", "humio-operator"));
        await c.getDeploymentReplicas("logging", "humio-operator");
        await c.getDeploymentReplicas("logging", "humio-operator");
        assert.strictEqual(lookups, 2);
    });

    it("reports a refused connection as retryable", async () => {
        const url = kube.url;
        await kube.stop();
        kube = await FakeKubernetes.start();
        const c = make({ connection: { server: url, caPem: kube.caPem }, timeoutMs: 2000 });
        const err = await rejection(c.getDeploymentReplicas("logging", "humio-operator"));
        assert.strictEqual(err.retryable, true);
        assert.match(err.message, /ECONNREFUSED/);
    });
});
