// One annotation of one Deployment, read and merge-patched: on Azure and OCI
// the failover function keeps its record there (functions/azure/platform.ts,
// functions/oci/platform.ts), not in a cloud parameter store.

import { kubeRequest, KubeConnection, statusMessage } from "../../functions/k8s/http";

const enc = encodeURIComponent;
const TIMEOUT_MS = 15_000;

export class DeploymentAnnotation {
    constructor(private readonly conn: KubeConnection, readonly namespace: string, readonly deployment: string, readonly key: string, private readonly where: string) {}

    private path(): string { return `/apis/apps/v1/namespaces/${enc(this.namespace)}/deployments/${enc(this.deployment)}`; }

    /** undefined when the Deployment carries no such annotation; a missing Deployment is an error, since the record cannot be judged without it. */
    async read(): Promise<string | undefined> {
        const r = await kubeRequest(this.conn, undefined, { call: "k8s GET", method: "GET", path: this.path(), timeoutMs: TIMEOUT_MS });
        if (r.status === 404) throw new Error(`deployment ${this.namespace}/${this.deployment} not found on the ${this.where} cluster; it holds the annotation ${this.key}`);
        if (r.status !== 200) throw new Error(`GET ${this.path()} on the ${this.where} cluster: HTTP ${r.status} ${statusMessage(r.body)}`);
        const d = JSON.parse(r.body) as { metadata?: { annotations?: Record<string, string> } };
        return d.metadata?.annotations?.[this.key];
    }

    /** A merge patch of this key alone: the function's other annotations (degraded-since) are left as they are. */
    async write(value: string): Promise<void> {
        const r = await kubeRequest(this.conn, undefined, {
            call: "k8s PATCH", method: "PATCH", path: this.path(), contentType: "application/merge-patch+json",
            body: { metadata: { annotations: { [this.key]: value } } }, timeoutMs: TIMEOUT_MS,
        });
        if (r.status !== 200) throw new Error(`annotating ${this.namespace}/${this.deployment} with ${this.key} on the ${this.where} cluster: HTTP ${r.status} ${statusMessage(r.body)}`);
    }
}
