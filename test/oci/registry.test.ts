import * as assert from "assert";
import * as http from "http";
import type { AddressInfo } from "net";
import { monitorInterval } from "../../components/oci/dns";
import { waitForRegistryLogin } from "../../components/oci/registry-ready";

/** A Docker v2 registry's login path: /v2/ challenges, the realm answers 401 until the token has "propagated". */
async function fakeRegistry(rejectFirst: number, user: string, pass: string) {
    let tokenCalls = 0;
    const server = http.createServer((req, res) => {
        const url = new URL(req.url ?? "/", "http://x");
        if (url.pathname === "/v2/") {
            res.writeHead(401, { "www-authenticate": `Bearer realm="http://127.0.0.1:${(server.address() as AddressInfo).port}/20180419/docker/token",service="fake.ocir.io",scope=""` });
            res.end();
            return;
        }
        if (url.pathname === "/20180419/docker/token" && url.searchParams.get("service") === "fake.ocir.io") {
            tokenCalls++;
            const ok = req.headers.authorization === "Basic " + Buffer.from(`${user}:${pass}`).toString("base64");
            res.writeHead(ok && tokenCalls > rejectFirst ? 200 : 401, { "content-type": "application/json" });
            res.end(JSON.stringify(ok ? { token: "t" } : {}));
            return;
        }
        res.writeHead(404);
        res.end();
    });
    await new Promise<void>(r => server.listen(0, "127.0.0.1", () => r()));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, calls: () => tokenCalls };
}

describe("OCIR login gate and monitor intervals", () => {
    it("waits until the registry accepts a new auth token, then lets the push go", async () => {
        const reg = await fakeRegistry(2, "ns/push-user", "tok");
        try {
            const attempts = await waitForRegistryLogin({ registry: reg.url, username: "ns/push-user", password: "tok", timeoutMs: 5000, intervalMs: 1 });
            assert.strictEqual(attempts, 3);
            assert.strictEqual(reg.calls(), 3);
        } finally {
            reg.server.close();
        }
    });

    it("gives up with the user and the last status when the credentials never work", async () => {
        const reg = await fakeRegistry(0, "ns/push-user", "right");
        try {
            await assert.rejects(
                waitForRegistryLogin({ registry: reg.url, username: "ns/push-user", password: "wrong", timeoutMs: 0, intervalMs: 1 }),
                /still rejects ns\/push-user .*HTTP 401/);
        } finally {
            reg.server.close();
        }
    });

    it("health-check intervals OCI monitors accept", () => {
        assert.deepStrictEqual([10, 30, 60].map(monitorInterval), [10, 30, 60]);
        assert.throws(() => monitorInterval(300), /not an OCI Health Checks interval; allowed: 10, 30, 60/);
    });
});
