// The one HTTP transport of the failover functions (Kubernetes, Azure, OCI):
// node's http/https and no SDK, so the serialized handlers carry no
// dependencies. Each caller builds the URL, headers (token, signature) and
// payload, and decides which statuses are answers; this file sends, bounds
// and classifies. Everything here is reached by pulumi.runtime.serializeFunction:
// lists are arrays, closure variables are declared before their callbacks.
import * as http from "http";
import * as https from "https";
import { isRetryableStatus, parseRetryAfterMs } from "../core/retry";
import { RemoteError } from "../core/types";

/** The caller's request: what every cloud's call carries. */
export interface CallSpec {
    /** Name of the call for errors and logs, e.g. "k8s.scaleDeploymentFrom". */
    call: string;
    method: string;
    timeoutMs: number;
}

/** How the request goes on the wire. */
export interface Wire {
    /** Checked by the caller: https, or http where the caller allows it. */
    url: URL;
    /** Final headers (accept, content-type, authorization or signature). */
    headers: Record<string, string>;
    payload?: Buffer | string;
    /** Answers larger than this are not what was asked for. */
    maxResponseBytes: number;
    /** What error messages name after the call, e.g. "GET /api/v1/...". */
    where: string;
    /** Keep-alive agent; absent: node's global agent. */
    agent?: http.Agent;
    /** PEM CA bundle for https; absent: node's default trust store. */
    caPem?: string;
    /** A server certificate that does not verify is final, not retryable (the fix is configuration). */
    certificateErrorsFinal?: boolean;
}

export interface HttpAnswer {
    status: number;
    /** Response headers, repeated ones joined with ", ". */
    headers: Record<string, string>;
    body: string;
}

/**
 * One HTTP exchange. Connection failures and timeouts reject with a
 * retryable RemoteError (status undefined); every HTTP status resolves and
 * the caller decides which are errors (httpStatusError).
 */
export function exchange(c: CallSpec, x: Wire): Promise<HttpAnswer> {
    const isHttps = x.url.protocol === "https:";
    const options: https.RequestOptions = {
        method: c.method,
        hostname: x.url.hostname.replace(/^\[|\]$/g, ""),
        port: x.url.port || (isHttps ? 443 : 80),
        path: x.url.pathname + x.url.search,
        headers: x.headers,
        agent: x.agent,
    };
    if (isHttps && x.caPem) {
        options.ca = x.caPem;
    }
    return new Promise<HttpAnswer>((resolve, reject) => {
        let settled = false;
        // Declared before the callbacks that clear it (closure serialization
        // cannot follow a variable used ahead of its declaration).
        let timer: NodeJS.Timeout | undefined;
        const fail = (message: string, retryable = true) => {
            if (!settled) {
                settled = true;
                clearTimeout(timer);
                reject(new RemoteError(`${c.call} ${x.where}: ${message}`, undefined, retryable, c.call));
            }
        };
        const request = (isHttps ? https : http).request(options, res => {
            const chunks: Buffer[] = [];
            let size = 0;
            res.on("data", (chunk: Buffer) => {
                size += chunk.length;
                if (size > x.maxResponseBytes) {
                    // Reject here, then destroy without an error: an error passed to
                    // destroy() after the last chunk has no listener left and crashes the process.
                    fail(`connection failed: response larger than ${x.maxResponseBytes} bytes`);
                    request.destroy();
                    return;
                }
                chunks.push(chunk);
            });
            res.on("end", () => {
                if (!settled) {
                    settled = true;
                    clearTimeout(timer);
                    const headers: Record<string, string> = {};
                    for (const [k, v] of Object.entries(res.headers)) {
                        if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
                    }
                    resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString("utf8") });
                }
            });
            res.on("error", err => fail(`response failed: ${err.message}`));
        });
        // One deadline for the whole exchange (connect, TLS, headers, body):
        // a socket idle timeout alone lets a trickling server hold us forever.
        timer = setTimeout(() => {
            fail(`timed out after ${c.timeoutMs} ms`);
            request.destroy();
        }, c.timeoutMs);
        request.on("error", err => {
            const code = (err as NodeJS.ErrnoException).code;
            const final = x.certificateErrorsFinal === true && isCertificateError(code);
            fail(`connection failed: ${code ? code + " " : ""}${err.message}`, !final);
        });
        if (x.payload !== undefined) {
            request.write(x.payload);
        }
        request.end();
    });
}

/**
 * A JSON request body and the headers that describe it (none without a body).
 * content-length is set here: a payload is never sent chunked.
 */
export function jsonPayload(body: unknown, contentType: string): { payload?: Buffer; headers: Record<string, string> } {
    if (body === undefined) {
        return { headers: {} };
    }
    const payload = Buffer.from(JSON.stringify(body), "utf8");
    return { payload, headers: { "content-type": contentType, "content-length": String(payload.length) } };
}

// The server's certificate does not verify against the CA we hold: every retry
// fails the same way. An array: a module-level Set does not survive closure serialization.
const CERTIFICATE_ERRORS: readonly string[] = [
    "DEPTH_ZERO_SELF_SIGNED_CERT", "SELF_SIGNED_CERT_IN_CHAIN", "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "UNABLE_TO_GET_ISSUER_CERT", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "CERT_HAS_EXPIRED", "CERT_NOT_YET_VALID",
    "CERT_SIGNATURE_FAILURE", "CERT_UNTRUSTED", "CERT_REJECTED", "ERR_TLS_CERT_ALTNAME_INVALID",
];

function isCertificateError(code: string | undefined): boolean {
    return code !== undefined && CERTIFICATE_ERRORS.includes(code);
}

/** An error body for a log line: whole when short, else its first 300 characters. */
export function clipBody(body: string): string {
    return body.length > 300 ? body.slice(0, 300) + "..." : body;
}

/** An HTTP status the caller does not accept; retryable as the status says (429, 5xx). */
export function httpStatusError(call: string, where: string, status: number, detail: string, retryAfter?: string): RemoteError {
    return new RemoteError(`${call} ${where}: HTTP ${status} ${detail}`, status, isRetryableStatus(status), call,
        parseRetryAfterMs(retryAfter, Date.now()));
}

/** A 2xx answer that is not what was asked for: not retryable, the server would say it again. */
export function unexpectedAnswerError(call: string, where: string, what: string): RemoteError {
    return new RemoteError(`${call} ${where}: unexpected answer: ${what}`, undefined, false, call);
}

/** The body as JSON; `bad(what)` makes the error when it is not. */
export function parseJsonBody(body: string, bad: (what: string) => RemoteError): unknown {
    try {
        return JSON.parse(body);
    } catch {
        throw bad(`body is not JSON: ${body.slice(0, 120)}`);
    }
}

/** The body as a JSON object (not null, not an array); `bad(what)` makes the error when it is not. */
export function parseJsonObjectBody(body: string, bad: (what: string) => RemoteError): Record<string, unknown> {
    const parsed = parseJsonBody(body, bad);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw bad("body is not a JSON object");
    }
    return parsed as Record<string, unknown>;
}
