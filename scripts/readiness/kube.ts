// ClusterPort over a cluster's REST API with node's http/https (the same
// transport as the failover functions), so the tests' FakeKubernetes is
// spoken to exactly as a real API server would be.

import { execFile } from "child_process";
import * as YAML from "yaml";
import { clipBody, exchange, jsonPayload } from "../../functions/http/exchange";
import { KubeConnection, statusMessage } from "../../functions/k8s/http";
import { ClusterPort, JobState } from "./ports";

const enc = encodeURIComponent;

export class KubeError extends Error {}

export class HttpCluster implements ClusterPort {
    constructor(private readonly conn: KubeConnection, private readonly timeoutMs = 10_000) {}

    private async call(method: string, path: string, body?: unknown, accept = "application/json"): Promise<{ status: number; body: string }> {
        const url = new URL(path, this.conn.server);
        const token = this.conn.token ? await this.conn.token() : undefined;
        const json = jsonPayload(body, "application/json");
        const res = await exchange({ call: `k8s ${method}`, method, timeoutMs: this.timeoutMs }, {
            url, payload: json.payload, maxResponseBytes: 4 * 1024 * 1024, where: `${method} ${url.pathname}`, caPem: this.conn.caPem, certificateErrorsFinal: true,
            headers: { accept, ...(token ? { authorization: `Bearer ${token}` } : {}), ...json.headers },
        });
        return { status: res.status, body: res.body };
    }

    private async getJson(path: string): Promise<Record<string, unknown> | undefined> {
        const res = await this.call("GET", path);
        if (res.status === 404) return undefined;
        if (res.status !== 200) throw new KubeError(`GET ${path}: HTTP ${res.status} ${statusMessage(res.body)}`);
        return JSON.parse(res.body) as Record<string, unknown>;
    }

    async deploymentReplicas(namespace: string, name: string): Promise<number | undefined> {
        const d = await this.getJson(`/apis/apps/v1/namespaces/${enc(namespace)}/deployments/${enc(name)}`);
        if (!d) return undefined;
        // The API server defaults spec.replicas to 1 when the manifest leaves it out.
        const r = (d.spec as { replicas?: unknown } | undefined)?.replicas ?? 1;
        if (typeof r !== "number") throw new KubeError(`deployment ${namespace}/${name}: spec.replicas is ${JSON.stringify(r)}`);
        return r;
    }

    async deploymentLabels(namespace: string, name: string): Promise<Record<string, string> | undefined> {
        const d = await this.getJson(`/apis/apps/v1/namespaces/${enc(namespace)}/deployments/${enc(name)}`);
        return d ? ((d.metadata as { labels?: Record<string, string> }).labels ?? {}) : undefined;
    }

    object(apiVersion: string, plural: string, namespace: string, name: string): Promise<Record<string, unknown> | undefined> {
        return this.getJson(`/apis/${apiVersion}/namespaces/${enc(namespace)}/${plural}/${enc(name)}`);
    }

    async secretValue(namespace: string, name: string, key: string): Promise<string | undefined> {
        const s = await this.getJson(`/api/v1/namespaces/${enc(namespace)}/secrets/${enc(name)}`);
        const v = (s?.data as Record<string, string> | undefined)?.[key];
        return v === undefined ? undefined : Buffer.from(v, "base64").toString("utf8");
    }

    async createJob(manifest: Record<string, unknown>): Promise<void> {
        const ns = (manifest.metadata as { namespace: string }).namespace;
        const res = await this.call("POST", `/apis/batch/v1/namespaces/${enc(ns)}/jobs`, manifest);
        if (res.status !== 201 && res.status !== 200) throw new KubeError(`creating the Job in ${ns}: HTTP ${res.status} ${statusMessage(res.body)}`);
    }

