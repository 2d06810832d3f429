/**
 * A config problem, reported as one line that names the key, the stack, the
 * value and what is allowed. The offline plan prints `message` and exits 2.
 */
export class ConfigError extends Error {
    readonly isConfigError = true;
    constructor(
        readonly key: string,
        readonly stack: string,
        readonly value: unknown,
        readonly allowed: string,
    ) {
        super(`invalid config ${key} = ${describeValue(value)} in stack "${stack}": ${allowed}`);
        this.name = "ConfigError";
    }
}

export function isConfigError(e: unknown): e is ConfigError {
    return typeof e === "object" && e !== null && (e as { isConfigError?: unknown }).isConfigError === true;
}

function describeValue(value: unknown): string {
    if (value === undefined) return "(unset)";
    if (typeof value === "string") return JSON.stringify(value);
    try {
        return JSON.stringify(value);
    } catch {
        return String(value);
    }
}
