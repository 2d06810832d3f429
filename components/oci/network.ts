import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import { apiRules, lbRules, NETWORK, pickOsnService, SecurityRules, workerRules } from "./network-plan";

export interface OciNetworkArgs {
    compartmentId: pulumi.Input<string>;
    /** Prefix of display names (cluster and region). */
    displayPrefix: string;
    /** VCN DNS label (letters and digits, at most 15). */
    dnsLabel: string;
}

/**
 * The regional VCN: a public subnet for the Kubernetes API endpoint, a public
 * subnet for the ingress load balancer, and a private subnet for workers
 * and the failover function, each with its own security list. Private egress
 * goes to OCI services through a service gateway and to the internet
 * through NAT.
 */
export class OciNetwork extends pulumi.ComponentResource {
    public readonly vcnId: pulumi.Output<string>;
    public readonly apiSubnetId: pulumi.Output<string>;
    public readonly lbSubnetId: pulumi.Output<string>;
    public readonly workerSubnetId: pulumi.Output<string>;

    constructor(name: string, args: OciNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("logscale:oci:Network", name, {}, opts);
        const child = { parent: this };
        const compartmentId = args.compartmentId;
        const display = (s: string) => `${args.displayPrefix}-${s}`;

        const osn = oci.core.getServicesOutput({}, child).apply(r => pickOsnService(r.services));

        const vcn = new oci.core.Vcn(`${name}-vcn`, {
            compartmentId,
            cidrBlocks: [NETWORK.vcnCidr],
            displayName: display("vcn"),
            dnsLabel: args.dnsLabel,
        }, child);
        const igw = new oci.core.InternetGateway(`${name}-igw`, {
            compartmentId, vcnId: vcn.id, enabled: true, displayName: display("igw"),
        }, child);
        const nat = new oci.core.NatGateway(`${name}-nat`, {
            compartmentId, vcnId: vcn.id, displayName: display("nat"),
        }, child);
        const sgw = new oci.core.ServiceGateway(`${name}-sgw`, {
            compartmentId, vcnId: vcn.id, displayName: display("sgw"),
            services: [{ serviceId: osn.id }],
        }, child);

        const publicRt = new oci.core.RouteTable(`${name}-public-rt`, {
            compartmentId, vcnId: vcn.id, displayName: display("public"),
            routeRules: [{ destination: "0.0.0.0/0", destinationType: "CIDR_BLOCK", networkEntityId: igw.id, description: "internet" }],
        }, child);
        const privateRt = new oci.core.RouteTable(`${name}-private-rt`, {
            compartmentId, vcnId: vcn.id, displayName: display("private"),
            routeRules: [
                { destination: "0.0.0.0/0", destinationType: "CIDR_BLOCK", networkEntityId: nat.id, description: "internet through NAT" },
                { destination: osn.cidrBlock, destinationType: "SERVICE_CIDR_BLOCK", networkEntityId: sgw.id, description: "OCI services" },
            ],
        }, child);

        const securityList = (id: string, rules: pulumi.Input<SecurityRules>) => {
            const r = pulumi.output(rules);
            return new oci.core.SecurityList(`${name}-${id}-sl`, {
                compartmentId, vcnId: vcn.id, displayName: display(id),
                ingressSecurityRules: r.ingress, egressSecurityRules: r.egress,
            }, child);
        };
        const apiSl = securityList("api", osn.apply(o => apiRules(o.cidrBlock)));
        const lbSl = securityList("lb", lbRules());
        const workerSl = securityList("workers", workerRules());

        const subnet = (id: string, cidr: string, isPublic: boolean, rt: oci.core.RouteTable, sl: oci.core.SecurityList) =>
            new oci.core.Subnet(`${name}-${id}`, {
                compartmentId,
                vcnId: vcn.id,
                cidrBlock: cidr,
                displayName: display(id),
                dnsLabel: id.replace(/[^a-z0-9]/g, "").slice(0, 15),
                prohibitPublicIpOnVnic: !isPublic,
                prohibitInternetIngress: !isPublic,
                routeTableId: rt.id,
                securityListIds: [sl.id],
            }, child);
        const api = subnet("api", NETWORK.apiCidr, true, publicRt, apiSl);
        const lb = subnet("lb", NETWORK.lbCidr, true, publicRt, lbSl);
        const workers = subnet("workers", NETWORK.workerCidr, false, privateRt, workerSl);

        this.vcnId = vcn.id;
        this.apiSubnetId = api.id;
        this.lbSubnetId = lb.id;
        this.workerSubnetId = workers.id;
        this.registerOutputs({ vcnId: this.vcnId, apiSubnetId: this.apiSubnetId, lbSubnetId: this.lbSubnetId, workerSubnetId: this.workerSubnetId });
    }
}
