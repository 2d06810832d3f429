/**
 * FakeAzure: a local stand-in (real HTTP on 127.0.0.1) for the two Azure
 * endpoints the failover function calls:
 *
 *   GET  /msi/token?resource=R&api-version=2019-08-01&client_id=C
 *        the App Service managed identity endpoint; answers 401 unless the
 *        X-IDENTITY-HEADER matches, and issues "token-for-<R>" tokens.
 *   GET|PATCH /subscriptions/{s}/resourceGroups/{g}/providers/Microsoft.Network/
 *        trafficmanagerprofiles/{p}/externalEndpoints/{e}?api-version=2022-04-01
 *        ARM "Endpoints - Get / Update"; answers 401 unless the bearer token was
 *        issued for the ARM resource, 404 for unknown endpoints, 400 for other
 *        api-versions. PATCH merges properties (endpointStatus); a Disabled
 *        endpoint reports endpointMonitorStatus Disabled, as Traffic Manager does.
 *   GET  /subscriptions/{s}/resourceGroups/{g}/providers/Microsoft.Insights/
 *        metricAlerts/{name}?api-version=2018-03-01
 *        ARM "Metric Alerts - Get" for alerts put with putMetricAlert (same token rule).
 *   PATCH (same path) ARM "Metric Alerts - Update": merges properties.enabled, answers the alert.
 *   GET  /subscriptions/{s}/resourceGroups/{g}/providers/Microsoft.Network/
 *        trafficmanagerprofiles/{p}/providers/Microsoft.Insights/metrics?api-version=2023-10-01
 *        &metricnames=ProbeAgentCurrentEndpointStateByProfileResourceId&interval=PT1M
 *        &aggregation=Maximum&timespan=<start>/<end>&$filter=EndpointName eq '<e>'
 *        Azure Monitor "Metrics - List" over the minutes put with putEndpointStateMinutes;
 *        400 for any other api-version, metric, grain, aggregation or filter shape.
 *   GET  /subscriptions/{s}/providers/Microsoft.AlertsManagement/alerts?api-version=2019-05-05-preview
 *        &alertRule=R&monitorCondition=C
 *        Azure Monitor "Alerts - Get All" over fake.alerts, with those two filters (same token rule).
 *
 *   fake.fault({ method: "PATCH", path: "/externalEndpoints/", times: 2, status: 503 })
 *   fake.fault({ path: "/msi/token", reset: true })
 *   fake.fault({ method: "GET", path: "/externalEndpoints/", until: promise }) // answers once promise settles
 */
import * as http from "http";
import { jsonOrText, LocalServer, startLocalServer } from "../support/local-server";

export interface AzureFault {
    method?: string;
    path?: string | RegExp;
    times?: number;
    status?: number;
    reset?: boolean;
    /** Hold the request until this settles, then apply the rest of the fault (or answer normally). */
    until?: Promise<unknown>;
}

export interface AzureRequest {
    method: string;
    path: string;
    query: Record<string, string>;
    headers: http.IncomingHttpHeaders;
    body?: unknown;
    status?: number;
}

export interface EndpointRecord {
    endpointStatus: string;
    endpointMonitorStatus: string;
    target: string;
    priority: number;
}

export const FAKE_ARM_API_VERSION = "2022-04-01";
export const FAKE_METRIC_ALERTS_API_VERSION = "2018-03-01";
export const FAKE_ALERTS_API_VERSION = "2019-05-05-preview";
export const FAKE_METRICS_API_VERSION = "2023-10-01";

/** One minute of the endpoint-state metric; maximum undefined: a minute Azure Monitor lists without data. */
export interface EndpointStateMinuteRecord {
    startMs: number;
    maximum?: number;
}

/** One Azure Monitor alert: what the fired metric alert rule leaves in the alert list. */
export interface AlertRecord {
    alertRule: string;
    monitorCondition: "Fired" | "Resolved";
    startDateTime: string;
}

