import { strict as assert } from "assert";
import { READINESS_ANNOTATION } from "../../functions/core/readiness";
import type { FailoverResult } from "../../functions/core/types";
import { OciFunctionConfig, toFunctionConfig } from "../../functions/oci/config";
import { handleNotification, notificationAttempt } from "../../functions/oci/handler";
import { OciReadinessOutcome, READINESS_BODY, READINESS_METRIC } from "../../functions/oci/readiness";
import { FakeClock, memoryLogger } from "../functions/fakes";
import { FakeKubernetes } from "../support/fake-k8s";
import { FakeOci } from "./fake-oci";
import { CLUSTER, COMPARTMENT, credentials, httpProbes, KEY_ID, MONITOR, okeTokenIsValid, PING, POLICY, policyDoc, REGION, series, testKeys } from "./fixtures";

const NS = "logging";
const OPERATOR = "humio-operator";
const TOPIC = "ocid1.onstopic.oc1.phx.aaaapeople";
const CLUSTER_NAME = "logscale-us-phoenix-1";
const BODY = JSON.stringify(READINESS_BODY);

describe("OCI readiness self-test and people's messages (fake OCI APIs and fake OKE API over real HTTP, every request signed)", () => {
    let fake: FakeOci;
    let kube: FakeKubernetes;
    let clock: FakeClock;
    let logger: ReturnType<typeof memoryLogger>;

    const config = (over: Partial<OciFunctionConfig> = {}): OciFunctionConfig => ({
        region: REGION,
        compartmentId: COMPARTMENT,
        clusterId: CLUSTER,
        kubernetesServer: kube.url,
        kubernetesCaPem: "-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n",
        steeringPolicyId: POLICY,
        primaryPool: "primary",
        primaryMonitorId: MONITOR,
        primaryResultsUrl: `${fake.url}/20180501/httpProbeResults/${MONITOR}`,
        secondaryResultsUrl: `${fake.url}/20180501/pingProbeResults/${PING}`,
        secondaryWindowSeconds: 180,
        metricLookbackSeconds: 1200,
        alarmRepeatSeconds: 300,
        clusterName: CLUSTER_NAME,
        notifyTopicId: TOPIC,
        settings: { namespace: NS, operatorDeployment: OPERATOR, humioClusterName: "logscale", preFailoverFailureSeconds: 0, cooldownSeconds: 300, requireHealthySecondary: false, recheckIntervalSeconds: 15, waitBudgetSeconds: 0 },
        endpoints: { dns: fake.url, telemetry: fake.url, telemetryIngestion: fake.url, notification: fake.url },
        ...over,
    });
    const env = (over: Partial<OciFunctionConfig> = {}) => toFunctionConfig(config(over));
    const readiness = (memory = {}) => handleNotification(BODY, env(), { clock, log: logger.log, credentials, readinessMemory: memory }) as Promise<OciReadinessOutcome>;
    const failedChecks = (r: OciReadinessOutcome) => r.checks.filter(c => c.verdict === "fail").map(c => c.name);
    const verdict = () => (kube.deployment(NS, OPERATOR)!.metadata.annotations as Record<string, string> | undefined)?.[READINESS_ANNOTATION];

    before(() => testKeys());
    beforeEach(async () => {
        fake = await FakeOci.start(testKeys().publicKey, KEY_ID);
        kube = await FakeKubernetes.start({ authorize: h => okeTokenIsValid(h, CLUSTER, REGION) });
        clock = new FakeClock();
        logger = memoryLogger();
        fake.putPolicy(POLICY, policyDoc());
        fake.topics.add(TOPIC);
        fake.datapoints.set(MONITOR, series(clock.now(), [1, 1, 1]));
        fake.httpProbeResults.set(MONITOR, httpProbes(clock.now(), true));
        kube.putDeployment(NS, OPERATOR, { replicas: 0 });
        kube.putHumioCluster(NS, "logscale", {
            nodeCount: 1,
            commonEnvironmentVariables: [
                { name: "S3_RECOVER_FROM_BUCKET", value: "primary-bucket" },
                { name: "S3_RECOVER_FROM_ACCESSKEY", valueFrom: { secretKeyRef: { name: "logscale-env-secrets", key: "S3_RECOVER_FROM_ACCESSKEY" } } },
            ],
        });
        kube.putSecret(NS, "logscale-env-secrets");
        kube.putSecret(NS, "logscale", { creationTimestamp: "2024-06-01T00:00:00Z" });
    });
    afterEach(async () => {
        await kube.stop();
        await fake.stop();
    });

    it("recognises only the schedule's body as a readiness run", () => {
        assert.equal(notificationAttempt(JSON.stringify({ type: "REPEAT" })), 1);
        assert.equal(notificationAttempt(JSON.stringify({ type: "OK_TO_FIRING" })), 0);
        assert.equal(notificationAttempt("not json"), 0);
    });

    it("a healthy standby is ready: StandbyReady 1 under logscale_dr with the cluster dimension, verdict stored, no message, no write to DNS", async () => {
        const r = await readiness();
        assert.deepEqual(failedChecks(r), [], JSON.stringify(r.checks));
        assert.equal(r.ready, true);
        assert.equal(r.metricPublished, true);
        assert.deepEqual(fake.postedMetrics.map(m => [m.namespace, m.name, m.compartmentId, m.dimensions, m.datapoints.map(d => d.value)]),
            [[READINESS_METRIC.namespace, "StandbyReady", COMPARTMENT, { clusterName: CLUSTER_NAME }, [1]]]);
        assert.equal(verdict(), "ready");
        assert.equal(fake.messages.length, 0, "the first ready verdict is not news");
        assert.equal(fake.count("PUT", "steeringPolicies"), 0, "readiness never writes the policy");
        assert.ok(fake.requests.every(r => r.signatureValid && r.keyId === KEY_ID));
        assert.match(r.checks.find(c => c.name === "lock-target")!.reason, /disables primary and serves secondary/);
    });

    it("a referenced Secret missing: not ready naming referenced-secrets, StandbyReady 0, one message to people's topic; fixed: one 'ready again'", async () => {
        kube.remove("secrets", NS, "logscale-env-secrets");
        const memory = {};
        const r = await readiness(memory);
        assert.deepEqual(failedChecks(r), ["referenced-secrets"]);
        assert.match(r.checks.find(c => c.name === "referenced-secrets")!.reason, /logscale-env-secrets/);
        assert.deepEqual(fake.postedMetrics.map(m => m.datapoints[0].value), [0]);
        assert.equal(r.notified, "readiness-failed");
        assert.equal(fake.messages.length, 1);
        assert.equal(fake.messages[0].topicId, TOPIC);
        assert.match(fake.messages[0].title, /standby NOT ready \(referenced-secrets\)/);
        assert.equal(verdict(), "not-ready");

        await readiness(memory);
        assert.equal(fake.messages.length, 1, "a standing problem is told once");
        kube.putSecret(NS, "logscale-env-secrets");
        const back = await readiness(memory);
        assert.equal(back.ready, true);
        assert.equal(back.notified, "readiness-back");
        assert.deepEqual(fake.messages.map(m => m.title.replace(/^LogScale DR \S+: /, "")), ["standby NOT ready (referenced-secrets)", "standby ready again"]);
    });

    it("the operator Deployment missing: not ready, naming operator-deployment", async () => {
        kube.remove("deployments", NS, OPERATOR);
        const r = await readiness();
        assert.ok(failedChecks(r).includes("operator-deployment"), JSON.stringify(r.checks));
        assert.equal(r.ready, false);
    });

    it("Kubernetes 403: kubernetes-access fails; people are told although the verdict annotation is unreadable (in-process memory)", async () => {
        kube.fault({ status: 403, times: Infinity });
        const r = await readiness();
        assert.ok(failedChecks(r).includes("kubernetes-access"), JSON.stringify(r.checks));
        assert.ok(r.errors.some(e => /last verdict unreadable/.test(e)));
        assert.equal(r.notified, "readiness-failed");
        assert.equal(r.metricPublished, true, "the datapoint does not need Kubernetes");
    });

    it("the health signal unreadable (Monitoring 404 NotAuthorizedOrNotFound): primary-health-signal fails naming the call; no retry storm", async () => {
        fake.fault({ path: "summarizeMetricsData", status: 404, times: Infinity });
        const r = await readiness();
        assert.deepEqual(failedChecks(r), ["primary-health-signal"]);
        assert.match(r.checks.find(c => c.name === "primary-health-signal")!.reason, /summarizeMetricsData|404/);
        assert.ok(fake.count("POST", "summarizeMetricsData") <= 1, "read once");
    });

    it("the lock target unreadable (steering policy 404): lock-target fails, the health checks still pass", async () => {
        fake.fault({ method: "GET", path: "steeringPolicies", status: 404, times: Infinity });
        const r = await readiness();
        assert.deepEqual(failedChecks(r), ["lock-target"]);
    });

    it("a rejected datapoint and a failing message are reported in the outcome, never thrown", async () => {
        fake.fault({ path: "/20180401/metrics", method: "POST", status: 403, times: Infinity });
        fake.topics.clear();
        kube.remove("secrets", NS, "logscale-env-secrets");
        const r = await readiness();
        assert.equal(r.ready, false);
        assert.equal(r.metricPublished, false);
        assert.ok(r.errors.some(e => /StandbyReady not published: .*403/.test(e)), r.errors.join("; "));
        assert.equal(r.notified, undefined);
        assert.ok(logger.lines.some(l => l.event === "notify.failed"));
    });

    it("a failover run tells people in order (started, scaled); a failing topic does not change the decision", async () => {
        fake.datapoints.set(MONITOR, series(clock.now(), [0, 0, 0, 0, 0]));
        fake.httpProbeResults.set(MONITOR, httpProbes(clock.now(), false));
        const r = await handleNotification(JSON.stringify({ type: "OK_TO_FIRING", title: "primary unhealthy" }), env(), { clock, log: logger.log, credentials }) as FailoverResult;
        assert.equal(r.decision, "failed-over", `${r.reason} ${r.error ?? ""}`);
        assert.deepEqual(fake.messages.map(m => m.title.replace(/^LogScale DR \S+: /, "")), ["failover started", "humio-operator scaled to 1"]);
        assert.ok(fake.messages.every(m => m.messageType === "RAW_TEXT" && /"decision": "failed-over"/.test(m.body)));

        // The same failover with the topic gone: the same decision, the failure only logged.
        kube.putDeployment(NS, OPERATOR, { replicas: 0 });
        kube.putSecret(NS, "logscale", { creationTimestamp: "2024-06-01T00:00:00Z" });
        fake.putPolicy(POLICY, policyDoc());
        fake.topics.clear();
        const again = await handleNotification(JSON.stringify({ type: "OK_TO_FIRING" }), env({ settings: { ...config().settings, cooldownSeconds: 0 } }), { clock, log: logger.log, credentials }) as FailoverResult;
        assert.equal(again.decision, "failed-over", `${again.reason} ${again.error ?? ""}`);
        assert.ok(logger.lines.filter(l => l.event === "notify.failed").length >= 1);
    });

    it("verified recovery: after the scale it asks LogScale through the Service proxy; OK: 'recovered' with the phases and MeasuredFailoverSeconds", async () => {
        fake.datapoints.set(MONITOR, series(clock.now(), [0, 0, 0, 0, 0]));
        fake.httpProbeResults.set(MONITOR, httpProbes(clock.now(), false));
        const readyAt = clock.now() + 120_000;
        kube.serviceProxy = (_ns, target) => (target === "https:logscale-ui-cip:8080" && clock.now() >= readyAt
            ? { status: 200, body: '{"status":"OK","version":"1.252.1"}' } : { status: 503, body: "no endpoints available" });
        const e = env({ expectedFailoverSeconds: 400, settings: { ...config().settings, waitBudgetSeconds: 240 } });
        const r = await handleNotification(JSON.stringify({ type: "OK_TO_FIRING" }), e, { clock, log: logger.log, credentials }) as FailoverResult;
        assert.equal(r.decision, "failed-over", r.reason);
        assert.equal(r.recovery?.state, "recovered", JSON.stringify(r.recovery));
        assert.deepEqual(fake.messages.map(m => m.title.replace(/^LogScale DR \S+: /, "").replace(/ \d+s$/, "")), ["failover started", "humio-operator scaled to 1", "LogScale recovered, failover took"]);
        const measured = fake.postedMetrics.filter(m => m.name === "MeasuredFailoverSeconds");
        assert.deepEqual(measured.map(m => [m.namespace, m.dimensions, m.datapoints[0].value]), [["logscale_dr", { clusterName: CLUSTER_NAME }, r.recovery!.phases!.totalSeconds]]);
        assert.ok(r.recovery!.phases!.recoverySeconds! >= 120);
    });

    it("verified recovery across runs: not ready within this run, the alarm's repeat finds it past the deadline: 'not confirmed', told once", async () => {
        fake.datapoints.set(MONITOR, series(clock.now(), [0, 0, 0, 0, 0]));
        fake.httpProbeResults.set(MONITOR, httpProbes(clock.now(), false));
        kube.serviceProxy = () => ({ status: 503, body: "no endpoints available" });
        const e = env({ recoveryDeadlineMinutes: 5 });
        const first = await handleNotification(JSON.stringify({ type: "OK_TO_FIRING" }), e, { clock, log: logger.log, credentials }) as FailoverResult;
        assert.equal(first.recovery?.state, "watching");
        clock.nowMs += 6 * 60_000;
        fake.datapoints.set(MONITOR, series(clock.now(), [0, 0, 0, 0, 0]));
        fake.httpProbeResults.set(MONITOR, httpProbes(clock.now(), false));
        const repeat = await handleNotification(JSON.stringify({ type: "REPEAT" }), e, { clock, log: logger.log, credentials }) as FailoverResult;
        assert.equal(repeat.operatorScaled, false);
        assert.equal(repeat.recovery?.state, "not-confirmed");
        await handleNotification(JSON.stringify({ type: "REPEAT" }), e, { clock, log: logger.log, credentials });
        assert.deepEqual(fake.messages.map(m => m.title.replace(/^LogScale DR \S+: /, "")).filter(t => /recover/.test(t)), ["recovery NOT confirmed by the deadline"]);
    });

    it("a wait is told on the incident's first notification, not at each of the alarm's repeats", async () => {
        fake.datapoints.set(MONITOR, series(clock.now(), [1, 0, 0]));
        fake.httpProbeResults.set(MONITOR, httpProbes(clock.now(), false));
        const holdoff = env({ settings: { ...config().settings, preFailoverFailureSeconds: 600 } });
        const first = await handleNotification(JSON.stringify({ type: "OK_TO_FIRING" }), holdoff, { clock, log: logger.log, credentials }) as FailoverResult;
        assert.equal(first.decision, "holdoff-pending", first.reason);
        await handleNotification(JSON.stringify({ type: "REPEAT" }), holdoff, { clock, log: logger.log, credentials });
        assert.deepEqual(fake.messages.map(m => m.title.replace(/^LogScale DR \S+: /, "")), ["no failover (holdoff-pending)"]);
        assert.equal(kube.deployment(NS, OPERATOR)!.spec.replicas, 0);
    });

    it("no people's topic configured: no message is attempted, the readiness run still reports", async () => {
        const r = await handleNotification(BODY, env({ notifyTopicId: undefined }), { clock, log: logger.log, credentials }) as OciReadinessOutcome;
        assert.equal(r.ready, true);
        assert.equal(fake.requests.filter(q => q.path.includes("/topics/")).length, 0);
    });

    it("a topic id that is not an ONS OCID is refused by the config reader, naming the variable", async () => {
        const e = { ...env(), DR_NOTIFY_TOPIC_ID: "arn:aws:sns:x" };
        const r = await handleNotification(BODY, e, { clock, log: logger.log, credentials }) as FailoverResult;
        assert.equal(r.decision, "error");
        assert.match(r.error ?? "", /DR_NOTIFY_TOPIC_ID="arn:aws:sns:x" is not a Notifications topic OCID/);
    });
});
