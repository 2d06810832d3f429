import * as http from "http";
import * as https from "https";
import { KubernetesApi, SecretMeta } from "../core/types";
import { parseJsonObjectBody } from "../http/exchange";
import { badAnswer, httpError, KubeConnection, kubeRequest, KubeRequest, KubeResponse } from "./http";

export interface KubeClientOptions {
    /**
     * The API server, or a function that finds it (lazily resolved, e.g. from a cloud API).
     * A function is called once and its answer reused; a failed lookup is
     * retried on the next call.
     */
    connection: KubeConnection | (() => Promise<KubeConnection>);
    /** Per-request deadline in ms (connect + TLS + answer). Default 10000. */
    timeoutMs?: number;
}

const JSON_PATCH = "application/json-patch+json";
const MERGE_PATCH = "application/merge-patch+json";
// Metadata only: the Secret's data never travels to the function.
const PARTIAL_METADATA = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json";
const PARTIAL_METADATA_LIST = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

/**
 * The handful of Kubernetes REST calls the failover makes, over node's
 * http/https with no dependencies (so the serialized function stays small and
 * loads in any runtime).
 */
export class KubeClient implements KubernetesApi {
    private readonly timeoutMs: number;
    private readonly connectionSource: KubeConnection | (() => Promise<KubeConnection>);
    private connectionPromise: Promise<KubeConnection> | undefined;
    private agents: { http?: http.Agent; https?: https.Agent };

    // Every field is set here, none by an initializer: closure serialization
    // keeps only the constructor body of a class.
    constructor(options: KubeClientOptions) {
        this.connectionSource = options.connection;
        this.timeoutMs = options.timeoutMs ?? 10000;
        this.connectionPromise = undefined;
        this.agents = {};
    }