export class FakeAzure {
    readonly requests: AzureRequest[] = [];
    url = "";
    readonly identityHeader = "fake-identity-header-secret";
    private readonly endpoints = new Map<string, EndpointRecord>();
    private readonly metricAlerts = new Map<string, { enabled: boolean }>();
    /** The alert list "Alerts - Get All" answers from; a test adds and resolves alerts here. */
    readonly alerts: AlertRecord[] = [];
    private readonly faults: (AzureFault & { left: number })[] = [];
    /** By profile id (lower case), then endpoint name. */
    private readonly stateMinutes = new Map<string, Map<string, EndpointStateMinuteRecord[]>>();
    private server!: LocalServer;

    static async start(): Promise<FakeAzure> {
        const fake = new FakeAzure();
        fake.server = await startLocalServer((req, res, raw) => fake.handle(req, res, raw));
        fake.url = fake.server.url;
        return fake;
    }

    stop(): Promise<void> {
        return this.server.stop();
    }

    /** The ARM resource (audience) of management tokens for this fake: its own base URL. */
    get armResource(): string {
        return `${this.url}/`;
    }

    putEndpoint(id: string, record: Partial<EndpointRecord> = {}): void {
        this.endpoints.set(id.toLowerCase(), {
            endpointStatus: "Enabled",
            endpointMonitorStatus: "Online",
            target: "20.1.2.3",
            priority: 1,
            ...record,
        });
    }

    putMetricAlert(id: string, alert: { enabled: boolean }): void {
        this.metricAlerts.set(id.toLowerCase(), alert);
    }

    metricAlert(id: string): { enabled: boolean } | undefined {
        return this.metricAlerts.get(id.toLowerCase());
    }

    /** The endpoint-state minutes of one endpoint (its profile and name from the endpoint's id). */
    putEndpointStateMinutes(endpointId: string, minutes: EndpointStateMinuteRecord[]): void {
        const m = /^(.*)\/externalEndpoints\/([^/]+)$/i.exec(endpointId);
        if (!m) throw new Error(`not an endpoint id: ${endpointId}`);
        const byName = this.stateMinutes.get(m[1].toLowerCase()) ?? new Map<string, EndpointStateMinuteRecord[]>();
        byName.set(m[2], minutes);
        this.stateMinutes.set(m[1].toLowerCase(), byName);
    }

    deleteEndpoint(id: string): void {
        this.endpoints.delete(id.toLowerCase());
    }

    endpoint(id: string): EndpointRecord | undefined {
        return this.endpoints.get(id.toLowerCase());
    }

    fault(f: AzureFault): void {
        this.faults.push({ ...f, left: f.times ?? 1 });
    }

    count(method: string, pathPart: string): number {
        return this.requests.filter(r => r.method === method && r.path.includes(pathPart)).length;
    }

    private handle(req: http.IncomingMessage, res: http.ServerResponse, raw: string): void {
        const url = new URL(req.url ?? "/", this.url);
        const record: AzureRequest = {
            method: req.method ?? "GET",
            path: url.pathname,
            query: Object.fromEntries(url.searchParams.entries()),
            headers: req.headers,
            body: jsonOrText(raw),
        };
        this.requests.push(record);
        const answer = (status: number, payload: unknown) => {
            record.status = status;
            const text = JSON.stringify(payload);
            res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
            res.end(text);
        };
        const fault = this.faults.find(f => f.left > 0 && (!f.method || f.method === record.method) && matches(f.path, record.path));
        if (fault) {
            fault.left--;
        }
        if (fault?.until) {
            const held = fault;
            void held.until!.then(() => undefined, () => undefined).then(() => this.respond(req, record, answer, held));
            return;
        }
        this.respond(req, record, answer, fault);
    }

    private respond(req: http.IncomingMessage, record: AzureRequest, answer: (s: number, p: unknown) => void, fault: AzureFault | undefined): void {
        if (fault) {
            if (fault.reset) {
                req.socket.destroy();
                return;
            }
            if (fault.status !== undefined) {
                answer(fault.status, { error: { code: "InjectedFault", message: `injected ${fault.status}` } });
                return;
            }
        }
        if (record.path === "/msi/token") {
            this.token(record, answer);
            return;
        }
        this.arm(record, answer);
    }

