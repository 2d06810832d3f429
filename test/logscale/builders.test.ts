import { strict as assert } from "assert";
import { serviceSelectors } from "../../components/logscale/selectors";
import { clusterLayout } from "../../components/logscale/sizing";
import { kafkaNodePoolResource, kafkaReplication, kafkaResource } from "../../components/logscale/kafka";
import { clusterIssuerResource, ingressNginxValues, ingressSpec } from "../../components/logscale/ingress";
import { operatorPlan } from "../../components/logscale/operator";

describe("logscale selectors: serviceSelectors", () => {
    const active = clusterLayout("aws", "xsmall", "internal-ingest", "active");
    const standby = clusterLayout("aws", "xsmall", "internal-ingest", "standby");
    const basic = clusterLayout("aws", "xsmall", "basic", "active");

    it("drUseDedicatedRouting=false selects every LogScale pod, whatever the layout", () => {
        for (const l of [active, standby, basic]) {
            assert.deepEqual(serviceSelectors("ls", l, false), {
                ui: { "app.kubernetes.io/name": "humio" },
                ingest: { "app.kubernetes.io/name": "humio" },
            });
        }
    });

    it("drUseDedicatedRouting=true selects the UI and ingest pools when the layout has them", () => {
        assert.deepEqual(serviceSelectors("ls", active, true), {
            ui: { "humio.com/node-pool": "ls-ui" },
            ingest: { "humio.com/node-pool": "ls-ingest" },
        });
    });

    it("drUseDedicatedRouting=true falls back to the digest pool where there is no such pool (basic, or a standby)", () => {
        for (const l of [standby, basic]) {
            assert.deepEqual(serviceSelectors("ls", l, true), {
                ui: { "humio.com/node-pool": "ls" },
                ingest: { "humio.com/node-pool": "ls" },
            });
        }
    });
});

describe("logscale kafka", () => {
    it("replicates 3 / min ISR 2 with three or more brokers, 1/1 below", () => {
        assert.deepEqual(kafkaReplication(3), { replicationFactor: 3, minInsyncReplicas: 2 });
        assert.deepEqual(kafkaReplication(28), { replicationFactor: 3, minInsyncReplicas: 2 });
        assert.deepEqual(kafkaReplication(2), { replicationFactor: 1, minInsyncReplicas: 1 });
        assert.deepEqual(kafkaReplication(1), { replicationFactor: 1, minInsyncReplicas: 1 });
        assert.throws(() => kafkaReplication(0), /at least one broker/);
    });

    it("declares a KRaft Kafka with a TLS listener on 9093 and the replication of its broker count", () => {
        const k = kafkaResource("ls", { ...clusterLayout("azure", "small", "basic").kafka });
        assert.equal(k.apiVersion, "kafka.strimzi.io/v1");
        assert.equal(k.metadata.name, "ls-strimzi-kafka");
        // v1 has no KRaft/node-pool opt-in: the annotations would be stale noise.
        assert.equal((k.metadata.annotations as Record<string, string>)["strimzi.io/kraft"], undefined);
        assert.equal((k.metadata.annotations as Record<string, string>)["strimzi.io/node-pools"], undefined);
        assert.deepEqual(k.spec.kafka.listeners, [{ name: "tls", port: 9093, type: "internal", tls: true }]);
        assert.equal(k.spec.kafka.config["default.replication.factor"], 3);
        assert.equal(k.spec.kafka.config["min.insync.replicas"], 2);
        const small = kafkaResource("ls", { ...clusterLayout("azure", "small", "basic").kafka, podCount: 1 });
        assert.equal(small.spec.kafka.config["min.insync.replicas"], 1);
        assert.equal(small.spec.kafka.config["offsets.topic.replication.factor"], 1);
    });

    it("sizes the node pool from the layout and pins it to kafka nodes", () => {
        const layout = clusterLayout("oci", "medium", "basic");
        const p = kafkaNodePoolResource("ls", layout.kafka, "oci-bv");
        assert.equal(p.metadata.labels["strimzi.io/cluster"], "ls-strimzi-kafka");
        assert.equal(p.spec.replicas, 7);
        assert.deepEqual(p.spec.roles, ["controller", "broker"]);
        assert.deepEqual(p.spec.storage.volumes[0], { id: 0, type: "persistent-claim", size: "4096Gi", class: "oci-bv", kraftMetadata: "shared", deleteClaim: false });
        const term = p.spec.template.pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0];
        assert.deepEqual(term.matchExpressions, [{ key: "k8s-app", operator: "In", values: ["kafka"] }]);
        assert.deepEqual(p.spec.resources!.limits, { cpu: "14", memory: "102Gi" });
    });
});

