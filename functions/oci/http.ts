import { RemoteError } from "../core/types";
import { clipBody, exchange, HttpAnswer, httpStatusError, parseJsonBody, unexpectedAnswerError } from "../http/exchange";
import { isLoopbackHost } from "./config";
import { OciCredentials, signRequest } from "./signer";

export interface OciCall {
    /** Name of the call for errors and logs, e.g. "oci.dns.getSteeringPolicy". */
    call: string;
    method: "GET" | "PUT" | "POST" | "DELETE";
    url: string;
    body?: unknown;
    headers?: Record<string, string>;
    timeoutMs: number;
}

export type OciAnswer = HttpAnswer;

const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/**
 * One signed exchange with an OCI API (functions/http/exchange.ts). Connection
 * failures and timeouts reject with a retryable RemoteError; every HTTP status
 * resolves and the caller turns unexpected ones into errors with ociError.
 * Credentials are fetched per request: the resource principal's files rotate.
 */
export async function ociRequest(credentials: () => OciCredentials, req: OciCall): Promise<OciAnswer> {
    const url = new URL(req.url);
    const isHttps = url.protocol === "https:";
    if (!isHttps && !(url.protocol === "http:" && isLoopbackHost(url.hostname))) {
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
    return exchange(req, { url, headers, payload, maxResponseBytes: MAX_RESPONSE_BYTES, where: `${req.method} ${url.pathname}` });
}

/** OCI error bodies are {"code": "...", "message": "..."}; keep both, they say what to fix. */
export function ociError(req: OciCall, res: OciAnswer): RemoteError {
    let detail = clipBody(res.body);
    try {
        const parsed = JSON.parse(res.body) as { code?: string; message?: string };
        if (parsed && (parsed.code || parsed.message)) detail = [parsed.code, parsed.message].filter(Boolean).join(": ");
    } catch {
        // not JSON: keep the raw text
    }
    const requestId = res.headers["opc-request-id"];
    return httpStatusError(req.call, where(req), res.status, `${detail}${requestId ? ` (opc-request-id ${requestId})` : ""}`, res.headers["retry-after"]);
}

/** A 2xx answer that is not what the API documents: the service will say it again, so no retry. */
export function ociBadAnswer(req: OciCall, what: string): RemoteError {
    return unexpectedAnswerError(req.call, where(req), what);
}

export function parseJson(req: OciCall, res: OciAnswer): unknown {
    return parseJsonBody(res.body, what => ociBadAnswer(req, what));
}

function where(req: OciCall): string {
    return `${req.method} ${new URL(req.url).pathname}`;
}
