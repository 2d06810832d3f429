import { strict as assert } from "assert";
import { main } from "../../scripts/failback/cli";
import { KubeSide } from "../../scripts/failback/kube-side";
import { liveWorld } from "../../scripts/failback/live";
import { LogScaleApi } from "../../scripts/failback/logscale";
import { buildPlan } from "../../scripts/failback/plan";
import { S3Bucket } from "../../scripts/failback/s3";
import { connectionFromKubeconfig } from "../../scripts/readiness/kube";
import { FakeKubernetes } from "../support/fake-k8s";
import { ALARM, BUCKETS, HC, HOSTS, PARAMETER, withAwsRig } from "./aws-rig";
import { FAILOVER_RECORD, T0, TIMING } from "./fakes";
import { kubeconfigFor } from "./fake-stack";
import { S3_KEYS } from "./fake-s3";
import { CONFIRM, liveFailback, PAIR, readState, removeTempDirs, STEP_IDS, tempDir } from "./harness";



describe("failback: the live AWS world against fakes over HTTP", () => {
    after(removeTempDirs);

    it("DNS lock: reads the Route 53 health check's FQDN and unlocks it to the primary's hostname", () => withAwsRig(async r => {
        const w = await r.world();
        assert.equal(await w.dnsLocked(), true);
        await w.unlockDns();
        assert.equal(r.aws.state.healthCheckFqdn[HC], HOSTS.primary);
        assert.equal(await w.dnsLocked(), false);
        assert.deepEqual(r.aws.calls, ["GetHealthCheck", "UpdateHealthCheck", "GetHealthCheck"]);
    }));

    it("failover record: reads the SSM parameter; clears lock=pending to lock=applied with the same epoch; leaves applied alone; refuses garbage", () => withAwsRig(async r => {
        const w = await r.world();
        const epoch = T0 / 1000 - 1800;
        assert.deepEqual(await w.lockRecord(), { epochSeconds: epoch, lock: "applied" });
        await w.clearLockRecord();
        assert.ok(!r.aws.calls.includes("PutParameter"), "an applied record is not rewritten");
        r.aws.state.parameters[PARAMETER] = `${epoch};lock=pending`;
        await w.clearLockRecord();
        assert.equal(r.aws.state.parameters[PARAMETER], FAILOVER_RECORD);
        r.aws.state.parameters[PARAMETER] = "yesterday";
        await assert.rejects(w.lockRecord(), /^Error: failover record \/logscale-dr\/logscale\/us-east-2\/last-failover holds "yesterday"; expected "<epoch seconds>;lock=pending\|applied"/);
        delete r.aws.state.parameters[PARAMETER];
        assert.equal(await w.lockRecord(), undefined);
    }));

    it("alarm: DescribeAlarms ActionsEnabled, Disable/EnableAlarmActions", () => withAwsRig(async r => {
        const w = await r.world();
        assert.equal(await w.alarmEnabled(), true);
        await w.setAlarm(false);
        assert.equal(r.aws.state.alarms[ALARM].actionsEnabled, false);
        assert.equal(await w.alarmEnabled(), false);
        await w.setAlarm(true);
        assert.equal(r.aws.state.alarms[ALARM].actionsEnabled, true);
        assert.deepEqual(r.aws.calls, ["DescribeAlarms", "DisableAlarmActions", "DescribeAlarms", "EnableAlarmActions"]);
    }));

    it("LogScale: flush-on-shutdown through GraphQL with the admin token Secret; status on the side's URL", () => withAwsRig(async r => {
        const w = await r.world();
        assert.equal(await w.flushOnShutdown("secondary"), false);
        await w.setFlushOnShutdown("secondary");
        assert.equal(await w.flushOnShutdown("secondary"), true);
        assert.equal(r.f.sim.secondary.flush, true);
        assert.equal(r.f.sim.primary.flush, false);
        assert.equal(r.f.kube.secondary.count("GET", "/secrets/logscale-admin-token"), 3, "the token is read per call");
        const s = await w.status("primary");
        assert.equal(s.code, 200);
        assert.match(s.body, /"status":"OK"/);
    }));

    it("a GraphQL error (HTTP 200 with errors) is an error naming the side and LogScale's message", () => withAwsRig(async r => {
        const w = await r.world();
        r.f.fault({ route: "graphql", side: "secondary", graphqlError: "Unknown dynamic config FlushSegmentsAndGlobalOnShutdown" });
        await assert.rejects(w.setFlushOnShutdown("secondary"), /^Error: GraphQL error from the secondary LogScale: Unknown dynamic config FlushSegmentsAndGlobalOnShutdown$/);
        assert.equal(r.f.sim.secondary.flush, false);
    }));

    it("LogScale over plain http to another host is refused; an unreachable status is code 0, not a throw", async () => {
        assert.throws(() => new LogScaleApi("http://logscale.example.com", async () => "t", "primary"),
            /^Error: LogScale URL of the primary http:\/\/logscale\.example\.com is not https; allowed: https:\/\/<host>, or http:\/\/ only on 127\.0\.0\.1\/localhost$/);
        const gone = new LogScaleApi("http://127.0.0.1:1", async () => "t", "primary");
        const s = await gone.status();
        assert.equal(s.code, 0);
        assert.match(s.body, /^no answer from 127\.0\.0\.1:1/);
    });

    it("operator: the scale subresource, read and patched; LogScale pods go after the drain", () => withAwsRig(async r => {
        const w = await r.world();
        assert.equal(await w.operatorReplicas("secondary"), 1);
        assert.equal(await w.logscalePods("secondary"), 3);
        await w.scaleOperator("secondary", 0);
        assert.equal(r.f.replicas("secondary"), 0);
        assert.equal(await w.operatorReplicas("secondary"), 0);
        const patch = r.f.kube.secondary.requests.find(q => q.method === "PATCH")!;
        assert.equal(patch.path, "/apis/apps/v1/namespaces/logging/deployments/humio-operator/scale");
        assert.equal(patch.contentType, "application/merge-patch+json");
        assert.deepEqual(patch.body, { spec: { replicas: 0 } });
        assert.equal(patch.authorization, "Bearer kube-token");
        assert.equal(await w.logscalePods("secondary"), 3, "still draining");
        r.f.clock.t += TIMING.drainMs;
        assert.equal(await w.logscalePods("secondary"), 0);
        assert.equal(r.f.replicas("primary"), 1);
    }));

    it("Kubernetes health of the primary: nodes Ready, or which are not", () => withAwsRig(async r => {
        const w = await r.world();
        assert.deepEqual(await w.primaryHealthy(), { ok: true, found: "3 nodes Ready" });
        r.f.sim.primary.nodesReady = false;
        assert.deepEqual(await w.primaryHealthy(), { ok: false, found: "3 of 3 nodes not Ready (node-1, node-2, node-3)" });
    }));

    it("KafkaTopic global-events (kafka.strimzi.io/v1): exists, deleted, then absent", () => withAwsRig(async r => {
        const w = await r.world();
        assert.equal(await w.kafkaTopicExists("primary"), true);
        await w.deleteKafkaTopic("primary");
        assert.equal(r.f.sim.primary.topic, false);
        assert.equal(await w.kafkaTopicExists("primary"), false);
        assert.equal(r.f.sim.secondary.topic, true);
        assert.equal(r.f.kube.primary.count("DELETE", "/apis/kafka.strimzi.io/v1/namespaces/logging/kafkatopics/global-events"), 1);
    }));

    it("S3: lists the prefix (signed for s3 in the bucket's region) and deletes only the keys given", () => withAwsRig(async r => {
        const w = await r.world();
        assert.equal(w.storagePrefix("primary"), "logscale/");
        assert.equal(w.storagePrefix("secondary"), "");
        const listed = await w.listObjects("primary", "logscale/globalsnapshots/");
        assert.deepEqual(listed, [{ key: "logscale/globalsnapshots/globalsnapshot-old.json", modified: T0 - 2 * 3600_000 }]);
        await w.deleteObjects("primary", listed.map(o => o.key));
        assert.deepEqual(r.f.sim.primary.deleted, ["logscale/globalsnapshots/globalsnapshot-old.json"]);
        assert.equal(r.f.segments("primary").length, 3);
        assert.deepEqual(r.s3.requests.map(q => [q.op, q.bucket, q.status]), [["ListObjectsV2", BUCKETS.primary, 200], ["DeleteObjects", BUCKETS.primary, 200]]);
        for (const q of r.s3.requests) assert.match(q.credentialScope!, /^\d{8}\/us-west-2\/s3\/aws4_request$/);
    }));

    it("S3: more than 1000 objects are listed over continuation tokens and deleted in batches of at most 1000", () => withAwsRig(async r => {
        const w = await r.world();
        const prefix = "logscale/globalsnapshots/";
        // Keys that need escaping in the query and the XML: a wrongly signed continuation or prefix is a 403 here.
        for (let i = 0; i < 2500; i++) r.f.sim.primary.objects.push({ key: `${prefix}globalsnapshot-${String(i).padStart(5, "0")} a+b&c.json`, modified: T0 + i });
        const listed = await w.listObjects("primary", prefix);
        assert.equal(listed.length, 2501);
        assert.equal(new Set(listed.map(o => o.key)).size, 2501);
        assert.deepEqual(r.s3.requests.map(q => q.keys), [1000, 1000, 501]);
        await w.deleteObjects("primary", listed.map(o => o.key));
        const deletes = r.s3.requests.filter(q => q.op === "DeleteObjects");
        assert.deepEqual(deletes.map(q => [q.keys, q.status]), [[1000, 200], [1000, 200], [501, 200]]);
        assert.equal(r.f.snapshots("primary").length, 0);
        assert.equal(r.f.segments("primary").length, 3);
    }));

    it("S3: a key DeleteObjects reports as not deleted is an error naming it", () => withAwsRig(async r => {
        const w = await r.world();
        r.s3.refuse.add("globalsnapshots/globalsnapshot-old.json");
        await assert.rejects(w.deleteObjects("secondary", ["globalsnapshots/globalsnapshot-old.json"]),
            /^Error: S3 DeleteObjects on bucket logscale-us-east-2-123456789012: 1 of 1 key\(s\) not deleted, e\.g\. globalsnapshots\/globalsnapshot-old\.json: AccessDenied Access Denied$/);
    }));

    it("S3: a request signed for another region is refused by the fake, and the error says so", () => withAwsRig(async r => {
        const wrong = new S3Bucket({ bucket: BUCKETS.primary, region: "eu-west-1", credentials: async () => S3_KEYS, endpoint: r.s3.url });
        await assert.rejects(wrong.list(""), /^Error: S3 ListObjectsV2 on bucket logscale-us-west-2-123456789012: HTTP 403 SignatureDoesNotMatch credential scope \d{8}\/eu-west-1\/s3\/aws4_request; the bucket wants us-west-2\/s3$/);
        assert.throws(() => new S3Bucket({ bucket: "b", region: "us-west-2", credentials: async () => S3_KEYS, endpoint: "http://s3.example.com" }), /the S3 endpoint http:\/\/s3\.example\.com is not https/);
    }));

    it("stack config, preview and up go to the side's stack", () => withAwsRig(async r => {
        const w = await r.world();
        assert.equal(await w.stackConfig("primary", "recoverFrom"), "none");
        assert.match(await w.preview("primary", "recoverFrom", "secondary"), /recoverFrom: none => secondary/);
        assert.equal(r.f.sim.primary.config.recoverFrom, "none");
        await w.up("primary", "recoverFrom", "secondary");
        assert.equal(r.f.sim.primary.config.recoverFrom, "secondary");
        assert.deepEqual(r.stacks.secondary.calls, ["outputs"]);
    }));

    it("a stack without an output the world needs: one line naming the stack and the output", () => withAwsRig(async r => {
        r.stacks.primary.removed.add("healthCheckId");
        await assert.rejects(r.world(), /^Error: stack "primary" has no "healthCheckId" output; the AWS failback needs it for the DNS lock$/);
        r.stacks.primary.removed.clear();
        // The failover outputs are read when used: an alarm without its region is an error then.
        r.stacks.secondary.removed.add("failoverAlarmRegion");
        await assert.rejects((await r.world()).alarmEnabled(), /^Error: stack "secondary" exports failoverAlarmName but no "failoverAlarmRegion"; the AWS failback needs it for the failover alarm$/);
    }));

    it("the whole failback through the CLI over the live AWS world: plan from the stacks' outputs, 15 steps, pair failed back", () => withAwsRig(async r => {
        const dir = tempDir();
        r.aws.state.parameters[PARAMETER] = FAILOVER_RECORD.replace("applied", "pending");
        const oldPrimarySnapshot = r.f.snapshots("primary")[0].key;
        const { code, out, lines } = await liveFailback(r, dir, [...PAIR, ...CONFIRM]);
        assert.equal(code, 0, lines.join("\n"));
        assert.match(out, /^Failback plan for pair primary,secondary on aws\n  primary   primary \(us-west-2\) logscale-us-west-2\.example\.com bucket logscale-us-west-2-123456789012\n/);
        assert.deepEqual(lines.map(l => /^\[\d+\/15\] ([a-z-]+): ok$/.exec(l)?.[1]).filter(Boolean), STEP_IDS);
        assert.deepEqual(readState(dir).done, STEP_IDS);

        assert.equal(r.aws.state.healthCheckFqdn[HC], HOSTS.primary);
        assert.equal(r.aws.state.alarms[ALARM].actionsEnabled, true);
        assert.equal(r.aws.state.parameters[PARAMETER], FAILOVER_RECORD);
        assert.ok(r.aws.calls.indexOf("PutParameter") < r.aws.calls.indexOf("UpdateHealthCheck"), r.aws.calls.join(","));
        assert.deepEqual([r.f.replicas("primary"), r.f.replicas("secondary")], [1, 0]);
        assert.equal(r.f.sim.primary.boot, "recovered");
        assert.deepEqual(r.f.sim.primary.deleted, [oldPrimarySnapshot]);
        assert.deepEqual(r.f.snapshots("secondary"), []);
        assert.equal(r.f.sim.secondary.topic, false);
        for (const side of ["primary", "secondary"] as const) assert.equal(r.f.segments(side).length, 3, `${side} segments kept`);
        assert.deepEqual([r.f.sim.primary.config.recoverFrom, r.f.sim.secondary.config.dr], ["none", "standby"]);
        assert.ok(r.s3.requests.length > 0 && r.s3.requests.every(q => q.status === 200), JSON.stringify(r.s3.requests));
        assert.ok(lines.includes("  preview primary:   recoverFrom: none => secondary"), lines.join("\n"));
    }));

    it("a DeleteObjects key error at step 6 stops the run with one line; the resume command finishes over the live world", () => withAwsRig(async r => {
        const dir = tempDir();
        const old = r.f.snapshots("primary")[0].key;
        r.s3.refuse.add(old);
        const first = await liveFailback(r, dir, [...PAIR, ...CONFIRM]);
        assert.equal(first.code, 1, first.lines.join("\n"));
        const stop = first.lines.filter(l => l.startsWith("failback stopped"));
        assert.equal(stop.length, 1);
        assert.match(stop[0], new RegExp(`^failback stopped at step 6 delete-primary-snapshots: error: S3 DeleteObjects on bucket ${BUCKETS.primary}: 1 of 1 key\\(s\\) not deleted, e\\.g\\. ${old.replace(/[.]/g, "\\.")}: AccessDenied Access Denied; expected no global snapshots in the primary bucket, found 1 global snapshot\\(s\\); resume: npm run failback -- --pair primary,secondary --from-step 6 --confirm primary$`));
        assert.equal(r.f.sim.primary.config.recoverFrom, "none", "nothing after step 6 ran");
        const second = await liveFailback(r, dir, stop[0].split("resume: npm run failback -- ")[1].split(" "));
        assert.equal(second.code, 0, second.lines.join("\n"));
        assert.deepEqual(r.f.sim.primary.deleted, [old]);
        assert.equal(r.f.sim.primary.boot, "recovered");
        assert.equal(r.aws.state.healthCheckFqdn[HC], HOSTS.primary);
    }));

    it("a segment object under the primary's snapshot prefix: refuses at step 6 over the live world, deleting nothing", () => withAwsRig(async r => {
        r.f.sim.primary.objects.push({ key: "logscale/globalsnapshots/dataspace-1/segments/seg-9.data", modified: T0 });
        const res = await liveFailback(r, tempDir(), [...PAIR, ...CONFIRM]);
        assert.equal(res.code, 1);
        assert.ok(res.lines.some(l => /^failback stopped at step 6 delete-primary-snapshots: precondition not met: expected only global snapshot objects under logscale\/globalsnapshots\/ in the primary bucket, found 1 other object\(s\), e\.g\. logscale\/globalsnapshots\/dataspace-1\/segments\/seg-9\.data;/.test(l)), res.lines.join("\n"));
        assert.deepEqual(r.s3.requests.filter(q => q.op === "DeleteObjects"), []);
        assert.deepEqual(r.f.sim.primary.deleted, []);
    }));

    it("--set without --dry-run --offline is refused before any stack is read", async () => {
        const err: string[] = [];
        const code = await main([...PAIR, "--set", "cloud=azure", "--dry-run"], { dir: tempDir(), stdout: () => undefined, stderr: s => err.push(s) });
        assert.equal(code, 2);
        assert.equal(err.join(""), "--set cloud=azure applies to the offline plans only; drop --set, or add --dry-run --offline\n");
    });

    it("a promoted secondary: its outputs name no alarm or record, step 1 is skipped, and after step 13's up the alarm is found again", () => withAwsRig(async r => {
        r.f.promotedWithoutAlarm = true;
        const { code, lines } = await liveFailback(r, tempDir(), [...PAIR, ...CONFIRM]);
        assert.equal(code, 0, lines.join("\n"));
        assert.ok(lines.includes("[1/15] disable-alarm: skipped (the secondary is promoted (dr: active), and promotion removed its failover function and alarm)"), lines.join("\n"));
        assert.ok(!r.aws.calls.includes("DisableAlarmActions"));
        assert.ok(!r.aws.calls.includes("GetParameter") || r.aws.calls.indexOf("GetParameter") > r.aws.calls.indexOf("UpdateHealthCheck"), "no record is read before the up declares it");
        assert.ok(r.aws.calls.includes("DescribeAlarms"), "step 14 reads the redeclared alarm");
        assert.equal(r.f.sim.secondary.config.dr, "standby");
    }));

    it("a standby secondary whose outputs name no alarm stops at step 1, naming what is wrong", () => withAwsRig(async r => {
        r.f.sim.secondary.config.dr = "standby";
        r.stacks.secondary.removed.add("failoverAlarmName");
        const { code, lines } = await liveFailback(r, tempDir(), [...PAIR, ...CONFIRM]);
        assert.equal(code, 1);
        assert.match(lines[lines.length - 1], /^failback stopped at step 1 disable-alarm: error: the secondary stack exports no failover alarm, yet it is dr: standby; run pulumi up on it, or pass --from-step past the alarm/);
    }));

    it("the live plan refuses a pair whose stacks are on different clouds", () => withAwsRig(async r => {
        r.stacks.primary.set.cloud = "oci";
        const res = await liveFailback(r, tempDir(), [...PAIR, "--dry-run"]);
        assert.equal(res.code, 2);
        assert.deepEqual(res.lines, ["--pair primary,secondary does not match: primary is on oci, secondary on aws"]);
    }));

    it("a plan for a cloud with no world is refused with the clouds there are", async () => {
        const plan = { ...buildPlan("aws", { stack: "primary" }, { stack: "secondary" }), cloud: "gcp" };
        await assert.rejects(liveWorld(plan, () => { throw new Error("no stack should be read"); }), /^PlanInputError: no live failback world for cloud "gcp"; allowed: aws, azure, oci$/);
    });
});

