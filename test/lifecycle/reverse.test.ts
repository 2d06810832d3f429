// The failback set (seed 001, phase 3 "Reverse Recovery") as the primary's
// secret output reverseRecoveryEnvVars: the shared helper on its own, then
// each cloud's primary planned under the mock engine with a mocked secondary
// StackReference carrying distinctive values, so every value in the output
// can be traced to the secondary's storage or to the primary's own.

import { strict as assert } from "assert";
import { loadConfig } from "../../config/load";
import { createStack } from "../../components/stack";
import { recoverFromEnv } from "../../components/aws/env";
import { azureRecoveryEnv } from "../../components/azure/env";
import { ociRecoveryEnv } from "../../components/oci/env";
import { REVERSE_RECOVERY_OUTPUT, reverseRecoveryEnvVars, reverseRecoveryNames } from "../../components/dr/reverse";
import type { EnvSet } from "../../components/logscale/types";
import { findResource, RecordedResource, RunResult, runProgram, StackSnapshot } from "../../scripts/mock/engine";

const LICENSE = "reverse-test-license-not-a-real-one";
const SECRET_KEYS = ["logscale-dr:logscaleLicense"];

const COMMON: Record<string, string> = {
    "logscale-dr:dr": "active",
    "logscale-dr:clusterName": "logscale",
    "logscale-dr:globalHostname": "logscale.example.com",
    "logscale-dr:dnsZoneName": "example.com",
    "logscale-dr:manageGlobalDns": "true",
    "logscale-dr:logscaleLicense": LICENSE,
};

const OCI_IDS: Record<string, string> = {
    "logscale-dr:ociCompartmentId": "ocid1.compartment.oc1..aaaaaaaareversecompartment",
    "logscale-dr:ociTenancyId": "ocid1.tenancy.oc1..aaaaaaaareversetenancy",
    "logscale-dr:ociObjectStorageNamespace": "reversens",
};

/** Distinctive secondary values: nothing in the primary's own plan can produce them. */
const SEC = {
    bucket: "secondary-only-bucket-7f3a",
    encryptionKey: "SECONDARY-ENCRYPTION-KEY-0123456789abcdefghijklmnopqrstuvwxyz",
    accountName: "secondaryacct7f3a",
    accountKey: "SECONDARY-ACCOUNT-KEY-abcdefghijklmnopqrstuvwxyz0123456789==",
    accessKeyId: "SECONDARY-ACCESS-KEY-ID-7f3a",
    secretAccessKey: "SECONDARY-SECRET-ACCESS-KEY-abcdefghijklmnop",
};

interface CloudCase {
    cloud: "aws" | "azure" | "oci";
    primaryRegion: string;
    secondaryRegion: string;
    regionKey: string;
    extraConfig: Record<string, string>;
    /** The secondary's stack outputs as its StackReference returns them. */
    secondary(region: string): StackSnapshot;
    /** The reverse set expected from the secondary's values and the primary's own bucket. */
    expected(primaryBucket: string): Record<string, string>;
}

