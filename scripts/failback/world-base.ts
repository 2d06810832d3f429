// What every cloud's live FailbackWorld shares: each side's stack, cluster,
// LogScale API and bucket, and the methods that only pass a step's call on
// to one of them. A cloud's world adds its DNS lock, alarm and record.

import { kafkaClusterName, LOGSCALE_NAMESPACE } from "../../components/logscale/names";
import { encodeFailoverRecord } from "../../functions/core/record";
import { FailoverRecord } from "../../functions/core/types";
import { KubeConnection } from "../../functions/k8s/http";
import { connectionFromKubeconfig } from "../readiness/kube";
import { KubeSide, KubeSideOptions } from "./kube-side";
import { LogScaleApi } from "./logscale";
import { BucketObject, Side } from "./ports";
import { StackOutput, StackPort } from "./stack-port";

/** A side's object store, whichever cloud's API is behind it. */
export interface SnapshotBucket {
    list(prefix: string): Promise<BucketObject[]>;
    delete(keys: string[]): Promise<void>;
}

export interface SideParts { stack: StackPort; kube: KubeSide; logscale: LogScaleApi; bucket: SnapshotBucket; prefix: string }

export const SIDES: readonly Side[] = ["primary", "secondary"];

/** A string output the world cannot do without; the error names the stack, the output and what it is for. */
export function needOutput(cloud: string, outputs: Record<string, StackOutput>, stack: string, key: string, why: string): string {
    const v = outputs[key]?.value;
    if (typeof v !== "string" || v === "") throw new Error(`stack "${stack}" has no "${key}" output; the ${cloud} failback needs it for ${why}`);
    return v;
}

/** A string output that may be absent (a promoted secondary has no failover outputs until step 13's up); "" reads as absent. */
export function optionalOutput(outputs: Record<string, StackOutput>, key: string): string | undefined {
    const v = outputs[key]?.value;
    return typeof v === "string" && v !== "" ? v : undefined;
}

/** "<prefix>/" or "": the object key prefix output as the snapshot paths use it. */
export function storagePrefixOf(outputs: Record<string, StackOutput>): string {
    const p = typeof outputs.storageObjectKeyPrefix?.value === "string" ? outputs.storageObjectKeyPrefix.value : "";
    return p && !p.endsWith("/") ? `${p}/` : p;
}

type PairOutputs = Record<Side, Record<string, StackOutput>>;

/** Both stacks' outputs, refused unless both are on the world's cloud. */
export async function pairOutputs(stacks: Record<Side, StackPort>, cloud: string, label: string): Promise<PairOutputs> {
    const out = { primary: await stacks.primary.outputs(), secondary: await stacks.secondary.outputs() };
    for (const side of SIDES) {
        const v = out[side].cloud?.value;
        if (v !== cloud) throw new Error(`stack "${stacks[side].name}" is on ${String(v ?? "an unknown cloud")}; the ${label} world needs two ${label} stacks`);
    }
    return out;
}

/**
 * What a side's parts are on every cloud: its cluster (from the kubeconfig
 * output), LogScale on its hostname with the admin token Secret of its
 * cluster, and its object key prefix. The world adds the bucket.
 */
export function sideBasics(label: string, stack: StackPort, so: Record<string, StackOutput>, side: Side,
    o: { logscaleUrl?: Partial<Record<Side, string>>; kube?: KubeSideOptions }): { basics: Omit<SideParts, "bucket">; conn: KubeConnection } {
    const cluster = needOutput(label, so, stack.name, "logscaleClusterName", "the admin token Secret");
    const conn = connectionFromKubeconfig(needOutput(label, so, stack.name, "kubeconfig", "the Kubernetes steps"));
    const kube = new KubeSide(conn, { namespace: LOGSCALE_NAMESPACE, cluster, kafka: kafkaClusterName(cluster) }, side, o.kube);
    const url = o.logscaleUrl?.[side] ?? `https://${needOutput(label, so, stack.name, "hostname", "LogScale's GraphQL and status")}`;
    return { conn, basics: { stack, kube, logscale: new LogScaleApi(url, () => kube.adminToken(), side), prefix: storagePrefixOf(so) } };
}

export abstract class PairWorld {
    protected constructor(protected readonly sides: Record<Side, SideParts>) {}

    /** The failover function's record of the last failover, wherever the cloud keeps it. */
    abstract lockRecord(): Promise<FailoverRecord | undefined>;
    /** Writes the record's stored form, where lockRecord reads it. */
    protected abstract writeLockRecord(value: string): Promise<void>;

    /** A pending lock mark becomes applied, same epoch (step 11's record rule); anything else is left alone. */
    async clearLockRecord(): Promise<void> {
        const r = await this.lockRecord();
        if (!r || r.lock === "applied") return;
        await this.writeLockRecord(encodeFailoverRecord({ epochSeconds: r.epochSeconds, lock: "applied" }));
    }

    primaryHealthy(): Promise<{ ok: boolean; found: string }> { return this.sides.primary.kube.nodesReady(); }
    flushOnShutdown(side: Side): Promise<boolean> { return this.sides[side].logscale.flushOnShutdown(); }
    setFlushOnShutdown(side: Side): Promise<void> { return this.sides[side].logscale.setFlushOnShutdown(); }
    operatorReplicas(side: Side): Promise<number> { return this.sides[side].kube.operatorReplicas(); }
    scaleOperator(side: Side, replicas: number): Promise<void> { return this.sides[side].kube.scaleOperator(replicas); }
    logscalePods(side: Side): Promise<number> { return this.sides[side].kube.logscalePods(); }
    storagePrefix(side: Side): string { return this.sides[side].prefix; }
    listObjects(side: Side, prefix: string): Promise<BucketObject[]> { return this.sides[side].bucket.list(prefix); }
    deleteObjects(side: Side, keys: string[]): Promise<void> { return this.sides[side].bucket.delete(keys); }
    kafkaTopicExists(side: Side): Promise<boolean> { return this.sides[side].kube.kafkaTopicExists(); }
    deleteKafkaTopic(side: Side): Promise<void> { return this.sides[side].kube.deleteKafkaTopic(); }
    loaderLines(side: Side): Promise<string[]> { return this.sides[side].kube.loaderLines(); }
    status(side: Side): Promise<{ code: number; body: string }> { return this.sides[side].logscale.status(); }
    stackConfig(side: Side, key: string): Promise<string | undefined> { return this.sides[side].stack.config(key); }
    preview(side: Side, key: string, value: string): Promise<string> { return this.sides[side].stack.preview(key, value); }
    up(side: Side, key: string, value: string): Promise<void> { return this.sides[side].stack.up(key, value); }
}
