// Physical names of the AWS resources a stack owns. Pure, so the names a
// policy refers to (function, parameter, log group) are known before the
// resources exist and IAM documents never wait on the resource they protect.

import type { StackConfig } from "../../config/load";

/**
 * Node ports of the ingress controller's Service. Fixed so the NLB's target
 * groups can point at them before Kubernetes exists (30000-32767 range).
 */
export const INGRESS_NODE_PORTS = { http: 30080, https: 30443 } as const;

/** EKS cluster name: the region keeps the two clusters of a pair apart in kubeconfigs and tags. */
export function eksClusterName(cfg: Pick<StackConfig, "clusterName" | "region">): string {
    return `${cfg.clusterName}-${cfg.region}`;
}

/**
 * The LogScale bucket: `<clusterName>-<region>-<accountId>`. clusterName is at
 * most 32 characters and AWS regions at most 14, so the result stays within
 * S3's 63; it is checked anyway because the bucket name is also LogScale's
 * identity of the bucket inside its global snapshot.
 */
export function bucketName(clusterName: string, region: string, accountId: string): string {
    const name = `${clusterName}-${region}-${accountId}`;
    if (name.length > 63 || !/^[a-z0-9][a-z0-9-]*[a-z0-9]$/.test(name)) {
        throw new Error(`derived S3 bucket name "${name}" is not valid: 3-63 lower-case letters, digits and '-' (shorten logscale-dr:clusterName)`);
    }
    return name;
}

/** Names of the standby's failover function and its companions (one of each per cluster and region). */
export function failoverNames(cfg: Pick<StackConfig, "clusterName" | "region">) {
    const fn = `${cfg.clusterName}-dr-failover-${cfg.region}`;
    return {
        function: fn,
        logGroup: `/aws/lambda/${fn}`,
        alarm: `${fn}-primary-unhealthy`,
        topic: `${fn}-alarm`,
        /** SSM parameter holding the epoch seconds of the last failover (the cooldown). */
        parameter: `/logscale-dr/${cfg.clusterName}/${cfg.region}/last-failover-epoch`,
        /** SNS topic for people; apart from `topic`, which only triggers the function. */
        notifyTopic: `${fn}-notify`,
        /** SSM parameter holding the last readiness verdict (ready / not-ready). */
        readinessParameter: `/logscale-dr/${cfg.clusterName}/${cfg.region}/standby-ready`,
        readinessSchedule: `${fn}-readiness`,
        readinessAlarm: `${fn}-standby-not-ready`,
    };
}

/** Tags every taggable resource of the stack carries. */
export function stackTags(cfg: Pick<StackConfig, "project" | "stack" | "clusterName">): Record<string, string> {
    return {
        "logscale-dr:project": cfg.project,
        "logscale-dr:stack": cfg.stack,
        "logscale-dr:cluster": cfg.clusterName,
        "managed-by": "pulumi",
    };
}
