import * as http from "http";
import * as https from "https";
import { isRetryableStatus } from "../core/retry";
import { RemoteError } from "../core/types";

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

export interface KubeResponse {
    status: number;
    body: string;
}

/** Answers larger than this are not an API object we asked for. */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/**
 * One HTTP exchange with the API server. Connection failures and timeouts
 * reject with a retryable RemoteError (status undefined); any HTTP status
 * resolves, and the caller decides which statuses are answers and which are
 * errors (see httpError).
 */
export async function kubeRequest(conn: KubeConnection, agent: http.Agent | undefined, req: KubeRequest): Promise<KubeResponse> {
    const url = new URL(req.path, conn.server);
    const isHttps = url.protocol === "https:";
    if (!isHttps && url.protocol !== "http:") {
        throw new RemoteError(`${req.call}: API server URL ${conn.server} must be https:// (or http:// for a local test server)`, undefined, false, req.call);
    }
    const token = conn.token ? await conn.token() : undefined;
    const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body), "utf8");
    const headers: Record<string, string> = { accept: req.accept ?? "application/json" };
    if (token) {
        headers.authorization = `Bearer ${token}`;
    }
    if (payload) {
        headers["content-type"] = req.contentType ?? "application/json";
        headers["content-length"] = String(payload.length);
    }
    const options: https.RequestOptions = {
        method: req.method,
        hostname: url.hostname.replace(/^\[|\]$/g, ""),
        port: url.port || (isHttps ? 443 : 80),
        path: url.pathname + url.search,
        headers,
        agent,
    };
    if (isHttps && conn.caPem) {
        options.ca = conn.caPem;
    }
    return new Promise<KubeResponse>((resolve, reject) => {
        let settled = false;
        // Declared before the callbacks that clear it (closure serialization
        // cannot follow a const used ahead of its declaration).
        let timer: NodeJS.Timeout | undefined;
        const fail = (message: string, retryable = true) => {
            if (!settled) {
                settled = true;
                reject(new RemoteError(`${req.call} ${req.method} ${req.path}: ${message}`, undefined, retryable, req.call));
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
                    resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") });
                }
            });
            res.on("error", err => fail(`response failed: ${err.message}`));
        });
        // One deadline for the whole exchange (connect, TLS, headers, body):
        // a socket idle timeout alone lets a trickling server hold us forever.
        timer = setTimeout(() => {
            fail(`timed out after ${req.timeoutMs} ms`);
            request.destroy();
        }, req.timeoutMs);
        request.on("error", err => {
            clearTimeout(timer);
            const code = (err as NodeJS.ErrnoException).code;
            fail(`connection failed: ${code ? code + " " : ""}${err.message}`, !isCertificateError(code));
        });
        if (payload) {
            request.write(payload);
        }
        request.end();
    });
}

// The server's certificate does not verify against the CA we hold: every retry
// fails the same way, and the fix is configuration (the cluster CA), not time.
// An array: a module-level Set does not survive closure serialization.
const CERTIFICATE_ERRORS: readonly string[] = [
    "DEPTH_ZERO_SELF_SIGNED_CERT", "SELF_SIGNED_CERT_IN_CHAIN", "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "UNABLE_TO_GET_ISSUER_CERT", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "CERT_HAS_EXPIRED", "CERT_NOT_YET_VALID",
    "CERT_SIGNATURE_FAILURE", "CERT_UNTRUSTED", "CERT_REJECTED", "ERR_TLS_CERT_ALTNAME_INVALID",
];

function isCertificateError(code: string | undefined): boolean {
    return code !== undefined && CERTIFICATE_ERRORS.includes(code);
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
    return body.length > 300 ? body.slice(0, 300) + "..." : body;
}

export function httpError(req: KubeRequest, res: KubeResponse): RemoteError {
    return new RemoteError(
        `${req.call} ${req.method} ${req.path}: HTTP ${res.status} ${statusMessage(res.body)}`,
        res.status,
        isRetryableStatus(res.status),
        req.call,
    );
}

/** A 2xx answer that is not the object we asked for: not retryable, the server will say it again. */
export function badAnswer(req: KubeRequest, what: string): RemoteError {
    return new RemoteError(`${req.call} ${req.method} ${req.path}: unexpected answer: ${what}`, undefined, false, req.call);
}
