// What the per-cloud live readiness tests share: a virtual clock, stack
// outputs as the Automation API returns them, a kubeconfig for a
// FakeKubernetes, the two clusters' LogScale objects, and a run of `main`
// whose live input comes from liveInput (the wiring a real run uses).
import * as assert from "assert";
import * as path from "path";
import { main } from "../../scripts/readiness/cli";
import { CloudDeps } from "../../scripts/readiness/clouds";
import { OutputValue, StacksPort } from "../../scripts/readiness/ports";
import { liveInput } from "../../scripts/readiness/stacks";
import { EnvVar } from "../../scripts/readiness/job";
import { FakeKubernetes } from "../support/fake-k8s";

export const DIR = path.resolve(__dirname, "..", "..");
export const IMAGE = "humio/humio-core:1.252.1";
export const S = 1000;
export const PROBE_OK = "LOGSCALE-DR-PROBE ok objects=4 newest=globalsnapshots/globalsnapshot-1736942400000.json\n";

export class VirtualClock {
    t = 0;
    now() { return this.t; }
    async sleep(ms: number) { this.t += ms; }
}

export const out = (o: Record<string, unknown>, secret: string[] = []): Record<string, OutputValue> =>
    Object.fromEntries(Object.entries(o).map(([k, v]) => [k, { value: v, secret: secret.includes(k) }]));

/** A kubeconfig with a static token, as the stack's kubeconfig output would hold for the fake's server. */
export const kubeconfigFor = (server: string) => [
    "apiVersion: v1", "kind: Config", "current-context: fake",
    "clusters:", "- name: fake", "  cluster:", `    server: ${server}`,
    "contexts:", "- name: fake", "  context: {cluster: fake, user: fake}",
    "users:", "- name: fake", "  user: {token: fake-token}", "",
].join("\n");

/** The LogScale layer both sides share: HumioCluster, Kafka, Strimzi and humio-operator. */
export function logscaleSide(kube: FakeKubernetes, env: EnvVar[], operator: { replicas: number; annotations?: Record<string, string> }, image = IMAGE): void {
    kube.putHumioCluster("logging", "logscale", { image, nodeCount: 3, commonEnvironmentVariables: env });
    kube.putObject("kafka.strimzi.io/v1", "Kafka", "kafkas", "logging", "logscale-strimzi-kafka", { spec: { kafka: { version: "4.3.1" } } });
    kube.putDeployment("logging", "strimzi-cluster-operator", { replicas: 1, labels: { "helm.sh/chart": "strimzi-kafka-operator-1.2.0" } });
    kube.putDeployment("logging", "humio-operator", { ...operator, labels: { "helm.sh/chart": "humio-operator-0.34.1" } });
}

export type Doc = { mode: string; checks: Array<{ name: string; verdict: string; reason: string }>; skipped: Array<{ name: string; reason: string }> };

export interface LiveRun {
    outputs: { primary: Record<string, OutputValue>; secondary: Record<string, OutputValue> };
    clouds: CloudDeps;
    clock: VirtualClock;
}

/** `npm run readiness -- --stack secondary --json` over liveInput, with the probe's waits on the virtual clock. */
export async function runLive(r: LiveRun): Promise<{ code: number; out: string; err: string; doc?: Doc }> {
    const stacks: StacksPort = { outputs: async s => r.outputs[s as "primary" | "secondary"] };
    let o = "";
    let e = "";
    const code = await main(["--stack", "secondary", "--json"], {
        dir: DIR, stdout: s => { o += s; }, stderr: s => { e += s; },
        live: async (p, s) => ({ ...(await liveInput(stacks, p, s, r.clouds)), clock: r.clock, runId: "test-run", pollMs: 5 * S, jobTimeoutMs: 120 * S }),
    });
    return { code, out: o, err: e, doc: o ? JSON.parse(o) as Doc : undefined };
}

export const check = (d: Doc | undefined, name: string) => {
    const c = d?.checks.find(x => x.name === name);
    assert.ok(c, `no check ${name} in ${JSON.stringify(d)}`);
    return c;
};

export const LIVE_CHECKS = [
    "logscale-version", "humio-operator-version", "strimzi-version", "kafka-version", "encryption-key", "recover-from",
    "operator", "dns-lock", "dns-targets", "alarm", "self-test", "recovery-path"];
