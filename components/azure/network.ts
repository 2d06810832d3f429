import * as network from "@pulumi/azure-native/network";
import * as pulumi from "@pulumi/pulumi";
import type { AddressPlan } from "./names";

export interface AzureNetworkArgs {
    clusterName: string;
    location: string;
    resourceGroupName: pulumi.Input<string>;
    plan: AddressPlan;
    /** Name of the ingress public IP (Standard, static). */
    publicIpName: string;
    /** DNS label of the public IP: <label>.<location>.cloudapp.azure.com. */
    publicIpDnsLabel: pulumi.Input<string>;
}

/**
 * The VNet and node subnet of the cluster, and the static public IP its
 * ingress is reached at. The IP is created here, not by the cloud provider's
 * load balancer logic, so it outlives Service re-creation and the Traffic
 * Manager endpoint and DNS records never need to change.
 */
export class AzureNetwork extends pulumi.ComponentResource {
    public readonly vnetId: pulumi.Output<string>;
    public readonly nodeSubnetId: pulumi.Output<string>;
    public readonly publicIpId: pulumi.Output<string>;
    public readonly publicIpName: pulumi.Output<string>;
    public readonly publicIpAddress: pulumi.Output<string>;

    constructor(name: string, args: AzureNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("logscale:azure:Network", name, {}, opts);
        const child = { parent: this };

        const vnet = new network.VirtualNetwork(`${name}-vnet`, {
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            virtualNetworkName: `${args.clusterName}-vnet`,
            addressSpace: { addressPrefixes: [args.plan.vnet] },
        }, child);
        const nodes = new network.Subnet(`${name}-nodes`, {
            resourceGroupName: args.resourceGroupName,
            virtualNetworkName: vnet.name,
            subnetName: "aks-nodes",
            addressPrefix: args.plan.nodes,
            // Blob traffic of LogScale stays on the Azure backbone and leaves the SNAT budget of the load balancer alone.
            serviceEndpoints: [{ service: "Microsoft.Storage" }],
        }, child);
        const ip = new network.PublicIPAddress(`${name}-ingress-ip`, {
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            publicIpAddressName: args.publicIpName,
            sku: { name: "Standard", tier: "Regional" },
            publicIPAllocationMethod: "Static",
            publicIPAddressVersion: "IPv4",
            dnsSettings: { domainNameLabel: args.publicIpDnsLabel },
        }, child);

        this.vnetId = vnet.id;
        this.nodeSubnetId = nodes.id;
        this.publicIpId = ip.id;
        this.publicIpName = ip.name;
        this.publicIpAddress = ip.ipAddress.apply(a => {
            if (!a) {
                throw new Error(`public IP ${args.publicIpName} has no address`);
            }
            return a;
        });
        this.registerOutputs({ vnetId: this.vnetId, nodeSubnetId: this.nodeSubnetId, publicIpId: this.publicIpId, publicIpAddress: this.publicIpAddress });
    }
}
