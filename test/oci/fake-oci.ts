/**
 * FakeOci: the three OCI APIs the failover function calls, over real HTTP on
 * 127.0.0.1, each request's OCI signature verified against the test key:
 *
 *   GET|PUT /20180115/steeringPolicies/{id}        DNS (ETag / If-Match, 412 on a stale ETag)
 *   POST    /20180401/metrics/actions/summarizeMetricsData?compartmentId=...   Monitoring
 *   GET     /20180501/httpProbeResults/{id}        Health Checks (the primary's HTTPS monitor)
 *   GET     /20180501/pingProbeResults/{id}        Health Checks (the secondary's TCP monitor)
 *   POST    /20180401/metrics                      Monitoring PostMetricData (telemetry-ingestion)
 *   POST    /20181201/topics/{id}/messages         Notifications PublishMessage
 *   GET|PUT /20180401/alarms/{id}                  Monitoring GetAlarm, UpdateAlarm (isEnabled: the failback)
 *   GET     /20180401/alarms/status?compartmentId= Monitoring ListAlarmsStatus (alarms with a status, by compartment)
 *   GET     /20180115/zones/{id}                   DNS GetZone (the zone's nameservers)
 *
 * State is set directly (policies, datapoints, probe results); faults answer a
 * status for matching requests; every request is recorded.
 */
import * as crypto from "crypto";
import * as http from "http";
import { parseSignatureHeader } from "../../functions/oci/signer";
import { jsonOrText, LocalServer, startLocalServer } from "../support/local-server";

export interface OciFault {
    method?: string;
    path?: string | RegExp;
    status: number;
    times?: number;
    /** Runs before the request is handled (e.g. a concurrent edit). */
    before?: (oci: FakeOci) => void;
    /** The request is handled once this settles: keeps a call in flight while a test runs something else. */
    hold?: () => Promise<unknown>;
}

export interface OciRecorded {
    method: string;
    path: string;
    query: Record<string, string>;
    headers: http.IncomingHttpHeaders;
    body?: unknown;
    status: number;
    signatureValid: boolean;
    keyId?: string;
}

export class FakeOci {
    readonly requests: OciRecorded[] = [];
    readonly policies = new Map<string, { doc: Record<string, unknown>; version: number }>();
    /** Datapoints SummarizeMetricsData returns for queries naming this monitor. */
    readonly datapoints = new Map<string, { timestamp: string; value: number }[]>();
    /** ListPingProbeResults per monitor. */
    readonly probeResults = new Map<string, { startTime: number; isHealthy: boolean; vantagePointName: string }[]>();
    /** ListHttpProbeResults per monitor. */
    readonly httpProbeResults = new Map<string, { startTime: number; isHealthy: boolean; vantagePointName: string }[]>();
    /** PostMetricData's accepted metricData entries, in order. */
    readonly postedMetrics: { namespace: string; compartmentId: string; name: string; dimensions: Record<string, string>; datapoints: { timestamp: string; value: number }[] }[] = [];
    /** PublishMessage per topic: title and body. */
    readonly messages: { topicId: string; title: string; body: string; messageType?: string }[] = [];
    /** Topics PublishMessage accepts. */
    readonly topics = new Set<string>();
    /** GetAlarm answers per alarm OCID. */
    readonly alarms = new Map<string, { displayName: string; isEnabled: boolean; lifecycleState?: string; compartmentId?: string; status?: "OK" | "FIRING" }>();
    /** GetZone answers per zone OCID. */
    readonly zones = new Map<string, { name: string; nameservers: { hostname: string }[] }>();
    private faults: (OciFault & { left: number })[] = [];
    private server!: LocalServer;
    url = "";

    private constructor(private readonly publicKey: crypto.KeyObject, private readonly expectedKeyId: string) {}

    static async start(publicKey: crypto.KeyObject, expectedKeyId: string): Promise<FakeOci> {
        const f = new FakeOci(publicKey, expectedKeyId);
        f.server = await startLocalServer((req, res, raw) => f.handle(req, res, raw));
        f.url = f.server.url;
        return f;
    }

