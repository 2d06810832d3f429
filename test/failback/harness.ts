// Runs `npm run failback` in-process (scripts/failback/cli main) against the
// fakes: the live plan and world are the only parts swapped in, so argument
// parsing, the confirmation gate, the state file and the exit codes are real.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../scripts/failback/cli";
import { buildPlan } from "../../scripts/failback/plan";
import { FailbackState, statePath } from "../../scripts/failback/state";
import type { FailbackWorld, Side } from "../../scripts/failback/ports";
import { livePlan } from "../../scripts/failback/live";
import { Cloud, FailbackFakes } from "./fakes";
import type { FakeStack } from "./fake-stack";
import { HttpWorld } from "./world";

export const PAIR = ["--pair", "primary,secondary"];
export const CONFIRM = ["--confirm", "primary"];
export const POLL_MS = 5_000;

export interface CliRun { code: number; out: string; err: string; lines: string[] }

/** The 15 failback steps, in order: what the plan lists and a whole run completes. Written out rather than imported: a reordering in steps.ts must fail the tests. */
export const STEP_IDS = [
    "disable-alarm", "flush-secondary", "stop-secondary", "verify-secondary-snapshot", "stop-primary",
    "delete-primary-snapshots", "enable-reverse-recovery", "reset-primary-kafka", "cold-start-primary", "verify-primary",
    "unlock-dns", "clean-secondary", "return-secondary-to-standby", "enable-alarm", "disable-reverse-recovery",
];

/** A live world over fakes (the *-rig.ts files): the fakes' clock, the stacks and the world the command acts on. */
export interface LiveRig {
    f: FailbackFakes;
    stacks: Record<Side, FakeStack>;
    world(): Promise<FailbackWorld>;
    stop(): Promise<void>;
}

/** A rig for the length of fn, stopped on every way out. */
export async function withRig<R extends LiveRig, T>(start: () => Promise<R>, fn: (r: R) => Promise<T>): Promise<T> {
    const r = await start();
    try {
        return await fn(r);
    } finally {
        await r.stop();
    }
}

/** The command against a rig's live plan and world: plan from the stacks, every step on the cloud fakes. */
export async function liveFailback(r: LiveRig, dir: string, argv: string[]): Promise<CliRun> {
    const out: string[] = [], err: string[] = [];
    const code = await main(argv, {
        dir, stdout: s => out.push(s), stderr: s => err.push(s), clock: r.f.clock, pollMs: POLL_MS,
        livePlan: a => livePlan(a, name => r.stacks[name as Side]),
        world: () => r.world(),
    });
    const e = err.join("");
    return { code, out: out.join(""), err: e, lines: e.split("\n").filter(Boolean) };
}

const dirs: string[] = [];

export function tempDir(): string {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), "failback-"));
    dirs.push(d);
    return d;
}

export function removeTempDirs(): void {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

export async function failback(f: FailbackFakes, dir: string, argv: string[], interrupted?: () => boolean): Promise<CliRun> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, {
        dir,
        stdout: s => out.push(s),
        stderr: s => err.push(s),
        livePlan: async () => buildPlan(f.cloud,
            { stack: "primary", region: "us-west-2", hostname: "logscale-us-west-2.example.com", bucket: "logscale-primary" },
            { stack: "secondary", region: "us-east-2", hostname: "logscale-us-east-2.example.com", bucket: "logscale-secondary" }),
        world: async () => new HttpWorld(f),
        clock: f.clock,
        pollMs: POLL_MS,
        interrupted,
    });
    const e = err.join("");
    return { code, out: out.join(""), err: e, lines: e.split("\n").filter(Boolean) };
}

export function readState(dir: string): FailbackState {
    return JSON.parse(fs.readFileSync(statePath(dir, "primary,secondary"), "utf8")) as FailbackState;
}

/** The single line a stopped run ends with. */
export function stopLine(r: CliRun): string {
    const stops = r.lines.filter(l => l.startsWith("failback stopped"));
    if (stops.length !== 1) throw new Error(`expected one stop line, got ${stops.length}:\n${r.err}`);
    return stops[0];
}

/** The resume command's arguments, as a person would paste them after `npm run failback --`. */
export function resumeArgs(line: string): string[] {
    const m = /resume: npm run failback -- (.*)$/.exec(line);
    if (!m) throw new Error(`no resume command in: ${line}`);
    return m[1].split(" ");
}

export async function withFakes<T>(cloud: Cloud, fn: (f: FailbackFakes) => Promise<T>): Promise<T> {
    const f = await FailbackFakes.start(cloud);
    try {
        return await fn(f);
    } finally {
        await f.stop();
    }
}
