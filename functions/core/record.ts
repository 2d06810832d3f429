import { FailoverRecord, LockMark } from "./types";

// The failover record as one stored string (SSM parameter value, Deployment
// annotation): "<epoch seconds>;lock=<pending|applied>". One value, not two,
// so the time and the lock mark are always written together.
//
// A bare "<epoch seconds>" was written before the mark existed, after the
// lock had been attempted: it reads as "applied", so a person's unlock made
// since then is not undone.

const RECORD = /^(\d{1,12})(?:;lock=(pending|applied))?$/;

export function encodeFailoverRecord(record: FailoverRecord): string {
    return `${record.epochSeconds};lock=${record.lock}`;
}

/** The record, undefined for "no failover" ("0" or empty), or a one-line error naming what is allowed. */
export function parseFailoverRecord(value: string | undefined): FailoverRecord | undefined | { error: string } {
    if (value === undefined || value === "" || value === "0") {
        return undefined;
    }
    const m = RECORD.exec(value.trim());
    if (!m) {
        return { error: `holds ${JSON.stringify(value)}; expected "<epoch seconds>;lock=pending|applied" (or bare epoch seconds, "0" when no failover happened)` };
    }
    return { epochSeconds: Number(m[1]), lock: (m[2] as LockMark | undefined) ?? "applied" };
}
