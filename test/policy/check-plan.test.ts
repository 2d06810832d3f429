import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkPlan, formatFinding, main, parsePlanText, planLabel, planResources, readPlan } from "../../policy/check-plan";

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

    it("says a file is not JSON in one line, and names npm's banner as the cause", () => {
        assert.throws(() => parsePlanText("> logscale-dr@0.1.0 plan\n{}", "plan.json"),
            /^Error: plan\.json is not JSON \(it starts with npm's banner: save plans with `npm run -s plan`\): /);
        assert.throws(() => parsePlanText("{", "x.json"), (e: Error) => /^x\.json is not JSON: /.test(e.message) && !e.message.includes("banner"));
    });

    it("labels plans by stack and cloud, so an aws and an azure secondary differ", () => {
        const aws = readPlan(plan([]), "a.json");
        const azure = readPlan({ ...plan([]), cloud: "azure" }, "b.json");
        assert.equal(planLabel(aws), "secondary, aws");
        assert.equal(planLabel(azure), "secondary, azure");
    });

    it("--help prints usage with an example and exits 0; an unknown flag is one line, the usage, exit 2", () => {
        const out: string[] = [];
        const err: string[] = [];
        assert.equal(main(["--help"], s => out.push(s), s => err.push(s)), 0);
        assert.match(out.join("\n"), /^usage: .*check-plan\.ts <plan\.json>/);
        assert.match(out.join("\n"), /Example:\n {2}npm run -s plan/);
        assert.equal(main(["--bogus"], s => out.push(s), s => err.push(s)), 2);
        assert.equal(err[0], 'check-plan: unknown flag "--bogus"; allowed: --help');
        assert.match(err[1], /^usage: /);
    });

    it("exits 2 on a non-JSON file and prints the label by cloud for a clean plan", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "check-plan-"));
        const bad = path.join(dir, "bad.json");
        const good = path.join(dir, "good.json");
        fs.writeFileSync(bad, "> logscale-dr@0.1.0 plan\n");
        fs.writeFileSync(good, JSON.stringify({ ...plan([{ name: "S3_STORAGE_ENCRYPTION_KEY", valueFrom: { secretKeyRef: { name: "s", key: "k" } } }]), cloud: "oci" }));
        const out: string[] = [];
        const err: string[] = [];
        assert.equal(main([bad], s => out.push(s), s => err.push(s)), 2);
        assert.equal(err.length, 1);
        assert.match(err[0], /bad\.json is not JSON/);
        assert.equal(main([good], s => out.push(s), s => err.push(s)), 0);
        assert.deepEqual(out, ["[secondary, oci] 3 resources, no policy violations"]);
    });
});
