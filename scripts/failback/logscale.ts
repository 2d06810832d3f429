// LogScale's own API on a side's hostname: the FlushSegmentsAndGlobalOnShutdown
// dynamic config through GraphQL, and /api/v1/status. The admin token is the
// humio-operator's `<cluster>-admin-token` Secret, read per call because the
// operator may rotate it while the run waits.

import { checkedEndpoint, fetchWithin } from "./endpoint";

const FLUSH_KEY = "FlushSegmentsAndGlobalOnShutdown";
const TIMEOUT_MS = 30_000;

export class LogScaleApi {
    private readonly base: URL;

    /** baseUrl: https://<hostname> of the side (http only on loopback). */
    constructor(baseUrl: string, private readonly token: () => Promise<string>, private readonly where: string) {
        this.base = checkedEndpoint(baseUrl, `LogScale URL of the ${where}`);
    }

    private url(path: string): string { return `${this.base.href.replace(/\/$/, "")}${path}`; }

    async graphql<T>(query: string): Promise<T> {
        const res = await fetchWithin(this.url("/graphql"), {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${await this.token()}` },
            body: JSON.stringify({ query }),
        }, TIMEOUT_MS);
        const body = await res.text();
        let doc: { data?: T | null; errors?: { message?: string }[] } | undefined;
        try { doc = JSON.parse(body) as typeof doc; } catch { doc = undefined; }
        // LogScale answers a failed mutation with 200 and an errors array: the data alone would read as success.
        if (doc?.errors?.length) throw new Error(`GraphQL error from the ${this.where} LogScale: ${doc.errors.map(e => e.message ?? "(no message)").join("; ")}`);
        if (!res.ok) throw new Error(`GraphQL on the ${this.where} LogScale: HTTP ${res.status} ${body.slice(0, 120)}`);
        if (!doc || doc.data == null) throw new Error(`GraphQL on the ${this.where} LogScale: no data in the answer (${body.slice(0, 120)})`);
        return doc.data;
    }

    async flushOnShutdown(): Promise<boolean> {
        const d = await this.graphql<{ dynamicConfigs: { dynamicConfigKey: string; dynamicConfigValue: string }[] }>("query { dynamicConfigs { dynamicConfigKey dynamicConfigValue } }");
        return d.dynamicConfigs.find(c => c.dynamicConfigKey === FLUSH_KEY)?.dynamicConfigValue === "true";
    }

    async setFlushOnShutdown(): Promise<void> {
        await this.graphql(`mutation { setDynamicConfig(input: {config: ${FLUSH_KEY}, value: "true"}) }`);
    }

    /** Never throws for an unreachable cluster: verify-primary waits for it to answer, and code 0 says "no answer". */
    async status(): Promise<{ code: number; body: string }> {
        try {
            const res = await fetchWithin(this.url("/api/v1/status"), { method: "GET" }, TIMEOUT_MS);
            return { code: res.status, body: await res.text() };
        } catch (e) {
            return { code: 0, body: `no answer from ${this.base.host}: ${(e as Error).message}` };
        }
    }
}
