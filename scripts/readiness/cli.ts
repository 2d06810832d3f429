// `npm run readiness`: argument parsing, the offline mode over both stacks'
// offline plans, and the output (table or JSON). Exit 0 all pass, 1 any fail,
// 2 bad usage.

import * as path from "path";
import { isConfigError } from "../../config/errors";
import { PlanFailure, Planner, Program, Validate } from "../plan/planner";
import { parseAssignment, PlanInputError, readProject, readStackConfig } from "../plan/stackfile";
import { Check, exitCode, offlineChecks, renderTable } from "./checks";
import { LiveInput, liveReadiness, Skipped } from "./live";
import { viewFromPlan } from "./plan-view";
import { AutomationStacks, liveInput } from "./stacks";

export const USAGE = [
    "usage: npm run readiness -- --stack <secondary stack> [--offline [--set <key>=<value> ...] [--set-secondary <key>=<value> ...]] [--json]",
    "",
    "  --stack <name>              the standby stack of the pair; its primaryStack names the primary",
    "  (default)                   the live pair: stack outputs, both clusters and the cloud (AWS, Azure, OCI), and a probe Job on the standby",
    "  --offline                   check the offline plans of both stacks (version parity, encryption key, recover-from); no cloud",
    "  --set <key>=<value>         config override for both stacks, as in npm run plan",
    "  --set-secondary <key>=<v>   config override for the secondary stack alone",
    "  --json                      print {checks:[{name,verdict,reason}]} instead of a table",
    "  --help                      this text",
    "",
    "example: npm run -s readiness -- --stack secondary --offline --set-secondary logscaleVersion=1.236.0",
    "exit: 0 all checks pass, 1 any fails, 2 bad usage",
].join("\n");

export interface ReadinessArgs {
    stack?: string;
    offline: boolean;
    set: string[];
    setSecondary: string[];
    json: boolean;
    help: boolean;
}

export function parseArgs(argv: readonly string[]): ReadinessArgs {
    const a: ReadinessArgs = { offline: false, set: [], setSecondary: [], json: false, help: false };
    for (let i = 0; i < argv.length; i++) {
        const eq = argv[i].startsWith("--") ? argv[i].indexOf("=") : -1;
        const [flag, inline] = eq > 0 ? [argv[i].slice(0, eq), argv[i].slice(eq + 1)] : [argv[i], undefined];
        const take = (): string => {
            if (inline !== undefined) return inline;
            const v = argv[i + 1];
            if (v === undefined || v.startsWith("--")) throw new PlanInputError(`${flag} needs a value`);
            i++;
            return v;
        };
        switch (flag) {
            case "--stack": case "-s": a.stack = take().split("/").pop(); break;
            case "--offline": a.offline = true; break;
            case "--set": a.set.push(take()); break;
            case "--set-secondary": a.setSecondary.push(take()); break;
            case "--json": a.json = true; break;
            case "--help": case "-h": a.help = true; break;
            default: throw new PlanInputError(`unknown argument "${argv[i]}"; allowed: --stack, --offline, --set, --set-secondary, --json, --help`);
        }
    }
    if (a.help) return a;
    if (!a.stack) throw new PlanInputError("--stack is required (the standby stack of the pair)");
    if (!a.offline && (a.set.length || a.setSecondary.length)) {
        throw new PlanInputError("--set and --set-secondary change the offline plans and need --offline; the live pair is read as deployed");
    }
    return a;
}

export interface Io {
    dir?: string;
    program?: Program;
    validate?: Validate;
    stdout?: (s: string) => void;
    stderr?: (s: string) => void;
    /** What the live mode reads and acts on; default: the Automation API, kubeconfigs and the cloud's adapter (./clouds.ts). */
    live?: (primaryStack: string, secondaryStack: string) => Promise<LiveInput>;
}

/** Plans both stacks and runs the offline checks. */
export async function offlineReadiness(planner: Planner, secondary: string, set: readonly string[], setSecondary: readonly string[]): Promise<Check[]> {
    const p = planner.projectName;
    const both = set.map(s => parseAssignment(s, p, "--set"));
    const only = setSecondary.map(s => parseAssignment(s, p, "--set-secondary"));
    const sPlan = await planner.plan(secondary, [...both, ...only]);
    const peer = sPlan.peers.find(x => x.key === `${p}:primaryStack`) ?? sPlan.peers[0];
    if (!peer) throw new PlanInputError(`stack "${secondary}" names no primaryStack: readiness runs on the standby stack of a pair`);
    const pPlan = await planner.plan(peer.stack, both);
    return offlineChecks(viewFromPlan(pPlan), viewFromPlan(sPlan));
}

export async function main(argv: readonly string[], io: Io = {}): Promise<number> {
    const out = io.stdout ?? (s => process.stdout.write(s));
    const err = io.stderr ?? (s => process.stderr.write(s));
    let planner: Planner | undefined;
    const scrub = (s: string) => (planner ? planner.scrub(s) : s);
    try {
        let args: ReadinessArgs;
        try {
            args = parseArgs(argv);
        } catch (e) {
            err(`${(e as Error).message}\n${USAGE}\n`);
            return 2;
        }
        if (args.help) {
            out(`${USAGE}\n`);
            return 0;
        }
        planner = new Planner(io.dir ?? path.resolve(__dirname, "..", ".."), io.program, io.validate);
        if (args.offline) {
            const checks = await offlineReadiness(planner, args.stack!, args.set, args.setSecondary);
            out(scrub(args.json ? `${JSON.stringify({ mode: "offline", checks }, null, 2)}\n` : renderTable(checks)));
            return exitCode(checks);
        }
        const project = readProject(planner.dir);
        const src = readStackConfig(project, args.stack!);
        if (!src) throw new PlanInputError(`invalid --stack "${args.stack}": no Pulumi.${args.stack}.yaml`);
        const primary = src.config[`${project.name}:primaryStack`]?.split("/").pop();
        if (!primary) throw new PlanInputError(`stack "${args.stack}" names no primaryStack: readiness runs on the standby stack of a pair`);
        const input = await (io.live ?? ((p, s) => liveInput(new AutomationStacks(planner!.dir), p, s)))(primary, args.stack!);
        const { checks, skipped } = await liveReadiness(input);
        out(scrub(args.json ? `${JSON.stringify({ mode: "live", checks, skipped }, null, 2)}\n` : renderTable(checks) + renderSkipped(skipped)));
        return exitCode(checks);
    } catch (e) {
        if (e instanceof PlanFailure) {
            err(`${scrub(e.message)}\n`);
            return e.exitCode === 2 ? 2 : 1;
        }
        if (e instanceof PlanInputError || isConfigError(e)) {
            err(`${scrub((e as Error).message)}\n`);
            return 2;
        }
        err(`${scrub(e instanceof Error ? e.message : String(e))}\n`);
        return 1;
    }
}

function renderSkipped(skipped: readonly Skipped[]): string {
    return skipped.map(s => `skipped ${s.name}: ${s.reason} (not counted as a pass)\n`).join("");
}
