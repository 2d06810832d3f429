import { isRetryableStatus } from "../core/retry";
import { RemoteError } from "../core/types";

// Arrays, not Sets: closure serialization captures a module-level Set as a
// plain object whose has() then throws inside the Lambda.

// Route 53 and SSM answer throttling with HTTP 400 and one of these codes, so
// the status alone would call them permanent.
const THROTTLING_NAMES: readonly string[] = [
    "Throttling", "ThrottlingException", "ThrottledException", "TooManyRequestsException",
    "RequestLimitExceeded", "RequestThrottled", "RequestThrottledException", "PriorRequestNotComplete",
    "SlowDown", "TransactionInProgressException", "EC2ThrottledException",
];

// Failures before or without an HTTP answer (the request may not have reached AWS).
const TRANSIENT_NAMES: readonly string[] = ["TimeoutError", "RequestTimeout", "RequestTimeoutException", "NetworkingError"];
const TRANSIENT_CODES: readonly string[] = ["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "EAI_AGAIN", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH"];

interface SdkErrorShape {
    name?: string;
    message?: string;
    code?: string;
    $fault?: "client" | "server";
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number };
}

/** Classifies an AWS SDK v3 failure once, where it happened. */
export function awsRemoteError(call: string, err: unknown): RemoteError {
    if (err instanceof RemoteError) {
        return err;
    }
    const e = (typeof err === "object" && err !== null ? err : { message: String(err) }) as SdkErrorShape;
    const name = e.name ?? "Error";
    const status = e.$metadata?.httpStatusCode;
    let retryable: boolean;
    if (THROTTLING_NAMES.includes(name) || e.$retryable) {
        retryable = true;
    } else if (status !== undefined) {
        retryable = isRetryableStatus(status);
    } else {
        retryable = TRANSIENT_NAMES.includes(name) || (e.code !== undefined && TRANSIENT_CODES.includes(e.code)) || e.$fault === "server";
    }
    const where = status !== undefined ? `HTTP ${status} ` : "";
    return new RemoteError(`${call}: ${where}${name}: ${e.message ?? ""}`.trim(), status, retryable, call);
}

/** Runs one SDK call and turns its failure into a classified RemoteError. */
export async function awsCall<T>(call: string, fn: () => Promise<T>): Promise<T> {
    try {
        return await fn();
    } catch (err) {
        throw awsRemoteError(call, err);
    }
}
