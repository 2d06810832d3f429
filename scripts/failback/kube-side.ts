// One side's cluster as the failback reads and changes it, over the same
// REST transport as the failover functions (functions/k8s/http.ts) and a
// connection from the stack's kubeconfig output (scripts/readiness/kube.ts).

import { kubeRequest, KubeConnection, KubeRequest, statusMessage } from "../../functions/k8s/http";
import { HttpCluster } from "../readiness/kube";
import { runOneShotJob } from "../readiness/one-shot-job";
import { KafkaAdminAction, kafkaAdminJob, parseTopicList } from "./kafka-admin-job";
import { Clock, realClock } from "./ports";

const enc = encodeURIComponent;
const TIMEOUT_MS = 15_000;
/** The start of the pod log, where DataSnapshotLoader reports the recovery; a long-running pod's whole log would be far larger. */
const LOG_BYTES = 3 * 1024 * 1024;
export const OPERATOR = "humio-operator";
export const TOPIC = "global-events";
/** Enough for the topic list of a LogScale cluster and the JVM's warnings around it. */
const ADMIN_LOG_LINES = 500;

export interface KubeSideOptions {
    /** Waits between polls of the admin Job; tests pass a virtual clock. */
    clock?: Clock;
    jobPollMs?: number;
    /** How long the admin Job may run (also its activeDeadlineSeconds). */
    jobTimeoutMs?: number;
}

export interface KubeSideNames {
    namespace: string;
    /** The HumioCluster name (stack output logscaleClusterName): the admin token Secret and the Kafka cluster are named after it. */
    cluster: string;
    /** The Strimzi Kafka resource (components/logscale/names.ts kafkaClusterName). */
    kafka: string;
}

export class KubeSide {
    constructor(private readonly conn: KubeConnection, private readonly n: KubeSideNames, private readonly where: string, private readonly opts: KubeSideOptions = {}) {}

    private async call(method: KubeRequest["method"], path: string, body?: unknown, contentType?: string, accept?: string): Promise<{ status: number; body: string }> {
        const r = await kubeRequest(this.conn, undefined, { call: `k8s ${method}`, method, path, body, contentType, accept, timeoutMs: TIMEOUT_MS });
        return { status: r.status, body: r.body };
    }

    private async get<T>(path: string, accept?: string): Promise<T | undefined> {
        const r = await this.call("GET", path, undefined, undefined, accept);
        if (r.status === 404) return undefined;
        if (r.status !== 200) throw new Error(`GET ${path} on the ${this.where} cluster: HTTP ${r.status} ${statusMessage(r.body)}`);
        return (accept === "text/plain" ? r.body : JSON.parse(r.body)) as T;
    }

    private ns(rest: string): string { return `/api/v1/namespaces/${enc(this.n.namespace)}${rest}`; }
    private scalePath(): string { return `/apis/apps/v1/namespaces/${enc(this.n.namespace)}/deployments/${OPERATOR}/scale`; }
    private topicPath(): string { return `/apis/kafka.strimzi.io/v1/namespaces/${enc(this.n.namespace)}/kafkatopics/${TOPIC}`; }

    async nodesReady(): Promise<{ ok: boolean; found: string }> {
        let list: { items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[] } | undefined;
        try {
            list = await this.get("/api/v1/nodes");
        } catch (e) {
            return { ok: false, found: `API not reachable: ${(e as Error).message}` };
        }
        const items = list?.items ?? [];
        if (items.length === 0) return { ok: false, found: "no nodes" };
        const notReady = items.filter(n => !n.status?.conditions?.some(c => c.type === "Ready" && c.status === "True")).map(n => n.metadata.name);
        return notReady.length
            ? { ok: false, found: `${notReady.length} of ${items.length} nodes not Ready (${notReady.join(", ")})` }
            : { ok: true, found: `${items.length} nodes Ready` };
    }

    async operatorReplicas(): Promise<number> {
        const s = await this.get<{ spec?: { replicas?: number } }>(this.scalePath());
        if (!s) throw new Error(`deployment ${this.n.namespace}/${OPERATOR} not found on the ${this.where} cluster`);
        return s.spec?.replicas ?? 0;
    }

    /** Through the scale subresource: it touches only spec.replicas, which the stacks leave to people (ignoreChanges). */
    async scaleOperator(replicas: number): Promise<void> {
        const r = await this.call("PATCH", this.scalePath(), { spec: { replicas } }, "application/merge-patch+json");
        if (r.status !== 200) throw new Error(`scaling ${OPERATOR} to ${replicas} on the ${this.where} cluster: HTTP ${r.status} ${statusMessage(r.body)}`);
    }

    private async humioPods(): Promise<string[]> {
        const list = await this.get<{ items: { metadata: { name: string } }[] }>(this.ns(`/pods?labelSelector=${enc("app.kubernetes.io/name=humio")}`));
        return (list?.items ?? []).map(p => p.metadata.name).sort();
    }

