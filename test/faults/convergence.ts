// The convergence matrix: one table of fault sequences for every cloud, each
// run as several invocations against the cloud's fakes over real HTTP. The
// cloud suites only say how to reach their fakes (a PairUnderTest); the cases
// and what they must end in live here, so the three clouds cannot drift.
//
// Every case asserts, after every run:
//   - never a failback: the operator's replicas never drop and a lock that
//     stood before the run still stands, unless a person removed it;
// and at the end:
//   - exactly one effective scale-up (none when the primary never failed);
//   - DNS locked, or no failover at all.

import * as assert from "assert";
import type { FailoverResult } from "../../functions/core/types";
import type { FakeKubernetes } from "../support/fake-k8s";
import { instantClock } from "./matrix";

export interface RunOptions {
    /** Holdoff for this run; default: one the pair's failing primary has already met. */
    holdoffSeconds?: number;
}

export interface PairUnderTest {
    readonly kube: FakeKubernetes;
    readonly namespace: string;
    readonly operator: string;
    /** One invocation, composed as the cloud's handler composes it. */
    run(options?: RunOptions): Promise<FailoverResult>;
    dnsLocked(): boolean;
    /** What a person does in failback: the primary back in DNS. */
    unlockByHand(): void;
    setPrimaryHealthy(healthy: boolean): void;
    /** The failover record store answers errors for every call until the end of the case. */
    breakRecordStore(): void;
    /** The DNS lock API answers errors (true) or works again (false). */
    breakLock(broken: boolean): void;
    /** Milliseconds every run so far has slept (retry backoff, Retry-After, holdoff waits). */
    sleeps(): number[];
}

export interface ConvergenceCase {
    name: string;
    /** The primary never fails: no scale-up, no lock. */
    noFailover?: boolean;
    /** A person scaled the operator: the runs complete it without a scale-up of their own. */
    scaledByHand?: boolean;
    steps: (pair: PairUnderTest, run: (o?: RunOptions) => Promise<FailoverResult>) => Promise<void>;
}

const why = (r: FailoverResult) => `${r.decision}: ${r.reason} ${r.error ?? ""} ${r.dnsLockError ?? ""} ${r.cooldownRecordError ?? ""}`;

/** PATCHes of spec.replicas the API server accepted. */
export function effectiveScales(kube: FakeKubernetes): number {
    return kube.requests.filter(r => r.method === "PATCH" && r.status === 200 && JSON.stringify(r.body ?? "").includes("/spec/replicas")).length;
}

/** A fresh instant clock per run whose sleeps are appended to `slept`, so a case can check the waits of all its runs. */
export function recordingClock(slept: number[], startMs?: number): { now: () => number; sleep: (ms: number) => Promise<void> } {
    const clock = instantClock(startMs);
    return { now: clock.now, sleep: async (ms: number) => { slept.push(ms); await clock.sleep(ms); } };
}

/**
 * Where the record is an annotation on the operator Deployment (Azure, OCI),
 * "the store down" is that annotation unreadable; the caller's proxy refuses
 * every write of it from then on.
 */
export function garbleRecordAnnotation(kube: FakeKubernetes, namespace: string, operator: string, annotation: string): void {
    const d = kube.deployment(namespace, operator)!;
    kube.putDeployment(namespace, operator, { replicas: d.spec.replicas ?? 0, annotations: { [annotation]: "garbled by hand" } });
}

export function replicasOf(pair: PairUnderTest): number {
    return pair.kube.deployment(pair.namespace, pair.operator)?.spec.replicas ?? 0;
}

