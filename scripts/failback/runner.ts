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

/** Refusals before anything runs: a failback needs a healthy primary, a failover that happened and a matching pair. */
async function refuseToStart(o: RunOptions): Promise<string | undefined> {
    const h = await o.world.primaryHealthy();
    if (!h.ok) return `refusing to start: the primary is not healthy at the Kubernetes level (${h.found}); fix the cluster first`;
    // Once step 11 has begun (its action may have gone through before a stop), an unlocked DNS is progress, not a missing failover.
    const unlockStep = STEP_IDS.indexOf("unlock-dns") + 1;
    const unlocked = o.state.done.includes("unlock-dns") || o.state.unlockedAt !== undefined || o.fromStep >= unlockStep;
    if (!unlocked && !(await o.world.dnsLocked())) return "refusing to start: DNS is not locked, so no failover happened; there is nothing to fail back";
    const [peer, pCloud, sCloud, pDr] = [
        await o.world.stackConfig("secondary", "primaryStack"), await o.world.stackConfig("primary", "cloud"),
        await o.world.stackConfig("secondary", "cloud"), await o.world.stackConfig("primary", "dr"),
    ];
    if (peer !== o.primaryStack) return `refusing to start: the stacks do not match: ${o.secondaryStack} has primaryStack ${peer ?? "(unset)"}, not ${o.primaryStack}`;
    if (pCloud !== sCloud) return `refusing to start: the stacks do not match: ${o.primaryStack} is on ${pCloud ?? "(unset)"}, ${o.secondaryStack} on ${sCloud ?? "(unset)"}`;
    if (pDr !== "active") return `refusing to start: ${o.primaryStack} has dr=${pDr ?? "(unset)"}; failback returns traffic to an active primary`;
    return undefined;
}

/** Waits for a check within the step's timeout, printing the time waited; undefined when it held. */
async function waitFor(o: RunOptions, n: number, timeoutMs: number, id: string, probe: () => Promise<Check>): Promise<{ check: Check; interrupted?: boolean } | undefined> {
    const poll = o.pollMs ?? 10_000;
    const interrupted = o.interrupted ?? (() => false);
    const started = o.clock.now();
    let c = await probe();
    while (!c.ok) {
        const waited = o.clock.now() - started;
        if (waited >= timeoutMs) return { check: c };
        if (interrupted()) return { check: c, interrupted: true };
        o.log(`[${n}/15] ${id}: waiting ${Math.round(waited / 1000)}s of ${Math.round(timeoutMs / 1000)}s (${c.found})`);
        await o.clock.sleep(poll);
        c = await probe();
    }
    return undefined;
}

const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();
const errorText = (e: unknown) => oneLine((e instanceof Error ? e.message : String(e)).split("\n")[0]);

export async function runFailback(o: RunOptions): Promise<RunResult> {
    const interrupted = o.interrupted ?? (() => false);
    let refusal: string | undefined;
    try {
        refusal = await refuseToStart(o);
    } catch (e) {
        refusal = `refusing to start: could not check the pair: ${errorText(e)}`;
    }
    if (refusal) return { code: 2, message: refusal };
    const ctx: StepContext = { world: o.world, state: o.state, clock: o.clock, log: o.log };
    const save = () => saveState(o.stateFile, o.state);
    // "Earlier steps count as done" is recorded, so a later rerun without --from-step cannot
    // redo them: a post-first step 6 or 8 would otherwise delete the primary's new snapshot or topic.
    for (let n = 1; n < o.fromStep; n++) {
        const id = STEP_IDS[n - 1];
        if (!o.state.done.includes(id)) {
            o.state.done.push(id);
            o.log(`[${n}/15] ${id}: counted as done (--from-step ${o.fromStep})`);
        }
    }
    for (let n = o.fromStep; n <= SEQUENCE.length; n++) {
        const step = SEQUENCE[n - 1];
        const stop = (what: string): RunResult => {
            save();
            return { code: 1, stoppedAt: step.id, message: oneLine(`failback stopped at step ${n} ${step.id}: ${what}; resume: ${resumeCommand(o, n)}`) };
        };
        const failed = (c: Check) => `expected ${c.expected}, found ${c.found}`;
        const waited = (w: { check: Check; interrupted?: boolean }, what: string): RunResult =>
            w.interrupted ? { ...stop("interrupted"), code: 130 } : stop(`${what} after ${Math.round(step.timeoutMs / 1000)}s: ${failed(w.check)}`);
        if (interrupted()) return { ...stop("interrupted"), code: 130 };
        if (n >= FIRST_DESTRUCTIVE && o.confirm !== o.primaryStack) {
            return { ...stop(`step ${FIRST_DESTRUCTIVE} deletes data; confirm with --confirm ${o.primaryStack}`), code: 2 };
        }
        if (o.state.done.includes(step.id)) {
            o.log(`[${n}/15] ${step.id}: done before`);
            continue;
        }
        try {
            const skipped = step.skip ? await step.skip(ctx) : undefined;
            if (skipped) {
                o.state.done.push(step.id);
                save();
                o.log(`[${n}/15] ${step.id}: skipped (${skipped})`);
                continue;
            }
            // Already true (a rerun after the action went through): nothing to do.
            const post = await step.post(ctx);
            if (!post.ok) {
                if (step.pre) {
                    const pre = await step.pre(ctx);
                    if (!pre.ok) {
                        if (!step.preWaits) return stop(`precondition not met: ${failed(pre)}`);
                        const w = await waitFor(o, n, step.timeoutMs, step.id, () => step.pre!(ctx));
                        if (w) return waited(w, "precondition not met");
                    }
                }
                await step.act(ctx);
                const w = await waitFor(o, n, step.timeoutMs, step.id, () => step.post(ctx));
                if (w) return waited(w, "timed out");
            }
            o.state.done.push(step.id);
            save();
            o.log(`[${n}/15] ${step.id}: ok`);
        } catch (e) {
            // The postcondition after a failed call says how far the step got, for the one stop line
            // (asked again even when it was the postcondition that failed: the error may have been transient).
            let after = "";
            try { after = `; ${failed(await step.post(ctx))}`; } catch { after = ""; }
            return stop(`error: ${errorText(e)}${after}`);
        }
    }
    return { code: 0, message: `failback of ${o.primaryStack},${o.secondaryStack} complete` };
}
