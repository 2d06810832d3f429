// What must hold after a drill, judged from the record (ground truth, scale
// events, DNS samples, invocation results), never from what the function
// says about itself.

import type { FailoverResult } from "../../functions/core/types";
import type { CloudSim } from "./cloud";
import type { InvariantName } from "./scenarios";
import type { DrillSettings, World } from "./world";

export interface InvariantCheck {
    holds: boolean;
    /** One line: the evidence. */
    detail: string;
}

/** The operator's life on the standby: from one scale-up by a function to the next human scale-down (or the end). */
interface Episode {
    fromMs: number;
    untilMs: number;
    scaleUps: number[];
}

function episodes(world: World, endMs: number): Episode[] {
    const out: Episode[] = [];
    let current: Episode = { fromMs: world.clock.startMs, untilMs: endMs, scaleUps: [] };
    for (const e of world.kube.scales) {
        if (e.by === "human" && e.to === 0) {
            current.untilMs = e.atMs;
            out.push(current);
            current = { fromMs: e.atMs, untilMs: endMs, scaleUps: [] };
        } else if (e.by === "function" && e.from === 0 && e.to >= 1) {
            current.scaleUps.push(e.atMs);
        }
    }
    out.push(current);
    return out.filter(ep => ep.scaleUps.length > 0);
}

const failoverResults = (world: World): FailoverResult[] =>
    world.invocations.map(i => i.result).filter((r): r is FailoverResult => r !== undefined && r.decision === "failed-over");

