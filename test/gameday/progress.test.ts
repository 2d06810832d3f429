import { strict as assert } from "assert";
import { progressLine } from "../../scripts/gameday/cli";

describe("gameday progress line", () => {
    const lines = ["[gameday t] waiting: alarm firing — 10s elapsed", "[gameday t] waiting: alarm firing — 20s elapsed", "[gameday t] waiting: LogScale ready — 30s elapsed"];

    it("in a log (not a TTY): one line per phase change, newline-terminated", () => {
        const out: string[] = [];
        const p = progressLine(s => out.push(s), false);
        lines.forEach(p);
        assert.deepEqual(out, [`${lines[0]}\n`, `${lines[2]}\n`]);
    });

    it("on a terminal: every update rewrites the one line in place", () => {
        const out: string[] = [];
        const p = progressLine(s => out.push(s), true);
        lines.forEach(p);
        assert.deepEqual(out, lines.map(l => `\r\x1b[K${l}`));
    });
});
