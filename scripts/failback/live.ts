// The live wiring of `npm run failback`: the plan from both stacks' outputs
// (Automation API), and the world a real run acts on: one per cloud.

import { PlanInputError } from "../plan/stackfile";
import type { FailbackArgs } from "./cli";
import { buildPlan, FailbackPlan, SideInfo } from "./plan";
import { FailbackWorld } from "./ports";
import { AutomationStack, StackOutput, StackPort } from "./stack-port";
import { AwsWorld } from "./world-aws";
import { AzureWorld } from "./world-azure";
import { OciWorld } from "./world-oci";

export type StackFactory = (name: string) => StackPort;

const str = (v: StackOutput | undefined) => (typeof v?.value === "string" ? v.value : undefined);

function sideInfo(stack: string, o: Record<string, StackOutput>): SideInfo {
    return { stack, region: str(o.region), hostname: str(o.hostname), bucket: str(o.storageBucket) ?? str(o.storageContainer) ?? str(o.bucketName) };
}

export async function livePlan(args: FailbackArgs, stacks: StackFactory): Promise<FailbackPlan> {
    // Overrides describe stacks not deployed yet; a live failback acts on stacks as they are.
    if (args.set.length) throw new PlanInputError(`--set ${args.set[0]} applies to the offline plans only; drop --set, or add --dry-run --offline`);
    const [p, s] = args.pair!;
    const [po, so] = [await stacks(p).outputs(), await stacks(s).outputs()];
    const [pc, sc] = [str(po.cloud), str(so.cloud)];
    if (!sc || pc !== sc) throw new PlanInputError(`--pair ${p},${s} does not match: ${p} is on ${pc ?? "(no cloud output)"}, ${s} on ${sc ?? "(no cloud output)"}`);
    return buildPlan(sc, sideInfo(p, po), sideInfo(s, so));
}

export async function liveWorld(plan: FailbackPlan, stacks: StackFactory): Promise<FailbackWorld> {
    if (plan.cloud === "azure") return AzureWorld.create({ primary: stacks(plan.primary.stack), secondary: stacks(plan.secondary.stack) });
    if (plan.cloud === "oci") return OciWorld.create({ primary: stacks(plan.primary.stack), secondary: stacks(plan.secondary.stack) });
    if (plan.cloud !== "aws") {
        throw new PlanInputError(`no live failback world for cloud ${JSON.stringify(plan.cloud)}; allowed: aws, azure, oci`);
    }
    return AwsWorld.create({ primary: stacks(plan.primary.stack), secondary: stacks(plan.secondary.stack) });
}

/** One AutomationStack per name, so the plan and the world share the selected stacks. */
export function automationStacks(workDir: string, log: (line: string) => void): StackFactory {
    const made = new Map<string, StackPort>();
    return name => {
        let s = made.get(name);
        if (!s) made.set(name, s = new AutomationStack(name, workDir, log));
        return s;
    };
}
