// The offline plan's cost per stack and cloud: wall time and peak memory of
// `node -r ts-node/register/transpile-only scripts/plan.ts --stack <s> --set cloud=<c> --json`
// in a child process, measured by /usr/bin/time -v when the machine has it,
// else by the child itself (process.resourceUsage at exit, via a preload).

import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import type { Cloud } from "../../config/load";

export interface PlanCost {
    wallMs: number;
    peakRssBytes: number;
    resources: number;
    exitCode: number;
    measuredBy: "/usr/bin/time -v" | "process.resourceUsage";
}

const GNU_TIME = "/usr/bin/time";

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise(resolve => {
        const child = spawn(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on("data", (c: Buffer) => out.push(c));
        child.stderr.on("data", (c: Buffer) => err.push(c));
        child.on("close", code => resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }));
    });
}

function gnuTimeWorks(): boolean {
    return fs.existsSync(GNU_TIME);
}

export async function planCost(root: string, stack: string, cloud: Cloud): Promise<PlanCost> {
    const planArgs = ["-r", "ts-node/register/transpile-only", "scripts/plan.ts", "--stack", stack, "--set", `cloud=${cloud}`, "--json"];
    let wallMs: number;
    let peakRssBytes: number;
    let result: { code: number; stdout: string; stderr: string };
    let measuredBy: PlanCost["measuredBy"];
    const t0 = performance.now();
    if (gnuTimeWorks()) {
        result = await run(GNU_TIME, ["-v", process.execPath, ...planArgs], root);
        wallMs = performance.now() - t0;
        const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr);
        if (!rss) throw new Error(`bench: no "Maximum resident set size" in ${GNU_TIME} -v output for ${stack}/${cloud}: ${result.stderr.slice(-400)}`);
        peakRssBytes = Number(rss[1]) * 1024;
        measuredBy = "/usr/bin/time -v";
    } else {
        const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "logscale-dr-bench-")), "usage.json");
        const preload = path.join(path.dirname(report), "preload.js");
        fs.writeFileSync(preload, `process.on("exit", () => require("fs").writeFileSync(${JSON.stringify(report)}, JSON.stringify(process.resourceUsage())));\n`);
        result = await run(process.execPath, ["-r", preload, ...planArgs], root);
        wallMs = performance.now() - t0;
        // maxRSS is in kilobytes.
        peakRssBytes = (JSON.parse(fs.readFileSync(report, "utf8")) as { maxRSS: number }).maxRSS * 1024;
        fs.rmSync(path.dirname(report), { recursive: true, force: true });
        measuredBy = "process.resourceUsage";
    }
    let resources = 0;
    if (result.code === 0) {
        resources = (JSON.parse(result.stdout) as { resources: unknown[] }).resources.length;
    }
    return { wallMs: Math.round(wallMs), peakRssBytes, resources, exitCode: result.code, measuredBy };
}
