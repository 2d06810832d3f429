import * as assert from "assert";
import { checkInvariant } from "../../scripts/drill/invariants";
import { createCloud, SIM_START_MS } from "../../scripts/drill/run";
import { seededRandom, SimClock } from "../../scripts/drill/sim-clock";
import { DrillSettings, NAMESPACE, OPERATOR, World } from "../../scripts/drill/world";

// The drill's judgement must be able to fail: each invariant is fed a record
// that breaks it (scale-ups made by hand on the simulated Kubernetes API).

const SETTINGS: DrillSettings = {
    cloud: "aws", preFailoverFailureSeconds: 180, cooldownSeconds: 300, healthCheckIntervalSeconds: 10, healthCheckFailureThreshold: 3,
    requireHealthySecondary: true, dnsTtlSeconds: 60,
};
const T0 = SIM_START_MS + 600_000;

async function record(build: (w: World, at: (s: number, fn: () => void) => void) => void, endS = 1800) {
    const clock = new SimClock(SIM_START_MS);
    const world = new World(clock, SETTINGS, () => 1000);
    const cloud = createCloud(world, seededRandom(1));
    build(world, (s, fn) => clock.schedule(T0 + s * 1000, fn));
    await clock.run(T0 + endS * 1000);
    const check = (name: Parameters<typeof checkInvariant>[0], expected = 1) =>
        checkInvariant(name, world, cloud, SETTINGS, expected, T0 + endS * 1000, T0);
    return { world, cloud, check };
}

const scaleUp = (w: World) => () => { void w.kube.scaleDeploymentFrom(NAMESPACE, OPERATOR, 0, 1); };

describe("drill invariants (scripts/drill/invariants)", () => {
    it("noFailoverBeforeHoldoff: a scale-up 60 s into the outage, or while the primary is up, breaks it", async () => {
        const early = await record((w, at) => { w.primary.markDown(T0); at(60, scaleUp(w)); });
        assert.strictEqual(early.check("noFailoverBeforeHoldoff").holds, false);
        assert.match(early.check("noFailoverBeforeHoldoff").detail, /after only 61s of outage/);
        const up = await record((w, at) => at(600, scaleUp(w)));
        assert.match(up.check("noFailoverBeforeHoldoff").detail, /while the primary was UP/);
        const due = await record((w, at) => { w.primary.markDown(T0); at(200, scaleUp(w)); });
        assert.strictEqual(due.check("noFailoverBeforeHoldoff").holds, true);
    });

    it("exactlyOneScaleUp and cooldownHonoured: two scale-ups without a reset, or closer than the cooldown, break them", async () => {
        const twice = await record((w, at) => {
            w.primary.markDown(T0);
            at(200, scaleUp(w));
            at(260, () => { void w.kube.scaleDeployment(NAMESPACE, OPERATOR, 0); });
            at(320, scaleUp(w));
        });
        assert.strictEqual(twice.check("exactlyOneScaleUp").holds, false);
        assert.strictEqual(twice.check("cooldownHonoured").holds, false);
        assert.match(twice.check("cooldownHonoured").detail, /gaps between scale-ups: 120s \(cooldown 300s\)/);

        const resetThenAgain = await record((w, at) => {
            w.primary.markDown(T0);
            at(200, scaleUp(w));
            at(260, () => w.resetStandby());
            at(600, scaleUp(w));
        });
        assert.strictEqual(resetThenAgain.check("exactlyOneScaleUp", 2).holds, true);
        assert.strictEqual(resetThenAgain.check("exactlyOneScaleUp", 1).holds, false, "more failovers than expected");
        assert.strictEqual(resetThenAgain.check("cooldownHonoured").holds, true);
    });

    it("neverOntoUnhealthySecondary: a scale-up while the standby is unreachable breaks it", async () => {
        const r = await record((w, at) => { w.primary.markDown(T0); w.secondary.markDown(T0 + 100_000, T0 + 300_000); at(200, scaleUp(w)); });
        assert.strictEqual(r.check("neverOntoUnhealthySecondary").holds, false);
    });

    it("dnsLocked, noAutomaticFailback: no lock, and DNS back on a live primary after the failover, break them", async () => {
        const r = await record((w, at) => {
            w.primary.markDown(T0, T0 + 600_000);
            at(200, scaleUp(w));
            for (const s of [300, 700]) at(s, () => w.dnsSamples.push({ atMs: T0 + s * 1000, answer: s < 600 ? "secondary" : "primary" }));
        });
        assert.strictEqual(r.check("dnsLocked").holds, false);
        assert.strictEqual(r.check("noAutomaticFailback").holds, false);
        assert.match(r.check("noAutomaticFailback").detail, /DNS answered the primary again at t\+700s/);
    });

    it("noFailover and dnsUntouched: any scale-up or lock breaks them", async () => {
        const r = await record((w, at) => { w.primary.markDown(T0); at(200, scaleUp(w)); at(201, () => w.locks.push(T0 + 201_000)); });
        assert.strictEqual(r.check("noFailover").holds, false);
        assert.strictEqual(r.check("dnsUntouched").holds, false);
    });
});
