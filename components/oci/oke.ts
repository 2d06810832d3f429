import * as k8s from "@pulumi/kubernetes";
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterLayout } from "../logscale/types";
import { NETWORK } from "./network-plan";
import { nodePoolPlans } from "./nodepools";
import { pickKubernetesVersion, pickNodeImage } from "./versions";

/** The endpoint Pulumi's kubeconfig targets: the public one (endpointConfig.isPublicIpEnabled). */
export const OKE_KUBECONFIG_ENDPOINT = "PUBLIC_ENDPOINT";

export interface OkeClusterArgs {
    compartmentId: pulumi.Input<string>;
    tenancyId: pulumi.Input<string>;
    /** Cluster display name. */
    displayName: string;
    /** Prefix of node pool names (the LogScale cluster name). */
    clusterName: string;
    /** "1.35" (latest patch) or "1.35.2" (exactly). */
    kubernetesVersion: string;
    layout: ClusterLayout;
    vcnId: pulumi.Input<string>;
    apiSubnetId: pulumi.Input<string>;
    lbSubnetId: pulumi.Input<string>;
    workerSubnetId: pulumi.Input<string>;
}

/**
 * An OKE enhanced cluster with a public API endpoint and one node pool per
 * role of the layout, each labelled k8s-app=<role> and spread over every
 * availability domain of the region; plus the Kubernetes provider for it.
 */
export class OkeCluster extends pulumi.ComponentResource {
    public readonly clusterId: pulumi.Output<string>;
    public readonly kubeconfig: pulumi.Output<string>;
    /** https://<private endpoint> for callers inside the VCN (the failover function). */
    public readonly privateServer: pulumi.Output<string>;
    public readonly caPem: pulumi.Output<string>;
    public readonly provider: k8s.Provider;
    public readonly nodePools: oci.containerengine.NodePool[];

    constructor(name: string, args: OkeClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("logscale:oci:OkeCluster", name, {}, opts);
        const child = { parent: this };

        const version = oci.containerengine.getClusterOptionOutput({ clusterOptionId: "all", compartmentId: args.compartmentId }, child)
            .apply(o => pickKubernetesVersion(o.kubernetesVersions ?? [], args.kubernetesVersion));

        const cluster = new oci.containerengine.Cluster(`${name}-cluster`, {
            compartmentId: args.compartmentId,
            name: args.displayName,
            kubernetesVersion: version,
            type: "ENHANCED_CLUSTER",
            vcnId: args.vcnId,
            endpointConfig: { isPublicIpEnabled: true, subnetId: args.apiSubnetId },
            clusterPodNetworkOptions: [{ cniType: "FLANNEL_OVERLAY" }],
            options: {
                serviceLbSubnetIds: [args.lbSubnetId],
                kubernetesNetworkConfig: { podsCidr: NETWORK.podsCidr, servicesCidr: NETWORK.servicesCidr },
            },
        }, child);

        const ads = oci.identity.getAvailabilityDomainsOutput({ compartmentId: args.tenancyId }, child)
            .apply(r => {
                const names = (r.availabilityDomains ?? []).map(ad => ad.name).sort();
                if (names.length === 0) throw new Error("the region lists no availability domains for this tenancy");
                return names;
            });
        // The worker image must match the control plane's exact version.
        const imageId = pulumi.all([
            oci.containerengine.getNodePoolOptionOutput({ nodePoolOptionId: cluster.id, compartmentId: args.compartmentId }, child),
            cluster.kubernetesVersion,
        ]).apply(([o, v]) => pickNodeImage(o.sources ?? [], v).imageId);

        this.nodePools = nodePoolPlans(args.clusterName, args.layout).map(plan =>
            new oci.containerengine.NodePool(`${name}-${plan.role}`, {
                clusterId: cluster.id,
                compartmentId: args.compartmentId,
                name: plan.name,
                kubernetesVersion: cluster.kubernetesVersion,
                nodeShape: plan.shape,
                ...(plan.shapeConfig ? { nodeShapeConfig: plan.shapeConfig } : {}),
                nodeSourceDetails: { sourceType: "IMAGE", imageId, bootVolumeSizeInGbs: String(plan.bootVolumeSizeInGbs) },
                initialNodeLabels: Object.entries(plan.labels).map(([key, value]) => ({ key, value })),
                nodeConfigDetails: {
                    size: plan.size,
                    placementConfigs: ads.apply(list => list.map(availabilityDomain => ({ availabilityDomain, subnetId: args.workerSubnetId }))),
                    nodePoolPodNetworkOptionDetails: { cniType: "FLANNEL_OVERLAY" },
                },
            }, child));

        // Pulumi runs outside the VCN; unset, OKE targets its legacy endpoint, which a VCN-native cluster does not have.
        const kubeconfig = oci.containerengine.getClusterKubeConfigOutput({ clusterId: cluster.id, tokenVersion: "2.0.0", endpoint: OKE_KUBECONFIG_ENDPOINT }, child).content;
        this.caPem = kubeconfig.apply(caFromKubeconfig);
        this.privateServer = cluster.endpoints.apply(eps => {
            const ep = eps?.[0]?.privateEndpoint;
            if (!ep) throw new Error("the OKE cluster reports no private endpoint");
            return `https://${ep}`;
        });
        this.clusterId = cluster.id;
        this.kubeconfig = pulumi.secret(kubeconfig);
        // Node pools first: Helm releases and the operator need somewhere to run.
        this.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig }, { parent: this, dependsOn: this.nodePools });
        this.registerOutputs({ clusterId: this.clusterId, kubeconfig: this.kubeconfig, privateServer: this.privateServer });
    }
}

/** The cluster CA (PEM) from a kubeconfig's certificate-authority-data. */
export function caFromKubeconfig(content: string): string {
    // OKE's kubeconfig has one cluster; a line match avoids a YAML parser in the program's dependencies.
    const data = /^\s*certificate-authority-data:\s*"?([A-Za-z0-9+/=]+)"?\s*$/m.exec(content)?.[1];
    if (!data) throw new Error("the OKE kubeconfig has no certificate-authority-data");
    const pem = Buffer.from(data, "base64").toString("utf8");
    if (!pem.includes("-----BEGIN CERTIFICATE-----")) throw new Error("the OKE kubeconfig's certificate-authority-data is not a PEM certificate");
    return pem;
}
