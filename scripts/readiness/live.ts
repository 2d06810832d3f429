// The live readiness run: the pair as it is deployed, read through the ports.
// The version, key and recover-from verdicts are the same pure checks the
// offline mode runs, over views read from the clusters instead of the plans.

import { kafkaClusterName, humioServiceAccountName, LOGSCALE_NAMESPACE, OPERATOR_DEPLOYMENT_NAME } from "../../components/logscale/names";
import { Check, offlineChecks, sha256, StackView } from "./checks";
import { EnvVar, parseProbeLog, probeJobName, ProbeCloud, recoveryProbeJob } from "./job";
import { JobRun, runOneShotJob } from "./one-shot-job";
import { Clock, CloudPort, ClusterPort, OutputValue } from "./ports";

export interface Skipped {
    name: string;
    reason: string;
}

export interface LiveResult {
    checks: Check[];
    skipped: Skipped[];
}

export interface LiveInput {
    primaryStack: string;
    secondaryStack: string;
    outputs: { primary: Record<string, OutputValue>; secondary: Record<string, OutputValue> };
    clusters: { primary: ClusterPort; secondary: ClusterPort };
    cloud: CloudPort;
    clock: Clock;
    /** Makes the probe Job's name unique. */
    runId: string;
    jobTimeoutMs?: number;
    pollMs?: number;
    probeImage?: string;
}

const pass = (name: string, reason: string): Check => ({ name, verdict: "pass", reason });
const fail = (name: string, reason: string): Check => ({ name, verdict: "fail", reason });
const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));

function plainOutputs(o: Record<string, OutputValue>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => !v.secret).map(([k, v]) => [k, v.value]));
}

const chartVersion = (labels: Record<string, string> | undefined, chart: string) => {
    const v = labels?.["helm.sh/chart"];
    return v?.startsWith(`${chart}-`) ? v.slice(chart.length + 1) : undefined;
};

interface SideRead {
    view: StackView;
    env: EnvVar[];
}

async function readSide(stack: string, outputs: Record<string, OutputValue>, k: ClusterPort): Promise<SideRead> {
    const cluster = String(outputs.logscaleClusterName?.value ?? "logscale");
    const hc = await k.object("core.humio.com/v1alpha1", "humioclusters", LOGSCALE_NAMESPACE, cluster);
    if (!hc) throw new Error(`HumioCluster ${LOGSCALE_NAMESPACE}/${cluster} not found on "${stack}"`);
    const spec = (hc.spec ?? {}) as { image?: string; commonEnvironmentVariables?: EnvVar[]; environmentVariables?: EnvVar[] };
    const env = spec.commonEnvironmentVariables ?? spec.environmentVariables ?? [];
    const recoverFrom: Record<string, string> = {};
    let recoverFromKeySha: string | undefined;
    for (const e of env) {
        if (!e.name.includes("_RECOVER_FROM_")) continue;
        if (typeof e.value === "string") recoverFrom[e.name] = e.value;
        const ref = e.valueFrom?.secretKeyRef;
        if (ref && e.name.endsWith("_RECOVER_FROM_ENCRYPTION_KEY")) {
            const key = await k.secretValue(LOGSCALE_NAMESPACE, ref.name, ref.key);
            if (key !== undefined) recoverFromKeySha = sha256(key);
        }
    }
    const kafka = await k.object("kafka.strimzi.io/v1", "kafkas", LOGSCALE_NAMESPACE, kafkaClusterName(cluster));
    const storageKey = outputs.storageEncryptionKey?.value;
    return {
        env,
        view: {
            stack,
            logscaleImage: spec.image,
            operatorChart: chartVersion(await k.deploymentLabels(LOGSCALE_NAMESPACE, OPERATOR_DEPLOYMENT_NAME), "humio-operator"),
            strimziChart: chartVersion(await k.deploymentLabels(LOGSCALE_NAMESPACE, "strimzi-cluster-operator"), "strimzi-kafka-operator"),
            kafkaVersion: (kafka?.spec as { kafka?: { version?: string } } | undefined)?.kafka?.version,
            recoverFrom,
            recoverFromKeySha,
            storageKeySha: typeof storageKey === "string" ? sha256(storageKey) : undefined,
            outputs: plainOutputs(outputs),
        },
    };
}

