import { Logger, LogLevel, RemoteError } from "./types";

export interface JsonLoggerOptions {
    /** Receives one complete JSON line (no trailing newline). Default: stdout. */
    write?: (line: string) => void;
    /** Fields on every line (function name, cloud, request id). */
    base?: Record<string, unknown>;
    /** Milliseconds since the epoch for the "ts" field. Default: Date.now. */
    now?: () => number;
    /** Lines below this level are dropped. Default "info". */
    minLevel?: LogLevel;
}

const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * One JSON object per line so that CloudWatch Logs Insights, Azure Monitor and
 * OCI Logging can filter on fields (event, decision, call) without parsing text.
 * Written straight to stdout: console.log in Lambda prefixes a text header
 * that breaks the JSON.
 */
export function jsonLogger(options: JsonLoggerOptions = {}): Logger {
    const write = options.write ?? ((line: string) => { process.stdout.write(line + "\n"); });
    const now = options.now ?? (() => Date.now());
    const min = LEVEL_ORDER[options.minLevel ?? "info"];
    const base = options.base ?? {};
    return (level, event, fields) => {
        if (LEVEL_ORDER[level] < min) {
            return;
        }
        const line: Record<string, unknown> = { ts: new Date(now()).toISOString(), level, event, ...base };
        for (const [key, value] of Object.entries(fields ?? {})) {
            line[key] = value instanceof Error ? describeError(value) : value;
        }
        write(safeStringify(line));
    };
}

/** Error objects stringify to {}; keep what an operator needs. */
export function describeError(err: unknown): Record<string, unknown> {
    if (err instanceof RemoteError) {
        return { name: err.name, message: err.message, status: err.status, retryable: err.retryable, call: err.call };
    }
    if (err instanceof Error) {
        return { name: err.name, message: err.message };
    }
    return { message: String(err) };
}

function safeStringify(value: unknown): string {
    try {
        return JSON.stringify(value);
    } catch {
        // A circular field must not cost the log line itself.
        const seen = new WeakSet<object>();
        return JSON.stringify(value, (_key, v: unknown) => {
            if (typeof v === "object" && v !== null) {
                if (seen.has(v)) {
                    return "[circular]";
                }
                seen.add(v);
            }
            return v;
        });
    }
}
