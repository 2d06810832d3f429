import * as assert from "assert";
import { backoffDelayMs, isRetryableStatus, withRetry } from "../../functions/core/retry";
import { RemoteError } from "../../functions/core/types";

describe("retry policy (functions/core/retry)", () => {
    const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 500 };

    it("retries 429, 5xx and failures without a status; not other 4xx", () => {
        for (const s of [undefined, 429, 500, 502, 503, 504]) {
            assert.strictEqual(isRetryableStatus(s), true, String(s));
        }
        for (const s of [400, 401, 403, 404, 409, 422]) {
            assert.strictEqual(isRetryableStatus(s), false, String(s));
        }
    });

    it("draws full-jitter delays below a doubling ceiling capped at maxDelayMs", () => {
        assert.deepStrictEqual([1, 2, 3, 4, 5].map(n => backoffDelayMs(n, policy, () => 0.999999)), [99, 199, 399, 499, 499]);
        assert.deepStrictEqual([1, 2, 3].map(n => backoffDelayMs(n, policy, () => 0)), [0, 0, 0]);
    });

    it("stops at maxAttempts and at the first permanent failure", async () => {
        const sleeps: number[] = [];
        let calls = 0;
        await assert.rejects(withRetry(async () => { calls++; throw new RemoteError("x", 503, true, "x"); },
            { call: "x", policy, sleep: async ms => { sleeps.push(ms); }, random: () => 0.5 }));
        assert.strictEqual(calls, 4);
        assert.deepStrictEqual(sleeps, [50, 100, 200]);

        calls = 0;
        await assert.rejects(withRetry(async () => { calls++; throw new RemoteError("x", 404, false, "x"); },
            { call: "x", policy, sleep: async () => undefined, random: () => 0.5 }));
        assert.strictEqual(calls, 1);

        calls = 0;
        await assert.rejects(withRetry(async () => { calls++; throw new TypeError("bug"); },
            { call: "x", policy, sleep: async () => undefined, random: () => 0.5 }), TypeError);
        assert.strictEqual(calls, 1, "programming errors are not retried");
    });

    it("returns the first success", async () => {
        let calls = 0;
        const value = await withRetry(async () => {
            if (++calls < 3) {
                throw new RemoteError("x", 429, true, "x");
            }
            return "ok";
        }, { call: "x", policy, sleep: async () => undefined, random: () => 0.5 });
        assert.strictEqual(value, "ok");
        assert.strictEqual(calls, 3);
    });
});
