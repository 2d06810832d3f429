// What every cloud's failover function is told about the cluster it acts on,
// taken from the stack config in one place so the three clouds cannot drift.

import type { StackConfig } from "../../config/load";
import type { FailoverSettings } from "../../functions/core/types";
import { LOGSCALE_NAMESPACE, OPERATOR_DEPLOYMENT_NAME } from "../logscale/names";
import { expectedFailoverSeconds } from "./rto";

/**
 * The core's settings a stack fixes at deploy time. The recheck interval and
 * the wait budget are left to each cloud: they follow its trigger (probe
 * interval, alarm repeat, function timeout).
 */
export type StackFailoverSettings = Pick<FailoverSettings,
    "namespace" | "operatorDeployment" | "humioClusterName" | "preFailoverFailureSeconds" | "cooldownSeconds" | "requireHealthySecondary">;

export function stackFailoverSettings(cfg: StackConfig): StackFailoverSettings {
    return {
        namespace: LOGSCALE_NAMESPACE,
        operatorDeployment: OPERATOR_DEPLOYMENT_NAME,
        // The HumioCluster is named after the cluster; its stale TLS secret too.
        humioClusterName: cfg.clusterName,
        preFailoverFailureSeconds: cfg.failover.preFailoverFailureSeconds,
        cooldownSeconds: cfg.failover.cooldownSeconds,
        requireHealthySecondary: cfg.failover.requireHealthySecondary,
    };
}

/**
 * What the function needs to follow LogScale's recovery and measure it
 * against the model. The function measures from the health signal's first
 * failing reading to LogScale answering OK: it cannot see the probes'
 * detection before the signal turns, and clients wait out the DNS TTL after.
 */
export function recoveryFollowUpSettings(cfg: StackConfig): { recoveryDeadlineMinutes: number; expectedFailoverSeconds: number } {
    return { recoveryDeadlineMinutes: cfg.recoveryDeadlineMinutes, expectedFailoverSeconds: measurableModelSeconds(expectedFailoverSeconds(cfg)) };
}

/** The part of the model the function's own measurement covers: holdoff, function and recovery. */
export function measurableModelSeconds(model: { holdoffS: number; functionS: number; recoveryS: number }): number {
    return Math.round(model.holdoffS + model.functionS + model.recoveryS);
}
