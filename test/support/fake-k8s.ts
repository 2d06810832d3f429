/**
 * FakeKubernetes: a local Kubernetes API server for failover tests (real HTTP
 * or HTTPS on 127.0.0.1, one per test or suite). It implements only what the
 * failover functions call, with the API server's semantics, and injects faults.
 *
 *   const kube = await FakeKubernetes.start();              // http://127.0.0.1:<port>
 *   const kube = await FakeKubernetes.start({ tls: true }); // https, kube.caPem trusts it
 *   const kube = await FakeKubernetes.start({ authorize: h => h === "Bearer t" }); // else 401
 *
 *   kube.url, kube.caPem
 *   kube.putDeployment("logging", "humio-operator", { replicas: 0, annotations: { a: "b" } })
 *   kube.deployment("logging", "humio-operator")  // stored object: spec.replicas, metadata.annotations, or undefined
 *   kube.putSecret("logging", "logscale", { creationTimestamp: "2024-01-01T00:00:00Z" }) // -> { uid, creationTimestamp }
 *   kube.secret("logging", "logscale")            // stored object or undefined
 *   kube.putHumioCluster("logging", "logscale", { nodeCount: 1, commonEnvironmentVariables: [...] }) // spec as given
 *   kube.requests                                 // every request: method, path, contentType, accept, authorization, body, status
 *   kube.count("PATCH", "/deployments/humio-operator")  // requests matching method and path substring
 *   kube.fault({ method: "PATCH", path: "/deployments/", times: 2, status: 503 })
 *   kube.clearFaults()
 *   await kube.stop()                             // closes every socket, including hung requests
 *
 * Routes:
 *   GET|PATCH /apis/apps/v1/namespaces/{ns}/deployments/{name}
 *     PATCH content types: application/merge-patch+json (RFC 7386) and
 *     application/json-patch+json (RFC 6902 add/remove/replace/test; a failed
 *     "test" answers 422 like the API server); anything else 415.
 *   GET|DELETE /api/v1/namespaces/{ns}/secrets/{name}
 *     GET with Accept "...;as=PartialObjectMetadata;g=meta.k8s.io;v=v1" returns
 *     metadata only. DELETE honours DeleteOptions.preconditions.uid and
 *     .resourceVersion (409 Conflict on mismatch).
 *   POST /api/v1/namespaces/{ns}/secrets (create; 409 AlreadyExists)
 *   GET /api/v1/namespaces/{ns}/secrets (list; Accept "...;as=PartialObjectMetadataList..." returns metadata only)
 *   GET /apis/core.humio.com/v1alpha1/namespaces/{ns}/humioclusters/{name}
 *   POST /apis/batch/v1/namespaces/{ns}/jobs, GET|DELETE .../jobs/{name}
 *     (kube.jobRunner decides each Job's outcome, reached after `afterGets`
 *     GETs of the Job; its one pod is labelled job-name=<job>; DELETE removes
 *     the Job and its pod)
 *   GET /api/v1/namespaces/{ns}/pods?labelSelector=job-name=<job>, GET .../pods/{pod}/log (text/plain)
 *   GET|PATCH|DELETE /apis/{group}/{version}/namespaces/{ns}/{plural}/{name} for objects put with kube.putObject
 *     (PATCH as for deployments; a metadata.resourceVersion in the patch is a precondition, 409 on mismatch)
 *   GET /api/v1/namespaces/{ns}/services/{service}/proxy/{path}: kube.serviceProxy answers (text); unset: 503
 *   GET|PATCH /apis/apps/v1/namespaces/{ns}/deployments/{name}/scale (autoscaling/v1 Scale; PATCH merge-patch)
 *   GET /api/v1/nodes (put with kube.putNode)
 *   GET /api/v1/namespaces/{ns}/pods?labelSelector=k=v[,k=v] and .../pods/{pod}/log for pods put with kube.putPod
 *   kube.extraRoute, when set, answers first (a simulation that owns some paths)
 *   Anything else: 404 Status.
 *
 * Faults (kube.fault(spec)), checked in the order added; a matching fault with
 * times left applies to the request and counts down (times default 1, Infinity
 * allowed). Matching: method (exact) and path (substring or RegExp), both optional.
 *   status: N       answer N with a Status body (429 carries Retry-After: 0)
 *   reset: true     destroy the socket without answering (ECONNRESET at the client)
 *   hang: true      never answer (the client's timeout fires; stop() closes it)
 *   delayMs: N      wait N ms, then handle normally (prefer hang for timeouts)
 *   before: fn      run fn(kube) first, then handle normally (simulate a concurrent writer)
 *   dropResponse    apply the request, then destroy the socket: the change happened, the answer is lost
 */
import * as crypto from "crypto";
import * as http from "http";
import { jsonOrText, LocalServer, startLocalServer } from "./local-server";

