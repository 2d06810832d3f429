// Where the live world may send a token or a signed request: https, or plain
// http to this machine only (the tests' fakes). A token sent over http to
// another host would cross the network in the clear.

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

export function checkedEndpoint(raw: string, what: string): URL {
    let url: URL;
    try {
        url = new URL(raw);
    } catch {
        throw new Error(`${what} "${raw}" is not a URL; allowed: https://<host>[:port]`);
    }
    if (url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK.has(url.hostname))) return url;
    throw new Error(`${what} ${url.origin} is not https; allowed: https://<host>, or http:// only on 127.0.0.1/localhost`);
}

/** fetch with a deadline, so a hung endpoint becomes an error the runner reports instead of a run that never returns. */
export async function fetchWithin(url: URL | string, init: RequestInit, timeoutMs: number): Promise<Response> {
    return fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
}
