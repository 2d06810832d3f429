// The live wiring: both stacks' outputs through the Pulumi Automation API
// (LocalWorkspace over this project, with the credentials `pulumi up` uses),
// each cluster through its stack's kubeconfig output, the cloud through its
// SDK. Not exercised by the tests (no Pulumi backend or cloud here); every
// port it builds is.

import { randomUUID } from "crypto";
import { AwsCloud, awsNamesFromOutputs } from "./aws";
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

export async function liveInput(stacks: StacksPort, primaryStack: string, secondaryStack: string): Promise<LiveInput> {
    const outputs = { primary: await stacks.outputs(primaryStack), secondary: await stacks.outputs(secondaryStack) };
    const cluster = (side: "primary" | "secondary") => {
        const kc = outputs[side].kubeconfig?.value;
        if (typeof kc !== "string") throw new Error(`stack "${side === "primary" ? primaryStack : secondaryStack}" has no kubeconfig output`);
        return new HttpCluster(connectionFromKubeconfig(kc));
    };
    const plain = Object.fromEntries(Object.entries(outputs.secondary).filter(([, v]) => !v.secret).map(([k, v]) => [k, v.value]));
    const cloud = plain.cloud;
    if (cloud !== "aws") throw new Error(`the live checks are wired for AWS pairs; "${secondaryStack}" is ${String(cloud)}: run with --offline`);
    return {
        primaryStack, secondaryStack, outputs,
        clusters: { primary: cluster("primary"), secondary: cluster("secondary") },
        cloud: new AwsCloud(awsNamesFromOutputs(plain)),
        clock: realClock,
        runId: randomUUID(),
    };
}
