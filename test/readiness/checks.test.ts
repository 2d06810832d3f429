import * as assert from "assert";
import { encryptionKeyCheck, exitCode, offlineChecks, recoverFromCheck, sha256, StackView, versionChecks } from "../../scripts/readiness/checks";

const KEY = "k".repeat(64);

function primary(): StackView {
    return {
        stack: "primary", logscaleImage: "humio/humio-core:1.237.1", operatorChart: "0.34.1", strimziChart: "0.47.0", kafkaVersion: "3.9.1",
        recoverFrom: {}, storageKeySha: sha256(KEY), outputs: { storageBucket: "bucket-west", region: "us-west-2" },
    };
}
function secondary(): StackView {
    return {
        stack: "secondary", logscaleImage: "humio/humio-core:1.237.1", operatorChart: "0.34.1", strimziChart: "0.47.0", kafkaVersion: "3.9.1",
        recoverFrom: { S3_RECOVER_FROM_BUCKET: "bucket-west", S3_RECOVER_FROM_REGION: "us-west-2" }, recoverFromKeySha: sha256(KEY),
        storageKeySha: sha256("other"), outputs: { storageBucket: "bucket-east", region: "us-east-2" },
    };
}
const byName = (name: string, p: StackView, s: StackView) => offlineChecks(p, s).find(c => c.name === name)!;

describe("readiness checks", () => {
    it("all pass for a consistent pair", () => {
        const checks = offlineChecks(primary(), secondary());
        assert.deepStrictEqual(checks.map(c => c.verdict), checks.map(() => "pass"));
        assert.strictEqual(exitCode(checks), 0);
    });

    for (const [field, name, value] of [
        ["logscaleImage", "logscale-version", "humio/humio-core:1.236.0"],
        ["operatorChart", "humio-operator-version", "0.33.0"],
        ["strimziChart", "strimzi-version", "0.46.0"],
        ["kafkaVersion", "kafka-version", "3.8.0"],
    ] as const) {
        it(`${name} fails naming both values when the secondary differs`, () => {
            const s = { ...secondary(), [field]: value };
            const c = byName(name, primary(), s);
            assert.strictEqual(c.verdict, "fail");
            assert.ok(c.reason.includes(String(primary()[field])) && c.reason.includes(value), c.reason);
            assert.strictEqual(exitCode(offlineChecks(primary(), s)), 1);
        });
    }

    it("a version missing on one side fails naming that stack", () => {
        const c = versionChecks(primary(), { ...secondary(), kafkaVersion: undefined }).find(x => x.name === "kafka-version")!;
        assert.strictEqual(c.verdict, "fail");
        assert.match(c.reason, /not found on secondary/);
    });

    it("encryption key: a different key fails, by digest, never the key", () => {
        const c = encryptionKeyCheck(primary(), { ...secondary(), recoverFromKeySha: sha256("wrong") });
        assert.strictEqual(c.verdict, "fail");
        assert.ok(!c.reason.includes(KEY));
        assert.ok(c.reason.includes(sha256(KEY).slice(0, 12)), c.reason);
    });

    it("encryption key: a standby without a recover-from key fails", () => {
        assert.match(encryptionKeyCheck(primary(), { ...secondary(), recoverFromKeySha: undefined }).reason, /no \*_RECOVER_FROM_ENCRYPTION_KEY/);
        assert.match(encryptionKeyCheck({ ...primary(), storageKeySha: undefined }, secondary()).reason, /no storageEncryptionKey output/);
    });

    it("recover-from: wrong bucket, wrong region and missing env each fail naming the cause", () => {
        const wrongBucket = recoverFromCheck(primary(), { ...secondary(), recoverFrom: { S3_RECOVER_FROM_BUCKET: "bucket-old" } });
        assert.strictEqual(wrongBucket.verdict, "fail");
        assert.match(wrongBucket.reason, /S3_RECOVER_FROM_BUCKET is "bucket-old" but the primary's storageBucket output is "bucket-west"/);
        const wrongRegion = recoverFromCheck(primary(), { ...secondary(), recoverFrom: { S3_RECOVER_FROM_BUCKET: "bucket-west", S3_RECOVER_FROM_REGION: "eu-west-1" } });
        assert.match(wrongRegion.reason, /S3_RECOVER_FROM_REGION is "eu-west-1" but the primary's region output is "us-west-2"/);
        const none = recoverFromCheck(primary(), { ...secondary(), recoverFrom: {} });
        assert.strictEqual(none.verdict, "fail");
        assert.match(none.reason, /no \*_RECOVER_FROM_BUCKET/);
    });

    it("recover-from works for Azure's names too", () => {
        const c = recoverFromCheck(primary(), { ...secondary(), recoverFrom: { AZURE_RECOVER_FROM_BUCKET: "bucket-west" } });
        assert.strictEqual(c.verdict, "pass");
    });
});
