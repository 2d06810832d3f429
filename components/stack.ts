import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config/load";
import { fallbackPeer, PeerStack, stackPeer } from "./dr/peer";
import { expectedFailoverSeconds } from "./dr/rto";
import { expiredPinWarnings, stackPins, today } from "../config/support";

/** The other stack(s) of the pair this stack reads. */
export interface Peers {
    /** A standby's primary (StackReference or fallback config). */
    primary?: PeerStack;
    /** A primary's secondary, for reverse recovery (failback). */
    secondary?: PeerStack;
}

export type StackOutputs = Record<string, pulumi.Input<unknown>>;

export function resolvePeers(cfg: StackConfig): Peers {
    const peers: Peers = {};
    // A secondary keeps reading its primary after promotion: the DNS zone and
    // the primary's health check still come from there.
    if (cfg.primaryStack) peers.primary = stackPeer(cfg.primaryStack, cfg.cloud);
    else if (cfg.dr === "standby" || Object.keys(cfg.primaryFallback).length > 0) peers.primary = fallbackPeer(cfg.primaryFallback);
    if (cfg.secondaryStack) peers.secondary = stackPeer(cfg.secondaryStack, cfg.cloud);
    return peers;
}

/**
 * Declares the whole regional stack for the configured cloud and returns its
 * outputs. A cloud's provider package is loaded only when that cloud is used,
 * which keeps a plan of one stack fast.
 */
export async function createStack(cfg: StackConfig): Promise<StackOutputs> {
    // A pin past its end of support still deploys (an existing cluster must stay
    // plannable), but every preview and offline plan says so, one line a pin.
    for (const w of expiredPinWarnings(stackPins(cfg.cloud, cfg.kubernetesVersion), today())) pulumi.log.warn(w);
    const peers = resolvePeers(cfg);
    const outputs = await deployCloud(cfg, peers);
    // The standby states what its failover costs, so a config change shows it in the plan diff.
    if (cfg.dr === "standby") outputs.expectedFailoverSeconds = expectedFailoverSeconds(cfg);
    return outputs;
}

async function deployCloud(cfg: StackConfig, peers: Peers): Promise<StackOutputs> {
    switch (cfg.cloud) {
        case "aws":
            return (await import("./aws")).deployAws(cfg, peers);
        case "azure":
            return (await import("./azure")).deployAzure(cfg, peers);
        case "oci":
            return (await import("./oci")).deployOci(cfg, peers);
    }
}
