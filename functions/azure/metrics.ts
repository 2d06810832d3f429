// The Traffic Manager profile's per-minute endpoint state from Azure Monitor:
// what the holdoff reads to reach back before the invocation.
//
// Source: Azure Monitor "Supported metrics for Microsoft.Network/trafficManagerProfiles"
// (learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/microsoft-network-trafficmanagerprofiles-metrics):
// ProbeAgentCurrentEndpointStateByProfileResourceId, "1 if an endpoint's probe
// status is Enabled, 0 otherwise", aggregation Maximum, dimension EndpointName,
// time grains PT1M and PT1H; queried with Metrics - List
// (GET {resourceUri}/providers/Microsoft.Insights/metrics, api-version 2023-10-01).

import { ArmOptions } from "./arm";
import { httpCall, HttpCall, parseJsonObject, statusError, unexpectedAnswer } from "./http";

export const MONITOR_METRICS_API_VERSION = "2023-10-01";
export const ENDPOINT_STATE_METRIC = "ProbeAgentCurrentEndpointStateByProfileResourceId";
export const ENDPOINT_STATE_PERIOD_SECONDS = 60;

/** One published minute: maximum 0 means no probe saw the endpoint up in it. */
export interface EndpointStateMinute {
    startMs: number;
    maximum: number;
}

export interface EndpointStateMetricApi {
    /** The whole minutes in [startMs, endMs) that Azure Monitor has published for the endpoint; a minute without a value is left out. */
    endpointStateMinutes(endpointId: string, startMs: number, endMs: number): Promise<EndpointStateMinute[]>;
}

const ENDPOINT = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/trafficManagerProfiles\/[^/]+)\/externalEndpoints\/([^/]+)$/i;

/** The profile (the metric's resource) and the endpoint's name (its EndpointName dimension). */
export function splitEndpointId(endpointId: string): { profileId: string; endpointName: string } {
    const m = ENDPOINT.exec(endpointId);
    if (!m) {
        throw new Error(`${JSON.stringify(endpointId)} is not the ARM id of a Traffic Manager external endpoint`);
    }
    return { profileId: m[1], endpointName: m[2] };
}

/** The query's path and parameters: the profile's metric, one endpoint, whole minutes. */
export function endpointStateQuery(endpointId: string, startMs: number, endMs: number): { path: string; query: string } {
    const { profileId, endpointName } = splitEndpointId(endpointId);
    // OData doubles a quote inside a string literal.
    const filter = `EndpointName eq '${endpointName.replace(/'/g, "''")}'`;
    const params: [string, string][] = [
        ["api-version", MONITOR_METRICS_API_VERSION],
        ["metricnames", ENDPOINT_STATE_METRIC],
        ["interval", "PT1M"],
        ["aggregation", "Maximum"],
        ["timespan", `${new Date(startMs).toISOString()}/${new Date(endMs).toISOString()}`],
        ["$filter", filter],
    ];
    return {
        path: `${profileId}/providers/Microsoft.Insights/metrics`,
        query: params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&"),
    };
}

export function endpointStateMetricApi(options: ArmOptions): EndpointStateMetricApi {
    const timeoutMs = options.timeoutMs ?? 15000;
    return {
        endpointStateMinutes: async (endpointId, startMs, endMs) => {
            const q = endpointStateQuery(endpointId, startMs, endMs);
            const c: HttpCall = {
                call: "arm.endpointStateMetric",
                method: "GET",
                url: `${options.armEndpoint.replace(/\/+$/, "")}${q.path}?${q.query}`,
                timeoutMs,
            };
            const token = await options.token();
            const res = await httpCall({ ...c, headers: { authorization: `Bearer ${token}` } });
            if (res.status !== 200) {
                throw statusError(c, res);
            }
            return minutesOf(c, parseJsonObject(c, res), startMs, endMs);
        },
    };
}

/**
 * The minutes of the answer. Several time series for one endpoint would be a
 * surprise; a minute then counts as failing only if none of them saw it up
 * (the largest Maximum wins), so a surprise can only make the run shorter.
 */
function minutesOf(c: HttpCall, body: Record<string, unknown>, startMs: number, endMs: number): EndpointStateMinute[] {
    const value = body.value;
    if (!Array.isArray(value)) {
        throw unexpectedAnswer(c, "no value array in the metrics answer");
    }
    const byStart = new Map<number, number>();
    for (const metric of value as { timeseries?: unknown }[]) {
        const series = Array.isArray(metric?.timeseries) ? metric.timeseries as { data?: unknown }[] : [];
        for (const s of series) {
            for (const d of Array.isArray(s?.data) ? s.data as { timeStamp?: unknown; maximum?: unknown }[] : []) {
                const t = typeof d?.timeStamp === "string" ? Date.parse(d.timeStamp) : NaN;
                // A minute without a maximum has no data: no evidence either way.
                if (!Number.isFinite(t) || typeof d.maximum !== "number" || t < startMs || t + ENDPOINT_STATE_PERIOD_SECONDS * 1000 > endMs) {
                    continue;
                }
                byStart.set(t, Math.max(byStart.get(t) ?? -Infinity, d.maximum));
            }
        }
    }
    return [...byStart.entries()].sort((a, b) => a[0] - b[0]).map(([t, maximum]) => ({ startMs: t, maximum }));
}
