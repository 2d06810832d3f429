// Runs the sequence from a step, saving the state after every step. A failed
// precondition or postcondition, an error, a timeout or Ctrl-C stops it with
// one line that names the step and the command to resume.

import { Clock, FailbackWorld } from "./ports";
import { Check, SEQUENCE, StepContext } from "./sequence";
import { FailbackState, saveState } from "./state";
import { FIRST_DESTRUCTIVE, STEP_IDS, StepId } from "./steps";

export interface RunOptions {
    world: FailbackWorld;
    clock: Clock;
    state: FailbackState;
    stateFile: string;
    /** 1-based; steps before it count as done. */
    fromStep: number;
    primaryStack: string;
    secondaryStack: string;
    /** The primary stack name the operator typed, or undefined. */
    confirm?: string;
    /** Poll interval of the waits, ms. */
    pollMs?: number;
    /** Set by the SIGINT handler; checked between polls and steps. */
    interrupted?: () => boolean;
    log(line: string): void;
}

export interface RunResult {
    code: number;
    /** The step it stopped at, when it stopped. */
    stoppedAt?: StepId;
    message?: string;
}

export function resumeCommand(o: Pick<RunOptions, "primaryStack" | "secondaryStack">, step: number): string {
    return `npm run failback -- --pair ${o.primaryStack},${o.secondaryStack} --from-step ${step} --confirm ${o.primaryStack}`;
}

/** Refusals before anything runs: a failback needs a healthy primary and a failover that happened. */
async function refuseToStart(o: RunOptions): Promise<string | undefined> {
    const h = await o.world.primaryHealthy();
    if (!h.ok) return `refusing to start: the primary is not healthy at the Kubernetes level (${h.found}); fix the cluster first`;
    const unlocked = o.state.done.includes("unlock-dns") || o.fromStep > STEP_IDS.indexOf("unlock-dns") + 1;
    if (!unlocked && !(await o.world.dnsLocked())) return "refusing to start: DNS is not locked, so no failover happened; there is nothing to fail back";
    return undefined;
}

export async function runFailback(o: RunOptions): Promise<RunResult> {
    const poll = o.pollMs ?? 10_000;
    const interrupted = o.interrupted ?? (() => false);
    const refusal = await refuseToStart(o);
    if (refusal) return { code: 2, message: refusal };
    const ctx: StepContext = { world: o.world, state: o.state, clock: o.clock, log: o.log };
    const save = () => saveState(o.stateFile, o.state);
    for (let n = o.fromStep; n <= SEQUENCE.length; n++) {
        const step = SEQUENCE[n - 1];
        const stop = (what: string): RunResult => {
            save();
            return { code: 1, stoppedAt: step.id, message: `failback stopped at step ${n} ${step.id}: ${what}; resume: ${resumeCommand(o, n)}` };
        };
        const failed = (c: Check) => `expected ${c.expected}, found ${c.found}`;
        if (interrupted()) return { ...stop("interrupted"), code: 130 };
        if (n >= FIRST_DESTRUCTIVE && o.confirm !== o.primaryStack) {
            return { ...stop(`step ${FIRST_DESTRUCTIVE} deletes data; confirm with --confirm ${o.primaryStack}`), code: 2 };
        }
        if (o.state.done.includes(step.id)) {
            o.log(`[${n}/15] ${step.id}: done before`);
            continue;
        }
        try {
            // Already true (a rerun after the action went through): nothing to do.
            let post = await step.post(ctx);
            if (!post.ok) {
                if (step.pre) {
                    const pre = await step.pre(ctx);
                    if (!pre.ok) return stop(`precondition not met: ${failed(pre)}`);
                }
                await step.act(ctx);
                const started = o.clock.now();
                post = await step.post(ctx);
                while (!post.ok) {
                    const waited = o.clock.now() - started;
                    if (waited >= step.timeoutMs) return stop(`timed out after ${Math.round(waited / 1000)}s: ${failed(post)}`);
                    if (interrupted()) return { ...stop("interrupted"), code: 130 };
                    o.log(`[${n}/15] ${step.id}: waiting ${Math.round(waited / 1000)}s of ${Math.round(step.timeoutMs / 1000)}s (${post.found})`);
                    await o.clock.sleep(poll);
                    post = await step.post(ctx);
                }
            }
            o.state.done.push(step.id);
            save();
            o.log(`[${n}/15] ${step.id}: ok`);
        } catch (e) {
            return stop(`error: ${(e instanceof Error ? e.message : String(e)).split("\n")[0]}`);
        }
    }
    return { code: 0, message: `failback of ${o.primaryStack},${o.secondaryStack} complete` };
}
