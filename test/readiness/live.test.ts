import * as assert from "assert";
import { LOCKED_FQDN } from "../../functions/aws/platform";
import { AwsCloud, awsNamesFromOutputs } from "../../scripts/readiness/aws";
import { main } from "../../scripts/readiness/cli";
import { HttpCluster } from "../../scripts/readiness/kube";
import { LiveInput } from "../../scripts/readiness/live";
import { OutputValue } from "../../scripts/readiness/ports";
import { FakeKubernetes, JobOutcome } from "../support/fake-k8s";
import { FakeAwsReadiness } from "./fake-aws";
import { check, DIR, Doc, IMAGE, LIVE_CHECKS, out, PROBE_OK, S, VirtualClock } from "./live-pair";

const KEY = "s3-encryption-key-that-must-never-be-printed-0123456789abcdef";

interface Pair {
    kube: { primary: FakeKubernetes; secondary: FakeKubernetes };
    aws: FakeAwsReadiness;
    clock: VirtualClock;
    outputs: { primary: Record<string, OutputValue>; secondary: Record<string, OutputValue> };
    input(): LiveInput;
    stop(): Promise<void>;
}

function cluster(kube: FakeKubernetes, env: unknown[], image = IMAGE): void {
    kube.putHumioCluster("logging", "logscale", { image, nodeCount: 3, commonEnvironmentVariables: env });
    kube.putObject("kafka.strimzi.io/v1", "Kafka", "kafkas", "logging", "logscale-strimzi-kafka", { spec: { kafka: { version: "4.3.1" } } });
    kube.putDeployment("logging", "strimzi-cluster-operator", { replicas: 1, labels: { "helm.sh/chart": "strimzi-kafka-operator-1.2.0" } });
}

async function pair(): Promise<Pair> {
    const kube = { primary: await FakeKubernetes.start(), secondary: await FakeKubernetes.start() };
    cluster(kube.primary, []);
    cluster(kube.secondary, [
        { name: "S3_RECOVER_FROM_BUCKET", value: "logscale-us-west-2" },
        { name: "S3_RECOVER_FROM_REGION", value: "us-west-2" },
        { name: "S3_RECOVER_FROM_ENCRYPTION_KEY", valueFrom: { secretKeyRef: { name: "logscale-env-secrets", key: "S3_RECOVER_FROM_ENCRYPTION_KEY" } } },
    ]);
    kube.primary.putDeployment("logging", "humio-operator", { replicas: 1, labels: { "helm.sh/chart": "humio-operator-0.34.1" } });
    kube.secondary.putDeployment("logging", "humio-operator", { replicas: 0, labels: { "helm.sh/chart": "humio-operator-0.34.1" } });
    kube.secondary.putSecret("logging", "logscale-env-secrets", { data: { S3_RECOVER_FROM_ENCRYPTION_KEY: Buffer.from(KEY).toString("base64") } });
    kube.secondary.jobRunner = () => ({ result: "succeeded", afterGets: 3, log: PROBE_OK });
    const aws = await FakeAwsReadiness.start({
        healthCheckFqdn: { "hc-primary": "logscale-us-west-2.example.com" },
        records: [
            { name: "logscale.example.com.", type: "A", failover: "PRIMARY" },
            { name: "logscale.example.com.", type: "A", failover: "SECONDARY" },
        ],
        alarms: { "logscale-dr-failover-us-east-2-primary-unhealthy": { actionsEnabled: true } },
        parameters: { "/logscale-dr/logscale/us-east-2/standby-ready": "ready" },
    });
    const clock = new VirtualClock();
    const outputs = {
        primary: out({ cloud: "aws", region: "us-west-2", storageBucket: "logscale-us-west-2", storageEncryptionKey: KEY, logscaleClusterName: "logscale" }, ["storageEncryptionKey"]),
        secondary: out({
            cloud: "aws", region: "us-east-2", logscaleClusterName: "logscale", primaryHealthCheckId: "hc-primary", dnsZoneId: "ZFAKE", globalHostname: "logscale.example.com",
            failoverAlarmName: "logscale-dr-failover-us-east-2-primary-unhealthy", failoverAlarmRegion: "us-east-1",
        }),
    };
    return {
        kube, aws, clock, outputs,
        input: () => ({
            primaryStack: "primary", secondaryStack: "secondary", outputs, clock, runId: "test-run", pollMs: 5 * S, jobTimeoutMs: 120 * S,
            clusters: { primary: new HttpCluster({ server: kube.primary.url }), secondary: new HttpCluster({ server: kube.secondary.url }) },
            cloud: new AwsCloud(awsNamesFromOutputs(Object.fromEntries(Object.entries(outputs.secondary).map(([k, v]) => [k, v.value]))),
                { endpoint: aws.url, credentials: { accessKeyId: "AKIDFAKE", secretAccessKey: "fake" } }),
        }),
        async stop() { await kube.primary.stop(); await kube.secondary.stop(); await aws.stop(); },
    };
}

