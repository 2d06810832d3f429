// One drill: build the simulated world for a cloud, play a scenario on the
// simulated clock, and judge it: the timeline of the first failover (the
// seed's phases) and the scenario's invariants.

import { measurableModelSeconds } from "../../components/dr/failover-settings";
import { ExpectedFailoverSeconds, expectedFailoverSeconds, globalAnswerTtlSeconds } from "../../components/dr/rto";
import { RECHECK_INTERVAL_SECONDS as OCI_RECHECK_INTERVAL_SECONDS } from "../../components/oci/failover";
import { AWS_FAILOVER_DEFAULTS } from "../../functions/aws/env";
import { phases, RecoveryPhases, startRecord } from "../../functions/core/recovery";
import type { FailoverResult } from "../../functions/core/types";
import { AwsSim } from "./aws";
import { AzureSim } from "./azure";
import type { CloudSim } from "./cloud";
import { InvariantCheck, checkInvariant } from "./invariants";
import { callLatency, kubeLatencyMs } from "./latency";
import { OciSim } from "./oci";
import { InvariantName, SCENARIO_TABLE, ScenarioContext, ScenarioName } from "./scenarios";
import { seededRandom, SimClock } from "./sim-clock";
import { DrillEvent, DrillSettings, InvocationRecord, LogRecord, World } from "./world";

/** The simulation starts on a minute boundary; ten quiet minutes give the metrics and alarms a history. */
export const SIM_START_MS = Date.UTC(2025, 0, 15, 12, 0, 0);
export const WARMUP_S = 600;

export interface Timeline {
    detectionS: number | null;
    holdoffS: number | null;
    functionS: number | null;
    recoveryS: number | null;
    dnsS: number | null;
    totalS: number | null;
}

export interface DrillOutcome {
    cloud: DrillSettings["cloud"];
    scenario: ScenarioName;
    summary: string;
    settings: DrillSettings;
    failedOver: boolean;
    expectedFailovers: number;
    failovers: number;
    timeline: Timeline;
    model: ExpectedFailoverSeconds;
    /** The first failover as the function's own follow-up measures and reports it (functions/core/recovery.ts). */
    measured?: MeasuredFailover;
    invariants: Partial<Record<InvariantName, InvariantCheck>>;
    /** failedOver as expected, the expected number of failovers, and every invariant holds. */
    ok: boolean;
    events: DrillEvent[];
    invocations: InvocationRecord[];
    /** Every log line of every invocation, with its simulated time. */
    logs: LogRecord[];
    notes: string[];
    /** Seconds since the start of the simulation at t0, for rendering times relative to the outage. */
    t0Ms: number;
}

/** The function's measured phases, and the model's total up to LogScale ready it compares them with. */
export type MeasuredFailover = RecoveryPhases & { expectedSeconds: number };

export class ScenarioNotApplicable extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ScenarioNotApplicable";
    }
}

export function createCloud(world: World, random: () => number): CloudSim {
    switch (world.settings.cloud) {
        case "aws": return new AwsSim(world, random);
        case "azure": return new AzureSim(world, random);
        case "oci": return new OciSim(world, random);
    }
}

