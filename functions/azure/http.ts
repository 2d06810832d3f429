import * as http from "http";
import * as https from "https";
import { isRetryableStatus } from "../core/retry";
import { RemoteError } from "../core/types";

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

export interface HttpAnswer {
    status: number;
    body: string;
}

const MAX_RESPONSE_BYTES = 1024 * 1024;

/**
 * One HTTP exchange with node's http/https, no SDK: the function package
 * carries no dependencies. Connection failures and timeouts reject with a
 * retryable RemoteError; every HTTP status resolves and the caller decides.
 */
export function httpCall(c: HttpCall): Promise<HttpAnswer> {
    let url: URL;
    try {
        url = new URL(c.url);
    } catch {
        return Promise.reject(new RemoteError(`${c.call}: invalid URL ${JSON.stringify(c.url)}`, undefined, false, c.call));
    }
    const isHttps = url.protocol === "https:";
    if (!isHttps && url.protocol !== "http:") {
        return Promise.reject(new RemoteError(`${c.call}: URL ${c.url} must be http(s)`, undefined, false, c.call));
    }
    const payload = c.body === undefined ? undefined : Buffer.from(JSON.stringify(c.body), "utf8");
    const headers: Record<string, string> = { accept: "application/json", ...(c.headers ?? {}) };
    if (payload) {
        headers["content-type"] = "application/json";
        headers["content-length"] = String(payload.length);
    }
    const where = `${c.method} ${url.origin}${url.pathname}`;
    return new Promise<HttpAnswer>((resolve, reject) => {
        let settled = false;
        // Declared before the callbacks that clear it (closure serialization needs it in scope).
        let timer: NodeJS.Timeout | undefined;
        const fail = (message: string) => {
            if (!settled) {
                settled = true;
                clearTimeout(timer);
                reject(new RemoteError(`${c.call} ${where}: ${message}`, undefined, true, c.call));
            }
        };
        const request = (isHttps ? https : http).request({
            method: c.method,
            hostname: url.hostname.replace(/^\[|\]$/g, ""),
            port: url.port || (isHttps ? 443 : 80),
            path: url.pathname + url.search,
            headers,
        }, res => {
            const chunks: Buffer[] = [];
            let size = 0;
            res.on("data", (chunk: Buffer) => {
                size += chunk.length;
                if (size > MAX_RESPONSE_BYTES) {
                    request.destroy(new Error(`response larger than ${MAX_RESPONSE_BYTES} bytes`));
                    return;
                }
                chunks.push(chunk);
            });
            res.on("end", () => {
                if (!settled) {
                    settled = true;
                    clearTimeout(timer);
                    resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") });
                }
            });
            res.on("error", err => fail(`response failed: ${err.message}`));
        });
        // One deadline for connect, TLS, headers and body together.
        timer = setTimeout(() => {
            fail(`timed out after ${c.timeoutMs} ms`);
            request.destroy();
        }, c.timeoutMs);
        request.on("error", err => {
            const code = (err as NodeJS.ErrnoException).code;
            fail(`connection failed: ${code ? code + " " : ""}${err.message}`);
        });
        if (payload) {
            request.write(payload);
        }
        request.end();
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
    return body.length > 300 ? body.slice(0, 300) + "..." : body;
}

export function statusError(c: HttpCall, res: HttpAnswer): RemoteError {
    const url = new URL(c.url);
    return new RemoteError(
        `${c.call} ${c.method} ${url.origin}${url.pathname}: HTTP ${res.status} ${azureErrorMessage(res.body)}`,
        res.status,
        isRetryableStatus(res.status),
        c.call,
    );
}

/** A 2xx answer that is not what was asked for: the server would say it again. */
export function unexpectedAnswer(c: HttpCall, what: string): RemoteError {
    return new RemoteError(`${c.call} ${c.method}: unexpected answer: ${what}`, undefined, false, c.call);
}

export function parseJsonObject(c: HttpCall, res: HttpAnswer): Record<string, unknown> {
    let parsed: unknown;
    try {
        parsed = JSON.parse(res.body);
    } catch {
        throw unexpectedAnswer(c, `body is not JSON: ${res.body.slice(0, 120)}`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw unexpectedAnswer(c, "body is not a JSON object");
    }
    return parsed as Record<string, unknown>;
}
