/**
 * A simulated failed-over pair for the failback tests, over real HTTP:
 * one FakeKubernetes per side (the humio-operator Deployment and the admin
 * token Secret) and one local server for the rest (nodes, LogScale pods and
 * their DataSnapshotLoader lines, the Strimzi KafkaTopic, LogScale GraphQL and
 * /api/v1/status, each side's bucket, the DNS lock, the failover alarm and the
 * stacks' config). Time is a virtual clock; the simulation advances on every
 * request, the way the clusters would have moved on while the runner slept.
 *
 * The simulation follows LogScale, not the runner: the secondary writes its
 * flush snapshot only when FlushSegmentsAndGlobalOnShutdown was on at the
 * stop, and the primary logs the recovery sequence only when it starts with
 * recoverFrom=secondary, no snapshot of its own and no global-events topic.
 */
import * as http from "http";
import { FakeKubernetes, JobOutcome } from "../support/fake-k8s";

/** The brokers' image in the fake clusters (the admin Job must run it). */
export const KAFKA_BROKER_IMAGE = "quay.io/strimzi/kafka:1.0.0-kafka-4.1.0";
import { jsonOrText, LocalServer, startLocalServer } from "../support/local-server";
import { Clock, Side } from "../../scripts/failback/ports";
import { RECOVERY_SEQUENCE } from "../../scripts/failback/steps";

export type Cloud = "aws" | "azure" | "oci";
export const CLOUDS: readonly Cloud[] = ["aws", "azure", "oci"];
export const SIDES: readonly Side[] = ["primary", "secondary"];
export const ADMIN_TOKEN = "admin-token-for-tests";
export const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
/** What the failover 30 minutes before T0 left: its time and the lock mark (functions/core/record.ts). */
export const FAILOVER_RECORD = `${T0 / 1000 - 1800};lock=applied`;
export const RECORD_ANNOTATION = "logscale.dr/last-failover-epoch";
const S = 1000, MIN = 60 * S;
/** How long the simulated clusters take; the runner's timeouts are longer. */
export const TIMING = { flushMs: 90 * S, drainMs: 2 * MIN, podsUpMs: 30 * S, statusOkMs: 2 * MIN, ownSnapshotMs: 15 * MIN };

export class VirtualClock implements Clock {
    constructor(public t = T0) {}
    now(): number { return this.t; }
    async sleep(ms: number): Promise<void> { this.t += ms; }
}

export interface Obj { key: string; modified: number }

interface SideSim {
    prefix: string;
    objects: Obj[];
    deleted: string[];
    nodesReady: boolean;
    topic: boolean;
    /**
     * A KafkaTopic object stands for global-events (Strimzi's topic operator manages it). False is the
     * stack's own shape: no entity operator, and LogScale creates its topics itself.
     */
    topicManaged: boolean;
    flush: boolean;
    config: Record<string, string>;
    lastReplicas: number;
    stoppedAt?: number;
    flushAtStop: boolean;
    startedAt?: number;
    /** Decided at the start: what the pod logs and whether status turns OK. */
    boot?: "recovered" | "own-snapshot" | "epoch-fatal" | "no-source";
    ownSnapshotWritten: boolean;
}

/** A fault on one route of the local server: an HTTP status, or a GraphQL error answered with 200. */
export interface Fault { route: string; side?: Side; method?: string; bodyIncludes?: string; times?: number; status?: number; graphqlError?: string;
    /** Apply the request, then answer the error: the change happened, the caller does not know. */
    apply?: boolean }

export class FailbackFakes {
    readonly kube: Record<Side, FakeKubernetes>;
    readonly sim: Record<Side, SideSim>;
    readonly calls: { route: string; side?: Side; method: string; body?: unknown }[] = [];
    /** DNS lock and alarm in each cloud's own terms, as its API shows them. */
    dns: Record<string, unknown>;
    alarm: Record<string, unknown>;
    /** The failover function's record on AWS (SSM parameter); Azure and OCI keep it as the secondary operator's annotation. */
    awsRecord = FAILOVER_RECORD;
    /**
     * A secondary promoted the real way: promotion removed its failover function and alarm, so none
     * exists while it is dr: active; step 13's up (dr: standby) declares the alarm again, enabled.
     */
    promotedWithoutAlarm = false;
    private alarmRedeclared = false;
    /** Models a `pulumi up --refresh` on the active primary: it restores the declared operator replicas. */
    upRestoresOperator = false;
    private faults: (Fault & { left: number })[] = [];
    private server!: LocalServer;

