import * as authorization from "@pulumi/azure-native/authorization";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterLayout } from "../logscale/types";
import { aksKubeconfig, AksEndpoint, parseAksKubeconfig } from "./kubeconfig";
import type { AddressPlan } from "./names";
import { aksPoolSpecs, AksPoolSpec } from "./pools";
import { BUILT_IN_ROLES, roleDefinitionResourceId } from "./roles";

export interface AksClusterArgs {
    /** Physical cluster name (also its DNS prefix). */
    clusterName: string;
    location: string;
    resourceGroupName: pulumi.Input<string>;
    kubernetesVersion: string;
    layout: ClusterLayout;
    nodeSubnetId: pulumi.Input<string>;
    addressPlan: AddressPlan;
    /** The ingress public IP the cluster's load balancer must be allowed to use. */
    ingressPublicIpId: pulumi.Input<string>;
    /** Entra ID groups bound to cluster-admin. */
    adminGroupObjectIds: string[];
    tenantId: pulumi.Input<string>;
    subscriptionId: pulumi.Input<string>;
    /** Object id of the principal running Pulumi: it gets RBAC Cluster Admin on this cluster only. */
    deployerObjectId: pulumi.Input<string>;
}

/**
 * AKS with Entra ID authentication and Azure RBAC for Kubernetes
 * authorization (local accounts disabled: every caller, Pulumi and the
 * failover function included, is an Entra ID identity with an Azure role),
 * Azure CNI overlay, and one node pool per role of the layout, each labelled
 * k8s-app=<role> for the LogScale layer's node affinity.
 */
export class AksCluster extends pulumi.ComponentResource {
    public readonly cluster: containerservice.ManagedCluster;
    public readonly clusterId: pulumi.Output<string>;
    public readonly clusterName: pulumi.Output<string>;
    /** API server URL and CA, for the Kubernetes provider and the failover function. */
    public readonly endpoint: pulumi.Output<AksEndpoint>;
    /** kubelogin-based kubeconfig; it carries no credential. */
    public readonly kubeconfig: pulumi.Output<string>;
    public readonly provider: k8s.Provider;
    public readonly pools: AksPoolSpec[];

