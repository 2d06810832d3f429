// The failback sequence (seeds 000 and 001, docs/runbook.md section 5): the
// 15 step ids are a contract (state files, --from-step, --json) and never
// change order. The order is what keeps the failover window's data: the
// secondary flushes and snapshots before anything on the primary is touched,
// and DNS unlocks only after the primary has cold-started from that snapshot.

export const STEP_IDS = [
    "disable-alarm",
    "flush-secondary",
    "stop-secondary",
    "verify-secondary-snapshot",
    "stop-primary",
    "delete-primary-snapshots",
    "enable-reverse-recovery",
    "reset-primary-kafka",
    "cold-start-primary",
    "verify-primary",
    "unlock-dns",
    "clean-secondary",
    "return-secondary-to-standby",
    "enable-alarm",
    "disable-reverse-recovery",
] as const;

export type StepId = typeof STEP_IDS[number];

/** First step that destroys data; `--confirm <primary stack>` is required before it. */
export const FIRST_DESTRUCTIVE = 6;

/** Steps whose action cannot be undone (deletions and the cold start that consumes the snapshot). */
export const DESTRUCTIVE: ReadonlySet<StepId> = new Set<StepId>([
    "delete-primary-snapshots", "reset-primary-kafka", "cold-start-primary", "clean-secondary",
]);

/** LogScale's recovery lines, in the order a cold start from the peer's snapshot logs them (runbook section 5, Phase 3). */
export const RECOVERY_SEQUENCE = [
    "Trying to fetch a global snapshot as recovery source",
    "Fetched a global snapshot as recovery source",
    "updateSnapshotForDisasterRecovery",
] as const;

export function stepNumber(id: StepId): number {
    return STEP_IDS.indexOf(id) + 1;
}

/** What each step does, per cloud, for the printed plan. */
export function describeStep(id: StepId, cloud: string): string {
    const alarm = cloud === "aws" ? "CloudWatch alarm" : cloud === "azure" ? "Azure Monitor alert rule" : "OCI Monitoring alarm";
    const dns = cloud === "aws" ? "restore the Route 53 health-check FQDN"
        : cloud === "azure" ? "enable the Traffic Manager primary endpoint" : "re-enable the primary answer of the DNS steering policy";
    const bucket = cloud === "aws" ? "S3" : cloud === "azure" ? "Blob container" : "Object Storage";
    switch (id) {
        case "disable-alarm": return `disable the failover ${alarm} on the secondary`;
        case "flush-secondary": return "set FlushSegmentsAndGlobalOnShutdown=true through the secondary's GraphQL API (admin token Secret)";
        case "stop-secondary": return "scale the secondary's humio-operator to 0 and wait for the LogScale pods to go";
        case "verify-secondary-snapshot": return `a global snapshot in the secondary's ${bucket} bucket newer than the stop`;
        case "stop-primary": return "scale the primary's humio-operator to 0 and wait for the LogScale pods to go";
        case "delete-primary-snapshots": return `delete only <prefix>globalsnapshots/ objects in the primary's ${bucket} bucket (refuses on anything else)`;
        case "enable-reverse-recovery": return "pulumi up the primary with recoverFrom=secondary (preview diff first)";
        case "reset-primary-kafka": return "delete the primary's global-events topic (Strimzi KafkaTopic, or an admin Job on 9093 with the cluster CA)";
        case "cold-start-primary": return "scale the primary's humio-operator 0 -> 1 and watch DataSnapshotLoader for the recovery sequence";
        case "verify-primary": return "/api/v1/status OK on the primary's own hostname";
        case "unlock-dns": return `${dns} (the deliberate unlock the failover function respects)`;
        case "clean-secondary": return "delete the secondary's global-events topic and globalsnapshots/ objects, keeping segments";
        case "return-secondary-to-standby": return "pulumi up the secondary with dr=standby (preview diff first)";
        case "enable-alarm": return `re-enable the failover ${alarm} on the secondary`;
        case "disable-reverse-recovery": return "pulumi up the primary with recoverFrom=none once it has written its own snapshot";
    }
}