export async function runDrill(settings: DrillSettings, scenarioName: ScenarioName, seed = 1): Promise<DrillOutcome> {
    const scenario = SCENARIO_TABLE[scenarioName];
    const why = scenario.precondition(settings);
    if (why) {
        throw new ScenarioNotApplicable(why);
    }
    const clock = new SimClock(SIM_START_MS);
    const world = new World(clock, settings, kubeLatencyMs(callLatency(settings.cloud)));
    const random = seededRandom(seed);
    const cloud = createCloud(world, random);
    const model = expectedFailoverSeconds({
        cloud: settings.cloud,
        dnsTtlSeconds: settings.dnsTtlSeconds,
        failover: settings,
    });
    const t0 = clock.at(WARMUP_S);
    const failoverHooks = new Map<number, ((atMs: number) => void)[]>();
    const ctx: ScenarioContext = {
        clock, world, cloud, settings, model, t0,
        t: seconds => t0 + Math.round(seconds * 1000),
        at: (seconds, fn) => clock.schedule(t0 + Math.round(seconds * 1000), fn),
        onFailover: (n, fn) => failoverHooks.set(n, [...(failoverHooks.get(n) ?? []), fn]),
    };
    // Fire the scenario's hooks on the n-th function scale-up.
    let seen = 0;
    const poll = () => {
        const ups = world.kube.functionScaleUps();
        while (seen < ups.length) {
            seen++;
            for (const fn of failoverHooks.get(seen) ?? []) fn(ups[seen - 1].atMs);
        }
    };
    scenario.setup(ctx);
    cloud.start();
    // DNS as a client sees it, every 10 s; also the moment scenario hooks look for new scale-ups.
    const sample = (at: number) => clock.schedule(at, () => {
        poll();
        const answer = cloud.dnsAnswer();
        const last = world.dnsSamples[world.dnsSamples.length - 1];
        if (last && last.answer !== answer) {
            world.note(`DNS now answers with the ${answer}`);
        }
        world.dnsSamples.push({ atMs: clock.now(), answer });
        sample(at + 10_000);
    });
    sample(clock.startMs + 5_000);

    const endMs = ctx.t(scenario.horizonS(ctx));
    await clock.run(endMs);

    const scaleUps = world.kube.functionScaleUps();
    const invariants: Partial<Record<InvariantName, InvariantCheck>> = {};
    for (const name of scenario.invariants(settings)) {
        invariants[name] = checkInvariant(name, world, cloud, settings, scenario.expectedFailovers, endMs, t0);
    }
    const failedOver = scaleUps.length > 0;
    // exactlyOneScaleUp, where it applies, also counts the failovers against the expectation.
    const countOk = invariants.exactlyOneScaleUp !== undefined || scaleUps.length === scenario.expectedFailovers;
    const ok = failedOver === scenario.expectedFailovers > 0 && countOk && Object.values(invariants).every(c => c!.holds);
    const crashes = world.invocations.filter(i => i.crash);
    return {
        cloud: settings.cloud,
        scenario: scenarioName,
        summary: scenario.summary,
        settings,
        failedOver,
        expectedFailovers: scenario.expectedFailovers,
        failovers: scaleUps.length,
        timeline: timeline(world, settings),
        model,
        measured: measuredByFunction(world, settings, model),
        invariants,
        ok: ok && crashes.length === 0,
        events: world.events,
        invocations: world.invocations,
        logs: world.logs,
        notes: [
            ...(scenario.notes?.(ctx) ?? []),
            ...crashes.map(i => `invocation #${i.id} crashed: ${i.crash}`),
        ],
        t0Ms: t0,
    };
}

const round = (ms: number) => Math.round(ms / 100) / 10;

/** The seconds between two polls of LogScale's status after a scale, per cloud (the function's recheck interval). */
export function recoveryPollSeconds(settings: DrillSettings): number {
    switch (settings.cloud) {
        case "aws": return AWS_FAILOVER_DEFAULTS.recheckIntervalSeconds;
        case "azure": return settings.healthCheckIntervalSeconds;
        case "oci": return OCI_RECHECK_INTERVAL_SECONDS;
    }
}

/**
 * What the function's own follow-up reports for the first failover: the
 * acting run's timestamps, LogScale ready at the first status poll after the
 * simulated cluster serves, through the same pure phases() the function uses.
 * Undefined without a failover.
 */
export function measuredByFunction(world: World, settings: DrillSettings, model: ExpectedFailoverSeconds): MeasuredFailover | undefined {
    const first = world.kube.functionScaleUps()[0];
    if (!first) return undefined;
    const acting = world.invocations.find(i => i.result?.decision === "failed-over" && (i.result as FailoverResult).operatorScaled
        && (i.result as FailoverResult).timeline?.scaledAt !== undefined);
    if (!acting) return undefined;
    const result = acting.result as FailoverResult;
    const record = startRecord(result, 15, measurableModelSeconds(model));
    if (!record) return undefined;
    const servedMs = world.serviceReady.get(first.atMs);
    const pollMs = recoveryPollSeconds(settings) * 1000;
    const fromMs = acting.endedMs ?? record.scaled;
    const seenMs = servedMs === undefined ? undefined : fromMs + Math.max(0, Math.ceil((servedMs - fromMs) / pollMs)) * pollMs;
    const p = phases({ ...record, ready: seenMs, state: seenMs === undefined ? "watching" : "recovered" });
    return { ...p, expectedSeconds: record.expectedSeconds ?? 0 };
}

