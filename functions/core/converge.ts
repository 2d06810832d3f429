import { Observation } from "./decide";
import { FailoverRecord, FailoverSettings } from "./types";

/** Steps after the scale that a run can find missing with the operator already up. */
export type CompletionStep = "lock" | "record";

export interface Completion {
    steps: CompletionStep[];
    /** A person scaled the operator by hand (no record, primary failing past the holdoff). */
    manual: boolean;
    reason: string;
}

/**
 * With the operator already at >= 1 the scale is done, by us or by hand; what
 * may still be missing is the DNS lock and the record. Pure, so the rules
 * are unit-tested on their own:
 *  - a record whose lock is "pending" (an earlier run's lock failed, or the
 *    run was cut off between scale and lock): lock and mark it applied,
 *    whatever the primary looks like now, since an unlocked DNS fails back
 *    on its own;
 *  - no record (none, or the store could not be read) while the primary has
 *    failed past the holdoff: a manual failover (runbook) or a run that died
 *    before recording; lock and record it;
 *  - a record marked "applied": the lock happened once; if DNS is unlocked
 *    now, a person did it during failback, and it stays so (undefined).
 */
export function missingSteps(obs: Observation, record: FailoverRecord | undefined, settings: FailoverSettings): Completion | undefined {
    if (obs.operatorReplicas < 1) {
        return undefined;
    }
    if (record?.lock === "pending") {
        return {
            steps: ["lock", "record"],
            manual: false,
            reason: `${settings.operatorDeployment} is at ${obs.operatorReplicas} and the failover at ${record.epochSeconds} has no confirmed DNS lock`,
        };
    }
    if (record === undefined && !obs.primary.healthy && obs.primary.failingForSeconds >= settings.preFailoverFailureSeconds) {
        return {
            steps: ["lock", "record"],
            manual: true,
            reason: `${settings.operatorDeployment} is at ${obs.operatorReplicas} with no failover recorded while the primary has failed for ${obs.primary.failingForSeconds}s: a failover by hand, completed`,
        };
    }
    return undefined;
}
