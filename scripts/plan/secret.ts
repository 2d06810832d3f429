// Secret values inside a plan. A plan keeps the real value of every secret so
// that a diff can tell whether it changed, but wraps it so that no ordinary way
// of printing (JSON.stringify, template strings, util.inspect) can show it.

import { inspect } from "util";
import { SECRET_PLACEHOLDER, UNKNOWN_PLACEHOLDER } from "../mock/engine";

export { SECRET_PLACEHOLDER };

/** Secrets shorter than this are not searched for in plain text: they would match ordinary words. */
export const MIN_SEARCHED_SECRET_LENGTH = 8;

export class Secret {
    readonly #value: unknown;
    /**
     * @param whole false for a leaf of a secret object or list: such leaves are
     * often plain data (names, flags) swept into a secret by an apply, so they
     * are masked but not searched for elsewhere.
     */
    constructor(value: unknown, readonly whole = true) {
        this.#value = value;
    }
    /** The real value; for comparisons only, never for output. */
    reveal(): unknown {
        return this.#value;
    }
    toJSON(): string {
        return SECRET_PLACEHOLDER;
    }
    toString(): string {
        return SECRET_PLACEHOLDER;
    }
    [inspect.custom](): string {
        return SECRET_PLACEHOLDER;
    }
}

export function isSecret(v: unknown): v is Secret {
    return v instanceof Secret;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Secret);
}

/**
 * Merges the masked form of a value (secrets as "[secret]") with its revealed
 * form into one tree whose secret leaves are `Secret`s. A secret object or
 * list keeps its shape with each leaf wrapped, so a diff can name the leaf
 * that changed without showing it.
 */
export function annotate(masked: unknown, revealed: unknown): unknown {
    if (masked === SECRET_PLACEHOLDER && revealed !== SECRET_PLACEHOLDER && revealed !== undefined) return wrapAll(revealed);
    if (Array.isArray(masked)) {
        const r = Array.isArray(revealed) ? revealed : [];
        return masked.map((m, i) => annotate(m, r[i]));
    }
    if (isPlainObject(masked)) {
        const r = isPlainObject(revealed) ? revealed : {};
        const out: Record<string, unknown> = {};
        for (const [k, m] of Object.entries(masked)) out[k] = annotate(m, r[k]);
        return out;
    }
    return masked;
}

/** Wraps every leaf of a secret value (and empty containers, which have no leaves). */
export function wrapAll(v: unknown, whole = true): unknown {
    if (v instanceof Secret) return v;
    if (Array.isArray(v)) return v.length === 0 ? new Secret(v, false) : v.map(x => wrapAll(x, false));
    if (isPlainObject(v)) {
        const entries = Object.entries(v);
        if (entries.length === 0) return new Secret(v, false);
        return Object.fromEntries(entries.map(([k, x]) => [k, wrapAll(x, false)]));
    }
    return new Secret(v, whole);
}

/** The searchable values of the secrets in `v`: whole secret strings (not leaves of secret objects). */
export function secretStrings(v: unknown, into: Set<string> = new Set()): Set<string> {
    const visit = (x: unknown): void => {
        if (x instanceof Secret) {
            const s = x.reveal();
            if (x.whole && typeof s === "string" && s.length >= MIN_SEARCHED_SECRET_LENGTH && s !== SECRET_PLACEHOLDER && s !== UNKNOWN_PLACEHOLDER) into.add(s);
            return;
        }
        if (Array.isArray(x)) return x.forEach(visit);
        if (isPlainObject(x)) return Object.values(x).forEach(visit);
    };
    visit(v);
    return into;
}

export interface Leak {
    /** Property path of the plain value that holds a secret. */
    path: string;
}

/**
 * Finds plain strings that contain a known secret value and wraps them as
 * secrets. Such a value means the program lost a secret's marking (it would
 * be stored in plain text in the Pulumi state), so each one is reported.
 */
export function maskLeaks(v: unknown, secrets: ReadonlySet<string>, path = ""): { value: unknown; leaks: Leak[] } {
    const leaks: Leak[] = [];
    const visit = (x: unknown, p: string): unknown => {
        if (x instanceof Secret) return x;
        if (Array.isArray(x)) return x.map((e, i) => visit(e, `${p}[${i}]`));
        if (isPlainObject(x)) {
            const out: Record<string, unknown> = {};
            for (const [k, e] of Object.entries(x)) out[k] = visit(e, p ? `${p}.${k}` : k);
            return out;
        }
        if (typeof x === "string" && containsSecret(x, secrets)) {
            leaks.push({ path: p });
            return new Secret(x);
        }
        return x;
    };
    return { value: visit(v, path), leaks };
}

export function containsSecret(s: string, secrets: ReadonlySet<string>): boolean {
    for (const secret of secrets) if (s.includes(secret)) return true;
    return false;
}

/** Last line of defence for any text we print: every known secret value becomes "[secret]". */
export function scrubText(text: string, secrets: ReadonlySet<string>): string {
    let out = text;
    // Longest first, so a secret that contains another is replaced whole.
    for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
        if (out.includes(s)) out = out.split(s).join(SECRET_PLACEHOLDER);
    }
    return out;
}
