// `npm run gameday`: flags, the --confirm gate (exit 2 before anything is
// read or run), then the run against the simulated pair (--simulate) or the
// live pair (AWS, Azure or OCI) after a passing readiness pre-flight. Exit 0 pass, 1 fail, 2 bad usage.

import * as fs from "fs";
import * as path from "path";
import { isConfigError } from "../../config/errors";
import { readProject, readStackConfig } from "../plan/stackfile";
import { exitCode, renderTable } from "../readiness/checks";
import { liveReadiness } from "../readiness/live";
import { AutomationStacks, liveInput } from "../readiness/stacks";
import { Clock, OutageMethod, PairObserver } from "./backend";
import { LIVE_CLOUDS, livePair, LivePair } from "./live";
import { renderMarkdown, renderSvg, renderText } from "./report";
import { GamedayReport, runGameday, Scenario, SCENARIOS } from "./run";
import type { ExpectedFailoverSeconds } from "../../components/dr/rto";
import { SimPair, VirtualClock } from "./sim";

export const USAGE = [
    "usage: npm run gameday -- --stack <secondary> --scenario primary-down|transient --confirm <primary stack name> [--simulate] [--timeout <s>] [--report <dir>] [--json]",
    "",
    "  --stack <name>        the standby stack of the pair",
    "  --scenario <name>     primary-down (full failover) or transient (outage shorter than the holdoff, no failover)",
    "  --confirm <name>      the primary's stack name, typed by a person; anything else exits 2 before anything runs",
    "  (default)             the live pair (aws, azure or oci): readiness must pass first, then the primary's HTTPRoutes are detached for real",
    "  --simulate            run against the simulated pair on a virtual clock (any cloud; nothing is read or changed)",
    "  --timeout <s>         hard overall timeout (default 1800)",
    "  --report <dir>        write gameday.json, gameday.md and gameday.svg there",
    "  --json                print the report as JSON",
    "  --help                this text",
    "",
    "example: npm run -s gameday -- --stack secondary --scenario primary-down --confirm primary --simulate --report /tmp/gd",
    "live:    npm run -s gameday -- --stack secondary --scenario primary-down --confirm primary --report /tmp/gd",
].join("\n");

class UsageError extends Error {}

export interface Io {
    dir?: string;
    stdout?: (s: string) => void;
    stderr?: (s: string) => void;
    /** The live pair; default: both stacks through the Automation API, the clusters by their kubeconfigs, the cloud's own credentials. */
    live?: (primaryStack: string, secondaryStack: string) => Promise<LivePair>;
}

/** The simulated pair follows the stack's own model (components/dr/rto.ts), so --simulate shows what the live run should. */
function simTimings(config: Record<string, string>, stack: string, project: string): ExpectedFailoverSeconds {
    // Loaded here so that --help and argument errors do not pay for @pulumi/pulumi.
    const { loadConfig } = require("../../config/load") as typeof import("../../config/load");
    const { expectedFailoverSeconds } = require("../../components/dr/rto") as typeof import("../../components/dr/rto");
    let cfg: ReturnType<typeof loadConfig>;
    try {
        cfg = loadConfig(config, stack, project);
    } catch (e) {
        if (isConfigError(e)) throw new UsageError(e.message);
        throw e;
    }
    return expectedFailoverSeconds(cfg);
}