    private constructor(readonly cloud: Cloud, readonly clock: VirtualClock, kube: Record<Side, FakeKubernetes>) {
        this.kube = kube;
        const segments = (prefix: string) => [0, 1, 2].map(i => ({ key: `${prefix}segments/ds-1/seg-${i}.data`, modified: T0 - 3600_000 + i }));
        const side = (prefix: string, config: Record<string, string>, snapshotAge: number): SideSim => ({
            prefix, nodesReady: true, topic: true, topicManaged: true, flush: false, config, lastReplicas: 1, flushAtStop: false, ownSnapshotWritten: false, deleted: [],
            objects: [...segments(prefix), { key: `${prefix}globalsnapshots/globalsnapshot-old.json`, modified: T0 - snapshotAge }],
        });
        this.sim = {
            primary: side("logscale/", { cloud, dr: "active", recoverFrom: "none" }, 2 * 3600_000),
            // Promoted during the failover: step 13 has an up to do.
            secondary: side("", { cloud, dr: "active", primaryStack: "primary" }, 40 * MIN),
        };
        this.dns = cloud === "aws" ? { fqdn: "failover-locked.invalid" } : cloud === "azure" ? { endpointStatus: "Disabled" } : { isDisabled: true };
        this.alarm = cloud === "aws" ? { actionsEnabled: true } : cloud === "azure" ? { enabled: true } : { isEnabled: true };
    }

    static async start(cloud: Cloud, clock = new VirtualClock()): Promise<FailbackFakes> {
        const kube = { primary: await FakeKubernetes.start(), secondary: await FakeKubernetes.start() };
        for (const s of SIDES) {
            kube[s].putDeployment("logging", "humio-operator", { replicas: 1, annotations: s === "secondary" && cloud !== "aws" ? { [RECORD_ANNOTATION]: FAILOVER_RECORD } : {} });
            kube[s].putSecret("logging", "logscale-admin-token", { data: { token: Buffer.from(ADMIN_TOKEN).toString("base64") } });
        }
        const f = new FailbackFakes(cloud, clock, kube);
        f.server = await startLocalServer((req, res, raw) => f.handle(req, res, raw));
        return f;
    }

    get url(): string { return this.server.url; }

    /**
     * A side's simulated objects as a fake object store holds them: the same
     * array, read and replaced through the simulation, so a store's deletes
     * are what the steps see.
     */
    simStore(side: Side): { objects: Obj[]; deleted: string[] } {
        const sim = this.sim;
        return {
            get objects() { return sim[side].objects; },
            set objects(v) { sim[side].objects = v; },
            deleted: sim[side].deleted,
        };
    }

    /** Each side's LogScale as the live worlds reach it here: under the fakes' own HTTP server. */
    logscaleUrls(): Record<Side, string> {
        return { primary: `${this.url}/primary/logscale`, secondary: `${this.url}/secondary/logscale` };
    }

