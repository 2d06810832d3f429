// The printed plan: the pair, what each side is, and the 15 steps with what
// each does on this cloud. Offline, it comes from `npm run plan`'s planner:
// planning the secondary plans the primary as its peer, so one plan gives
// both stacks' outputs and proves the pair matches.

import { Plan } from "../plan/model";
import { PAIR_WIDE_KEYS, Planner } from "../plan/planner";
import { Override, PlanInputError } from "../plan/stackfile";
import { describeStep, DESTRUCTIVE, FIRST_DESTRUCTIVE, STEP_IDS, StepId } from "./steps";

export interface SideInfo {
    stack: string;
    region?: string;
    hostname?: string;
    bucket?: string;
}

export interface PlannedStep {
    n: number;
    id: StepId;
    action: string;
    destructive: boolean;
    /** Why this cloud does not need the step; absent when it runs. */
    skipped?: string;
}

export interface FailbackPlan {
    pair: string;
    cloud: string;
    primary: SideInfo;
    secondary: SideInfo;
    confirmBeforeStep: number;
    steps: PlannedStep[];
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

function side(stack: string, outputs: Record<string, unknown>, region?: string): SideInfo {
    return {
        stack,
        region: str(outputs.region) ?? region,
        hostname: str(outputs.hostname),
        bucket: str(outputs.storageBucket) ?? str(outputs.storageContainer) ?? str(outputs.bucketName),
    };
}

export function buildPlan(cloud: string, primary: SideInfo, secondary: SideInfo): FailbackPlan {
    return {
        pair: `${primary.stack},${secondary.stack}`,
        cloud,
        primary,
        secondary,
        confirmBeforeStep: FIRST_DESTRUCTIVE,
        steps: STEP_IDS.map((id, i) => ({ n: i + 1, id, action: describeStep(id, cloud), destructive: DESTRUCTIVE.has(id) })),
    };
}

/** Pair check on the secondary's offline plan: it must be the standby of the named primary, on the same cloud. */
export function planFromOffline(primaryStack: string, secondaryStack: string, secondary: Plan): FailbackPlan {
    const peer = secondary.peers.find(p => p.key.endsWith(":primaryStack"));
    if (!peer || peer.stack !== primaryStack) {
        throw new PlanInputError(`--pair ${primaryStack},${secondaryStack} does not match: stack "${secondaryStack}" has primaryStack ${peer ? `"${peer.stack}"` : "unset"}; allowed: --pair <its primaryStack>,${secondaryStack}`);
    }
    const peerCloud = str(peer.outputs.cloud);
    if (peerCloud && peerCloud !== secondary.cloud) {
        throw new PlanInputError(`--pair ${primaryStack},${secondaryStack} does not match: primary is on ${peerCloud}, secondary on ${secondary.cloud}`);
    }
    return buildPlan(secondary.cloud, side(primaryStack, peer.outputs), side(secondaryStack, secondary.outputs, secondary.region));
}

export async function offlinePlan(dir: string, primaryStack: string, secondaryStack: string, sets: readonly string[]): Promise<{ plan: FailbackPlan; scrub: (s: string) => string }> {
    const planner = new Planner(dir);
    const { parseAssignment } = await import("../plan/stackfile");
    const overrides: Override[] = sets.map(s => parseAssignment(s, planner.projectName, "--set"));
    // --set applies to both stacks: the planner carries pair-wide keys (cloud) to the peer it plans.
    const secondary = await planner.plan(secondaryStack, overrides);
    const plan = planFromOffline(primaryStack, secondaryStack, secondary);
    // Other keys reach the peer only when the primary is planned with them too.
    const pairWide = new Set(PAIR_WIDE_KEYS.map(k => `${planner.projectName}:${k}`));
    if (overrides.some(o => !pairWide.has(o.key))) {
        const primary = await planner.plan(primaryStack, overrides);
        plan.primary = side(primaryStack, primary.outputs, primary.region);
    }
    return { plan, scrub: s => planner.scrub(s) };
}

export function renderPlan(p: FailbackPlan): string {
    const lines = [
        `Failback plan for pair ${p.pair} on ${p.cloud}`,
        `  primary   ${p.primary.stack} (${p.primary.region ?? "?"}) ${p.primary.hostname ?? ""} bucket ${p.primary.bucket ?? "?"}`,
        `  secondary ${p.secondary.stack} (${p.secondary.region ?? "?"}) ${p.secondary.hostname ?? ""} bucket ${p.secondary.bucket ?? "?"}`,
        "",
        ...p.steps.map(s => `${String(s.n).padStart(2)}. ${s.id.padEnd(28)} ${s.skipped ? `skipped: ${s.skipped}` : s.action}${s.n === p.confirmBeforeStep ? `   [needs --confirm ${p.primary.stack}]` : ""}`),
    ];
    return `${lines.join("\n")}\n`;
}