/** Creates the probe Job, waits for it, reads its verdict and deletes it on every way out. */
export async function recoveryPathCheck(i: LiveInput, env: readonly EnvVar[]): Promise<Check> {
    const name = "recovery-path";
    const k = i.clusters.secondary;
    const cluster = String(i.outputs.secondary.logscaleClusterName?.value ?? "logscale");
    if (!env.some(e => e.name.endsWith("_RECOVER_FROM_BUCKET"))) return fail(name, "the standby HumioCluster has no *_RECOVER_FROM_BUCKET env to probe with");
    const manifest = recoveryProbeJob({
        cloud: i.cloud.cloud as ProbeCloud, namespace: LOGSCALE_NAMESPACE, serviceAccount: humioServiceAccountName(cluster),
        recoverFromEnv: env, runId: i.runId, image: i.probeImage,
    });
    const job = probeJobName(i.runId);
    const timeoutMs = i.jobTimeoutMs ?? 180_000;
    let run: JobRun;
    try {
        run = await runOneShotJob(k, manifest, { clock: i.clock, pollMs: i.pollMs ?? 2_000, timeoutMs });
    } catch (e) {
        return fail(name, `probe Job: ${msg(e)}`);
    }
    if (run.outcome === "disappeared") return fail(name, `Job ${LOGSCALE_NAMESPACE}/${job} disappeared before it finished`);
    if (run.outcome === "timed-out") return fail(name, `Job ${job} did not finish within ${Math.round(timeoutMs / 1000)}s (image pull, scheduling or a hung listing)`);
    const { state: st, log } = run;
    const r = log === undefined ? undefined : parseProbeLog(log);
    if (st.succeeded && r?.ok) return pass(name, `the standby listed the primary's globalsnapshots/ under ${humioServiceAccountName(cluster)}: ${r.detail}`);
    if (r && !r.ok) return fail(name, `the standby cannot fetch the primary's snapshot: ${r.detail}`);
    return fail(name, `Job ${job} ${st.succeeded ? "succeeded without a result line" : `failed${st.failure ? ` (${st.failure})` : ""}`}${log ? `; last log: ${log.trim().split("\n").pop()}` : "; no pod log"}`);
}

export async function liveReadiness(i: LiveInput): Promise<LiveResult> {
    const checks: Check[] = [];
    const skipped: Skipped[] = [];
    let sideEnv: EnvVar[] = [];
    try {
        const [p, s] = [await readSide(i.primaryStack, i.outputs.primary, i.clusters.primary), await readSide(i.secondaryStack, i.outputs.secondary, i.clusters.secondary)];
        sideEnv = s.env;
        checks.push(...offlineChecks(p.view, s.view));
    } catch (e) {
        checks.push(fail("pair-configuration", `reading the HumioClusters: ${msg(e)}`));
    }

    let replicas: number | undefined;
    let lock: { locked: boolean; detail: string } | undefined;
    try { lock = await i.cloud.dnsLock(); } catch (e) { checks.push(fail("dns-lock", msg(e))); }
    try {
        replicas = await i.clusters.secondary.deploymentReplicas(LOGSCALE_NAMESPACE, OPERATOR_DEPLOYMENT_NAME);
        if (replicas === undefined) checks.push(fail("operator", `Deployment ${LOGSCALE_NAMESPACE}/${OPERATOR_DEPLOYMENT_NAME} not found on the standby`));
        else if (replicas === 0) checks.push(pass("operator", "humio-operator at 0 on the standby"));
        else if (lock?.locked) checks.push(pass("operator", `humio-operator at ${replicas}: the pair reports failed over (DNS lock in place)`));
        else checks.push(fail("operator", `humio-operator at ${replicas} on the standby without a failover (no DNS lock): a second LogScale could write to the pair`));
    } catch (e) {
        checks.push(fail("operator", msg(e)));
    }
    if (lock) {
        const expectLocked = replicas !== undefined && replicas > 0;
        checks.push(lock.locked === expectLocked
            ? pass("dns-lock", `${lock.locked ? "locked" : "unlocked"}, as expected ${expectLocked ? "after a failover" : "for a standing-by pair"}: ${lock.detail}`)
            : fail("dns-lock", `${lock.locked ? "locked" : "unlocked"} but expected ${expectLocked ? "locked (the standby is up)" : "unlocked (the standby is at 0)"}: ${lock.detail}`));
    }
    try {
        const t = await i.cloud.dnsTargets();
        checks.push(t.missing.length === 0 && t.present.length > 0
            ? pass("dns-targets", `present: ${t.present.join(", ")}`)
            : fail("dns-targets", `missing: ${t.missing.join(", ") || "everything"}${t.present.length ? `; present: ${t.present.join(", ")}` : ""}`));
    } catch (e) {
        checks.push(fail("dns-targets", msg(e)));
    }
    try {
        const a = await i.cloud.alarm();
        checks.push(a.enabled ? pass("alarm", `${a.name} enabled`) : fail("alarm", `${a.name} is disabled: a primary outage would not trigger the failover`));
    } catch (e) {
        checks.push(fail("alarm", msg(e)));
    }
    try {
        const st = await i.cloud.lastSelfTest();
        if (!st.available) skipped.push({ name: "self-test", reason: st.reason });
        else checks.push(st.ready ? pass("self-test", st.detail) : fail("self-test", st.detail));
    } catch (e) {
        checks.push(fail("self-test", msg(e)));
    }
    checks.push(await recoveryPathCheck(i, sideEnv));
    return { checks, skipped };
}