async function run(p: Pair, json = true): Promise<{ code: number; out: string; err: string; doc?: Doc }> {
    let o = "";
    let e = "";
    const code = await main(["--stack", "secondary", ...(json ? ["--json"] : [])], { dir: DIR, live: async () => p.input(), stdout: s => { o += s; }, stderr: s => { e += s; } });
    return { code, out: o, err: e, doc: json && o ? JSON.parse(o) as Doc : undefined };
}

describe("npm run readiness (live pair, over fakes: Kubernetes API, Route 53, CloudWatch, SSM)", function () {
    this.timeout(30_000);
    let p: Pair;
    beforeEach(async () => { p = await pair(); });
    afterEach(async () => { await p.stop(); });

    it("all pass: every check, the probe Job created, waited for, read and deleted; the key never printed", async () => {
        const r = await run(p);
        assert.strictEqual(r.code, 0, r.out + r.err);
        assert.deepStrictEqual(r.doc!.checks.map(c => c.name), LIVE_CHECKS);
        assert.ok(r.doc!.checks.every(c => c.verdict === "pass"), r.out);
        assert.deepStrictEqual(r.doc!.skipped, []);
        assert.match(check(r.doc, "recovery-path").reason, /objects=4 newest=globalsnapshots\/globalsnapshot-1736942400000\.json/);
        const k = p.kube.secondary;
        assert.strictEqual(k.count("POST", "/jobs"), 1);
        assert.strictEqual(k.count("DELETE", "/jobs/"), 1);
        const name = (k.requests.find(x => x.method === "POST")!.body as { metadata: { name: string } }).metadata.name;
        assert.strictEqual(k.job("logging", name), undefined, "the Job is gone");
        // The virtual clock moved by the polls: the waits happened on it, not in real time.
        assert.strictEqual(p.clock.now(), 10 * S);
        assert.ok(!r.out.includes(KEY) && !r.err.includes(KEY));
        assert.ok(!JSON.stringify(k.requests.find(x => x.method === "POST")!.body).includes("ENCRYPTION_KEY"), "the key's ref is not handed to the probe");
        assert.deepStrictEqual(p.kube.primary.count("POST", "/jobs"), 0, "nothing runs on the primary");
    });

    it("the table shows each verdict and a skipped self-test is reported, not counted as a pass", async () => {
        delete p.aws.state.parameters["/logscale-dr/logscale/us-east-2/standby-ready"];
        const r = await run(p, false);
        assert.strictEqual(r.code, 0, r.out);
        assert.match(r.out, /^CHECK\s+VERDICT\s+REASON\n/);
        assert.match(r.out, /ready: all 11 checks pass\nskipped self-test: \/logscale-dr\/logscale\/us-east-2\/standby-ready does not exist: the readiness self-test is not deployed \(not counted as a pass\)\n$/);
        const j = await run(p);
        assert.deepStrictEqual(j.doc!.skipped.map(s => s.name), ["self-test"]);
        assert.ok(!j.doc!.checks.some(c => c.name === "self-test"));
    });

    const failing: Array<[string, string, RegExp, (p: Pair) => void]> = [
        ["logscale-version", "the standby runs another LogScale", /primary "primary" has humio\/humio-core:1\.252\.1, secondary "secondary" has humio\/humio-core:1\.236\.0/,
            q => { cluster(q.kube.secondary, [{ name: "S3_RECOVER_FROM_BUCKET", value: "logscale-us-west-2" }, { name: "S3_RECOVER_FROM_ENCRYPTION_KEY", valueFrom: { secretKeyRef: { name: "logscale-env-secrets", key: "S3_RECOVER_FROM_ENCRYPTION_KEY" } } }], "humio/humio-core:1.236.0"); }],
        ["encryption-key", "the standby was given another key", /recover-from encryption key \(sha256 [0-9a-f]{12}…\) is not the primary's storage key/,
            q => { q.kube.secondary.putSecret("logging", "logscale-env-secrets", { data: { S3_RECOVER_FROM_ENCRYPTION_KEY: Buffer.from("another-key").toString("base64") } }); }],
        ["recover-from", "the standby recovers from another bucket", /S3_RECOVER_FROM_BUCKET is "logscale-old" but the primary's storageBucket output is "logscale-us-west-2"/,
            q => { cluster(q.kube.secondary, [{ name: "S3_RECOVER_FROM_BUCKET", value: "logscale-old" }]); }],
        ["operator", "the standby's operator is up without a failover", /humio-operator at 1 on the standby without a failover \(no DNS lock\)/,
            q => { q.kube.secondary.putDeployment("logging", "humio-operator", { replicas: 1 }); }],
        ["dns-lock", "the lock is applied while the standby is at 0", /locked but expected unlocked \(the standby is at 0\): health check hc-primary probes failover-locked\.invalid/,
            q => { q.aws.state.healthCheckFqdn["hc-primary"] = LOCKED_FQDN; }],
        ["dns-targets", "the SECONDARY failover record is missing", /missing: SECONDARY record logscale\.example\.com\.; present: PRIMARY A logscale\.example\.com\./,
            q => { q.aws.state.records.pop(); }],
        ["alarm", "the failover alarm's actions are disabled", /logscale-dr-failover-us-east-2-primary-unhealthy is disabled/,
            q => { q.aws.state.alarms["logscale-dr-failover-us-east-2-primary-unhealthy"].actionsEnabled = false; }],
        ["self-test", "the last self-test said not-ready", /the last readiness self-test said not-ready/,
            q => { q.aws.state.parameters["/logscale-dr/logscale/us-east-2/standby-ready"] = "not-ready"; }],
        ["recovery-path", "the probe cannot list the bucket", /cannot fetch the primary's snapshot: listing s3:\/\/logscale-us-west-2\/globalsnapshots\/: An error occurred \(AccessDenied\)/,
            q => { q.kube.secondary.jobRunner = () => ({ result: "failed", log: "LOGSCALE-DR-PROBE fail listing s3://logscale-us-west-2/globalsnapshots/: An error occurred (AccessDenied) when calling the ListObjectsV2 operation\n" }); }],
        ["recovery-path", "the bucket has no snapshot", /no objects under s3:\/\/logscale-us-west-2\/globalsnapshots\//,
            q => { q.kube.secondary.jobRunner = () => ({ result: "failed", log: "LOGSCALE-DR-PROBE fail no objects under s3://logscale-us-west-2/globalsnapshots/\n" }); }],
    ];
    for (const [name, what, reason, breakIt] of failing) {
        it(`${name} fails when ${what}, naming the cause; exit 1`, async () => {
            breakIt(p);
            const r = await run(p);
            assert.strictEqual(r.code, 1, r.out + r.err);
            const c = check(r.doc, name);
            assert.strictEqual(c.verdict, "fail");
            assert.match(c.reason, reason);
            assert.ok(!r.out.includes(KEY));
            assert.strictEqual(p.kube.secondary.count("POST", "/jobs"), p.kube.secondary.count("DELETE", "/jobs/"), "every probe Job deleted");
        });
    }

    it("recovery-path: a Job that never finishes times out on the virtual clock and is deleted", async () => {
        p.kube.secondary.jobRunner = (): JobOutcome => ({ result: "never", log: "" });
        const r = await run(p);
        assert.strictEqual(r.code, 1);
        assert.match(check(r.doc, "recovery-path").reason, /did not finish within 120s/);
        assert.strictEqual(p.clock.now(), 120 * S);
        assert.strictEqual(p.kube.secondary.count("DELETE", "/jobs/"), 1);
    });

    it("recovery-path: the Job cannot be created (RBAC); nothing to delete, the cause named", async () => {
        p.kube.secondary.fault({ method: "POST", path: "/jobs", status: 403 });
        const r = await run(p);
        assert.match(check(r.doc, "recovery-path").reason, /creating the Job in logging: HTTP 403 InjectedFault: injected fault 403/);
        assert.strictEqual(p.kube.secondary.count("DELETE", "/jobs/"), 0);
    });

    it("after a failover (operator 1/1 and the lock in place) operator and dns-lock pass", async () => {
        p.kube.secondary.putDeployment("logging", "humio-operator", { replicas: 1, labels: { "helm.sh/chart": "humio-operator-0.34.1" } });
        p.aws.state.healthCheckFqdn["hc-primary"] = LOCKED_FQDN;
        const r = await run(p);
        assert.strictEqual(check(r.doc, "operator").verdict, "pass");
        assert.match(check(r.doc, "operator").reason, /reports failed over/);
        assert.match(check(r.doc, "dns-lock").reason, /^locked, as expected after a failover/);
    });

    it("--set without --offline is bad usage (exit 2): the live pair is read as deployed", async () => {
        let e = "";
        const code = await main(["--stack", "secondary", "--set", "logscaleVersion=1.236.0"], { dir: DIR, live: async () => p.input(), stderr: s => { e += s; }, stdout: () => undefined });
        assert.strictEqual(code, 2);
        assert.match(e, /need --offline/);
        assert.strictEqual(p.kube.secondary.requests.length, 0);
    });
});
