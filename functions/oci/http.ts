import * as http from "http";
import * as https from "https";
import { isRetryableStatus } from "../core/retry";
import { RemoteError } from "../core/types";
import { OciCredentials, signRequest } from "./signer";

export interface OciCall {
    /** Name of the call for errors and logs, e.g. "oci.dns.getSteeringPolicy". */
    call: string;
    method: "GET" | "PUT" | "POST";
    url: string;
    body?: unknown;
    headers?: Record<string, string>;
    timeoutMs: number;
}

export interface OciAnswer {
    status: number;
    headers: Record<string, string>;
    body: string;
}

const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/**
 * One signed exchange with an OCI API. Connection failures and timeouts
 * reject with a retryable RemoteError; every HTTP status resolves and the
 * caller turns unexpected ones into errors with ociError. Credentials are
 * fetched per request: the resource principal's files rotate.
 */
export async function ociRequest(credentials: () => OciCredentials, req: OciCall): Promise<OciAnswer> {
    const url = new URL(req.url);
    const isHttps = url.protocol === "https:";
    if (!isHttps && !(url.protocol === "http:" && isLoopback(url.hostname))) {
        throw new RemoteError(`${req.call}: endpoint ${req.url} must be https:// (http:// only on a loopback test server)`, undefined, false, req.call);
    }
    let creds: OciCredentials;
    try {
        creds = credentials();
    } catch (err) {
        throw new RemoteError(`${req.call}: no credentials to sign with: ${(err as Error).message}`, undefined, false, req.call);
    }
    const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
    const headers = signRequest(
        { method: req.method, url: req.url, body: payload, headers: { accept: "application/json", ...req.headers } },
        creds,
    );
    const options: https.RequestOptions = {
        method: req.method,
        hostname: url.hostname.replace(/^\[|\]$/g, ""),
        port: url.port || (isHttps ? 443 : 80),
        path: url.pathname + url.search,
        headers,
    };
    return new Promise<OciAnswer>((resolve, reject) => {
        // Declared before the callbacks that clear it (the closure serializer rejects a use before the declaration).
        let timer: NodeJS.Timeout | undefined = undefined;
        let settled = false;
        const fail = (message: string) => {
            if (!settled) {
                settled = true;
                clearTimeout(timer);
                reject(new RemoteError(`${req.call} ${req.method} ${url.pathname}: ${message}`, undefined, true, req.call));
            }
        };
        const request = (isHttps ? https : http).request(options, res => {
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
                    const h: Record<string, string> = {};
                    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h[k] = Array.isArray(v) ? v.join(", ") : v;
                    resolve({ status: res.statusCode ?? 0, headers: h, body: Buffer.concat(chunks).toString("utf8") });
                }
            });
            res.on("error", err => fail(`response failed: ${err.message}`));
        });
        timer = setTimeout(() => {
            fail(`timed out after ${req.timeoutMs} ms`);
            request.destroy();
        }, req.timeoutMs);
        request.on("error", err => {
            const code = (err as NodeJS.ErrnoException).code;
            fail(`connection failed: ${code ? code + " " : ""}${err.message}`);
        });
        if (payload !== undefined) request.write(payload);
        request.end();
    });
}

/** OCI error bodies are {"code": "...", "message": "..."}; keep both, they say what to fix. */
export function ociError(req: OciCall, res: OciAnswer): RemoteError {
    let detail = res.body.length > 300 ? res.body.slice(0, 300) + "..." : res.body;
    try {
        const parsed = JSON.parse(res.body) as { code?: string; message?: string };
        if (parsed && (parsed.code || parsed.message)) detail = [parsed.code, parsed.message].filter(Boolean).join(": ");
    } catch {
        // not JSON: keep the raw text
    }
    const requestId = res.headers["opc-request-id"];
    return new RemoteError(
        `${req.call} ${req.method} ${new URL(req.url).pathname}: HTTP ${res.status} ${detail}${requestId ? ` (opc-request-id ${requestId})` : ""}`,
        res.status,
        isRetryableStatus(res.status),
        req.call,
    );
}

/** A 2xx answer that is not what the API documents: the service will say it again, so no retry. */
export function ociBadAnswer(req: OciCall, what: string): RemoteError {
    return new RemoteError(`${req.call} ${req.method} ${new URL(req.url).pathname}: unexpected answer: ${what}`, undefined, false, req.call);
}

export function parseJson(req: OciCall, res: OciAnswer): unknown {
    try {
        return JSON.parse(res.body);
    } catch {
        throw ociBadAnswer(req, `body is not JSON: ${res.body.slice(0, 120)}`);
    }
}

function isLoopback(host: string): boolean {
    return host === "127.0.0.1" || host === "localhost" || host === "[::1]" || host === "::1";
}
