import { missingSteps } from "./converge";
import { judge, Observation, tlsSecretIsStale, validateSettings, WaitingFor } from "./decide";
import { DEFAULT_RETRY, errorMessage, isRetryable, validateRetryPolicy, withRetry } from "./retry";
import { Clock, FailoverPlatform, FailoverRecord, FailoverResult, FailoverSettings, KubernetesApi, LockMark, Logger, RemoteError } from "./types";

export interface RunOptions {
    /** Source of jitter for retries, in [0, 1). Default Math.random. */
    random?: () => number;
}

type Draft = Omit<FailoverResult, "startedAt" | "durationMs">;

/**
 * The failover, cloud-neutral, as a reconciler: every run reads the state,
 * does whichever of (delete stale TLS secret, scale, lock DNS, record) is
 * still missing, in that order, and never undoes one. The cooldown store is a
 * second guard, not a gate: when it cannot be read the compare-and-set scale
 * still prevents a duplicate. Remote calls that do not depend on each other
 * run together, so the critical path is four round trips:
 *   1. observe: cooldown, primary health, secondary health, operator replicas, TLS secret metadata
 *      (and, where the platform has it, the read the DNS lock needs: prefetchLock)
 *   2. delete the stale TLS secret (only when one exists)
 *   3. scale the operator 0 -> 1 (compare-and-set)
 *   4. lock DNS and record the failover time
 * A failover that is due but blocked (holdoff not met yet, secondary
 * unhealthy, cooldown running with the operator back at 0) repeats round 1
 * every recheckIntervalSeconds and, when the wait budget runs out, hands
 * over to platform.scheduleRecheck rather than dropping the failover.
 */
