import { strict as assert } from "assert";
import { CLOUDS, CLUSTER_SIZES, CLUSTER_TYPES } from "../../config/keys";
import { clusterLayout, DIGEST_PARTITIONS, scaleQuantity } from "../../components/logscale/sizing";
import awsTable from "../../components/logscale/sizing/aws.json";
import azureTable from "../../components/logscale/sizing/azure.json";
import ociTable from "../../components/logscale/sizing/oci.json";

type Row = Record<string, any>;
const rows = { aws: awsTable.sizes as Record<string, Row>, azure: azureTable.sizes as Record<string, Row>, oci: ociTable.sizes as Record<string, Row> };
const gi = (q: string) => {
    const m = /^(\d+)Gi$/.exec(q);
    assert.ok(m, `expected a Gi quantity, got ${q}`);
    return Number(m![1]);
};

describe("logscale sizing: clusterLayout", () => {
    for (const cloud of CLOUDS) {
        for (const size of CLUSTER_SIZES) {
            const row = rows[cloud][size];
            it(`${cloud} ${size}: active internal-ingest reads the table`, () => {
                const l = clusterLayout(cloud, size, "internal-ingest", "active");
                const digestPods = cloud === "aws" ? row.logscale_digest_desired_node_count : row.logscale_digest_pod_count;
                assert.equal(l.digest.podCount, digestPods);
                assert.equal(l.digest.nodeCount, row.logscale_digest_desired_node_count);
                assert.equal(l.digest.instanceType, row.logscale_digest_instance_type);
                assert.equal(l.digest.dataDiskSize, row.logscale_digest_data_disk_size);
                assert.equal(l.digest.resources!.memory, row.logscale_digest_resources.limits.memory);
                assert.equal(l.ingest!.instanceType, row.logscale_ingest_instance_type);
                assert.equal(l.ui!.dataDiskSize, row.logscale_ui_data_disk_size);
                assert.equal(l.ingress.nodeCount, row.logscale_ingress_desired_node_count);
                assert.equal(l.ingress.podCount, 0);
                assert.equal(l.targetReplicationFactor, row.logscale_target_replication_factor ?? 2);
                assert.equal(l.digestPartitionsCount, DIGEST_PARTITIONS);
                assert.ok(l.digest.podCount >= l.targetReplicationFactor);
                assert.ok(l.kafka.podCount >= 1 && gi(l.kafka.dataDiskSize!) > 0);
                assert.equal(l.system === undefined, cloud === "aws", "EKS has no system pool of its own; AKS and OKE do");
                assert.deepEqual([l.cloud, l.size, l.type, l.dr], [cloud, size, "internal-ingest", "active"]);
            });
        }
    }

    it("AWS Kafka runs Strimzi brokers on the EC2 type matching the MSK class, one per node", () => {
        const l = clusterLayout("aws", "xsmall", "internal-ingest");
        assert.equal(l.kafka.instanceType, "m5.large");
        assert.equal(l.kafka.podCount, 3);
        assert.equal(l.kafka.nodeCount, 3);
        assert.equal(l.kafka.dataDiskSize, "152Gi");
        assert.deepEqual(l.kafka.resources, { cpu: "1", memory: "6Gi" });
        for (const size of CLUSTER_SIZES) assert.ok(!clusterLayout("aws", size, "basic").kafka.instanceType.startsWith("kafka."));
    });

    it("Azure and OCI brokers get one volume as large as the reference JBOD disks together", () => {
        assert.equal(clusterLayout("azure", "small", "basic").kafka.dataDiskSize, "2048Gi");
        assert.equal(clusterLayout("azure", "xsmall", "basic").kafka.dataDiskSize, "24Gi");
        assert.equal(clusterLayout("oci", "medium", "basic").kafka.dataDiskSize, "4096Gi");
    });

    it("basic and ingress types have no ingest or UI pool but keep ingress nodes", () => {
        for (const cloud of CLOUDS) {
            for (const type of ["basic", "ingress"] as const) {
                const l = clusterLayout(cloud, "small", type, "active");
                assert.equal(l.ingest, undefined);
                assert.equal(l.ui, undefined);
                assert.ok(l.ingress.nodeCount >= 1);
            }
        }
    });

    it("basic clusters use the smaller basic ingress controller resources where the table has them", () => {
        assert.deepEqual(clusterLayout("azure", "small", "basic").ingress.resources, { cpu: "2", memory: "2Gi" });
        assert.deepEqual(clusterLayout("azure", "small", "ingress").ingress.resources, { cpu: "2", memory: "4Gi" });
    });

    for (const cloud of CLOUDS) {
        for (const type of CLUSTER_TYPES) {
            it(`${cloud} ${type} standby: one digest node and pod, no ingest/UI, replication factor 1`, () => {
                for (const size of CLUSTER_SIZES) {
                    const active = clusterLayout(cloud, size, type, "active");
                    const l = clusterLayout(cloud, size, type, "standby");
                    assert.equal(l.digest.nodeCount, 1);
                    assert.equal(l.digest.podCount, 1);
                    assert.equal(l.digest.minNodes, 1);
                    assert.equal(l.digest.instanceType, active.digest.instanceType, "same node type so promotion only scales");
                    assert.equal(l.ingest, undefined);
                    assert.equal(l.ui, undefined);
                    assert.equal(l.targetReplicationFactor, 1);
                    assert.deepEqual(l.kafka, active.kafka, "Kafka keeps its size across promotion");
                    assert.ok(l.ingress.nodeCount >= Math.min(2, l.ingress.maxNodes) && l.ingress.nodeCount <= l.ingress.maxNodes);
                    assert.equal(l.dr, "standby");
                }
            });
        }
    }

    it("no DR behaves like active", () => {
        assert.deepEqual({ ...clusterLayout("azure", "medium", "internal-ingest"), dr: "active" }, clusterLayout("azure", "medium", "internal-ingest", "active"));
    });

    it("OCI: Flex shapes carry OCPUs and memory, fixed DenseIO shapes do not, and every pod fits its node", () => {
        for (const size of CLUSTER_SIZES) {
            const l = clusterLayout("oci", size, "internal-ingest");
            for (const [pool, p] of Object.entries({ digest: l.digest, ingest: l.ingest!, ui: l.ui!, ingress: l.ingress, kafka: l.kafka, system: l.system! })) {
                const flex = p.instanceType.endsWith(".Flex");
                assert.equal(p.ocpus !== undefined, flex, `${size} ${pool} ${p.instanceType}`);
                assert.equal(p.memoryGb !== undefined, flex, `${size} ${pool} ${p.instanceType}`);
                if (!p.resources) continue;
                // Fixed shapes: VM.DenseIO2.16 = 16 OCPU/240 GB, VM.DenseIO2.24 = 24 OCPU/320 GB.
                const fixed: Record<string, [number, number]> = { "VM.DenseIO2.16": [16, 240], "VM.DenseIO2.24": [24, 320] };
                const [ocpus, memGb] = flex ? [p.ocpus!, p.memoryGb!] : fixed[p.instanceType];
                assert.ok(Number(p.resources.cpu) <= 2 * ocpus - 1, `${size} ${pool}: ${p.resources.cpu} CPU on ${ocpus} OCPU`);
                assert.ok(gi(p.resources.memory) <= 0.9 * memGb - 1, `${size} ${pool}: ${p.resources.memory} on ${memGb} GB`);
            }
            assert.ok(l.kafka.podCount <= l.kafka.nodeCount, `${size}: one broker per strimzi node`);
        }
        assert.ok(clusterLayout("oci", "xsmall", "basic").digest.instanceType.startsWith("VM.DenseIO"));
        assert.ok(typeof ociTable.source === "string" && ociTable.source.includes("humio-operator-and-logscale.md"));
    });

    it("scaleQuantity multiplies whole quantities and rejects anything else", () => {
        assert.equal(scaleQuantity("1024Gi", 2), "2048Gi");
        assert.throws(() => scaleQuantity("1.5Ti", 2), /cannot scale quantity/);
        assert.throws(() => scaleQuantity("10Gi", 0), /positive integer/);
    });
});