export interface FaultSpec {
    method?: string;
    path?: string | RegExp;
    times?: number;
    status?: number;
    /** Retry-After sent with a 429 or 503 (default "0" for 429, none for 503). */
    retryAfter?: string;
    reset?: boolean;
    hang?: boolean;
    delayMs?: number;
    dropResponse?: boolean;
    before?: (kube: FakeKubernetes) => void;
}

export interface RecordedRequest {
    method: string;
    path: string;
    /** The query string without "?", "" when none. */
    query?: string;
    contentType?: string;
    accept?: string;
    authorization?: string;
    body?: unknown;
    /** Status answered; undefined when the fault reset, hung or dropped the answer. */
    status?: number;
}

export interface FakeKubernetesOptions {
    tls?: boolean;
    /** Decide on the Authorization header; false answers 401. Default: accept everything. */
    authorize?: (authorization: string | undefined) => boolean;
}

/** What a created Job does in the fake: its end, reached after `afterGets` GETs of the Job, and its pod's log. */
export interface JobOutcome {
    result: "succeeded" | "failed" | "never";
    log: string;
    afterGets?: number;
}

type KubeObject = {
    apiVersion: string;
    kind: string;
    metadata: {
        name: string;
        namespace: string;
        uid: string;
        resourceVersion: string;
        creationTimestamp: string;
        generation?: number;
        annotations?: Record<string, string>;
        [k: string]: unknown;
    };
    [k: string]: unknown;
};

class HttpAnswer extends Error {
    constructor(readonly status: number, readonly reason: string, message: string) {
        super(message);
    }
}

export class FakeKubernetes {
    readonly requests: RecordedRequest[] = [];
    url = "";
    /** Decides each created Job's outcome; default: succeeds at once with an empty log. */
    jobRunner: (job: Record<string, unknown>) => JobOutcome = () => ({ result: "succeeded", log: "" });
    /** Answers GET /api/v1/namespaces/{ns}/services/{service}/proxy{path} (service as in the URL, e.g. "https:svc:8080"); absent: 503 as with no endpoints. */
    serviceProxy: ((namespace: string, service: string, path: string) => { status: number; body: string }) | undefined;
    /** Answers a request before the stored objects do; undefined lets them answer. */
    extraRoute?: (method: string, path: string, record: RecordedRequest) => { status: number; body: unknown; text?: boolean } | undefined;
    private readonly jobs = new Map<string, { outcome: JobOutcome; gets: number; pod: string }>();
    caPem: string | undefined;
    private readonly objects = new Map<string, KubeObject>();
    private readonly faults: (FaultSpec & { left: number })[] = [];
    private server!: LocalServer;
    private version = 1;
    private uidCounter = 0;

    private constructor(private readonly options: FakeKubernetesOptions) {}

    static async start(options: FakeKubernetesOptions = {}): Promise<FakeKubernetes> {
        const kube = new FakeKubernetes(options);
        let tls: { cert: string; key: string } | undefined;
        if (options.tls) {
            const { certPem, keyPem } = selfSignedCertificate();
            kube.caPem = certPem;
            tls = { cert: certPem, key: keyPem };
        }
        kube.server = await startLocalServer((req, res, raw) => { void kube.dispatch(req, res, raw); }, { tls });
        kube.url = kube.server.url;
        return kube;
    }

    stop(): Promise<void> {
        return this.server.stop();
    }

    putDeployment(namespace: string, name: string, spec: { replicas?: number; annotations?: Record<string, string>; labels?: Record<string, string> }): KubeObject {
        const obj: KubeObject = {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: this.newMetadata(namespace, name, undefined),
            spec: { selector: { matchLabels: { app: name } } } as Record<string, unknown>,
        };
        obj.metadata.generation = 1;
        if (spec.annotations) {
            obj.metadata.annotations = { ...spec.annotations };
        }
        if (spec.labels) {
            obj.metadata.labels = { ...spec.labels };
        }
        if (spec.replicas !== undefined) {
            (obj.spec as Record<string, unknown>).replicas = spec.replicas;
        }
        this.objects.set(key("deployments", namespace, name), obj);
        return obj;
    }

    deployment(namespace: string, name: string): KubeObject & { spec: { replicas?: number } } | undefined {
        return this.objects.get(key("deployments", namespace, name)) as (KubeObject & { spec: { replicas?: number } }) | undefined;
    }

    putSecret(namespace: string, name: string, opts: { creationTimestamp?: string; uid?: string; data?: Record<string, string> } = {}): { uid: string; creationTimestamp: string } {
        const obj: KubeObject = {
            apiVersion: "v1",
            kind: "Secret",
            metadata: this.newMetadata(namespace, name, opts.creationTimestamp, opts.uid),
            type: "kubernetes.io/tls",
            data: opts.data ?? { "tls.crt": Buffer.from("crt").toString("base64"), "tls.key": Buffer.from("key").toString("base64") },
        };
        this.objects.set(key("secrets", namespace, name), obj);
        return { uid: obj.metadata.uid, creationTimestamp: obj.metadata.creationTimestamp };
    }

