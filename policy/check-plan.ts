// Runs the pack's rules over offline plans, for PRs without credentials:
//   npm run plan -- --stack primary --json > primary.json
//   node -r ts-node/register/transpile-only policy/check-plan.ts primary.json [more.json ...]
// Prints one line per violation and exits 1 when there is any, 2 when a file
// is not a plan. Secrets in a saved plan are "[secret]", so a secret in a
// plain env `value` still shows up as a violation.

import * as fs from "fs";
import { evaluateStack, Finding, Props, StackResource } from "./rules";

interface PlanFile {
    stack: string;
    resources: Array<{ type: string; name: string; urn?: string; inputs?: unknown; dependsOn?: unknown }>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Validates the shape of a `--json` plan; throws naming the file and what is missing. */
export function readPlan(doc: unknown, label: string): PlanFile {
    const fail = (why: string): never => { throw new Error(`${label} is not a plan saved with \`npm run plan -- --stack <stack> --json\`: ${why}`); };
    if (!isRecord(doc)) return fail("expected a JSON object");
    if (typeof doc.stack !== "string") return fail("no \"stack\"");
    if (!Array.isArray(doc.resources)) return fail("no \"resources\" list");
    doc.resources.forEach((r, i) => {
        if (!isRecord(r) || typeof r.type !== "string" || typeof r.name !== "string") fail(`resources[${i}] has no type and name`);
    });
    return doc as unknown as PlanFile;
}

export function planResources(plan: PlanFile): StackResource[] {
    return plan.resources.map(r => ({
        type: r.type,
        name: r.name,
        urn: r.urn ?? `${r.type}::${r.name}`,
        props: (isRecord(r.inputs) ? r.inputs : {}) as Props,
        dependsOn: Array.isArray(r.dependsOn) ? r.dependsOn.filter((d): d is string => typeof d === "string") : [],
    }));
}

export function checkPlan(plan: PlanFile): Finding[] {
    return evaluateStack(planResources(plan));
}

export function formatFinding(stack: string, f: Finding, resources: readonly StackResource[]): string {
    const r = resources.find(x => x.urn === f.urn);
    const where = r ? `${r.type} ${r.name}` : (f.urn ?? "stack");
    return `[${stack}] ${f.policy}: ${where}: ${f.message}`;
}

function main(files: string[]): number {
    if (files.length === 0) {
        console.error("usage: check-plan.ts <plan.json> [...]  (plans saved with `npm run plan -- --stack <stack> --json`)");
        return 2;
    }
    let violations = 0;
    for (const file of files) {
        let plan: PlanFile;
        try {
            plan = readPlan(JSON.parse(fs.readFileSync(file, "utf8")), file);
        } catch (e) {
            console.error((e as Error).message);
            return 2;
        }
        const resources = planResources(plan);
        const findings = evaluateStack(resources);
        violations += findings.length;
        for (const f of findings) console.log(formatFinding(plan.stack, f, resources));
        if (findings.length === 0) console.log(`[${plan.stack}] ${resources.length} resources, no policy violations`);
    }
    return violations > 0 ? 1 : 0;
}

if (require.main === module) {
    process.exitCode = main(process.argv.slice(2));
}
