/**
 * FailbackWorld over HTTP to the fakes: each method is one or two requests,
 * so what the runner sees is what went over the wire. The DNS and alarm
 * documents are in each cloud's own terms (Route 53 health-check FQDN,
 * Traffic Manager endpoint status, OCI steering-policy answer).
 */
import { encodeFailoverRecord, parseFailoverRecord } from "../../functions/core/record";
import { FailoverRecord } from "../../functions/core/types";
import { BucketObject, FailbackWorld, Side } from "../../scripts/failback/ports";
import { Cloud, FailbackFakes, RECORD_ANNOTATION } from "./fakes";

const LOCKED_FQDN = "failover-locked.invalid";

async function call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ code: number; text: string }> {
    const res = await fetch(url, {
        method,
        headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { code: res.status, text: await res.text() };
}

async function json<T>(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
    const r = await call(method, url, body, headers);
    if (r.code >= 300) throw new Error(`${method} ${new URL(url).pathname}: HTTP ${r.code} ${r.text.slice(0, 80)}`);
    return JSON.parse(r.text) as T;
}

export class HttpWorld implements FailbackWorld {
    constructor(private readonly f: FailbackFakes, private readonly cloud: Cloud = f.cloud) {}

    private side(side: Side, path: string): string { return `${this.f.url}/${side}${path}`; }
    private operator(side: Side): string { return `${this.f.kube[side].url}/apis/apps/v1/namespaces/logging/deployments/humio-operator`; }

    async primaryHealthy(): Promise<{ ok: boolean; found: string }> {
        try {
            const nodes = await json<{ items: { metadata: { name: string }; status: { conditions: { type: string; status: string }[] } }[] }>("GET", this.side("primary", "/k8s/api/v1/nodes"));
            const notReady = nodes.items.filter(n => !n.status.conditions.some(c => c.type === "Ready" && c.status === "True")).map(n => n.metadata.name);
            if (nodes.items.length === 0) return { ok: false, found: "no nodes" };
            return notReady.length ? { ok: false, found: `${notReady.length} of ${nodes.items.length} nodes not Ready (${notReady.join(", ")})` } : { ok: true, found: `${nodes.items.length} nodes Ready` };
        } catch (e) {
            return { ok: false, found: `API not reachable: ${(e as Error).message}` };
        }
    }

    async dnsLocked(): Promise<boolean> {
        const d = await json<Record<string, unknown>>("GET", `${this.f.url}/dns`);
        return this.cloud === "aws" ? d.fqdn === LOCKED_FQDN : this.cloud === "azure" ? d.endpointStatus === "Disabled" : d.isDisabled === true;
    }

    async unlockDns(): Promise<void> {
        const body = this.cloud === "aws" ? { fqdn: "logscale-us-west-2.example.com" } : this.cloud === "azure" ? { endpointStatus: "Enabled" } : { isDisabled: false };
        await json("PUT", `${this.f.url}/dns`, body);
    }

    private async rawRecord(): Promise<string | undefined> {
        if (this.cloud === "aws") return (await json<{ value: string }>("GET", `${this.f.url}/record`)).value;
        const d = await json<{ metadata: { annotations?: Record<string, string> } }>("GET", this.operator("secondary"));
        return d.metadata.annotations?.[RECORD_ANNOTATION];
    }

    async lockRecord(): Promise<FailoverRecord | undefined> {
        const r = parseFailoverRecord(await this.rawRecord());
        if (r && "error" in r) throw new Error(`failover record ${r.error}`);
        return r;
    }

    async clearLockRecord(): Promise<void> {
        const r = await this.lockRecord();
        if (!r) return;
        const value = encodeFailoverRecord({ epochSeconds: r.epochSeconds, lock: "applied" });
        if (this.cloud === "aws") { await json("PUT", `${this.f.url}/record`, { value }); return; }
        const res = await fetch(this.operator("secondary"), { method: "PATCH", headers: { "content-type": "application/merge-patch+json" }, body: JSON.stringify({ metadata: { annotations: { [RECORD_ANNOTATION]: value } } }) });
        if (!res.ok) throw new Error(`PATCH the failover record on the secondary: HTTP ${res.status}`);
    }

    private alarmField(): string { return this.cloud === "aws" ? "actionsEnabled" : this.cloud === "azure" ? "enabled" : "isEnabled"; }

    async alarmEnabled(): Promise<boolean | undefined> {
        // As the live worlds see it: a promoted secondary's outputs name no alarm.
        if (!this.f.alarmExists()) return undefined;
        return (await json<Record<string, unknown>>("GET", `${this.f.url}/alarm`))[this.alarmField()] === true;
    }

    async setAlarm(enabled: boolean): Promise<void> {
        await json("PUT", `${this.f.url}/alarm`, { [this.alarmField()]: enabled });
    }

    private async graphql<T>(side: Side, query: string): Promise<T> {
        const secret = await json<{ data: { token: string } }>("GET", `${this.f.kube[side].url}/api/v1/namespaces/logging/secrets/logscale-admin-token`);
        const token = Buffer.from(secret.data.token, "base64").toString("utf8");
        const r = await json<{ data: T | null; errors?: { message: string }[] }>("POST", this.side(side, "/logscale/graphql"), { query }, { authorization: `Bearer ${token}` });
        if (r.errors?.length) throw new Error(`GraphQL error from the ${side}: ${r.errors.map(e => e.message).join("; ")}`);
        return r.data as T;
    }

    async flushOnShutdown(side: Side): Promise<boolean> {
        const d = await this.graphql<{ dynamicConfigs: { dynamicConfigKey: string; dynamicConfigValue: string }[] }>(side, "query { dynamicConfigs { dynamicConfigKey dynamicConfigValue } }");
        return d.dynamicConfigs.find(c => c.dynamicConfigKey === "FlushSegmentsAndGlobalOnShutdown")?.dynamicConfigValue === "true";
    }

    async setFlushOnShutdown(side: Side): Promise<void> {
        await this.graphql(side, 'mutation { setDynamicConfig(input: {config: FlushSegmentsAndGlobalOnShutdown, value: "true"}) }');
    }

    async operatorReplicas(side: Side): Promise<number> {
        return (await json<{ spec: { replicas?: number } }>("GET", this.operator(side))).spec.replicas ?? 1;
    }

    async scaleOperator(side: Side, replicas: number): Promise<void> {
        const r = await fetch(this.operator(side), { method: "PATCH", headers: { "content-type": "application/merge-patch+json" }, body: JSON.stringify({ spec: { replicas } }) });
        if (!r.ok) throw new Error(`PATCH humio-operator on the ${side}: HTTP ${r.status}`);
    }

    async logscalePods(side: Side): Promise<number> {
        return (await json<{ items: unknown[] }>("GET", this.side(side, "/k8s/api/v1/namespaces/logging/pods?labelSelector=app.kubernetes.io%2Fname%3Dhumio"))).items.length;
    }

    storagePrefix(side: Side): string { return this.f.sim[side].prefix; }

    async listObjects(side: Side, prefix: string): Promise<BucketObject[]> {
        return (await json<{ objects: BucketObject[] }>("GET", this.side(side, `/bucket?prefix=${encodeURIComponent(prefix)}`))).objects;
    }

    async deleteObjects(side: Side, keys: string[]): Promise<void> {
        await json("POST", this.side(side, "/bucket/delete"), { keys });
    }

    private topic(side: Side): string { return this.side(side, "/k8s/apis/kafka.strimzi.io/v1beta2/namespaces/logging/kafkatopics/global-events"); }

    async kafkaTopicExists(side: Side): Promise<boolean> {
        const r = await call("GET", this.topic(side));
        if (r.code === 404) return false;
        if (r.code !== 200) throw new Error(`GET KafkaTopic global-events on the ${side}: HTTP ${r.code}`);
        return true;
    }

    async deleteKafkaTopic(side: Side): Promise<void> {
        await json("DELETE", this.topic(side));
    }

    async loaderLines(side: Side): Promise<string[]> {
        const r = await call("GET", this.side(side, "/k8s/api/v1/namespaces/logging/pods/logscale-core-0/log?container=humio"));
        if (r.code !== 200) throw new Error(`pod log on the ${side}: HTTP ${r.code}`);
        return r.text.split("\n").filter(l => l.includes("DataSnapshotLoader"));
    }

    async status(side: Side): Promise<{ code: number; body: string }> {
        const r = await call("GET", this.side(side, "/logscale/api/v1/status"));
        return { code: r.code, body: r.text };
    }

    async stackConfig(side: Side, key: string): Promise<string | undefined> {
        return (await json<{ value: string | null }>("GET", this.side(side, `/stack/config/${encodeURIComponent(key)}`))).value ?? undefined;
    }

    async preview(side: Side, key: string, value: string): Promise<string> {
        return (await json<{ diff: string }>("POST", this.side(side, "/stack/preview"), { key, value })).diff;
    }

    async up(side: Side, key: string, value: string): Promise<void> {
        await json("POST", this.side(side, "/stack/up"), { key, value });
    }
}
