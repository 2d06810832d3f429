import * as assert from "assert";
import { judge, Observation, tlsSecretIsStale } from "../../functions/core/decide";
import { settings } from "./fakes";

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);

function obs(o: Partial<Observation> = {}): Observation {
    return {
        lastFailoverEpoch: undefined,
        primary: { healthy: false, failingForSeconds: 600 },
        secondaryHealthy: true,
        operatorReplicas: 0,
        tlsSecret: undefined,
        ...o,
    };
}

describe("failover decision (functions/core/decide)", () => {
    const s = settings({ preFailoverFailureSeconds: 180, cooldownSeconds: 300 });

    it("acts only when every gate passes", () => {
        assert.strictEqual(judge(obs(), s, NOW).kind, "act");
    });

    it("checks in order: cooldown, operator running, primary healthy, holdoff, secondary gate", () => {
        const recent = Math.floor(NOW / 1000) - 10;
        const all = obs({ lastFailoverEpoch: recent, operatorReplicas: 1, primary: { healthy: true, failingForSeconds: 0 }, secondaryHealthy: false });
        const decision = (o: Observation) => { const v = judge(o, s, NOW); return v.kind === "act" ? "act" : `${v.kind}:${v.decision}`; };
        assert.strictEqual(decision(all), "stop:cooldown");
        assert.strictEqual(decision({ ...all, lastFailoverEpoch: undefined }), "stop:already-failed-over");
        assert.strictEqual(decision({ ...all, lastFailoverEpoch: undefined, operatorReplicas: 0 }), "stop:primary-healthy");
        assert.strictEqual(decision(obs({ primary: { healthy: false, failingForSeconds: 179 }, secondaryHealthy: false })), "wait:holdoff-pending");
        assert.strictEqual(decision(obs({ primary: { healthy: false, failingForSeconds: 180 }, secondaryHealthy: false })), "wait:secondary-unhealthy");
    });

    it("never stops a due failover for a blocker that can pass: the secondary gate and the cooldown wait", () => {
        const gate = judge(obs({ secondaryHealthy: false }), s, NOW);
        assert.deepStrictEqual(gate.kind === "wait" ? [gate.decision, gate.remainingSeconds] : gate.kind, ["secondary-unhealthy", s.recheckIntervalSeconds]);
        // The standby was reset by hand (operator 0) and the primary fails again inside the cooldown.
        const cooldown = judge(obs({ lastFailoverEpoch: Math.floor(NOW / 1000) - 10 }), s, NOW);
        assert.deepStrictEqual(cooldown.kind === "wait" ? [cooldown.decision, cooldown.remainingSeconds] : cooldown.kind, ["cooldown", 290]);
        // Inside the cooldown with a healthy primary, or with the operator running, there is nothing to wait for.
        assert.strictEqual(judge(obs({ lastFailoverEpoch: Math.floor(NOW / 1000) - 10, primary: { healthy: true, failingForSeconds: 0 } }), s, NOW).kind, "stop");
        assert.strictEqual(judge(obs({ lastFailoverEpoch: Math.floor(NOW / 1000) - 10, operatorReplicas: 1 }), s, NOW).kind, "stop");
    });

    it("an operator scaled with no failover recorded, the primary failing short of the holdoff: waits for the holdoff (the run that sees it met completes the lock)", () => {
        const early = judge(obs({ operatorReplicas: 1, primary: { healthy: false, failingForSeconds: 60 } }), s, NOW);
        assert.deepStrictEqual(early.kind === "wait" ? [early.decision, early.remainingSeconds] : early.kind, ["holdoff-pending", 120]);
        // Recorded, or the primary healthy: nothing to complete.
        assert.strictEqual(judge(obs({ operatorReplicas: 1, lastFailoverEpoch: Math.floor(NOW / 1000) - 900, primary: { healthy: false, failingForSeconds: 60 } }), s, NOW).kind, "stop");
        assert.strictEqual(judge(obs({ operatorReplicas: 1, primary: { healthy: true, failingForSeconds: 0 } }), s, NOW).kind, "stop");
    });

    it("reports how much holdoff is left", () => {
        const v = judge(obs({ primary: { healthy: false, failingForSeconds: 50 } }), s, NOW);
        assert.deepStrictEqual(v.kind === "wait" ? v.remainingSeconds : -1, 130);
    });

    it("treats a failover recorded slightly in the future (clock skew) as recent, and a cooldown of 0 as none", () => {
        const skewed = judge(obs({ lastFailoverEpoch: Math.floor(NOW / 1000) + 20 }), s, NOW);
        assert.deepStrictEqual(skewed.kind === "act" ? "act" : [skewed.decision, skewed.kind === "wait" ? skewed.remainingSeconds : 0], ["cooldown", 280]);
        assert.strictEqual(judge(obs({ lastFailoverEpoch: Math.floor(NOW / 1000) - 300 }), s, NOW).kind, "act");
        assert.strictEqual(judge(obs({ lastFailoverEpoch: Math.floor(NOW / 1000) }), settings({ cooldownSeconds: 0 }), NOW).kind, "act");
    });

    it("calls a TLS secret stale only with its creation second and the skew allowance to spare", () => {
        const at = (ms: number) => ({ uid: "u", creationTimestamp: new Date(ms).toISOString() });
        assert.strictEqual(tlsSecretIsStale(at(NOW - 86400_000), NOW), true);
        assert.strictEqual(tlsSecretIsStale(at(NOW - 3000), NOW), true);
        assert.strictEqual(tlsSecretIsStale(at(NOW - 2999), NOW), false);
        assert.strictEqual(tlsSecretIsStale(at(NOW + 5000), NOW), false);
        assert.strictEqual(tlsSecretIsStale({ uid: "u", creationTimestamp: "not a time" }, NOW), false);
    });
});