    async getDeploymentReplicas(namespace: string, name: string): Promise<number> {
        const req = this.req("k8s.getDeploymentReplicas", "GET", deploymentPath(namespace, name));
        const res = await this.send(req);
        if (res.status !== 200) {
            throw httpError(req, res);
        }
        const obj = parseObject(req, res);
        const spec = obj.spec as { replicas?: unknown } | undefined;
        // The API server defaults spec.replicas to 1 when a manifest leaves it out.
        const replicas = spec?.replicas === undefined ? 1 : spec.replicas;
        if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0) {
            throw badAnswer(req, `spec.replicas is ${JSON.stringify(replicas)}, expected an integer >= 0`);
        }
        return replicas;
    }

    async scaleDeployment(namespace: string, name: string, replicas: number): Promise<void> {
        const req = this.req("k8s.scaleDeployment", "PATCH", deploymentPath(namespace, name), { spec: { replicas } }, MERGE_PATCH);
        const res = await this.send(req);
        if (res.status !== 200) {
            throw httpError(req, res);
        }
    }

    async scaleDeploymentFrom(namespace: string, name: string, from: number, to: number): Promise<"scaled" | "conflict"> {
        const patch = [
            { op: "test", path: "/spec/replicas", value: from },
            { op: "replace", path: "/spec/replicas", value: to },
        ];
        const req = this.req("k8s.scaleDeploymentFrom", "PATCH", deploymentPath(namespace, name), patch, JSON_PATCH);
        const res = await this.send(req);
        if (res.status === 200) {
            return "scaled";
        }
        // A failed "test" op is 422; 409 is an update conflict with a concurrent writer.
        if (res.status === 422 || res.status === 409) {
            return "conflict";
        }
        throw httpError(req, res);
    }

    async getDeploymentAnnotation(namespace: string, name: string, key: string): Promise<string | undefined> {
        return (await this.getDeploymentAnnotations(namespace, name, [key]))[key];
    }

    /** Several annotations of a Deployment from one GET (absent ones are left out). */
    async getDeploymentAnnotations(namespace: string, name: string, keys: readonly string[]): Promise<Record<string, string | undefined>> {
        const req = this.req("k8s.getDeploymentAnnotation", "GET", deploymentPath(namespace, name));
        const res = await this.send(req);
        if (res.status !== 200) {
            throw httpError(req, res);
        }
        const metadata = parseObject(req, res).metadata as { annotations?: Record<string, unknown> } | undefined;
        const out: Record<string, string | undefined> = {};
        for (const key of keys) {
            const value = metadata?.annotations?.[key];
            if (value !== undefined && typeof value !== "string") {
                throw badAnswer(req, `annotation ${key} is ${JSON.stringify(value)}, expected a string`);
            }
            out[key] = value;
        }
        return out;
    }

    async annotateDeployment(namespace: string, name: string, annotations: Record<string, string | null>): Promise<void> {
        const req = this.req("k8s.annotateDeployment", "PATCH", deploymentPath(namespace, name), { metadata: { annotations } }, MERGE_PATCH);
        const res = await this.send(req);
        if (res.status !== 200) {
            throw httpError(req, res);
        }
    }

    async getSecretMeta(namespace: string, name: string): Promise<SecretMeta | undefined> {
        const req = this.req("k8s.getSecretMeta", "GET", secretPath(namespace, name));
        req.accept = PARTIAL_METADATA;
        const res = await this.send(req);
        if (res.status === 404) {
            return undefined;
        }
        if (res.status !== 200) {
            throw httpError(req, res);
        }
        const metadata = parseObject(req, res).metadata as { uid?: unknown; creationTimestamp?: unknown } | undefined;
        const uid = metadata?.uid;
        const creationTimestamp = metadata?.creationTimestamp;
        if (typeof uid !== "string" || uid.length === 0) {
            throw badAnswer(req, `metadata.uid is ${JSON.stringify(uid)}`);
        }
        if (typeof creationTimestamp !== "string" || Number.isNaN(Date.parse(creationTimestamp))) {
            throw badAnswer(req, `metadata.creationTimestamp is ${JSON.stringify(creationTimestamp)}, expected RFC 3339`);
        }
        return { uid, creationTimestamp };
    }

    /**
     * Names of the namespace's Secrets, metadata only: one list instead of a
     * GET per referenced Secret keeps the readiness run at one round of reads.
     */
    async listSecretNames(namespace: string): Promise<string[]> {
        const req = this.req("k8s.listSecretNames", "GET", `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets`);
        req.accept = PARTIAL_METADATA_LIST;
        const res = await this.send(req);
        if (res.status !== 200) {
            throw httpError(req, res);
        }
        const items = parseObject(req, res).items;
        if (!Array.isArray(items)) {
            throw badAnswer(req, "items is not a list");
        }
        return items.map((item, i) => {
            const name = (item as { metadata?: { name?: unknown } } | null)?.metadata?.name;
            if (typeof name !== "string" || name.length === 0) {
                throw badAnswer(req, `items[${i}].metadata.name is ${JSON.stringify(name)}`);
            }
            return name;
        });
    }

    /** The HumioCluster custom object (core.humio.com/v1alpha1), undefined on 404. */
    async getHumioCluster(namespace: string, name: string): Promise<Record<string, unknown> | undefined> {
        const req = this.req("k8s.getHumioCluster", "GET",
            `/apis/core.humio.com/v1alpha1/namespaces/${encodeURIComponent(namespace)}/humioclusters/${encodeURIComponent(name)}`);
        const res = await this.send(req);
        if (res.status === 404) {
            return undefined;
        }
        if (res.status !== 200) {
            throw httpError(req, res);
        }
        return parseObject(req, res);
    }

    async deleteSecret(namespace: string, name: string, preconditions?: { uid: string }): Promise<"deleted" | "absent" | "replaced"> {
        const body = preconditions ? { kind: "DeleteOptions", apiVersion: "v1", preconditions: { uid: preconditions.uid } } : undefined;
        const req = this.req("k8s.deleteSecret", "DELETE", secretPath(namespace, name), body);
        const res = await this.send(req);
        if (res.status === 200 || res.status === 202) {
            return "deleted";
        }
        if (res.status === 404) {
            return "absent";
        }
        // 409 on a uid precondition: the name now holds another object.
        if (res.status === 409 && preconditions) {
            return "replaced";
        }
        throw httpError(req, res);
    }

    /** Closes kept-alive sockets (tests; a Lambda is frozen with them open). */
    /**
     * GET a path of a Service through the API server's proxy
     * (`services/<scheme>:<name>:<port>/proxy`): the function reaches
     * LogScale inside the cluster without DNS or a load balancer. Every HTTP
     * status resolves: what LogScale (or the proxy, 503 with no endpoints) said.
     */
    async serviceProxyGet(namespace: string, service: { scheme: "http" | "https"; name: string; port: number }, path: string): Promise<{ code: number; body: string }> {
        const target = `${service.scheme}:${service.name}:${service.port}`;
        const req = this.req("k8s.serviceProxy", "GET",
            `/api/v1/namespaces/${encodeURIComponent(namespace)}/services/${encodeURIComponent(target)}/proxy${path}`);
        const res = await this.send(req);
        return { code: res.status, body: res.body };
    }

    close(): void {
        this.agents.http?.destroy();
        this.agents.https?.destroy();
        this.agents = {};
    }

    private req(call: string, method: KubeRequest["method"], path: string, body?: unknown, contentType?: string): KubeRequest {
        return { call, method, path, body, contentType, timeoutMs: this.timeoutMs };
    }

    private async send(req: KubeRequest): Promise<KubeResponse> {
        const conn = await this.connection();
        return kubeRequest(conn, this.agentFor(conn.server), req);
    }

    private connection(): Promise<KubeConnection> {
        const source = this.connectionSource;
        if (typeof source !== "function") {
            return Promise.resolve(source);
        }
        if (!this.connectionPromise) {
            const pending = source();
            this.connectionPromise = pending;
            pending.catch(() => {
                if (this.connectionPromise === pending) {
                    this.connectionPromise = undefined;
                }
            });
        }
        return this.connectionPromise;
    }

    // Keep-alive: the four rounds of a failover reuse one TLS session instead of four handshakes.
    private agentFor(server: string): http.Agent {
        if (server.startsWith("https:")) {
            return this.agents.https ??= new https.Agent({ keepAlive: true, maxSockets: 8 });
        }
        return this.agents.http ??= new http.Agent({ keepAlive: true, maxSockets: 8 });
    }
}

function deploymentPath(namespace: string, name: string): string {
    return `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments/${encodeURIComponent(name)}`;
}

function secretPath(namespace: string, name: string): string {
    return `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(name)}`;
}

function parseObject(req: KubeRequest, res: KubeResponse): Record<string, unknown> {
    return parseJsonObjectBody(res.body, what => badAnswer(req, what));
}
