// The readiness checks as pure functions over what was read from the pair
// (offline plans or live stacks), so each verdict has its own unit test and
// the live and offline modes share one definition of "ready".

import { createHash } from "crypto";

export type Verdict = "pass" | "fail";

export interface Check {
    name: string;
    verdict: Verdict;
    reason: string;
}

/** What readiness needs from one stack of the pair. Secret values are kept only as SHA-256 digests. */
export interface StackView {
    stack: string;
    /** The HumioCluster's image (humio/humio-core:<version>). */
    logscaleImage?: string;
    /** humio-operator Helm chart version. */
    operatorChart?: string;
    /** strimzi-kafka-operator Helm chart version. */
    strimziChart?: string;
    /** Kafka.spec.kafka.version. */
    kafkaVersion?: string;
    /** The HumioCluster's *_RECOVER_FROM_* plain env values (secret-backed ones are left out). */
    recoverFrom: Record<string, string>;
    /** SHA-256 of the recover-from encryption key the standby was given; undefined when it has none. */
    recoverFromKeySha?: string;
    /** SHA-256 of this stack's own storage encryption key (its `storageEncryptionKey` output). */
    storageKeySha?: string;
    /** Plain (non-secret) stack outputs. */
    outputs: Record<string, unknown>;
}

export function sha256(value: string): string {
    return createHash("sha256").update(value, "utf8").digest("hex");
}

const pass = (name: string, reason: string): Check => ({ name, verdict: "pass", reason });
const fail = (name: string, reason: string): Check => ({ name, verdict: "fail", reason });

function parity(name: string, what: string, p: string | undefined, s: string | undefined, primary: string, secondary: string): Check {
    if (p === undefined || s === undefined) {
        const missing = [p === undefined ? primary : undefined, s === undefined ? secondary : undefined].filter(Boolean).join(" and ");
        return fail(name, `${what} not found on ${missing}`);
    }
    if (p !== s) return fail(name, `${what} differs: primary "${primary}" has ${p}, secondary "${secondary}" has ${s}; the standby would recover on another version than the primary wrote`);
    return pass(name, `${what} ${p} on both stacks`);
}

/** Version parity: LogScale image, humio-operator chart, Strimzi chart and Kafka version. */
export function versionChecks(p: StackView, s: StackView): Check[] {
    return [
        parity("logscale-version", "LogScale image", p.logscaleImage, s.logscaleImage, p.stack, s.stack),
        parity("humio-operator-version", "humio-operator chart", p.operatorChart, s.operatorChart, p.stack, s.stack),
        parity("strimzi-version", "Strimzi chart", p.strimziChart, s.strimziChart, p.stack, s.stack),
        parity("kafka-version", "Kafka version", p.kafkaVersion, s.kafkaVersion, p.stack, s.stack),
    ];
}

/** The standby decrypts the primary's snapshot with the key it was given: both digests must be equal. */
export function encryptionKeyCheck(p: StackView, s: StackView): Check {
    const name = "encryption-key";
    if (!p.storageKeySha) return fail(name, `primary "${p.stack}" has no storageEncryptionKey output`);
    if (!s.recoverFromKeySha) return fail(name, `secondary "${s.stack}" has no *_RECOVER_FROM_ENCRYPTION_KEY`);
    if (p.storageKeySha !== s.recoverFromKeySha) {
        return fail(name, `the secondary's recover-from encryption key (sha256 ${s.recoverFromKeySha.slice(0, 12)}…) is not the primary's storage key (sha256 ${p.storageKeySha.slice(0, 12)}…)`);
    }
    return pass(name, `same key on both sides (sha256 ${p.storageKeySha.slice(0, 12)}…)`);
}

function envEnding(env: Record<string, string>, suffix: string): [string, string] | undefined {
    const k = Object.keys(env).find(n => n.endsWith(`_RECOVER_FROM_${suffix}`));
    return k === undefined ? undefined : [k, env[k]];
}

/** The standby's recover-from env names the primary's bucket and region, as the primary's outputs say. */
export function recoverFromCheck(p: StackView, s: StackView): Check {
    const name = "recover-from";
    const bucket = envEnding(s.recoverFrom, "BUCKET");
    if (!bucket) return fail(name, `secondary "${s.stack}" HumioCluster has no *_RECOVER_FROM_BUCKET env; it would start empty instead of from the primary's snapshot`);
    const wantBucket = p.outputs.storageBucket ?? p.outputs.storageContainer;
    if (typeof wantBucket !== "string") return fail(name, `primary "${p.stack}" has no storageBucket output to compare ${bucket[0]} with`);
    if (bucket[1] !== wantBucket) return fail(name, `${bucket[0]} is "${bucket[1]}" but the primary's storageBucket output is "${wantBucket}"`);
    const region = envEnding(s.recoverFrom, "REGION");
    if (region && typeof p.outputs.region === "string" && region[1] !== p.outputs.region) {
        return fail(name, `${region[0]} is "${region[1]}" but the primary's region output is "${p.outputs.region}"`);
    }
    return pass(name, `${bucket[0]}=${bucket[1]}${region ? `, ${region[0]}=${region[1]}` : ""} match the primary's outputs`);
}

/** The subset that needs no cloud: what `--offline` runs. */
export function offlineChecks(p: StackView, s: StackView): Check[] {
    return [...versionChecks(p, s), encryptionKeyCheck(p, s), recoverFromCheck(p, s)];
}

export function exitCode(checks: readonly Check[]): number {
    return checks.every(c => c.verdict === "pass") ? 0 : 1;
}

export function renderTable(checks: readonly Check[]): string {
    const w = Math.max(5, ...checks.map(c => c.name.length));
    const lines = [`${"CHECK".padEnd(w)}  VERDICT  REASON`, ...checks.map(c => `${c.name.padEnd(w)}  ${c.verdict.toUpperCase().padEnd(7)}  ${c.reason}`)];
    const failed = checks.filter(c => c.verdict === "fail").length;
    lines.push("", failed === 0 ? `ready: all ${checks.length} checks pass` : `NOT ready: ${failed} of ${checks.length} checks fail`);
    return `${lines.join("\n")}\n`;
}
