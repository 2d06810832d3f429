// A Kubernetes Job run once from the operator's machine, as readiness's
// recovery-path probe (job.ts) and the failback's Kafka admin
// (scripts/failback/kafka-admin-job.ts) run theirs: the manifest's safe
// envelope (one attempt, a deadline, a TTL, no API token) and the
// create-wait-read-delete cycle, so neither can leave a Job behind.

import { createHash } from "crypto";
import type { JobState } from "./ports";

/** "<prefix>-<10 hex of the run id>": unique per run, short enough for a label value. */
export function oneShotJobName(prefix: string, runId: string): string {
    return `${prefix}-${createHash("sha256").update(runId).digest("hex").slice(0, 10)}`;
}

export interface OneShotJobSpec {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    activeDeadlineSeconds: number;
    ttlSecondsAfterFinished: number;
    serviceAccountName?: string;
    container: Record<string, unknown>;
    volumes?: unknown[];
}

/** A batch/v1 Job with one attempt, a deadline, a TTL and no Kubernetes API token. */
export function oneShotJob(j: OneShotJobSpec): Record<string, unknown> {
    return {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: { name: j.name, namespace: j.namespace, labels: j.labels },
        spec: {
            // One attempt: a retry would hide what happened; the caller decides whether to run again.
            backoffLimit: 0,
            activeDeadlineSeconds: j.activeDeadlineSeconds,
            // Removed by the cluster even when the command is killed before its own delete.
            ttlSecondsAfterFinished: j.ttlSecondsAfterFinished,
            template: {
                metadata: { labels: j.labels },
                spec: {
                    ...(j.serviceAccountName ? { serviceAccountName: j.serviceAccountName } : {}),
                    automountServiceAccountToken: false,
                    restartPolicy: "Never",
                    containers: [j.container],
                    ...(j.volumes ? { volumes: j.volumes } : {}),
                },
            },
        },
    };
}

/** The calls a one-shot Job needs (scripts/readiness/kube.ts HttpCluster has them). */
export interface JobApi {
    createJob(manifest: Record<string, unknown>): Promise<void>;
    job(namespace: string, name: string): Promise<JobState | undefined>;
    jobLog(namespace: string, jobName: string, tailLines?: number): Promise<string | undefined>;
    deleteJob(namespace: string, name: string): Promise<void>;
}

export type JobRun =
    | { outcome: "finished"; state: JobState; log: string | undefined }
    | { outcome: "disappeared" }
    | { outcome: "timed-out" };

/**
 * Creates the Job, polls it until it has succeeded or failed (then reads its
 * pod's log) or the timeout passes, and deletes it on every way out once it
 * was created. A failing call is thrown, after the delete.
 */
export async function runOneShotJob(api: JobApi, manifest: Record<string, unknown>, o: {
    clock: { now(): number; sleep(ms: number): Promise<void> };
    pollMs: number;
    timeoutMs: number;
    tailLines?: number;
}): Promise<JobRun> {
    const { name, namespace } = manifest.metadata as { name: string; namespace: string };
    await api.createJob(manifest);
    try {
        const start = o.clock.now();
        for (;;) {
            const state = await api.job(namespace, name);
            if (!state) return { outcome: "disappeared" };
            if (state.succeeded || state.failed) return { outcome: "finished", state, log: await api.jobLog(namespace, name, o.tailLines) };
            if (o.clock.now() - start >= o.timeoutMs) return { outcome: "timed-out" };
            await o.clock.sleep(o.pollMs);
        }
    } finally {
        await api.deleteJob(namespace, name).catch(() => undefined);
    }
}