    stop(): Promise<void> {
        return this.server.stop();
    }

    putPolicy(id: string, doc: Record<string, unknown>): void {
        this.policies.set(id, { doc: JSON.parse(JSON.stringify(doc)), version: 1 });
    }

    policy(id: string): Record<string, unknown> {
        return this.policies.get(id)!.doc;
    }

    /** Changes the stored policy as a concurrent writer would (bumps the ETag). */
    editPolicy(id: string, edit: (doc: Record<string, unknown>) => void): void {
        const p = this.policies.get(id)!;
        edit(p.doc);
        p.version++;
    }

    fault(f: OciFault): void {
        this.faults.push({ ...f, left: f.times ?? 1 });
    }

    clearFaults(): void {
        this.faults = [];
    }

    count(method: string, pathPart: string): number {
        return this.requests.filter(r => r.method === method && r.path.includes(pathPart)).length;
    }

    private handle(req: http.IncomingMessage, res: http.ServerResponse, raw: string): void {
        const url = new URL(req.url ?? "/", this.url);
        const rec: OciRecorded = {
            method: req.method ?? "",
            path: url.pathname,
            query: Object.fromEntries(url.searchParams.entries()),
            headers: req.headers,
            status: 0,
            signatureValid: false,
            body: jsonOrText(raw),
        };
        this.requests.push(rec);
        const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
            rec.status = status;
            res.writeHead(status, { "content-type": "application/json", "opc-request-id": `req-${this.requests.length}`, ...headers });
            res.end(body === undefined ? "" : JSON.stringify(body));
        };

        const sig = verifyOciSignature(req, url, raw, this.publicKey, this.expectedKeyId);
        rec.signatureValid = sig.ok;
        rec.keyId = sig.keyId;
        if (!sig.ok) return answer(401, { code: "NotAuthenticated", message: sig.why });

