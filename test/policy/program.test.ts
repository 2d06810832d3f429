// The program against its own mandatory pack: every `pulumi preview
// --policy-pack policy` in CI would fail if a stack broke a rule. Planned
// offline (scripts/plan) for the two configurations that carry the most
// DR-specific resources per cloud: the standby (failover function, its roles,
// *_RECOVER_FROM_*) and the primary cold-starting for a failback
// (reverse-recovery env merged into the active cluster's env).
import { strict as assert } from "assert";
import * as path from "path";
import { planToJson } from "../../scripts/plan/model";
import { Planner } from "../../scripts/plan/planner";
import { parseAssignment } from "../../scripts/plan/stackfile";
import { checkPlan, formatFinding, planResources, readPlan } from "../../policy/check-plan";

const ROOT = path.resolve(__dirname, "../..");

const CASES: { title: string; stack: string; set: string[] }[] = [
    { title: "standby secondary", stack: "secondary", set: [] },
    { title: "primary during a failback cold start", stack: "primary", set: ["secondaryStack=secondary", "recoverFrom=secondary"] },
];

for (const cloud of ["aws", "azure", "oci"]) {
    describe(`policy pack over the ${cloud} program`, function () {
        this.timeout(120_000);
        const planner = new Planner(ROOT);
        for (const c of CASES) {
            it(`${c.title} breaks no rule`, async () => {
                const overrides = [`cloud=${cloud}`, ...c.set].map(s => parseAssignment(s, planner.projectName, "--set"));
                const plan = readPlan(JSON.parse(JSON.stringify(planToJson(await planner.plan(c.stack, overrides)))), c.stack);
                const types = new Set(plan.resources.map(r => r.type));
                assert.ok([...types].some(t => t.endsWith(":HumioCluster")), "the plan has no HumioCluster to check");
                const findings = checkPlan(plan).map(f => formatFinding(plan.stack, f, planResources(plan)));
                assert.deepEqual(findings, []);
            });
        }
    });
}
