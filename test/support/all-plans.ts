// The 9 plans every upstream-schema test checks (3 clouds × primary, secondary
// and the promoted secondary), planned once per mocha process and shared.
import * as path from "path";
import { planToJson } from "../../scripts/plan/model";
import { Planner } from "../../scripts/plan/planner";
import { parseAssignment } from "../../scripts/plan/stackfile";

const ROOT = path.resolve(__dirname, "../..");

export type JsonPlan = ReturnType<typeof planToJson>;

export interface PlannedStack {
    cloud: "aws" | "azure" | "oci";
    /** "primary", "secondary (standby)" or "promoted secondary". */
    title: string;
    plan: JsonPlan;
}

export const PLAN_STACKS: { title: string; stack: string; set: string[] }[] = [
    { title: "primary", stack: "primary", set: [] },
    { title: "secondary (standby)", stack: "secondary", set: [] },
    { title: "promoted secondary", stack: "secondary", set: ["dr=active", "drUseDedicatedRouting=true"] },
];

let cached: Promise<PlannedStack[]> | undefined;

/** Each plan as `npm run plan -- --json` prints it (secrets are "[secret]" strings). */
export function allPlans(): Promise<PlannedStack[]> {
    cached ??= (async () => {
        const planner = new Planner(ROOT);
        const out: PlannedStack[] = [];
        for (const cloud of ["aws", "azure", "oci"] as const) {
            for (const s of PLAN_STACKS) {
                const overrides = [`cloud=${cloud}`, ...s.set].map(a => parseAssignment(a, planner.projectName, "--set"));
                const plan = JSON.parse(JSON.stringify(planToJson(await planner.plan(s.stack, overrides)))) as JsonPlan;
                out.push({ cloud, title: s.title, plan });
            }
        }
        return out;
    })();
    return cached;
}
