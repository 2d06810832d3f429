import { strict as assert } from "assert";
import { serviceSelectors } from "../../components/logscale/selectors";
import { clusterLayout } from "../../components/logscale/sizing";
import { kafkaNodePoolResource, kafkaReplication, kafkaResource } from "../../components/logscale/kafka";
import {
    backendTlsPolicyResource, CERT_MANAGER_VALUES, clusterIssuerResource, envoyProxyResource, gatewayClassResource, gatewayResource, httpRouteResources,
} from "../../components/logscale/gateway";
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

describe("logscale gateway (Envoy Gateway, Gateway API)", () => {
    const ingress = clusterLayout("aws", "small", "internal-ingest").ingress;
    const names = { clusterName: "ls", hostname: "ls-eu.example.com", globalHostname: "logs.example.com" };
    const kube = (e: ReturnType<typeof envoyProxyResource>) => e.spec.provider.kubernetes as any;

    it("NodePort exposure pins both node ports on the proxy Service and rejects ports a load balancer cannot target", () => {
        const k = kube(envoyProxyResource({ type: "NodePort", httpNodePort: 30080, httpsNodePort: 30443 }, ingress));
        assert.equal(k.envoyService.name, "logscale-gateway");
        assert.equal(k.envoyService.type, "NodePort");
        assert.deepEqual(k.envoyService.patch, {
            type: "StrategicMerge",
            value: { spec: { ports: [{ name: "http-80", port: 80, nodePort: 30080 }, { name: "https-443", port: 443, nodePort: 30443 }] } },
        });
        assert.equal(k.envoyDeployment.replicas, ingress.nodeCount);
        assert.deepEqual(k.envoyDeployment.pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions,
            [{ key: "k8s-app", operator: "In", values: ["logscale-ingress"] }]);
        assert.throws(() => envoyProxyResource({ type: "NodePort", httpsNodePort: 30443 }, ingress), /fixed http node port/);
        assert.throws(() => envoyProxyResource({ type: "NodePort", httpNodePort: 80, httpsNodePort: 30443 }, ingress), /30000 to 32767/);
        assert.throws(() => envoyProxyResource({ type: "NodePort", httpNodePort: 30443, httpsNodePort: 30443 }, ingress), /must differ/);
    });

    it("LoadBalancer exposure carries the cloud's annotations and static IP", () => {
        const k = kube(envoyProxyResource({ type: "LoadBalancer", annotations: { "service.beta.kubernetes.io/azure-load-balancer-resource-group": "rg" }, loadBalancerIP: "20.1.2.3" }, ingress));
        assert.deepEqual(k.envoyService, {
            name: "logscale-gateway",
            type: "LoadBalancer",
            annotations: { "service.beta.kubernetes.io/azure-load-balancer-resource-group": "rg" },
            loadBalancerIP: "20.1.2.3",
        });
    });

    it("the GatewayClass is Envoy Gateway's, shaped by the EnvoyProxy resource", () => {
        const gc = gatewayClassResource();
        assert.equal(gc.spec.controllerName, "gateway.envoyproxy.io/gatewayclass-controller");
        assert.deepEqual(gc.spec.parametersRef, { group: "gateway.envoyproxy.io", kind: "EnvoyProxy", name: "logscale-proxy", namespace: "logging" });
    });

    it("TLS ends at the Gateway: one certificate per name, the global one only once the cluster is active", () => {
        const active = gatewayResource({ ...names, dr: "active" });
        assert.equal(active.metadata.annotations["cert-manager.io/cluster-issuer"], "letsencrypt-prod");
        const https = (g: ReturnType<typeof gatewayResource>) => g.spec.listeners.filter(l => l.protocol === "HTTPS")
            .map(l => [l.name, (l as any).hostname, (l as any).tls.certificateRefs[0].name]);
        assert.deepEqual(https(active), [
            ["https-regional", "ls-eu.example.com", "ls-regional-tls"],
            ["https-default", undefined, "ls-regional-tls"],
            ["https-global", "logs.example.com", "ls-global-tls"],
        ]);
        assert.deepEqual(active.spec.listeners[0], { name: "http", protocol: "HTTP", port: 80, allowedRoutes: { namespaces: { from: "Same" } } });
        const standby = gatewayResource({ ...names, dr: "standby" });
        assert.deepEqual(https(standby).map(l => l[0]), ["https-regional", "https-default"]);
    });

    it("routes the ingest prefixes to the ingest Service and the rest to the UI Service, for both names", () => {
        const r = httpRouteResources({ ...names, dr: "active" });
        assert.deepEqual(r.ingest.spec.hostnames, ["ls-eu.example.com", "logs.example.com"]);
        assert.deepEqual((r.ingest.spec.rules as any)[0].matches.map((m: any) => m.path.value), ["/api/v1/ingest", "/services/collector", "/_bulk"]);
        assert.deepEqual((r.ingest.spec.rules as any)[0].backendRefs, [{ group: "", kind: "Service", name: "ls-ingest-cip", port: 8080 }]);
        assert.deepEqual((r.ui.spec.rules as any)[0].backendRefs, [{ group: "", kind: "Service", name: "ls-ui-cip", port: 8080 }]);
        assert.deepEqual((r.ui.spec.rules as any)[0].matches, [{ path: { type: "PathPrefix", value: "/" } }]);
        assert.deepEqual((r.ui.spec.parentRefs as any).map((p: any) => p.sectionName), ["https-regional", "https-default", "https-global"]);
        assert.deepEqual((httpRouteResources({ ...names, dr: "standby" }).ui.spec.parentRefs as any).map((p: any) => p.sectionName), ["https-regional", "https-default"]);
        assert.deepEqual((r.redirect.spec.rules as any)[0].filters, [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }]);
        assert.deepEqual((r.redirect.spec.parentRefs as any)[0].sectionName, "http");
    });

    it("the Gateway verifies LogScale's own TLS against humio-operator's CA", () => {
        const p = backendTlsPolicyResource("ls");
        assert.deepEqual(p.spec.targetRefs.map(t => t.name), ["ls-ui-cip", "ls-ingest-cip"]);
        assert.deepEqual(p.spec.validation, { caCertificateRefs: [{ group: "", kind: "Secret", name: "ls-ca-keypair" }], hostname: "ls-internal.logging" });
    });

    it("the ClusterIssuer solves HTTP-01 on the Gateway's HTTP listener; cert-manager watches Gateways", () => {
        const i = clusterIssuerResource("ops@example.com", "ls");
        assert.equal(i.spec.acme.email, "ops@example.com");
        assert.equal(i.spec.acme.server, "https://acme-v02.api.letsencrypt.org/directory");
        assert.deepEqual(i.spec.acme.solvers, [{
            http01: { gatewayHTTPRoute: { parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "ls", namespace: "logging", sectionName: "http" }] } },
        }]);
        assert.equal(CERT_MANAGER_VALUES.config.enableGatewayAPI, true);
        assert.throws(() => clusterIssuerResource("not-an-email", "ls"), /e-mail/);
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
