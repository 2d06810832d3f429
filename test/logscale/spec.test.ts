import { strict as assert } from "assert";
import { CLOUDS, CLUSTER_SIZES, CLUSTER_TYPES } from "../../config/keys";
import type { DrMode } from "../../config/load";
import { buildLogScaleEnv } from "../../components/logscale/env";
import { clusterLayout } from "../../components/logscale/sizing";
import { humioClusterSpec, type HumioClusterSpecInput } from "../../components/logscale/spec";
import { HUMIOCLUSTER_SCHEMA_PATH, humioClusterValidator, schemaErrors } from "./schema";
import { recordSkip } from "../support/skips";

const env = (dr?: DrMode) => buildLogScaleEnv({
    stack: "s", clusterName: "ls", dr, globalHostname: "logs.example.com", staticUsers: "admin:pw",
    storageEnv: { AZURE_STORAGE_BUCKET: { value: "c" }, AZURE_STORAGE_ACCOUNTKEY: { secret: "acct-key-value" } },
});
const input = (over: Partial<HumioClusterSpecInput> & { dr?: DrMode } = {}): HumioClusterSpecInput => ({
    clusterName: "ls",
    logscaleVersion: "1.252.1",
    layout: clusterLayout("azure", "small", "internal-ingest", over.dr),
    env: env(over.dr),
    storageClassName: "managed-csi-premium",
    ...over,
});

describe("logscale spec: humioClusterSpec", () => {
    it("standby: nodeCount 1, replication 1, no pools", () => {
        const s = humioClusterSpec(input({ dr: "standby" })) as any;
        assert.equal(s.nodeCount, 1);
        assert.equal(s.targetReplicationFactor, 1);
        assert.deepEqual(s.nodePools, []);
    });

    it("active internal-ingest: digest at the top level, ingest and UI pools with their roles", () => {
        const s = humioClusterSpec(input({ dr: "active" })) as any;
        assert.equal(s.nodeCount, 6);
        assert.equal(s.digestPartitionsCount, 840);
        assert.deepEqual(s.nodePools.map((p: any) => p.name), ["ingest", "ui"]);
        const ingest = s.nodePools[0].spec;
        assert.equal(ingest.nodeCount, 6);
        assert.deepEqual(ingest.environmentVariables, [
            { name: "NODE_ROLES", value: "ingestonly" },
            { name: "INITIAL_DISABLED_NODE_TASK", value: "digest,query,storage" },
        ]);
        assert.deepEqual(ingest.resources.limits, { cpu: "6", memory: "10Gi" });
        assert.equal(ingest.dataVolumePersistentVolumeClaimSpecTemplate.resources.requests.storage, "60Gi");
        assert.equal(s.nodePools[1].spec.environmentVariables[0].value, "httponly");
        assert.equal(s.updateStrategy.type, "RollingUpdate");
        assert.equal(s.updateStrategy.maxUnavailable, 1);
    });

    it("basic and ingress types have only the digest pool", () => {
        for (const type of ["basic", "ingress"] as const) {
            assert.deepEqual((humioClusterSpec(input({ layout: clusterLayout("oci", "xsmall", type) })) as any).nodePools, []);
        }
    });

    it("env goes to commonEnvironmentVariables with secrets as references", () => {
        const s = humioClusterSpec(input()) as any;
        const key = s.commonEnvironmentVariables.find((e: any) => e.name === "AZURE_STORAGE_ACCOUNTKEY");
        assert.deepEqual(key, { name: "AZURE_STORAGE_ACCOUNTKEY", valueFrom: { secretKeyRef: { name: "ls-env-secrets", key: "AZURE_STORAGE_ACCOUNTKEY" } } });
        assert.ok(!JSON.stringify(s).includes("acct-key-value") && !JSON.stringify(s).includes("admin:pw"));
    });

    it("refuses inconsistent inputs instead of emitting a cluster the operator rejects", () => {
        assert.throws(() => humioClusterSpec(input({ dr: "standby", layout: clusterLayout("azure", "small", "basic", "active") })), /sized for dr=active/);
        const layout = clusterLayout("azure", "small", "basic");
        assert.throws(() => humioClusterSpec(input({ layout: { ...layout, targetReplicationFactor: 7 } })), /at least targetReplicationFactor/);
        assert.throws(() => humioClusterSpec(input({ layout: { ...layout, digest: { ...layout.digest, dataDiskSize: undefined } } })), /no data disk size/);
    });

    describe("against the CRD schema", () => {
        const validate = humioClusterValidator();
        before(function () {
            if (!validate) {
                recordSkip("HumioCluster spec against the CRD schema", `schema not found at ${HUMIOCLUSTER_SCHEMA_PATH}`);
                this.skip();
            }
        });

        it("every cloud, size, type and DR mode yields a valid HumioCluster", () => {
            for (const cloud of CLOUDS) {
                for (const size of CLUSTER_SIZES) {
                    for (const type of CLUSTER_TYPES) {
                        for (const dr of ["standby", "active", undefined] as const) {
                            const spec = humioClusterSpec({ ...input({ dr }), layout: clusterLayout(cloud, size, type, dr), podLabels: { "azure.workload.identity/use": "true" } });
                            const errors = schemaErrors(validate!, { apiVersion: "core.humio.com/v1alpha1", kind: "HumioCluster", metadata: { name: "ls", namespace: "logging" }, spec });
                            assert.deepEqual(errors, [], `${cloud} ${size} ${type} ${dr}`);
                        }
                    }
                }
            }
        });
    });
});
