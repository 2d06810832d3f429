// Each step as precondition, action and postcondition over a FailbackWorld.
// An action is only run when its postcondition does not already hold, so a
// rerun of a finished step changes nothing.

import { Clock, FailbackWorld, Side } from "./ports";
import { FailbackState } from "./state";
import { RECOVERY_SEQUENCE, StepId } from "./steps";

export interface Check {
    ok: boolean;
    expected: string;
    found: string;
}

export interface StepContext {
    world: FailbackWorld;
    state: FailbackState;
    clock: Clock;
    /** Prints one line (the preview diff before a `pulumi up`). */
    log(line: string): void;
}

export interface StepImpl {
    id: StepId;
    /** Why this pair does not need the step (checked first, on every run); undefined when it runs. */
    skip?(c: StepContext): Promise<string | undefined>;
    pre?(c: StepContext): Promise<Check>;
    /** The precondition is something to wait for (within timeoutMs), not a refusal. */
    preWaits?: boolean;
    act(c: StepContext): Promise<void>;
    post(c: StepContext): Promise<Check>;
    /** How long the postcondition may take to hold after the action, ms. */
    timeoutMs: number;
}

const check = (ok: boolean, expected: string, found: string): Check => ({ ok, expected, found });
const MIN = 60_000;
const FRESH_MS = 15 * MIN;

async function podsGone(c: StepContext, side: Side): Promise<Check> {
    const [replicas, pods] = [await c.world.operatorReplicas(side), await c.world.logscalePods(side)];
    return check(replicas === 0 && pods === 0, `${side} humio-operator at 0 replicas and no LogScale pods`, `operator ${replicas}, ${pods} LogScale pod(s)`);
}

/**
 * Global snapshots under <prefix>globalsnapshots/. Anything else under that
 * prefix (a segment file, a nested folder) means the prefix is not what we
 * think it is: the step refuses and deletes nothing.
 */
export async function globalSnapshots(c: StepContext, side: Side): Promise<{ snapshots: string[]; foreign: string[]; newest: number }> {
    const prefix = `${c.world.storagePrefix(side)}globalsnapshots/`;
    const objects = await c.world.listObjects(side, prefix);
    const isSnapshot = (key: string) => key.startsWith(prefix) && !key.slice(prefix.length).includes("/") && /snapshot/i.test(key.slice(prefix.length));
    return {
        snapshots: objects.filter(o => isSnapshot(o.key)).map(o => o.key),
        foreign: objects.filter(o => !isSnapshot(o.key)).map(o => o.key),
        newest: Math.max(0, ...objects.filter(o => isSnapshot(o.key)).map(o => o.modified)),
    };
}

async function noForeignObjects(c: StepContext, side: Side): Promise<Check> {
    const { foreign } = await globalSnapshots(c, side);
    return check(foreign.length === 0, `only global snapshot objects under ${c.world.storagePrefix(side)}globalsnapshots/ in the ${side} bucket`,
        foreign.length ? `${foreign.length} other object(s), e.g. ${foreign[0]}` : "only snapshots");
}

/**
 * Done means no snapshots and nothing foreign: a listing of only segment
 * objects would otherwise pass as "no snapshots" and let the run go on with a
 * prefix that points at the wrong place.
 */
async function noSnapshots(c: StepContext, side: Side): Promise<Check> {
    const { snapshots, foreign } = await globalSnapshots(c, side);
    if (foreign.length) return noForeignObjects(c, side);
    return check(snapshots.length === 0, `no global snapshots in the ${side} bucket`, `${snapshots.length} global snapshot(s)`);
}

async function deleteSnapshots(c: StepContext, side: Side): Promise<void> {
    const { snapshots, foreign } = await globalSnapshots(c, side);
    // Listed again right before deleting: the precondition's listing may be minutes old.
    if (foreign.length) throw new Error(`refusing to delete: ${foreign.length} non-snapshot object(s) under the ${side} snapshot prefix, e.g. ${foreign[0]}`);
    c.log(`${side} bucket: ${snapshots.length} global snapshot(s) before deletion`);
    if (snapshots.length) await c.world.deleteObjects(side, snapshots);
    c.log(`${side} bucket: ${(await globalSnapshots(c, side)).snapshots.length} global snapshot(s) after deletion`);
}

/**
 * A promoted secondary (dr: active) has no failover function and no alarm:
 * promotion removed them, and step 13's up declares them again. Without an
 * alarm on a secondary still in standby, something is wrong, so that stops.
 */
async function noAlarmBecausePromoted(c: StepContext): Promise<string | undefined> {
    if (await c.world.alarmEnabled() !== undefined) return undefined;
    const dr = await c.world.stackConfig("secondary", "dr");
    if (dr === "active") return "the secondary is promoted (dr: active), and promotion removed its failover function and alarm";
    throw new Error(`the secondary stack exports no failover alarm, yet it is dr: ${dr ?? "standby"}; run pulumi up on it, or pass --from-step past the alarm`);
}