    private token(r: AzureRequest, answer: (s: number, p: unknown) => void): void {
        if (r.headers["x-identity-header"] !== this.identityHeader) {
            answer(401, { error: "unauthorized", error_description: "X-IDENTITY-HEADER missing or wrong" });
            return;
        }
        if (r.query["api-version"] !== "2019-08-01" || !r.query.resource) {
            answer(400, { error: "invalid_request", error_description: "api-version 2019-08-01 and resource are required" });
            return;
        }
        answer(200, {
            access_token: `token-for-${r.query.resource}`,
            expires_on: String(Math.floor(Date.now() / 1000) + 3600),
            resource: r.query.resource,
            token_type: "Bearer",
            client_id: r.query.client_id,
        });
    }

    private arm(r: AzureRequest, answer: (s: number, p: unknown) => void): void {
        if (r.headers.authorization !== `Bearer token-for-${this.armResource}`) {
            answer(401, { error: { code: "AuthenticationFailed", message: "bad or missing ARM token" } });
            return;
        }
        if (/^\/subscriptions\/[^/]+\/providers\/Microsoft\.AlertsManagement\/alerts$/i.test(r.path)) {
            this.alertList(r, answer);
            return;
        }
        if (/\/providers\/Microsoft\.Network\/trafficmanagerprofiles\/[^/]+\/providers\/Microsoft\.Insights\/metrics$/i.test(r.path)) {
            this.metricsList(r, answer);
            return;
        }
        if (/\/providers\/Microsoft\.Insights\/metricAlerts\/[^/]+$/i.test(r.path)) {
            this.metricAlertGet(r, answer);
            return;
        }
        if (!/\/providers\/Microsoft\.Network\/trafficmanagerprofiles\/[^/]+\/externalEndpoints\/[^/]+$/i.test(r.path)) {
            answer(404, { error: { code: "InvalidResourceType", message: `no route ${r.path}` } });
            return;
        }
        if (r.query["api-version"] !== FAKE_ARM_API_VERSION) {
            answer(400, { error: { code: "InvalidApiVersionParameter", message: `api-version ${r.query["api-version"]}` } });
            return;
        }
        const ep = this.endpoints.get(r.path.toLowerCase());
        if (!ep) {
            answer(404, { error: { code: "NotFound", message: `endpoint ${r.path} not found` } });
            return;
        }
        if (r.method === "PATCH") {
            const status = (r.body as { properties?: { endpointStatus?: unknown } } | undefined)?.properties?.endpointStatus;
            if (status !== undefined) {
                if (status !== "Enabled" && status !== "Disabled") {
                    answer(400, { error: { code: "BadRequest", message: `endpointStatus ${String(status)}` } });
                    return;
                }
                ep.endpointStatus = status;
                ep.endpointMonitorStatus = status === "Disabled" ? "Disabled" : "CheckingEndpoint";
            }
        } else if (r.method !== "GET") {
            answer(405, { error: { code: "MethodNotAllowed", message: r.method } });
            return;
        }
        const name = r.path.split("/").pop();
        answer(200, {
            id: r.path,
            name,
            type: "Microsoft.Network/trafficManagerProfiles/externalEndpoints",
            properties: { ...ep },
        });
    }

    private alertList(r: AzureRequest, answer: (s: number, p: unknown) => void): void {
        if (r.method !== "GET") {
            answer(405, { error: { code: "MethodNotAllowed", message: r.method } });
            return;
        }
        if (r.query["api-version"] !== FAKE_ALERTS_API_VERSION) {
            answer(400, { error: { code: "InvalidApiVersionParameter", message: `api-version ${r.query["api-version"]}` } });
            return;
        }
        const rule = r.query.alertRule?.toLowerCase();
        const condition = r.query.monitorCondition;
        const value = this.alerts
            .filter(a => (rule === undefined || a.alertRule.toLowerCase() === rule) && (condition === undefined || a.monitorCondition === condition))
            .map((a, i) => ({
                id: `${r.path}/alert-${i}`, name: `alert-${i}`, type: "Microsoft.AlertsManagement/alerts",
                properties: { essentials: { ...a, severity: "Sev1", alertState: "New", signalType: "Metric", monitorService: "Platform" } },
            }));
        answer(200, { value });
    }

