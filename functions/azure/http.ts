import { RemoteError } from "../core/types";
import { clipBody, exchange, HttpAnswer, httpStatusError, jsonPayload, parseJsonObjectBody, unexpectedAnswerError } from "../http/exchange";

export interface HttpCall {
    /** Name of the call for errors and logs, e.g. "arm.disableEndpoint". */
    call: string;
    method: "GET" | "PATCH" | "PUT" | "POST";
    /** Absolute URL; http:// only reaches local endpoints (the identity endpoint, test servers). */
    url: string;
    headers?: Record<string, string>;
    body?: unknown;
    timeoutMs: number;
}

const MAX_RESPONSE_BYTES = 1024 * 1024;

/**
 * One HTTP exchange with ARM or the identity endpoint (functions/http/exchange.ts).
 * Connection failures and timeouts reject with a retryable RemoteError; every
 * HTTP status resolves and the caller decides.
 */
export function httpCall(c: HttpCall): Promise<HttpAnswer> {
    let url: URL;
    try {
        url = new URL(c.url);
    } catch {
        return Promise.reject(new RemoteError(`${c.call}: invalid URL ${JSON.stringify(c.url)}`, undefined, false, c.call));
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
        return Promise.reject(new RemoteError(`${c.call}: URL ${c.url} must be http(s)`, undefined, false, c.call));
    }
    const json = jsonPayload(c.body, "application/json");
    return exchange(c, {
        url,
        headers: { accept: "application/json", ...(c.headers ?? {}), ...json.headers },
        payload: json.payload,
        maxResponseBytes: MAX_RESPONSE_BYTES,
        where: `${c.method} ${url.origin}${url.pathname}`,
    });
}

/** ARM and the identity endpoint answer errors as {"error":{"code","message"}} (or error/error_description). */
export function azureErrorMessage(body: string): string {
    try {
        const parsed = JSON.parse(body) as { error?: unknown; error_description?: unknown; message?: unknown };
        if (parsed && typeof parsed.error === "object" && parsed.error !== null) {
            const e = parsed.error as { code?: unknown; message?: unknown };
            return [e.code, e.message].filter(x => typeof x === "string" && x.length > 0).join(": ");
        }
        if (parsed && typeof parsed.error === "string") {
            return [parsed.error, parsed.error_description].filter(x => typeof x === "string" && x.length > 0).join(": ");
        }
        if (parsed && typeof parsed.message === "string") {
            return parsed.message;
        }
    } catch {
        // not JSON: the raw text below
    }
    return clipBody(body);
}

export function statusError(c: HttpCall, res: HttpAnswer): RemoteError {
    const url = new URL(c.url);
    return httpStatusError(c.call, `${c.method} ${url.origin}${url.pathname}`, res.status, azureErrorMessage(res.body), res.headers["retry-after"]);
}

/** A 2xx answer that is not what was asked for: the server would say it again. */
export function unexpectedAnswer(c: HttpCall, what: string): RemoteError {
    return unexpectedAnswerError(c.call, c.method, what);
}

export function parseJsonObject(c: HttpCall, res: HttpAnswer): Record<string, unknown> {
    return parseJsonObjectBody(res.body, what => unexpectedAnswer(c, what));
}
