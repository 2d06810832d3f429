// The live outage method: the primary's HTTPRoutes detached from their
// Gateway (parentRefs emptied by JSON merge patch), the removed parentRefs
// kept in the RestoreRecord, and put back by restore. Why this method and not
// scaling the proxy: see OutageMethod in ./backend.ts.

import { httpRouteResources } from "../../components/logscale/gateway";
import { LOGSCALE_NAMESPACE } from "../../components/logscale/names";
import { KubeConnection, kubeRequest, statusMessage } from "../../functions/k8s/http";
import { OutageMethod, RestoreRecord } from "./backend";

const MERGE_PATCH = "application/merge-patch+json";
export const ROUTE_METHOD = "httproute-parentrefs";

type ParentRefs = Array<Record<string, unknown>>;

/**
 * All three of the primary's routes: `<cluster>-ui` serves /api/v1/status,
 * the path the Route 53 health check probes, so it alone makes the check
 * fail; `<cluster>-ingest` and `<cluster>-https-redirect` go too, so clients
 * see the whole front door gone as in a real outage, not a half-working one.
 * The names come from the component that creates the routes, so they cannot drift.
 */
export function primaryRouteNames(cluster: string): string[] {
    return Object.values(httpRouteResources({ clusterName: cluster, hostname: "", globalHostname: "" })).map(r => r.metadata.name);
}

export class RouteOutageError extends Error {}

export class HttpRouteOutage implements OutageMethod {
    readonly name = "detach the primary's HTTPRoutes from their Gateway (parentRefs)";
    private readonly routes: string[];

    constructor(private readonly conn: KubeConnection, cluster: string, private readonly namespace = LOGSCALE_NAMESPACE, private readonly timeoutMs = 10_000) {
        this.routes = primaryRouteNames(cluster);
    }

    private path(name: string): string {
        return `/apis/gateway.networking.k8s.io/v1/namespaces/${encodeURIComponent(this.namespace)}/httproutes/${encodeURIComponent(name)}`;
    }

    private async get(name: string): Promise<{ parentRefs: ParentRefs; resourceVersion?: string }> {
        const res = await kubeRequest(this.conn, undefined, { call: "k8s.getHTTPRoute", method: "GET", path: this.path(name), timeoutMs: this.timeoutMs });
        if (res.status === 404) throw new RouteOutageError(`HTTPRoute ${this.namespace}/${name} not found on the primary: the outage needs the routes components/logscale/gateway.ts creates`);
        if (res.status !== 200) throw new RouteOutageError(`reading HTTPRoute ${this.namespace}/${name}: HTTP ${res.status} ${statusMessage(res.body)}`);
        const obj = JSON.parse(res.body) as { metadata?: { resourceVersion?: string }; spec?: { parentRefs?: ParentRefs } };
        return { parentRefs: obj.spec?.parentRefs ?? [], resourceVersion: obj.metadata?.resourceVersion };
    }

    private async setParentRefs(name: string, parentRefs: ParentRefs, resourceVersion?: string): Promise<void> {
        // resourceVersion in a merge patch is a precondition: a route changed
        // since it was read answers 409 instead of losing that change.
        const body = { ...(resourceVersion ? { metadata: { resourceVersion } } : {}), spec: { parentRefs } };
        const res = await kubeRequest(this.conn, undefined, { call: "k8s.patchHTTPRoute", method: "PATCH", path: this.path(name), body, contentType: MERGE_PATCH, timeoutMs: this.timeoutMs });
        if (res.status !== 200) throw new RouteOutageError(`patching HTTPRoute ${this.namespace}/${name} parentRefs: HTTP ${res.status} ${statusMessage(res.body)}`);
    }

    async take(): Promise<RestoreRecord> {
        // Every route is read before any is changed, so a refusal leaves the primary as it was.
        const current = await Promise.all(this.routes.map(async name => ({ name, ...(await this.get(name)) })));
        const detached = current.filter(r => r.parentRefs.length === 0).map(r => `${this.namespace}/${r.name}`);
        if (detached.length) {
            throw new RouteOutageError(`refusing: HTTPRoute ${detached.join(", ")} already has no parentRefs (an earlier gameday not restored?); reattach it (pulumi up on the primary) before a new outage`);
        }
        const before: Record<string, ParentRefs> = {};
        for (const r of current) before[r.name] = r.parentRefs;
        const record: RestoreRecord = { method: ROUTE_METHOD, target: `HTTPRoute ${this.routes.map(n => `${this.namespace}/${n}`).join(", ")}`, before };
        const done: string[] = [];
        try {
            for (const r of current) {
                await this.setParentRefs(r.name, [], r.resourceVersion);
                done.push(r.name);
            }
        } catch (e) {
            // A half-taken outage has no record for run.ts to restore from: undo it here.
            await this.restore({ ...record, before: Object.fromEntries(done.map(n => [n, before[n]])) }).catch(() => undefined);
            throw e;
        }
        return record;
    }

    async restore(record: RestoreRecord): Promise<void> {
        if (record.method !== ROUTE_METHOD) throw new RouteOutageError(`restore record is for "${record.method}", not ${ROUTE_METHOD}`);
        const before = record.before as Record<string, ParentRefs>;
        const errors: string[] = [];
        // Each route on its own: one that fails must not keep the others detached.
        for (const [name, parentRefs] of Object.entries(before)) {
            try {
                const now = await this.get(name);
                if (JSON.stringify(now.parentRefs) === JSON.stringify(parentRefs)) continue;
                await this.setParentRefs(name, parentRefs);
            } catch (e) {
                errors.push((e as Error).message);
            }
        }
        if (errors.length) throw new RouteOutageError(errors.join("; "));
    }
}
