// Values as readable YAML-like lines, for the human plan and diff. Secrets
// print as "[secret]"; long strings are cut (the JSON output has them whole);
// strings holding JSON (IAM policies, Helm values) are shown as structure.

import { jsonDocument } from "./diff";
import { isPlainObject, isSecret, SECRET_PLACEHOLDER } from "./secret";

export const MAX_STRING = 160;
const MAX_INLINE = 100;

/** One value on one line (for diffs: `old => new`). */
export function inline(v: unknown, max = MAX_INLINE): string {
    const s = inlineFull(v);
    return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function inlineFull(v: unknown): string {
    if (isSecret(v)) return SECRET_PLACEHOLDER;
    if (v === undefined) return "(unset)";
    if (typeof v === "string") return quote(v);
    if (Array.isArray(v)) return `[${v.map(inlineFull).join(", ")}]`;
    if (isPlainObject(v)) return `{${Object.entries(v).map(([k, x]) => `${k}: ${inlineFull(x)}`).join(", ")}}`;
    return String(v);
}

/** A string as printed: quoted, with one line and a bounded length. */
export function quote(s: string): string {
    if (s === SECRET_PLACEHOLDER) return s;
    const lines = s.split("\n");
    let shown = lines[0];
    const notes: string[] = [];
    if (lines.length > 1) notes.push(`${lines.length} lines`);
    if (shown.length > MAX_STRING) shown = `${shown.slice(0, MAX_STRING)}…`;
    if (shown !== s) notes.push(`${s.length} chars`);
    return JSON.stringify(shown) + (notes.length ? ` (${notes.join(", ")}; full value in --json)` : "");
}

function isScalar(v: unknown): boolean {
    return isSecret(v) || v === null || (typeof v !== "object");
}


/** `key: value` lines for an object's entries, nested by indentation. */
export function entryLines(obj: Record<string, unknown>, indent: string): string[] {
    const out: string[] = [];
    for (const [k, v] of Object.entries(obj)) out.push(...valueLines(`${k}:`, v, indent));
    return out;
}

/** Lines for one labelled value: scalars on the label's line, structures below it. */
export function valueLines(label: string, v: unknown, indent: string): string[] {
    if (typeof v === "string") {
        const json = jsonDocument(v) as object | undefined;
        if (json !== undefined && (Array.isArray(json) ? json.length : Object.keys(json).length) > 0) {
            return [`${indent}${label} (JSON)`, ...blockLines(json, `${indent}    `)];
        }
    }
    if (isScalar(v)) return [`${indent}${label} ${scalar(v)}`];
    if (Array.isArray(v) && v.length === 0) return [`${indent}${label} []`];
    if (isPlainObject(v) && Object.keys(v).length === 0) return [`${indent}${label} {}`];
    if (Array.isArray(v) && v.every(isScalar)) {
        const one = `${indent}${label} [${v.map(scalar).join(", ")}]`;
        if (one.length <= MAX_STRING) return [one];
    }
    return [`${indent}${label}`, ...blockLines(v, `${indent}    `)];
}

/** Lines for a structure, each line starting with `indent`. */
export function blockLines(v: unknown, indent: string): string[] {
    if (Array.isArray(v)) {
        const out: string[] = [];
        for (const item of v) {
            if (isPlainObject(item) && Object.keys(item).length > 0) {
                const inner = entryLines(item, `${indent}  `);
                out.push(`${indent}- ${inner[0].trimStart()}`, ...inner.slice(1));
            } else {
                out.push(...valueLines("-", item, indent));
            }
        }
        return out;
    }
    if (isPlainObject(v)) return entryLines(v, indent);
    return [`${indent}${scalar(v)}`];
}

function scalar(v: unknown): string {
    if (isSecret(v)) return SECRET_PLACEHOLDER;
    if (typeof v === "string") return quote(v);
    if (v === undefined) return "(unset)";
    return String(v);
}
