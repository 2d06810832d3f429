import * as assert from "assert";
import * as http from "http";
import type { AddressInfo } from "net";
import { RemoteError } from "../../functions/core/types";
import { clipBody, exchange, httpStatusError, jsonPayload, parseJsonObjectBody, unexpectedAnswerError } from "../../functions/http/exchange";

describe("functions/http exchange (the transport shared by the Kubernetes, Azure and OCI calls)", () => {
    let server: http.Server;
    let base = "";
    const seen: { method?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];

    before(async () => {
        server = http.createServer((req, res) => {
            const chunks: Buffer[] = [];
            req.on("data", (c: Buffer) => chunks.push(c));
            req.on("end", () => {
                seen.push({ method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
                if (req.url?.startsWith("/big")) {
                    res.writeHead(200, { "content-type": "text/plain" });
                    res.end("x".repeat(Number(new URL(req.url, base).searchParams.get("n"))));
                    return;
                }
                res.setHeader("set-cookie", ["a=1", "b=2"]);
                res.writeHead(503, { "content-type": "application/json", "x-request-id": "r-1" });
                res.end(JSON.stringify({ ok: false }));
            });
        });
        await new Promise<void>(resolve => server.listen(0, "127.0.0.1", resolve));
        base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    after(async () => {
        server.closeAllConnections();
        await new Promise<void>(resolve => server.close(() => resolve()));
    });

    it("sends the payload with its JSON headers and resolves any status with the answer's headers", async () => {
        const json = jsonPayload({ replicas: 1 }, "application/merge-patch+json");
        const res = await exchange({ call: "t.patch", method: "PATCH", timeoutMs: 5000 }, {
            url: new URL("/x?y=1", base), headers: { accept: "application/json", ...json.headers }, payload: json.payload,
            maxResponseBytes: 1024, where: "PATCH /x",
        });
        assert.equal(res.status, 503);
        assert.equal(res.body, '{"ok":false}');
        assert.equal(res.headers["x-request-id"], "r-1");
        assert.equal(res.headers["set-cookie"], "a=1, b=2");
        const got = seen[seen.length - 1];
        assert.equal(got.method, "PATCH");
        assert.equal(got.body, '{"replicas":1}');
        assert.equal(got.headers["content-type"], "application/merge-patch+json");
        assert.equal(got.headers["content-length"], String(Buffer.byteLength('{"replicas":1}')));
    });

    it("no body: no payload and no content headers", () => {
        assert.deepEqual(jsonPayload(undefined, "application/json"), { headers: {} });
    });

    // Whole answer in one chunk (the cap is hit on the last chunk) and an answer spread over many chunks.
    for (const n of [2048, 4 * 1024 * 1024]) {
        it(`an answer above the size cap (${n} bytes) is a retryable connection-level RemoteError naming the call`, async () => {
            const err = await exchange({ call: "t.big", method: "GET", timeoutMs: 5000 }, {
                url: new URL(`/big?n=${n}`, base), headers: {}, maxResponseBytes: 1024, where: "GET /big",
            }).then(() => undefined, (e: unknown) => e);
            assert.ok(err instanceof RemoteError, String(err));
            assert.equal(err.message, "t.big GET /big: connection failed: response larger than 1024 bytes");
            assert.equal(err.status, undefined);
            assert.equal(err.retryable, true);
        });
    }

    it("classifies statuses and bad answers, and clips long bodies", () => {
        const e503 = httpStatusError("c", "GET /p", 503, "busy");
        assert.deepEqual(e503.toJSON(), { name: "RemoteError", message: "c GET /p: HTTP 503 busy", status: 503, retryable: true, call: "c" });
        assert.equal(httpStatusError("c", "GET /p", 403, "no").retryable, false);
        const bad = unexpectedAnswerError("c", "GET /p", "no uid");
        assert.equal(bad.message, "c GET /p: unexpected answer: no uid");
        assert.equal(bad.retryable, false);
        assert.equal(clipBody("y".repeat(301)), "y".repeat(300) + "...");
        assert.equal(clipBody("short"), "short");
        const mk = (what: string) => unexpectedAnswerError("c", "GET", what);
        assert.deepEqual(parseJsonObjectBody('{"a":1}', mk), { a: 1 });
        assert.throws(() => parseJsonObjectBody("<html>", mk), /unexpected answer: body is not JSON: <html>/);
        assert.throws(() => parseJsonObjectBody("[1]", mk), /unexpected answer: body is not a JSON object/);
    });
});