export async function main(argv: readonly string[], io: Io = {}): Promise<number> {
    const out = io.stdout ?? (s => process.stdout.write(s));
    const err = io.stderr ?? (s => process.stderr.write(s));
    const a: { stack?: string; scenario?: string; confirm?: string; simulate: boolean; timeout: number; report?: string; json: boolean; help: boolean } = { simulate: false, timeout: 1800, json: false, help: false };
    try {
        for (let i = 0; i < argv.length; i++) {
            const take = () => { const v = argv[++i]; if (v === undefined || v.startsWith("--")) throw new UsageError(`${argv[i - 1]} needs a value`); return v; };
            switch (argv[i]) {
                case "--stack": a.stack = take(); break;
                case "--scenario": a.scenario = take(); break;
                case "--confirm": a.confirm = take(); break;
                case "--simulate": a.simulate = true; break;
                case "--timeout": a.timeout = Number(take()); break;
                case "--report": a.report = take(); break;
                case "--json": a.json = true; break;
                case "--help": case "-h": a.help = true; break;
                default: throw new UsageError(`unknown argument "${argv[i]}"`);
            }
        }
        if (a.help) { out(`${USAGE}\n`); return 0; }
        if (!a.stack) throw new UsageError("--stack is required");
        if (!SCENARIOS.includes(a.scenario as Scenario)) throw new UsageError(`invalid --scenario "${a.scenario ?? ""}"; allowed: ${SCENARIOS.join(", ")}`);
        if (!(a.timeout > 0)) throw new UsageError("invalid --timeout: a number of seconds above 0");
        const project = readProject(io.dir ?? path.resolve(__dirname, "..", ".."));
        const src = readStackConfig(project, a.stack);
        if (!src) throw new UsageError(`invalid --stack "${a.stack}": no Pulumi.${a.stack}.yaml`);
        const primary = src.config[`${project.name}:primaryStack`]?.split("/").pop();
        if (!primary) throw new UsageError(`stack "${a.stack}" names no primaryStack: gameday runs on the standby stack of a pair`);
        if (a.confirm !== primary) throw new UsageError(`refusing: --confirm must be the primary's stack name "${primary}" (got ${a.confirm === undefined ? "none" : `"${a.confirm}"`})`);
        const holdoffS = Number(src.config[`${project.name}:preFailoverFailureSeconds`] ?? "180");
        const cloud = src.config[`${project.name}:cloud`];
        if (!a.simulate && !(LIVE_CLOUDS as readonly string[]).includes(cloud ?? "")) {
            err(`stack "${a.stack}" is on ${cloud ?? "no cloud"}: the live gameday knows ${LIVE_CLOUDS.join(", ")}; --simulate works on any of them\n`);
            return 2;
        }
        let outage: OutageMethod;
        let observer: PairObserver;
        let clock: Clock;
        let expectedTotalS: number;
        const t = simTimings(src.config, a.stack, project.name);
        if (a.simulate) {
            const vc = new VirtualClock();
            const pair = new SimPair(vc, t);
            [outage, observer, clock, expectedTotalS] = [pair, pair, vc, t.totalS];
        } else {
            const dir = io.dir ?? path.resolve(__dirname, "..", "..");
            const live = await (io.live ?? (async (p, s) => livePair(await liveInput(new AutomationStacks(dir), p, s))))(primary, a.stack);
            // Pre-flight: an outage on a pair that cannot take over would be a real outage, not a gameday.
            const { checks } = await liveReadiness(live.readiness);
            if (exitCode(checks) !== 0) {
                err(`${renderTable(checks)}refusing: the pair is not ready (npm run readiness -- --stack ${a.stack}); no outage was made\n`);
                return 1;
            }
            err(`pre-flight: readiness passes (${checks.length} checks)\n`);
            [outage, observer, clock, expectedTotalS] = [live.outage, live.observer, live.clock, live.expectedTotalS ?? t.totalS];
        }
        const ac = new AbortController();
        const onInt = () => ac.abort();
        process.once("SIGINT", onInt);
        let report: GamedayReport;
        try {
            report = await runGameday(outage, observer, clock, {
                scenario: a.scenario as Scenario, timeoutS: a.timeout, pollS: 10, holdoffS, expectedTotalS,
                afterRestoreS: 120, signal: ac.signal, progress: a.json ? undefined : progressLine(err, io.stderr === undefined && process.stderr.isTTY === true),
            });
        } finally {
            process.removeListener("SIGINT", onInt);
        }
        if (!a.json) err("\n");
        if (a.report) {
            fs.mkdirSync(a.report, { recursive: true });
            fs.writeFileSync(path.join(a.report, "gameday.json"), `${JSON.stringify(report, null, 2)}\n`);
            fs.writeFileSync(path.join(a.report, "gameday.svg"), renderSvg(report));
            fs.writeFileSync(path.join(a.report, "gameday.md"), renderMarkdown(report, "gameday.svg"));
        }
        out(a.json ? `${JSON.stringify(report, null, 2)}\n` : renderText(report));
        return report.verdict === "pass" ? 0 : 1;
    } catch (e) {
        if (e instanceof UsageError) { err(`${e.message}\n${USAGE}\n`); return 2; }
        err(`${(e as Error).message}\n`);
        return 1;
    }
}

/**
 * On a terminal, one line rewritten in place; in a log or CI (not a TTY),
 * a line per phase change, so the file reads as a timeline instead of one
 * run-on line of carriage returns.
 */
export function progressLine(write: (s: string) => void, tty: boolean): (line: string) => void {
    let lastPhase: string | undefined;
    return line => {
        if (tty) {
            write(`\r\x1b[K${line}`);
            return;
        }
        const phase = line.replace(/ — \d+s elapsed$/, "");
        if (phase === lastPhase) return;
        lastPhase = phase;
        write(`${line}\n`);
    };
}
