import * as assert from "assert";
import * as path from "path";
import { main } from "../../scripts/gameday/cli";
import { renderMarkdown, renderSvg } from "../../scripts/gameday/report";
import { GamedayOptions, runGameday } from "../../scripts/gameday/run";
import { SimPair, SimOptions, VirtualClock } from "../../scripts/gameday/sim";

const T = { detectionS: 90, holdoffS: 180, functionS: 8, recoveryS: 210, dnsS: 60 };
const OPTS: GamedayOptions = { scenario: "primary-down", timeoutS: 1800, pollS: 10, holdoffS: 180, expectedTotalS: 548, afterRestoreS: 120 };

async function game(o: Partial<GamedayOptions> = {}, sim: SimOptions = {}) {
    const clock = new VirtualClock();
    const pair = new SimPair(clock, T, sim);
    const report = await runGameday(pair, pair, clock, { ...OPTS, ...o });
    return { report, pair };
}

describe("gameday (simulated pair, virtual clock)", () => {
    it("primary-down: every phase reached, invariants hold, primary restored, report with table and SVG", async () => {
        const { report, pair } = await game();
        assert.strictEqual(report.verdict, "pass", report.reason);
        assert.ok(report.phases.every(p => p.atS !== null));
        assert.deepStrictEqual(report.invariants.map(i => [i.name, i.ok]), [["exactly-one-scale", true], ["lock-applied", true], ["no-traffic-back", true]]);
        assert.deepStrictEqual(pair.calls, ["take", "restore"]);
        assert.deepStrictEqual(pair.parentRefs, [{ name: "logscale", sectionName: "https" }]);
        assert.match(report.next, /failback is next/);
        const md = renderMarkdown(report, "gameday.svg");
        assert.match(md, /\| Phase \| Reached at/);
        assert.match(md, /\| LogScale ready \| \d+ \|/);
        assert.match(renderSvg(report), /^<svg[\s\S]*expected 548s[\s\S]*<\/svg>\n$/);
    });

    it("transient: down for less than the holdoff, no failover, restored", async () => {
        const { report, pair } = await game({ scenario: "transient" });
        assert.strictEqual(report.verdict, "pass", report.reason);
        assert.strictEqual(report.phases.find(p => p.key === "operatorUp")!.atS, null);
        assert.ok(report.restored && pair.calls[pair.calls.length - 1] === "restore");
    });

    it("a function that never acts: timeout, a clear verdict, primary restored", async () => {
        const { report, pair } = await game({ timeoutS: 900 }, { functionNeverActs: true });
        assert.strictEqual(report.verdict, "fail");
        assert.match(report.reason, /timed out after 900s waiting for: function decided failed-over/);
        assert.ok(report.restored);
        assert.deepStrictEqual(pair.calls, ["take", "restore"]);
    });

    it("traffic back to the primary after its restore fails the no-traffic-back invariant", async () => {
        const { report } = await game({}, { failsBack: true });
        assert.strictEqual(report.verdict, "fail");
    });

    it("an interrupt restores the primary", async () => {
        const ac = new AbortController();
        const clock = new VirtualClock();
        const pair = new SimPair(clock, T);
        const p = runGameday(pair, pair, clock, { ...OPTS, signal: ac.signal, progress: l => { if (/ 100s elapsed/.test(l)) ac.abort(); } });
        const report = await p;
        assert.strictEqual(report.verdict, "fail");
        assert.match(report.reason, /interrupted after \d+s; primary restored/);
        assert.ok(report.restored);
        assert.deepStrictEqual(pair.calls, ["take", "restore"]);
    });

    it("a failed restore fails the gameday and says what to put back", async () => {
        const { report } = await game({}, { restoreFails: true });
        assert.strictEqual(report.verdict, "fail");
        assert.match(report.reason, /put back by hand: \[\{"name":"logscale"/);
    });
});

describe("npm run gameday flags", () => {
    const DIR = path.resolve(__dirname, "..", "..");
    const run = async (argv: string[]) => { let out = ""; let err = ""; const code = await main(argv, { dir: DIR, stdout: s => { out += s; }, stderr: s => { err += s; } }); return { code, out, err }; };

    it("refuses without the primary's name in --confirm, exit 2, before anything runs", async () => {
        for (const confirm of [[], ["--confirm", "prod"]]) {
            const r = await run(["--stack", "secondary", "--scenario", "primary-down", ...confirm, "--simulate"]);
            assert.strictEqual(r.code, 2);
            assert.match(r.err.split("\n")[0], /refusing: --confirm must be the primary's stack name "primary"/);
            assert.strictEqual(r.out, "");
        }
    });

    it("--help exits 0; an unknown flag exits 2; a simulated run passes", async () => {
        assert.strictEqual((await run(["--help"])).code, 0);
        const u = await run(["--bogus"]);
        assert.strictEqual(u.code, 2);
        assert.match(u.err, /^unknown argument "--bogus"\nusage:/);
        const ok = await run(["--stack", "secondary", "--scenario", "primary-down", "--confirm", "primary", "--simulate", "--json"]);
        assert.strictEqual(ok.code, 0, ok.err);
        assert.strictEqual(JSON.parse(ok.out).verdict, "pass");
    });
});