const CASES: CloudCase[] = [
    {
        cloud: "aws",
        primaryRegion: "us-west-2",
        secondaryRegion: "us-east-2",
        regionKey: "aws:region",
        extraConfig: {},
        secondary: region => ({
            outputs: {
                cloud: "aws", region, storageBucket: SEC.bucket, storageEncryptionKey: SEC.encryptionKey,
                healthCheckId: "secondary-health-check", dnsZoneId: "ZSECONDARY", loadBalancerAddress: "secondary-nlb.elb.us-east-2.amazonaws.com",
            },
            secretOutputNames: ["storageEncryptionKey"],
        }),
        expected: primaryBucket => ({
            S3_RECOVER_FROM_BUCKET: SEC.bucket,
            S3_RECOVER_FROM_REGION: "us-east-2",
            S3_RECOVER_FROM_ENCRYPTION_KEY: SEC.encryptionKey,
            S3_RECOVER_FROM_REPLACE_REGION: "us-east-2/us-west-2",
            S3_RECOVER_FROM_REPLACE_BUCKET: `${SEC.bucket}/${primaryBucket}`,
        }),
    },
    {
        cloud: "azure",
        primaryRegion: "westus2",
        secondaryRegion: "eastus2",
        regionKey: "azure-native:location",
        extraConfig: { "logscale-dr:logscaleVersion": "1.252.1" },
        secondary: region => ({
            outputs: {
                cloud: "azure", region, storageBucket: "logscale-secondary-container", storageEncryptionKey: SEC.encryptionKey,
                storageAccountName: SEC.accountName, storageAccountKey: SEC.accountKey,
                storageEndpointBase: `https://${SEC.accountName}.blob.core.windows.net`,
                trafficManagerProfileName: "logscale-tm", trafficManagerResourceGroup: "logscale-westus2", loadBalancerAddress: "198.51.100.20",
            },
            secretOutputNames: ["storageEncryptionKey", "storageAccountKey"],
        }),
        // No REPLACE_BUCKET: the secondary's own account and endpoint replace the bucket wholesale.
        expected: () => ({
            AZURE_RECOVER_FROM_BUCKET: "logscale-secondary-container",
            AZURE_RECOVER_FROM_ACCOUNTNAME: SEC.accountName,
            AZURE_RECOVER_FROM_ACCOUNTKEY: SEC.accountKey,
            AZURE_RECOVER_FROM_ENDPOINT_BASE: `https://${SEC.accountName}.blob.core.windows.net`,
            AZURE_RECOVER_FROM_ENCRYPTION_KEY: SEC.encryptionKey,
            AZURE_RECOVER_FROM_REPLACE_REGION: "eastus2/westus2",
        }),
    },
    {
        cloud: "oci",
        primaryRegion: "us-ashburn-1",
        secondaryRegion: "us-phoenix-1",
        regionKey: "oci:region",
        extraConfig: OCI_IDS,
        secondary: region => ({
            outputs: {
                cloud: "oci", region, storageBucket: SEC.bucket, storageEncryptionKey: SEC.encryptionKey,
                storageEndpointBase: `https://reversens.compat.objectstorage.${region}.oraclecloud.com`,
                storageAccessKeyId: SEC.accessKeyId, storageSecretAccessKey: SEC.secretAccessKey,
                dnsZoneId: "ocid1.dns-zone.oc1..secondary", loadBalancerAddress: "198.51.100.30",
            },
            secretOutputNames: ["storageEncryptionKey", "storageAccessKeyId", "storageSecretAccessKey"],
        }),
        expected: primaryBucket => ({
            S3_RECOVER_FROM_BUCKET: SEC.bucket,
            S3_RECOVER_FROM_REGION: "us-phoenix-1",
            S3_RECOVER_FROM_ENDPOINT_BASE: "https://reversens.compat.objectstorage.us-phoenix-1.oraclecloud.com",
            S3_RECOVER_FROM_PATH_STYLE_ACCESS: "true",
            S3_RECOVER_FROM_ACCESSKEY: SEC.accessKeyId,
            S3_RECOVER_FROM_SECRETKEY: SEC.secretAccessKey,
            S3_RECOVER_FROM_ENCRYPTION_KEY: SEC.encryptionKey,
            S3_RECOVER_FROM_REPLACE_REGION: "us-phoenix-1/us-ashburn-1",
            S3_RECOVER_FROM_REPLACE_BUCKET: `${SEC.bucket}/${primaryBucket}`,
        }),
    },
];

function planPrimary(c: CloudCase, extra: Record<string, string>, secondary?: StackSnapshot): Promise<RunResult> {
    const config = { ...COMMON, ...c.extraConfig, "logscale-dr:cloud": c.cloud, [c.regionKey]: c.primaryRegion, ...extra };
    return runProgram({
        stack: "primary",
        config,
        secretKeys: SECRET_KEYS,
        stackOutputs: name => (name === "secondary" ? secondary : undefined),
        program: () => createStack(loadConfig(config, "primary")),
    });
}

const errorsOf = (run: RunResult) => run.errors.map(e => e.message);

/** The HumioCluster's *_RECOVER_FROM_* env with secret references resolved through the env Secret. */
function clusterRecoverFrom(run: RunResult): { values: Record<string, string>; secretNames: string[] } {
    const hc = findResource(run, "kubernetes:core.humio.com/v1alpha1:HumioCluster");
    const list = (hc.rawInputs.spec as { commonEnvironmentVariables: { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }[] })
        .commonEnvironmentVariables;
    const envSecret = run.resources.find(r => r.type === "kubernetes:core/v1:Secret" && (r.rawInputs.metadata as { name?: string }).name === "logscale-env-secrets") as RecordedResource;
    const data = envSecret.rawInputs.stringData as Record<string, string>;
    const values: Record<string, string> = {};
    const secretNames: string[] = [];
    for (const e of list.filter(x => x.name.includes("_RECOVER_FROM_"))) {
        if (e.valueFrom) {
            assert.equal(e.valueFrom.secretKeyRef.name, "logscale-env-secrets", `${e.name} refers to another Secret`);
            assert.ok(envSecret.secretPaths.some(p => p === `stringData.${e.valueFrom!.secretKeyRef.key}` || p === "stringData"), `${e.name} is not secret in the env Secret`);
            values[e.name] = data[e.valueFrom.secretKeyRef.key];
            secretNames.push(e.name);
        } else {
            values[e.name] = String(e.value);
        }
    }
    return { values, secretNames };
}