describe("logscale ingress", () => {
    const ingress = clusterLayout("aws", "small", "internal-ingest").ingress;

    it("NodePort exposure pins both node ports and rejects ports a load balancer cannot target", () => {
        const v = ingressNginxValues({ type: "NodePort", httpNodePort: 30080, httpsNodePort: 30443 }, ingress) as any;
        assert.deepEqual(v.controller.service, { type: "NodePort", nodePorts: { http: 30080, https: 30443 } });
        assert.equal(v.controller.replicaCount, ingress.nodeCount);
        assert.deepEqual(v.controller.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions,
            [{ key: "k8s-app", operator: "In", values: ["logscale-ingress"] }]);
        assert.throws(() => ingressNginxValues({ type: "NodePort", httpsNodePort: 30443 }, ingress), /fixed http node port/);
        assert.throws(() => ingressNginxValues({ type: "NodePort", httpNodePort: 80, httpsNodePort: 30443 }, ingress), /30000 to 32767/);
        assert.throws(() => ingressNginxValues({ type: "NodePort", httpNodePort: 30443, httpsNodePort: 30443 }, ingress), /must differ/);
    });

    it("LoadBalancer exposure carries the cloud's annotations and static IP", () => {
        const v = ingressNginxValues({ type: "LoadBalancer", annotations: { "service.beta.kubernetes.io/azure-load-balancer-resource-group": "rg" }, loadBalancerIP: "20.1.2.3" }, ingress) as any;
        assert.deepEqual(v.controller.service, {
            type: "LoadBalancer",
            annotations: { "service.beta.kubernetes.io/azure-load-balancer-resource-group": "rg" },
            loadBalancerIP: "20.1.2.3",
        });
    });

    it("routes both names to the UI and ingest Services; the global certificate waits for promotion on a standby", () => {
        const active = ingressSpec({ clusterName: "ls", hostname: "ls-eu.example.com", globalHostname: "logs.example.com", dr: "active" });
        assert.deepEqual(active.spec.rules.map(r => r.host), ["ls-eu.example.com", "logs.example.com"]);
        for (const rule of active.spec.rules) {
            const byPath = Object.fromEntries(rule.http.paths.map(p => [p.path, p.backend.service.name]));
            assert.equal(byPath["/"], "ls-ui-cip");
            assert.equal(byPath["/api/v1/ingest"], "ls-ingest-cip");
            assert.equal(byPath["/services/collector"], "ls-ingest-cip");
        }
        assert.deepEqual(active.spec.tls, [
            { hosts: ["ls-eu.example.com"], secretName: "ls-regional-tls" },
            { hosts: ["logs.example.com"], secretName: "ls-global-tls" },
        ]);
        assert.equal(active.metadata.annotations["cert-manager.io/cluster-issuer"], "letsencrypt-prod");
        assert.equal(active.metadata.annotations["nginx.ingress.kubernetes.io/backend-protocol"], "HTTPS");
        const standby = ingressSpec({ clusterName: "ls", hostname: "ls-eu.example.com", globalHostname: "logs.example.com", dr: "standby" });
        assert.deepEqual(standby.spec.tls, [{ hosts: ["ls-eu.example.com"], secretName: "ls-regional-tls" }]);
        assert.deepEqual(standby.spec.rules.map(r => r.host), ["ls-eu.example.com", "logs.example.com"]);
    });

    it("the ClusterIssuer solves HTTP-01 through the nginx class with the given e-mail", () => {
        const i = clusterIssuerResource("ops@example.com");
        assert.equal(i.spec.acme.email, "ops@example.com");
        assert.equal(i.spec.acme.server, "https://acme-v02.api.letsencrypt.org/directory");
        assert.deepEqual(i.spec.acme.solvers, [{ http01: { ingress: { ingressClassName: "nginx" } } }]);
        assert.throws(() => clusterIssuerResource("not-an-email"), /e-mail/);
    });
});

describe("logscale operator: operatorPlan", () => {
    it("standby: 0 replicas, never touched again, release frozen, cluster after the patch", () => {
        const p = operatorPlan("standby");
        assert.equal(p.replicas, 0);
        assert.deepEqual(p.patchIgnoreChanges, ["spec.replicas"]);
        assert.ok(p.releaseIgnoreChanges.includes("version") && p.releaseIgnoreChanges.includes("values"));
        assert.equal(p.clusterDependsOnPatch, true);
    });

    it("active and no DR: 1 replica, applied on every up (promotion scales it)", () => {
        for (const dr of ["active", undefined] as const) {
            const p = operatorPlan(dr);
            assert.equal(p.replicas, 1);
            assert.deepEqual(p.patchIgnoreChanges, []);
            assert.deepEqual(p.releaseIgnoreChanges, []);
        }
    });
});
