// Azure RBAC used by this stack. The failover function gets two custom roles
// with exactly the calls it makes, each assigned at the narrowest scope Azure
// offers: the Traffic Manager profile, and the `logging` namespace of the AKS
// cluster.

/** Built-in role definition GUIDs (same in every tenant). */
export const BUILT_IN_ROLES = {
    /** The AKS control plane identity joins the node subnet and the ingress public IP. */
    networkContributor: "4d97b98b-1d4f-4787-a291-c67834d212e7",
    /** The function host's own storage (keys, timer locks) and its package, in its own account. */
    storageBlobDataOwner: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
    /** The failover queue (and the host's poison queue) in the function's own account. */
    storageQueueDataContributor: "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
    /**
     * The failover function, on the Traffic Manager profile only: the holdoff reads the profile's
     * endpoint-state metric (Microsoft.Insights/metrics/read), which the lock's custom role does not
     * grant; Monitoring Reader is the narrowest built-in role that does, and at that scope reads nothing else.
     */
    monitoringReader: "43d0d8ad-25c7-4714-9337-8ba259a9fe05",
    /** The deploying principal, on this cluster only: Pulumi installs CRDs and cluster-wide charts. */
    aksRbacClusterAdmin: "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
} as const;

/** ARM actions of the lock: read the primary endpoint's status, set it Disabled. */
export const TRAFFIC_MANAGER_LOCK_ACTIONS = [
    "Microsoft.Network/trafficManagerProfiles/externalEndpoints/read",
    "Microsoft.Network/trafficManagerProfiles/externalEndpoints/write",
] as const;

/**
 * Kubernetes data actions (Azure RBAC for Kubernetes) of the failover:
 * read/patch the humio-operator Deployment (replicas, holdoff and cooldown
 * annotations), read the stale TLS Secret's metadata and delete it.
 */
export const AKS_FAILOVER_DATA_ACTIONS = [
    "Microsoft.ContainerService/managedClusters/apps/deployments/read",
    "Microsoft.ContainerService/managedClusters/apps/deployments/write",
    "Microsoft.ContainerService/managedClusters/secrets/read",
    "Microsoft.ContainerService/managedClusters/secrets/delete",
] as const;

/**
 * The readiness run's extra read: the HumioCluster, a custom resource. Azure
 * RBAC for Kubernetes names built-in kinds one by one, but a custom role can
 * only cover CRDs with this wildcard read (AKS "Use Azure RBAC for Kubernetes
 * authorization"); it is read-only, assigned at the namespace scope, and
 * exists only while the readiness schedule does.
 */
export const AKS_READINESS_DATA_ACTIONS = [
    "Microsoft.ContainerService/managedClusters/*/read",
] as const;

/** Full id of a role definition, as a role assignment names it. */
export function roleDefinitionResourceId(subscriptionId: string, roleGuid: string): string {
    return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`;
}

/** Azure RBAC for Kubernetes scopes a namespace as a child of the cluster resource. */
export function namespaceScope(aksClusterId: string, namespace: string): string {
    return `${aksClusterId}/namespaces/${namespace}`;
}

/** The resource group part of any resource id: custom roles are assignable at group scope. */
export function resourceGroupIdOf(resourceId: string): string {
    const m = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+)(\/|$)/i.exec(resourceId);
    if (!m) {
        throw new Error(`${JSON.stringify(resourceId)} is not an Azure resource id inside a resource group`);
    }
    return m[1];
}