describe("failback: KubeSide against FakeKubernetes' own objects", () => {
    it("LogScale pods by label, DataSnapshotLoader lines of the first pod's humio log, and the KafkaTopic path", async () => {
        const kube = await FakeKubernetes.start();
        try {
            const side = new KubeSide(connectionFromKubeconfig(kubeconfigFor(kube.url)), { namespace: "logging", cluster: "logscale", kafka: "logscale-strimzi-kafka" }, "primary");
            kube.putPod("logging", "logscale-core-1", { "app.kubernetes.io/name": "humio" }, "x\nINFO c.h.DataSnapshotLoader - b\n");
            kube.putPod("logging", "logscale-core-0", { "app.kubernetes.io/name": "humio" }, "INFO c.h.DataSnapshotLoader - a\nother\n");
            kube.putPod("logging", "kafka-0", { "app.kubernetes.io/name": "kafka" });
            assert.equal(await side.logscalePods(), 2);
            assert.deepEqual(await side.loaderLines(), ["INFO c.h.DataSnapshotLoader - a"]);
            const log = kube.requests.find(q => q.path.endsWith("/log"))!;
            assert.equal(log.path, "/api/v1/namespaces/logging/pods/logscale-core-0/log");
            assert.match(log.query!, /^container=humio&limitBytes=\d+$/);
            // No KafkaTopic: only the brokers can tell, and the admin Job needs their image.
            await assert.rejects(side.kafkaTopicExists(), /^Error: the primary cluster has no Kafka broker pod \(strimzi.io\/cluster=logscale-strimzi-kafka,strimzi.io\/kind=Kafka\) in logging; the admin Job runs the brokers' image/);
            kube.putObject("kafka.strimzi.io/v1", "KafkaTopic", "kafkatopics", "logging", "global-events", { spec: {} });
            assert.equal(await side.kafkaTopicExists(), true);
            await side.deleteKafkaTopic();
            assert.equal(kube.object("kafka.strimzi.io/v1", "kafkatopics", "logging", "global-events"), undefined);
            await assert.rejects(side.adminToken(), /^Error: the primary cluster has no Secret logging\/logscale-admin-token with a "token" key/);
        } finally {
            await kube.stop();
        }
    });
});
