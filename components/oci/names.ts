/**
 * Names of OCI objects. Both stacks of a pair usually share one tenancy (and
 * often one compartment), so every name that OCI requires to be unique
 * carries the region: bucket names per namespace, IAM users, groups,
 * dynamic groups and policies per tenancy.
 */
export function ociNames(clusterName: string, region: string) {
    const base = `${clusterName}-${region}`;
    return {
        base,
        vcnDnsLabel: dnsLabel(clusterName),
        bucket: `${base}-logscale`,
        storageUser: `${base}-logscale-storage`,
        storageGroup: `${base}-logscale-storage`,
        storagePolicy: `${base}-logscale-storage`,
        registryUser: `${base}-failover-push`,
        registryGroup: `${base}-failover-push`,
        registryPolicy: `${base}-failover-push`,
        repository: `${clusterName}/${region}/dr-failover`,
        functionsApp: `${base}-dr-failover`,
        function: `${base}-dr-failover`,
        dynamicGroup: `${base}-dr-failover`,
        functionPolicy: `${base}-dr-failover`,
        functionServicePolicy: `${base}-dr-failover-service`,
        topic: `${base}-dr-failover`,
        alarm: `${base}-primary-unhealthy`,
        notifyTopic: `${base}-dr-notify`,
        readinessSchedule: `${base}-dr-readiness`,
        readinessSchedulePolicy: `${base}-dr-readiness`,
        readinessNotReadyAlarm: `${base}-standby-not-ready`,
        readinessAbsentAlarm: `${base}-standby-not-reporting`,
        primaryMonitor: `${base}-primary-https`,
        secondaryMonitor: `${base}-secondary-tcp`,
        steeringPolicy: `${clusterName}-global`,
        cluster: base,
        loadBalancerIp: `${base}-ingress`,
    };
}

/** VCN/subnet DNS labels: letters and digits, starting with a letter, at most 15 characters. */
export function dnsLabel(s: string): string {
    const cleaned = s.toLowerCase().replace(/[^a-z0-9]/g, "");
    const label = /^[a-z]/.test(cleaned) ? cleaned : `v${cleaned}`;
    return label.slice(0, 15);
}
