// One side's cluster as the failback reads and changes it, over the same
// REST transport as the failover functions (functions/k8s/http.ts) and a
// connection from the stack's kubeconfig output (scripts/readiness/kube.ts).

import { kubeRequest, KubeConnection, KubeRequest, statusMessage } from "../../functions/k8s/http";

const enc = encodeURIComponent;
const TIMEOUT_MS = 15_000;
/** The start of the pod log, where DataSnapshotLoader reports the recovery; a long-running pod's whole log would be far larger. */
const LOG_BYTES = 3 * 1024 * 1024;
export const OPERATOR = "humio-operator";
export const TOPIC = "global-events";

export interface KubeSideNames {
    namespace: string;
    /** The HumioCluster name (stack output logscaleClusterName): the admin token Secret and the Kafka cluster are named after it. */
    cluster: string;
    /** The Strimzi Kafka resource (components/logscale/names.ts kafkaClusterName). */
    kafka: string;
}

export class KubeSide {
    constructor(private readonly conn: KubeConnection, private readonly n: KubeSideNames, private readonly where: string) {}

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
     * The KafkaTopic object, never the broker: a 404 proves the topic is gone only when
     * Strimzi's topic operator runs, since without it no KafkaTopic stands for the topic at all.
     */
    async kafkaTopicExists(): Promise<boolean> {
        if (await this.get(this.topicPath())) return true;
        const kafka = await this.get<{ spec?: { entityOperator?: { topicOperator?: unknown } } }>(`/apis/kafka.strimzi.io/v1/namespaces/${enc(this.n.namespace)}/kafkas/${enc(this.n.kafka)}`);
        if (!kafka?.spec?.entityOperator?.topicOperator) {
            throw new Error(`the ${this.where} Kafka ${this.n.kafka} has no Strimzi topic operator, so no KafkaTopic tells whether ${TOPIC} exists; reset it with the admin Job on 9093 by hand (docs/runbook.md 3g/5b) and resume at the next step`);
        }
        return false;
    }

    async deleteKafkaTopic(): Promise<void> {
        const r = await this.call("DELETE", this.topicPath());
        if (r.status !== 200 && r.status !== 202 && r.status !== 404) throw new Error(`deleting KafkaTopic ${TOPIC} on the ${this.where} cluster: HTTP ${r.status} ${statusMessage(r.body)}`);
    }
}
