import { RemoteError } from "../core/types";
import { httpCall, HttpCall, parseJsonObject, statusError, unexpectedAnswer } from "./http";

/**
 * The App Service / Functions managed identity endpoint (IDENTITY_ENDPOINT and
 * IDENTITY_HEADER, set by the platform in every app that has an identity).
 */
export interface IdentityEndpoint {
    endpoint: string;
    header: string;
    /** Client id of the user-assigned identity to get tokens for. */
    clientId: string;
}

export function identityEndpointFromEnv(env: Record<string, string | undefined>, clientId: string): IdentityEndpoint {
    const endpoint = env.IDENTITY_ENDPOINT;
    const header = env.IDENTITY_HEADER;
    if (!endpoint || !header) {
        throw new RemoteError(
            "IDENTITY_ENDPOINT/IDENTITY_HEADER are not set: the function app has no managed identity assigned",
            undefined, false, "identity.token");
    }
    return { endpoint, header, clientId };
}

export interface TokenSourceOptions {
    now: () => number;
    timeoutMs?: number;
    /** Renew a cached token this long before it expires. */
    renewBeforeMs?: number;
}

/** Returns a bearer token for an Entra ID resource (audience). */
export type TokenSource = (resource: string) => Promise<string>;

const API_VERSION = "2019-08-01";

/**
 * Tokens from the managed identity endpoint over plain HTTP(S), no SDK,
 * cached per resource until shortly before they expire. Concurrent callers
 * for the same resource share one request.
 */
export function managedIdentityTokens(ep: IdentityEndpoint, options: TokenSourceOptions): TokenSource {
    const renewBeforeMs = options.renewBeforeMs ?? 5 * 60 * 1000;
    const cache = new Map<string, { token: string; expiresAtMs: number }>();
    const inflight = new Map<string, Promise<string>>();

    const fetchToken = async (resource: string): Promise<string> => {
        const url = new URL(ep.endpoint);
        url.searchParams.set("resource", resource);
        url.searchParams.set("api-version", API_VERSION);
        url.searchParams.set("client_id", ep.clientId);
        const c: HttpCall = {
            call: "identity.token",
            method: "GET",
            url: url.toString(),
            headers: { "X-IDENTITY-HEADER": ep.header },
            timeoutMs: options.timeoutMs ?? 10000,
        };
        const res = await httpCall(c);
        if (res.status !== 200) {
            throw statusError(c, res);
        }
        const body = parseJsonObject(c, res);
        const token = body.access_token;
        if (typeof token !== "string" || token.length === 0) {
            throw unexpectedAnswer(c, "no access_token");
        }
        cache.set(resource, { token, expiresAtMs: expiresAtMs(body, options.now()) });
        return token;
    };

    return (resource: string) => {
        const cached = cache.get(resource);
        if (cached && cached.expiresAtMs - renewBeforeMs > options.now()) {
            return Promise.resolve(cached.token);
        }
        let pending = inflight.get(resource);
        if (!pending) {
            pending = fetchToken(resource).finally(() => inflight.delete(resource));
            inflight.set(resource, pending);
        }
        return pending;
    };
}

/** expires_on is epoch seconds (a string in the App Service flavour); expires_in is a lifetime in seconds. */
export function expiresAtMs(body: Record<string, unknown>, nowMs: number): number {
    const on = Number(body.expires_on);
    if (Number.isFinite(on) && on > 0) {
        return on * 1000;
    }
    const inSeconds = Number(body.expires_in);
    if (Number.isFinite(inSeconds) && inSeconds > 0) {
        return nowMs + inSeconds * 1000;
    }
    // Unknown lifetime: use it for this call only.
    return nowMs;
}
