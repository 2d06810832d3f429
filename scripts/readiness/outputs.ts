// The standby stack's outputs a cloud adapter needs: each one named in the
// error when it is missing, since the fix is a `pulumi up` of that stack (or
// an older stack that predates the output).

export function needOutput(o: Record<string, unknown>, key: string, cloud: string): string {
    const v = o[key];
    if (typeof v !== "string" || v === "") throw new Error(`the standby stack has no "${key}" output; readiness needs it for the ${cloud} checks`);
    return v;
}

/**
 * Plain http only to this machine: the bearer token or request signature on
 * a call to a cloud API must not cross a network unencrypted. Loopback is
 * where the tests' fakes listen.
 */
export function checkApiEndpoint(url: string, what: string): string {
    let u: URL;
    try {
        u = new URL(url);
    } catch {
        throw new Error(`${what} endpoint ${JSON.stringify(url)} is not a URL`);
    }
    const loopback = ["127.0.0.1", "localhost", "[::1]", "::1"].includes(u.hostname);
    if (u.protocol !== "https:" && !(u.protocol === "http:" && loopback)) {
        throw new Error(`${what} endpoint ${url} must be https:// (http:// only on a loopback test server)`);
    }
    return url.replace(/\/+$/, "");
}
