// The reverse-recovery set as a stack output: what a primary's HumioCluster
// needs to cold-start from its secondary's storage during a failback (seed
// 001, phase 3 "Reverse Recovery"). Every cloud builds the set with the pure
// function its standby uses (with source and target swapped) and turns it
// into the output here, so the three clouds export it the same way.

import * as pulumi from "@pulumi/pulumi";
import { FORBIDDEN_ENV_VARS } from "../../config/load";
import type { EnvSet } from "../logscale/types";

/** Stack output holding the set (secret: it carries the secondary's keys). */
export const REVERSE_RECOVERY_OUTPUT = "reverseRecoveryEnvVars";

const RECOVER_FROM = /^[A-Z][A-Z0-9]*_RECOVER_FROM_[A-Z0-9_]+$/;

/**
 * The names of a reverse-recovery set, sorted, or an error naming the one
 * that does not belong. Only *_RECOVER_FROM_* variables: anything else is
 * already in the primary's env (BUCKET_STORAGE_MULTIPLE_ENDPOINTS above all,
 * a duplicate the operator rejects), and the forbidden names never.
 */
export function reverseRecoveryNames(names: readonly string[]): string[] {
    if (names.length === 0) throw new Error(`${REVERSE_RECOVERY_OUTPUT}: the recover-from set is empty; expected the cloud's *_RECOVER_FROM_* variables`);
    for (const name of names) {
        if ((FORBIDDEN_ENV_VARS as readonly string[]).includes(name)) {
            throw new Error(`${REVERSE_RECOVERY_OUTPUT} may not hold ${name}: it must never be set (allowed: the cloud's *_RECOVER_FROM_* variables except ${FORBIDDEN_ENV_VARS.join(", ")})`);
        }
        if (!RECOVER_FROM.test(name)) {
            throw new Error(`${REVERSE_RECOVERY_OUTPUT} may not hold ${name}: only *_RECOVER_FROM_* variables belong there; the primary's own env already sets everything else`);
        }
    }
    return [...names].sort();
}

/**
 * The set as one plain name -> value record (what `kubectl patch` or a
 * runbook step takes), wrapped whole as a Pulumi secret: secret and plain
 * values travel together, so the record is never partly plain.
 */
export function reverseRecoveryEnvVars(env: EnvSet): pulumi.Output<Record<string, string>> {
    const names = reverseRecoveryNames(Object.keys(env));
    const values = names.map(name => {
        const v = env[name];
        return "secret" in v ? v.secret : v.value;
    });
    return pulumi.secret(pulumi.all(values).apply(resolved => {
        const out: Record<string, string> = {};
        resolved.forEach((v, i) => {
            if (typeof v !== "string") throw new Error(`${REVERSE_RECOVERY_OUTPUT}: ${names[i]} resolved to ${typeof v}, expected a string`);
            out[names[i]] = v;
        });
        return out;
    }));
}
