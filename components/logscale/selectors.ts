import { nodePoolLabel } from "./names";
import type { ClusterLayout } from "./types";

export interface ServiceSelectors {
    ui: Record<string, string>;
    ingest: Record<string, string>;
}

/** Label every LogScale pod carries, whatever its pool. */
export const ANY_LOGSCALE_POD = { "app.kubernetes.io/name": "humio" } as const;

/**
 * Selectors of the UI and ingest Services.
 *
 * drUseDedicatedRouting=false selects every LogScale pod: phase 1 of a
 * promotion keeps traffic on the single recovered digest pod while the new
 * pools start. true selects the dedicated pool, or the digest pool when this
 * stack's layout has no such pool. The layout, not the cluster type, decides:
 * a standby of an internal-ingest cluster has no UI or ingest pool, and a
 * selector naming one would leave the Services empty after a failover.
 */
export function serviceSelectors(
    clusterName: string,
    layout: Pick<ClusterLayout, "ingest" | "ui">,
    drUseDedicatedRouting: boolean,
): ServiceSelectors {
    if (!drUseDedicatedRouting) return { ui: { ...ANY_LOGSCALE_POD }, ingest: { ...ANY_LOGSCALE_POD } };
    return {
        ui: { "humio.com/node-pool": nodePoolLabel(clusterName, layout.ui ? "ui" : undefined) },
        ingest: { "humio.com/node-pool": nodePoolLabel(clusterName, layout.ingest ? "ingest" : undefined) },
    };
}
