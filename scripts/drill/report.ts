// The drill's output: the seed's "Failover Timing Summary" table (simulated
// next to the model), the events, the invariants, and the one-line verdict;
// or the JSON object of the command's contract.

import { globalAnswerTtlSeconds, RECOVERY_S } from "../../components/dr/rto";
import type { DrillOutcome, Timeline } from "./run";
import { INVARIANTS, InvariantName } from "./scenarios";

export interface DrillJson {
    cloud: string;
    scenario: string;
    failedOver: boolean;
    timeline: Timeline;
    invariants: Partial<Record<InvariantName, boolean>>;
    /** Beyond the contract: the model's timeline, the failovers counted and expected, and the verdict. */
    model: DrillOutcome["model"];
    /** What the function's "recovered" message would report for the first failover. */
    measured?: DrillOutcome["measured"];
    expectedFailovers: number;
    failovers: number;
    ok: boolean;
}

export function toJson(o: DrillOutcome): DrillJson {
    return {
        cloud: o.cloud,
        scenario: o.scenario,
        failedOver: o.failedOver,
        timeline: o.timeline,
        invariants: Object.fromEntries(Object.entries(o.invariants).map(([k, v]) => [k, v!.holds])) as Partial<Record<InvariantName, boolean>>,
        model: o.model,
        measured: o.measured,
        expectedFailovers: o.expectedFailovers,
        failovers: o.failovers,
        ok: o.ok,
    };
}

const PHASES: { key: keyof Timeline; label: string; note: (o: DrillOutcome) => string }[] = [
    { key: "detectionS", label: "Detection", note: o => detectionNote(o) },
    { key: "holdoffS", label: "Holdoff", note: o => `primary failing for ${o.settings.preFailoverFailureSeconds}s (preFailoverFailureSeconds)` },
    { key: "functionS", label: "Function", note: () => "delivery; reads, stale TLS secret, operator 0 -> 1, DNS lock + cooldown record" },
    { key: "recoveryS", label: "Recovery", note: () => `pod start ${RECOVERY_S.podStart}s, snapshot fetch ${RECOVERY_S.snapshotFetch}s, Kafka + LogScale ready ${RECOVERY_S.kafkaReady}s` },
    { key: "dnsS", label: "DNS", note: o => `what is left, at LogScale ready, of the ${globalAnswerTtlSeconds(o.cloud, o.settings.dnsTtlSeconds)}s TTL since the answer turned to the standby` },
    { key: "totalS", label: "Total", note: () => "" },
];

function detectionNote(o: DrillOutcome): string {
    const s = o.settings;
    switch (o.cloud) {
        case "aws": return `Route 53 ${s.healthCheckIntervalSeconds}s x ${s.healthCheckFailureThreshold}, CloudWatch alarm (1 x 60s)`;
        case "azure": return `Traffic Manager ${s.healthCheckIntervalSeconds}s x ${s.healthCheckFailureThreshold}, metric alert (1 min window)`;
        case "oci": return `Health Checks every ${s.healthCheckIntervalSeconds}s, first failing minute`;
    }
}

const secs = (v: number | null) => (v === null ? "-" : `${v.toFixed(1)} s`);
const mins = (v: number | null) => (v === null ? "" : `${(v / 60).toFixed(1)} min`);

