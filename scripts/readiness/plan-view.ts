// A StackView from an offline plan (scripts/plan), for `readiness --offline`.

import { Plan, PlannedResource } from "../plan/model";
import { isSecret, Secret } from "../plan/secret";
import { StackView, sha256 } from "./checks";

function reveal(v: unknown): unknown {
    return isSecret(v) ? (v as Secret).reveal() : v;
}

function byType(plan: Plan, suffix: string): PlannedResource | undefined {
    return plan.resources.find(r => r.type.endsWith(suffix));
}

function chart(plan: Plan, chartName: string): string | undefined {
    const r = plan.resources.find(x => x.type === "kubernetes:helm.sh/v3:Release" && x.inputs.chart === chartName)
        ?? plan.resources.find(x => x.type === "kubernetes:helm.sh/v4:Chart" && x.inputs.chart === chartName);
    const v = r && reveal(r.inputs.version);
    return typeof v === "string" ? v : undefined;
}

type EnvVar = { name: string; value?: unknown; valueFrom?: { secretKeyRef?: { name: string; key: string } } };

export function viewFromPlan(plan: Plan): StackView {
    const hc = byType(plan, ":HumioCluster");
    const spec = (hc?.inputs.spec ?? {}) as Record<string, unknown>;
    const env = ((spec.commonEnvironmentVariables ?? spec.environmentVariables ?? []) as EnvVar[]);
    const recoverFrom: Record<string, string> = {};
    let recoverFromKeySha: string | undefined;
    for (const e of env) {
        if (!e.name.includes("_RECOVER_FROM_")) continue;
        const v = reveal(e.value);
        if (typeof v === "string") recoverFrom[e.name] = v;
        const ref = e.valueFrom?.secretKeyRef;
        if (ref && e.name.endsWith("_RECOVER_FROM_ENCRYPTION_KEY")) {
            const secret = plan.resources.find(r => r.type === "kubernetes:core/v1:Secret"
                && (r.inputs.metadata as { name?: string } | undefined)?.name === ref.name);
            const data = (secret?.inputs.stringData ?? {}) as Record<string, unknown>;
            const key = reveal(data[ref.key]);
            if (typeof key === "string") recoverFromKeySha = sha256(key);
        }
    }
    const kafka = plan.resources.find(r => /^kubernetes:kafka\.strimzi\.io\/v[^:]+:Kafka$/.test(r.type));
    const kafkaVersion = reveal(((kafka?.inputs.spec as { kafka?: { version?: unknown } } | undefined)?.kafka)?.version);
    const image = reveal(spec.image);
    const storageKey = reveal(plan.outputs.storageEncryptionKey);
    const outputs: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(plan.outputs)) if (!isSecret(v)) outputs[k] = v;
    return {
        stack: plan.stack,
        logscaleImage: typeof image === "string" ? image : undefined,
        operatorChart: chart(plan, "humio-operator"),
        strimziChart: chart(plan, "strimzi-kafka-operator"),
        kafkaVersion: typeof kafkaVersion === "string" ? kafkaVersion : undefined,
        recoverFrom,
        recoverFromKeySha,
        storageKeySha: typeof storageKey === "string" ? sha256(storageKey) : undefined,
        outputs,
    };
}
