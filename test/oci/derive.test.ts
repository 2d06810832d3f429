import * as assert from "assert";
import * as crypto from "crypto";
import { ociRecoveryEnv, ociStorageEnv, s3EndpointBase } from "../../components/oci/env";
import { functionMatchingRule, functionPolicyStatements, onsInvokeStatements, registryPushStatements, storagePolicyStatements } from "../../components/oci/iam";
import { nodePoolPlans } from "../../components/oci/nodepools";
import { apiRules, lbRules, NETWORK, pickOsnService, workerRules } from "../../components/oci/network-plan";
import { caFromKubeconfig } from "../../components/oci/oke";
import { evaluateSteering, steeringAnswers, steeringRules } from "../../components/oci/steering";
import { pickKubernetesVersion, pickNodeImage } from "../../components/oci/versions";
import { clusterLayout } from "../../components/logscale/sizing";
import { fromFunctionEnv, MAX_CONFIG_BYTES, OciFunctionConfig, toFunctionConfig } from "../../functions/oci/config";
import { alarmQuery, pendingDuration, primaryHealthFromMetrics, secondaryHealthyFromProbes } from "../../functions/oci/health";
import { LockRefused, planLock } from "../../functions/oci/lock";
import { decodeOkeToken, okeToken } from "../../functions/oci/oke";
import { parseSignatureHeader, resourcePrincipal, signRequest } from "../../functions/oci/signer";
import { CLUSTER, credentials, KEY_ID, okeTokenIsValid, policyDoc, REGION, RPST, series, testKeys } from "./fixtures";

/** Resolves every Input in an EnvSet to plain {value}/{secret} strings. */
async function plain(env: Record<string, { value?: unknown; secret?: unknown }>): Promise<Record<string, { value?: string; secret?: string }>> {
    const out: Record<string, { value?: string; secret?: string }> = {};
    for (const [k, v] of Object.entries(env)) {
        const resolve = async (x: unknown) => (x && typeof (x as { promise?: unknown }).promise === "function" ? (x as { promise: () => Promise<string> }).promise() : x as string);
        out[k] = "secret" in v ? { secret: await resolve(v.secret) } : { value: await resolve(v.value) };
    }
    return out;
}