    constructor(name: string, args: AksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("logscale:azure:AksCluster", name, {}, opts);
        const child = { parent: this };
        this.pools = aksPoolSpecs(args.layout);
        const [system, ...userPools] = this.pools;

        // A user-assigned control-plane identity can be granted its network
        // roles before the cluster exists, so the first load balancer never
        // races a role assignment.
        const identity = new managedidentity.UserAssignedIdentity(`${name}-identity`, {
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            resourceName: `${args.clusterName}-aks`,
        }, child);
        const networkRoles = [
            ["subnet", args.nodeSubnetId],
            ["ingress-ip", args.ingressPublicIpId],
        ].map(([id, scope]) => new authorization.RoleAssignment(`${name}-network-${id}`, {
            principalId: identity.principalId,
            principalType: "ServicePrincipal",
            roleDefinitionId: pulumi.output(args.subscriptionId).apply(s => roleDefinitionResourceId(s, BUILT_IN_ROLES.networkContributor)),
            scope,
            description: `AKS ${args.clusterName}: join the node subnet and attach the ingress public IP`,
        }, child));

        const poolCommon = (p: AksPoolSpec) => ({
            vmSize: p.vmSize,
            count: p.count,
            enableAutoScaling: p.autoscale,
            ...(p.autoscale ? { minCount: p.minCount, maxCount: p.maxCount } : {}),
            osDiskSizeGB: p.osDiskSizeGB,
            osDiskType: "Managed",
            osType: "Linux",
            osSKU: "AzureLinux",
            mode: p.mode,
            type: "VirtualMachineScaleSets",
            nodeLabels: p.nodeLabels,
            vnetSubnetID: args.nodeSubnetId,
            orchestratorVersion: args.kubernetesVersion,
            maxPods: 110,
            // Surge one node at a time: LogScale and Kafka pods move gradually during upgrades.
            upgradeSettings: { maxSurge: "1" },
        });

        this.cluster = new containerservice.ManagedCluster(`${name}-cluster`, {
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            resourceName: args.clusterName,
            dnsPrefix: args.clusterName,
            kubernetesVersion: args.kubernetesVersion,
            sku: { name: "Base", tier: "Standard" },
            identity: { type: containerservice.ResourceIdentityType.UserAssigned, userAssignedIdentities: [identity.id] },
            aadProfile: {
                managed: true,
                enableAzureRBAC: true,
                tenantID: args.tenantId,
                adminGroupObjectIDs: args.adminGroupObjectIds,
            },
            enableRBAC: true,
            disableLocalAccounts: true,
            // Only the system pool is inline (AKS needs one at creation); the
            // others are AgentPool resources so adding one on promotion is an
            // in-place change, never a cluster replacement.
            agentPoolProfiles: [{ name: system.name, ...poolCommon(system) }],
            networkProfile: {
                networkPlugin: "azure",
                networkPluginMode: "overlay",
                networkDataplane: "cilium",
                networkPolicy: "cilium",
                podCidr: args.addressPlan.podCidr,
                serviceCidr: args.addressPlan.serviceCidr,
                dnsServiceIP: args.addressPlan.dnsServiceIP,
                loadBalancerSku: "standard",
                outboundType: "loadBalancer",
            },
            autoUpgradeProfile: { upgradeChannel: "patch", nodeOSUpgradeChannel: "NodeImage" },
        }, {
            ...child,
            dependsOn: networkRoles,
            // The autoscaler owns the system pool's count once it runs.
            ignoreChanges: system.autoscale ? ["agentPoolProfiles[0].count"] : [],
        });

        const agentPools = userPools.map(p => new containerservice.AgentPool(`${name}-pool-${p.name}`, {
            resourceGroupName: args.resourceGroupName,
            resourceName: this.cluster.name,
            agentPoolName: p.name,
            ...poolCommon(p),
        }, { ...child, ignoreChanges: p.autoscale ? ["count"] : [] }));

        // Pulumi talks to the cluster as the deploying principal through Entra ID.
        const deployerAdmin = new authorization.RoleAssignment(`${name}-deployer-admin`, {
            principalId: args.deployerObjectId,
            roleDefinitionId: pulumi.output(args.subscriptionId).apply(s => roleDefinitionResourceId(s, BUILT_IN_ROLES.aksRbacClusterAdmin)),
            scope: this.cluster.id,
            description: `The principal that deploys ${args.clusterName} with Pulumi`,
        }, child);

        const credentials = containerservice.listManagedClusterUserCredentialsOutput({
            resourceGroupName: args.resourceGroupName,
            resourceName: this.cluster.name,
        }, { parent: this });
        this.endpoint = credentials.apply(c => {
            const first = c.kubeconfigs?.[0]?.value;
            if (!first) {
                throw new Error(`AKS cluster ${args.clusterName} returned no kubeconfig from listClusterUserCredential`);
            }
            return parseAksKubeconfig(first);
        });
        this.kubeconfig = pulumi.all([this.endpoint, args.tenantId]).apply(([e, t]) => aksKubeconfig(args.clusterName, e, t));
        this.provider = new k8s.Provider(`${name}-k8s`, {
            kubeconfig: this.kubeconfig,
            // Every Kubernetes object waits for the pools its pods run on and for Pulumi's own access.
        }, { ...child, dependsOn: [...agentPools, deployerAdmin] });

        this.clusterId = this.cluster.id;
        this.clusterName = this.cluster.name;
        this.registerOutputs({ clusterId: this.clusterId, clusterName: this.clusterName, endpoint: this.endpoint, kubeconfig: this.kubeconfig });
    }
}
