import { strict as assert } from "assert";
import { checkPlan, formatFinding, planResources, readPlan } from "../../policy/check-plan";

const HC = "kubernetes:core.humio.com/v1alpha1:HumioCluster";

/** A saved plan as `npm run plan -- --stack <s> --json` prints it (secrets as "[secret]", dependsOn by name). */
function plan(env: unknown[], withBlock = true) {
    return {
        stack: "secondary",
        cloud: "aws",
        resources: [
            { type: "aws:s3/bucket:Bucket", name: "logscale-storage-bucket", urn: "urn:b", parent: "logscale-storage", inputs: {}, dependsOn: [] },
            ...(withBlock ? [{
                type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", name: "logscale-storage-public-access", urn: "urn:pab",
                inputs: { bucket: "logscale-us-east-2-123456789012", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
                dependsOn: ["logscale-storage-bucket"],
            }] : []),
            { type: HC, name: "logscale", urn: "urn:hc", inputs: { spec: { environmentVariables: env } }, dependsOn: [] },
        ],
        outputs: {},
    };
}

describe("policy check over offline plans", () => {
    it("passes a compliant plan, linking the block to its bucket through dependsOn", () => {
        const p = readPlan(plan([{ name: "S3_STORAGE_ENCRYPTION_KEY", valueFrom: { secretKeyRef: { name: "s", key: "k" } } }]), "head.json");
        assert.deepEqual(checkPlan(p), []);
    });

    it("flags a Pulumi secret that ended up in a plain env value, and a bucket without a block", () => {
        const p = readPlan(plan([{ name: "S3_RECOVER_FROM_ENCRYPTION_KEY", value: "[secret]" }], false), "head.json");
        const findings = checkPlan(p);
        const lines = findings.map(f => formatFinding(p.stack, f, planResources(p)));
        assert.deepEqual(findings.map(f => f.policy).sort(), ["humiocluster-keys-from-secrets", "s3-bucket-has-public-access-block"]);
        assert.ok(lines.some(l => l.startsWith(`[secondary] humiocluster-keys-from-secrets: ${HC} logscale: spec.environmentVariables[0] S3_RECOVER_FROM_ENCRYPTION_KEY`)), lines.join("\n"));
        assert.ok(lines.some(l => l.startsWith("[secondary] s3-bucket-has-public-access-block: aws:s3/bucket:Bucket logscale-storage-bucket:")), lines.join("\n"));
    });

    it("rejects a file that is not a plan, naming the file", () => {
        assert.throws(() => readPlan({ stack: "s", changes: [] }, "base.json"), /base\.json is not a plan saved with .*no "resources" list/);
        assert.throws(() => readPlan({ stack: "s", resources: [{ name: "x" }] }, "head.json"), /resources\[0\] has no type and name/);
    });
});
