import * as assert from "assert";
import { missingSteps } from "../../functions/core/converge";
import { Observation } from "../../functions/core/decide";
import { encodeFailoverRecord, parseFailoverRecord } from "../../functions/core/record";
import { nextDelayMs, parseRetryAfterMs } from "../../functions/core/retry";
import { FailoverSettings, RemoteError } from "../../functions/core/types";

const settings: FailoverSettings = {
    namespace: "logging", operatorDeployment: "humio-operator", humioClusterName: "logscale",
    preFailoverFailureSeconds: 180, cooldownSeconds: 3600, requireHealthySecondary: false,
    recheckIntervalSeconds: 30, waitBudgetSeconds: 120,
};
const obs = (o: Partial<Observation>): Observation => ({
    lastFailoverEpoch: undefined, primary: { healthy: false, failingForSeconds: 600 },
    secondaryHealthy: undefined, operatorReplicas: 1, tlsSecret: undefined, ...o,
});

describe("convergence rules (functions/core/converge.ts, record.ts, retry.ts)", () => {
    it("completes the lock of a failover whose lock is pending, whatever the primary looks like now", () => {
        const pending = { epochSeconds: 100, lock: "pending" as const };
        assert.deepStrictEqual(missingSteps(obs({}), pending, settings)?.steps, ["lock", "record"]);
        assert.deepStrictEqual(missingSteps(obs({ primary: { healthy: true, failingForSeconds: 0 } }), pending, settings)?.steps, ["lock", "record"]);
    });

    it("never relocks a failover whose lock was applied: an unlock since then is a person's", () => {
        assert.strictEqual(missingSteps(obs({}), { epochSeconds: 100, lock: "applied" }, settings), undefined);
    });

    it("counts a manual scale to 1 as a failover only while the primary fails past the holdoff", () => {
        assert.strictEqual(missingSteps(obs({}), undefined, settings)?.manual, true);
        assert.strictEqual(missingSteps(obs({ primary: { healthy: false, failingForSeconds: 60 } }), undefined, settings), undefined);
        assert.strictEqual(missingSteps(obs({ primary: { healthy: true, failingForSeconds: 0 } }), undefined, settings), undefined);
        assert.strictEqual(missingSteps(obs({ operatorReplicas: 0 }), undefined, settings), undefined);
    });

    it("encodes the record with its lock mark and reads legacy bare epochs as applied", () => {
        assert.strictEqual(encodeFailoverRecord({ epochSeconds: 1736942400, lock: "pending" }), "1736942400;lock=pending");
        assert.deepStrictEqual(parseFailoverRecord("1736942400;lock=pending"), { epochSeconds: 1736942400, lock: "pending" });
        assert.deepStrictEqual(parseFailoverRecord("1736942400"), { epochSeconds: 1736942400, lock: "applied" });
        assert.strictEqual(parseFailoverRecord("0"), undefined);
        assert.strictEqual(parseFailoverRecord(undefined), undefined);
        assert.match((parseFailoverRecord("yesterday") as { error: string }).error, /expected "<epoch seconds>;lock=pending\|applied"/);
    });

    it("reads Retry-After as seconds or an HTTP date, and caps the wait by the time left", () => {
        const now = Date.UTC(2026, 11, 3, 7, 0, 0);
        assert.strictEqual(parseRetryAfterMs("3", now), 3000);
        assert.strictEqual(parseRetryAfterMs(new Date(now + 5000).toUTCString(), now), 5000);
        assert.strictEqual(parseRetryAfterMs(new Date(now - 5000).toUTCString(), now), 0);
        assert.strictEqual(parseRetryAfterMs("soon", now), undefined);
        assert.strictEqual(parseRetryAfterMs(undefined, now), undefined);
        const policy = { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 5000 };
        const throttled = new RemoteError("k8s: HTTP 429", 429, true, "k8s", 3000);
        assert.strictEqual(nextDelayMs(1, throttled, policy, () => 0.5), 3000);
        assert.strictEqual(nextDelayMs(1, throttled, policy, () => 0.5, 1000), undefined, "a wait past the deadline gives up");
        assert.strictEqual(nextDelayMs(3, new RemoteError("x", 503, true, "x"), policy, () => 0.5, 150), 150);
    });
});
