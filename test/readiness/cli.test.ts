import * as assert from "assert";
import { SOFTWARE_PINS } from "../../config/support";
import * as path from "path";
import { main } from "../../scripts/readiness/cli";

const DIR = path.resolve(__dirname, "..", "..");

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const code = await main(argv, { dir: DIR, stdout: s => { out += s; }, stderr: s => { err += s; } });
    return { code, out, err };
}

describe("npm run readiness --offline (example pair)", function () {
    this.timeout(180_000);

    it("passes over the example pair", async () => {
        const r = await run(["--stack", "secondary", "--offline", "--json"]);
        assert.strictEqual(r.code, 0, r.err + r.out);
        const doc = JSON.parse(r.out) as { checks: Array<{ name: string; verdict: string; reason: string }> };
        assert.deepStrictEqual(doc.checks.map(c => c.name),
            ["logscale-version", "humio-operator-version", "strimzi-version", "kafka-version", "encryption-key", "recover-from"]);
        assert.ok(doc.checks.every(c => c.verdict === "pass"), r.out);
        // The digest, never the key: the plan's secret must not appear anywhere.
        assert.ok(!/\[secret\]/.test(r.out) && /sha256 [0-9a-f]{12}/.test(r.out));
    });

    it("fails when the secondary's logscaleVersion differs, naming both versions", async () => {
        const r = await run(["--stack", "secondary", "--offline", "--set-secondary", "logscaleVersion=1.236.0"]);
        assert.strictEqual(r.code, 1, r.err);
        const line = r.out.split("\n").find(l => l.startsWith("logscale-version"))!;
        assert.match(line, /FAIL/);
        assert.ok(line.includes(SOFTWARE_PINS.logscale.version) && line.includes("1.236.0"), line);
        assert.match(r.out, /NOT ready: 1 of 6 checks fail/);
    });

    it("--help exits 0 with usage; an unknown flag exits 2 with one line and the usage", async () => {
        const h = await run(["--help"]);
        assert.strictEqual(h.code, 0);
        assert.match(h.out, /^usage: npm run readiness/);
        assert.match(h.out, /example: /);
        const u = await run(["--stack", "secondary", "--offline", "--nope"]);
        assert.strictEqual(u.code, 2);
        assert.match(u.err.split("\n")[0], /unknown argument "--nope"/);
        assert.match(u.err, /usage: npm run readiness/);
    });

    it("a bad override key exits 2 before planning", async () => {
        const r = await run(["--stack", "secondary", "--offline", "--set-secondary", "noSuchKey=1"]);
        assert.strictEqual(r.code, 2, r.out + r.err);
    });
});
