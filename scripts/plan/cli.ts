// `npm run plan`: argument parsing and the three modes (plan, --diff,
// --compare). Everything printed passes through the planner's secret scrub.

import * as fs from "fs";
import { isConfigError } from "../../config/errors";
import { isPromotionRoutingWarning } from "../../components/dr/promotion";
import { diffPlans, DiffPlan, diffToJson, planFromJson, valuesEqual } from "./diff";
import { Plan, planToJson } from "./model";
import { PlanFailure, Planner, Program, Validate } from "./planner";
import { renderPlan } from "./render";
import { renderDiff } from "./render-diff";
import { inline } from "./format";
import { Override, parseAssignment, PlanInputError } from "./stackfile";

export const USAGE = [
    "usage: npm run plan -- --stack <stack> [--set <key>=<value> ...] [--json]",
    "       npm run plan -- --stack <stack> [--set <key>=<value> ...] --diff <key>=<value> [--diff ...] [--json]",
    "       npm run plan -- --compare <base.json> <head.json> [--json]",
].join("\n");

/** What --help prints: usage, each flag with its meaning, an example. */
export const HELP = `${USAGE}

Plans a stack offline under Pulumi's mock engine (no Pulumi CLI, no credentials) and prints what it declares.

  --stack, -s <stack>      stack to plan (Pulumi.<stack>.yaml; org/project/stack is accepted)
  --set <key>=<value>      override a config value for this run (repeatable; project or provider keys)
  --diff <key>=<value>     print what changing this config value would change (repeatable)
  --compare <base> <head>  print the changes between two plans saved with --json
  --json                   print one JSON object instead of text (use npm run -s when redirecting)
  --help, -h               print this help and exit

Exit codes: 0 ok, 1 program error, 2 invalid arguments or config.

Example:
  npm run -s plan -- --stack secondary --set cloud=azure --diff dr=active`;

export interface CliArgs {
    stack?: string;
    set: string[];
    diff: string[];
    compare?: [string, string];
    json: boolean;
    help: boolean;
}

export function parseArgs(argv: readonly string[]): CliArgs {
    const args: CliArgs = { set: [], diff: [], json: false, help: false };
    const value = (i: number, flag: string): string => {
        const v = argv[i + 1];
        if (v === undefined || v.startsWith("--")) throw new PlanInputError(`${flag} needs a value`);
        return v;
    };
    for (let i = 0; i < argv.length; i++) {
        // --flag=value as well as --flag value.
        const eq = argv[i].startsWith("--") ? argv[i].indexOf("=") : -1;
        const [flag, inlineValue] = eq > 0 ? [argv[i].slice(0, eq), argv[i].slice(eq + 1)] : [argv[i], undefined];
        const take = (): string => inlineValue ?? value(i++, flag);
        switch (flag) {
            // A fully qualified name (org/project/stack) names the same Pulumi.<stack>.yaml.
            case "--stack": case "-s": args.stack = take().split("/").pop(); break;
            case "--set": args.set.push(take()); break;
            case "--diff": args.diff.push(take()); break;
            case "--json": args.json = true; break;
            case "--help": case "-h": args.help = true; break;
            case "--compare": {
                const base = value(i, flag);
                const head = value(i + 1, flag);
                args.compare = [base, head];
                i += 2;
                break;
            }
            default:
                throw new PlanInputError(`unknown argument "${argv[i]}"; ${USAGE.split("\n")[0]}`);
        }
    }
    if (args.help) return args;
    if (args.compare) {
        if (args.stack || args.set.length || args.diff.length) throw new PlanInputError("--compare takes two saved plans and no --stack, --set or --diff");
    } else if (!args.stack) {
        throw new PlanInputError(`--stack is required; ${USAGE.split("\n")[0]}`);
    }
    return args;
}

export interface CliIo {
    /** Project folder; default: the folder above scripts/. */
    dir?: string;
    program?: Program;
    validate?: Validate;
    stdout?: (s: string) => void;
    stderr?: (s: string) => void;
}

