import { strict as assert } from "assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { findResource, runProgram, type RecordedResource, type RunResult } from "../../scripts/mock/engine";
import { LogScaleCluster } from "../../components/logscale";
import { clusterLayout } from "../../components/logscale/sizing";
import type { LogScaleClusterArgs } from "../../components/logscale/types";
import type { ClusterType, DrMode } from "../../config/load";
import { HUMIOCLUSTER_SCHEMA_PATH, humioClusterValidator, schemaErrors } from "./schema";
import { recordSkip } from "../support/skips";

const T = {
    component: "logscale:logscale:Cluster",
    humio: "kubernetes:core.humio.com/v1alpha1:HumioCluster",
    patch: "kubernetes:apps/v1:DeploymentPatch",
    release: "kubernetes:helm.sh/v3:Release",
    secret: "kubernetes:core/v1:Secret",
    service: "kubernetes:core/v1:Service",
    gateway: "kubernetes:gateway.networking.k8s.io/v1:Gateway",
    route: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
    gatewayClass: "kubernetes:gateway.networking.k8s.io/v1:GatewayClass",
    envoyProxy: "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy",
    backendTls: "kubernetes:gateway.networking.k8s.io/v1:BackendTLSPolicy",
    kafka: "kubernetes:kafka.strimzi.io/v1:Kafka",
    nodePool: "kubernetes:kafka.strimzi.io/v1:KafkaNodePool",
    issuer: "kubernetes:cert-manager.io/v1:ClusterIssuer",
    sa: "kubernetes:core/v1:ServiceAccount",
};
const SECRETS = { license: "LICENSE-abc123", ownKey: "own-encryption-key", primaryKey: "primary-encryption-key", admin: "S3cretAdminPassw0rd" };

interface Case {
    dr?: DrMode;
    type?: ClusterType;
    dedicated?: boolean;
    extraEnv?: { name: string; value: string }[];
    adminPassword?: string;
}

async function deploy(c: Case = {}): Promise<RunResult> {
    return runProgram({
        stack: c.dr === "standby" ? "secondary" : "primary",
        config: {},
        program: () => {
            const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
            const args: LogScaleClusterArgs = {
                cloud: "aws",
                clusterName: "logscale",
                dr: c.dr,
                drUseDedicatedRouting: c.dedicated ?? true,
                logscaleVersion: "1.252.1",
                license: pulumi.secret(SECRETS.license),
                hostname: "logscale-us-east-2.example.com",
                globalHostname: "logs.example.com",
                acmeEmail: "ops@example.com",
                layout: clusterLayout("aws", "xsmall", c.type ?? "internal-ingest", c.dr),
                storageEnv: {
                    S3_STORAGE_BUCKET: { value: "bucket-secondary" },
                    S3_STORAGE_REGION: { value: "us-east-2" },
                    S3_STORAGE_ENCRYPTION_KEY: { secret: pulumi.secret(SECRETS.ownKey) },
                },
                recoveryEnv: c.dr === "standby" ? {
                    S3_RECOVER_FROM_BUCKET: { value: "bucket-primary" },
                    S3_RECOVER_FROM_REGION: { value: "us-west-2" },
                    S3_RECOVER_FROM_ENCRYPTION_KEY: { secret: pulumi.secret(SECRETS.primaryKey) },
                } : undefined,
                extraEnv: c.extraEnv,
                serviceAccountAnnotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/logscale" },
                podLabels: { team: "sre" },
                storageClassName: "gp3",
                ingress: { type: "NodePort", httpNodePort: 30080, httpsNodePort: 30443 },
                provider,
                adminPassword: c.adminPassword,
            };
            const cluster = new LogScaleCluster("logscale", args);
            return {
                namespace: cluster.namespace,
                humioClusterName: cluster.humioClusterName,
                operatorDeploymentName: cluster.operatorDeploymentName,
                gatewayServiceName: cluster.gatewayServiceName,
                humioServiceAccountName: cluster.humioServiceAccountName,
                adminPassword: cluster.adminPassword,
            };
        },
    });
}

