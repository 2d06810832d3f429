import * as assert from "assert";
import { failingSince, HoldoffEvidence, PeriodEvidence } from "../../functions/core/holdoff";
import { awsHoldoffEvidence, route53MaxGapSeconds } from "../../functions/aws/health";

const T0 = Date.UTC(2026, 11, 3, 7, 0, 0);
const s = (seconds: number) => T0 + seconds * 1000;
const minute = (startS: number, state: PeriodEvidence["state"]): PeriodEvidence => ({ startMs: s(startS), periodSeconds: 60, state });

function ev(o: Partial<HoldoffEvidence>): HoldoffEvidence {
    return { periods: [], points: [], maxGapSeconds: 10, nowMs: s(300), ...o };
}

/** Failing readings every `step` seconds from `from` to `to`, inclusive. */
function polls(from: number, to: number, step: number, healthyAt: number[] = []) {
    const out = [];
    for (let t = from; t <= to; t += step) {
        out.push({ atMs: s(t), healthy: healthyAt.includes(t) });
    }
    return out;
}

describe("holdoff: failingSince", () => {
    it("counts from the first failing reading of an unbroken run of polls", () => {
        const r = failingSince(ev({ points: polls(100, 300, 10) }));
        assert.strictEqual(r.sinceMs, s(100));
        assert.strictEqual(r.failingForSeconds, 200);
        assert.strictEqual(r.lastFailingMs, s(300));
    });

    for (const blip of [100, 150, 200, 290]) {
        it(`a single healthy reading at +${blip}s resets the run to the readings after it`, () => {
            const r = failingSince(ev({ points: polls(100, 300, 10, [blip]) }));
            assert.strictEqual(r.sinceMs, s(blip + 10));
            assert.strictEqual(r.failingForSeconds, 300 - blip - 10);
        });
    }

    it("a healthy reading now means not failing at all", () => {
        const r = failingSince(ev({ points: polls(100, 300, 10, [300]) }));
        assert.strictEqual(r.sinceMs, undefined);
        assert.strictEqual(r.failingForSeconds, 0);
    });

    it("a gap longer than maxGapSeconds ends the run (the gap could hide a healthy spell)", () => {
        const points = [...polls(0, 100, 10), ...polls(140, 300, 10)];
        assert.strictEqual(failingSince(ev({ points })).sinceMs, s(140));
        // The same gap within the allowance is continuous.
        assert.strictEqual(failingSince(ev({ points, maxGapSeconds: 40 })).sinceMs, s(0));
    });

    it("whole failing minutes reach back before the first poll; a mixed minute stops them at its end", () => {
        const periods = [minute(0, "healthy"), minute(60, "mixed"), minute(120, "failing"), minute(180, "failing")];
        const r = failingSince(ev({ periods, points: polls(230, 300, 10) }));
        // The mixed minute may have been healthy at its last moment (+120s).
        assert.ok(r.sinceMs! > s(120) && r.sinceMs! <= s(121), `since ${r.sinceMs! - T0}`);
        assert.strictEqual(r.failingForSeconds, 179);
    });

    it("a metric gap (a minute missing from the series) ends the run at the gap", () => {
        const periods = [minute(0, "failing"), /* 60..120 missing */ minute(120, "failing"), minute(180, "failing")];
        const r = failingSince(ev({ periods, points: polls(230, 300, 10) }));
        assert.strictEqual(r.sinceMs, s(120));
    });

    it("a late datapoint: before it is published the run starts at the polls, after it the run reaches back", () => {
        const published = [minute(60, "mixed"), minute(120, "failing")];
        // Minute 180..240 not yet published and no polls before 240: unclear, so the run starts at the polls.
        const early = failingSince(ev({ periods: published, points: polls(240, 300, 10) }));
        assert.strictEqual(early.sinceMs, s(240));
        const late = failingSince(ev({ periods: [...published, minute(180, "failing")], points: polls(240, 300, 10) }));
        assert.ok(late.sinceMs! <= s(121));
    });

    it("a late datapoint that turns out healthy moves the start later, never earlier", () => {
        const r = failingSince(ev({ periods: [minute(120, "failing"), minute(180, "mixed")], points: polls(250, 300, 10) }));
        assert.strictEqual(r.sinceMs, s(250));
    });

    it("the recorded run carries across invocations and joins the current readings", () => {
        const r = failingSince(ev({ recorded: { sinceMs: s(40), lastFailingMs: s(280) }, points: polls(290, 300, 10) }));
        assert.strictEqual(r.sinceMs, s(40));
        // A recorded run that ended long ago does not.
        const stale = failingSince(ev({ recorded: { sinceMs: s(40), lastFailingMs: s(200) }, points: polls(290, 300, 10) }));
        assert.strictEqual(stale.sinceMs, s(290));
        // Nor one before a healthy reading.
        const reset = failingSince(ev({ recorded: { sinceMs: s(40), lastFailingMs: s(280) }, points: [{ atMs: s(285), healthy: true }, ...polls(290, 300, 10)] }));
        assert.strictEqual(reset.sinceMs, s(290));
    });

    it("no recent failing reading: not failing (silence is not failure)", () => {
        const r = failingSince(ev({ periods: [minute(0, "failing"), minute(60, "failing")] }));
        assert.strictEqual(r.sinceMs, undefined);
        assert.strictEqual(r.failingForSeconds, 0);
    });

    it("a bad maxGapSeconds is a one-line error naming it", () => {
        assert.throws(() => failingSince(ev({ maxGapSeconds: -1 })), /maxGapSeconds must be a number of seconds >= 0, got -1/);
    });

    it("holdoff met at exactly preFailoverFailureSeconds, not one probe interval before", () => {
        const hold = 180;
        const at = (now: number) => failingSince(ev({ points: polls(100, now, 10), nowMs: s(now) })).failingForSeconds >= hold;
        assert.strictEqual(at(100 + hold - 10), false);
        assert.strictEqual(at(100 + hold), true);
    });
});

describe("holdoff: Route 53 evidence", () => {
    it("HealthCheckStatus Maximum 0 is a failing minute, anything else may have been healthy", () => {
        const e = awsHoldoffEvidence([
            { Timestamp: new Date(s(60)), Maximum: 1 },
            { Timestamp: new Date(s(120)), Maximum: 0 },
            { Timestamp: undefined, Maximum: 0 },
        ], 60, false, s(200), 30);
        assert.deepStrictEqual(e.periods.map(p => p.state), ["mixed", "failing"]);
        const r = failingSince(e);
        assert.ok(r.sinceMs! > s(120) && r.sinceMs! <= s(121));
        assert.strictEqual(r.failingForSeconds, 79);
    });

    it("the checkers healthy now: not failing, whatever the metric says", () => {
        const e = awsHoldoffEvidence([{ Timestamp: new Date(s(120)), Maximum: 0 }], 60, true, s(200), 30);
        assert.strictEqual(failingSince(e).sinceMs, undefined);
    });

    it("gap allowance: (2 x threshold - 2) intervals, at least one interval", () => {
        assert.strictEqual(route53MaxGapSeconds(10, 3), 40);
        assert.strictEqual(route53MaxGapSeconds(30, 1), 30);
        assert.throws(() => route53MaxGapSeconds(0, 3), /interval must be > 0/);
    });
});
