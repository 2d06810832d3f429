// Runs the pack's rules over offline plans, for PRs without credentials:
//   npm run -s plan -- --stack primary --json > primary.json
//   node -r ts-node/register/transpile-only policy/check-plan.ts primary.json [more.json ...]
// Prints one line per violation and exits 1 when there is any, 2 when a file
// is not a plan. Secrets in a saved plan are "[secret]", so a secret in a
// plain env `value` still shows up as a violation.

import * as fs from "fs";
import { evaluateStack, Finding, Props, StackResource } from "./rules";

export const USAGE = `usage: node -r ts-node/register/transpile-only policy/check-plan.ts <plan.json> [<plan.json> ...]

Runs the policy pack's rules over plans saved with \`npm run -s plan -- --stack <stack> --json > <file>\`.
Prints one line per violation, labelled [<stack>, <cloud>]. Exit 0 no violation, 1 a violation, 2 bad input.

  <plan.json>   a saved offline plan (several: one per stack or cloud)
  --help, -h    print this help and exit

Example:
  npm run -s plan -- --stack secondary --set cloud=azure --json > secondary.json
  node -r ts-node/register/transpile-only policy/check-plan.ts secondary.json`;

interface PlanFile {
    stack: string;
    cloud?: string;
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

/** `<stack>, <cloud>`: plans of one stack name on different clouds get different labels. */
export function planLabel(plan: PlanFile): string {
    return typeof plan.cloud === "string" ? `${plan.stack}, ${plan.cloud}` : plan.stack;
}

/** Parses a saved plan's text; a file that is not JSON (npm's banner in front, say) gets one clear line. */
export function parsePlanText(text: string, label: string): PlanFile {
    let doc: unknown;
    try {
        doc = JSON.parse(text);
    } catch (e) {
        const banner = text.startsWith("> ") ? " (it starts with npm's banner: save plans with `npm run -s plan`)" : "";
        throw new Error(`${label} is not JSON${banner}: ${(e as Error).message}`);
    }
    return readPlan(doc, label);
}

export function formatFinding(stack: string, f: Finding, resources: readonly StackResource[]): string {
    const r = resources.find(x => x.urn === f.urn);
    const where = r ? `${r.type} ${r.name}` : (f.urn ?? "stack");
    return `[${stack}] ${f.policy}: ${where}: ${f.message}`;
}

export function main(args: string[], out = console.log, err = console.error): number {
    if (args.includes("--help") || args.includes("-h")) {
        out(USAGE);
        return 0;
    }
    const flag = args.find(a => a.startsWith("-"));
    if (flag !== undefined) {
        err(`check-plan: unknown flag "${flag}"; allowed: --help`);
        err(USAGE);
        return 2;
    }
    const files = args;
    if (files.length === 0) {
        err("check-plan: no plan file given");
        err(USAGE);
        return 2;
    }
    let violations = 0;
    for (const file of files) {
        let plan: PlanFile;
        try {
            plan = parsePlanText(fs.readFileSync(file, "utf8"), file);
        } catch (e) {
            err((e as Error).message);
            return 2;
        }
        const resources = planResources(plan);
        const findings = evaluateStack(resources);
        violations += findings.length;
        for (const f of findings) out(formatFinding(planLabel(plan), f, resources));
        if (findings.length === 0) out(`[${planLabel(plan)}] ${resources.length} resources, no policy violations`);
    }
    return violations > 0 ? 1 : 0;
}

if (require.main === module) {
    process.exitCode = main(process.argv.slice(2));
}
