import { strict as assert } from "assert";
import { KubeSide } from "../../scripts/failback/kube-side";
import { kafkaAdminJob, kafkaAdminJobName, parseTopicList } from "../../scripts/failback/kafka-admin-job";
import { connectionFromKubeconfig } from "../../scripts/readiness/kube";
import { FakeKubernetes } from "../support/fake-k8s";
import { builtinKind, modelErrors, strictTypeErrors } from "../support/k8s-models";
import { withAwsRig } from "./aws-rig";
import { KAFKA_BROKER_IMAGE, VirtualClock } from "./fakes";
import { kubeconfigFor } from "./fake-stack";
import { CONFIRM, PAIR, POLL_MS, removeTempDirs, tempDir } from "./harness";
import { main } from "../../scripts/failback/cli";
import { livePlan } from "../../scripts/failback/live";

type JobDoc = {
    metadata: { name: string; namespace: string };
    spec: { backoffLimit: number; activeDeadlineSeconds: number; ttlSecondsAfterFinished: number;
        template: { spec: { automountServiceAccountToken: boolean; restartPolicy: string; volumes: { secret: { secretName: string; items: { key: string }[] } }[];
            containers: { image: string; command: string[]; env: { name: string; value?: string; valueFrom?: unknown }[]; securityContext: Record<string, unknown> }[] } } };
};

const input = { namespace: "logging", kafka: "logscale-strimzi-kafka", image: KAFKA_BROKER_IMAGE, topic: "global-events", runId: "r1" };
const JOB_KIND = builtinKind("kubernetes:batch/v1:Job")!;

