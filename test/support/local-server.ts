/**
 * The plumbing every fake cloud API in the tests shares: an HTTP (or HTTPS)
 * server on 127.0.0.1 at a free port whose handler gets each request with its
 * body already read, and a stop() that also closes kept-alive and hung
 * connections, so a test never waits on a socket the client left open.
 *
 *   const srv = await startLocalServer((req, res, raw) => { ... });
 *   srv.url            // http://127.0.0.1:<port>
 *   await srv.stop()
 */
import * as http from "http";
import * as https from "https";
import type { AddressInfo, Socket } from "net";

/** Gets the request once its whole body has arrived (utf8). */
export type BodyHandler = (req: http.IncomingMessage, res: http.ServerResponse, raw: string) => void;

export interface LocalServer {
    /** http(s)://127.0.0.1:<port>, no trailing slash. */
    readonly url: string;
    stop(): Promise<void>;
}

export async function startLocalServer(handler: BodyHandler, options: { tls?: { cert: string; key: string } } = {}): Promise<LocalServer> {
    const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => handler(req, res, Buffer.concat(chunks).toString("utf8")));
    };
    const server: http.Server = options.tls ? https.createServer(options.tls, listener) : http.createServer(listener);
    const sockets = new Set<Socket>();
    server.on("connection", (socket: Socket) => {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>(resolve => server.listen(0, "127.0.0.1", resolve));
    const url = `${options.tls ? "https" : "http"}://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return {
        url,
        async stop() {
            for (const socket of sockets) socket.destroy();
            await new Promise<void>(resolve => server.close(() => resolve()));
        },
    };
}

/** A request body as the fakes record it: parsed JSON, the raw text when it is not JSON, undefined when empty. */
export function jsonOrText(raw: string): unknown {
    if (raw.length === 0) return undefined;
    try {
        return JSON.parse(raw);
    } catch {
        return raw;
    }
}
