// The pack's wiring, driven the way the policy analyzer drives it: props behind
// @pulumi/policy's unknown-checking proxy, config through getConfig, stack
// resources with propertyDependencies.
import { strict as assert } from "assert";
import {
    PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy, unknownCheckingProxy,
} from "@pulumi/policy";
import { policies, toPlain } from "../../policy/policies";
import { RESOURCE_RULES, STACK_RULES, UNKNOWN } from "../../policy/rules";

// The wire sentinel the analyzer puts where a string is not known during preview.
const UNKNOWN_STRING: string = (require("@pulumi/policy/proxy") as { unknownStringValue: string }).unknownStringValue;
const HC = "kubernetes:core.humio.com/v1alpha1:HumioCluster";

function resourcePolicy(name: string): ResourceValidationPolicy {
    const p = policies.find(x => x.name === name);
    assert.ok(p && "validateResource" in p, `no resource policy ${name}`);
    return p as ResourceValidationPolicy;
}

async function validate(name: string, type: string, props: Record<string, unknown>, config: object = {}): Promise<string[]> {
    const messages: string[] = [];
    const args = {
        type, props: unknownCheckingProxy(props), urn: `urn:pulumi:s::p::${type}::r`, name: "r",
        getConfig: () => config,
    } as unknown as ResourceValidationArgs;
    const v = resourcePolicy(name).validateResource!;
    for (const fn of Array.isArray(v) ? v : [v]) await fn(args, m => messages.push(m));
    return messages;
}

describe("policy pack wiring", () => {
    it("registers every rule as a mandatory policy with a remediation", () => {
        assert.deepEqual(policies.map(p => p.name), [...RESOURCE_RULES, ...STACK_RULES].map(r => r.name));
        for (const p of policies) {
            assert.equal(p.enforcementLevel, "mandatory", p.name);
            assert.ok(p.remediationSteps && p.description, p.name);
        }
        assert.equal(new Set(policies.map(p => p.name)).size, policies.length);
    });

    it("toPlain replaces unknowns behind the proxy and keeps everything known", () => {
        const plain = toPlain(unknownCheckingProxy({ a: [1, UNKNOWN_STRING, { b: UNKNOWN_STRING, c: "x" }], d: UNKNOWN_STRING, e: null }));
        assert.deepEqual(plain, { a: [1, UNKNOWN, { b: UNKNOWN, c: "x" }], d: UNKNOWN, e: null });
    });

    it("reports a plain key whose value is unknown during preview", async () => {
        const props = { spec: { environmentVariables: [{ name: "AZURE_STORAGE_ACCOUNTKEY", value: UNKNOWN_STRING }, { name: "S3_STORAGE_BUCKET", value: UNKNOWN_STRING }] } };
        const messages = await validate("humiocluster-keys-from-secrets", HC, props);
        assert.equal(messages.length, 1);
        assert.match(messages[0], /AZURE_STORAGE_ACCOUNTKEY is a plain `value`/);
    });

    it("passes the pack config allowedPlainNames to the key rule", async () => {
        const props = { spec: { environmentVariables: [{ name: "TLS_KEYSTORE_TYPE", value: "PKCS12" }] } };
        assert.equal((await validate("humiocluster-keys-from-secrets", HC, props)).length, 1);
        assert.deepEqual(await validate("humiocluster-keys-from-secrets", HC, props, { allowedPlainNames: ["TLS_KEYSTORE_TYPE"] }), []);
    });

    it("finds the forbidden variable next to entries that are unknown", async () => {
        const props = { spec: { nodePools: [{ name: "digest", spec: { environmentVariables: [{ name: UNKNOWN_STRING, value: "1" }, { name: "ALLOW_KAFKA_RESET_UNTIL_TIMESTAMP_MS", value: UNKNOWN_STRING }] } }] } };
        const messages = await validate("humiocluster-no-kafka-reset-override", HC, props);
        assert.equal(messages.length, 1);
        assert.match(messages[0], /nodePools\[0\] \(digest\)\.spec\.environmentVariables\[1\] sets ALLOW_KAFKA_RESET_UNTIL_TIMESTAMP_MS/);
    });

    it("ignores resources of other types and IAM documents not known yet", async () => {
        assert.deepEqual(await validate("oci-bucket-private", "aws:s3/bucket:Bucket", { acl: "public-read" }), []);
        assert.deepEqual(await validate("iam-no-wildcard-statements", "aws:iam/rolePolicy:RolePolicy", { role: "r", policy: UNKNOWN_STRING }), []);
        assert.equal((await validate("iam-no-wildcard-statements", "aws:iam/rolePolicy:RolePolicy", { role: "r", policy: '{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}' })).length, 1);
    });

    it("checks S3 buckets against public access blocks through propertyDependencies", async () => {
        const policy = policies.find(p => p.name === "s3-bucket-has-public-access-block") as StackValidationPolicy;
        const res = (type: string, name: string, props: Record<string, unknown>, deps: Record<string, PolicyResource[]> = {}) => ({
            type, name, urn: `urn:pulumi:primary::logscale-dr::${type}::${name}`, props: unknownCheckingProxy(props), propertyDependencies: deps,
        } as unknown as PolicyResource);
        const covered = res("aws:s3/bucket:Bucket", "storage", { bucket: UNKNOWN_STRING });
        const bare = res("aws:s3/bucket:Bucket", "bare", {});
        const pab = res("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "storage", {
            bucket: UNKNOWN_STRING, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
        }, { bucket: [covered] });
        const reported: [string, string | undefined][] = [];
        await policy.validateStack({ resources: [covered, bare, pab] } as unknown as StackValidationArgs, (m, urn) => reported.push([m, urn]));
        assert.equal(reported.length, 1);
        assert.equal(reported[0][1], bare.urn);
        assert.match(reported[0][0], /S3 bucket bare has no aws\.s3\.BucketPublicAccessBlock/);
    });
});