        const fault = this.faults.find(f => f.left > 0 && (!f.method || f.method === req.method) &&
            (!f.path || (typeof f.path === "string" ? url.pathname.includes(f.path) : f.path.test(url.pathname))));
        if (fault) {
            fault.left--;
            const apply = () => {
                if (fault.before) fault.before(this);
                if (fault.status > 0) return answer(fault.status, { code: "Fault", message: `injected ${fault.status}` });
                this.route(req, url, rec, answer);
            };
            if (fault.hold) {
                fault.hold().finally(apply).catch(() => undefined);
                return;
            }
            return apply();
        }
        this.route(req, url, rec, answer);
    }

    private route(req: http.IncomingMessage, url: URL, rec: OciRecorded, answer: (status: number, body: unknown, headers?: Record<string, string>) => void): void {

        const policyMatch = /^\/20180115\/steeringPolicies\/([^/]+)$/.exec(url.pathname);
        if (policyMatch) {
            const p = this.policies.get(decodeURIComponent(policyMatch[1]));
            if (!p) return answer(404, { code: "NotAuthorizedOrNotFound", message: "no such steering policy" });
            const etag = `"v${p.version}"`;
            if (req.method === "GET") return answer(200, p.doc, { etag });
            if (req.method === "PUT") {
                const ifMatch = req.headers["if-match"];
                if (ifMatch !== undefined && ifMatch !== etag) return answer(412, { code: "PreconditionFailed", message: "etag mismatch" });
                const b = rec.body as Record<string, unknown>;
                if (!b || !Array.isArray(b.answers) || !Array.isArray(b.rules) || typeof b.template !== "string") {
                    return answer(400, { code: "InvalidParameter", message: "answers, rules and template are required" });
                }
                // UpdateSteeringPolicy replaces answers and rules wholesale; other fields only when given.
                for (const k of ["displayName", "ttl", "healthCheckMonitorId", "template", "freeformTags", "definedTags", "answers", "rules"]) {
                    if (k in b) p.doc[k] = b[k];
                }
                p.version++;
                return answer(200, p.doc, { etag: `"v${p.version}"` });
            }
            return answer(405, { code: "MethodNotAllowed", message: req.method });
        }
        if (url.pathname === "/20180401/metrics/actions/summarizeMetricsData" && req.method === "POST") {
            const b = rec.body as { namespace?: string; query?: string };
            if (!url.searchParams.get("compartmentId")) return answer(400, { code: "MissingParameter", message: "compartmentId" });
            if (b?.namespace !== "oci_healthchecks") return answer(400, { code: "InvalidParameter", message: `namespace ${b?.namespace}` });
            const monitor = /resourceId = "([^"]+)"/.exec(b.query ?? "")?.[1];
            const points = monitor ? this.datapoints.get(monitor) : undefined;
            return answer(200, points ? [{ namespace: "oci_healthchecks", name: "HTTP.isHealthy", dimensions: { resourceId: monitor }, aggregatedDatapoints: points }] : []);
        }
        if (url.pathname === "/20180401/alarms/status" && req.method === "GET") {
            const compartment = url.searchParams.get("compartmentId");
            if (!compartment) return answer(400, { code: "MissingParameter", message: "compartmentId" });
            // Only alarms that have a status (evaluated at least once) are listed.
            return answer(200, [...this.alarms.entries()].filter(([, a]) => a.compartmentId === compartment && a.status !== undefined)
                .map(([id, a]) => ({ id, displayName: a.displayName, severity: "CRITICAL", status: a.status, timestampTriggered: new Date(0).toISOString() })));
        }
        const zoneMatch = /^\/20180115\/zones\/([^/]+)$/.exec(url.pathname);
        if (zoneMatch && req.method === "GET") {
            const id = decodeURIComponent(zoneMatch[1]);
            const z = this.zones.get(id);
            if (!z) return answer(404, { code: "NotAuthorizedOrNotFound", message: "no such zone" });
            return answer(200, { id, name: z.name, zoneType: "PRIMARY", scope: "GLOBAL", lifecycleState: "ACTIVE", nameservers: z.nameservers });
        }
        const alarmMatch = /^\/20180401\/alarms\/([^/]+)$/.exec(url.pathname);
        if (alarmMatch && (req.method === "GET" || req.method === "PUT")) {
            const id = decodeURIComponent(alarmMatch[1]);
            const a = this.alarms.get(id);
            if (!a) return answer(404, { code: "NotAuthorizedOrNotFound", message: "no such alarm" });
            if (req.method === "PUT") {
                // UpdateAlarm changes only the fields given; this fake knows isEnabled.
                const b = rec.body as { isEnabled?: unknown } | undefined;
                if (!b || Object.keys(b).some(k => k !== "isEnabled") || typeof b.isEnabled !== "boolean") {
                    return answer(400, { code: "InvalidParameter", message: `this fake updates isEnabled only, got ${JSON.stringify(b)}` });
                }
                a.isEnabled = b.isEnabled;
            }
            return answer(200, { id, lifecycleState: "ACTIVE", severity: "CRITICAL", ...a });
        }
        const probeMatch = /^\/20180501\/(ping|http)ProbeResults\/([^/]+)$/.exec(url.pathname);
        if (probeMatch && req.method === "GET") {
            const since = Number(url.searchParams.get("startTimeGreaterThanOrEqualTo") ?? 0);
            const limit = Number(url.searchParams.get("limit") ?? 1000);
            if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return answer(400, { code: "InvalidParameter", message: `limit ${url.searchParams.get("limit")}` });
            const store = probeMatch[1] === "ping" ? this.probeResults : this.httpProbeResults;
            const results = (store.get(decodeURIComponent(probeMatch[2])) ?? []).filter(r => r.startTime >= since);
            const sorted = results.sort((a, b) => (url.searchParams.get("sortOrder") === "DESC" ? b.startTime - a.startTime : a.startTime - b.startTime));
            // A page of `limit`; the rest behind opc-next-page, as OCI pages lists.
            return answer(200, sorted.slice(0, limit), sorted.length > limit ? { "opc-next-page": `page-${limit}` } : {});
        }
        if (url.pathname === "/20180401/metrics" && req.method === "POST") {
            // The documented rules: namespace lower-case, not oci_; compartment, name and datapoints present.
            const b = rec.body as { metricData?: FakeOci["postedMetrics"] };
            const bad = (b?.metricData ?? []).find(m => !/^[a-z][a-z0-9_]*$/.test(m.namespace) || m.namespace.startsWith("oci_")
                || !/^ocid1\./.test(m.compartmentId) || !m.name || !Array.isArray(m.datapoints) || m.datapoints.length === 0);
            if (!Array.isArray(b?.metricData) || b.metricData.length === 0) return answer(400, { code: "InvalidParameter", message: "metricData is required" });
            if (bad) return answer(200, { failedMetricsCount: 1, failedMetrics: [{ metricData: bad, message: "invalid namespace, compartment, name or datapoints" }] });
            this.postedMetrics.push(...b.metricData);
            return answer(200, { failedMetricsCount: 0, failedMetrics: [] });
        }
        const topicMatch = /^\/20181201\/topics\/([^/]+)\/messages$/.exec(url.pathname);
        if (topicMatch && req.method === "POST") {
            const topicId = decodeURIComponent(topicMatch[1]);
            if (!this.topics.has(topicId)) return answer(404, { code: "NotAuthorizedOrNotFound", message: "no such topic" });
            const b = rec.body as { title?: string; body?: string };
            if (typeof b?.body !== "string") return answer(400, { code: "InvalidParameter", message: "body is required" });
            this.messages.push({ topicId, title: b.title ?? "", body: b.body, messageType: req.headers.messagetype as string | undefined });
            return answer(202, { messageId: `msg-${this.messages.length}`, timeStamp: new Date().toISOString() });
        }
        return answer(404, { code: "NotFound", message: `${req.method} ${url.pathname}` });
    }
}