const ok = (run: RunResult) => assert.deepEqual(run.errors.map(e => e.message), []);
const humio = (run: RunResult) => findResource(run, T.humio);
const spec = (r: RecordedResource) => r.inputs.spec as any;
const envOf = (r: RecordedResource) => spec(r).commonEnvironmentVariables as { name: string; value?: string; valueFrom?: any }[];
const envValue = (r: RecordedResource, name: string) => envOf(r).find(e => e.name === name)?.value;

describe("LogScaleCluster (mock engine)", function () {
    let standby: RunResult;
    let active: RunResult;
    before(async () => {
        standby = await deploy({ dr: "standby" });
        active = await deploy({ dr: "active" });
    });

    it("exports the names other components and the failover function rely on", () => {
        ok(active);
        assert.equal(active.outputs.namespace, "logging");
        assert.equal(active.outputs.humioClusterName, "logscale");
        assert.equal(active.outputs.operatorDeploymentName, "humio-operator");
        assert.equal(active.outputs.gatewayServiceName, "logscale-gateway");
        assert.equal(active.outputs.humioServiceAccountName, "logscale-humio");
        assert.equal(active.outputs.adminPassword, "[secret]");
        const component = findResource(active, T.component, "logscale");
        for (const r of active.resources.filter(r => r.type.startsWith("kubernetes:"))) {
            assert.equal(r.parent, component.urn, `${r.type} ${r.name} is a child of the component`);
            assert.ok(r.provider?.startsWith("urn:pulumi:primary::logscale-dr::pulumi:providers:kubernetes::k8s"), `${r.name} uses the cluster's provider`);
        }
    });

    it("standby: operator patch declares 0 replicas and ignores later changes to them", () => {
        ok(standby);
        const patch = findResource(standby, T.patch);
        assert.equal((patch.inputs.spec as any).replicas, 0);
        assert.deepEqual(patch.ignoreChanges, ["spec.replicas"]);
        assert.equal((patch.inputs.metadata as any).name, "humio-operator");
        assert.equal((patch.inputs.metadata as any).namespace, "logging");
        assert.equal((patch.inputs.metadata as any).annotations["pulumi.com/patchForce"], "true");
        const release = findResource(standby, T.release, "logscale-humio-operator");
        assert.ok(patch.dependsOn.includes(release.urn));
        assert.ok(release.ignoreChanges.includes("version") && release.ignoreChanges.includes("values"), "a chart upgrade would reset replicas to 1");
    });

    it("standby: a DaemonSet pre-pulls the HumioCluster's image on the digest pool; an active cluster has none", () => {
        const ds = standby.resources.filter(r => r.type === "kubernetes:apps/v1:DaemonSet");
        assert.equal(ds.length, 1);
        const spec = (ds[0].inputs.spec as any).template.spec;
        assert.equal(spec.initContainers[0].image, (humio(standby).inputs.spec as any).image, "the same image the recovered pod runs");
        assert.equal(spec.automountServiceAccountToken, false);
        assert.equal(JSON.stringify(spec).includes("secretKeyRef") || JSON.stringify(spec).includes("\"secret\""), false, "no access to secrets");
        assert.deepEqual(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0],
            { key: "k8s-app", operator: "In", values: ["logscale-digest"] });
        assert.equal((ds[0].inputs.metadata as any).namespace, "logging");
        assert.equal(active.resources.filter(r => r.type === "kubernetes:apps/v1:DaemonSet").length, 0);
    });

    it("standby: the HumioCluster is only declared once the operator patch (to 0) is applied", () => {
        const patch = findResource(standby, T.patch);
        assert.ok(humio(standby).dependsOn.includes(patch.urn));
    });

    it("active: operator patch declares 1 replica without ignoreChanges, so promotion applies it", () => {
        ok(active);
        const patch = findResource(active, T.patch);
        assert.equal((patch.inputs.spec as any).replicas, 1);
        assert.deepEqual(patch.ignoreChanges, []);
        assert.deepEqual(findResource(active, T.release, "logscale-humio-operator").ignoreChanges, []);
        assert.equal(patch.name, findResource(standby, T.patch).name, "same resource across promotion: an update, not a replacement");
    });

    it("humio-operator comes from the pinned chart with cert-manager on", () => {
        const release = findResource(active, T.release, "logscale-humio-operator");
        assert.equal(release.inputs.name, "humio-operator");
        assert.equal(release.inputs.chart, "humio-operator");
        assert.match(String(release.inputs.version), /^\d+\.\d+\.\d+$/);
        assert.deepEqual(release.inputs.repositoryOpts, { repo: "https://humio.github.io/humio-operator" });
        assert.equal((release.inputs.values as any).certmanager, true);
    });

    it("standby HumioCluster: one digest pod, replication 1, no ingest or UI pool, alerts off, recover-from set", () => {
        const s = spec(humio(standby));
        assert.equal(s.nodeCount, 1);
        assert.equal(s.targetReplicationFactor, 1);
        assert.deepEqual(s.nodePools, []);
        assert.equal(envValue(humio(standby), "ENABLE_ALERTS"), "false");
        assert.equal(envValue(humio(standby), "BUCKET_STORAGE_MULTIPLE_ENDPOINTS"), "true");
        assert.equal(envValue(humio(standby), "S3_RECOVER_FROM_BUCKET"), "bucket-primary");
    });

    it("active HumioCluster: size-table counts, ingest and UI pools, alerts on", () => {
        const s = spec(humio(active));
        const layout = clusterLayout("aws", "xsmall", "internal-ingest", "active");
        assert.equal(s.nodeCount, layout.digest.podCount);
        assert.equal(s.targetReplicationFactor, 2);
        assert.deepEqual(s.nodePools.map((p: any) => [p.name, p.spec.nodeCount]), [["ingest", layout.ingest!.podCount], ["ui", layout.ui!.podCount]]);
        for (const p of s.nodePools) assert.deepEqual(p.spec.nodePoolFeatures, { allowedAPIRequestTypes: [] });
        assert.equal(envValue(humio(active), "ENABLE_ALERTS"), "true");
        assert.equal(envOf(humio(active)).some(e => e.name.includes("_RECOVER_FROM_")), false);
    });

    it("pins the image, service account, truststore and node affinity in every pool", () => {
        for (const run of [standby, active]) {
            const s = spec(humio(run));
            const pools = [{ name: "digest", spec: s }, ...s.nodePools];
            for (const p of pools) {
                assert.equal(p.spec.image, "humio/humio-core:1.252.1", p.name);
                assert.equal(p.spec.humioServiceAccountName, "logscale-humio", p.name);
                assert.deepEqual(p.spec.podLabels, { team: "sre" }, p.name);
                assert.deepEqual(p.spec.extraVolumes, [{ name: "kafka-truststore", secret: { secretName: "logscale-strimzi-kafka-cluster-ca-cert" } }]);
                const role = p.name === "digest" ? "logscale-digest" : `logscale-${p.name}`;
                const exprs = p.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions;
                assert.deepEqual(exprs.find((e: any) => e.key === "k8s-app"), { key: "k8s-app", operator: "In", values: [role] });
                assert.equal(p.spec.dataVolumePersistentVolumeClaimSpecTemplate.storageClassName, "gp3");
            }
            assert.equal(s.dataVolumePersistentVolumeClaimSpecTemplate.resources.requests.storage, "3000Gi");
            assert.deepEqual(s.license, { secretKeyRef: { name: "logscale-license", key: "humio-license-key" } });
            assert.deepEqual(s.tls, { enabled: true });
        }
        const sa = findResource(active, T.sa);
        assert.deepEqual((sa.inputs.metadata as any).annotations, { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/logscale" });
    });

    it("no secret value reaches the HumioCluster: every secret is a secretKeyRef into a Kubernetes Secret", () => {
        for (const run of [standby, active]) {
            const hc = humio(run);
            assert.deepEqual(hc.secretPaths, []);
            const raw = JSON.stringify(hc.rawInputs);
            for (const v of [SECRETS.license, SECRETS.ownKey, SECRETS.primaryKey, "mock-logscale-admin-password"]) assert.ok(!raw.includes(v), `HumioCluster holds ${v}`);
            const envSecret = findResource(run, T.secret, "logscale-env-secrets");
            // The whole stringData is a Pulumi secret (the provider wraps it), so it never prints.
            assert.equal(envSecret.inputs.stringData, "[secret]");
            assert.deepEqual(envSecret.secretPaths, ["stringData"]);
            const keys = Object.keys(envSecret.rawInputs.stringData as object);
            assert.ok(keys.includes("S3_STORAGE_ENCRYPTION_KEY") && keys.includes("STATIC_USERS"));
            assert.equal(keys.includes("S3_RECOVER_FROM_ENCRYPTION_KEY"), run === standby);
            for (const k of keys) {
                const e = envOf(hc).find(x => x.name === k)!;
                assert.equal(e.value, undefined, k);
                assert.deepEqual(e.valueFrom, { secretKeyRef: { name: "logscale-env-secrets", key: k } });
            }
            const license = findResource(run, T.secret, "logscale-license");
            assert.deepEqual(license.secretPaths, ["stringData"]);
            assert.equal((license.rawInputs.stringData as any)["humio-license-key"], SECRETS.license);
        }
    });

    it("the given admin password becomes STATIC_USERS in the env Secret only", async () => {
        const run = await deploy({ dr: "active", adminPassword: SECRETS.admin });
        ok(run);
        assert.equal(run.resources.some(r => r.type === "random:index/randomPassword:RandomPassword"), false);
        const envSecret = findResource(run, T.secret, "logscale-env-secrets");
        assert.equal((envSecret.rawInputs.stringData as any).STATIC_USERS, `admin:${SECRETS.admin}`);
        assert.ok(!JSON.stringify(humio(run).rawInputs).includes(SECRETS.admin));
    });

    it("the env list has no duplicate names", () => {
        for (const run of [standby, active]) {
            const names = envOf(humio(run)).map(e => e.name);
            assert.equal(new Set(names).size, names.length);
        }
    });

    it("Services select pools per drUseDedicatedRouting; a standby falls back to its digest pool", async () => {
        const sel = (run: RunResult, name: string) => ((findResource(run, T.service, name).inputs.spec as any).selector);
        assert.deepEqual(sel(active, "logscale-ui-service"), { "humio.com/node-pool": "logscale-ui" });
        assert.deepEqual(sel(active, "logscale-ingest-service"), { "humio.com/node-pool": "logscale-ingest" });
        assert.deepEqual(sel(standby, "logscale-ui-service"), { "humio.com/node-pool": "logscale" });
        const phase1 = await deploy({ dr: "active", dedicated: false });
        assert.deepEqual(sel(phase1, "logscale-ui-service"), { "app.kubernetes.io/name": "humio" });
        assert.deepEqual(sel(phase1, "logscale-ingest-service"), { "app.kubernetes.io/name": "humio" });
        const svc = findResource(active, T.service, "logscale-ui-service");
        assert.equal((svc.inputs.metadata as any).annotations["pulumi.com/skipAwait"], "true", "a standby has no pods to wait for");
    });

    it("installs cert-manager, Strimzi Kafka and Envoy Gateway around LogScale, with a Gateway and its routes and no Ingress", () => {
        const releases = active.resources.filter(r => r.type === T.release).map(r => r.inputs.chart).sort();
        assert.deepEqual(releases, ["cert-manager", "humio-operator", "oci://docker.io/envoyproxy/gateway-helm", "strimzi-kafka-operator"]);
        const cm = findResource(active, T.release, "logscale-cert-manager");
        assert.deepEqual((cm.inputs.values as any).crds, { enabled: true, keep: true });
        assert.equal((cm.inputs.values as any).config.enableGatewayAPI, true);
        const kafka = findResource(active, T.kafka);
        assert.ok(kafka.dependsOn.includes(findResource(active, T.release, "logscale-strimzi").urn));
        assert.equal((findResource(active, T.nodePool).inputs.spec as any).replicas, 3);
        assert.ok(humio(active).dependsOn.includes(kafka.urn));
        for (const run of [active, standby]) {
            assert.equal(run.resources.some(r => /networking\.k8s\.io\/v1:Ingress$/.test(r.type) || /nginx/.test(String(r.inputs.chart ?? ""))), false);
        }
        const envoy = findResource(active, T.release, "logscale-envoy-gateway");
        assert.equal(envoy.inputs.version, "v1.9.0");
        const gateway = findResource(active, T.gateway);
        const hostnames = (g: RecordedResource) => (g.inputs.spec as any).listeners.filter((l: any) => l.protocol === "HTTPS").map((l: any) => l.hostname ?? "*");
        assert.deepEqual(hostnames(gateway), ["logscale-us-east-2.example.com", "*", "logs.example.com"]);
        assert.deepEqual(hostnames(findResource(standby, T.gateway)), ["logscale-us-east-2.example.com", "*"]);
        assert.ok(gateway.dependsOn.includes(findResource(active, T.issuer).urn));
        assert.ok(gateway.dependsOn.includes(findResource(active, T.gatewayClass).urn));
        assert.ok(findResource(active, T.gatewayClass).dependsOn.includes(findResource(active, T.envoyProxy).urn));
        const routes = active.resources.filter(r => r.type === T.route).map(r => (r.inputs.metadata as any).name).sort();
        assert.deepEqual(routes, ["logscale-https-redirect", "logscale-ingest", "logscale-ui"]);
        for (const r of active.resources.filter(x => x.type === T.route)) assert.ok(r.dependsOn.includes(gateway.urn), r.name);
        const proxy = findResource(active, T.envoyProxy);
        assert.equal((proxy.inputs.spec as any).provider.kubernetes.envoyService.type, "NodePort");
        assert.deepEqual((proxy.inputs.spec as any).provider.kubernetes.envoyService.patch.value.spec.ports.map((p: any) => p.nodePort), [30080, 30443]);
        assert.equal(findResource(active, T.backendTls).inputs.kind, "BackendTLSPolicy");
    });

    it("an extra env var that overrides a managed name fails the run with a config error", async () => {
        const run = await deploy({ dr: "active", extraEnv: [{ name: "PUBLIC_URL", value: "https://evil.example.com" }] });
        const msg = run.errors.map(e => e.message).join("\n");
        assert.match(msg, /logscale-dr:extraEnvVars/);
        assert.match(msg, /PUBLIC_URL is set by logscale-dr/);
        assert.equal(run.resources.some(r => r.type === T.humio), false);
    });

    describe("HumioCluster against the CRD schema", () => {
        const validate = humioClusterValidator();
        before(function () {
            if (!validate) {
                recordSkip("HumioCluster of the component against the CRD schema", `schema not found at ${HUMIOCLUSTER_SCHEMA_PATH}`);
                this.skip();
            }
        });
        const object = (r: RecordedResource) => ({ apiVersion: r.inputs.apiVersion, kind: r.inputs.kind, metadata: r.inputs.metadata, spec: r.inputs.spec });

        it("the emitted spec is valid for standby, active and a basic cluster without DR", async () => {
            const basic = await deploy({ type: "basic" });
            ok(basic);
            for (const run of [standby, active, basic]) assert.deepEqual(schemaErrors(validate!, object(humio(run))), []);
        });

        it("the check catches wrong types, unknown fields and a missing license", () => {
            const good = object(humio(active)) as any;
            const bad1 = structuredClone(good);
            bad1.spec.tls.enabled = "true";
            const bad2 = structuredClone(good);
            bad2.spec.nodeSelector = { "k8s-app": "logscale-digest" };
            const bad3 = structuredClone(good);
            delete bad3.spec.license;
            assert.ok(schemaErrors(validate!, bad1).some(e => e.includes("/spec/tls/enabled")));
            assert.ok(schemaErrors(validate!, bad2).some(e => e.includes("nodeSelector")));
            assert.ok(schemaErrors(validate!, bad3).some(e => e.includes("license")));
        });
    });
});
