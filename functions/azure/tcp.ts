import * as net from "net";

/**
 * Whether something accepts TCP connections at host:port within timeoutMs.
 * The secondary gate: a standby's ingress answers 503 on /api/v1/status (its
 * LogScale is at zero), so Traffic Manager always sees it Degraded; what
 * matters before failing over onto it is that its load balancer and ingress
 * controller are up, which a completed TCP handshake on 443 shows.
 */
export function tcpReachable(host: string, port: number, timeoutMs: number): Promise<boolean> {
    return new Promise<boolean>(resolve => {
        let done = false;
        let timer: NodeJS.Timeout | undefined;
        const socket = net.connect({ host, port });
        const finish = (ok: boolean) => {
            if (!done) {
                done = true;
                clearTimeout(timer);
                socket.destroy();
                resolve(ok);
            }
        };
        timer = setTimeout(() => finish(false), timeoutMs);
        socket.once("connect", () => finish(true));
        socket.once("error", () => finish(false));
    });
}
