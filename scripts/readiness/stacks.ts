// The live wiring: both stacks' outputs through the Pulumi Automation API
// (LocalWorkspace over this project, with the credentials `pulumi up` uses),
// each cluster through its stack's kubeconfig output, the cloud through the
// adapter its `cloud` output selects (./clouds.ts). AutomationStacks is not
// exercised by the tests (no Pulumi backend here); liveInput and every port
// it builds are.

import { randomUUID } from "crypto";
import { CloudDeps, cloudPort } from "./clouds";
import { connectionFromKubeconfig, HttpCluster } from "./kube";
import { LiveInput } from "./live";
import { OutputValue, realClock, StacksPort } from "./ports";

export class AutomationStacks implements StacksPort {
    constructor(private readonly workDir: string) {}

    async outputs(stack: string): Promise<Record<string, OutputValue>> {
        const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
        const s = await LocalWorkspace.selectStack({ stackName: stack, workDir: this.workDir });
        return await s.outputs() as Record<string, OutputValue>;
    }
}

export async function liveInput(stacks: StacksPort, primaryStack: string, secondaryStack: string, clouds: CloudDeps = {}): Promise<LiveInput> {
    const outputs = { primary: await stacks.outputs(primaryStack), secondary: await stacks.outputs(secondaryStack) };
    const cluster = (side: "primary" | "secondary") => {
        const kc = outputs[side].kubeconfig?.value;
        if (typeof kc !== "string") throw new Error(`stack "${side === "primary" ? primaryStack : secondaryStack}" has no kubeconfig output`);
        return new HttpCluster(connectionFromKubeconfig(kc));
    };
    const plain = Object.fromEntries(Object.entries(outputs.secondary).filter(([, v]) => !v.secret).map(([k, v]) => [k, v.value]));
    const clusters = { primary: cluster("primary"), secondary: cluster("secondary") };
    return {
        primaryStack, secondaryStack, outputs, clusters,
        cloud: cloudPort(plain, clusters.secondary, secondaryStack, clouds),
        clock: realClock,
        runId: randomUUID(),
    };
}
