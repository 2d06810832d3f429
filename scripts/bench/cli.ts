// `npm run bench`: the failover function of each cloud (package size, remote
// calls on the critical path and in total, wall time against the same calls
// run one after another, with a fixed latency per call) and the offline
// plan's time and memory per stack and cloud. Exit 1 when a target is missed.

import * as path from "path";
import { CLOUDS } from "../../config/keys";
import type { Cloud } from "../../config/load";
import { FUNCTION_BENCHES, FunctionTiming } from "./functions";
import { benchAwsReadiness, READINESS_TARGET_ROUND_TRIPS, ReadinessTiming } from "./readiness";
import { packageSize } from "./package-size";
import { PlanCost, planCost } from "./plan";

export const USAGE = "usage: npm run bench -- [--json] [--latency-ms <n>] [--cloud aws|azure|oci ...] [--no-plan]";

/** What --help prints: usage, each flag with its meaning, an example. */
export const HELP = `${USAGE}

Measures the failover functions (package size, round trips, wall time) and the offline plan's cost.

  --json             print one JSON object (use npm run -s when redirecting)
  --latency-ms <n>   simulated latency of every remote call, in ms (default 100)
  --cloud <c>        measure only this cloud (repeatable; default all three)
  --no-plan          skip the offline plan measurement
  --help, -h         print this help and exit

Exit codes: 0 every target met, 1 a target missed (or a plan failed), 2 invalid arguments.

Example:
  npm run -s bench -- --json --cloud aws > bench.json`;

export const TARGETS = {
    packageBytes: 1024 * 1024,
    criticalPathCalls: 4,
    /** wallMs <= this fraction of sequentialWallMs */
    wallFraction: 0.5,
} as const;

export const PLAN_STACKS = ["primary", "secondary"] as const;

export interface BenchArgs {
    json: boolean;
    latencyMs: number;
    clouds: Cloud[];
    plan: boolean;
    help: boolean;
}

export function parseArgs(argv: readonly string[]): BenchArgs {
    const args: BenchArgs = { json: false, latencyMs: 100, clouds: [], plan: true, help: false };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const value = () => {
            const v = argv[++i];
            if (v === undefined) throw new Error(`${a} needs a value; ${USAGE}`);
            return v;
        };
        switch (a) {
            case "--json": args.json = true; break;
            case "--no-plan": args.plan = false; break;
            case "--help": case "-h": args.help = true; break;
            case "--latency-ms": {
                const v = value();
                if (!/^\d+$/.test(v) || Number(v) < 10) throw new Error(`--latency-ms must be an integer >= 10, got ${v}`);
                args.latencyMs = Number(v);
                break;
            }
            case "--cloud": {
                const v = value();
                if (!(CLOUDS as readonly string[]).includes(v)) throw new Error(`--cloud ${v} is not a cloud; allowed: ${CLOUDS.join(", ")}`);
                args.clouds.push(v as Cloud);
                break;
            }
            default: throw new Error(`unknown argument "${a}"; ${USAGE}`);
        }
    }
    if (args.clouds.length === 0) args.clouds = [...CLOUDS];
    return args;
}

export type FunctionBench = { packageBytes: number } & FunctionTiming & { contents: string[]; targetsMet: { packageBytes: boolean; criticalPathCalls: boolean; wallMs: boolean } };

export interface BenchResult {
    latencyMs: number;
    functions: Partial<Record<Cloud, FunctionBench>>;
    /** The readiness self-test's entry (AWS, the cloud where it is scheduled today). */
    readiness: Partial<Record<Cloud, ReadinessTiming & { targetMet: boolean }>>;
    plan: Partial<Record<typeof PLAN_STACKS[number], Partial<Record<Cloud, PlanCost>>>>;
    targets: typeof TARGETS;
}

export async function runBench(args: BenchArgs, root: string, progress: (line: string) => void = () => undefined): Promise<BenchResult> {
    const result: BenchResult = { latencyMs: args.latencyMs, functions: {}, readiness: {}, plan: {}, targets: TARGETS };
    for (const cloud of args.clouds) {
        progress(`function ${cloud}: package`);
        const pkg = await packageSize(cloud, root);
        progress(`function ${cloud}: failover with ${args.latencyMs} ms per remote call`);
        const timing = await FUNCTION_BENCHES[cloud](args.latencyMs);
        result.functions[cloud] = {
            packageBytes: pkg.packageBytes,
            ...timing,
            contents: pkg.contents,
            targetsMet: {
                packageBytes: pkg.packageBytes < TARGETS.packageBytes,
                criticalPathCalls: timing.criticalPathCalls <= TARGETS.criticalPathCalls,
                wallMs: timing.wallMs <= TARGETS.wallFraction * timing.sequentialWallMs,
            },
        };
    }
    if (args.clouds.includes("aws")) {
        progress(`readiness aws: self-test with ${args.latencyMs} ms per remote call`);
        const timing = await benchAwsReadiness(args.latencyMs);
        result.readiness.aws = { ...timing, targetMet: timing.criticalPathCalls <= READINESS_TARGET_ROUND_TRIPS };
    }
    if (args.plan) {
        for (const stack of PLAN_STACKS) {
            for (const cloud of args.clouds) {
                progress(`plan ${stack} ${cloud}`);
                (result.plan[stack] ??= {})[cloud] = await planCost(root, stack, cloud);
            }
        }
    }
    return result;
}

