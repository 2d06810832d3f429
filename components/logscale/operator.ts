import type { DrMode } from "../../config/load";

export interface OperatorPlan {
    /** spec.replicas the DeploymentPatch declares. */
    replicas: 0 | 1;
    /** ignoreChanges of the DeploymentPatch. */
    patchIgnoreChanges: string[];
    /** ignoreChanges of the humio-operator Helm release. */
    releaseIgnoreChanges: string[];
    /** The HumioCluster may only exist once the operator is at its declared replicas. */
    clusterDependsOnPatch: boolean;
}

/**
 * How the humio-operator Deployment is held per DR mode.
 *
 * Standby: 0 replicas, and Pulumi never touches the count again. The failover
 * function scales it to 1; a later `pulumi up` of the standby must leave that
 * alone, hence ignoreChanges on spec.replicas. The chart hard-codes
 * `replicas: 1` and Helm's three-way merge re-applies it on every upgrade, so
 * the standby also freezes its release (chart version and values): an upgrade
 * there would start the operator, and with it LogScale, on the standby.
 * Promotion (dr: active) drops both freezes, so the same `pulumi up` applies
 * replicas 1 and any pending chart upgrade.
 */
export function operatorPlan(dr?: DrMode): OperatorPlan {
    if (dr === "standby") {
        return { replicas: 0, patchIgnoreChanges: ["spec.replicas"], releaseIgnoreChanges: ["version", "values", "chart", "repositoryOpts"], clusterDependsOnPatch: true };
    }
    return { replicas: 1, patchIgnoreChanges: [], releaseIgnoreChanges: [], clusterDependsOnPatch: false };
}

/** humio-operator chart values: cert-manager issues the intra-cluster TLS certificates (HumioCluster tls.enabled). */
export const HUMIO_OPERATOR_VALUES = {
    certmanager: true,
    operator: {
        resources: {
            requests: { cpu: "250m", memory: "750Mi" },
            limits: { cpu: "250m", memory: "750Mi" },
        },
    },
} as const;
