import { parseVerdict, READINESS_ANNOTATION, ReadinessResult } from "./readiness";
import { errorMessage } from "./retry";
import { Logger } from "./types";

// One scheduled self-test where the last verdict lives beside the failover
// record in the cluster (Azure, OCI): the checks and the last verdict read
// together, then the datapoint, the verdict (only when it changed) and the
// message for people together. AWS keeps its verdict in SSM and has its own
// rule for an unreadable one (functions/aws/handler.ts).

/**
 * The last verdict this process saw. The annotation is the record; this
 * stands in only when the annotation cannot be read, which is exactly when
 * Kubernetes access broke and people most need the "not ready" message.
 */
export interface ReadinessMemory {
    lastReady?: boolean;
}

/** What a readiness invocation returns (and logs). */
export interface ReadinessOutcome extends ReadinessResult {
    previousReady?: boolean;
    metricPublished: boolean;
    verdictStored: boolean;
    notified?: string;
    /** What went wrong around the checks (metric, verdict, message); the checks are in `checks`. */
    errors: string[];
}

export interface ReadinessRound {
    checks: () => Promise<ReadinessResult>;
    lastVerdict: () => Promise<boolean | undefined>;
    storeVerdict: (ready: boolean) => Promise<void>;
    publishMetric: (ready: boolean) => Promise<void>;
    /** Sends the message owed for this verdict, if any; resolves with the event sent. */
    message: (result: ReadinessResult, previousReady: boolean | undefined) => Promise<string | undefined>;
    log: Logger;
}

/**
 * Never throws, so nothing retries it: the next scheduled run is the retry,
 * and a run that cannot report at all shows as a missing datapoint, which the
 * not-reporting alarm catches.
 */
export async function runReadinessRound(run: ReadinessRound, memory: ReadinessMemory = {}): Promise<ReadinessOutcome> {
    const [result, previous] = await Promise.all([
        run.checks(),
        run.lastVerdict().then(ready => ({ ok: true as const, ready }), (err: unknown) => ({ ok: false as const, error: errorMessage(err) })),
    ]);
    const errors: string[] = [];
    if (!previous.ok) errors.push(`last verdict unreadable: ${previous.error}`);
    const previousReady = previous.ok && previous.ready !== undefined ? previous.ready : memory.lastReady;
    const changed = previousReady !== result.ready;
    const [metric, stored, sent] = await Promise.allSettled([
        run.publishMetric(result.ready),
        // Written only where it was read: without Kubernetes access the write would fail too.
        changed && previous.ok ? run.storeVerdict(result.ready) : Promise.resolve(),
        run.message(result, previousReady),
    ]);
    memory.lastReady = result.ready;
    if (metric.status === "rejected") errors.push(`StandbyReady not published: ${errorMessage(metric.reason)}`);
    if (stored.status === "rejected") errors.push(`verdict not stored: ${errorMessage(stored.reason)}`);
    const outcome: ReadinessOutcome = {
        ...result,
        previousReady,
        metricPublished: metric.status === "fulfilled",
        verdictStored: changed && previous.ok && stored.status === "fulfilled",
        notified: sent.status === "fulfilled" ? sent.value : undefined,
        errors,
    };
    run.log(errors.length > 0 ? "warn" : "info", "readiness.outcome", { ...outcome, checks: undefined });
    return outcome;
}

/** The verdict kept as an annotation on the operator Deployment, beside the failover record. */
export function annotationVerdict(
    k8s: { getDeploymentAnnotation(ns: string, name: string, key: string): Promise<string | undefined>; annotateDeployment(ns: string, name: string, a: Record<string, string | null>): Promise<void> },
    namespace: string,
    operatorDeployment: string,
): Pick<ReadinessRound, "lastVerdict" | "storeVerdict"> {
    return {
        lastVerdict: async () => parseVerdict(await k8s.getDeploymentAnnotation(namespace, operatorDeployment, READINESS_ANNOTATION)),
        storeVerdict: ready => k8s.annotateDeployment(namespace, operatorDeployment, { [READINESS_ANNOTATION]: ready ? "ready" : "not-ready" }),
    };
}