export function renderText(r: BenchResult): string {
    const lines = [`Failover function per cloud (${r.latencyMs} ms injected per remote call)`, ""];
    lines.push(`  ${"cloud".padEnd(6)} ${"package".padStart(10)} ${"critical".padStart(9)} ${"total".padStart(6)} ${"wall".padStart(8)} ${"sequential".padStart(11)}`);
    for (const [cloud, f] of Object.entries(r.functions)) {
        const mark = (ok: boolean) => (ok ? " " : "!");
        lines.push(`  ${cloud.padEnd(6)} ${`${(f!.packageBytes / 1024).toFixed(1)} KiB`.padStart(10)}${mark(f!.targetsMet.packageBytes)}${String(f!.criticalPathCalls).padStart(8)}${mark(f!.targetsMet.criticalPathCalls)}`
            + `${String(f!.totalCalls).padStart(6)} ${`${f!.wallMs} ms`.padStart(8)}${mark(f!.targetsMet.wallMs)}${`${f!.sequentialWallMs} ms`.padStart(11)}`);
    }
    lines.push("", "  Remote calls per round trip:");
    for (const [cloud, f] of Object.entries(r.functions)) {
        f!.rounds.forEach((calls, i) => lines.push(`  ${i === 0 ? cloud.padEnd(6) : "".padEnd(6)} ${i + 1}. ${calls.join(", ")}`));
    }
    lines.push("", `  targets: package < ${TARGETS.packageBytes / 1024} KiB, critical path <= ${TARGETS.criticalPathCalls} round trips, wall <= ${TARGETS.wallFraction * 100}% of sequential ("!" marks a miss)`);
    for (const [cloud, t] of Object.entries(r.readiness ?? {})) {
        lines.push("", `Readiness self-test (${cloud}): ${t!.criticalPathCalls}${t!.targetMet ? "" : "!"} round trips (target <= ${READINESS_TARGET_ROUND_TRIPS}), ${t!.totalCalls} calls, ${t!.wallMs} ms`);
        t!.rounds.forEach((calls, i) => lines.push(`  ${i + 1}. ${calls.join(", ")}`));
    }
    if (Object.keys(r.plan).length > 0) {
        lines.push("", "Offline plan (npm run plan -- --stack <s> --set cloud=<c> --json)", "");
        lines.push(`  ${"stack".padEnd(10)} ${"cloud".padEnd(6)} ${"wall".padStart(8)} ${"peak RSS".padStart(10)} ${"resources".padStart(10)}`);
        for (const [stack, clouds] of Object.entries(r.plan)) {
            for (const [cloud, c] of Object.entries(clouds ?? {})) {
                lines.push(`  ${stack.padEnd(10)} ${cloud.padEnd(6)} ${`${c!.wallMs} ms`.padStart(8)} ${`${(c!.peakRssBytes / 1048576).toFixed(0)} MiB`.padStart(10)} ${String(c!.resources).padStart(10)}${c!.exitCode === 0 ? "" : `   exit ${c!.exitCode}`}`);
            }
        }
        const by = Object.values(r.plan).flatMap(c => Object.values(c ?? {}))[0]?.measuredBy;
        if (by) lines.push("", `  measured by ${by}`);
    }
    return lines.join("\n");
}

export function targetsMet(r: BenchResult): boolean {
    return Object.values(r.functions).every(f => Object.values(f!.targetsMet).every(Boolean))
        && Object.values(r.readiness ?? {}).every(t => t!.targetMet)
        && Object.values(r.plan).every(c => Object.values(c ?? {}).every(p => p!.exitCode === 0));
}

export async function main(argv: readonly string[], root = path.resolve(__dirname, "..", "..")): Promise<number> {
    let args: BenchArgs;
    try {
        args = parseArgs(argv);
    } catch (e) {
        process.stderr.write(`${(e as Error).message}\n`);
        return 2;
    }
    if (args.help) {
        process.stdout.write(`${HELP}\n`);
        return 0;
    }
    const result = await runBench(args, root, line => process.stderr.write(`bench: ${line}\n`));
    if (args.json) {
        // The contract: functions.<cloud>.{packageBytes, criticalPathCalls, totalCalls, wallMs, sequentialWallMs} and plan.
        process.stdout.write(JSON.stringify(result, null, 2) + "\n");
    } else {
        process.stdout.write(renderText(result) + "\n");
    }
    return targetsMet(result) ? 0 : 1;
}