    async logscalePods(): Promise<number> { return (await this.humioPods()).length; }

    async loaderLines(): Promise<string[]> {
        const pods = await this.humioPods();
        if (pods.length === 0) return [];
        // One pod is enough: every LogScale node loads the same global snapshot at start.
        const log = await this.get<string>(this.ns(`/pods/${enc(pods[0])}/log?container=humio&limitBytes=${LOG_BYTES}`), "text/plain");
        return (log ?? "").split("\n").filter(l => l.includes("DataSnapshotLoader"));
    }

    async adminToken(): Promise<string> {
        const name = `${this.n.cluster}-admin-token`;
        const s = await this.get<{ data?: Record<string, string> }>(this.ns(`/secrets/${enc(name)}`));
        const v = s?.data?.token;
        if (!v) throw new Error(`the ${this.where} cluster has no Secret ${this.n.namespace}/${name} with a "token" key (the humio-operator writes it)`);
        return Buffer.from(v, "base64").toString("utf8");
    }

    /**
     * Asks the brokers, not only the KafkaTopic object: Strimzi 1.x's topic
     * operator manages only the topics a KafkaTopic declares, and LogScale
     * creates global-events itself, so a missing KafkaTopic proves nothing.
     * A KafkaTopic that still stands (its finalizer waits for the operator
     * to delete the topic) means it exists; otherwise the admin Job lists.
     */
    async kafkaTopicExists(): Promise<boolean> {
        if (await this.get(this.topicPath())) return true;
        return (await this.runAdminJob("list")).includes(TOPIC);
    }

    /** Through the KafkaTopic where one manages the topic (the operator deletes it in Kafka), else with the admin Job. */
    async deleteKafkaTopic(): Promise<void> {
        if (await this.get(this.topicPath())) {
            const r = await this.call("DELETE", this.topicPath());
            if (r.status !== 200 && r.status !== 202 && r.status !== 404) throw new Error(`deleting KafkaTopic ${TOPIC} on the ${this.where} cluster: HTTP ${r.status} ${statusMessage(r.body)}`);
            return;
        }
        await this.runAdminJob("delete");
    }

    /** The brokers' image, so the admin CLI is the cluster's own Kafka version. */
    private async brokerImage(): Promise<string> {
        const selector = `strimzi.io/cluster=${this.n.kafka},strimzi.io/kind=Kafka`;
        const list = await this.get<{ items: { metadata: { name: string }; spec?: { containers?: { name: string; image?: string }[] } }[] }>(this.ns(`/pods?labelSelector=${enc(selector)}`));
        for (const pod of list?.items ?? []) {
            const c = pod.spec?.containers?.find(x => x.name === "kafka") ?? pod.spec?.containers?.[0];
            if (c?.image) return c.image;
        }
        throw new Error(`the ${this.where} cluster has no Kafka broker pod (${selector}) in ${this.n.namespace}; the admin Job runs the brokers' image, so Kafka ${this.n.kafka} must be running`);
    }

    /** Create, wait, read the topic list, delete (runOneShotJob): the Job never outlives the call, and its TTL covers a killed run. */
    private async runAdminJob(action: KafkaAdminAction): Promise<string[]> {
        const clock = this.opts.clock ?? realClock;
        const pollMs = this.opts.jobPollMs ?? 3_000;
        const timeoutMs = this.opts.jobTimeoutMs ?? 4 * 60_000;
        const manifest = kafkaAdminJob({
            namespace: this.n.namespace, kafka: this.n.kafka, image: await this.brokerImage(), action, topic: TOPIC,
            runId: `${this.where}-${clock.now()}-${Math.random()}`, activeDeadlineSeconds: Math.ceil(timeoutMs / 1000),
        });
        const name = (manifest.metadata as { name: string }).name;
        const what = `the Kafka admin Job ${this.n.namespace}/${name} (${action} topics) on the ${this.where} cluster`;
        const run = await runOneShotJob(new HttpCluster(this.conn, TIMEOUT_MS), manifest, { clock, pollMs, timeoutMs, tailLines: ADMIN_LOG_LINES });
        if (run.outcome === "disappeared") throw new Error(`${what} disappeared before it finished`);
        if (run.outcome === "timed-out") throw new Error(`${what} did not finish within ${Math.round(timeoutMs / 1000)}s`);
        const log = run.log ?? "";
        const topics = parseTopicList(log);
        if (run.state.failed || !topics) {
            const tail = log.trim().split("\n").slice(-3).join(" | ") || "(no log)";
            throw new Error(`${what} failed${run.state.failure ? ` (${run.state.failure})` : ""}: ${tail}`);
        }
        return topics;
    }
}
