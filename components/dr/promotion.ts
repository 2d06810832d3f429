// The one promotion mistake the program can see from its own config: pool
// selectors on a promoted secondary whose pools a standby does not have.
// Promotion is two flips (seed 000, Stage 3): dr active with the generic
// selector first, pool selectors once the new pools serve. Flipping both at
// once points the Services at pools that are only being created: 503s.

import * as pulumi from "@pulumi/pulumi";
import type { DrMode, StackConfig } from "../../config/load";
import { serviceSelectors } from "../logscale/selectors";
import { clusterLayout } from "../logscale/sizing";
import type { ClusterLayout } from "../logscale/types";
import type { PairRole } from "./role";

const POOL_LABEL = "humio.com/node-pool";

export interface PromotionRoutingInput {
    stack: string;
    role: PairRole;
    dr?: DrMode;
    drUseDedicatedRouting: boolean;
    clusterName: string;
    /** This stack's layout as deployed now. */
    layout: Pick<ClusterLayout, "ui" | "ingest">;
    /** The layout the same stack has as a standby (what exists before a promotion). */
    standbyLayout: Pick<ClusterLayout, "ui" | "ingest">;
}

/** Words every promotionRoutingWarning carries, so a reader of the logs (the plan CLI) can tell it apart. */
export const PROMOTION_ROUTING_WARNING_MARK = "is a promoted secondary (dr: active) with drUseDedicatedRouting: true";

export function isPromotionRoutingWarning(message: string): boolean {
    return message.includes(PROMOTION_ROUTING_WARNING_MARK);
}

/**
 * A warning when a secondary (its primary is still a peer) runs dr: active
 * with drUseDedicatedRouting true and its Services select pools that its
 * standby layout lacks; undefined otherwise.
 *
 * The program cannot see the previous config, so it cannot tell the unsafe
 * case (dr and routing flipped in one update) from phase 2 done right (the
 * pools already serve). It warns in both: a warning, never an error, since
 * refusing would block the end state of every promotion. A primary, a stack
 * without dr, a standby (its pool selectors fall back to the digest pool that
 * is there) and a cluster type without dedicated pools never warn.
 */
export function promotionRoutingWarning(input: PromotionRoutingInput): string | undefined {
    if (input.role !== "secondary" || input.dr !== "active" || !input.drUseDedicatedRouting) return undefined;
    const now = serviceSelectors(input.clusterName, input.layout, true);
    const before = serviceSelectors(input.clusterName, input.standbyLayout, true);
    const newPools = (["ui", "ingest"] as const)
        .filter(service => now[service][POOL_LABEL] !== before[service][POOL_LABEL])
        .map(service => now[service][POOL_LABEL]);
    if (newPools.length === 0) return undefined;
    const pools = [...new Set(newPools)].join(", ");
    return `stack "${input.stack}" ${PROMOTION_ROUTING_WARNING_MARK}: the UI and ingest Services select `
        + `the pools ${pools}, which its standby did not have. If this update is the one that sets dr: active, those pools are only being `
        + `created and clients get 503s until their pods are Ready: apply dr: active with drUseDedicatedRouting: false first, then `
        + `drUseDedicatedRouting: true once the pods of ${pools} are Ready (docs/runbook.md). If they are Ready already, this is the promoted end state.`;
}

/** Logs promotionRoutingWarning for a stack (pulumi.log.warn: it shows in preview and up). */
export function warnSameChangePromotion(cfg: StackConfig, role: PairRole, layout: Pick<ClusterLayout, "ui" | "ingest">): void {
    const warning = promotionRoutingWarning({
        stack: cfg.stack,
        role,
        dr: cfg.dr,
        drUseDedicatedRouting: cfg.drUseDedicatedRouting,
        clusterName: cfg.clusterName,
        layout,
        standbyLayout: clusterLayout(cfg.cloud, cfg.clusterSize, cfg.clusterType, "standby"),
    });
    if (warning) pulumi.log.warn(warning);
}