    putHumioCluster(namespace: string, name: string, spec: Record<string, unknown>): KubeObject {
        const obj: KubeObject = {
            apiVersion: "core.humio.com/v1alpha1",
            kind: "HumioCluster",
            metadata: this.newMetadata(namespace, name, undefined),
            spec: JSON.parse(JSON.stringify(spec)) as Record<string, unknown>,
        };
        this.objects.set(key("humioclusters", namespace, name), obj);
        return obj;
    }

    /** Stores any namespaced object served at /apis/{apiVersion}/namespaces/{ns}/{plural}/{name} (GET only). */
    putObject(apiVersion: string, kind: string, plural: string, namespace: string, name: string, body: Record<string, unknown>): KubeObject {
        const obj: KubeObject = { ...JSON.parse(JSON.stringify(body)) as Record<string, unknown>, apiVersion, kind, metadata: this.newMetadata(namespace, name, undefined) };
        this.objects.set(key(`${apiVersion}/${plural}`, namespace, name), obj);
        return obj;
    }

    putNode(name: string, ready = true): KubeObject {
        const obj: KubeObject = { apiVersion: "v1", kind: "Node", metadata: this.newMetadata("", name, undefined), status: { conditions: [{ type: "Ready", status: ready ? "True" : "False" }] } };
        this.objects.set(key("nodes", "", name), obj);
        return obj;
    }

    /** A pod with labels and the text its /log answers. */
    putPod(namespace: string, name: string, labels: Record<string, string>, log = ""): KubeObject {
        const obj: KubeObject = { apiVersion: "v1", kind: "Pod", metadata: { ...this.newMetadata(namespace, name, undefined), labels: { ...labels } }, log };
        this.objects.set(key("pods", namespace, name), obj);
        return obj;
    }

    /** A stored object put with putObject, or undefined (gone after DELETE). */
    object(apiVersion: string, plural: string, namespace: string, name: string): KubeObject | undefined {
        return this.objects.get(key(`${apiVersion}/${plural}`, namespace, name));
    }

    /** A stored Job, or undefined (created by POST, gone after DELETE). */
    job(namespace: string, name: string): KubeObject | undefined {
        return this.objects.get(key("jobs", namespace, name));
    }

    /** Removes any stored object (kind as in the URL: deployments, secrets, humioclusters); true when it existed. */
    remove(kind: string, namespace: string, name: string): boolean {
        return this.objects.delete(key(kind, namespace, name));
    }

    secret(namespace: string, name: string): KubeObject | undefined {
        return this.objects.get(key("secrets", namespace, name));
    }

    fault(spec: FaultSpec): void {
        this.faults.push({ ...spec, left: spec.times ?? 1 });
    }

    clearFaults(): void {
        this.faults.length = 0;
    }

    count(method: string, pathPart: string): number {
        return this.requests.filter(r => r.method === method && r.path.includes(pathPart)).length;
    }

    private newMetadata(namespace: string, name: string, creationTimestamp?: string, uid?: string): KubeObject["metadata"] {
        return {
            name,
            namespace,
            uid: uid ?? `00000000-0000-4000-8000-${String(++this.uidCounter).padStart(12, "0")}`,
            resourceVersion: String(++this.version),
            creationTimestamp: creationTimestamp ?? new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace(".000Z", "Z"),
        };
    }

    private async dispatch(req: http.IncomingMessage, res: http.ServerResponse, raw: string): Promise<void> {
        const method = req.method ?? "GET";
        const [path, query = ""] = (req.url ?? "/").split("?");
        const body = jsonOrText(raw);
        const record: RecordedRequest = {
            method,
            path,
            query,
            contentType: header(req, "content-type"),
            accept: header(req, "accept"),
            authorization: header(req, "authorization"),
            body,
        };
        this.requests.push(record);

        const fault = this.faults.find(f => f.left > 0 && (!f.method || f.method === method) && matches(f.path, path));
        if (fault) {
            fault.left--;
            if (fault.before) {
                fault.before(this);
            }
            if (fault.delayMs) {
                await new Promise(resolve => setTimeout(resolve, fault.delayMs));
            }
            if (fault.hang) {
                return;
            }
            if (fault.reset) {
                req.socket.destroy();
                return;
            }
            if (fault.status !== undefined) {
                const retryAfter = fault.retryAfter ?? (fault.status === 429 ? "0" : undefined);
                const extra = retryAfter !== undefined ? { "retry-after": retryAfter } : undefined;
                this.answer(res, record, fault.status, status(fault.status, "InjectedFault", `injected fault ${fault.status}`), extra);
                return;
            }
        }

        if (this.options.authorize && !this.options.authorize(record.authorization)) {
            this.answer(res, record, 401, status(401, "Unauthorized", "Unauthorized"));
            return;
        }

        let answer: { status: number; body: unknown; text?: boolean };
        try {
            answer = this.route(method, path, record);
        } catch (err) {
            if (err instanceof HttpAnswer) {
                answer = { status: err.status, body: status(err.status, err.reason, err.message) };
            } else {
                answer = { status: 500, body: status(500, "InternalError", String(err)) };
            }
        }
        if (fault?.dropResponse) {
            req.socket.destroy();
            return;
        }
        if (answer.text) {
            record.status = answer.status;
            const text = String(answer.body);
            res.writeHead(answer.status, { "content-type": "text/plain", "content-length": Buffer.byteLength(text) });
            res.end(text);
            return;
        }
        this.answer(res, record, answer.status, answer.body);
    }

