// `npm run drill`: arguments, the stack config the drill runs with, and the
// exit code (0 every scenario as expected, 1 one was not, 2 bad input).

import * as path from "path";
import { isConfigError } from "../../config/errors";
import { CLOUDS } from "../../config/keys";
import type { Cloud } from "../../config/load";
import { applyOverrides, parseAssignment, PlanInputError, readProject, readStackConfig } from "../plan/stackfile";
import { renderLog, renderText, toJson } from "./report";
import { DrillOutcome, runDrill, ScenarioNotApplicable } from "./run";
import { SCENARIOS, ScenarioName } from "./scenarios";
import type { DrillSettings } from "./world";

export const USAGE = "usage: npm run drill -- --cloud aws|azure|oci [--scenario <name>|all] [--stack <stack>] [--set <key>=<value> ...] [--json] [--log]";

export interface DrillArgs {
    cloud?: Cloud;
    scenario: ScenarioName | "all";
    stack: string;
    set: string[];
    json: boolean;
    /** Also print every invocation's JSON log lines (text output). */
    log: boolean;
    help: boolean;
}

export class DrillInputError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "DrillInputError";
    }
}

export function parseArgs(argv: readonly string[]): DrillArgs {
    const args: DrillArgs = { scenario: "region-outage", stack: "secondary", set: [], json: false, log: false, help: false };
    for (let i = 0; i < argv.length; i++) {
        const eq = argv[i].startsWith("--") ? argv[i].indexOf("=") : -1;
        const [flag, inlineValue] = eq > 0 ? [argv[i].slice(0, eq), argv[i].slice(eq + 1)] : [argv[i], undefined];
        const take = (): string => {
            if (inlineValue !== undefined) return inlineValue;
            const v = argv[++i];
            if (v === undefined || v.startsWith("--")) throw new DrillInputError(`${flag} needs a value; ${USAGE}`);
            return v;
        };
        switch (flag) {
            case "--cloud": {
                const v = take();
                if (!(CLOUDS as readonly string[]).includes(v)) throw new DrillInputError(`--cloud ${v} is not a cloud; allowed: ${CLOUDS.join(", ")}`);
                args.cloud = v as Cloud;
                break;
            }
            case "--scenario": {
                const v = take();
                if (v !== "all" && !(SCENARIOS as readonly string[]).includes(v)) {
                    throw new DrillInputError(`--scenario ${v} is not a scenario; allowed: ${SCENARIOS.join(", ")}, all`);
                }
                args.scenario = v as ScenarioName | "all";
                break;
            }
            case "--stack": args.stack = take(); break;
            case "--set": args.set.push(take()); break;
            case "--json": args.json = true; break;
            case "--log": args.log = true; break;
            case "--help": case "-h": args.help = true; break;
            default: throw new DrillInputError(`unknown argument "${argv[i]}"; ${USAGE}`);
        }
    }
    if (!args.help && !args.cloud) throw new DrillInputError(`--cloud is required; ${USAGE}`);
    return args;
}

/**
 * The failover settings of Pulumi.<stack>.yaml with --set applied and
 * `cloud` forced to --cloud, validated by the program's own config loader,
 * so a drill runs exactly what `pulumi up` would deploy (and a bad value is
 * the same one-line error).
 */
export function drillSettings(dir: string, args: Pick<DrillArgs, "cloud" | "stack" | "set">): DrillSettings {
    const project = readProject(dir);
    const source = readStackConfig(project, args.stack);
    if (!source) throw new DrillInputError(`no Pulumi.${args.stack}.yaml in ${dir}; pass --stack <stack> of this project`);
    const overrides = [...args.set.map(a => parseAssignment(a, project.name, "--set")), { key: `${project.name}:cloud`, value: args.cloud }];
    const config = applyOverrides(source, overrides, project.name).config;
    // Loaded here so that --help and argument errors do not pay for @pulumi/pulumi.
    const { loadConfig } = require("../../config/load") as typeof import("../../config/load");
    const cfg = loadConfig(config, args.stack, project.name);
    return {
        cloud: cfg.cloud,
        preFailoverFailureSeconds: cfg.failover.preFailoverFailureSeconds,
        cooldownSeconds: cfg.failover.cooldownSeconds,
        healthCheckIntervalSeconds: cfg.failover.healthCheckIntervalSeconds,
        healthCheckFailureThreshold: cfg.failover.healthCheckFailureThreshold,
        requireHealthySecondary: cfg.failover.requireHealthySecondary,
        dnsTtlSeconds: cfg.dnsTtlSeconds,
    };
}

export interface Io {
    out: (text: string) => void;
    err: (text: string) => void;
}

export async function main(argv: readonly string[], dir = path.resolve(__dirname, "..", ".."), io: Io = {
    out: t => process.stdout.write(t + "\n"),
    err: t => process.stderr.write(t + "\n"),
}): Promise<number> {
    let args: DrillArgs;
    let settings: DrillSettings;
    try {
        args = parseArgs(argv);
        if (args.help) {
            io.out(helpText());
            return 0;
        }
        settings = drillSettings(dir, args);
    } catch (e) {
        if (e instanceof DrillInputError || e instanceof PlanInputError || isConfigError(e)) {
            io.err((e as Error).message);
            return 2;
        }
        throw e;
    }
    const names = args.scenario === "all" ? [...SCENARIOS] : [args.scenario];
    const outcomes: DrillOutcome[] = [];
    const skipped: { scenario: string; reason: string }[] = [];
    for (const name of names) {
        try {
            outcomes.push(await runDrill(settings, name));
        } catch (e) {
            if (!(e instanceof ScenarioNotApplicable)) throw e;
            if (args.scenario !== "all") {
                io.err(`${name}: ${e.message}`);
                return 2;
            }
            skipped.push({ scenario: name, reason: e.message });
        }
    }
    if (args.json) {
        const json = outcomes.map(toJson);
        io.out(JSON.stringify(args.scenario === "all" ? { results: json, skipped } : json[0], null, 2));
    } else {
        io.out(outcomes.map(o => renderText(o) + (args.log ? `\n\nLog\n${renderLog(o)}` : "")).join("\n\n" + "-".repeat(100) + "\n\n"));
        for (const s of skipped) io.out(`skipped ${s.scenario}: ${s.reason}`);
        if (args.scenario === "all") {
            io.out("");
            for (const o of outcomes) io.out(`${o.ok ? "ok  " : "FAIL"}  ${o.scenario}`);
        }
    }
    return outcomes.every(o => o.ok) ? 0 : 1;
}

/** What --help prints: usage, each flag with its meaning, the scenarios, an example. */
export function helpText(): string {
    return `${USAGE}

Runs the real failover core and each cloud's decision logic against a simulated clock and cloud.

  --cloud aws|azure|oci    cloud whose failover function is drilled (required)
  --scenario <name>|all    scenario to run (default region-outage)
  --stack <stack>          stack whose config sets the failover settings (default secondary)
  --set <key>=<value>      override a config value of that stack (repeatable)
  --json                   print one JSON object (use npm run -s when redirecting)
  --log                    print the function's log lines as well
  --help, -h               print this help and exit

scenarios: ${SCENARIOS.join(", ")}
Exit codes: 0 as expected, 1 an expectation or invariant failed, 2 invalid arguments or config.

Example:
  npm run -s drill -- --cloud aws --scenario all --json > drill.json`;
}
