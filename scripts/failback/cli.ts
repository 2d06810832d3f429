// `npm run failback`: argument parsing, the plan, the confirmation gate and
// the run. Exit codes: 0 done (or plan printed), 1 stopped at a step,
// 2 invalid input or refused, 130 interrupted.

import * as path from "path";
import { isConfigError } from "../../config/errors";
import { PlanFailure } from "../plan/planner";
import { PlanInputError } from "../plan/stackfile";
import { FailbackPlan, offlinePlan, renderPlan } from "./plan";
import { Clock, FailbackWorld, realClock } from "./ports";
import { runFailback } from "./runner";
import { loadState, statePath } from "./state";

export const USAGE = [
    "usage: npm run failback -- --pair <primary>,<secondary> [--set <key>=<value> ...] [--from-step N] [--dry-run [--offline]] [--json] [--confirm <primary stack>]",
    "  --pair        the primary and secondary stack names",
    "  --set         config override applied to both stacks, as in npm run plan (e.g. --set cloud=azure)",
    "  --from-step   resume at step N (1-15); earlier steps count as done",
    "  --dry-run     print the plan and stop; with --offline, build it from the offline plans",
    "  --json        print the plan as one JSON object",
    "  --confirm     the primary stack name; required before step 6 (the first deletion)",
    "example: npm run -s failback -- --pair primary,secondary --set cloud=azure --dry-run --offline --json",
].join("\n");

export interface FailbackArgs {
    pair?: [string, string];
    set: string[];
    fromStep: number;
    dryRun: boolean;
    offline: boolean;
    json: boolean;
    confirm?: string;
    help: boolean;
}

export function parseArgs(argv: readonly string[]): FailbackArgs {
    const a: FailbackArgs = { set: [], fromStep: 1, dryRun: false, offline: false, json: false, help: false };
    const usage1 = USAGE.split("\n")[0];
    for (let i = 0; i < argv.length; i++) {
        const eq = argv[i].startsWith("--") ? argv[i].indexOf("=") : -1;
        const [flag, inlineValue] = eq > 0 ? [argv[i].slice(0, eq), argv[i].slice(eq + 1)] : [argv[i], undefined];
        const take = (): string => {
            const v = inlineValue ?? argv[++i];
            if (v === undefined || (inlineValue === undefined && v.startsWith("--"))) throw new PlanInputError(`${flag} needs a value; ${usage1}`);
            return v;
        };
        switch (flag) {
            case "--pair": {
                const v = take();
                const parts = v.split(",").map(s => s.trim().split("/").pop()!);
                if (parts.length !== 2 || !parts[0] || !parts[1] || parts[0] === parts[1]) throw new PlanInputError(`invalid --pair "${v}": expected <primary>,<secondary>, two different stack names`);
                a.pair = [parts[0], parts[1]];
                break;
            }
            case "--set": a.set.push(take()); break;
            case "--from-step": {
                const v = take();
                if (!/^\d+$/.test(v) || +v < 1 || +v > 15) throw new PlanInputError(`invalid --from-step "${v}": allowed 1 to 15`);
                a.fromStep = +v;
                break;
            }
            case "--dry-run": a.dryRun = true; break;
            case "--offline": a.offline = true; break;
            case "--json": a.json = true; break;
            case "--confirm": a.confirm = take(); break;
            case "--help": case "-h": a.help = true; break;
            default: throw new PlanInputError(`unknown argument "${argv[i]}"\n${USAGE}`);
        }
    }
    if (a.help) return a;
    if (!a.pair) throw new PlanInputError(`--pair is required; ${usage1}`);
    if (a.offline && !a.dryRun) throw new PlanInputError("--offline builds the plan from offline plans and needs --dry-run; nothing can run against them");
    return a;
}

export interface FailbackIo {
    dir?: string;
    stdout?: (s: string) => void;
    stderr?: (s: string) => void;
    /** The plan when not --offline; default: both stacks' outputs through the Automation API (./live.ts). */
    livePlan?: (args: FailbackArgs) => Promise<FailbackPlan>;
    /** The world a real run acts on; default: the live AWS or OCI world (Azure stops with exit 2). */
    world?: (plan: FailbackPlan) => Promise<FailbackWorld>;
    clock?: Clock;
    pollMs?: number;
    interrupted?: () => boolean;
}

export async function main(argv: readonly string[], io: FailbackIo = {}): Promise<number> {
    const out = io.stdout ?? (s => process.stdout.write(s));
    const err = io.stderr ?? (s => process.stderr.write(s));
    const dir = io.dir ?? path.join(__dirname, "..", "..");
    let scrub = (s: string) => s;
    try {
        const args = parseArgs(argv);
        if (args.help) {
            out(`${USAGE}\n`);
            return 0;
        }
        const [primary, secondary] = args.pair!;
        // Checked before reading anything: a real run without the confirmation must not touch a stack.
        if (!args.dryRun && args.confirm === undefined) {
            err(`refusing to run without --confirm ${primary} (step 6 deletes data); add it, or pass --dry-run to see the plan\n`);
            return 2;
        }
        if (!args.dryRun && args.confirm !== primary) {
            err(`--confirm "${args.confirm}" is not the primary stack name; allowed: --confirm ${primary}\n`);
            return 2;
        }
        let plan: FailbackPlan;
        // Loaded only for live runs: --offline never needs the Automation API or the SDK clients.
        const live = args.offline ? undefined : await import("./live");
        const stacks = live?.automationStacks(dir, l => err(`${scrub(l)}\n`));
        if (args.offline) {
            const o = await offlinePlan(dir, primary, secondary, args.set);
            plan = o.plan;
            scrub = o.scrub;
        } else {
            plan = await (io.livePlan ?? (a => live!.livePlan(a, stacks!)))(args);
        }
        out(scrub(args.json ? `${JSON.stringify(plan, null, 2)}\n` : renderPlan(plan)));
        if (args.dryRun) return 0;
        const world = await (io.world ?? (p => live!.liveWorld(p, stacks!)))(plan);
        const file = statePath(dir, plan.pair);
        const result = await runFailback({
            world, clock: io.clock ?? realClock, state: loadState(file, plan.pair), stateFile: file,
            fromStep: args.fromStep, primaryStack: primary, secondaryStack: secondary, confirm: args.confirm,
            pollMs: io.pollMs, interrupted: io.interrupted, log: l => err(`${scrub(l)}\n`),
        });
        if (result.message) (result.code === 0 ? out : err)(`${scrub(result.message)}\n`);
        return result.code;
    } catch (e) {
        if (e instanceof PlanFailure) { err(`${scrub(e.message)}\n`); return e.exitCode; }
        if (e instanceof PlanInputError || isConfigError(e)) { err(`${scrub(e.message)}\n`); return 2; }
        err(`${scrub(e instanceof Error ? e.message : String(e))}\n`);
        return 1;
    }
}
