import * as http from "http";
import { RemoteError } from "../core/types";
import { clipBody, exchange, HttpAnswer, httpStatusError, jsonPayload, unexpectedAnswerError } from "../http/exchange";

/** Where and how to reach one API server. */
export interface KubeConnection {
    /** https://host[:port]; http:// only for local test servers. */
    server: string;
    /** PEM CA bundle of the API server; absent: Node's default trust store. */
    caPem?: string;
    /** Bearer token, asked for on every request so short-lived tokens (EKS: 15 min) never go stale. */
    token?: () => string | Promise<string>;
}

export interface KubeRequest {
    /** Name of the call for errors and logs, e.g. "k8s.scaleDeploymentFrom". */
    call: string;
    method: "GET" | "PATCH" | "DELETE";
    path: string;
    body?: unknown;
    contentType?: string;
    accept?: string;
    timeoutMs: number;
}

export type KubeResponse = HttpAnswer;

/** Answers larger than this are not an API object we asked for. */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/**
 * One HTTP exchange with the API server. Connection failures and timeouts
 * reject with a retryable RemoteError (status undefined; a certificate that
 * does not verify against caPem is final); any HTTP status resolves, and the
 * caller decides which statuses are answers and which are errors (see httpError).
 */
export async function kubeRequest(conn: KubeConnection, agent: http.Agent | undefined, req: KubeRequest): Promise<KubeResponse> {
    const url = new URL(req.path, conn.server);
    if (url.protocol !== "https:" && url.protocol !== "http:") {
        throw new RemoteError(`${req.call}: API server URL ${conn.server} must be https:// (or http:// for a local test server)`, undefined, false, req.call);
    }
    const token = conn.token ? await conn.token() : undefined;
    const json = jsonPayload(req.body, req.contentType ?? "application/json");
    const headers: Record<string, string> = {
        accept: req.accept ?? "application/json",
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...json.headers,
    };
    return exchange(req, {
        url,
        headers,
        payload: json.payload,
        maxResponseBytes: MAX_RESPONSE_BYTES,
        where: `${req.method} ${req.path}`,
        agent,
        caPem: conn.caPem,
        certificateErrorsFinal: true,
    });
}

/** The Status message of an error answer, or the raw body when it is not one. */
export function statusMessage(body: string): string {
    try {
        const parsed = JSON.parse(body) as { kind?: string; message?: string; reason?: string };
        if (parsed && parsed.kind === "Status") {
            return [parsed.reason, parsed.message].filter(Boolean).join(": ");
        }
    } catch {
        // not JSON: fall through to the raw text
    }
    return clipBody(body);
}

export function httpError(req: KubeRequest, res: KubeResponse): RemoteError {
    return httpStatusError(req.call, `${req.method} ${req.path}`, res.status, statusMessage(res.body), res.headers?.["retry-after"]);
}

/** A 2xx answer that is not the object we asked for: not retryable, the server will say it again. */
export function badAnswer(req: KubeRequest, what: string): RemoteError {
    return unexpectedAnswerError(req.call, `${req.method} ${req.path}`, what);
}