async function alarmOff(c: StepContext): Promise<Check> {
    const on = await c.world.alarmEnabled();
    if (on === undefined) {
        const why = await noAlarmBecausePromoted(c);
        return check(true, "failover alarm disabled", `no alarm: ${why}`);
    }
    return check(!on, "failover alarm disabled", on ? "enabled" : "disabled");
}

async function configIs(c: StepContext, side: Side, key: string, value: string): Promise<Check> {
    const found = await c.world.stackConfig(side, key);
    return check(found === value, `${side} stack ${key}=${value}`, `${key}=${found ?? "(unset)"}`);
}

async function pulumiUp(c: StepContext, side: Side, key: string, value: string): Promise<void> {
    const diff = await c.world.preview(side, key, value);
    for (const line of diff.split("\n").filter(l => l.trim())) c.log(`  preview ${side}: ${line}`);
    await c.world.up(side, key, value);
}

async function statusOk(c: StepContext, side: Side): Promise<Check> {
    const s = await c.world.status(side);
    return check(s.code === 200 && /"status"\s*:\s*"OK"/.test(s.body), `${side} /api/v1/status 200 with status OK`, `${s.code} ${s.body.slice(0, 80)}`);
}

/** True when the recovery lines appear in RECOVERY_SEQUENCE order. */
export function sawRecovery(lines: readonly string[]): { ok: boolean; next?: string } {
    let i = 0;
    for (const line of lines) if (i < RECOVERY_SEQUENCE.length && line.includes(RECOVERY_SEQUENCE[i])) i++;
    return i === RECOVERY_SEQUENCE.length ? { ok: true } : { ok: false, next: RECOVERY_SEQUENCE[i] };
}