/**
 * Checks a request the way OCI does: the listed headers, in order, signed
 * with the caller's key (the body's headers too for POST and PUT). Shared
 * by the fakes of each OCI API.
 */
export function verifyOciSignature(req: http.IncomingMessage, url: URL, body: string, publicKey: crypto.KeyObject, expectedKeyId: string): { ok: boolean; why?: string; keyId?: string } {
    const auth = req.headers.authorization;
    if (!auth) return { ok: false, why: "no Authorization header" };
    let p: Record<string, string>;
    try {
        p = parseSignatureHeader(auth);
    } catch (e) {
        return { ok: false, why: (e as Error).message };
    }
    if (p.version !== "1" || p.algorithm !== "rsa-sha256") return { ok: false, why: "version/algorithm", keyId: p.keyId };
    if (p.keyId !== expectedKeyId) return { ok: false, why: `unexpected keyId ${p.keyId}`, keyId: p.keyId };
    const names = p.headers.split(" ");
    const required = ["date", "(request-target)", "host", ...(["POST", "PUT"].includes(req.method ?? "") ? ["content-length", "content-type", "x-content-sha256"] : [])];
    if (required.some(r => !names.includes(r))) return { ok: false, why: `signed headers ${p.headers} miss one of ${required.join(" ")}`, keyId: p.keyId };
    if (names.includes("x-content-sha256")) {
        const digest = crypto.createHash("sha256").update(body).digest("base64");
        if (req.headers["x-content-sha256"] !== digest) return { ok: false, why: "x-content-sha256 does not match the body", keyId: p.keyId };
    }
    const signing = names.map(n => `${n}: ${n === "(request-target)" ? `${(req.method ?? "").toLowerCase()} ${url.pathname}${url.search}` : req.headers[n]}`).join("\n");
    const ok = crypto.verify("sha256", Buffer.from(signing), publicKey, Buffer.from(p.signature, "base64"));
    return ok ? { ok, keyId: p.keyId } : { ok, why: "signature does not verify", keyId: p.keyId };
}