    /**
     * For the live world, which reads the clusters themselves: each side's FakeKubernetes answers
     * nodes, the LogScale pods and their log, and the KafkaTopic (kafka.strimzi.io/v1) from the
     * simulation; the operator Deployment and its scale subresource stay FakeKubernetes' own.
     */
    serveLiveKube(): void {
        for (const side of SIDES) {
            this.kube[side].putObject("kafka.strimzi.io/v1", "Kafka", "kafkas", "logging", "logscale-strimzi-kafka", { spec: { entityOperator: { topicOperator: {} } } });
            this.kube[side].putPod("logging", "logscale-strimzi-kafka-dual-role-0", { "strimzi.io/cluster": "logscale-strimzi-kafka", "strimzi.io/kind": "Kafka" })
                .spec = { containers: [{ name: "kafka", image: KAFKA_BROKER_IMAGE }] };
            this.kube[side].jobRunner = job => this.runKafkaAdmin(side, job);
            this.kube[side].extraRoute = (method, path, record) => {
                this.tick();
                const s = this.sim[side];
                const notFound = (what: string) => ({ status: 404, body: { kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404, message: `${what} not found` } });
                if (path === "/api/v1/nodes") {
                    const ready = s.nodesReady ? "True" : "False";
                    return { status: 200, body: { kind: "NodeList", items: [1, 2, 3].map(i => ({ metadata: { name: `node-${i}` }, status: { conditions: [{ type: "Ready", status: ready }] } })) } };
                }
                if (path === "/api/v1/namespaces/logging/pods" && (record.query ?? "").includes("humio")) {
                    return { status: 200, body: { kind: "PodList", items: Array.from({ length: this.pods(side) }, (_, i) => ({ metadata: { name: `logscale-core-${i}` } })) } };
                }
                if (/^\/api\/v1\/namespaces\/logging\/pods\/logscale-core-\d+\/log$/.test(path)) {
                    return this.pods(side) ? { status: 200, body: this.loaderLines(side).join("\n"), text: true } : notFound("pod");
                }
                if (path === "/apis/kafka.strimzi.io/v1/namespaces/logging/kafkatopics/global-events") {
                    if (!s.topic || !s.topicManaged) return notFound('kafkatopics.kafka.strimzi.io "global-events"');
                    if (method === "DELETE") s.topic = false;
                    return { status: 200, body: method === "DELETE" ? { kind: "Status", status: "Success" } : { kind: "KafkaTopic", metadata: { name: "global-events" } } };
                }
                return undefined;
            };
        }
    }

    /**
     * What the Kafka admin Job (scripts/failback/kafka-admin-job.ts) does against this side's brokers:
     * its script deletes and/or lists global-events. The Job fails, as the CLI would, when it is not
     * pointed at the TLS bootstrap with the cluster CA's password, or on an injected fault of route
     * "kafka-admin-list" / "kafka-admin-delete".
     */
    private runKafkaAdmin(side: Side, job: Record<string, unknown>): JobOutcome {
        const c = (job as { spec: { template: { spec: { containers: { image: string; command: string[]; env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[] }[] } } } })
            .spec.template.spec.containers[0];
        const script = c.command[2] ?? "";
        const action = script.includes("--delete") ? "delete" : "list";
        const route = `kafka-admin-${action}`;
        this.calls.push({ route, side, method: "POST", body: job });
        const env = Object.fromEntries((c.env ?? []).map(e => [e.name, e]));
        const fault = this.faults.find(f => f.left > 0 && f.route === route && (f.side === undefined || f.side === side));
        if (fault) {
            fault.left--;
            return { result: "failed", log: "Error while executing topic command : Timed out waiting for a node assignment.", afterGets: 2 };
        }
        if (c.image !== KAFKA_BROKER_IMAGE || env.BOOTSTRAP?.value !== "logscale-strimzi-kafka-kafka-bootstrap.logging.svc:9093"
            || env.CA_PASSWORD?.valueFrom?.secretKeyRef?.name !== "logscale-strimzi-kafka-cluster-ca-cert" || !script.includes("ssl.truststore.location=/ca/ca.p12")) {
            return { result: "failed", log: "org.apache.kafka.common.errors.SslAuthenticationException: SSL handshake failed", afterGets: 1 };
        }
        const s = this.sim[side];
        if (action === "delete" && script.includes("--topic global-events")) s.topic = false;
        const topics = ["__consumer_offsets", ...(s.topic ? ["global-events"] : []), "humio-ingest", "transientChatter-events"];
        return { result: "succeeded", log: ["WARN [AdminClient clientId=adminclient-1] Connection to node -1 could not be established", "LOGSCALE-DR-TOPICS begin", ...topics, "LOGSCALE-DR-TOPICS end", ""].join("\n"), afterGets: 2 };
    }

