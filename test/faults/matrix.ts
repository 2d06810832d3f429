// The fault matrix's expectations: what a failover must do when one remote
// call fails in one way, by what the call is for. One table for every cloud;
// each cloud's suite lists its calls and how to fail each one.

import * as assert from "assert";
import type { FailoverResult } from "../../functions/core/types";
import type { FaultKind } from "./fault-proxy";

/** What a call is for, which decides what its failure may cost. */
export type CallRole =
    /** Round 1 (and the platform's own bookkeeping in it): nothing has changed yet. */
    | "read"
    /** Round 1: the cooldown store, a second guard and never a gate: the run goes on without it. */
    | "cooldownRead"
    /** Round 2: the stale TLS secret. */
    | "deleteSecret"
    /** Round 3: the operator 0 -> 1. */
    | "scale"
    /** Round 4: best effort. */
    | "lock"
    /** Round 4: the cooldown record, best effort. */
    | "record"
    /** Handing a pending holdoff over (AWS self-invoke): run with the holdoff not met. */
    | "recheck";

export type Outcome =
    /** Retried (or simply waited for): failover completes, DNS locked. */
    | "fails over"
    /** decision error; operator still 0, TLS secret still there, DNS untouched, no cooldown record. */
    | "aborts before any change"
    /** decision error after the stale TLS secret went: operator still 0, DNS untouched. */
    | "aborts before scaling"
    /** failed-over with dnsLocked false and dnsLockError: the scale-up stands. */
    | "fails over, lock failure reported"
    /** failed-over and locked, with cooldownRecordError. */
    | "fails over, record failure reported"
    /** holdoff-pending with recheckScheduled: nothing changed, the failover is not lost. */
    | "recheck scheduled"
    /** decision error (the failover would be lost: the function errs so the platform redelivers); nothing changed. */
    | "error, nothing changed";

export const EXPECTED: Record<CallRole, Record<FaultKind, Outcome>> = {
    read: { transient: "fails over", permanent: "aborts before any change", timeout: "fails over", slow: "fails over" },
    cooldownRead: { transient: "fails over", permanent: "fails over", timeout: "fails over", slow: "fails over" },
    deleteSecret: { transient: "fails over", permanent: "aborts before any change", timeout: "fails over", slow: "fails over" },
    scale: { transient: "fails over", permanent: "aborts before scaling", timeout: "fails over", slow: "fails over" },
    lock: { transient: "fails over", permanent: "fails over, lock failure reported", timeout: "fails over", slow: "fails over" },
    record: { transient: "fails over", permanent: "fails over, record failure reported", timeout: "fails over", slow: "fails over" },
    recheck: { transient: "recheck scheduled", permanent: "error, nothing changed", timeout: "recheck scheduled", slow: "recheck scheduled" },
};

export interface WorldState {
    replicas: number;
    tlsSecretPresent: boolean;
    dnsLocked: boolean;
    cooldownRecorded: boolean;
}

export function assertOutcome(expected: Outcome, result: FailoverResult, state: WorldState, cell: string): void {
    const why = `${cell}: expected "${expected}", got ${result.decision} (${result.reason}; ${result.error ?? ""}${result.dnsLockError ?? ""}${result.cooldownRecordError ?? ""})`;
    switch (expected) {
        case "fails over":
            assert.strictEqual(result.decision, "failed-over", why);
            assert.strictEqual(state.replicas, 1, why);
            assert.strictEqual(state.dnsLocked, true, why);
            assert.strictEqual(result.dnsLocked, true, why);
            assert.strictEqual(state.cooldownRecorded, true, why);
            assert.strictEqual(state.tlsSecretPresent, false, why);
            break;
        case "aborts before any change":
            assert.strictEqual(result.decision, "error", why);
            assert.strictEqual(state.replicas, 0, why);
            assert.strictEqual(state.tlsSecretPresent, true, why);
            assert.strictEqual(state.dnsLocked, false, why);
            assert.strictEqual(state.cooldownRecorded, false, why);
            break;
        case "aborts before scaling":
            assert.strictEqual(result.decision, "error", why);
            assert.strictEqual(state.replicas, 0, why);
            assert.strictEqual(state.dnsLocked, false, why);
            assert.strictEqual(state.cooldownRecorded, false, why);
            break;
        case "fails over, lock failure reported":
            assert.strictEqual(result.decision, "failed-over", why);
            assert.strictEqual(state.replicas, 1, why);
            assert.strictEqual(state.dnsLocked, false, why);
            assert.strictEqual(result.dnsLocked, false, why);
            assert.match(result.dnsLockError ?? "", /403/, why);
            break;
        case "fails over, record failure reported":
            assert.strictEqual(result.decision, "failed-over", why);
            assert.strictEqual(state.replicas, 1, why);
            assert.strictEqual(state.dnsLocked, true, why);
            assert.match(result.cooldownRecordError ?? "", /403/, why);
            break;
        case "recheck scheduled":
        case "error, nothing changed":
            assert.strictEqual(result.decision, expected === "recheck scheduled" ? "holdoff-pending" : "error", why);
            assert.strictEqual(result.recheckScheduled, expected === "recheck scheduled", why);
            assert.strictEqual(state.replicas, 0, why);
            assert.strictEqual(state.tlsSecretPresent, true, why);
            assert.strictEqual(state.dnsLocked, false, why);
            break;
    }
}

/** Retries sleep on this clock, so backoff costs no real time; requests and their deadlines stay real. */
export function instantClock(startMs = Date.UTC(2025, 0, 15, 12, 0, 30)) {
    let now = startMs;
    return { now: () => now, sleep: async (ms: number) => { now += ms; } };
}