describe("reverseRecoveryEnvVars: the shared helper", () => {
    it("takes only *_RECOVER_FROM_* names, sorted", () => {
        assert.deepEqual(reverseRecoveryNames(["S3_RECOVER_FROM_REGION", "S3_RECOVER_FROM_BUCKET"]), ["S3_RECOVER_FROM_BUCKET", "S3_RECOVER_FROM_REGION"]);
    });

    it("refuses BUCKET_STORAGE_MULTIPLE_ENDPOINTS, storage variables, forbidden names and an empty set, naming the variable", () => {
        assert.throws(() => reverseRecoveryNames(["S3_RECOVER_FROM_BUCKET", "BUCKET_STORAGE_MULTIPLE_ENDPOINTS"]), /BUCKET_STORAGE_MULTIPLE_ENDPOINTS.*only \*_RECOVER_FROM_\*/);
        assert.throws(() => reverseRecoveryNames(["S3_STORAGE_BUCKET"]), /S3_STORAGE_BUCKET/);
        assert.throws(() => reverseRecoveryNames(["AZURE_RECOVER_FROM_REPLACE_BUCKET"]), /AZURE_RECOVER_FROM_REPLACE_BUCKET: it must never be set/);
        assert.throws(() => reverseRecoveryNames(["ALLOW_KAFKA_RESET_UNTIL_TIMESTAMP_MS"]), /ALLOW_KAFKA_RESET_UNTIL_TIMESTAMP_MS: it must never be set/);
        assert.throws(() => reverseRecoveryNames([]), /empty/);
    });

    it("turns each cloud's recover-from set into one plain record, secret as a whole", async () => {
        const sets: Record<string, EnvSet> = {
            aws: recoverFromEnv(
                { stack: "secondary", bucket: "b-sec", region: "us-east-2", encryptionKey: "k-sec" },
                { stack: "primary", bucket: "b-pri", region: "us-west-2" }),
            azure: azureRecoveryEnv({
                container: "c-sec", accountName: "asec", accountKey: "ak-sec", endpointBase: "https://asec.blob.core.windows.net",
                encryptionKey: "k-sec", objectKeyPrefix: undefined, location: "eastus2",
            }, "westus2"),
            oci: ociRecoveryEnv({
                bucket: "b-sec", region: "us-phoenix-1", endpointBase: "https://ns.compat.objectstorage.us-phoenix-1.oraclecloud.com",
                accessKeyId: "id-sec", secretAccessKey: "sk-sec", encryptionKey: "k-sec",
            }, { bucket: "b-pri", region: "us-ashburn-1" }),
        };
        const run = await runProgram({
            stack: "helper",
            config: {},
            program: () => Object.fromEntries(Object.entries(sets).map(([cloud, env]) => [cloud, reverseRecoveryEnvVars(env)])),
        });
        assert.deepEqual(errorsOf(run), []);
        assert.deepEqual(run.secretOutputNames.sort(), ["aws", "azure", "oci"]);
        assert.deepEqual(run.outputs, { aws: "[secret]", azure: "[secret]", oci: "[secret]" });
        assert.deepEqual(run.rawOutputs.aws, {
            S3_RECOVER_FROM_BUCKET: "b-sec",
            S3_RECOVER_FROM_ENCRYPTION_KEY: "k-sec",
            S3_RECOVER_FROM_REGION: "us-east-2",
            S3_RECOVER_FROM_REPLACE_BUCKET: "b-sec/b-pri",
            S3_RECOVER_FROM_REPLACE_REGION: "us-east-2/us-west-2",
        });
        assert.deepEqual(run.rawOutputs.azure, {
            AZURE_RECOVER_FROM_ACCOUNTKEY: "ak-sec",
            AZURE_RECOVER_FROM_ACCOUNTNAME: "asec",
            AZURE_RECOVER_FROM_BUCKET: "c-sec",
            AZURE_RECOVER_FROM_ENCRYPTION_KEY: "k-sec",
            AZURE_RECOVER_FROM_ENDPOINT_BASE: "https://asec.blob.core.windows.net",
            AZURE_RECOVER_FROM_REPLACE_REGION: "eastus2/westus2",
        });
        assert.deepEqual(run.rawOutputs.oci, {
            S3_RECOVER_FROM_ACCESSKEY: "id-sec",
            S3_RECOVER_FROM_BUCKET: "b-sec",
            S3_RECOVER_FROM_ENCRYPTION_KEY: "k-sec",
            S3_RECOVER_FROM_ENDPOINT_BASE: "https://ns.compat.objectstorage.us-phoenix-1.oraclecloud.com",
            S3_RECOVER_FROM_PATH_STYLE_ACCESS: "true",
            S3_RECOVER_FROM_REGION: "us-phoenix-1",
            S3_RECOVER_FROM_REPLACE_BUCKET: "b-sec/b-pri",
            S3_RECOVER_FROM_REPLACE_REGION: "us-phoenix-1/us-ashburn-1",
            S3_RECOVER_FROM_SECRETKEY: "sk-sec",
        });
    });

    it("fails the output when a value does not resolve to a string", async () => {
        const run = await runProgram({
            stack: "helper",
            config: {},
            program: () => ({ out: reverseRecoveryEnvVars({ S3_RECOVER_FROM_BUCKET: { value: 42 as unknown as string } }) }),
        });
        assert.ok(errorsOf(run).some(m => /S3_RECOVER_FROM_BUCKET resolved to number/.test(m)), errorsOf(run).join("\n"));
    });
});