export function checkInvariant(name: InvariantName, world: World, cloud: CloudSim, settings: DrillSettings, expectedFailovers: number, endMs: number, t0Ms: number): InvariantCheck {
    const rel = (ms: number) => `t+${((ms - t0Ms) / 1000).toFixed(0)}s`;
    const scaleUps = world.kube.functionScaleUps().map(s => s.atMs);
    switch (name) {
        case "noFailoverBeforeHoldoff": {
            const early = scaleUps.filter(at => {
                const since = world.primary.downSince(at);
                return since === undefined || at - since < settings.preFailoverFailureSeconds * 1000;
            });
            return early.length === 0
                ? { holds: true, detail: scaleUps.length === 0 ? "no scale-up" : scaleUps.map(at => `scale-up at ${rel(at)}: primary down for ${((at - world.primary.downSince(at)!) / 1000).toFixed(0)}s`).join("; ") }
                : { holds: false, detail: early.map(at => `scale-up at ${rel(at)} ${world.primary.downSince(at) === undefined ? "while the primary was UP" : `after only ${((at - world.primary.downSince(at)!) / 1000).toFixed(0)}s of outage`}`).join("; ") };
        }
        case "exactlyOneScaleUp": {
            const eps = episodes(world, endMs);
            const perEpisode = eps.map(ep => ep.scaleUps.length);
            const holds = perEpisode.every(n => n === 1) && eps.length === expectedFailovers;
            return { holds, detail: `${scaleUps.length} scale-up(s) in ${eps.length} failover(s), expected ${expectedFailovers}; per failover: ${perEpisode.join(", ") || "none"}` };
        }
        case "noFailover":
            return { holds: scaleUps.length === 0, detail: scaleUps.length === 0 ? "operator stayed at 0" : `scaled up at ${scaleUps.map(rel).join(", ")}` };
        case "neverOntoUnhealthySecondary": {
            const bad = scaleUps.filter(at => world.secondary.isDown(at));
            return { holds: bad.length === 0, detail: bad.length === 0 ? "standby reachable at every scale-up" : `scaled up while the standby was unreachable at ${bad.map(rel).join(", ")}` };
        }
        case "dnsLocked":
            return { holds: cloud.dnsLocked(), detail: cloud.dnsLocked() ? "primary locked out of DNS at the end" : "primary NOT locked out of DNS at the end" };
        case "dnsUntouched":
            return { holds: world.locks.length === 0 && !cloud.dnsLocked(), detail: world.locks.length === 0 ? "no lock call succeeded" : `locked at ${world.locks.map(rel).join(", ")}` };
        case "noAutomaticFailback": {
            const eps = episodes(world, endMs);
            const back: string[] = [];
            let primaryRecoveredInside = false;
            for (const ep of eps) {
                const done = world.invocations.filter(i => i.result?.decision === "failed-over" && i.endedMs !== undefined && i.endedMs >= ep.scaleUps[0] && i.endedMs <= ep.untilMs)
                    .map(i => i.endedMs!)[0] ?? ep.scaleUps[0];
                const samples = world.dnsSamples.filter(s => s.atMs > done && s.atMs < ep.untilMs);
                primaryRecoveredInside ||= samples.some(s => !world.primary.isDown(s.atMs));
                // A failback sends clients to a primary that is up again (two LogScales
                // taking writes); answering a still-dead primary for a moment, while the
                // standby's own check catches up, is not one.
                const first = samples.find(s => s.answer === "primary" && !world.primary.isDown(s.atMs));
                if (first) back.push(rel(first.atMs));
            }
            if (eps.length === 0) {
                return { holds: false, detail: "no failover happened" };
            }
            return back.length === 0
                ? { holds: true, detail: `DNS stayed on the standby after each failover${primaryRecoveredInside ? ", through the primary's recovery" : " (the primary did not recover meanwhile)"}` }
                : { holds: false, detail: `DNS answered the primary again at ${back.join(", ")}` };
        }
        case "cooldownHonoured": {
            const gaps = scaleUps.slice(1).map((at, i) => at - scaleUps[i]);
            const bad = gaps.filter(g => g < settings.cooldownSeconds * 1000);
            return {
                holds: bad.length === 0,
                detail: gaps.length === 0 ? `at most one scale-up (cooldown ${settings.cooldownSeconds}s)` : `gaps between scale-ups: ${gaps.map(g => `${(g / 1000).toFixed(0)}s`).join(", ")} (cooldown ${settings.cooldownSeconds}s)`,
            };
        }
        case "exactlyOneLock":
            return { holds: world.locks.length === 1, detail: `${world.locks.length} successful DNS lock call(s)` };
        case "lockFailureReported": {
            const results = failoverResults(world);
            const reported = results.length > 0 && results.every(r => !r.dnsLocked && typeof r.dnsLockError === "string");
            const logged = world.logs.some(l => l.level === "error" && l.event === "failover.dns-lock-failed");
            const stands = world.kube.replicas >= 1;
            return {
                holds: reported && logged && stands,
                detail: `dnsLockError in the result: ${reported}; error log line: ${logged}; operator still at ${world.kube.replicas}`,
            };
        }
        case "throttlingRetried": {
            const throttled = world.kube.calls.filter(c => c.status === 429).length;
            const failed = world.kube.calls.filter(c => c.status >= 500).length;
            const errors = world.invocations.filter(i => i.result?.decision === "error").length;
            const holds = throttled > 0 && failed > 0 && scaleUps.length >= 1;
            return { holds, detail: `${throttled} answer(s) 429 and ${failed} 5xx absorbed; ${errors} invocation(s) ended in error and were redelivered; scaled up: ${scaleUps.length > 0}` };
        }
        case "manualFailoverCompleted": {
            const byHand = world.kube.scales.find(e => e.by === "human" && e.from === 0 && e.to >= 1);
            const completed = world.invocations.map(i => i.result)
                .find(r => r?.decision === "failed-over" && !r.operatorScaled && r.dnsLocked);
            return {
                holds: byHand !== undefined && completed !== undefined && scaleUps.length === 0,
                detail: byHand === undefined ? "nobody scaled by hand"
                    : completed === undefined ? `scaled by hand at ${rel(byHand.atMs)}; no run completed it (lock and record)`
                        : `scaled by hand at ${rel(byHand.atMs)}; completed by a run: ${completed.reason}`,
            };
        }
        case "holdoffTrackingCleared": {
            const v = cloud.holdoffTracking();
            return { holds: v === undefined, detail: v === undefined ? "no degraded-since annotation left" : `degraded-since annotation still ${v}` };
        }
    }
}
