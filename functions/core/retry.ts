import { Logger, RemoteError, RetryPolicy } from "./types";

// Five attempts spread over roughly 0.2 + 0.4 + 0.8 + 1.6 s (before jitter):
// long enough to ride out an API server leader change or a throttling burst,
// short enough that the step budget of a Lambda/Function run is not eaten.
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 5000 };

/** 429 and 5xx are worth another try; any other 4xx will fail the same way again. */
export function isRetryableStatus(status: number | undefined): boolean {
    if (status === undefined) {
        return true;
    }
    return status === 429 || status >= 500;
}

/**
 * Whether a failure is transient. RemoteError carries its adapter's
 * classification; anything else is a programming or input error and is not
 * retried (retrying a TypeError only delays the report).
 */
export function isRetryable(err: unknown): boolean {
    return err instanceof RemoteError ? err.retryable : false;
}

/** Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): spreads concurrent retriers apart. */
export function backoffDelayMs(attempt: number, policy: RetryPolicy, random: () => number): number {
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * Math.pow(2, attempt - 1));
    return Math.floor(random() * ceiling);
}

/**
 * Retry-After (RFC 9110 10.2.3): delay-seconds or an HTTP date. Undefined when
 * absent or unreadable, so the backoff applies; a date in the past is 0.
 */
export function parseRetryAfterMs(header: string | undefined, nowMs: number): number | undefined {
    if (header === undefined) {
        return undefined;
    }
    const v = header.trim();
    if (/^\d+$/.test(v)) {
        return Number(v) * 1000;
    }
    const at = Date.parse(v);
    if (Number.isNaN(at) || !/[A-Za-z]/.test(v)) {
        return undefined;
    }
    return Math.max(0, at - nowMs);
}

/**
 * The wait before the next attempt: the server's Retry-After when it gave
 * one (it knows its own throttle better than our backoff), else the jittered
 * backoff; never past the time left in the run (undefined: no deadline).
 * Undefined when the server's wait does not fit: retrying early would only
 * be refused again, so the caller gives up and the next run picks it up.
 */
export function nextDelayMs(attempt: number, err: unknown, policy: RetryPolicy, random: () => number, timeLeftMs?: number): number | undefined {
    const asked = err instanceof RemoteError ? err.retryAfterMs : undefined;
    const delay = asked ?? backoffDelayMs(attempt, policy, random);
    if (timeLeftMs !== undefined && delay > timeLeftMs) {
        return asked !== undefined ? undefined : Math.max(0, timeLeftMs);
    }
    return delay;
}

export interface RetryOptions {
    /** Name of the call for log lines, e.g. "k8s.getDeploymentReplicas". */
    call: string;
    policy: RetryPolicy;
    sleep: (ms: number) => Promise<void>;
    random: () => number;
    log?: Logger;
    /** Milliseconds left in the run; a retry wait never goes past it. */
    timeLeftMs?: () => number;
}

export function validateRetryPolicy(policy: RetryPolicy): string | undefined {
    if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
        return `retry.maxAttempts must be an integer >= 1 (got ${policy.maxAttempts})`;
    }
    if (!(policy.baseDelayMs >= 0) || !(policy.maxDelayMs >= policy.baseDelayMs)) {
        return `retry delays must satisfy 0 <= baseDelayMs <= maxDelayMs (got ${policy.baseDelayMs}, ${policy.maxDelayMs})`;
    }
    return undefined;
}

/** Runs fn, retrying transient failures with exponential backoff and full jitter. */
export async function withRetry<T>(fn: () => Promise<T>, opts: RetryOptions): Promise<T> {
    for (let attempt = 1; ; attempt++) {
        try {
            return await fn();
        } catch (err) {
            const retryable = isRetryable(err);
            if (!retryable || attempt >= opts.policy.maxAttempts) {
                if (retryable && opts.log) {
                    opts.log("warn", "retry.exhausted", { call: opts.call, attempts: attempt, error: errorMessage(err) });
                }
                throw err;
            }
            const delayMs = nextDelayMs(attempt, err, opts.policy, opts.random, opts.timeLeftMs?.());
            if (delayMs === undefined) {
                if (opts.log) {
                    opts.log("warn", "retry.retry-after-past-deadline", { call: opts.call, attempts: attempt, error: errorMessage(err) });
                }
                throw err;
            }
            if (opts.log) {
                opts.log("warn", "retry.scheduled", {
                    call: opts.call,
                    attempt,
                    delayMs,
                    status: err instanceof RemoteError ? err.status : undefined,
                    error: errorMessage(err),
                });
            }
            await opts.sleep(delayMs);
        }
    }
}

export function errorMessage(err: unknown): string {
    if (err instanceof Error) {
        return err.message;
    }
    return String(err);
}