    async stop(): Promise<void> {
        await this.server.stop();
        for (const s of SIDES) await this.kube[s].stop();
    }

    fault(f: Fault): void { this.faults.push({ ...f, left: f.times ?? 1 }); }

    count(route: string, side?: Side, method?: string): number {
        return this.calls.filter(c => c.route === route && (side === undefined || c.side === side) && (method === undefined || c.method === method)).length;
    }

    replicas(side: Side): number { return this.kube[side].deployment("logging", "humio-operator")!.spec.replicas ?? 1; }

    snapshots(side: Side): Obj[] { return this.sim[side].objects.filter(o => o.key.startsWith(`${this.sim[side].prefix}globalsnapshots/`)); }
    segments(side: Side): Obj[] { return this.sim[side].objects.filter(o => o.key.includes("/segments/") || o.key.startsWith("segments/")); }

    dnsLocked(): boolean {
        return this.cloud === "aws" ? this.dns.fqdn === "failover-locked.invalid" : this.cloud === "azure" ? this.dns.endpointStatus === "Disabled" : this.dns.isDisabled === true;
    }

    alarmEnabled(): boolean { return Object.values(this.alarm)[0] === true; }

    pods(side: Side): number {
        this.tick();
        const s = this.sim[side], now = this.clock.now();
        if (s.lastReplicas > 0) return s.startedAt === undefined || now >= s.startedAt + TIMING.podsUpMs ? 3 : 0;
        return s.stoppedAt !== undefined && now < s.stoppedAt + TIMING.drainMs ? 3 : 0;
    }

    /** Moves each side on to what the operator's replicas and the virtual time imply. */
    /** Whether the secondary has a failover alarm now (see promotedWithoutAlarm). */
    alarmExists(): boolean {
        return !this.promotedWithoutAlarm || this.sim.secondary.config.dr !== "active";
    }

    tick(): void {
        if (this.promotedWithoutAlarm && this.alarmExists() && !this.alarmRedeclared) {
            this.alarmRedeclared = true;
            for (const k of Object.keys(this.alarm)) this.alarm[k] = true;
        }
        const now = this.clock.now();
        for (const side of SIDES) {
            const s = this.sim[side];
            const r = this.replicas(side);
            if (r === 0 && s.lastReplicas > 0) {
                s.stoppedAt = now;
                s.flushAtStop = s.flush;
                s.startedAt = undefined;
                s.boot = undefined;
            } else if (r > 0 && s.lastReplicas === 0) {
                s.startedAt = now;
                s.boot = this.bootOutcome(side);
                s.ownSnapshotWritten = false;
                // LogScale creates global-events again when it starts, with no KafkaTopic for it.
                if (!s.topic) s.topicManaged = false;
                s.topic = true;
            }
            s.lastReplicas = r;
            if (s.flushAtStop && s.stoppedAt !== undefined && now >= s.stoppedAt + TIMING.flushMs) {
                s.objects.push({ key: `${s.prefix}globalsnapshots/globalsnapshot-${s.stoppedAt + TIMING.flushMs}.json`, modified: s.stoppedAt + TIMING.flushMs });
                s.flushAtStop = false;
            }
            if ((s.boot === "recovered" || s.boot === "own-snapshot") && !s.ownSnapshotWritten && s.startedAt !== undefined && now >= s.startedAt + TIMING.ownSnapshotMs) {
                s.objects.push({ key: `${s.prefix}globalsnapshots/globalsnapshot-${s.startedAt + TIMING.ownSnapshotMs}.json`, modified: s.startedAt + TIMING.ownSnapshotMs });
                s.ownSnapshotWritten = true;
            }
        }
    }

    private bootOutcome(side: Side): SideSim["boot"] {
        const s = this.sim[side];
        if (this.snapshots(side).length > 0) return "own-snapshot";
        if (side !== "primary" || s.config.recoverFrom !== "secondary" || this.snapshots("secondary").length === 0) return "no-source";
        return s.topic ? "epoch-fatal" : "recovered";
    }