describe("OCI derivations (pure)", () => {
    describe("storage and recovery env", () => {
        it("S3-compatible endpoint: per namespace and region, path style", () => {
            assert.equal(s3EndpointBase("axaxnpcrorw5", "us-ashburn-1"), "https://axaxnpcrorw5.compat.objectstorage.us-ashburn-1.oraclecloud.com");
            assert.throws(() => s3EndpointBase("Bad_NS", "us-ashburn-1"), /namespace "Bad_NS" is invalid/);
            assert.throws(() => s3EndpointBase("ns", "ashburn"), /region "ashburn" is invalid/);
        });

        it("storage env carries the bucket, region, endpoint, path style and the key pair and encryption key as secrets", async () => {
            const env = await plain(ociStorageEnv({
                bucket: "logscale-us-ashburn-1-logscale", region: "us-ashburn-1", endpointBase: "https://ns.compat.objectstorage.us-ashburn-1.oraclecloud.com",
                accessKeyId: "AKID", secretAccessKey: "SECRET", encryptionKey: "ENC",
            }));
            assert.deepEqual(env, {
                S3_STORAGE_BUCKET: { value: "logscale-us-ashburn-1-logscale" },
                S3_STORAGE_REGION: { value: "us-ashburn-1" },
                S3_STORAGE_ENDPOINT_BASE: { value: "https://ns.compat.objectstorage.us-ashburn-1.oraclecloud.com" },
                S3_STORAGE_PATH_STYLE_ACCESS: { value: "true" },
                S3_STORAGE_ACCESSKEY: { secret: "AKID" },
                S3_STORAGE_SECRETKEY: { secret: "SECRET" },
                S3_STORAGE_ENCRYPTION_KEY: { secret: "ENC" },
            });
        });

        it("recovery env points at the primary with its own key pair and rewrites region and bucket as <source>/<target>", async () => {
            const env = await plain(ociRecoveryEnv({
                bucket: "logscale-us-ashburn-1-logscale", region: "us-ashburn-1", endpointBase: "https://ns.compat.objectstorage.us-ashburn-1.oraclecloud.com",
                accessKeyId: "PRIMARY-AKID", secretAccessKey: "PRIMARY-SECRET", encryptionKey: "PRIMARY-ENC",
            }, { bucket: "logscale-us-phoenix-1-logscale", region: "us-phoenix-1" }));
            assert.deepEqual(env, {
                S3_RECOVER_FROM_BUCKET: { value: "logscale-us-ashburn-1-logscale" },
                S3_RECOVER_FROM_REGION: { value: "us-ashburn-1" },
                S3_RECOVER_FROM_ENDPOINT_BASE: { value: "https://ns.compat.objectstorage.us-ashburn-1.oraclecloud.com" },
                S3_RECOVER_FROM_PATH_STYLE_ACCESS: { value: "true" },
                S3_RECOVER_FROM_ACCESSKEY: { secret: "PRIMARY-AKID" },
                S3_RECOVER_FROM_SECRETKEY: { secret: "PRIMARY-SECRET" },
                S3_RECOVER_FROM_ENCRYPTION_KEY: { secret: "PRIMARY-ENC" },
                S3_RECOVER_FROM_REPLACE_REGION: { value: "us-ashburn-1/us-phoenix-1" },
                S3_RECOVER_FROM_REPLACE_BUCKET: { value: "logscale-us-ashburn-1-logscale/logscale-us-phoenix-1-logscale" },
            });
            assert.ok(!("ALLOW_KAFKA_RESET_UNTIL_TIMESTAMP_MS" in env));
        });

        it("the prefix variables appear only when a prefix is in play", async () => {
            const src = { bucket: "b", region: "us-ashburn-1", endpointBase: "e", accessKeyId: "a", secretAccessKey: "s", encryptionKey: "k" };
            assert.ok(!("S3_RECOVER_FROM_OBJECT_KEY_PREFIX" in ociRecoveryEnv(src, { bucket: "t", region: "us-phoenix-1" })));
            const withPrefix = await plain(ociRecoveryEnv({ ...src, objectKeyPrefix: "logs/" }, { bucket: "t", region: "us-phoenix-1" }));
            assert.deepEqual(withPrefix.S3_RECOVER_FROM_OBJECT_KEY_PREFIX, { value: "logs/" });
        });
    });

    describe("steering policy", () => {
        const answers = steeringAnswers("203.0.113.10", "203.0.113.20") as { name: string; rdata: string; pool: string; isDisabled: boolean }[];
        const rules = steeringRules();

        it("rules: the disabled-answer FILTER first, then HEALTH, PRIORITY (primary 1, secondary 99) and LIMIT 1", () => {
            assert.deepEqual(rules.map(r => r.ruleType), ["FILTER", "HEALTH", "PRIORITY", "LIMIT"]);
            assert.deepEqual(rules[0].defaultAnswerDatas, [{ answerCondition: "answer.isDisabled != true", shouldKeep: true }]);
            assert.deepEqual(rules[2].defaultAnswerDatas!.map(d => [d.answerCondition, d.value]), [["answer.pool == 'primary'", 1], ["answer.pool == 'secondary'", 99]]);
            assert.equal(rules[3].defaultCount, 1);
        });

        it("answers the primary while it is healthy, the secondary when it is down", () => {
            assert.deepEqual(evaluateSteering(answers, rules), ["primary"]);
            assert.deepEqual(evaluateSteering(answers, rules, ["203.0.113.10"]), ["secondary"]);
        });

        it("a disabled primary stays out even when its health check is green again: no failback by itself", () => {
            const locked = answers.map(a => (a.pool === "primary" ? { ...a, isDisabled: true } : a));
            assert.deepEqual(evaluateSteering(locked, rules), ["secondary"]);
            assert.deepEqual(evaluateSteering(locked, rules, ["203.0.113.10"]), ["secondary"]);
        });

        it("evaluates the REST form of the rules the same way (what the function's lock writes back)", () => {
            const doc = policyDoc() as { answers: { name: string; rdata: string; pool: string }[]; rules: { ruleType: string; defaultAnswerData?: unknown[] }[] };
            const restRules = doc.rules.map(r => ({ ...r, defaultAnswerDatas: r.defaultAnswerData as { answerCondition: string }[] | undefined }));
            const plan = planLock(doc, "primary");
            assert.deepEqual(evaluateSteering(plan.update!.answers as typeof answers, restRules), ["secondary"]);
        });
    });

    describe("the lock (planLock)", () => {
        it("flips only isDisabled of the primary pool, keeps unknown fields and the rules object untouched", () => {
            const doc = policyDoc({ answers: [
                { name: "primary", rtype: "A", rdata: "203.0.113.10", pool: "primary", isDisabled: false, extra: 1 },
                { name: "primary-b", rtype: "A", rdata: "203.0.113.11", pool: "primary" },
                { name: "secondary", rtype: "A", rdata: "203.0.113.20", pool: "secondary", isDisabled: false },
            ] });
            const plan = planLock(doc, "primary");
            assert.deepEqual(plan.primaryAnswers, ["primary", "primary-b"]);
            assert.deepEqual(plan.servedAnswers, ["secondary"]);
            assert.deepEqual(plan.update!.answers.map(a => [a.name, a.isDisabled]), [["primary", true], ["primary-b", true], ["secondary", false]]);
            assert.equal(plan.update!.answers[0].extra, 1);
            assert.strictEqual(plan.update!.rules, doc.rules);
            assert.deepEqual([plan.update!.ttl, plan.update!.template, plan.update!.healthCheckMonitorId], [60, "FAILOVER", doc.healthCheckMonitorId]);
        });

        it("rejects malformed policies with what was wrong", () => {
            assert.throws(() => planLock(null, "primary"), LockRefused);
            assert.throws(() => planLock({ rules: [], template: "FAILOVER" }, "primary"), /no answers array/);
            assert.throws(() => planLock(policyDoc({ answers: [{ name: "x" }] }), "primary"), /lacks name, rtype or rdata/);
        });
    });

    describe("health", () => {
        const now = Date.UTC(2025, 0, 15, 12, 0, 30);
        it("a gap in the series ends the failing run", () => {
            const pts = series(now, [0, 0, 0, 0]);
            pts.splice(1, 1);
            assert.equal(primaryHealthFromMetrics(pts, now).failingForSeconds, 120);
        });
        it("alarm: majority-failing query and the holdoff as pending duration (rounded up, PT1M at least)", () => {
            assert.equal(alarmQuery("ocid1.httpmonitor.oc1..x"), 'HTTP.isHealthy[1m]{resourceId = "ocid1.httpmonitor.oc1..x"}.grouping().mean() < 0.5');
            assert.throws(() => alarmQuery('x"} || 1'), /not an OCID/);
            assert.deepEqual([0, 59, 60, 180, 181, 3600].map(pendingDuration), ["PT1M", "PT1M", "PT1M", "PT3M", "PT4M", "PT60M"]);
        });
        it("secondary gate: no recent results is an error, not a pass", () => {
            assert.throws(() => secondaryHealthyFromProbes([{ startTime: now - 600_000, isHealthy: true }], now, 180), /no probe results/);
        });
    });

    describe("request signing and the OKE token", () => {
        it("signs GET with date, (request-target), host and PUT with the body headers, verifiable with the public key", () => {
            const now = new Date(Date.UTC(2025, 0, 15, 12, 0, 0));
            const get = signRequest({ method: "GET", url: "https://dns.us-phoenix-1.oraclecloud.com/20180115/steeringPolicies/x?scope=GLOBAL" }, credentials(), now);
            const p = parseSignatureHeader(get.authorization);
            assert.deepEqual([p.version, p.keyId, p.algorithm, p.headers], ["1", KEY_ID, "rsa-sha256", "date (request-target) host"]);
            assert.equal(get.date, "Wed, 15 Jan 2025 12:00:00 GMT");
            const signing = `date: ${get.date}\n(request-target): get /20180115/steeringPolicies/x?scope=GLOBAL\nhost: dns.us-phoenix-1.oraclecloud.com`;
            assert.ok(crypto.verify("sha256", Buffer.from(signing), testKeys().publicKey, Buffer.from(p.signature, "base64")));

            const body = JSON.stringify({ a: 1 });
            const put = signRequest({ method: "PUT", url: "https://dns.us-phoenix-1.oraclecloud.com/x", body }, credentials(), now);
            assert.equal(parseSignatureHeader(put.authorization).headers, "date (request-target) host content-length content-type x-content-sha256");
            assert.equal(put["x-content-sha256"], crypto.createHash("sha256").update(body).digest("base64"));
            assert.equal(put["content-length"], String(body.length));
        });

        it("the OKE token is a base64url cluster_request URL carrying the signature; tampering breaks it", () => {
            const token = okeToken(REGION, CLUSTER, credentials(), new Date());
            const url = decodeOkeToken(token);
            assert.equal(`${url.origin}${url.pathname}`, `https://containerengine.${REGION}.oraclecloud.com/cluster_request/${CLUSTER}`);
            assert.ok(okeTokenIsValid(`Bearer ${token}`, CLUSTER, REGION));
            assert.ok(!okeTokenIsValid(`Bearer ${token}`, "ocid1.cluster.oc1.phx.other", REGION));
            const forged = okeToken(REGION, "ocid1.cluster.oc1.phx.other", credentials(), new Date());
            const swapped = Buffer.from(decodeOkeToken(forged).toString().replace("ocid1.cluster.oc1.phx.other", CLUSTER)).toString("base64").replace(/\+/g, "-").replace(/\//g, "_");
            assert.ok(!okeTokenIsValid(`Bearer ${swapped}`, CLUSTER, REGION));
            assert.throws(() => okeToken(REGION, "not-a-cluster", credentials()), /not a cluster OCID/);
        });

        it("reads the resource principal from values or files, and names what is missing", () => {
            const files: Record<string, string> = { "/rp/token": RPST + "\n", "/rp/key.pem": testKeys().privatePem };
            const rp = resourcePrincipal({
                OCI_RESOURCE_PRINCIPAL_VERSION: "2.2", OCI_RESOURCE_PRINCIPAL_RPST: "/rp/token",
                OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM: "/rp/key.pem", OCI_RESOURCE_PRINCIPAL_REGION: REGION,
            }, p => files[p]);
            assert.deepEqual([rp.keyId, rp.region], [KEY_ID, REGION]);
            assert.throws(() => resourcePrincipal({ OCI_RESOURCE_PRINCIPAL_VERSION: "1.1" }), /supports 2.2/);
            assert.throws(() => resourcePrincipal({ OCI_RESOURCE_PRINCIPAL_VERSION: "2.2" }), /OCI_RESOURCE_PRINCIPAL_RPST is not set/);
        });
    });

    describe("function configuration", () => {
        const cfg: OciFunctionConfig = {
            region: "us-phoenix-1",
            compartmentId: "ocid1.compartment.oc1..aaaaaaaaexamplecompartmentexamplecompartmentexamplecompartmentx",
            clusterId: "ocid1.cluster.oc1.phx.aaaaaaaaexampleclusterexampleclusterexampleclusterexampleclust",
            kubernetesServer: "https://10.0.0.2:6443",
            kubernetesCaPem: `-----BEGIN CERTIFICATE-----\n${"A".repeat(1200)}\n-----END CERTIFICATE-----\n`,
            steeringPolicyId: "ocid1.dnspolicy.oc1..aaaaaaaaexamplepolicyexamplepolicyexamplepolicyexamplepolicyexa",
            primaryPool: "primary",
            primaryMonitorId: "ocid1.httpmonitor.oc1..aaaaaaaaexamplemonitorexamplemonitorexamplemonitorexamplemonit",
            secondaryResultsUrl: "https://healthchecks.us-phoenix-1.oraclecloud.com/20180501/pingProbeResults/ocid1.pingmonitor.oc1..aaaaaaaaexamplepingexamplepingexamplepingexampleping",
            secondaryWindowSeconds: 180,
            metricLookbackSeconds: 1080,
            settings: { namespace: "logging", operatorDeployment: "humio-operator", humioClusterName: "logscale", preFailoverFailureSeconds: 180, cooldownSeconds: 300, requireHealthySecondary: true, recheckIntervalSeconds: 15, waitBudgetSeconds: 240 },
        };

        it("round-trips through the function's environment and fits OCI's 4 KB config limit with a real-size CA", () => {
            const env = toFunctionConfig(cfg);
            const size = Object.entries(env).reduce((n, [k, v]) => n + k.length + v.length, 0);
            assert.ok(size <= MAX_CONFIG_BYTES, `${size} bytes`);
            assert.deepEqual(fromFunctionEnv(env), { ...cfg, endpoints: { dns: undefined, telemetry: undefined, containerengine: undefined } });
        });

        it("refuses a config over 4 KB", () => {
            assert.throws(() => toFunctionConfig({ ...cfg, kubernetesCaPem: "x".repeat(4000) }), /OCI Functions allows 4096 bytes/);
        });
    });

    describe("IAM statements", () => {
        const C = "ocid1.compartment.oc1..aaaacomp";
        it("storage: objects and the bucket of this stack only", () => {
            assert.deepEqual(storagePolicyStatements("ocid1.group.oc1..g", C, "logscale-us-ashburn-1-logscale"), [
                `Allow group id ocid1.group.oc1..g to read buckets in compartment id ${C} where target.bucket.name = 'logscale-us-ashburn-1-logscale'`,
                `Allow group id ocid1.group.oc1..g to manage objects in compartment id ${C} where target.bucket.name = 'logscale-us-ashburn-1-logscale'`,
            ]);
        });
        it("function: one function in the dynamic group; get/update of steering policies, never create or delete", () => {
            assert.equal(functionMatchingRule("ocid1.fnfunc.oc1.phx.f"), "ALL {resource.type = 'fnfunc', resource.id = 'ocid1.fnfunc.oc1.phx.f'}");
            const s = functionPolicyStatements({ dynamicGroupId: "ocid1.dynamicgroup.oc1..d", compartmentId: C });
            assert.ok(s.every(x => x.includes(`in compartment id ${C}`)) && !s.some(x => /\bin tenancy\b/.test(x)));
            assert.ok(s.some(x => /manage dns-steering-policies .* where any \{request.permission = 'DNS_STEERING_POLICY_READ', request.permission = 'DNS_STEERING_POLICY_UPDATE'\}/.test(x)));
            assert.ok(!s.some(x => /manage (dns|cluster-family|health-check-family) /.test(x)));
            assert.match(onsInvokeStatements(C, "ocid1.fnfunc.oc1.phx.f")[0], /target.function.id = 'ocid1.fnfunc.oc1.phx.f'/);
            assert.match(registryPushStatements("ocid1.group.oc1..g", C, "logscale/us-phoenix-1/dr-failover")[1], /where target.repo.name = 'logscale\/us-phoenix-1\/dr-failover'/);
            assert.throws(() => storagePolicyStatements("ocid1.group.oc1..g", C, "b' or 1=1"), /may hold only/);
            assert.throws(() => functionMatchingRule("x' or '1'='1"), /is not an OCID/);
        });
    });

    describe("cluster pieces", () => {
        it("Kubernetes version: latest patch of x.y, or exactly x.y.z; unknown versions list what OKE offers", () => {
            const offered = ["v1.31.10", "v1.33.0", "v1.33.1", "v1.32.1"];
            assert.equal(pickKubernetesVersion(offered, "1.33"), "v1.33.1");
            assert.equal(pickKubernetesVersion(offered, "1.33.0"), "v1.33.0");
            assert.throws(() => pickKubernetesVersion(offered, "1.34"), /not offered by OKE in this region; available: v1.31.10, v1.33.0, v1.33.1, v1.32.1/);
            assert.throws(() => pickKubernetesVersion(offered, "latest"), /must look like 1.33/);
        });

        it("worker image: newest Oracle Linux 8 x86 build for exactly the cluster's version", () => {
            const img = (n: string) => ({ imageId: n, sourceName: n, sourceType: "IMAGE" });
            const pick = pickNodeImage([
                img("Oracle-Linux-8.10-2025.05.19-0-OKE-1.33.1-800"), img("Oracle-Linux-8.10-aarch64-2025.07.01-0-OKE-1.33.1-900"),
                img("Oracle-Linux-8.10-Gen2-GPU-2025.07.01-0-OKE-1.33.1-900"), img("Oracle-Linux-8.10-2025.06.17-0-OKE-1.33.1-813"),
                img("Oracle-Linux-8.10-2025.08.01-0-OKE-1.32.1-850"),
            ], "v1.33.1");
            assert.equal(pick.sourceName, "Oracle-Linux-8.10-2025.06.17-0-OKE-1.33.1-813");
            assert.throws(() => pickNodeImage([img("Oracle-Linux-8.10-2025.08.01-0-OKE-1.32.1-850")], "v1.33.1"), /no Oracle Linux 8 x86 OKE image for Kubernetes 1.33.1/);
        });

        it("node pools follow the layout: role labels, flex shape config; a standby has no ingest/UI pools and one digest node", () => {
            const active = nodePoolPlans("logscale", clusterLayout("oci", "xsmall", "internal-ingest", "active"));
            assert.deepEqual(active.map(p => [p.name, p.labels["k8s-app"]]), [
                ["logscale-system", "system"], ["logscale-digest", "logscale-digest"], ["logscale-ingest", "logscale-ingest"],
                ["logscale-ui", "logscale-ui"], ["logscale-ingress", "logscale-ingress"], ["logscale-kafka", "kafka"],
            ]);
            assert.deepEqual(active[1].shapeConfig, { ocpus: 8, memoryInGbs: 96 });
            const standby = nodePoolPlans("logscale", clusterLayout("oci", "xsmall", "internal-ingest", "standby"));
            assert.deepEqual(standby.map(p => p.role), ["system", "digest", "ingress", "kafka"]);
            assert.equal(standby.find(p => p.role === "digest")!.size, 1);
        });

        it("network: API open on 6443 only, node ports only from the LB subnet, OSN via the service CIDR label", () => {
            const api = apiRules("all-phx-services-in-oracle-services-network");
            assert.deepEqual(api.ingress.filter(r => r.source === "0.0.0.0/0").map(r => r.tcpOptions), [{ min: 6443, max: 6443 }]);
            assert.ok(api.egress.some(r => r.destinationType === "SERVICE_CIDR_BLOCK"));
            assert.deepEqual(workerRules().ingress.filter(r => r.source === NETWORK.lbCidr).map(r => r.tcpOptions), [{ min: 30000, max: 32767 }, { min: 10256, max: 10256 }]);
            assert.deepEqual(lbRules().ingress.map(r => (r.tcpOptions as { min: number }).min), [443, 80]);
            assert.throws(() => pickOsnService([{ id: "x", name: "OCI PHX Object Storage", cidrBlock: "oci-phx-objectstorage" }]), /no "All <region> Services In Oracle Services Network"/);
        });

        it("reads the cluster CA out of an OKE kubeconfig", () => {
            const pem = "-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n";
            assert.equal(caFromKubeconfig(`clusters:\n- cluster:\n    certificate-authority-data: ${Buffer.from(pem).toString("base64")}\n    server: https://x:6443\n`), pem);
            assert.throws(() => caFromKubeconfig("clusters: []"), /no certificate-authority-data/);
        });
    });
});
