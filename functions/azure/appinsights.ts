// A minimal Application Insights ingestion client: one metric per call,
// POSTed as a MetricData envelope to <IngestionEndpoint>/v2.1/track over
// functions/http/exchange.ts. No SDK, so the serialized package stays
// dependency-free, and no background channel or batching: the readiness run
// must know, before it returns, whether its datapoint was accepted.
import { RemoteError } from "../core/types";
import { exchange, httpStatusError, jsonPayload, parseJsonObjectBody, unexpectedAnswerError } from "../http/exchange";

/** Where the SDKs send when the connection string names no IngestionEndpoint. */
export const DEFAULT_INGESTION_ENDPOINT = "https://dc.services.visualstudio.com";

export interface AppInsightsTarget {
    instrumentationKey: string;
    /** No trailing slash. */
    ingestionEndpoint: string;
}

/**
 * APPLICATIONINSIGHTS_CONNECTION_STRING: `Key=value` pairs separated by `;`,
 * keys case-insensitive. The key only admits telemetry, but it is never echoed either.
 */
export function parseConnectionString(value: string | undefined): AppInsightsTarget {
    const fields = new Map<string, string>();
    for (const part of (value ?? "").split(";")) {
        const at = part.indexOf("=");
        if (at > 0) {
            fields.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
        }
    }
    const instrumentationKey = fields.get("instrumentationkey");
    if (!instrumentationKey) {
        throw new RemoteError("APPLICATIONINSIGHTS_CONNECTION_STRING is not set or names no InstrumentationKey", undefined, false, "appinsights.track");
    }
    const endpoint = (fields.get("ingestionendpoint") || DEFAULT_INGESTION_ENDPOINT).replace(/\/+$/, "");
    let url: URL;
    try {
        url = new URL(endpoint);
    } catch {
        throw new RemoteError("APPLICATIONINSIGHTS_CONNECTION_STRING has an IngestionEndpoint that is not a URL", undefined, false, "appinsights.track");
    }
    if (url.protocol !== "https:" && !(url.protocol === "http:" && (url.hostname === "127.0.0.1" || url.hostname === "localhost"))) {
        throw new RemoteError("APPLICATIONINSIGHTS_CONNECTION_STRING's IngestionEndpoint must be https", undefined, false, "appinsights.track");
    }
    return { instrumentationKey, ingestionEndpoint: endpoint };
}

export interface MetricPoint {
    name: string;
    value: number;
    /** customDimensions of the datapoint. */
    properties?: Record<string, string>;
    /** Milliseconds since the epoch. */
    timeMs: number;
}

/** The envelope the ingestion endpoint takes for one TrackMetric. */
export function metricEnvelope(target: AppInsightsTarget, point: MetricPoint, roleName: string): Record<string, unknown> {
    return {
        name: "Microsoft.ApplicationInsights.Metric",
        time: new Date(point.timeMs).toISOString(),
        iKey: target.instrumentationKey,
        tags: { "ai.cloud.role": roleName },
        data: {
            baseType: "MetricData",
            baseData: {
                ver: 2,
                // Only the first datapoint of an envelope is stored: one metric per envelope.
                metrics: [{ name: point.name, value: point.value, count: 1 }],
                properties: point.properties ?? {},
            },
        },
    };
}

export interface AppInsightsClientOptions {
    timeoutMs?: number;
    roleName?: string;
}

/**
 * Sends one datapoint and resolves once the endpoint accepted it. A 200 (or
 * 206) that accepted nothing is an error with the endpoint's own reason, so
 * a rejected datapoint shows in the run's result instead of vanishing.
 */
export async function trackMetric(target: AppInsightsTarget, point: MetricPoint, options: AppInsightsClientOptions = {}): Promise<void> {
    const call = "appinsights.track";
    const url = new URL(`${target.ingestionEndpoint}/v2.1/track`);
    const json = jsonPayload([metricEnvelope(target, point, options.roleName ?? "logscale-dr-failover")], "application/json");
    const where = `POST ${url.origin}${url.pathname}`;
    const res = await exchange({ call, method: "POST", timeoutMs: options.timeoutMs ?? 10_000 }, {
        url,
        headers: { accept: "application/json", ...json.headers },
        payload: json.payload,
        maxResponseBytes: 64 * 1024,
        where,
    });
    if (res.status !== 200 && res.status !== 206) {
        throw httpStatusError(call, where, res.status, res.body.slice(0, 300), res.headers["retry-after"]);
    }
    const body = parseJsonObjectBody(res.body, what => unexpectedAnswerError(call, "POST", what));
    if (body.itemsAccepted !== 1) {
        const errors = Array.isArray(body.errors) ? body.errors as { statusCode?: unknown; message?: unknown }[] : [];
        const why = errors.map(e => `${String(e.statusCode ?? "")} ${String(e.message ?? "")}`.trim()).join("; ") || "no reason given";
        throw unexpectedAnswerError(call, "POST", `${String(body.itemsAccepted ?? 0)} of 1 item accepted: ${why}`);
    }
}
