// The drill's scenarios: what happens to the primary, the standby and the
// cloud, when, and what must hold afterwards. Times are seconds after the
// outage starts (t0) and derive from the RTO model of the settings, so each
// scenario tests the same thing at any holdoff, interval or threshold.

import type { ExpectedFailoverSeconds } from "../../components/dr/rto";
import { DEGRADED_SINCE_ANNOTATION } from "../../functions/azure/platform";
import { DEFAULT_RETRY } from "../../functions/core/retry";
import type { CloudSim } from "./cloud";
import type { SimClock } from "./sim-clock";
import type { DrillSettings, World } from "./world";

export const SCENARIOS = [
    "region-outage", "short-outage", "flapping", "recovers-during-holdoff", "secondary-unhealthy",
    "k8s-throttling", "dns-lock-failure", "concurrent-invocations", "second-outage-in-cooldown", "failback-then-outage",
    "lock-outage-then-back", "manual-scale", "just-short-outage",
] as const;
export type ScenarioName = typeof SCENARIOS[number];

export const INVARIANTS = {
    noFailoverBeforeHoldoff: "every scale-up came after the primary had been down without a break for preFailoverFailureSeconds",
    exactlyOneScaleUp: "one operator scale-up per failover, and as many failovers as the scenario expects",
    noFailover: "the operator was never scaled up",
    neverOntoUnhealthySecondary: "no scale-up while the standby itself was unreachable",
    dnsLocked: "the primary is locked out of DNS after the failover",
    dnsUntouched: "DNS was never locked",
    noAutomaticFailback: "DNS never sent clients back to the recovered primary on its own after a failover",
    cooldownHonoured: "no two scale-ups closer than failoverCooldownSeconds",
    exactlyOneLock: "one successful DNS lock call for the failover",
    lockFailureReported: "the failed DNS lock is in the result (dnsLockError) and the scale-up stands",
    throttlingRetried: "429 and 5xx answers from the Kubernetes API were absorbed (retries, redelivery) and the failover completed",
    holdoffTrackingCleared: "the holdoff tracking (degraded-since annotation) is gone once the primary recovered",
    manualFailoverCompleted: "a person's scale-up was completed by a function run: DNS locked and the failover recorded, without a second scale-up",
} as const;
export type InvariantName = keyof typeof INVARIANTS;

export interface ScenarioContext {
    clock: SimClock;
    world: World;
    cloud: CloudSim;
    settings: DrillSettings;
    model: ExpectedFailoverSeconds;
    /** Start of the (first) outage, epoch ms. */
    t0: number;
    /** t0 + seconds, epoch ms. */
    t(seconds: number): number;
    /** Runs fn at t0 + seconds. */
    at(seconds: number, fn: () => void): void;
    /** Runs fn when the n-th function scale-up happens (1-based). */
    onFailover(n: number, fn: (atMs: number) => void): void;
}

export interface Scenario {
    name: ScenarioName;
    summary: string;
    /** Why these settings cannot exercise the scenario; undefined when they can. */
    precondition(s: DrillSettings): string | undefined;
    expectedFailovers: number;
    invariants(s: DrillSettings): InvariantName[];
    /** Seconds after t0 the drill runs for. */
    horizonS(ctx: ScenarioContext): number;
    setup(ctx: ScenarioContext): void;
    /** Observations worth a line in the report. */
    notes?(ctx: ScenarioContext): string[];
}

const FAILOVER_INVARIANTS: InvariantName[] = ["noFailoverBeforeHoldoff", "exactlyOneScaleUp", "dnsLocked", "noAutomaticFailback", "cooldownHonoured"];
const withGate = (s: DrillSettings, list: InvariantName[]): InvariantName[] =>
    s.requireHealthySecondary ? [...list.slice(0, 2), "neverOntoUnhealthySecondary", ...list.slice(2)] : list;
const needsHoldoff = (name: string) => (s: DrillSettings) =>
    s.preFailoverFailureSeconds > 0 ? undefined : `${name} tests the holdoff, and preFailoverFailureSeconds is 0 (set e.g. --set preFailoverFailureSeconds=180)`;
/** When the model says the function acts, seconds after t0. */
const actS = (ctx: ScenarioContext) => ctx.model.detectionS + ctx.model.holdoffS;
const MIN = 60;