for (const c of CASES) {
    describe(`reverseRecoveryEnvVars on the ${c.cloud} primary (mocked secondary StackReference)`, function () {
        this.timeout(60_000);
        let paired: RunResult;
        let recovering: RunResult;
        let expected: Record<string, string>;

        before(async () => {
            const secondary = c.secondary(c.secondaryRegion);
            paired = await planPrimary(c, { "logscale-dr:secondaryStack": "secondary" }, secondary);
            recovering = await planPrimary(c, { "logscale-dr:secondaryStack": "secondary", "logscale-dr:recoverFrom": "secondary" }, secondary);
            expected = c.expected(String(paired.rawOutputs.storageBucket));
        });

        it("plans without errors", () => {
            assert.deepEqual(errorsOf(paired), []);
            assert.deepEqual(errorsOf(recovering), []);
        });

        it("exports the secondary's recover-from set, regions inverted, as a secret", () => {
            assert.ok(paired.secretOutputNames.includes(REVERSE_RECOVERY_OUTPUT), "the output is not secret");
            assert.equal(paired.outputs[REVERSE_RECOVERY_OUTPUT], "[secret]");
            assert.deepEqual(paired.rawOutputs[REVERSE_RECOVERY_OUTPUT], expected);
            const names = Object.keys(paired.rawOutputs[REVERSE_RECOVERY_OUTPUT] as object);
            assert.ok(!names.includes("BUCKET_STORAGE_MULTIPLE_ENDPOINTS"));
            assert.ok(names.every(n => n.includes("_RECOVER_FROM_")));
            if (c.cloud === "azure") assert.ok(!names.includes("AZURE_RECOVER_FROM_REPLACE_BUCKET"));
            else assert.ok(names.some(n => n.endsWith("_RECOVER_FROM_REPLACE_BUCKET")), "the bucket replacement is missing");
        });

        it("without recoverFrom the HumioCluster carries none of it", () => {
            assert.deepEqual(clusterRecoverFrom(paired).values, {});
        });

        it("recoverFrom: secondary puts exactly the exported set on the HumioCluster, keys through the env Secret", () => {
            const { values, secretNames } = clusterRecoverFrom(recovering);
            assert.deepEqual(values, expected);
            assert.deepEqual(recovering.rawOutputs[REVERSE_RECOVERY_OUTPUT], expected);
            for (const name of secretNames) assert.match(name, /KEY|SECRET/);
            for (const name of Object.keys(expected).filter(n => /ENCRYPTION_KEY|ACCOUNTKEY|ACCESSKEY|SECRETKEY/.test(n))) {
                assert.ok(secretNames.includes(name), `${name} reaches the pod as a plain value`);
            }
            // Already set by the LogScale layer for every stack with dr; a second one is rejected by the operator.
            const hc = findResource(recovering, "kubernetes:core.humio.com/v1alpha1:HumioCluster");
            const list = (hc.rawInputs.spec as { commonEnvironmentVariables: { name: string }[] }).commonEnvironmentVariables;
            assert.equal(list.filter(e => e.name === "BUCKET_STORAGE_MULTIPLE_ENDPOINTS").length, 1);
        });

        it("a primary that names no secondary has no such output", async () => {
            const alone = await planPrimary(c, {});
            assert.deepEqual(errorsOf(alone), []);
            assert.ok(!(REVERSE_RECOVERY_OUTPUT in alone.rawOutputs));
        });

        it("a secondary in the primary's own region fails the plan, naming the secondary", async () => {
            const sameRegion = await planPrimary(c, { "logscale-dr:secondaryStack": "secondary" }, c.secondary(c.primaryRegion));
            assert.ok(errorsOf(sameRegion).some(m => m.includes("secondary") && m.includes(c.primaryRegion)), errorsOf(sameRegion).join("\n"));
        });
    });
}