    private loaderLines(side: Side): string[] {
        const s = this.sim[side];
        if (s.startedAt === undefined || this.clock.now() < s.startedAt + TIMING.podsUpMs) return [];
        const loader = (m: string) => `2025-01-01T12:00:00.000Z [main] INFO c.h.DataSnapshotLoader - ${m}`;
        switch (s.boot) {
            case "recovered": return [loader("Checking bucket storage localAndHttpWereEmpty=true"), ...RECOVERY_SEQUENCE.map(m => loader(`${m} ...`))];
            case "own-snapshot": return [loader("Loaded global snapshot from bucket storage")];
            case "epoch-fatal": return [loader(`${RECOVERY_SEQUENCE[0]} ...`), loader(`${RECOVERY_SEQUENCE[1]} ...`), "FATAL: The Kafka epoch key has changed"];
            default: return [loader("Checking bucket storage localAndHttpWereEmpty=true"), loader("No global snapshot found; starting empty")];
        }
    }

    private statusOk(side: Side): boolean {
        const s = this.sim[side];
        return s.lastReplicas > 0 && s.boot !== "epoch-fatal" && (s.startedAt === undefined || this.clock.now() >= s.startedAt + TIMING.statusOkMs);
    }

    private handle(req: http.IncomingMessage, res: http.ServerResponse, raw: string): void {
        const url = new URL(req.url ?? "/", "http://x");
        const method = req.method ?? "GET";
        const body = jsonOrText(raw);
        let lost: number | undefined;
        const send = (code: number, doc: unknown, type = "application/json") => {
            if (lost !== undefined) [code, doc, type] = [lost, { error: "injected fault after applying" }, "application/json"];
            const text = typeof doc === "string" && type !== "application/json" ? doc : JSON.stringify(doc);
            res.writeHead(code, { "content-type": type, "content-length": Buffer.byteLength(text) });
            res.end(text);
        };
        const m = /^\/(primary|secondary)(\/.*)$/.exec(url.pathname);
        const side = m?.[1] as Side | undefined;
        const rest = m?.[2] ?? url.pathname;
        const route = routeName(method, rest);
        this.calls.push({ route, side, method, body });
        this.tick();
        const fault = this.faults.find(f => f.left > 0 && f.route === route && (f.side === undefined || f.side === side)
            && (f.method === undefined || f.method === method) && (f.bodyIncludes === undefined || raw.includes(f.bodyIncludes)));
        if (fault) {
            fault.left--;
            if (fault.apply) lost = fault.status ?? 500;
            else if (fault.graphqlError !== undefined) return send(200, { data: null, errors: [{ message: fault.graphqlError, path: ["setDynamicConfig"] }] });
            else return send(fault.status ?? 500, { error: `injected fault on ${route}` });
        }
        if (route === "record") {
            if (method === "PUT") this.awsRecord = String((body as { value?: string }).value);
            return send(200, { value: this.awsRecord });
        }
        if (route === "alarm" && !this.alarmExists()) return send(404, { error: "no failover alarm: the secondary is promoted" });
        if (route === "dns" || route === "alarm") {
            const doc = route === "dns" ? this.dns : this.alarm;
            if (method === "PUT") Object.assign(doc, body);
            return send(200, doc);
        }
        if (!side) return send(404, { error: `no route ${method} ${url.pathname}` });
        const s = this.sim[side];
        switch (route) {
            case "nodes": {
                const ready = s.nodesReady ? "True" : "False";
                return send(200, { kind: "NodeList", items: [1, 2, 3].map(i => ({ metadata: { name: `node-${i}` }, status: { conditions: [{ type: "Ready", status: ready }] } })) });
            }
            case "pods": return send(200, { kind: "PodList", items: Array.from({ length: this.pods(side) }, (_, i) => ({ metadata: { name: `logscale-core-${i}` } })) });
            case "pod-log": return send(200, this.loaderLines(side).join("\n"), "text/plain");
            case "kafkatopic": return s.topic ? send(200, { kind: "KafkaTopic", metadata: { name: "global-events" } }) : send(404, { kind: "Status", code: 404, reason: "NotFound" });
            case "kafkatopic-delete":
                if (!s.topic) return send(404, { kind: "Status", code: 404, reason: "NotFound" });
                s.topic = false;
                return send(200, { kind: "Status", status: "Success" });
            case "graphql": {
                if (req.headers.authorization !== `Bearer ${ADMIN_TOKEN}`) return send(401, { errors: [{ message: "Unauthorized" }] });
                if (this.pods(side) === 0) return send(503, { error: "no LogScale pod answers" });
                const q = String((body as { query?: string })?.query ?? "");
                if (q.includes("setDynamicConfig") && q.includes("FlushSegmentsAndGlobalOnShutdown")) {
                    s.flush = /value:\s*\\?"true\\?"/.test(q);
                    return send(200, { data: { setDynamicConfig: true } });
                }
                if (q.includes("dynamicConfigs")) {
                    return send(200, { data: { dynamicConfigs: [{ dynamicConfigKey: "FlushSegmentsAndGlobalOnShutdown", dynamicConfigValue: String(s.flush) }, { dynamicConfigKey: "MaxIngestRequestSize", dynamicConfigValue: "None" }] } });
                }
                return send(200, { data: null, errors: [{ message: `unsupported query: ${q.slice(0, 40)}` }] });
            }
            case "status": return this.statusOk(side) ? send(200, { status: "OK", version: "1.252.1" }) : send(503, "<html>503 Service Unavailable</html>", "text/html");
            case "bucket-list": {
                const prefix = url.searchParams.get("prefix") ?? "";
                return send(200, { objects: s.objects.filter(o => o.key.startsWith(prefix)) });
            }
            case "bucket-delete": {
                const keys = (body as { keys?: string[] }).keys ?? [];
                s.deleted.push(...keys);
                s.objects = s.objects.filter(o => !keys.includes(o.key));
                return send(200, { deleted: keys.length });
            }
            case "config": {
                const key = decodeURIComponent(rest.split("/").pop()!);
                return send(200, { value: s.config[key] ?? null });
            }
            case "preview": {
                const { key, value } = body as { key: string; value: string };
                return send(200, { diff: s.config[key] === value ? "" : `~ kubernetes:core/v1:HumioCluster logscale [diff: ~spec]\n  ${key}: ${s.config[key] ?? "(unset)"} => ${value}` });
            }
            case "up": {
                const { key, value } = body as { key: string; value: string };
                s.config[key] = value;
                if (this.upRestoresOperator && side === "primary" && s.config.dr === "active") {
                    const d = this.kube.primary.deployment("logging", "humio-operator")!;
                    d.spec.replicas = 1;
                    this.tick();
                }
                return send(200, { summary: { result: "succeeded" } });
            }
        }
        return send(404, { error: `no route ${method} ${url.pathname}` });
    }
}

function routeName(method: string, path: string): string {
    if (path === "/dns") return "dns";
    if (path === "/alarm") return "alarm";
    if (path === "/record") return "record";
    if (path === "/k8s/api/v1/nodes") return "nodes";
    if (path === "/k8s/api/v1/namespaces/logging/pods") return "pods";
    if (/^\/k8s\/api\/v1\/namespaces\/logging\/pods\/[^/]+\/log$/.test(path)) return "pod-log";
    if (path === "/k8s/apis/kafka.strimzi.io/v1beta2/namespaces/logging/kafkatopics/global-events") return method === "DELETE" ? "kafkatopic-delete" : "kafkatopic";
    if (path === "/logscale/graphql") return "graphql";
    if (path === "/logscale/api/v1/status") return "status";
    if (path === "/bucket") return "bucket-list";
    if (path === "/bucket/delete") return "bucket-delete";
    if (path.startsWith("/stack/config/")) return "config";
    if (path === "/stack/preview") return "preview";
    if (path === "/stack/up") return "up";
    return "unknown";
}