export function renderText(o: DrillOutcome): string {
    const s = o.settings;
    const lines: string[] = [];
    lines.push(`Drill: ${o.cloud} / ${o.scenario}: ${o.summary}`);
    lines.push(`Settings: preFailoverFailureSeconds=${s.preFailoverFailureSeconds} healthCheckIntervalSeconds=${s.healthCheckIntervalSeconds} `
        + `healthCheckFailureThreshold=${s.healthCheckFailureThreshold} failoverCooldownSeconds=${s.cooldownSeconds} `
        + `requireHealthySecondary=${s.requireHealthySecondary} dnsTtlSeconds=${s.dnsTtlSeconds}`);
    lines.push("");
    lines.push(`Failover Timing Summary${o.failovers > 1 ? " (first failover)" : ""}`);
    lines.push(`  ${"Phase".padEnd(10)} ${"Simulated".padStart(10)} ${"Model".padStart(9)}   Notes`);
    for (const p of PHASES) {
        const sim = o.timeline[p.key];
        const model = o.model[p.key];
        const note = p.key === "totalS" ? `${mins(sim) || "no failover"}${sim === null ? "" : ` (model ${mins(model)})`}` : p.note(o);
        lines.push(`  ${p.label.padEnd(10)} ${secs(sim).padStart(10)} ${secs(model).padStart(9)}   ${note}`);
    }
    if (o.measured) {
        const m = o.measured;
        const v = (x: number | undefined) => (x === undefined ? "-" : `${x} s`);
        lines.push("");
        lines.push("Measured by the function (its \"recovered\" message: from the health signal's first failing reading to LogScale ready;");
        lines.push("  compared with the model's holdoff + function + recovery, since it sees neither the probes' detection nor the DNS TTL)");
        lines.push(`  first failing -> decision ${v(m.detectionSeconds)}, decision -> scaled ${v(m.actSeconds)}, scaled -> DNS locked ${v(m.dnsLockSeconds)}, `
            + `scaled -> LogScale ready ${v(m.recoverySeconds)}; total ${v(m.totalSeconds)} against ${m.expectedSeconds} s modelled`
            + (m.totalSeconds === undefined ? "" : ` (${m.totalSeconds - m.expectedSeconds >= 0 ? "+" : ""}${m.totalSeconds - m.expectedSeconds} s)`));
    }
    lines.push("");
    lines.push("Events (t = outage start)");
    for (const e of o.events) {
        const t = (e.atMs - o.t0Ms) / 1000;
        lines.push(`  t${t >= 0 ? "+" : ""}${t.toFixed(1)}s`.padEnd(14) + e.text);
    }
    const invocations = o.invocations.filter(i => i.result?.decision !== "idle");
    lines.push("");
    lines.push(`Invocations: ${invocations.length} (${summarizeDecisions(invocations.map(i => i.result?.decision ?? "running"))})`);
    lines.push("");
    lines.push("Invariants");
    for (const [name, check] of Object.entries(o.invariants)) {
        lines.push(`  ${check!.holds ? "ok  " : "FAIL"}  ${name}: ${check!.detail}`);
        if (!check!.holds) {
            lines.push(`        (${INVARIANTS[name as InvariantName]})`);
        }
    }
    for (const n of o.notes) {
        lines.push(`  note: ${n}`);
    }
    lines.push("");
    const expected = o.expectedFailovers === 0 ? "no failover" : o.expectedFailovers === 1 ? "one failover" : `${o.expectedFailovers} failovers`;
    lines.push(o.ok
        ? `Result: OK: ${expected}, as expected; every invariant holds.`
        : `Result: FAILED: ${[
            ...Object.entries(o.invariants).filter(([, c]) => !c!.holds).map(([n]) => n),
            ...(o.failedOver === o.expectedFailovers > 0 ? [] : [o.failedOver ? "failed over" : "did not fail over"]),
        ].join(", ")} (expected ${expected}, got ${o.failovers}).`);
    return lines.join("\n");
}

function summarizeDecisions(decisions: string[]): string {
    const counts = new Map<string, number>();
    for (const d of decisions) counts.set(d, (counts.get(d) ?? 0) + 1);
    return [...counts].map(([d, n]) => `${n} ${d}`).join(", ") || "none";
}

/** The invocations' own log lines, as the function writes them (one JSON object each), stamped with simulated time. */
export function renderLog(o: DrillOutcome): string {
    return o.logs.map(l => `  t+${((l.atMs - o.t0Ms) / 1000).toFixed(1)}s #${l.invocation} ${JSON.stringify({ level: l.level, event: l.event, ...l.fields })}`).join("\n");
}
