import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ociRecoveryEnv, ociStorageEnv, s3EndpointBase } from "../../components/oci/env";
import { functionMatchingRule, functionPolicyStatements, onsInvokeStatements, registryPushStatements, storagePolicyStatements } from "../../components/oci/iam";
import { nodePoolPlans } from "../../components/oci/nodepools";
import { apiRules, lbRules, NETWORK, pickOsnService, workerRules } from "../../components/oci/network-plan";
import { caFromKubeconfig } from "../../components/oci/oke";
import { evaluateSteering, steeringAnswers, steeringRules } from "../../components/oci/steering";
import { pickKubernetesVersion, pickNodeImage } from "../../components/oci/versions";
import { clusterLayout } from "../../components/logscale/sizing";
import { DELIVERY_POLICY, failoverFunctionConfig, FUNCTION_TIMEOUT_SECONDS, RECHECK_INTERVAL_SECONDS, REPEAT_NOTIFICATION, REPEAT_NOTIFICATION_SECONDS, WAIT_BUDGET_SECONDS } from "../../components/oci/failover";
import { fromFunctionEnv, MAX_CONFIG_BYTES, OciFunctionConfig, toFunctionConfig } from "../../functions/oci/config";
import { alarmQuery, failingRun, pendingDuration, PRIMARY_PROBE_WINDOW_SECONDS, primaryHealthFromMetrics, primaryNowFromProbes, secondaryHealthyFromProbes } from "../../functions/oci/health";
import { LockRefused, planLock } from "../../functions/oci/lock";
import { decodeOkeToken, okeToken } from "../../functions/oci/oke";
import { parseSignatureHeader, resourcePrincipal, signRequest } from "../../functions/oci/signer";
import { CLUSTER, credentials, httpProbes, KEY_ID, okeTokenIsValid, policyDoc, REGION, RPST, series, testKeys } from "./fixtures";

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

    describe("health: the holdoff counts only minutes in which every probe failed", () => {
        const now = Date.UTC(2025, 0, 15, 12, 0, 30);
        const MIN = 60_000;
        const down = (from: number, to = Infinity) => (t: number) => t >= from && t < to;
        /**
         * What the function reads at `at` when the primary is down as `isDown`
         * says: 10 s probes from three vantage points, the minute's max
         * published `delayS` after the minute ends, and the probe results of
         * the last PRIMARY_PROBE_WINDOW_SECONDS.
         */
        function readings(isDown: (t: number) => boolean, at: number, delayS = 0) {
            const points: { timestamp: string; value: number }[] = [];
            for (let m = Math.floor((at - 20 * MIN) / MIN) * MIN; m + MIN + delayS * 1000 <= at; m += MIN) {
                const probes = [5, 15, 25, 35, 45, 55].map(s => m + s * 1000);
                points.push({ timestamp: new Date(m).toISOString(), value: probes.some(t => !isDown(t)) ? 1 : 0 });
            }
            const results = httpProbes(at, t => !isDown(t), { windowS: PRIMARY_PROBE_WINDOW_SECONDS });
            return { points, probes: { results, completeFromMs: at - PRIMARY_PROBE_WINDOW_SECONDS * 1000 } };
        }
        const health = (isDown: (t: number) => boolean, at: number, delayS = 0) => {
            const r = readings(isDown, at, delayS);
            return primaryHealthFromMetrics(r.points, r.probes, at);
        };
        /** Seconds the primary has really been down without a break at `at`. */
        const trulyDownFor = (isDown: (t: number) => boolean, at: number) => {
            let t = at;
            while (isDown(t - 1000) && at - t < 3600_000) t -= 1000;
            return (at - t) / 1000;
        };

        it("query and alarm: the minute's max over every vantage point, breaching below 1 (no probe answered)", () => {
            assert.equal(alarmQuery("ocid1.httpmonitor.oc1..x"), 'HTTP.isHealthy[1m]{resourceId = "ocid1.httpmonitor.oc1..x"}.grouping().max() < 1');
            assert.throws(() => alarmQuery('x"} || 1'), /not an OCID/);
            assert.deepEqual([0, 59, 60, 180, 181, 3600].map(pendingDuration), ["PT1M", "PT1M", "PT1M", "PT3M", "PT4M", "PT60M"]);
        });

        it("counts the consecutive all-failed minutes ending at the newest; one minute with a healthy probe resets the run", () => {
            assert.deepEqual(failingRun(series(now, [0, 0, 0, 0]), now).minutes, 4);
            assert.deepEqual(failingRun(series(now, [0, 0, 0, 1, 0, 0]), now).minutes, 2);
            assert.deepEqual(failingRun(series(now, [0, 0, 0, 0, 1]), now).minutes, 0);
            // A minute where one probe of one vantage point answered has max 1: not a failed minute.
            assert.deepEqual(failingRun(series(now, [0, 0, 1, 0, 0, 0]), now).minutes, 3);
        });

        it("a gap in the series ends the run: an unobserved minute is not a failed one", () => {
            const pts = series(now, [0, 0, 0, 0]);
            pts.splice(1, 1);
            assert.equal(failingRun(pts, now).minutes, 2);
        });

        it("flapping (down 105 s, up 40 s, 10 s probes) never reaches a 180 s holdoff, checked every 5 s for 20 minutes", () => {
            const t0 = Date.UTC(2025, 0, 15, 12, 0, 0);
            const flapping = (t: number) => t >= t0 && (t - t0) % 145_000 < 105_000;
            let worst = 0;
            for (let at = t0 + 5_000; at < t0 + 20 * MIN; at += 5_000) {
                for (const delayS of [0, 30]) {
                    const h = health(flapping, at, delayS);
                    worst = Math.max(worst, h.failingForSeconds);
                    assert.ok(h.failingForSeconds <= trulyDownFor(flapping, at), `t+${(at - t0) / 1000}s: ${h.failingForSeconds}s claimed, down ${trulyDownFor(flapping, at)}s`);
                }
            }
            assert.ok(worst < 180, `flapping reached ${worst}s`);
            assert.equal(worst, 60, "one whole minute fits in 105 s down, never two");
        });

        it("never claims more than the primary was really down, even when it came back between the newest minute and now", () => {
            const t0 = Date.UTC(2025, 0, 15, 12, 0, 0);
            // Down 4 whole minutes, up for 20 s in the minute not published yet, down again.
            const isDown = (t: number) => t >= t0 && !(t >= t0 + 4 * MIN && t < t0 + 4 * MIN + 20_000);
            const at = t0 + 4 * MIN + 50_000;
            const h = health(isDown, at);
            assert.equal(h.healthy, false);
            assert.ok(h.failingForSeconds <= trulyDownFor(isDown, at), `${h.failingForSeconds}s > ${trulyDownFor(isDown, at)}s`);
            assert.ok(h.failingForSeconds < 60, h.detail);
            assert.match(h.detail ?? "", /after the run began/);
        });

        it("a continuous outage reaches the holdoff once three whole minutes failed, and keeps growing", () => {
            const t0 = Date.UTC(2025, 0, 15, 12, 0, 0);
            const isDown = down(t0);
            assert.equal(health(isDown, t0 + 3 * MIN - 1000).failingForSeconds, 120);
            // Three whole minutes, and three minutes since the first failed probe (t0 + 5 s).
            assert.equal(health(isDown, t0 + 3 * MIN + 1000).failingForSeconds, 176);
            assert.equal(health(isDown, t0 + 3 * MIN + 6000).failingForSeconds, 180);
            assert.equal(health(isDown, t0 + 10 * MIN + 6000).failingForSeconds, 600);
            // An outage that starts mid-minute: that minute had healthy probes, so it does not count.
            const mid = down(t0 + 30_000);
            assert.equal(health(mid, t0 + 3 * MIN + 6000).failingForSeconds, 120);
            assert.equal(health(mid, t0 + 4 * MIN + 6000).failingForSeconds, 180);
        });

        it("healthy now when any vantage point's newest probe reached the primary, whatever the minutes say", () => {
            const t0 = Date.UTC(2025, 0, 15, 12, 0, 0);
            const backAt = t0 + 5 * MIN + 30_000;
            const h = health(down(t0, backAt), backAt + 6_000);
            assert.deepEqual([h.healthy, h.failingForSeconds], [true, 0]);
            const results = httpProbes(now, false);
            results.find(r => r.vantagePointName === "aws-iad")!.isHealthy = true;
            assert.equal(primaryNowFromProbes({ results, completeFromMs: now - 300_000 }, now).healthy, true);
        });

        it("missing or stale data is an error, never a verdict", () => {
            const probes = { results: httpProbes(now, false), completeFromMs: now - 300_000 };
            assert.throws(() => primaryHealthFromMetrics([], probes, now), /no HTTP.isHealthy datapoints/);
            assert.throws(() => primaryHealthFromMetrics(series(now - 600_000, [0, 0, 0, 0]), probes, now), /stale/);
            assert.throws(() => primaryHealthFromMetrics(series(now, [0, 0, 0, 0]), { results: [], completeFromMs: now - 300_000 }, now), /no probe results for the primary/);
            assert.throws(() => primaryHealthFromMetrics(series(now, [0, 0, 0, 0]), { results: httpProbes(now - 600_000, true), completeFromMs: now - 300_000 }, now), /no probe results for the primary/);
            // Results that do not reach back to the newest minute's end (a truncated page) leave a gap.
            assert.throws(() => primaryHealthFromMetrics(series(now - 120_000, [0, 0, 0, 0]), { results: httpProbes(now, false, { windowS: 30 }), completeFromMs: now - 30_000 }, now), /not deciding on a gap/);
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
            assert.throws(() => resourcePrincipal({ OCI_RESOURCE_PRINCIPAL_VERSION: "1.1" }), /OCI_RESOURCE_PRINCIPAL_VERSION is "1.1"; expected 2.2/);
            assert.throws(() => resourcePrincipal({ OCI_RESOURCE_PRINCIPAL_VERSION: "2.2" }), /OCI_RESOURCE_PRINCIPAL_RPST is not set; expected the resource principal session token/);
        });

        describe("resource principal problems are named: the variable, the file or value, what is expected", () => {
            let dir: string;
            const rpEnv = (over: Record<string, string | undefined> = {}) => ({
                OCI_RESOURCE_PRINCIPAL_VERSION: "2.2",
                OCI_RESOURCE_PRINCIPAL_RPST: path.join(dir, "rpst"),
                OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM: path.join(dir, "key.pem"),
                OCI_RESOURCE_PRINCIPAL_REGION: REGION,
                ...over,
            });
            beforeEach(() => {
                dir = fs.mkdtempSync(path.join(os.tmpdir(), "oci-rp-"));
                fs.writeFileSync(path.join(dir, "rpst"), RPST + "\n");
                fs.writeFileSync(path.join(dir, "key.pem"), testKeys().privatePem);
            });
            afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

            it("reads the real files (the runtime's layout)", () => {
                assert.equal(resourcePrincipal(rpEnv()).keyId, KEY_ID);
            });

            it("a missing RPST file: the variable and the path, not a bare ENOENT", () => {
                const missing = path.join(dir, "gone", "rpst");
                assert.throws(() => resourcePrincipal(rpEnv({ OCI_RESOURCE_PRINCIPAL_RPST: missing })), (e: Error) =>
                    e.name === "ResourcePrincipalError" && !/ENOENT/.test(e.message) &&
                    e.message === `resource principal: OCI_RESOURCE_PRINCIPAL_RPST names file ${missing}, which was not found; ` +
                        "expected the resource principal session token (a JWT), or the absolute path of a file holding it");
            });

            it("a garbled key file, an inline value that is no key, a key that is not RSA: not a PEM private key", () => {
                fs.writeFileSync(path.join(dir, "key.pem"), testKeys().privatePem.replace(/\n[A-Za-z0-9+/]{20}/, "\n!!garbled!!garbled!!"));
                assert.throws(() => resourcePrincipal(rpEnv()), new RegExp(
                    `^ResourcePrincipalError: resource principal: OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM names file ${dir}/key\\.pem, which is not a PEM private key: it does not decode \\(.+\\); ` +
                    "expected the session's RSA private key in PEM, or the absolute path of a file holding it$"));
                assert.throws(() => resourcePrincipal(rpEnv({ OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM: "not a key" })),
                    /OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM holds a value that is not a PEM private key \(no "-----BEGIN \.\.\. PRIVATE KEY-----" line\)/);
                fs.writeFileSync(path.join(dir, "key.pem"), "");
                assert.throws(() => resourcePrincipal(rpEnv()), /OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM names file .*key\.pem, which is empty; expected/);
                const ec = crypto.generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey.export({ type: "pkcs8", format: "pem" }) as string;
                assert.throws(() => resourcePrincipal(rpEnv({ OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM: ec })), /holds a value that is a key of type ec, which cannot sign rsa-sha256/);
            });

            it("an encrypted key without its passphrase names the passphrase variable", () => {
                const encrypted = testKeys().privateKey.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "pw" }) as string;
                fs.writeFileSync(path.join(dir, "key.pem"), encrypted);
                assert.throws(() => resourcePrincipal(rpEnv()), /is an encrypted private key that needs OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM_PASSPHRASE/);
                fs.writeFileSync(path.join(dir, "pass"), "pw\n");
                assert.equal(resourcePrincipal(rpEnv({ OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM_PASSPHRASE: path.join(dir, "pass") })).keyId, KEY_ID);
            });

            it("a missing variable, and a token that is not a JWT", () => {
                assert.throws(() => resourcePrincipal(rpEnv({ OCI_RESOURCE_PRINCIPAL_REGION: undefined })),
                    /^ResourcePrincipalError: resource principal: OCI_RESOURCE_PRINCIPAL_REGION is not set; expected the function's region identifier, such as us-phoenix-1$/);
                assert.throws(() => resourcePrincipal(rpEnv({ OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM: "" })), /OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM is not set; expected/);
                assert.throws(() => resourcePrincipal(rpEnv({ OCI_RESOURCE_PRINCIPAL_RPST: "not a token" })),
                    /OCI_RESOURCE_PRINCIPAL_RPST holds a value that is not a JWT \(three base64url parts separated by dots\)/);
                fs.mkdirSync(path.join(dir, "d"));
                assert.throws(() => resourcePrincipal(rpEnv({ OCI_RESOURCE_PRINCIPAL_RPST: path.join(dir, "d") })), /names file .*\/d, which is a directory/);
            });
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
            primaryResultsUrl: "https://healthchecks.us-phoenix-1.oraclecloud.com/20180501/httpProbeResults/ocid1.httpmonitor.oc1..aaaaaaaaexamplemonitorexamplemonitorexamplemonitorexamplemonit",
            secondaryResultsUrl: "https://healthchecks.us-phoenix-1.oraclecloud.com/20180501/pingProbeResults/ocid1.pingmonitor.oc1..aaaaaaaaexamplepingexamplepingexamplepingexampleping",
            secondaryWindowSeconds: 180,
            metricLookbackSeconds: 1080,
            alarmRepeatSeconds: 300,
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

        it("names a missing primary results URL (the function cannot tell whether the primary answers now without it)", () => {
            const env = toFunctionConfig(cfg);
            delete env.DR_PRIMARY_RESULTS_URL;
            assert.throws(() => fromFunctionEnv(env), /DR_PRIMARY_RESULTS_URL is not set \(the primary HTTPS monitor's results URL\)/);
        });

        it("every endpoint that carries a signature or a token must be https; the error names the variable, the value and why", () => {
            const carries: [string, RegExp][] = [
                ["DR_K8S_SERVER", /the OKE bearer token travels on it/],
                ["DR_PRIMARY_RESULTS_URL", /a signed OCI request travels on it/],
                ["DR_SECONDARY_RESULTS_URL", /a signed OCI request travels on it/],
                ["DR_ENDPOINT_DNS", /a signed OCI request travels on it/],
                ["DR_ENDPOINT_TELEMETRY", /a signed OCI request travels on it/],
                ["DR_ENDPOINT_CONTAINERENGINE", /the OKE bearer token is a request signed for this host/],
            ];
            for (const [key, why] of carries) {
                for (const value of ["http://10.0.0.2:6443", "http://dns.us-phoenix-1.oraclecloud.com", "http://127.0.0.2:8080", "ftp://example.com"]) {
                    const env = { ...toFunctionConfig(cfg), [key]: value };
                    assert.throws(() => fromFunctionEnv(env), (e: Error) => {
                        assert.ok(e.message.includes(`${key}=${JSON.stringify(value)} must be https: `) || (value.startsWith("ftp") && e.message.includes(key)), `${key}=${value}: ${e.message}`);
                        if (value.startsWith("http:")) assert.match(e.message, why);
                        return true;
                    });
                }
            }
            // The fakes: plain http on loopback only.
            for (const host of ["127.0.0.1:9000", "localhost:9000", "[::1]:9000"]) {
                const env = { ...toFunctionConfig(cfg) };
                for (const [key] of carries) env[key] = `http://${host}/x`;
                const read = fromFunctionEnv(env);
                assert.equal(read.kubernetesServer, `http://${host}/x`);
                assert.equal(read.endpoints?.containerengine, `http://${host}/x`);
            }
        });

        it("the alarm's repeat travels as DR_ALARM_REPEAT_SECONDS; 0 (no repeat) is allowed, a missing one is not", () => {
            assert.equal(toFunctionConfig(cfg).DR_ALARM_REPEAT_SECONDS, "300");
            assert.equal(fromFunctionEnv({ ...toFunctionConfig(cfg), DR_ALARM_REPEAT_SECONDS: "0" }).alarmRepeatSeconds, 0);
            const env = toFunctionConfig(cfg);
            delete env.DR_ALARM_REPEAT_SECONDS;
            assert.throws(() => fromFunctionEnv(env), /DR_ALARM_REPEAT_SECONDS=undefined must be an integer >= 0/);
        });

        it("the component's derivation: recheck interval, wait budget and repeat fit the function timeout; the gate's URL only with the gate on", () => {
            const values = {
                region: cfg.region, compartmentId: cfg.compartmentId, clusterId: cfg.clusterId, kubernetesServer: cfg.kubernetesServer,
                kubernetesCaPem: cfg.kubernetesCaPem, steeringPolicyId: cfg.steeringPolicyId, primaryPool: "primary", primaryMonitorId: cfg.primaryMonitorId,
                primaryResultsUrl: cfg.primaryResultsUrl, secondaryResultsUrl: cfg.secondaryResultsUrl,
                settings: { namespace: "logging", operatorDeployment: "humio-operator", humioClusterName: "logscale", preFailoverFailureSeconds: 180, cooldownSeconds: 300, requireHealthySecondary: true },
            };
            const derived = failoverFunctionConfig(values);
            assert.deepStrictEqual(derived, cfg);
            assert.strictEqual(WAIT_BUDGET_SECONDS + 60, FUNCTION_TIMEOUT_SECONDS);
            assert.strictEqual(REPEAT_NOTIFICATION, "PT5M");
            assert.strictEqual(REPEAT_NOTIFICATION_SECONDS, FUNCTION_TIMEOUT_SECONDS, "one notification's run ends before the next repeat");
            assert.strictEqual(derived.alarmRepeatSeconds, REPEAT_NOTIFICATION_SECONDS, "the function is told the alarm's own repeat");
            assert.deepStrictEqual(JSON.parse(DELIVERY_POLICY), { backoffRetryPolicy: { maxRetryDuration: REPEAT_NOTIFICATION_SECONDS * 1000, policyType: "EXPONENTIAL" } });
            assert.ok(RECHECK_INTERVAL_SECONDS < 60, "a newly published minute is seen within the minute");
            const ungated = failoverFunctionConfig({ ...values, settings: { ...values.settings, requireHealthySecondary: false, preFailoverFailureSeconds: 0 } });
            assert.deepStrictEqual([ungated.secondaryResultsUrl, ungated.metricLookbackSeconds], ["", 900]);
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
            // `read`, not `inspect`: Oracle's pages disagree on whether inspect covers ListHttpProbeResults/ListPingProbeResults.
            assert.ok(s.includes(`Allow dynamic-group id ocid1.dynamicgroup.oc1..d to read health-check-results in compartment id ${C}`), s.join("\n"));
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
            assert.throws(() => pickKubernetesVersion(offered, "latest"), /must look like 1.35/);
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
