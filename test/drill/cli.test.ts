import * as assert from "assert";
import * as path from "path";
import { main, parseArgs } from "../../scripts/drill/cli";

const ROOT = path.resolve(__dirname, "..", "..");

async function drill(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, ROOT, { out: t => out.push(t), err: t => err.push(t) });
    return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("npm run drill (scripts/drill/cli)", () => {
    it("--json prints the contract object for the stack's own settings (Pulumi.secondary.yaml)", async () => {
        const r = await drill("--cloud", "aws", "--json");
        assert.strictEqual(r.code, 0, r.err);
        const json = JSON.parse(r.out) as Record<string, unknown>;
        assert.strictEqual(json.cloud, "aws");
        assert.strictEqual(json.scenario, "region-outage");
        assert.strictEqual(json.failedOver, true);
        assert.deepStrictEqual(Object.keys(json.timeline as object), ["detectionS", "holdoffS", "functionS", "recoveryS", "dnsS", "totalS"]);
        assert.ok(Object.values(json.invariants as Record<string, boolean>).every(v => v === true));
    });

    it("--set changes the drill's settings through the config loader; bad values are the loader's one-line error, exit 2", async () => {
        const fast = await drill("--cloud", "azure", "--set", "preFailoverFailureSeconds=0", "--json");
        assert.strictEqual(fast.code, 0, fast.err);
        assert.strictEqual((JSON.parse(fast.out) as { timeline: { holdoffS: number } }).timeline.holdoffS, 0);
        const bad = await drill("--cloud", "aws", "--set", "healthCheckIntervalSeconds=20");
        assert.strictEqual(bad.code, 2);
        assert.match(bad.err, /logscale-dr:healthCheckIntervalSeconds.*allowed values on aws are 10, 30/);
        assert.strictEqual(bad.out, "");
    });

    it("prints the timing summary and the invariants as text", async () => {
        const r = await drill("--cloud", "oci", "--scenario", "short-outage");
        assert.strictEqual(r.code, 0, r.err);
        assert.match(r.out, /Failover Timing Summary/);
        assert.match(r.out, /ok {4}noFailover: operator stayed at 0/);
        assert.match(r.out, /Result: OK: no failover, as expected/);
    });

    it("rejects a scenario the settings cannot exercise, an unknown scenario or cloud, with exit 2", async () => {
        assert.strictEqual((await drill("--cloud", "aws", "--scenario", "flapping", "--set", "preFailoverFailureSeconds=0")).code, 2);
        assert.throws(() => parseArgs(["--cloud", "gcp"]), /--cloud gcp is not a cloud; allowed: aws, azure, oci/);
        assert.throws(() => parseArgs(["--cloud", "aws", "--scenario", "meteor"]), /allowed: region-outage, short-outage/);
        assert.throws(() => parseArgs([]), /--cloud is required/);
    });
});