describe("failback: the Kafka admin Job (no KafkaTopic manages global-events)", () => {
    after(removeTempDirs);

    for (const action of ["list", "delete"] as const) {
        it(`${action}: conforms to the official batch/v1 Job schema, with no unknown field`, async () => {
            const job = kafkaAdminJob({ ...input, action });
            assert.deepEqual(await modelErrors(JOB_KIND, job), []);
            assert.deepEqual(strictTypeErrors([{ label: `kafka ${action} Job`, kind: JOB_KIND, obj: job }]), []);
        });
    }

    it("one bounded attempt, no API token, the truststore password only as a secretKeyRef, TLS to the bootstrap on 9093", () => {
        const j = kafkaAdminJob({ ...input, action: "delete" }) as unknown as JobDoc;
        assert.equal(j.spec.backoffLimit, 0);
        assert.ok(j.spec.activeDeadlineSeconds > 0 && j.spec.ttlSecondsAfterFinished > 0);
        const pod = j.spec.template.spec;
        assert.equal(pod.automountServiceAccountToken, false);
        assert.equal(pod.restartPolicy, "Never");
        const c = pod.containers[0];
        assert.equal(c.image, KAFKA_BROKER_IMAGE);
        assert.deepEqual(c.env.find(e => e.name === "CA_PASSWORD")!.valueFrom, { secretKeyRef: { name: "logscale-strimzi-kafka-cluster-ca-cert", key: "ca.password" } });
        assert.equal(c.env.find(e => e.name === "BOOTSTRAP")!.value, "logscale-strimzi-kafka-kafka-bootstrap.logging.svc:9093");
        assert.deepEqual(pod.volumes[0].secret, { secretName: "logscale-strimzi-kafka-cluster-ca-cert", items: [{ key: "ca.p12", path: "ca.p12" }] });
        assert.equal(c.securityContext.allowPrivilegeEscalation, false);
        const script = c.command[2];
        assert.match(script, /--delete --if-exists --topic global-events/);
        assert.match(script, /security\.protocol=SSL/);
        assert.ok(!/set -x|echo "?\$CA_PASSWORD/.test(script), "the password is never printed");
        assert.ok(!/--delete/.test((kafkaAdminJob({ ...input, action: "list" }) as unknown as JobDoc).spec.template.spec.containers[0].command[2]), "list never deletes");
    });

    it("refuses a topic name that is not Kafka's, and names Jobs per action and run", () => {
        assert.throws(() => kafkaAdminJob({ ...input, action: "delete", topic: "x; rm -rf /" }), /Kafka topic name "x; rm -rf \/" is not valid; allowed: 1-249 of a-z A-Z 0-9 \. _ -/);
        assert.match(kafkaAdminJobName("list", "a"), /^logscale-dr-kafka-list-[0-9a-f]{10}$/);
        assert.notEqual(kafkaAdminJobName("list", "a"), kafkaAdminJobName("list", "b"));
    });

    it("reads only the framed topic list; a log without it is no answer", () => {
        assert.deepEqual(parseTopicList("WARN x\nLOGSCALE-DR-TOPICS begin\na\nglobal-events\n\nLOGSCALE-DR-TOPICS end\n"), ["a", "global-events"]);
        assert.deepEqual(parseTopicList("LOGSCALE-DR-TOPICS begin\nLOGSCALE-DR-TOPICS end"), []);
        assert.equal(parseTopicList("global-events\n"), undefined);
        assert.equal(parseTopicList("LOGSCALE-DR-TOPICS begin\nglobal-events\n"), undefined, "cut off before the end marker");
    });

    describe("KubeSide runs it against FakeKubernetes", () => {
        let kube: FakeKubernetes;
        let clock: VirtualClock;
        let side: KubeSide;
        beforeEach(async () => {
            kube = await FakeKubernetes.start();
            clock = new VirtualClock();
            kube.putPod("logging", "logscale-strimzi-kafka-dual-role-0", { "strimzi.io/cluster": "logscale-strimzi-kafka", "strimzi.io/kind": "Kafka" })
                .spec = { containers: [{ name: "kafka", image: KAFKA_BROKER_IMAGE }] };
            side = new KubeSide(connectionFromKubeconfig(kubeconfigFor(kube.url)), { namespace: "logging", cluster: "logscale", kafka: "logscale-strimzi-kafka" },
                "primary", { clock, jobPollMs: 3_000, jobTimeoutMs: 60_000 });
        });
        afterEach(() => kube.stop());
        const jobsCreated = () => kube.requests.filter(r => r.method === "POST" && r.path.endsWith("/jobs"));
        const jobsDeleted = () => kube.requests.filter(r => r.method === "DELETE" && r.path.includes("/jobs/"));
        const listing = (topics: string[]) => ["LOGSCALE-DR-TOPICS begin", ...topics, "LOGSCALE-DR-TOPICS end"].join("\n");

        it("lists with the brokers' image, waits for the end, reads the list and deletes the Job", async () => {
            let topics = ["global-events", "humio-ingest"];
            kube.jobRunner = job => {
                if (JSON.stringify(job).includes("--delete")) topics = topics.filter(t => t !== "global-events");
                return { result: "succeeded", log: listing(topics), afterGets: 3 };
            };
            assert.equal(await side.kafkaTopicExists(), true);
            assert.equal(clock.now() - new VirtualClock().now(), 2 * 3_000, "polled twice before the Job ended");
            await side.deleteKafkaTopic();
            assert.equal(await side.kafkaTopicExists(), false);
            assert.equal(jobsCreated().length, 3);
            assert.equal(jobsDeleted().length, 3, "every Job is deleted");
            assert.equal(kube.requests.filter(r => r.method === "DELETE" && r.path.includes("kafkatopics")).length, 0, "no KafkaTopic stands for the topic");
        });

        it("a failed Job is an error with its reason and the log's last lines, and is deleted", async () => {
            kube.jobRunner = () => ({ result: "failed", log: "a\nb\nError while executing topic command : Timed out waiting for a node assignment.\n" });
            await assert.rejects(side.deleteKafkaTopic(), (e: Error) => /^the Kafka admin Job logging\/logscale-dr-kafka-delete-[0-9a-f]{10} \(delete topics\) on the primary cluster failed \(BackoffLimitExceeded: Job has reached the specified backoff limit\): a \| b \| Error while executing topic command : Timed out waiting for a node assignment\.$/.test(e.message));
            assert.equal(jobsDeleted().length, 1);
        });

        it("a Job that succeeds without printing the list is no answer", async () => {
            kube.jobRunner = () => ({ result: "succeeded", log: "global-events\n" });
            await assert.rejects(side.kafkaTopicExists(), /\(list topics\) on the primary cluster failed: global-events$/);
        });

        it("a Job that never ends times out on the virtual clock and is deleted", async () => {
            kube.jobRunner = () => ({ result: "never", log: "" });
            await assert.rejects(side.kafkaTopicExists(), /\(list topics\) on the primary cluster did not finish within 60s$/);
            assert.equal(jobsDeleted().length, 1);
            const job = jobsCreated()[0].body as JobDoc;
            assert.equal(job.spec.activeDeadlineSeconds, 60, "the cluster stops it too");
        });

        it("a KafkaTopic that still stands means the topic exists, and is what gets deleted", async () => {
            kube.putObject("kafka.strimzi.io/v1", "KafkaTopic", "kafkatopics", "logging", "global-events", { spec: {} });
            assert.equal(await side.kafkaTopicExists(), true);
            await side.deleteKafkaTopic();
            assert.equal(kube.object("kafka.strimzi.io/v1", "kafkatopics", "logging", "global-events"), undefined);
            assert.equal(jobsCreated().length, 0);
        });
    });

    it("the whole AWS failback with the stack's own Kafka (no KafkaTopic): both topics reset through admin Jobs, segments kept", () => withAwsRig(async r => {
        r.f.sim.primary.topicManaged = false;
        r.f.sim.secondary.topicManaged = false;
        const out: string[] = [], err: string[] = [];
        const segments = { primary: r.f.segments("primary").length, secondary: r.f.segments("secondary").length };
        const code = await main([...PAIR, ...CONFIRM], {
            dir: tempDir(), stdout: s => out.push(s), stderr: s => err.push(s), clock: r.f.clock, pollMs: POLL_MS,
            livePlan: a => livePlan(a, name => r.stacks[name as "primary" | "secondary"]), world: () => r.world(),
        });
        assert.equal(code, 0, err.join(""));
        assert.equal(r.f.count("kafka-admin-delete", "primary"), 1);
        assert.equal(r.f.count("kafka-admin-delete", "secondary"), 1);
        assert.equal(r.f.sim.secondary.topic, false);
        assert.equal(r.f.kube.primary.count("DELETE", "/apis/kafka.strimzi.io/v1/namespaces/logging/kafkatopics/global-events"), 0);
        assert.deepEqual({ primary: r.f.segments("primary").length, secondary: r.f.segments("secondary").length }, segments);
        for (const s of ["primary", "secondary"] as const) assert.equal(r.f.kube[s].requests.filter(q => q.method === "POST" && q.path.endsWith("/jobs")).length,
            r.f.kube[s].requests.filter(q => q.method === "DELETE" && q.path.includes("/jobs/")).length, `${s}: every admin Job deleted`);
    }));

    it("a failed admin Job at step 8 stops with one line; the resume deletes the topic and finishes", () => withAwsRig(async r => {
        r.f.sim.primary.topicManaged = false;
        r.f.sim.secondary.topicManaged = false;
        r.f.fault({ route: "kafka-admin-delete", side: "primary" });
        const dir = tempDir();
        const run = async (argv: string[]) => {
            const err: string[] = [];
            const code = await main(argv, {
                dir, stdout: () => undefined, stderr: s => err.push(s), clock: r.f.clock, pollMs: POLL_MS,
                livePlan: a => livePlan(a, name => r.stacks[name as "primary" | "secondary"]), world: () => r.world(),
            });
            return { code, lines: err.join("").split("\n").filter(Boolean) };
        };
        const first = await run([...PAIR, ...CONFIRM]);
        assert.equal(first.code, 1);
        const stop = first.lines.filter(l => l.startsWith("failback stopped")).pop() ?? first.lines[first.lines.length - 1];
        assert.match(stop, /reset-primary-kafka/);
        assert.match(stop, /Timed out waiting for a node assignment|topic exists/);
        assert.equal(r.f.sim.primary.topic, true);
        const resumed = await run([...PAIR, ...CONFIRM, "--from-step", "8"]);
        assert.equal(resumed.code, 0, resumed.lines.join("\n"));
        assert.equal(r.f.count("kafka-admin-delete", "primary"), 2);
    }));
});
