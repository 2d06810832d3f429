// The standby's Kubernetes API as the drill sees it: one Deployment
// (humio-operator) and one TLS Secret in `logging`, with the API server's
// semantics for the calls the failover makes (compare-and-set scale, uid
// precondition on delete, merge-patched annotations), a latency per call on
// the simulated clock, and injected 429/5xx answers.

import { isRetryableStatus } from "../../functions/core/retry";
import { KubernetesApi, RemoteError, SecretMeta } from "../../functions/core/types";
import { SimClock } from "./sim-clock";

export type KubeCall = "deleteSecret" | "getSecretMeta" | "getDeploymentReplicas" | "scaleDeployment" | "scaleDeploymentFrom"
    | "getDeploymentAnnotation" | "getDeploymentAnnotations" | "annotateDeployment";

export interface KubeFault {
    /** The call to fail; undefined: every call. */
    call?: KubeCall;
    /** HTTP status answered. */
    status: number;
    /** Active from this simulated time (ms since the epoch); default: from the start. */
    fromMs?: number;
    /** Active until this time (exclusive); default: no end. */
    untilMs?: number;
    /** Only this many matching calls fail; default: every matching call in the window. */
    times?: number;
}

export interface ScaleEvent {
    atMs: number;
    from: number;
    to: number;
    /** "function": a failover invocation's compare-and-set; "human": a runbook step in the scenario. */
    by: "function" | "human";
}

export class SimKubernetes implements KubernetesApi {
    replicas = 0;
    annotations: Record<string, string> = {};
    secret: SecretMeta | undefined;
    readonly scales: ScaleEvent[] = [];
    readonly calls: { atMs: number; call: KubeCall; status: number }[] = [];
    private readonly faults: (KubeFault & { left: number })[] = [];
    private uid = 0;

    constructor(
        private readonly clock: SimClock,
        readonly namespace: string,
        readonly deployment: string,
        readonly secretName: string,
        private readonly latencyMs: (call: KubeCall) => number,
        /** Called when the Deployment goes from 0 to 1 or more replicas, or back to 0. */
        private readonly onReplicas: (event: ScaleEvent) => void = () => undefined,
    ) {}

    /** A TLS Secret created at this time (the stale one on a standby, or the operator's fresh one). */
    createSecret(atMs: number): SecretMeta {
        this.secret = { uid: `secret-${++this.uid}`, creationTimestamp: new Date(Math.floor(atMs / 1000) * 1000).toISOString().replace(".000Z", "Z") };
        return this.secret;
    }

    fault(f: KubeFault): void {
        this.faults.push({ ...f, left: f.times ?? Number.POSITIVE_INFINITY });
    }

    /** A human's `kubectl scale` (runbook steps in a scenario): no latency, no faults. */
    setReplicas(replicas: number): void {
        const from = this.replicas;
        this.replicas = replicas;
        if (from !== replicas) {
            this.record(from, replicas, "human");
        }
    }

    async deleteSecret(namespace: string, name: string, preconditions?: { uid: string }): Promise<"deleted" | "absent" | "replaced"> {
        await this.roundTrip("deleteSecret", namespace, name);
        if (name !== this.secretName || this.secret === undefined) {
            return "absent";
        }
        if (preconditions && preconditions.uid !== this.secret.uid) {
            return "replaced";
        }
        this.secret = undefined;
        return "deleted";
    }

    async getSecretMeta(namespace: string, name: string): Promise<SecretMeta | undefined> {
        await this.roundTrip("getSecretMeta", namespace, name);
        return name === this.secretName && this.secret ? { ...this.secret } : undefined;
    }

    async getDeploymentReplicas(namespace: string, name: string): Promise<number> {
        await this.roundTrip("getDeploymentReplicas", namespace, name);
        this.requireDeployment(name, "getDeploymentReplicas");
        return this.replicas;
    }

    async scaleDeployment(namespace: string, name: string, replicas: number): Promise<void> {
        await this.roundTrip("scaleDeployment", namespace, name);
        this.requireDeployment(name, "scaleDeployment");
        const from = this.replicas;
        this.replicas = replicas;
        if (from !== replicas) {
            this.record(from, replicas, "function");
        }
    }

    async scaleDeploymentFrom(namespace: string, name: string, from: number, to: number): Promise<"scaled" | "conflict"> {
        await this.roundTrip("scaleDeploymentFrom", namespace, name);
        this.requireDeployment(name, "scaleDeploymentFrom");
        if (this.replicas !== from) {
            return "conflict";
        }
        this.replicas = to;
        if (from !== to) {
            this.record(from, to, "function");
        }
        return "scaled";
    }

    async getDeploymentAnnotation(namespace: string, name: string, key: string): Promise<string | undefined> {
        await this.roundTrip("getDeploymentAnnotation", namespace, name);
        this.requireDeployment(name, "getDeploymentAnnotation");
        return this.annotations[key];
    }

    async getDeploymentAnnotations(namespace: string, name: string, keys: readonly string[]): Promise<Record<string, string | undefined>> {
        await this.roundTrip("getDeploymentAnnotations", namespace, name);
        this.requireDeployment(name, "getDeploymentAnnotations");
        return Object.fromEntries(keys.filter(k => k in this.annotations).map(k => [k, this.annotations[k]]));
    }

    async annotateDeployment(namespace: string, name: string, annotations: Record<string, string | null>): Promise<void> {
        await this.roundTrip("annotateDeployment", namespace, name);
        this.requireDeployment(name, "annotateDeployment");
        for (const [k, v] of Object.entries(annotations)) {
            if (v === null) {
                delete this.annotations[k];
            } else {
                this.annotations[k] = v;
            }
        }
    }

    /** Successful 0 -> n scale-ups made by failover invocations. */
    functionScaleUps(): ScaleEvent[] {
        return this.scales.filter(s => s.by === "function" && s.from === 0 && s.to >= 1);
    }

    private record(from: number, to: number, by: ScaleEvent["by"]): void {
        const event = { atMs: this.clock.now(), from, to, by };
        this.scales.push(event);
        this.onReplicas(event);
    }

    private requireDeployment(name: string, call: KubeCall): void {
        if (name !== this.deployment) {
            throw new RemoteError(`k8s.${call}: deployments.apps "${name}" not found (HTTP 404)`, 404, false, `k8s.${call}`);
        }
    }

    /** The request's latency, then its injected fault if one matches (the answer comes back after the round trip). */
    private async roundTrip(call: KubeCall, namespace: string, name: string): Promise<void> {
        await this.clock.sleep(this.latencyMs(call));
        const now = this.clock.now();
        if (namespace !== this.namespace) {
            this.calls.push({ atMs: now, call, status: 403 });
            throw new RemoteError(`k8s.${call}: namespace ${namespace} is outside the function's access (HTTP 403)`, 403, false, `k8s.${call}`);
        }
        const fault = this.faults.find(f => f.left > 0 && (f.call === undefined || f.call === call)
            && (f.fromMs === undefined || now >= f.fromMs) && (f.untilMs === undefined || now < f.untilMs));
        if (fault) {
            fault.left--;
            this.calls.push({ atMs: now, call, status: fault.status });
            throw new RemoteError(`k8s.${call} ${namespace}/${name}: HTTP ${fault.status} (injected by the drill)`, fault.status, isRetryableStatus(fault.status), `k8s.${call}`);
        }
        this.calls.push({ atMs: now, call, status: 200 });
    }
}