export const SCENARIO_TABLE: Record<ScenarioName, Scenario> = {
    "region-outage": {
        name: "region-outage",
        summary: "the primary region goes down for 30 minutes, then comes back",
        precondition: () => undefined,
        expectedFailovers: 1,
        invariants: s => withGate(s, FAILOVER_INVARIANTS),
        horizonS: () => 45 * MIN,
        setup: ctx => {
            ctx.world.primary.markDown(ctx.t0, ctx.t(30 * MIN));
            ctx.at(0, () => ctx.world.note("primary region down"));
            ctx.at(30 * MIN, () => ctx.world.note("primary region back"));
        },
    },
    "short-outage": {
        name: "short-outage",
        summary: "the primary fails for half the holdoff, then recovers",
        precondition: needsHoldoff("short-outage"),
        expectedFailovers: 0,
        invariants: () => ["noFailover", "noFailoverBeforeHoldoff", "dnsUntouched"],
        horizonS: () => 30 * MIN,
        setup: ctx => {
            const length = ctx.settings.preFailoverFailureSeconds / 2;
            ctx.world.primary.markDown(ctx.t0, ctx.t(length));
            ctx.at(0, () => ctx.world.note(`primary down (for ${length}s)`));
            ctx.at(length, () => ctx.world.note("primary back"));
        },
    },
    "just-short-outage": {
        name: "just-short-outage",
        summary: "the primary fails for the holdoff less one probe interval, then recovers",
        precondition: s => {
            const why = needsHoldoff("just-short-outage")(s);
            if (why) return why;
            return s.preFailoverFailureSeconds > s.healthCheckIntervalSeconds ? undefined
                : `just-short-outage needs a holdoff longer than one probe interval (${s.healthCheckIntervalSeconds}s); preFailoverFailureSeconds is ${s.preFailoverFailureSeconds}`;
        },
        expectedFailovers: 0,
        invariants: () => ["noFailover", "noFailoverBeforeHoldoff", "dnsUntouched"],
        horizonS: () => 30 * MIN,
        setup: ctx => {
            // The closest miss the holdoff must still refuse: one probe short of it.
            const length = ctx.settings.preFailoverFailureSeconds - ctx.settings.healthCheckIntervalSeconds;
            ctx.world.primary.markDown(ctx.t0, ctx.t(length));
            ctx.at(0, () => ctx.world.note(`primary down (for ${length}s: the holdoff less one probe interval)`));
            ctx.at(length, () => ctx.world.note("primary back"));
        },
    },
    "flapping": {
        name: "flapping",
        summary: "the primary flaps (down shorter than the holdoff, up long enough for the probes to see it) for 20 minutes, then goes down for good",
        precondition: s => {
            const detect = s.healthCheckIntervalSeconds * s.healthCheckFailureThreshold;
            return s.preFailoverFailureSeconds > detect + 20 ? undefined
                : `flapping needs a holdoff longer than the probes' own detection (${detect}s = interval x threshold) plus 20s; preFailoverFailureSeconds is ${s.preFailoverFailureSeconds}`;
        },
        expectedFailovers: 1,
        invariants: s => withGate(s, FAILOVER_INVARIANTS),
        horizonS: () => 20 * MIN + 30 * MIN,
        setup: ctx => {
            const s = ctx.settings;
            const down = Math.round((s.healthCheckIntervalSeconds * s.healthCheckFailureThreshold + s.preFailoverFailureSeconds) / 2);
            const up = s.healthCheckIntervalSeconds * s.healthCheckFailureThreshold + s.healthCheckIntervalSeconds;
            let t = 0;
            let flaps = 0;
            while (t + down + up <= 20 * MIN) {
                ctx.world.primary.markDown(ctx.t(t), ctx.t(t + down));
                t += down + up;
                flaps++;
            }
            ctx.world.primary.markDown(ctx.t(20 * MIN));
            ctx.at(0, () => ctx.world.note(`primary flapping: ${flaps} x (down ${down}s, up ${up}s)`));
            ctx.at(20 * MIN, () => ctx.world.note("primary region down for good"));
        },
    },
    "recovers-during-holdoff": {
        name: "recovers-during-holdoff",
        summary: "the primary recovers shortly before it has been down for the holdoff (30 s, or a third of it when shorter)",
        precondition: needsHoldoff("recovers-during-holdoff"),
        expectedFailovers: 0,
        invariants: s => (s.cloud === "azure" ? ["noFailover", "noFailoverBeforeHoldoff", "dnsUntouched", "holdoffTrackingCleared"] : ["noFailover", "noFailoverBeforeHoldoff", "dnsUntouched"]),
        horizonS: () => 30 * MIN,
        setup: ctx => {
            const holdoff = ctx.settings.preFailoverFailureSeconds;
            const length = holdoff - Math.min(30, holdoff / 3);
            ctx.world.primary.markDown(ctx.t0, ctx.t(length));
            ctx.at(0, () => ctx.world.note(`primary down (for ${length}s)`));
            ctx.at(length, () => ctx.world.note("primary back"));
        },
    },
    "secondary-unhealthy": {
        name: "secondary-unhealthy",
        summary: "the primary region dies while the standby's ingress is unreachable from 90 s before the failover could first be due until two minutes after the model says it is due",
        precondition: s => (s.requireHealthySecondary ? undefined : "secondary-unhealthy tests the secondary gate, and requireHealthySecondary is false"),
        expectedFailovers: 1,
        invariants: s => withGate(s, FAILOVER_INVARIANTS),
        horizonS: () => 55 * MIN,
        setup: ctx => {
            // Due at the earliest when the primary has been down for the holdoff,
            // at the latest when the model says; the standby's checks get 90 s to see it.
            const holdoff = ctx.settings.preFailoverFailureSeconds;
            const from = Math.max(0, Math.min(holdoff, actS(ctx)) - 90);
            const until = Math.max(holdoff, actS(ctx)) + 120;
            ctx.world.primary.markDown(ctx.t0, ctx.t(40 * MIN));
            ctx.world.secondary.markDown(ctx.t(from), ctx.t(until));
            ctx.at(0, () => ctx.world.note("primary region down"));
            ctx.at(from, () => ctx.world.note("standby ingress unreachable"));
            ctx.at(until, () => ctx.world.note("standby ingress reachable again"));
            ctx.at(40 * MIN, () => ctx.world.note("primary region back"));
        },
    },
    "k8s-throttling": {
        name: "k8s-throttling",
        summary: `the standby's Kubernetes API answers the first 6 requests of the outage 429, and the first ${DEFAULT_RETRY.maxAttempts} scale attempts 503 (one invocation's whole retry budget)`,
        precondition: () => undefined,
        expectedFailovers: 1,
        invariants: s => withGate(s, [...FAILOVER_INVARIANTS, "throttlingRetried"]),
        horizonS: () => 45 * MIN,
        setup: ctx => {
            ctx.world.primary.markDown(ctx.t0, ctx.t(30 * MIN));
            // Counted, not timed: whenever the function acts, its scale-up meets the whole burst.
            ctx.world.kube.fault({ status: 429, fromMs: ctx.t0, times: 6 });
            ctx.world.kube.fault({ call: "scaleDeploymentFrom", status: 503, fromMs: ctx.t0, times: DEFAULT_RETRY.maxAttempts });
            ctx.at(0, () => ctx.world.note(`primary region down; Kubernetes API: next 6 requests 429, next ${DEFAULT_RETRY.maxAttempts} scale attempts 503`));
            ctx.at(30 * MIN, () => ctx.world.note("primary region back"));
        },
    },
    "dns-lock-failure": {
        name: "dns-lock-failure",
        summary: "the region dies and every DNS lock call is refused (HTTP 403); the primary comes back after 30 minutes",
        precondition: () => undefined,
        expectedFailovers: 1,
        invariants: s => withGate(s, ["noFailoverBeforeHoldoff", "exactlyOneScaleUp", "lockFailureReported", "cooldownHonoured"]),
        horizonS: () => 45 * MIN,
        setup: ctx => {
            ctx.world.primary.markDown(ctx.t0, ctx.t(30 * MIN));
            ctx.cloud.failLock(403);
            ctx.at(0, () => ctx.world.note("primary region down; the function's DNS lock permission is missing (403)"));
            ctx.at(30 * MIN, () => ctx.world.note("primary region back"));
        },
        notes: ctx => {
            const back = ctx.world.dnsSamples.find(s => s.atMs >= ctx.t(30 * MIN) && s.answer === "primary");
            return back
                ? [`without the lock, DNS returned to the primary on its own ${((back.atMs - ctx.t(30 * MIN)) / 1000).toFixed(0)}s after it came back: the result's dnsLockError is the on-call's cue to lock by hand`]
                : ["DNS stayed on the standby although the lock failed"];
        },
    },
    "concurrent-invocations": {
        name: "concurrent-invocations",
        summary: "the alarm's first notification is delivered 5 times at once (at-least-once delivery)",
        precondition: () => undefined,
        expectedFailovers: 1,
        invariants: s => withGate(s, [...FAILOVER_INVARIANTS, "exactlyOneLock"]),
        horizonS: () => 45 * MIN,
        setup: ctx => {
            ctx.world.primary.markDown(ctx.t0, ctx.t(30 * MIN));
            ctx.cloud.duplicateNextNotification(5);
            ctx.at(0, () => ctx.world.note("primary region down; the next notification arrives 5 times"));
            ctx.at(30 * MIN, () => ctx.world.note("primary region back"));
        },
    },
    "second-outage-in-cooldown": {
        name: "second-outage-in-cooldown",
        summary: "30 s after the failover the standby is reset by hand (operator 0, DNS unlocked, alarm re-armed) while the primary is still down, so the alarm fires again inside the cooldown",
        precondition: s => (s.cooldownSeconds > 0 ? undefined : "second-outage-in-cooldown tests the cooldown, and failoverCooldownSeconds is 0"),
        expectedFailovers: 2,
        invariants: s => withGate(s, ["noFailoverBeforeHoldoff", "exactlyOneScaleUp", "dnsLocked", "cooldownHonoured"]),
        horizonS: () => 45 * MIN,
        setup: ctx => {
            ctx.world.primary.markDown(ctx.t0);
            ctx.at(0, () => ctx.world.note("primary region down"));
            ctx.onFailover(1, atMs => {
                ctx.clock.schedule(atMs + 30_000, () => {
                    ctx.world.resetStandby();
                    ctx.cloud.unlockDns();
                    ctx.cloud.rearmAlarm();
                });
            });
        },
    },
    "lock-outage-then-back": {
        name: "lock-outage-then-back",
        summary: "the region dies and every DNS lock call is refused (HTTP 403) for 15 minutes, then the permission is fixed; the primary comes back after 30 minutes",
        precondition: () => undefined,
        expectedFailovers: 1,
        invariants: s => withGate(s, FAILOVER_INVARIANTS),
        horizonS: () => 45 * MIN,
        setup: ctx => {
            ctx.world.primary.markDown(ctx.t0, ctx.t(30 * MIN));
            ctx.cloud.failLock(403);
            ctx.at(0, () => ctx.world.note("primary region down; the function's DNS lock permission is missing (403)"));
            ctx.at(15 * MIN, () => {
                ctx.cloud.failLock(undefined);
                ctx.world.note("DNS lock permission fixed");
            });
            ctx.at(30 * MIN, () => ctx.world.note("primary region back"));
        },
        notes: ctx => {
            const lock = ctx.world.locks[0];
            return lock === undefined ? ["the lock never came"] : [`the lock came ${((lock - ctx.t(15 * MIN)) / 1000).toFixed(0)}s after the permission was fixed, by a later run completing the failover`];
        },
    },
    "manual-scale": {
        name: "manual-scale",
        summary: "the region dies and, 30 s later, a person scales humio-operator to 1 by hand (runbook) without locking DNS; the primary comes back after 30 minutes",
        precondition: needsHoldoff("manual-scale"),
        expectedFailovers: 0,
        invariants: () => ["noFailover", "manualFailoverCompleted", "dnsLocked"],
        horizonS: () => 45 * MIN,
        setup: ctx => {
            ctx.world.primary.markDown(ctx.t0, ctx.t(30 * MIN));
            ctx.at(0, () => ctx.world.note("primary region down"));
            ctx.at(30, () => {
                ctx.world.kube.setReplicas(1);
                ctx.world.note("runbook by hand: humio-operator scaled to 1, DNS not locked");
            });
            ctx.at(30 * MIN, () => ctx.world.note("primary region back"));
        },
    },
    "failback-then-outage": {
        name: "failback-then-outage",
        summary: "region down 20 minutes, deliberate failback at 25 (standby reset, DNS unlocked), then the primary region dies again at 40",
        precondition: () => undefined,
        expectedFailovers: 2,
        invariants: s => withGate(s, FAILOVER_INVARIANTS),
        horizonS: () => 40 * MIN + 30 * MIN,
        setup: ctx => {
            ctx.world.primary.markDown(ctx.t0, ctx.t(20 * MIN));
            ctx.world.primary.markDown(ctx.t(40 * MIN));
            ctx.at(0, () => ctx.world.note("primary region down"));
            ctx.at(20 * MIN, () => ctx.world.note("primary region back"));
            ctx.at(25 * MIN, () => {
                // Runbook failback: reverse recovery done, standby back to standby, DNS unlocked, holdoff tracking cleared.
                ctx.world.resetStandby();
                ctx.cloud.unlockDns();
                delete ctx.world.kube.annotations[DEGRADED_SINCE_ANNOTATION];
            });
            ctx.at(40 * MIN, () => ctx.world.note("primary region down again"));
        },
    },
};