export const SEQUENCE: readonly StepImpl[] = [
    {
        id: "disable-alarm", timeoutMs: 2 * MIN,
        skip: noAlarmBecausePromoted,
        act: c => c.world.setAlarm(false),
        post: alarmOff,
    },
    {
        id: "flush-secondary", timeoutMs: 2 * MIN,
        pre: alarmOff,
        act: c => c.world.setFlushOnShutdown("secondary"),
        post: async c => { const on = await c.world.flushOnShutdown("secondary"); return check(on, "FlushSegmentsAndGlobalOnShutdown=true on the secondary", String(on)); },
    },
    {
        id: "stop-secondary", timeoutMs: 15 * MIN,
        pre: async c => { const on = await c.world.flushOnShutdown("secondary"); return check(on, "FlushSegmentsAndGlobalOnShutdown=true (step 2)", String(on)); },
        // The time of the scale, not of the pods going: the flush writes the snapshot while the pods shut down.
        act: async c => {
            if (c.state.secondaryStoppedAt === undefined) c.state.secondaryStoppedAt = c.clock.now();
            await c.world.scaleOperator("secondary", 0);
        },
        post: c => podsGone(c, "secondary"),
    },
    {
        id: "verify-secondary-snapshot", timeoutMs: 10 * MIN,
        pre: c => podsGone(c, "secondary"),
        act: async () => { /* the flush on shutdown writes it; this step waits for it */ },
        post: async c => {
            // Without a recorded stop (the secondary was stopped by hand), "fresh" is the runbook's "last few minutes".
            const since = c.state.secondaryStoppedAt ?? c.clock.now() - FRESH_MS;
            const { snapshots, newest } = await globalSnapshots(c, "secondary");
            return check(snapshots.length > 0 && newest >= since, `a global snapshot in the secondary bucket written at or after the stop (${new Date(since).toISOString()})`,
                snapshots.length ? `newest ${new Date(newest).toISOString()}` : "no global snapshots");
        },
    },
    {
        id: "stop-primary", timeoutMs: 15 * MIN,
        act: c => c.world.scaleOperator("primary", 0),
        post: c => podsGone(c, "primary"),
    },
    {
        id: "delete-primary-snapshots", timeoutMs: 5 * MIN,
        pre: async c => {
            const gone = await podsGone(c, "primary");
            return gone.ok ? noForeignObjects(c, "primary") : gone;
        },
        act: c => deleteSnapshots(c, "primary"),
        post: c => noSnapshots(c, "primary"),
    },
    {
        id: "enable-reverse-recovery", timeoutMs: 30 * MIN,
        // The active stack declares operator replicas 1: an up that refreshes would start the
        // primary before its Kafka reset (FATAL: The Kafka epoch key has changed). Scaled back at
        // once and reported, and "done" includes "still stopped".
        act: async c => {
            await pulumiUp(c, "primary", "recoverFrom", "secondary");
            const replicas = await c.world.operatorReplicas("primary");
            if (replicas !== 0) {
                await c.world.scaleOperator("primary", 0);
                throw new Error(`pulumi up set the primary's humio-operator to ${replicas} replica(s) before the Kafka reset; scaled it back to 0 (run the up without --refresh)`);
            }
        },
        post: async c => {
            const cfg = await configIs(c, "primary", "recoverFrom", "secondary");
            return cfg.ok ? podsGone(c, "primary") : cfg;
        },
    },
    {
        id: "reset-primary-kafka", timeoutMs: 5 * MIN,
        pre: c => podsGone(c, "primary"),
        act: c => c.world.deleteKafkaTopic("primary"),
        post: async c => { const e = await c.world.kafkaTopicExists("primary"); return check(!e, "primary global-events topic deleted", e ? "topic exists" : "absent"); },
    },
    {
        id: "cold-start-primary", timeoutMs: 30 * MIN,
        pre: c => configIs(c, "primary", "recoverFrom", "secondary"),
        act: async c => {
            if (c.state.coldStartAt === undefined) c.state.coldStartAt = c.clock.now();
            await c.world.scaleOperator("primary", 1);
        },
        post: async c => {
            const r = sawRecovery(await c.world.loaderLines("primary"));
            return check(r.ok, `DataSnapshotLoader recovery sequence on the primary (${RECOVERY_SEQUENCE.join(" -> ")})`, r.ok ? "seen" : `no "${r.next}" yet`);
        },
    },
    {
        id: "verify-primary", timeoutMs: 15 * MIN,
        act: async () => { /* waits for the status endpoint */ },
        post: c => statusOk(c, "primary"),
    },
    {
        id: "unlock-dns", timeoutMs: 5 * MIN,
        // Never before the primary answers on its own hostname: traffic would return to an empty cluster.
        pre: c => statusOk(c, "primary"),
        // A "pending" record makes the function's next run lock again (converge.ts), so it is cleared
        // before the unlock, never after: in between, the function would undo the unlock.
        act: async c => {
            if ((await c.world.lockRecord())?.lock === "pending") await c.world.clearLockRecord();
            await c.world.unlockDns();
            if (c.state.unlockedAt === undefined) c.state.unlockedAt = c.clock.now();
        },
        post: async c => {
            const l = await c.world.dnsLocked();
            if (l) return check(false, "DNS unlocked", "still locked");
            const r = await c.world.lockRecord();
            return check(r?.lock !== "pending", "DNS unlocked with the failover record not lock=pending (an unlock the failover function leaves alone)",
                `unlocked, ${r ? `failover record ${r.epochSeconds};lock=${r.lock}` : "no failover record"}`);
        },
    },
    {
        id: "clean-secondary", timeoutMs: 10 * MIN,
        pre: async c => { const gone = await podsGone(c, "secondary"); return gone.ok ? noForeignObjects(c, "secondary") : gone; },
        // A rerun after a failed snapshot deletion finds the topic gone already; deleting it again would be an error.
        act: async c => {
            if (await c.world.kafkaTopicExists("secondary")) await c.world.deleteKafkaTopic("secondary");
            await deleteSnapshots(c, "secondary");
        },
        post: async c => {
            const e = await c.world.kafkaTopicExists("secondary");
            if (e) return check(false, "secondary global-events topic deleted", "topic exists");
            return noSnapshots(c, "secondary");
        },
    },
    {
        id: "return-secondary-to-standby", timeoutMs: 30 * MIN,
        act: c => pulumiUp(c, "secondary", "dr", "standby"),
        post: c => configIs(c, "secondary", "dr", "standby"),
    },
    {
        id: "enable-alarm", timeoutMs: 2 * MIN,
        pre: async c => { const l = await c.world.dnsLocked(); return check(!l, "DNS unlocked (step 11)", l ? "locked" : "unlocked"); },
        act: c => c.world.setAlarm(true),
        // After step 13 the secondary is a standby again, so its alarm must exist: undefined fails here.
        post: async c => { const on = await c.world.alarmEnabled(); return check(on === true, "failover alarm enabled", on === undefined ? "no failover alarm in the secondary's outputs" : on ? "enabled" : "disabled"); },
    },
    {
        id: "disable-reverse-recovery", timeoutMs: 60 * MIN, preWaits: true,
        // recoverFrom stays until the primary has its own snapshot: a restart before that would find none.
        pre: async c => {
            const since = c.state.coldStartAt ?? 0;
            const { newest } = await globalSnapshots(c, "primary");
            return check(newest > since, `a global snapshot the primary wrote after its cold start (${new Date(since).toISOString()})`,
                newest ? `newest ${new Date(newest).toISOString()}` : "no global snapshots");
        },
        act: c => pulumiUp(c, "primary", "recoverFrom", "none"),
        post: c => configIs(c, "primary", "recoverFrom", "none"),
    },
];