    async job(namespace: string, name: string): Promise<JobState | undefined> {
        const j = await this.getJson(`/apis/batch/v1/namespaces/${enc(namespace)}/jobs/${enc(name)}`);
        if (!j) return undefined;
        const st = (j.status ?? {}) as { succeeded?: number; failed?: number; conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> };
        const failedCond = st.conditions?.find(c => c.type === "Failed" && c.status === "True");
        return {
            succeeded: (st.succeeded ?? 0) > 0,
            failed: (st.failed ?? 0) > 0 || failedCond !== undefined,
            failure: failedCond ? [failedCond.reason, failedCond.message].filter(Boolean).join(": ") : undefined,
        };
    }

    async jobLog(namespace: string, jobName: string, tailLines = 20): Promise<string | undefined> {
        const list = await this.getJson(`/api/v1/namespaces/${enc(namespace)}/pods?labelSelector=${enc(`job-name=${jobName}`)}`);
        const pod = ((list?.items ?? []) as Array<{ metadata: { name: string } }>)[0];
        if (!pod) return undefined;
        const res = await this.call("GET", `/api/v1/namespaces/${enc(namespace)}/pods/${enc(pod.metadata.name)}/log?tailLines=${tailLines}`, undefined, "text/plain");
        if (res.status !== 200) throw new KubeError(`log of pod ${pod.metadata.name}: HTTP ${res.status} ${clipBody(res.body)}`);
        return res.body;
    }

    async deleteJob(namespace: string, name: string): Promise<void> {
        const res = await this.call("DELETE", `/apis/batch/v1/namespaces/${enc(namespace)}/jobs/${enc(name)}`,
            { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Background" });
        if (res.status !== 200 && res.status !== 202 && res.status !== 404) throw new KubeError(`deleting Job ${namespace}/${name}: HTTP ${res.status} ${statusMessage(res.body)}`);
    }
}

/**
 * A connection from a kubeconfig (the stack's `kubeconfig` output): its current
 * context's server and CA, and either a static token or the exec plugin
 * (e.g. `aws eks get-token`), run again on each request for a fresh token.
 */
export function connectionFromKubeconfig(text: string, run: (cmd: string, args: string[], env: Record<string, string>) => Promise<string> = runExec): KubeConnection {
    const kc = YAML.parse(text) as {
        "current-context"?: string;
        contexts?: Array<{ name: string; context: { cluster: string; user: string } }>;
        clusters?: Array<{ name: string; cluster: { server: string; "certificate-authority-data"?: string } }>;
        users?: Array<{ name: string; user: { token?: string; exec?: { command: string; args?: string[]; env?: Array<{ name: string; value: string }> } } }>;
    };
    const ctx = kc.contexts?.find(c => c.name === kc["current-context"]) ?? kc.contexts?.[0];
    const cluster = kc.clusters?.find(c => c.name === ctx?.context.cluster) ?? kc.clusters?.[0];
    const user = kc.users?.find(u => u.name === ctx?.context.user) ?? kc.users?.[0];
    if (!cluster) throw new KubeError("the kubeconfig has no cluster");
    const ca = cluster.cluster["certificate-authority-data"];
    const exec = user?.user.exec;
    const staticToken = user?.user.token;
    return {
        server: cluster.cluster.server,
        caPem: ca ? Buffer.from(ca, "base64").toString("utf8") : undefined,
        token: staticToken !== undefined ? () => staticToken : exec ? async () => {
            const env = Object.fromEntries((exec.env ?? []).map(e => [e.name, e.value]));
            const out = JSON.parse(await run(exec.command, exec.args ?? [], env)) as { status?: { token?: string } };
            if (!out.status?.token) throw new KubeError(`${exec.command} returned no status.token`);
            return out.status.token;
        } : undefined,
    };
}

function runExec(cmd: string, args: string[], env: Record<string, string>): Promise<string> {
    return new Promise((resolve, reject) => execFile(cmd, args, { env: { ...process.env, ...env }, timeout: 30_000 }, (e, stdout) => (e ? reject(e) : resolve(stdout))));
}
