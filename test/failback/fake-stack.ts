// StackPort over a config record the test (or the simulation in fakes.ts)
// owns: outputs as the Automation API returns them, preview as a diff line,
// up as a config change. Every call is recorded.
import type { Side } from "../../scripts/failback/ports";
import { StackOutput, StackPort } from "../../scripts/failback/stack-port";

export class FakeStack implements StackPort {
    readonly calls: string[] = [];
    /** Set to make the next up fail (the config stays as it was, as AutomationStack leaves it). */
    failUp?: string;

    /** outs as a function: outputs that change with an up (a promoted secondary gains its alarm back). */
    constructor(readonly name: string, readonly cfg: Record<string, string>, private readonly outs: Record<string, unknown> | (() => Record<string, unknown>), private readonly secrets: string[] = []) {}

    /** Test edits on top of the outputs: values to set, and keys to drop. */
    readonly set: Record<string, unknown> = {};
    readonly removed = new Set<string>();

    async outputs(): Promise<Record<string, StackOutput>> {
        this.calls.push("outputs");
        const outs = { ...(typeof this.outs === "function" ? this.outs() : this.outs), ...this.set };
        for (const k of this.removed) delete outs[k];
        return Object.fromEntries(Object.entries(outs).map(([k, value]) => [k, { value, secret: this.secrets.includes(k) }]));
    }

    async config(key: string): Promise<string | undefined> {
        this.calls.push(`config ${key}`);
        return this.cfg[key];
    }

    async preview(key: string, value: string): Promise<string> {
        this.calls.push(`preview ${key}=${value}`);
        return this.cfg[key] === value ? "" : `~ kubernetes:core.humio.com/v1alpha1:HumioCluster logscale update [diff: ~spec]\n  ${key}: ${this.cfg[key] ?? "(unset)"} => ${value}`;
    }

    async up(key: string, value: string): Promise<void> {
        this.calls.push(`up ${key}=${value}`);
        if (this.failUp) { const m = this.failUp; this.failUp = undefined; throw new Error(m); }
        this.cfg[key] = value;
    }
}

/** A kubeconfig as the stacks' `kubeconfig` output holds it, pointing at a local API server with a static token. */
export function kubeconfigFor(server: string, token = "kube-token"): string {
    return [
        "apiVersion: v1", "kind: Config", "current-context: test",
        "clusters:", "- name: test", "  cluster:", `    server: ${server}`,
        "contexts:", "- name: test", "  context:", "    cluster: test", "    user: test",
        "users:", "- name: test", "  user:", `    token: ${token}`, "",
    ].join("\n");
}

/** The pair's FakeStacks over the simulated config, with the outputs a live world reads; kubeconfig and the admin password are secret. */
export function fakeStackPair(config: Record<Side, Record<string, string>>, outputs: (side: Side) => Record<string, unknown>): Record<Side, FakeStack> {
    const secrets = ["kubeconfig", "logscaleAdminPassword"];
    return {
        primary: new FakeStack("primary", config.primary, () => outputs("primary"), secrets),
        secondary: new FakeStack("secondary", config.secondary, () => outputs("secondary"), secrets),
    };
}

/** The outputs every cloud's live world reads of a side: its cluster, its LogScale, and the primary's object key prefix. */
export function liveSideOutputs(kubeServer: string, side: Side, hostname: string): Record<string, unknown> {
    return {
        hostname, storageObjectKeyPrefix: side === "primary" ? "logscale" : undefined,
        kubeconfig: kubeconfigFor(kubeServer), logscaleClusterName: "logscale", logscaleAdminPassword: "not-a-token",
    };
}
