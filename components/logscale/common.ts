import type { StackConfig } from "../../config/load";
import type { LogScaleClusterArgs } from "./types";

/** The LogScaleCluster arguments every cloud takes from its stack config unchanged. */
export type CommonClusterArgs = Pick<LogScaleClusterArgs,
    "cloud" | "clusterName" | "dr" | "drUseDedicatedRouting" | "logscaleVersion" | "license" |
    "hostname" | "globalHostname" | "acmeEmail" | "extraEnv" | "adminPassword">;

/**
 * The cloud-neutral part of LogScaleClusterArgs, so the three clouds cannot
 * drift apart on what they pass through; each cloud adds layout, storage,
 * recovery, ingress and provider.
 */
export function commonClusterArgs(cfg: StackConfig): CommonClusterArgs {
    return {
        cloud: cfg.cloud,
        clusterName: cfg.clusterName,
        dr: cfg.dr,
        drUseDedicatedRouting: cfg.drUseDedicatedRouting,
        logscaleVersion: cfg.logscaleVersion,
        license: cfg.license,
        hostname: cfg.hostname,
        globalHostname: cfg.globalHostname,
        acmeEmail: cfg.acmeEmail,
        extraEnv: cfg.extraEnvVars,
        // The same secret on both stacks of a pair keeps the admin login working
        // after a failover; unset, each stack generates its own.
        adminPassword: cfg.adminPassword,
    };
}
