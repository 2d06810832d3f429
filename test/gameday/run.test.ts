import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
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
        assert.strictEqual(report.measuredTotalS, Math.max(...report.phases.map(p => p.atS!)), "measured to the last phase reached, not the last listed");
        assert.strictEqual(report.measuredTotalS, report.phases.find(p => p.key === "dnsToSecondary")!.atS);
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

    it("refusal with --report writes nothing: the gate is before any outage or report", async () => {
        const dir = path.join(os.tmpdir(), `gameday-refused-${process.pid}`);
        const r = await run(["--stack", "secondary", "--scenario", "primary-down", "--confirm", "secondary", "--simulate", "--report", dir]);
        assert.strictEqual(r.code, 2);
        assert.ok(!fs.existsSync(dir));
    });

    it("primary-down end to end through the command: gameday.json, gameday.md with the phase table, gameday.svg", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gameday-report-"));
        try {
            const r = await run(["--stack", "secondary", "--scenario", "primary-down", "--confirm", "primary", "--simulate", "--report", dir]);
            assert.strictEqual(r.code, 0, r.err);
            assert.match(r.out, /^gameday primary-down: PASS — failed over in \d+s \(expected \d+s\)\n/);
            assert.match(r.out, /primary restored: yes; next: the pair stays failed over: failback is next/);
            assert.match(r.err, /\[gameday primary-down\] (waiting: .+|all phases reached) — \d+s elapsed/, "a progress line with the phase and the elapsed time");
            const doc = JSON.parse(fs.readFileSync(path.join(dir, "gameday.json"), "utf8")) as { verdict: string; phases: Array<{ atS: number | null }>; restored: boolean };
            assert.strictEqual(doc.verdict, "pass");
            assert.ok(doc.restored && doc.phases.every(p => p.atS !== null));
            const md = fs.readFileSync(path.join(dir, "gameday.md"), "utf8");
            assert.match(md, /\| DNS locked \| \d+ \|/);
            assert.match(md, /!\[timeline\]\(gameday\.svg\)/);
            assert.match(fs.readFileSync(path.join(dir, "gameday.svg"), "utf8"), /^<svg [\s\S]*global hostname resolves to the secondary[\s\S]*<\/svg>\n$/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("transient through the command: no failover, exit 0", async () => {
        const r = await run(["--stack", "secondary", "--scenario", "transient", "--confirm", "primary", "--simulate", "--json"]);
        assert.strictEqual(r.code, 0, r.err);
        const doc = JSON.parse(r.out) as { verdict: string; reason: string; invariants: Array<{ name: string; ok: boolean }> };
        assert.match(doc.reason, /no failover, as expected/);
        assert.deepStrictEqual(doc.invariants, [{ name: "exactly-one-scale", ok: true, detail: "0 operator scale-up(s), expected 0" }]);
    });

    it("SIGINT during the run: the command's handler stops it, the primary is restored, exit 1, the handler removed", async () => {
        const before = process.listeners("SIGINT");
        let out = "";
        let err = "";
        let sent = false;
        const code = await main(["--stack", "secondary", "--scenario", "primary-down", "--confirm", "primary", "--simulate"], {
            dir: DIR,
            stdout: s => { out += s; },
            stderr: s => {
                err += s;
                // The signal as node delivers it to the command's listener; other listeners (mocha's) are left alone.
                // Progress here is a line per phase (stderr is not a terminal): interrupt once the function is awaited.
                if (!sent && /waiting: function decided/.test(s)) {
                    sent = true;
                    for (const l of process.listeners("SIGINT").filter(x => !before.includes(x))) (l as () => void)();
                }
            },
        });
        assert.ok(sent, err);
        assert.strictEqual(code, 1);
        assert.match(out, /^gameday primary-down: FAIL — interrupted after (9\d|1\d\d)s; primary restored\n/);
        assert.match(out, /primary restored: yes/);
        assert.deepStrictEqual(process.listeners("SIGINT"), before);
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
