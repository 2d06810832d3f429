import { errorMessage } from "./retry";
import { Clock, Logger, RemoteError } from "./types";

// The standby's self-test: everything a failover would need, read with the
// function's own identity and network path, changing nothing. Cloud-neutral:
// each cloud passes small read ports; the verdicts are computed here.

/** The Kubernetes reads readiness makes (functions/k8s/client.ts KubeClient has them). */
export interface ReadinessKube {
    getDeploymentReplicas(namespace: string, name: string): Promise<number>;
    /** The HumioCluster object, undefined on 404. */
    getHumioCluster(namespace: string, name: string): Promise<Record<string, unknown> | undefined>;
    /** Names of the namespace's Secrets (metadata only). */
    listSecretNames(namespace: string): Promise<string[]>;
}

/**
 * The cloud's reads. Each resolves with a short description of what it read,
 * or throws; the verdict is "fail" with the error's message.
 */
export interface ReadinessPlatform {
    /** The primary's health signal as the failover reads it (AWS: checker status and HealthCheckStatus metric). */
    readPrimaryHealthSignal(): Promise<string>;
    /** What lockDns writes (AWS: the primary's health check). */
    readLockTarget(): Promise<string>;
    /** Where the failover records its time (AWS: the cooldown parameter). */
    readCooldownStore(): Promise<string>;
}

export interface ReadinessPorts {
    k8s: ReadinessKube;
    platform: ReadinessPlatform;
}

export interface ReadinessSettings {
    namespace: string;
    operatorDeployment: string;
    humioClusterName: string;
}

/** The last verdict where the cloud keeps it beside the failover record (Azure, OCI): "ready" or "not-ready"; written only when it changes. */
export const READINESS_ANNOTATION = "logscale.dr/standby-ready";

/** A stored verdict: "ready", "not-ready", or anything else (none yet, the initial "unknown"). */
export function parseVerdict(value: string | undefined): boolean | undefined {
    return value === "ready" ? true : value === "not-ready" ? false : undefined;
}

export const READINESS_CHECKS = [
    "kubernetes-access",
    "operator-deployment",
    "humio-cluster",
    "referenced-secrets",
    "primary-health-signal",
    "lock-target",
    "cooldown-store",
] as const;
export type ReadinessCheckName = typeof READINESS_CHECKS[number];

export interface ReadinessCheck {
    name: ReadinessCheckName;
    verdict: "ok" | "fail";
    reason: string;
}