export async function runFailover(
    platform: FailoverPlatform,
    k8s: KubernetesApi,
    settings: FailoverSettings,
    clock: Clock,
    log: Logger,
    options: RunOptions = {},
): Promise<FailoverResult> {
    const startedAtMs = clock.now();
    const startedAt = new Date(startedAtMs).toISOString();
    const draft: Draft = { decision: "error", reason: "", operatorScaled: false, dnsLocked: false };

    const finish = (decision: FailoverResult["decision"], reason: string, extra: Partial<Draft> = {}): FailoverResult => {
        Object.assign(draft, extra, { decision, reason });
        const result: FailoverResult = { ...draft, startedAt, durationMs: clock.now() - startedAtMs };
        const level = decision === "error" ? "error" : (result.dnsLockError || result.cooldownRecordError ? "warn" : "info");
        log(level, "failover.result", { ...result });
        return result;
    };

    const invalid = validateSettings(settings) ?? (settings.retry ? validateRetryPolicy(settings.retry) : undefined);
    if (invalid) {
        return finish("error", "the failover settings are invalid", { error: invalid });
    }
    log("info", "failover.start", { cloud: platform.cloud, settings: { ...settings } });

    const policy = settings.retry ?? DEFAULT_RETRY;
    // Retry waits (Retry-After included) never run past the wait budget plus
    // the time the four write rounds need, so a run is not killed mid-way.
    const runDeadlineMs = startedAtMs + (settings.waitBudgetSeconds + WRITE_ROUNDS_RESERVE_SECONDS) * 1000;
    const random = options.random ?? Math.random;
    const remote = <T>(call: string, fn: () => Promise<T>, onFailure?: (err: unknown) => void): Promise<T> =>
        withRetry(async () => {
            try {
                return await fn();
            } catch (err) {
                if (onFailure) {
                    onFailure(err);
                }
                throw err;
            }
        }, { call, policy, random, log, sleep: ms => clock.sleep(ms), timeLeftMs: () => runDeadlineMs - clock.now() });

    const { namespace, operatorDeployment, humioClusterName } = settings;

    // One attempt, never fatal: the lock reads for itself when this failed.
    const prefetchLock = (): Promise<void> => {
        if (!platform.prefetchLock) {
            return Promise.resolve();
        }
        const prefetch = platform.prefetchLock.bind(platform);
        return new Promise<void>(resolve => resolve(prefetch()))
            .catch(err => { log("warn", "failover.lock-prefetch-failed", { error: err }); });
    };

    // The cooldown store is read apart from the other reads: its failure is
    // reported, never fatal (the compare-and-set scale is the duplicate guard).
    let record: FailoverRecord | undefined;
    const readRecord = async (): Promise<number | undefined> => {
        try {
            record = platform.failoverRecord
                ? await remote("platform.failoverRecord", () => platform.failoverRecord!())
                : await remote("platform.lastFailoverEpoch", () => platform.lastFailoverEpoch())
                    .then(epoch => epoch === undefined ? undefined : { epochSeconds: epoch, lock: "applied" as LockMark });
            delete draft.cooldownReadError;
        } catch (err) {
            record = undefined;
            draft.cooldownReadError = errorMessage(err);
            log("warn", "failover.cooldown-read-failed", { error: err });
        }
        return record?.epochSeconds;
    };

    const observe = async (): Promise<Observation> => {
        const prefetched = prefetchLock();
        try {
            const [lastFailoverEpoch, primary, secondaryHealthy, operatorReplicas, tlsSecret] = await allOrFirstError([
                readRecord(),
                remote("platform.primaryHealth", () => platform.primaryHealth()),
                settings.requireHealthySecondary
                    ? remote("platform.secondaryHealthy", () => platform.secondaryHealthy())
                    : Promise.resolve(undefined),
                remote("k8s.getDeploymentReplicas", () => k8s.getDeploymentReplicas(namespace, operatorDeployment)),
                remote("k8s.getSecretMeta", () => k8s.getSecretMeta(namespace, humioClusterName)),
            ] as const);
            return { lastFailoverEpoch, primary, secondaryHealthy, operatorReplicas, tlsSecret };
        } finally {
            // Never rejects; awaited so no call of this round outlives it.
            await prefetched;
        }
    };

    const deadlineMs = startedAtMs + settings.waitBudgetSeconds * 1000;
    let obs: Observation;
    let checks = 0;
    for (;;) {
        checks++;
        try {
            obs = await observe();
        } catch (err) {
            // A transient failure that outlasted the retries (an API leader
            // change, a throttling burst) must not drop a failover whose alarm
            // notifies only once: read again while the wait budget allows.
            const retrySleepMs = settings.recheckIntervalSeconds * 1000;
            if (isRetryable(err) && clock.now() + retrySleepMs <= deadlineMs) {
                log("warn", "failover.observe-failed", { check: checks, error: err, sleepMs: retrySleepMs });
                await clock.sleep(retrySleepMs);
                continue;
            }
            return finish("error", "could not read the state the decision needs", { error: errorMessage(err), checks });
        }
        Object.assign(draft, {
            checks,
            primary: obs.primary,
            operatorReplicasBefore: obs.operatorReplicas,
            lastFailoverEpoch: obs.lastFailoverEpoch,
            secondaryHealthy: obs.secondaryHealthy,
            lockMarkBefore: record?.lock,
        });
        const completion = missingSteps(obs, record, settings);
        if (completion) {
            log("info", "failover.complete-missing", { steps: completion.steps, manual: completion.manual, reason: completion.reason });
            return lockAndRecord(record?.epochSeconds ?? Math.floor(clock.now() / 1000), completion.reason, false);
        }
        const verdict = judge(obs, settings, clock.now());
        log("info", "failover.check", {
            check: checks,
            verdict: verdict.kind,
            reason: verdict.reason,
            primary: obs.primary,
            operatorReplicas: obs.operatorReplicas,
            lastFailoverEpoch: obs.lastFailoverEpoch,
            secondaryHealthy: obs.secondaryHealthy,
        });
        if (verdict.kind === "stop") {
            if (verdict.decision === "primary-healthy" && platform.clearDegraded) {
                const clear = platform.clearDegraded.bind(platform);
                try {
                    await remote("platform.clearDegraded", () => clear());
                } catch (err) {
                    // Stale holdoff tracking only makes a later holdoff look longer
                    // than it is; it must not turn "healthy" into an error.
                    log("warn", "failover.clear-degraded-failed", { error: err });
                }
            }
            return finish(verdict.decision, verdict.reason);
        }
        if (verdict.kind === "act") {
            draft.timeline = { decidedAt: clock.now() };
            break;
        }
        const sleepMs = Math.ceil(Math.max(1, Math.min(settings.recheckIntervalSeconds, verdict.remainingSeconds)) * 1000);
        if (clock.now() + sleepMs > deadlineMs) {
            return handOver(verdict.decision, verdict.reason, Math.ceil(sleepMs / 1000));
        }
        log("info", "failover.wait", { waitingFor: verdict.decision, sleepMs, remainingSeconds: verdict.remainingSeconds });
        await clock.sleep(sleepMs);
    }

    async function handOver(decision: WaitingFor, reason: string, afterSeconds: number): Promise<FailoverResult> {
        if (!platform.scheduleRecheck) {
            log("error", "failover.recheck-unscheduled", { waitingFor: decision, reason });
            return finish(decision,
                `${reason}; the wait budget is spent and this platform cannot schedule a recheck, so only a new alarm notification runs the check again`,
                { recheckScheduled: false });
        }
        const schedule = platform.scheduleRecheck.bind(platform);
        try {
            await remote("platform.scheduleRecheck", () => schedule(afterSeconds));
        } catch (err) {
            return finish("error", `${reason}; scheduling a recheck failed, so the failover may be lost`,
                { error: errorMessage(err), recheckScheduled: false });
        }
        return finish(decision, `${reason}; the wait budget is spent, a recheck is scheduled`, { recheckScheduled: true });
    }

    // Round 2: the stale TLS secret. Its metadata came with round 1; a Secret
    // newer than this invocation belongs to an operator another invocation
    // already started, and the uid precondition keeps a Secret recreated
    // between our read and our delete.
    const secret = obs.tlsSecret;
    if (secret === undefined) {
        draft.tlsSecret = "absent";
    } else if (!tlsSecretIsStale(secret, startedAtMs)) {
        draft.tlsSecret = "kept-fresh";
        log("warn", "failover.tls-secret-kept", { name: humioClusterName, creationTimestamp: secret.creationTimestamp, startedAt });
    } else {
        try {
            const deleted = await remote("k8s.deleteSecret", () => k8s.deleteSecret(namespace, humioClusterName, { uid: secret.uid }));
            draft.tlsSecret = deleted === "replaced" ? "kept-fresh" : deleted;
            if (deleted === "deleted") {
                draft.stepsDone = ["delete-tls-secret"];
                draft.timeline = { ...draft.timeline, tlsSecretDeletedAt: clock.now() };
            }
        } catch (err) {
            // A stale CA would leave the recovered cluster unreachable; scaling
            // after a failed delete trades a clean retry for a broken failover.
            return finish("error", `deleting the stale TLS secret ${namespace}/${humioClusterName} failed; the operator was not scaled`,
                { error: errorMessage(err) });
        }
        log("info", "failover.tls-secret", { name: humioClusterName, result: draft.tlsSecret });
    }

    // Round 3: compare-and-set 0 -> 1, so that of N concurrent invocations
    // exactly one scales and goes on to lock.
    let ambiguousAttempt = false;
    let scaled: "scaled" | "conflict";
    try {
        scaled = await remote(
            "k8s.scaleDeploymentFrom",
            () => k8s.scaleDeploymentFrom(namespace, operatorDeployment, obs.operatorReplicas, 1),
            err => { if (err instanceof RemoteError && err.retryable) { ambiguousAttempt = true; } },
        );
    } catch (err) {
        return finish("error", `scaling ${namespace}/${operatorDeployment} to 1 failed`, { error: errorMessage(err) });
    }
    if (scaled === "conflict" && !ambiguousAttempt) {
        return finish("already-failed-over",
            `${operatorDeployment} was no longer at ${obs.operatorReplicas} replicas when this invocation scaled it; another invocation failed over first`);
    }
    // A conflict after an attempt whose outcome we never saw (timeout, reset,
    // 5xx) may be our own write answered late: lock anyway, since locking twice
    // is harmless and not locking lets DNS fail back on its own.
    draft.operatorScaled = true;
    draft.timeline = { ...draft.timeline, scaledAt: clock.now() };
    log("info", "failover.scaled", { deployment: operatorDeployment, from: obs.operatorReplicas, to: 1, ambiguous: scaled === "conflict" });

    draft.stepsDone = [...(draft.stepsDone ?? []), "scale"];
    const why = scaled === "conflict"
        ? "the scale-up answered late (an earlier attempt's outcome was unknown); treated as this invocation's"
        : `${operatorDeployment} scaled ${obs.operatorReplicas} -> 1`;
    return lockAndRecord(Math.floor(clock.now() / 1000), why, true);

    /**
     * Round 4: the lock and, beside it, the record marked "applied" (one round
     * trip, so the failover stays at four). When the lock fails the record is
     * rewritten "pending", so the next run completes the lock. A run killed
     * before round 4 leaves no record, which the next run completes the same
     * way (converge.ts); the window left is a run killed inside round 4 after
     * its record but before its lock, which the reserve below keeps small.
     */
    async function lockAndRecord(epochSeconds: number, why: string, scaledNow: boolean): Promise<FailoverResult> {
        const writeRecord = (lock: LockMark) =>
            remote("platform.recordFailover", () => platform.recordFailover(epochSeconds, lock));
        const steps = draft.stepsDone ?? [];
        const [lock, applied] = await Promise.allSettled([
            remote("platform.lockDns", () => platform.lockDns()),
            writeRecord("applied"),
        ]);
        let recordFailure: unknown = applied.status === "rejected" ? applied.reason : undefined;
        if (lock.status === "fulfilled") {
            draft.dnsLocked = true;
            draft.timeline = { ...draft.timeline, dnsLockedAt: clock.now() };
            steps.push("lock");
            if (!recordFailure) {
                steps.push("record");
            }
        } else {
            draft.dnsLockError = errorMessage(lock.reason);
            log("error", "failover.dns-lock-failed", { error: lock.reason });
            try {
                await writeRecord("pending");
                steps.push("record");
                recordFailure = undefined;
            } catch (err) {
                recordFailure = err;
            }
        }
        if (!draft.dnsLocked) {
            // A refused lock is often fixed within minutes (a permission, a
            // throttled API): keep trying in this run while the wait budget
            // lasts, so rechecks are spaced by a whole budget instead of
            // spinning through the platform's recheck allowance.
            while (clock.now() + settings.recheckIntervalSeconds * 1000 <= deadlineMs) {
                await clock.sleep(settings.recheckIntervalSeconds * 1000);
                try {
                    await remote("platform.lockDns", () => platform.lockDns());
                } catch (err) {
                    draft.dnsLockError = errorMessage(err);
                    log("warn", "failover.dns-lock-retry-failed", { error: err });
                    continue;
                }
                draft.dnsLocked = true;
                draft.timeline = { ...draft.timeline, dnsLockedAt: clock.now() };
                delete draft.dnsLockError;
                steps.push("lock");
                try {
                    await writeRecord("applied");
                } catch (err) {
                    // The record stays "pending": the next run locks again (harmless) and marks it.
                    recordFailure = err;
                }
                break;
            }
        }
        draft.stepsDone = steps;
        if (recordFailure !== undefined) {
            draft.cooldownRecordError = errorMessage(recordFailure);
            log("error", "failover.cooldown-record-failed", { error: recordFailure });
        }
        const prefix = scaledNow ? why : `completed an earlier failover (${why})`;
        if (draft.dnsLocked) {
            return finish("failed-over", `${prefix}; DNS locked`);
        }
        // Not dropped: the next run (recheck, alarm repeat, timer) sees the
        // operator up with no confirmed lock and locks.
        let scheduled = false;
        if (platform.scheduleRecheck) {
            const schedule = platform.scheduleRecheck.bind(platform);
            try {
                await remote("platform.scheduleRecheck", () => schedule(settings.recheckIntervalSeconds));
                scheduled = true;
            } catch (err) {
                log("error", "failover.recheck-unscheduled", { error: err });
            }
        }
        return finish("failed-over", `${prefix}; DNS lock FAILED, ${scheduled ? "a recheck is scheduled to complete it" : "the next alarm notification completes it; lock it by hand if urgent"}`,
            { recheckScheduled: scheduled });
    }
}

/**
 * Seconds kept after the wait budget for the write rounds (delete, scale,
 * lock, record) and their retries; handlers set the wait budget so that
 * budget + this fits the platform's timeout (docs/failover-functions.md).
 */
export const WRITE_ROUNDS_RESERVE_SECONDS = 60;

/**
 * Promise.all that waits for every call before failing: a rejected read must
 * not leave sibling calls (and their retries) running after the decision.
 */
async function allOrFirstError<T extends readonly unknown[]>(promises: { readonly [K in keyof T]: Promise<T[K]> }): Promise<T> {
    const settled = await Promise.allSettled(promises as readonly Promise<unknown>[]);
    const failures = settled.filter((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failures.length > 0) {
        const first = failures[0].reason;
        if (failures.length === 1) {
            throw first;
        }
        throw new Error(failures.map(f => errorMessage(f.reason)).join("; "));
    }
    return settled.map(s => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