    private answer(res: http.ServerResponse, record: RecordedRequest, code: number, body: unknown, extra?: Record<string, string>): void {
        record.status = code;
        const text = JSON.stringify(body);
        res.writeHead(code, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...extra });
        res.end(text);
    }

    private route(method: string, path: string, record: RecordedRequest): { status: number; body: unknown; text?: boolean } {
        const extra = this.extraRoute?.(method, path, record);
        if (extra) {
            return extra;
        }
        const scale = this.scaleRoute(method, path, record);
        if (scale) {
            return scale;
        }
        if (path === "/api/v1/nodes" && method === "GET") {
            const items = [...this.objects.entries()].filter(([k]) => k.startsWith(key("nodes", "", ""))).map(([, o]) => o);
            return { status: 200, body: { kind: "NodeList", apiVersion: "v1", metadata: { resourceVersion: String(this.version) }, items } };
        }
        const batch = this.batchRoute(method, path, record);
        if (batch) {
            return batch;
        }
        let m = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/]+)$/.exec(path);
        if (m) {
            const [ns, name] = [decodeURIComponent(m[1]), decodeURIComponent(m[2])];
            const k = key("deployments", ns, name);
            const obj = this.objects.get(k);
            if (!obj) {
                throw new HttpAnswer(404, "NotFound", `deployments.apps "${name}" not found`);
            }
            if (method === "GET") {
                return { status: 200, body: obj };
            }
            if (method === "PATCH") {
                const patched = this.patch(obj, record);
                const replicas = (patched.spec as { replicas?: unknown }).replicas;
                if (replicas !== undefined && (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0)) {
                    throw new HttpAnswer(422, "Invalid", `Deployment.apps "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}`);
                }
                patched.metadata.resourceVersion = String(++this.version);
                if (JSON.stringify(patched.spec) !== JSON.stringify(obj.spec)) {
                    patched.metadata.generation = (obj.metadata.generation ?? 1) + 1;
                }
                this.objects.set(k, patched);
                return { status: 200, body: patched };
            }
            throw new HttpAnswer(405, "MethodNotAllowed", `${method} is not supported on deployments`);
        }
        m = /^\/api\/v1\/namespaces\/([^/]+)\/secrets(?:\/([^/]+))?$/.exec(path);
        if (m) {
            const ns = decodeURIComponent(m[1]);
            if (m[2] === undefined && method === "GET") {
                const prefix = key("secrets", ns, "");
                const items = [...this.objects.entries()].filter(([k]) => k.startsWith(prefix)).map(([, o]) => o);
                if ((record.accept ?? "").includes("as=PartialObjectMetadataList")) {
                    return {
                        status: 200,
                        body: {
                            kind: "PartialObjectMetadataList", apiVersion: "meta.k8s.io/v1", metadata: { resourceVersion: String(this.version) },
                            items: items.map(o => ({ kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: o.metadata })),
                        },
                    };
                }
                return { status: 200, body: { kind: "SecretList", apiVersion: "v1", metadata: { resourceVersion: String(this.version) }, items } };
            }
            if (m[2] === undefined) {
                if (method !== "POST") {
                    throw new HttpAnswer(405, "MethodNotAllowed", `${method} is not supported on the secrets collection`);
                }
                const name = (record.body as { metadata?: { name?: string } } | undefined)?.metadata?.name;
                if (!name) {
                    throw new HttpAnswer(422, "Invalid", "metadata.name: Required value");
                }
                if (this.objects.has(key("secrets", ns, name))) {
                    throw new HttpAnswer(409, "AlreadyExists", `secrets "${name}" already exists`);
                }
                this.putSecret(ns, name, { data: (record.body as { data?: Record<string, string> }).data });
                return { status: 201, body: this.secret(ns, name) };
            }
            const name = decodeURIComponent(m[2]);
            const k = key("secrets", ns, name);
            const obj = this.objects.get(k);
            if (!obj) {
                throw new HttpAnswer(404, "NotFound", `secrets "${name}" not found`);
            }
            if (method === "GET") {
                if ((record.accept ?? "").includes("as=PartialObjectMetadata")) {
                    return { status: 200, body: { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: obj.metadata } };
                }
                return { status: 200, body: obj };
            }
            if (method === "DELETE") {
                const pre = (record.body as { preconditions?: { uid?: string; resourceVersion?: string } } | undefined)?.preconditions;
                if (pre?.uid !== undefined && pre.uid !== obj.metadata.uid) {
                    throw new HttpAnswer(409, "Conflict",
                        `Operation cannot be fulfilled on secrets "${name}": Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid}`);
                }
                if (pre?.resourceVersion !== undefined && pre.resourceVersion !== obj.metadata.resourceVersion) {
                    throw new HttpAnswer(409, "Conflict", `Operation cannot be fulfilled on secrets "${name}": Precondition failed: ResourceVersion`);
                }
                this.objects.delete(k);
                return { status: 200, body: { kind: "Status", apiVersion: "v1", status: "Success", details: { name, kind: "secrets", uid: obj.metadata.uid } } };
            }
            throw new HttpAnswer(405, "MethodNotAllowed", `${method} is not supported on secrets`);
        }
        m = /^\/apis\/core\.humio\.com\/v1alpha1\/namespaces\/([^/]+)\/humioclusters\/([^/]+)$/.exec(path);
        if (m) {
            const [ns, name] = [decodeURIComponent(m[1]), decodeURIComponent(m[2])];
            const obj = this.objects.get(key("humioclusters", ns, name));
            if (!obj) {
                throw new HttpAnswer(404, "NotFound", `humioclusters.core.humio.com "${name}" not found`);
            }
            if (method === "GET") {
                return { status: 200, body: obj };
            }
            throw new HttpAnswer(405, "MethodNotAllowed", `${method} is not supported on humioclusters`);
        }
        m = /^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/]+)\/proxy(\/.*)?$/.exec(path);
        if (m && method === "GET") {
            if (!this.serviceProxy) {
                throw new HttpAnswer(503, "ServiceUnavailable", "no endpoints available for service");
            }
            const a = this.serviceProxy(decodeURIComponent(m[1]), decodeURIComponent(m[2]), m[3] ?? "/");
            return { status: a.status, body: a.body, text: true };
        }
        m = /^\/apis\/([^/]+\/[^/]+)\/namespaces\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(path);
        if (m && (method === "GET" || method === "PATCH" || method === "DELETE")) {
            const k = key(`${m[1]}/${m[3]}`, decodeURIComponent(m[2]), decodeURIComponent(m[4]));
            const obj = this.objects.get(k);
            if (!obj) {
                throw new HttpAnswer(404, "NotFound", `${m[3]} "${decodeURIComponent(m[4])}" not found`);
            }
            if (method === "DELETE") {
                this.objects.delete(k);
                return { status: 200, body: { kind: "Status", apiVersion: "v1", status: "Success", details: { name: obj.metadata.name, kind: m[3], uid: obj.metadata.uid } } };
            }
            if (method === "GET") {
                return { status: 200, body: obj };
            }
            const want = (record.body as { metadata?: { resourceVersion?: unknown } } | undefined)?.metadata?.resourceVersion;
            if (want !== undefined && want !== obj.metadata.resourceVersion) {
                throw new HttpAnswer(409, "Conflict", `Operation cannot be fulfilled on ${m[3]} "${obj.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`);
            }
            const patched = this.patch(obj, record);
            patched.metadata.resourceVersion = String(++this.version);
            this.objects.set(k, patched);
            return { status: 200, body: patched };
        }
        throw new HttpAnswer(404, "NotFound", `the server could not find the requested resource (${method} ${path})`);
    }

    // The scale subresource: a Scale object over the Deployment's spec.replicas (the API server's view, status left out).
    private scaleRoute(method: string, path: string, record: RecordedRequest): { status: number; body: unknown } | undefined {
        const m = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/]+)\/scale$/.exec(path);
        if (!m) {
            return undefined;
        }
        const [ns, name] = [decodeURIComponent(m[1]), decodeURIComponent(m[2])];
        const obj = this.objects.get(key("deployments", ns, name));
        if (!obj) {
            throw new HttpAnswer(404, "NotFound", `deployments.apps "${name}" not found`);
        }
        const scaleOf = (o: KubeObject) => ({
            kind: "Scale", apiVersion: "autoscaling/v1",
            metadata: { name, namespace: ns, uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion, creationTimestamp: o.metadata.creationTimestamp },
            spec: { replicas: (o.spec as { replicas?: number }).replicas ?? 1 },
        });
        if (method === "GET") {
            return { status: 200, body: scaleOf(obj) };
        }
        if (method !== "PATCH") {
            throw new HttpAnswer(405, "MethodNotAllowed", `${method} is not supported on deployments/scale`);
        }
        const patched = this.patch(scaleOf(obj) as unknown as KubeObject, record) as unknown as { spec?: { replicas?: unknown } };
        const replicas = patched.spec?.replicas;
        if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0) {
            throw new HttpAnswer(422, "Invalid", `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}`);
        }
        const copy = JSON.parse(JSON.stringify(obj)) as KubeObject;
        if ((copy.spec as { replicas?: number }).replicas !== replicas) {
            (copy.spec as { replicas?: number }).replicas = replicas;
            copy.metadata.generation = (obj.metadata.generation ?? 1) + 1;
        }
        copy.metadata.resourceVersion = String(++this.version);
        this.objects.set(key("deployments", ns, name), copy);
        return { status: 200, body: scaleOf(copy) };
    }

    // Jobs and the pod each starts, as far as a create-wait-read-delete client sees them.
    private batchRoute(method: string, path: string, record: RecordedRequest): { status: number; body: unknown; text?: boolean } | undefined {
        let m = /^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs(?:\/([^/]+))?$/.exec(path);
        if (m) {
            const ns = decodeURIComponent(m[1]);
            if (m[2] === undefined) {
                if (method !== "POST") {
                    throw new HttpAnswer(405, "MethodNotAllowed", `${method} is not supported on the jobs collection`);
                }
                const body = record.body as { metadata?: { name?: string; labels?: Record<string, string> }; spec?: Record<string, unknown> } | undefined;
                const name = body?.metadata?.name;
                if (!name) {
                    throw new HttpAnswer(422, "Invalid", "metadata.name: Required value");
                }
                if (this.objects.has(key("jobs", ns, name))) {
                    throw new HttpAnswer(409, "AlreadyExists", `jobs.batch "${name}" already exists`);
                }
                const obj: KubeObject = {
                    apiVersion: "batch/v1", kind: "Job",
                    metadata: { ...this.newMetadata(ns, name, undefined), labels: body?.metadata?.labels },
                    spec: JSON.parse(JSON.stringify(body?.spec ?? {})) as Record<string, unknown>,
                    status: { active: 1 },
                };
                this.objects.set(key("jobs", ns, name), obj);
                const pod = `${name}-${String(this.uidCounter).padStart(5, "0")}`;
                this.objects.set(key("pods", ns, pod), {
                    apiVersion: "v1", kind: "Pod",
                    metadata: { ...this.newMetadata(ns, pod, undefined), labels: { "job-name": name } },
                    spec: JSON.parse(JSON.stringify(((obj.spec as { template?: { spec?: unknown } }).template?.spec) ?? {})) as Record<string, unknown>,
                });
                this.jobs.set(key("jobs", ns, name), { outcome: this.jobRunner(body as Record<string, unknown>), gets: 0, pod });
                return { status: 201, body: obj };
            }
            const name = decodeURIComponent(m[2]);
            const k = key("jobs", ns, name);
            const obj = this.objects.get(k);
            const run = this.jobs.get(k);
            if (!obj || !run) {
                throw new HttpAnswer(404, "NotFound", `jobs.batch "${name}" not found`);
            }
            if (method === "GET") {
                run.gets++;
                if (run.outcome.result !== "never" && run.gets >= (run.outcome.afterGets ?? 1)) {
                    obj.status = run.outcome.result === "succeeded"
                        ? { succeeded: 1, conditions: [{ type: "Complete", status: "True" }] }
                        : { failed: 1, conditions: [{ type: "Failed", status: "True", reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" }] };
                }
                return { status: 200, body: obj };
            }
            if (method === "DELETE") {
                this.objects.delete(k);
                this.objects.delete(key("pods", ns, run.pod));
                this.jobs.delete(k);
                return { status: 200, body: { kind: "Status", apiVersion: "v1", status: "Success", details: { name, group: "batch", kind: "jobs" } } };
            }
            throw new HttpAnswer(405, "MethodNotAllowed", `${method} is not supported on jobs`);
        }
        m = /^\/api\/v1\/namespaces\/([^/]+)\/pods(?:\/([^/]+)(\/log)?)?$/.exec(path);
        if (m && method === "GET") {
            const ns = decodeURIComponent(m[1]);
            if (m[2] === undefined) {
                const selector = (new URLSearchParams(record.query ?? "").get("labelSelector") ?? "").split(",").filter(Boolean).map(t => t.split("="));
                const prefix = key("pods", ns, "");
                const items = [...this.objects.entries()]
                    .filter(([k, o]) => k.startsWith(prefix) && selector.every(([l, v]) => (o.metadata.labels as Record<string, string> | undefined)?.[l] === v))
                    .map(([, o]) => o);
                return { status: 200, body: { kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: String(this.version) }, items } };
            }
            const pod = decodeURIComponent(m[2]);
            if (!this.objects.has(key("pods", ns, pod))) {
                throw new HttpAnswer(404, "NotFound", `pods "${pod}" not found`);
            }
            if (m[3]) {
                const run = [...this.jobs.values()].find(j => j.pod === pod);
                return { status: 200, body: run?.outcome.log ?? String(this.objects.get(key("pods", ns, pod))!.log ?? ""), text: true };
            }
            return { status: 200, body: this.objects.get(key("pods", ns, pod)) };
        }
        return undefined;
    }

    private patch(obj: KubeObject, record: RecordedRequest): KubeObject {
        const type = (record.contentType ?? "").split(";")[0].trim();
        const copy = JSON.parse(JSON.stringify(obj)) as KubeObject;
        if (type === "application/merge-patch+json") {
            if (typeof record.body !== "object" || record.body === null || Array.isArray(record.body)) {
                throw new HttpAnswer(400, "BadRequest", "merge patch body must be a JSON object");
            }
            return mergePatch(copy, record.body) as KubeObject;
        }
        if (type === "application/json-patch+json") {
            if (!Array.isArray(record.body)) {
                throw new HttpAnswer(400, "BadRequest", "json patch body must be a JSON array");
            }
            return jsonPatch(copy, record.body) as KubeObject;
        }
        throw new HttpAnswer(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json (got ${type || "none"})`);
    }
}

function key(kind: string, namespace: string, name: string): string {
    return `${kind}/${namespace}/${name}`;
}

function header(req: http.IncomingMessage, name: string): string | undefined {
    const v = req.headers[name];
    return Array.isArray(v) ? v.join(", ") : v;
}

function matches(pattern: string | RegExp | undefined, path: string): boolean {
    if (pattern === undefined) {
        return true;
    }
    return typeof pattern === "string" ? path.includes(pattern) : pattern.test(path);
}

function status(code: number, reason: string, message: string): unknown {
    return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code };
}

/** RFC 7386. */
export function mergePatch(target: unknown, patch: unknown): unknown {
    if (typeof patch !== "object" || patch === null || Array.isArray(patch)) {
        return patch;
    }
    const out: Record<string, unknown> = typeof target === "object" && target !== null && !Array.isArray(target)
        ? { ...(target as Record<string, unknown>) }
        : {};
    for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
        if (v === null) {
            delete out[k];
        } else {
            out[k] = mergePatch(out[k], v);
        }
    }
    return out;
}

/** RFC 6902 add/remove/replace/test, as the API server applies them (whole patch or nothing). */
export function jsonPatch(doc: unknown, ops: unknown[]): unknown {
    let root = doc;
    for (const raw of ops) {
        const op = raw as { op?: string; path?: string; value?: unknown };
        if (typeof op.path !== "string") {
            throw new HttpAnswer(422, "Invalid", "json patch operation without a path");
        }
        const tokens = op.path === "" ? [] : op.path.split("/").slice(1).map(t => t.replace(/~1/g, "/").replace(/~0/g, "~"));
        if (op.path !== "" && !op.path.startsWith("/")) {
            throw new HttpAnswer(422, "Invalid", `invalid json pointer ${op.path}`);
        }
        const parentTokens = tokens.slice(0, -1);
        const last = tokens[tokens.length - 1];
        let parent: unknown = root;
        for (const t of parentTokens) {
            parent = child(parent, t);
            if (parent === undefined) {
                throw new HttpAnswer(422, "Invalid", `json patch ${op.op}: path ${op.path} does not exist`);
            }
        }
        switch (op.op) {
            case "test": {
                const current = tokens.length === 0 ? root : child(parent, last);
                if (JSON.stringify(current) !== JSON.stringify(op.value)) {
                    throw new HttpAnswer(422, "Invalid", `the server rejected our request due to an error in our request: testing value ${op.path} failed: test failed`);
                }
                break;
            }
            case "replace":
                if (tokens.length === 0) {
                    root = op.value;
                    break;
                }
                if (child(parent, last) === undefined) {
                    throw new HttpAnswer(422, "Invalid", `json patch replace: path ${op.path} does not exist`);
                }
                setChild(parent, last, op.value, false);
                break;
            case "add":
                if (tokens.length === 0) {
                    root = op.value;
                    break;
                }
                setChild(parent, last, op.value, true);
                break;
            case "remove":
                if (child(parent, last) === undefined) {
                    throw new HttpAnswer(422, "Invalid", `json patch remove: path ${op.path} does not exist`);
                }
                if (Array.isArray(parent)) {
                    parent.splice(Number(last), 1);
                } else {
                    delete (parent as Record<string, unknown>)[last];
                }
                break;
            default:
                throw new HttpAnswer(422, "Invalid", `json patch op ${String(op.op)} is not supported by the fake`);
        }
    }
    return root;
}

function child(parent: unknown, token: string): unknown {
    if (Array.isArray(parent)) {
        return parent[Number(token)];
    }
    if (typeof parent === "object" && parent !== null) {
        return Object.prototype.hasOwnProperty.call(parent, token) ? (parent as Record<string, unknown>)[token] : undefined;
    }
    return undefined;
}

function setChild(parent: unknown, token: string, value: unknown, insert: boolean): void {
    if (Array.isArray(parent)) {
        const index = token === "-" ? parent.length : Number(token);
        if (insert) {
            parent.splice(index, 0, value);
        } else {
            parent[index] = value;
        }
        return;
    }
    if (typeof parent !== "object" || parent === null) {
        throw new HttpAnswer(422, "Invalid", `json patch: cannot set ${token} on a non-object`);
    }
    (parent as Record<string, unknown>)[token] = value;
}

// ---------------------------------------------------------------------------
// A self-signed certificate for 127.0.0.1, made at start-up with node crypto so
// that no private key is committed and no openssl binary is needed.

function selfSignedCertificate(): { certPem: string; keyPem: string } {
    const { privateKey, publicKey } = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
    const ecdsaWithSha256 = der.seq(der.oid("1.2.840.10045.4.3.2"));
    const name = der.seq(der.set(der.seq(der.oid("2.5.4.3"), der.utf8("fake-kubernetes"))));
    const now = Date.now();
    const tbs = der.seq(
        der.explicit(0, der.int(Buffer.from([2]))),
        der.int(positiveSerial()),
        ecdsaWithSha256,
        name,
        der.seq(der.utcTime(new Date(now - 86400_000)), der.utcTime(new Date(now + 86400_000))),
        name,
        publicKey.export({ type: "spki", format: "der" }),
        der.explicit(3, der.seq(
            der.seq(der.oid("2.5.29.19"), der.bool(true), der.octets(der.seq(der.bool(true)))),
            der.seq(der.oid("2.5.29.17"), der.octets(der.seq(
                der.tlv(0x87, Buffer.from([127, 0, 0, 1])),
                der.tlv(0x82, Buffer.from("localhost", "ascii")),
            ))),
        )),
    );
    const signature = crypto.sign("sha256", tbs, privateKey);
    const cert = der.seq(tbs, ecdsaWithSha256, der.tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
    const certPem = `-----BEGIN CERTIFICATE-----\n${cert.toString("base64").replace(/(.{64})/g, "$1\n").trim()}\n-----END CERTIFICATE-----\n`;
    return { certPem, keyPem: privateKey.export({ type: "pkcs8", format: "pem" }) as string };
}

// DER wants the minimal encoding: no leading zero byte, high bit clear.
function positiveSerial(): Buffer {
    const serial = crypto.randomBytes(8);
    serial[0] = (serial[0] & 0x3f) | 0x40;
    return serial;
}

const der = {
    tlv(tag: number, content: Buffer): Buffer {
        const n = content.length;
        let len: Buffer;
        if (n < 0x80) {
            len = Buffer.from([n]);
        } else {
            const bytes: number[] = [];
            for (let v = n; v > 0; v = Math.floor(v / 256)) {
                bytes.unshift(v & 0xff);
            }
            len = Buffer.from([0x80 | bytes.length, ...bytes]);
        }
        return Buffer.concat([Buffer.from([tag]), len, content]);
    },
    seq: (...items: Buffer[]) => der.tlv(0x30, Buffer.concat(items)),
    set: (...items: Buffer[]) => der.tlv(0x31, Buffer.concat(items)),
    int: (value: Buffer) => der.tlv(0x02, value[0] & 0x80 ? Buffer.concat([Buffer.from([0]), value]) : value),
    bool: (value: boolean) => der.tlv(0x01, Buffer.from([value ? 0xff : 0])),
    octets: (value: Buffer) => der.tlv(0x04, value),
    utf8: (value: string) => der.tlv(0x0c, Buffer.from(value, "utf8")),
    utcTime: (d: Date) => der.tlv(0x17, Buffer.from(d.toISOString().replace(/[-:T]/g, "").slice(2, 14) + "Z", "ascii")),
    explicit: (n: number, content: Buffer) => der.tlv(0xa0 + n, content),
    oid(dotted: string): Buffer {
        const parts = dotted.split(".").map(Number);
        const bytes = [40 * parts[0] + parts[1]];
        for (const p of parts.slice(2)) {
            const group: number[] = [p & 0x7f];
            for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) {
                group.unshift((v & 0x7f) | 0x80);
            }
            bytes.push(...group);
        }
        return der.tlv(0x06, Buffer.from(bytes));
    },
};
