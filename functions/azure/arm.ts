import { httpCall, HttpCall, parseJsonObject, statusError, unexpectedAnswer } from "./http";

/** Traffic Manager REST API version of the endpoint calls (Endpoints - Get / Update). */
export const TRAFFIC_MANAGER_API_VERSION = "2022-04-01";

export interface EndpointState {
    /** Enabled | Disabled: the operator's (or the lock's) switch. */
    endpointStatus: string;
    /** Online | Degraded | CheckingEndpoint | Disabled | Inactive | Stopped | Unmonitored: what the probes see. */
    endpointMonitorStatus: string;
}

export interface TrafficManagerApi {
    getEndpoint(endpointId: string): Promise<EndpointState>;
    /** Sets endpointStatus Disabled (PATCH): Traffic Manager stops answering with this endpoint. */
    disableEndpoint(endpointId: string): Promise<EndpointState>;
}

export interface ArmOptions {
    /** https://management.azure.com (http://127.0.0.1:<port> in tests). */
    armEndpoint: string;
    /** Bearer token for ARM. */
    token: () => Promise<string>;
    timeoutMs?: number;
}

export function trafficManagerApi(options: ArmOptions): TrafficManagerApi {
    const timeoutMs = options.timeoutMs ?? 15000;
    const urlOf = (endpointId: string) =>
        `${options.armEndpoint.replace(/\/+$/, "")}${endpointId}?api-version=${TRAFFIC_MANAGER_API_VERSION}`;

    const send = async (c: HttpCall): Promise<EndpointState> => {
        const token = await options.token();
        const res = await httpCall({ ...c, headers: { ...(c.headers ?? {}), authorization: `Bearer ${token}` } });
        if (res.status !== 200) {
            throw statusError(c, res);
        }
        return endpointStateOf(c, parseJsonObject(c, res));
    };

    return {
        getEndpoint: (endpointId) => send({ call: "arm.getEndpoint", method: "GET", url: urlOf(endpointId), timeoutMs }),
        disableEndpoint: async (endpointId) => {
            const c: HttpCall = {
                call: "arm.disableEndpoint",
                method: "PATCH",
                url: urlOf(endpointId),
                body: { properties: { endpointStatus: "Disabled" } },
                timeoutMs,
            };
            const state = await send(c);
            if (state.endpointStatus.toLowerCase() !== "disabled") {
                throw unexpectedAnswer(c, `endpointStatus is ${state.endpointStatus} after the update, expected Disabled`);
            }
            return state;
        },
    };
}

function endpointStateOf(c: HttpCall, body: Record<string, unknown>): EndpointState {
    const props = body.properties as Record<string, unknown> | undefined;
    if (!props || typeof props !== "object") {
        throw unexpectedAnswer(c, "no properties in the endpoint");
    }
    const endpointStatus = props.endpointStatus;
    if (typeof endpointStatus !== "string") {
        throw unexpectedAnswer(c, `endpointStatus is ${JSON.stringify(endpointStatus)}`);
    }
    const monitor = props.endpointMonitorStatus;
    // Absent right after some updates: no verdict, which the platform never acts on.
    return { endpointStatus, endpointMonitorStatus: typeof monitor === "string" ? monitor : "Unknown" };
}