/** Runs the command and returns its exit code: 0 ok, 2 invalid input (one line on stderr), 1 program error. */
export async function main(argv: readonly string[], io: CliIo = {}): Promise<number> {
    const out = io.stdout ?? (s => process.stdout.write(s));
    const err = io.stderr ?? (s => process.stderr.write(s));
    let planner: Planner | undefined;
    const scrub = (s: string) => (planner ? planner.scrub(s) : s);
    try {
        const args = parseArgs(argv);
        if (args.help) {
            out(`${HELP}\n`);
            return 0;
        }
        if (args.compare) {
            out(compare(args.compare[0], args.compare[1], args.json));
            return 0;
        }
        planner = new Planner(io.dir ?? `${__dirname}/../..`, io.program, io.validate);
        const p = planner.projectName;
        const sets = args.set.map(s => parseAssignment(s, p, "--set"));
        if (args.diff.length === 0) {
            const plan = await planner.plan(args.stack!, sets);
            out(scrub(args.json ? `${JSON.stringify(planToJson(plan), null, 2)}\n` : renderPlan(plan)));
            return 0;
        }
        const diffs = args.diff.map(s => parseAssignment(s, p, "--diff"));
        // Both configs are checked before anything is planned, so a bad --diff value fails in a second.
        await planner.check(args.stack!, sets);
        await planner.check(args.stack!, [...sets, ...diffs]);
        const before = await planner.plan(args.stack!, sets);
        const after = await planner.plan(args.stack!, [...sets, ...diffs]);
        out(scrub(renderConfigDiff(before, after, diffs, args.json)));
        return 0;
    } catch (e) {
        if (e instanceof PlanFailure) {
            err(`${scrub(e.message)}\n`);
            return e.exitCode;
        }
        if (e instanceof PlanInputError || isConfigError(e)) {
            err(`${scrub(e.message)}\n`);
            return 2;
        }
        err(`${scrub(e instanceof Error ? e.message : String(e))}\n`);
        return 1;
    }
}

function renderConfigDiff(before: Plan, after: Plan, diffs: Override[], json: boolean): string {
    const diff = diffPlans(before, after);
    const config = diffs.map(d => ({ key: d.key, old: before.config[d.key], new: after.config[d.key] }))
        .filter(c => !valuesEqual(c.old, c.new));
    const warnings = diffWarnings(before, after);
    if (json) return `${JSON.stringify({ ...diffToJson(diff), config, warnings }, null, 2)}\n`;
    const header = [
        `Offline diff of stack "${after.stack}" (project ${after.project}, cloud ${after.cloud}): what changes if`,
        ...(config.length ? config.map(c => `    ${c.key}: ${inline(c.old)} => ${inline(c.new)}`) : ["    (the --diff values are what the stack already has)"]),
        ...after.peers.map(pe => `StackReference ${pe.key.split(":").pop()} "${pe.reference}": resolved by planning stack "${pe.stack}" offline`),
    ];
    return renderDiff(diff, before, after, header, warnings);
}

/**
 * What a --diff warns about: the promotion check, then the program's warnings
 * that the new config brings. When the promotion check fires, the program's
 * own promotion warning (components/dr/promotion.ts) says the same thing and
 * is left out.
 */
export function diffWarnings(before: Plan, after: Plan): string[] {
    const promotion = promotionWarnings(before, after);
    const program = after.warnings
        .filter(w => !before.warnings.includes(w))
        .filter(w => promotion.length === 0 || !isPromotionRoutingWarning(w));
    return [...promotion, ...program];
}

/**
 * Promotion is two flips (seed 000, Stage 3): dr active with the generic
 * selector first, pool selectors once the pools exist. Doing both at once
 * points the Services at pools that are only being created: 503s.
 */
export function promotionWarnings(before: Plan, after: Plan): string[] {
    const key = `${after.project}:drUseDedicatedRouting`;
    const routing = after.config[key] === undefined ? "true" : after.config[key];
    if (before.dr === "standby" && after.dr === "active" && routing === "true") {
        return [`dr standby -> active together with drUseDedicatedRouting true: the ingest/UI Services switch to pool selectors before those pools exist (503s until they are up). `
            + `Promote in two phases: dr=active with drUseDedicatedRouting=false, then drUseDedicatedRouting=true once the pools are ready.`];
    }
    return [];
}

function compare(basePath: string, headPath: string, json: boolean): string {
    const base = readPlanFile(basePath);
    const head = readPlanFile(headPath);
    if (base.stack !== head.stack) {
        throw new PlanInputError(`--compare needs two plans of the same stack: ${basePath} is "${base.stack}", ${headPath} is "${head.stack}"`);
    }
    const diff = diffPlans(base, head);
    if (json) return `${JSON.stringify(diffToJson(diff), null, 2)}\n`;
    return renderDiff(diff, base, head, [`Offline compare of stack "${head.stack}": ${basePath} => ${headPath}`]);
}

function readPlanFile(file: string): DiffPlan {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new PlanInputError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    let doc: unknown;
    try {
        doc = JSON.parse(text);
    } catch (e) {
        throw new PlanInputError(`${file} is not JSON: ${(e as Error).message}`);
    }
    try {
        return planFromJson(doc, file);
    } catch (e) {
        throw new PlanInputError((e as Error).message);
    }
}