/**
 * When the global answer last turned to the standby before LogScale was ready
 * there (or, if it still answered the primary then, the first time after):
 * the start of the run of "secondary" samples that covers readyMs. A sample
 * is taken every 10 s, so this is up to 10 s late, never early. Undefined if
 * the answer never turned after the outage.
 */
export function answerMovedToStandbyMs(samples: readonly { atMs: number; answer: "primary" | "secondary" }[], outageMs: number, readyMs: number): number | undefined {
    let moved: number | undefined;
    for (const s of samples) {
        if (s.atMs < outageMs) continue;
        if (s.answer === "secondary") {
            moved ??= s.atMs;
            if (s.atMs >= readyMs) break;
        } else {
            moved = undefined;
        }
    }
    return moved;
}

/**
 * The first failover's phases, measured: outage start (of the outage in
 * progress at the scale-up) -> the alarm's signal -> the acting observation
 * round (or the acting invocation's arrival when it acted on its first
 * round) -> the acting invocation's end -> LogScale ready -> the clients'
 * cached answers of the primary expired (answerMovedToStandbyMs). Without a
 * failover, only detection is reported (when the alarm signalled at all).
 */
export function timeline(world: World, settings: DrillSettings): Timeline {
    const none: Timeline = { detectionS: null, holdoffS: null, functionS: null, recoveryS: null, dnsS: null, totalS: null };
    const first = world.kube.functionScaleUps()[0];
    if (!first) {
        const outage = world.primary.intervals()[0];
        const signal = outage ? world.detections.find(d => d >= outage.fromMs) : undefined;
        return { ...none, detectionS: outage && signal !== undefined ? round(signal - outage.fromMs) : null };
    }
    // A scale-up while the primary is up (an invariant breach) is timed from the last outage before it.
    const outageMs = world.primary.downSince(first.atMs)
        ?? world.primary.intervals().filter(d => d.fromMs <= first.atMs).map(d => world.primary.downSince(d.fromMs) ?? d.fromMs).pop()
        ?? first.atMs;
    const acting = world.invocations.find(i => i.result?.decision === "failed-over" && (i.result as FailoverResult).operatorScaled
        && i.arrivedMs <= first.atMs && (i.endedMs ?? Number.POSITIVE_INFINITY) >= first.atMs);
    const signalMs = world.detections.find(d => d >= outageMs)
        ?? world.invocations.find(i => i.arrivedMs >= outageMs)?.arrivedMs
        ?? first.atMs;
    const holdoffEndMs = Math.max(signalMs, acting
        ? (acting.checkStartsMs.length <= 1 ? acting.arrivedMs : acting.checkStartsMs[acting.checkStartsMs.length - 1])
        : first.atMs);
    const doneMs = acting?.endedMs ?? first.atMs;
    const readyMs = world.serviceReady.get(first.atMs) ?? doneMs;
    // Clients follow the global answer one TTL after it turned to the standby
    // (as the simulation sampled it); if that was long enough before LogScale
    // was ready, DNS adds nothing.
    const movedMs = answerMovedToStandbyMs(world.dnsSamples, outageMs, readyMs);
    const ttlMs = globalAnswerTtlSeconds(settings.cloud, settings.dnsTtlSeconds) * 1000;
    const dnsMs = movedMs === undefined ? readyMs + ttlMs : Math.max(readyMs, movedMs + ttlMs);
    return {
        detectionS: round(signalMs - outageMs),
        holdoffS: round(holdoffEndMs - signalMs),
        functionS: round(Math.max(0, doneMs - holdoffEndMs)),
        recoveryS: round(readyMs - doneMs),
        dnsS: round(dnsMs - readyMs),
        totalS: round(dnsMs - outageMs),
    };
}