export interface ReadinessResult {
    ready: boolean;
    /** One per READINESS_CHECKS entry, in that order. */
    checks: ReadinessCheck[];
    startedAt: string;
    durationMs: number;
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

const settle = <T>(fn: () => Promise<T>): Promise<Settled<T>> => {
    // A port that throws synchronously must cost its own check only.
    try {
        return fn().then(value => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
    } catch (error) {
        return Promise.resolve({ ok: false as const, error });
    }
};

/**
 * Runs every check in one round of concurrent reads (the Secrets are listed,
 * not fetched one by one after the HumioCluster, so nothing waits on another
 * answer). Never throws for a failed check and never retries: the schedule
 * runs it again in a few minutes, and a failing dependency must not be hit
 * by a storm of retries from the self-test.
 */
export async function runReadiness(ports: ReadinessPorts, settings: ReadinessSettings, clock: Clock, log: Logger): Promise<ReadinessResult> {
    const startedAtMs = clock.now();
    const { namespace, operatorDeployment, humioClusterName } = settings;
    const { k8s, platform } = ports;

    const [replicas, cluster, secrets, health, lock, cooldown] = await Promise.all([
        settle(() => k8s.getDeploymentReplicas(namespace, operatorDeployment)),
        settle(() => k8s.getHumioCluster(namespace, humioClusterName)),
        settle(() => k8s.listSecretNames(namespace)),
        settle(() => platform.readPrimaryHealthSignal()),
        settle(() => platform.readLockTarget()),
        settle(() => platform.readCooldownStore()),
    ]);

    const checks: ReadinessCheck[] = [
        kubernetesAccess([replicas, cluster, secrets]),
        operatorCheck(replicas, namespace, operatorDeployment),
        humioClusterCheck(cluster, namespace, humioClusterName),
        secretsCheck(cluster, secrets, namespace),
        platformCheck("primary-health-signal", health),
        platformCheck("lock-target", lock),
        platformCheck("cooldown-store", cooldown),
    ];
    const result: ReadinessResult = {
        ready: checks.every(c => c.verdict === "ok"),
        checks,
        startedAt: new Date(startedAtMs).toISOString(),
        durationMs: clock.now() - startedAtMs,
    };
    const failed = checks.filter(c => c.verdict === "fail").map(c => c.name);
    log(result.ready ? "info" : "warn", "readiness.result", { ready: result.ready, failed, checks, durationMs: result.durationMs });
    return result;
}

const ok = (name: ReadinessCheckName, reason: string): ReadinessCheck => ({ name, verdict: "ok", reason });
const fail = (name: ReadinessCheckName, reason: string): ReadinessCheck => ({ name, verdict: "fail", reason });

/**
 * Authentication and authorization as such, apart from the objects: a 401
 * (expired token, removed access entry) or 403 (RBAC, access policy scope)
 * on any read, or no answer at all, names the identity or the path rather
 * than a missing object.
 */
function kubernetesAccess(reads: Settled<unknown>[]): ReadinessCheck {
    const errors = reads.filter((r): r is { ok: false; error: unknown } => !r.ok).map(r => r.error);
    const denied = errors.find(e => e instanceof RemoteError && (e.status === 401 || e.status === 403));
    if (denied) {
        const status = (denied as RemoteError).status;
        const what = status === 401 ? "not authenticated (401)" : "authenticated but not authorized (403)";
        return fail("kubernetes-access", `${what}: ${errorMessage(denied)}`);
    }
    const unreachable = errors.find(e => !(e instanceof RemoteError) || e.status === undefined);
    if (unreachable && errors.length === reads.length) {
        return fail("kubernetes-access", `no answer from the API server: ${errorMessage(unreachable)}`);
    }
    return ok("kubernetes-access", "the API server answered the function's own credentials");
}

function operatorCheck(read: Settled<number>, namespace: string, name: string): ReadinessCheck {
    if (!read.ok) {
        const status = read.error instanceof RemoteError ? read.error.status : undefined;
        const what = status === 404 ? `deployment ${namespace}/${name} does not exist` : `deployment ${namespace}/${name} unreadable`;
        return fail("operator-deployment", `${what}: ${errorMessage(read.error)}`);
    }
    if (read.value === 0) {
        return ok("operator-deployment", `${namespace}/${name} at 0 replicas: a failover scales it to 1`);
    }
    if (read.value === 1) {
        return ok("operator-deployment", `${namespace}/${name} at 1 replica: this standby has already failed over`);
    }
    return fail("operator-deployment", `${namespace}/${name} at ${read.value} replicas; a standby keeps 0 (1 after a failover)`);
}

function humioClusterCheck(read: Settled<Record<string, unknown> | undefined>, namespace: string, name: string): ReadinessCheck {
    if (!read.ok) {
        return fail("humio-cluster", `HumioCluster ${namespace}/${name} unreadable: ${errorMessage(read.error)}`);
    }
    if (read.value === undefined) {
        return fail("humio-cluster", `HumioCluster ${namespace}/${name} does not exist`);
    }
    const spec = (read.value.spec ?? {}) as { nodeCount?: unknown };
    if (spec.nodeCount !== 1) {
        return fail("humio-cluster", `HumioCluster ${namespace}/${name} has nodeCount ${JSON.stringify(spec.nodeCount)}; a standby recovers with 1`);
    }
    const recover = envEntries(read.value).map(e => e.name).filter(n => /_RECOVER_FROM_/.test(n));
    if (recover.length === 0) {
        return fail("humio-cluster", `HumioCluster ${namespace}/${name} sets no *_RECOVER_FROM_* variable: a failover would start an empty cluster`);
    }
    return ok("humio-cluster", `nodeCount 1, ${[...new Set(recover)].sort().join(", ")}`);
}

function secretsCheck(cluster: Settled<Record<string, unknown> | undefined>, list: Settled<string[]>, namespace: string): ReadinessCheck {
    if (!cluster.ok || cluster.value === undefined) {
        return fail("referenced-secrets", "not checked: the HumioCluster could not be read");
    }
    if (!list.ok) {
        return fail("referenced-secrets", `secrets in ${namespace} unreadable: ${errorMessage(list.error)}`);
    }
    const referenced = [...new Set(envEntries(cluster.value)
        .map(e => e.valueFrom?.secretKeyRef)
        .filter(ref => ref !== undefined && ref.optional !== true && typeof ref.name === "string")
        .map(ref => ref!.name as string))].sort();
    const present = new Set(list.value);
    const missing = referenced.filter(n => !present.has(n));
    if (missing.length > 0) {
        return fail("referenced-secrets", `missing in ${namespace}: ${missing.join(", ")} (referenced by the HumioCluster's env)`);
    }
    return ok("referenced-secrets", referenced.length === 0 ? "the HumioCluster references no Secret" : `all present: ${referenced.join(", ")}`);
}

function platformCheck(name: ReadinessCheckName, read: Settled<string>): ReadinessCheck {
    return read.ok ? ok(name, read.value) : fail(name, errorMessage(read.error));
}

interface EnvEntry {
    name: string;
    valueFrom?: { secretKeyRef?: { name?: unknown; key?: unknown; optional?: unknown } };
}

/** Env of the whole cluster and of every node pool: a Secret any pod needs must exist. */
function envEntries(cluster: Record<string, unknown>): EnvEntry[] {
    const spec = (cluster.spec ?? {}) as Record<string, unknown>;
    const lists: unknown[] = [spec.environmentVariables, spec.commonEnvironmentVariables];
    if (Array.isArray(spec.nodePools)) {
        for (const pool of spec.nodePools as { spec?: { environmentVariables?: unknown } }[]) {
            lists.push(pool?.spec?.environmentVariables);
        }
    }
    return lists.flatMap(l => (Array.isArray(l) ? l : []))
        .filter((e): e is EnvEntry => typeof e === "object" && e !== null && typeof (e as EnvEntry).name === "string");
}