    private metricsList(r: AzureRequest, answer: (s: number, p: unknown) => void): void {
        if (r.method !== "GET") {
            answer(405, { error: { code: "MethodNotAllowed", message: r.method } });
            return;
        }
        const q = r.query;
        const wrong = [
            q["api-version"] !== FAKE_METRICS_API_VERSION && `api-version ${q["api-version"]}`,
            q.metricnames !== "ProbeAgentCurrentEndpointStateByProfileResourceId" && `metricnames ${q.metricnames}`,
            q.interval !== "PT1M" && `interval ${q.interval}`,
            q.aggregation !== "Maximum" && `aggregation ${q.aggregation}`,
        ].filter(Boolean);
        const filter = /^EndpointName eq '([^']+)'$/.exec(q.$filter ?? "");
        const span = /^([^/]+)\/([^/]+)$/.exec(q.timespan ?? "");
        const startMs = span ? Date.parse(span[1]) : NaN;
        const endMs = span ? Date.parse(span[2]) : NaN;
        if (!filter) wrong.push(`$filter ${q.$filter}`);
        if (!Number.isFinite(startMs) || !Number.isFinite(endMs) || startMs >= endMs) wrong.push(`timespan ${q.timespan}`);
        if (wrong.length > 0) {
            answer(400, { error: { code: "BadRequest", message: wrong.join("; ") } });
            return;
        }
        const profile = r.path.replace(/\/providers\/Microsoft\.Insights\/metrics$/i, "").toLowerCase();
        const minutes = (this.stateMinutes.get(profile)?.get(filter![1]) ?? []).filter(m => m.startMs >= startMs && m.startMs < endMs);
        answer(200, {
            cost: 0,
            timespan: q.timespan,
            interval: "PT1M",
            value: [{
                id: `${r.path}/ProbeAgentCurrentEndpointStateByProfileResourceId`,
                type: "Microsoft.Insights/metrics",
                name: { value: "ProbeAgentCurrentEndpointStateByProfileResourceId", localizedValue: "Endpoint Status by Endpoint" },
                unit: "Count",
                timeseries: minutes.length === 0 ? [] : [{
                    metadatavalues: [{ name: { value: "endpointname", localizedValue: "endpointname" }, value: filter![1] }],
                    data: minutes.map(m => ({ timeStamp: new Date(m.startMs).toISOString(), ...(m.maximum === undefined ? {} : { maximum: m.maximum }) })),
                }],
            }],
        });
    }

    private metricAlertGet(r: AzureRequest, answer: (s: number, p: unknown) => void): void {
        if (r.method !== "GET" && r.method !== "PATCH") {
            answer(405, { error: { code: "MethodNotAllowed", message: r.method } });
            return;
        }
        if (r.query["api-version"] !== FAKE_METRIC_ALERTS_API_VERSION) {
            answer(400, { error: { code: "InvalidApiVersionParameter", message: `api-version ${r.query["api-version"]}` } });
            return;
        }
        const alert = this.metricAlerts.get(r.path.toLowerCase());
        if (!alert) {
            answer(404, { error: { code: "ResourceNotFound", message: `metric alert ${r.path} not found` } });
            return;
        }
        if (r.method === "PATCH") {
            const enabled = (r.body as { properties?: { enabled?: unknown } } | undefined)?.properties?.enabled;
            if (enabled !== undefined && typeof enabled !== "boolean") {
                answer(400, { error: { code: "BadRequest", message: `enabled ${String(enabled)}` } });
                return;
            }
            if (enabled !== undefined) alert.enabled = enabled;
        }
        answer(200, {
            id: r.path,
            name: r.path.split("/").pop(),
            type: "Microsoft.Insights/metricAlerts",
            location: "global",
            properties: { enabled: alert.enabled, severity: 1, evaluationFrequency: "PT1M", windowSize: "PT1M" },
        });
    }
}

function matches(pattern: string | RegExp | undefined, path: string): boolean {
    if (pattern === undefined) return true;
    return typeof pattern === "string" ? path.includes(pattern) : pattern.test(path);
}
