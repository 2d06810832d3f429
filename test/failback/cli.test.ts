import { strict as assert } from "assert";
import { execFile } from "child_process";
import * as path from "path";

import { STEP_IDS } from "./harness";

const ROOT = path.join(__dirname, "..", "..");

// The script as `npm run failback` starts it, in a child process: exit codes and streams are the real ones.
function failback(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    return new Promise(resolve => {
        execFile(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/failback.ts", ...argv], { cwd: ROOT, timeout: 60_000 },
            (e, out, err) => resolve({ code: e ? (typeof e.code === "number" ? e.code : -1) : 0, out, err }));
    });
}

describe("npm run failback (child process)", function () {
    this.timeout(60_000);
    const alarms = { aws: "CloudWatch alarm", azure: "Azure Monitor alert rule", oci: "OCI Monitoring alarm" };

    for (const cloud of ["aws", "azure", "oci"] as const) {
        it(`--dry-run --offline --json --set cloud=${cloud}: one JSON object with the 15 step ids in order`, async () => {
            const r = await failback("--pair", "primary,secondary", "--set", `cloud=${cloud}`, "--dry-run", "--offline", "--json");
            assert.equal(r.code, 0, r.err);
            const plan = JSON.parse(r.out) as { cloud: string; pair: string; confirmBeforeStep: number; steps: { n: number; id: string; action: string; destructive: boolean; skipped?: string }[] };
            assert.equal(plan.cloud, cloud);
            assert.equal(plan.pair, "primary,secondary");
            assert.deepEqual(plan.steps.map(s => s.id), STEP_IDS);
            assert.deepEqual(plan.steps.map(s => s.n), STEP_IDS.map((_, i) => i + 1));
            assert.equal(plan.confirmBeforeStep, 6);
            assert.deepEqual(plan.steps.filter(s => s.destructive).map(s => s.id), ["delete-primary-snapshots", "reset-primary-kafka", "cold-start-primary", "clean-secondary"]);
            assert.deepEqual(plan.steps.filter(s => s.skipped), []);
            assert.equal(plan.steps[0].action, `disable the failover ${alarms[cloud]} on the secondary`);
        });
    }

    it("--dry-run --offline prints the plan as text, with the confirmation mark on step 6", async () => {
        const r = await failback("--pair", "primary,secondary", "--dry-run", "--offline");
        assert.equal(r.code, 0, r.err);
        const steps = r.out.split("\n").filter(l => /^\s?\d+\. /.test(l));
        assert.deepEqual(steps.map(l => l.trim().split(/\s+/)[1]), STEP_IDS);
        assert.match(steps[5], /\[needs --confirm primary\]$/);
        assert.match(r.out, /^Failback plan for pair primary,secondary on aws\n/);
    });

    it("without --dry-run and without --confirm: exit 2 and nothing on stdout", async () => {
        const r = await failback("--pair", "primary,secondary");
        assert.equal(r.code, 2);
        assert.equal(r.out, "");
        assert.match(r.err, /^refusing to run without --confirm primary/);
    });

    it("a pair whose stacks don't match: exit 2 naming the mismatch", async () => {
        const r = await failback("--pair", "secondary,primary", "--dry-run", "--offline");
        assert.equal(r.code, 2);
        assert.match(r.err, /--pair secondary,primary does not match: stack "primary" has primaryStack unset/);
    });
});