export const CONVERGENCE_CASES: ConvergenceCase[] = [
    {
        name: "the failover record store down for the whole run, and for the alarm's repeat",
        steps: async (pair, run) => {
            pair.breakRecordStore();
            const first = await run();
            assert.strictEqual(first.decision, "failed-over", why(first));
            assert.strictEqual(first.dnsLocked, true, why(first));
            assert.ok(first.cooldownReadError || first.cooldownRecordError, `the store's error is reported: ${why(first)}`);
            const repeat = await run();
            assert.ok(!repeat.operatorScaled, `the repeat does not scale again: ${why(repeat)}`);
        },
    },
    {
        name: "the DNS lock API down for two runs, then back: the third run locks",
        steps: async (pair, run) => {
            pair.breakLock(true);
            const first = await run();
            assert.strictEqual(first.decision, "failed-over", why(first));
            assert.strictEqual(first.dnsLocked, false, why(first));
            assert.ok(first.dnsLockError, why(first));
            const second = await run();
            assert.strictEqual(second.dnsLocked, false, why(second));
            assert.ok(!second.operatorScaled, why(second));
            assert.strictEqual(pair.dnsLocked(), false);
            pair.breakLock(false);
            const third = await run();
            assert.strictEqual(third.decision, "failed-over", why(third));
            assert.strictEqual(third.dnsLocked, true, why(third));
            assert.deepStrictEqual(third.stepsDone, ["lock", "record"], why(third));
        },
    },
    {
        name: "Kubernetes answers 403 to the scale: nothing scaled, the next run (RBAC fixed) fails over",
        steps: async (pair, run) => {
            pair.kube.fault({ method: "PATCH", path: `/deployments/${pair.operator}`, status: 403, times: Infinity });
            const first = await run();
            assert.strictEqual(first.decision, "error", why(first));
            assert.strictEqual(replicasOf(pair), 0);
            assert.strictEqual(pair.dnsLocked(), false, "no lock without a scale-up");
            pair.kube.clearFaults();
            const second = await run();
            assert.strictEqual(second.decision, "failed-over", why(second));
        },
    },
    {
        name: "Kubernetes answers 500 twice to the scale: retried within the run",
        steps: async (pair, run) => {
            pair.kube.fault({ method: "PATCH", path: `/deployments/${pair.operator}`, status: 500, times: 2 });
            const first = await run();
            assert.strictEqual(first.decision, "failed-over", why(first));
            assert.strictEqual(pair.kube.requests.filter(r => r.method === "PATCH" && r.status === 500).length, 2);
        },
    },
    {
        name: "Kubernetes answers 429 with Retry-After: 3: the next attempt waits 3 s",
        steps: async (pair, run) => {
            pair.kube.fault({ method: "GET", path: `/deployments/${pair.operator}`, status: 429, retryAfter: "3", times: 1 });
            const first = await run();
            assert.strictEqual(first.decision, "failed-over", why(first));
            assert.ok(pair.sleeps().includes(3000), `slept ${JSON.stringify(pair.sleeps())}, expected 3000 ms for Retry-After: 3`);
        },
    },
    {
        name: "Kubernetes hangs on the TLS secret read: the deadline fires, the retry fails over",
        steps: async (pair, run) => {
            pair.kube.fault({ method: "GET", path: "/secrets/", hang: true, times: 1 });
            const first = await run();
            assert.strictEqual(first.decision, "failed-over", why(first));
        },
    },
    {
        name: "two runs at the same moment",
        steps: async (pair, run) => {
            const results = await Promise.all([run(), run()]);
            assert.strictEqual(results.filter(r => r.operatorScaled).length, 1, results.map(why).join(" | "));
            assert.ok(results.every(r => r.decision !== "error"), results.map(why).join(" | "));
        },
    },
    {
        name: "the operator at 1 with no record (scaled by hand, or a run killed between scale and lock): the run locks and records it",
        scaledByHand: true,
        steps: async (pair, run) => {
            pair.kube.putDeployment(pair.namespace, pair.operator, { replicas: 1 });
            const first = await run();
            assert.strictEqual(first.decision, "failed-over", why(first));
            assert.strictEqual(first.operatorScaled, false, why(first));
            assert.strictEqual(first.dnsLocked, true, why(first));
            assert.deepStrictEqual(first.stepsDone, ["lock", "record"], why(first));
            const repeat = await run();
            assert.ok(!repeat.operatorScaled && !(repeat.stepsDone ?? []).includes("lock"), `the repeat finds it complete: ${why(repeat)}`);
        },
    },
    {
        name: "a person unlocked DNS after the failover, then the alarm fires again: it stays unlocked",
        steps: async (pair, run) => {
            const first = await run();
            assert.strictEqual(first.dnsLocked, true, why(first));
            pair.unlockByHand();
            const again = await run();
            assert.ok(!(again.stepsDone ?? []).includes("lock"), why(again));
            assert.strictEqual(pair.dnsLocked(), false, "the person's unlock stands");
        },
    },
    {
        name: "the primary recovers during the holdoff: no failover",
        noFailover: true,
        steps: async (pair, run) => {
            const waiting = await run({ holdoffSeconds: 3600 });
            assert.strictEqual(waiting.decision, "holdoff-pending", why(waiting));
            pair.setPrimaryHealthy(true);
            const recovered = await run({ holdoffSeconds: 3600 });
            assert.strictEqual(recovered.decision, "primary-healthy", why(recovered));
        },
    },
    {
        name: "the primary healthy throughout",
        noFailover: true,
        steps: async (pair, run) => {
            pair.setPrimaryHealthy(true);
            const result = await run();
            assert.strictEqual(result.decision, "primary-healthy", why(result));
        },
    },
];

/**
 * Registers every case for one cloud. `start` builds a fresh pair (primary
 * failing, operator at 0, a stale TLS secret, DNS unlocked); `stop` tears it down.
 */
export function convergenceSuite(cloud: string, start: () => Promise<PairUnderTest>, stop: (pair: PairUnderTest) => Promise<void>): void {
    describe(`convergence matrix: ${cloud} (several runs per case, over real HTTP against the fakes)`, function () {
        this.timeout(30_000);
        let pair: PairUnderTest;
        beforeEach(async () => { pair = await start(); });
        afterEach(async () => { await stop(pair); });

        for (const c of CONVERGENCE_CASES) {
            it(c.name, async () => {
                let unlockedByHand = false;
                const unlock = pair.unlockByHand.bind(pair);
                pair.unlockByHand = () => { unlockedByHand = true; unlock(); };
                const observedRun = async (o?: RunOptions) => {
                    const replicasBefore = replicasOf(pair);
                    const lockedBefore = pair.dnsLocked();
                    const result = await run(o);
                    assert.ok(replicasOf(pair) >= replicasBefore, `failback: ${pair.operator} went ${replicasBefore} -> ${replicasOf(pair)} (${why(result)})`);
                    if (lockedBefore && !unlockedByHand) {
                        assert.ok(pair.dnsLocked(), `failback: the DNS lock was removed by a run (${why(result)})`);
                    }
                    return result;
                };
                const run = (o?: RunOptions) => pair.run(o);
                await c.steps(pair, observedRun);
                if (c.noFailover) {
                    assert.strictEqual(effectiveScales(pair.kube), 0, "no scale-up");
                    assert.strictEqual(pair.dnsLocked(), false, "DNS untouched");
                } else {
                    assert.strictEqual(effectiveScales(pair.kube), c.scaledByHand ? 0 : 1, "exactly one effective scale-up (the person's, or one run's)");
                    assert.strictEqual(replicasOf(pair), 1);
                    if (!unlockedByHand) {
                        assert.strictEqual(pair.dnsLocked(), true, "DNS locked by the end");
                    }
                }
            });
        }
    });
}
