import type { StackConfig } from "../../config/load";

/**
 * The stack's place in the pair for DNS and cross-stack wiring. It comes from
 * who the stack pairs with, never from `dr`, so promoting the secondary
 * (dr: standby -> active) never renames, replaces or deletes its DNS record,
 * endpoint or answer.
 */
export type PairRole = "primary" | "secondary";

export function pairRole(cfg: Pick<StackConfig, "primaryStack" | "primaryFallback" | "dr">): PairRole {
    if (cfg.primaryStack) return "secondary";
    if (Object.keys(cfg.primaryFallback).length > 0) return "secondary";
    return cfg.dr === "standby" ? "secondary" : "primary";
}
