/**
 * FaultProxy: an HTTP proxy on 127.0.0.1 in front of one of the test fakes
 * (fake Kubernetes, fake ARM, fake OCI), so every remote call of an adapter
 * can be failed the same four ways, matched on anything in the request:
 *
 *   const proxy = await FaultProxy.start(fake.url);
 *   proxy.rule({ match: r => r.method === "PATCH" && r.contentType.startsWith("application/json-patch"), fault: "transient" });
 *
 * Faults: "transient" answers 503 once; "permanent" answers 403 every time;
 * "timeout" never answers once (the client's deadline fires); "slow" waits
 * SLOW_MS once, then forwards. Requests are forwarded unchanged (Host header
 * included, so signatures made for the proxy's address still verify).
 */
import * as http from "http";
import type { AddressInfo } from "net";

export type FaultKind = "transient" | "permanent" | "timeout" | "slow";
export const FAULT_KINDS: readonly FaultKind[] = ["transient", "permanent", "timeout", "slow"];

/** Below every client deadline the matrix sets (CLIENT_TIMEOUT_MS). */
export const SLOW_MS = 80;
export const CLIENT_TIMEOUT_MS = 300;

export interface ProxiedRequest {
    method: string;
    path: string;
    /** Path and query. */
    url: string;
    contentType: string;
    body: string;
}

interface Rule {
    match: (r: ProxiedRequest) => boolean;
    fault: FaultKind;
    left: number;
}

export class FaultProxy {
    url = "";
    readonly requests: (ProxiedRequest & { status?: number; fault?: FaultKind })[] = [];
    private readonly rules: Rule[] = [];
    private server!: http.Server;
    private readonly sockets = new Set<import("net").Socket>();

    private constructor(private readonly target: URL) {}

    static async start(targetUrl: string): Promise<FaultProxy> {
        const proxy = new FaultProxy(new URL(targetUrl));
        proxy.server = http.createServer((req, res) => proxy.handle(req, res));
        proxy.server.on("connection", s => {
            proxy.sockets.add(s);
            s.on("close", () => proxy.sockets.delete(s));
        });
        await new Promise<void>(resolve => proxy.server.listen(0, "127.0.0.1", resolve));
        proxy.url = `http://127.0.0.1:${(proxy.server.address() as AddressInfo).port}`;
        return proxy;
    }

    rule(r: { match: (r: ProxiedRequest) => boolean; fault: FaultKind }): void {
        this.rules.push({ ...r, left: r.fault === "permanent" ? Number.POSITIVE_INFINITY : 1 });
    }

    async stop(): Promise<void> {
        for (const s of this.sockets) s.destroy();
        await new Promise<void>(resolve => this.server.close(() => resolve()));
    }

    /** Requests that matched a rule and were failed or delayed. */
    faulted(): number {
        return this.requests.filter(r => r.fault !== undefined).length;
    }

    private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const raw = Buffer.concat(chunks);
            const record: ProxiedRequest & { status?: number; fault?: FaultKind } = {
                method: req.method ?? "GET",
                path: (req.url ?? "/").split("?")[0],
                url: req.url ?? "/",
                contentType: String(req.headers["content-type"] ?? ""),
                body: raw.toString("utf8"),
            };
            this.requests.push(record);
            const rule = this.rules.find(r => r.left > 0 && r.match(record));
            if (rule) {
                rule.left--;
                record.fault = rule.fault;
                if (rule.fault === "timeout") {
                    return;
                }
                if (rule.fault === "transient" || rule.fault === "permanent") {
                    const status = rule.fault === "transient" ? 503 : 403;
                    record.status = status;
                    const text = JSON.stringify({ kind: "Status", code: status, message: `injected ${rule.fault} fault`, error: { code: "InjectedFault", message: `injected ${rule.fault}` } });
                    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
                    res.end(text);
                    return;
                }
                setTimeout(() => this.forward(req, res, raw, record), SLOW_MS);
                return;
            }
            this.forward(req, res, raw, record);
        });
    }

    private forward(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, record: { status?: number }): void {
        const upstream = http.request({
            hostname: this.target.hostname,
            port: this.target.port,
            method: req.method,
            path: req.url,
            headers: req.headers,
        }, up => {
            record.status = up.statusCode;
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
        });
        upstream.on("error", () => res.destroy());
        upstream.end(body);
    }
}
