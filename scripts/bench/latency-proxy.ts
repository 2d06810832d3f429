// An HTTP proxy on 127.0.0.1 that holds every request for a fixed latency
// before forwarding it to a local fake, and records each call as a span
// (with a replay that sends the identical request through the proxy again).

import * as http from "http";
import type { AddressInfo } from "net";
import { CallRecorder, sleep } from "./spans";

const REPLAY_HEADER = "x-bench-replay";

export class LatencyProxy {
    url = "";
    private server!: http.Server;
    private readonly sockets = new Set<import("net").Socket>();

    private constructor(
        private readonly target: URL,
        private readonly latencyMs: number,
        private readonly recorder: CallRecorder,
        private readonly name: (method: string, path: string) => string,
        private readonly local: (method: string, path: string) => boolean,
    ) {}

    /**
     * `local` marks calls that do not leave the host in the real deployment
     * (the App Service identity endpoint is a loopback sidecar): forwarded at
     * once and not counted as remote calls.
     */
    static async start(targetUrl: string, latencyMs: number, recorder: CallRecorder, name: (method: string, path: string) => string,
        local: (method: string, path: string) => boolean = () => false): Promise<LatencyProxy> {
        const p = new LatencyProxy(new URL(targetUrl), latencyMs, recorder, name, local);
        p.server = http.createServer((req, res) => p.handle(req, res));
        p.server.keepAliveTimeout = 1000;
        p.server.on("connection", s => {
            p.sockets.add(s);
            s.on("close", () => p.sockets.delete(s));
        });
        await new Promise<void>(resolve => p.server.listen(0, "127.0.0.1", resolve));
        p.url = `http://127.0.0.1:${(p.server.address() as AddressInfo).port}`;
        return p;
    }

    async stop(): Promise<void> {
        for (const s of this.sockets) s.destroy();
        await new Promise<void>(resolve => this.server.close(() => resolve()));
    }

    private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const body = Buffer.concat(chunks);
            const method = req.method ?? "GET";
            const url = req.url ?? "/";
            const headers = { ...req.headers };
            // The replay's own requests carry this header and are not recorded again.
            const replayed = headers[REPLAY_HEADER] !== undefined;
            delete headers[REPLAY_HEADER];
            const path = url.split("?")[0];
            const local = this.local(method, path);
            const end = !replayed && !local
                ? this.recorder.begin(this.name(method, path), () => this.replay(method, url, headers, body))
                : () => undefined;
            void sleep(local ? 0 : this.latencyMs).then(() => {
                const upstream = http.request({ hostname: this.target.hostname, port: this.target.port, method, path: url, headers }, up => {
                    res.writeHead(up.statusCode ?? 502, up.headers);
                    up.pipe(res);
                    up.on("end", end);
                });
                upstream.on("error", () => { end(); res.destroy(); });
                upstream.end(body);
            });
        });
    }

    /** The identical request through this proxy (so with its latency), unrecorded. */
    private replay(method: string, url: string, headers: http.IncomingHttpHeaders, body: Buffer): Promise<void> {
        return new Promise<void>((resolve, reject) => {
            const req = http.request(`${this.url}${url}`, { method, headers: { ...headers, [REPLAY_HEADER]: "1", connection: "close" } }, res => {
                res.resume();
                res.on("end", () => resolve());
            });
            req.on("error", reject);
            req.end(body);
        });
    }
}
