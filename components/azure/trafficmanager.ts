import * as dns from "@pulumi/azure-native/dns";
import * as trafficmanager from "@pulumi/azure-native/trafficmanager";
import type * as azureInputs from "@pulumi/azure-native/types/input";
import * as pulumi from "@pulumi/pulumi";
import type { PairRole } from "../dr/role";
import { endpointName, relativeRecordName, trafficManagerRelativeName } from "./names";

/** LogScale's health endpoint: 200 when the node serves, 503 from the standby's ingress while LogScale is at zero. */
export const HEALTH_PATH = "/api/v1/status";

/**
 * Never written by Pulumi after creation: the failover function sets the
 * primary's endpointStatus Disabled (the lock), and an operator re-enables it
 * deliberately on failback. Without this a `pulumi up` would undo the lock.
 */
export const ENDPOINT_IGNORE_CHANGES = ["endpointStatus"];

export const ENDPOINT_PRIORITY: Record<PairRole, number> = { primary: 1, secondary: 2 };

/**
 * Probe settings. Timeout: the longest Traffic Manager allows for the interval
 * (5-9 s at 10 s, 5-10 s at 30 s), so a slow but live primary is not failed.
 * The Host header makes the ingress route the probe to LogScale (the target is
 * an IP address). Failure threshold maps to tolerated failures (0-9).
 */
export function monitorConfig(intervalSeconds: number, failureThreshold: number, globalHostname: string): azureInputs.trafficmanager.MonitorConfigArgs {
    if (intervalSeconds !== 10 && intervalSeconds !== 30) {
        throw new Error(`Traffic Manager probes every 10 or 30 seconds, not ${intervalSeconds}`);
    }
    if (!Number.isInteger(failureThreshold) || failureThreshold < 0 || failureThreshold > 9) {
        throw new Error(`Traffic Manager tolerates 0-9 failed probes, not ${failureThreshold}`);
    }
    return {
        protocol: "HTTPS",
        port: 443,
        path: HEALTH_PATH,
        intervalInSeconds: intervalSeconds,
        timeoutInSeconds: intervalSeconds === 10 ? 9 : 10,
        toleratedNumberOfFailures: failureThreshold,
        customHeaders: [{ name: "Host", value: globalHostname }],
        expectedStatusCodeRanges: [{ min: 200, max: 299 }],
    };
}

export interface TrafficSteeringArgs {
    role: PairRole;
    clusterName: string;
    /** This stack's resource group (the profile's, on the primary). */
    resourceGroupName: pulumi.Input<string>;
    globalHostname: string;
    /** This cluster's own FQDN (an A record to its ingress IP when inside the zone). */
    hostname: string;
    dnsTtlSeconds: number;
    healthCheckIntervalSeconds: number;
    healthCheckFailureThreshold: number;
    /** This cluster's ingress public IP address: the endpoint's target. */
    target: pulumi.Input<string>;
    /** Primary: the profile to create. Secondary: the primary's profile, from its outputs. */
    profile: { create: { profileName: string } } | { existing: { profileName: pulumi.Input<string>; resourceGroupName: pulumi.Input<string>; profileId: pulumi.Input<string> } };
    /** The Azure DNS zone of dnsZoneName; undefined when DNS is managed elsewhere. */
    zone?: { zoneName: string; resourceGroupName: pulumi.Input<string>; create: boolean };
}

/**
 * Global DNS steering: the Traffic Manager profile (primary only), this
 * stack's endpoint in it (both sides, whatever `dr` says, under a name fixed
 * by the pair role), the global CNAME (primary) and this cluster's A record.
 */
export class TrafficSteering extends pulumi.ComponentResource {
    public readonly profileName: pulumi.Output<string>;
    public readonly profileResourceGroup: pulumi.Output<string>;
    public readonly profileId: pulumi.Output<string>;
    /** <relative>.trafficmanager.net */
    public readonly profileFqdn: pulumi.Output<string>;
    public readonly endpoint: trafficmanager.Endpoint;
    public readonly endpointName: string;
    public readonly dnsZoneId?: pulumi.Output<string>;
    public readonly dnsNameServers?: pulumi.Output<string[]>;

    constructor(name: string, args: TrafficSteeringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("logscale:azure:TrafficSteering", name, {}, opts);
        const child = { parent: this };
        const relativeName = trafficManagerRelativeName(args.globalHostname);

        if ("create" in args.profile) {
            const profile = new trafficmanager.Profile(`${name}-profile`, {
                resourceGroupName: args.resourceGroupName,
                profileName: args.profile.create.profileName,
                location: "global",
                profileStatus: "Enabled",
                trafficRoutingMethod: "Priority",
                dnsConfig: { relativeName, ttl: args.dnsTtlSeconds },
                monitorConfig: monitorConfig(args.healthCheckIntervalSeconds, args.healthCheckFailureThreshold, args.globalHostname),
                // No `endpoints` here: each endpoint is its own resource (inline and
                // standalone endpoints fight, and a profile update would reset the lock).
            }, child);
            const created = args.profile.create.profileName;
            this.profileName = profile.name.apply(n => n ?? created);
            this.profileResourceGroup = pulumi.output(args.resourceGroupName);
            this.profileId = profile.id;
            this.profileFqdn = pulumi.output(`${relativeName}.trafficmanager.net`);
        } else {
            const existing = args.profile.existing;
            this.profileName = pulumi.output(existing.profileName);
            this.profileResourceGroup = pulumi.output(existing.resourceGroupName);
            this.profileId = pulumi.output(existing.profileId);
            this.profileFqdn = pulumi.output(`${relativeName}.trafficmanager.net`);
        }

        this.endpointName = endpointName(args.role);
        this.endpoint = new trafficmanager.Endpoint(`${name}-endpoint-${args.role}`, {
            resourceGroupName: this.profileResourceGroup,
            profileName: this.profileName,
            endpointName: this.endpointName,
            endpointType: "ExternalEndpoints",
            target: args.target,
            priority: ENDPOINT_PRIORITY[args.role],
            endpointStatus: "Enabled",
            alwaysServe: "Disabled",
        }, { ...child, ignoreChanges: ENDPOINT_IGNORE_CHANGES });

        if (args.zone) {
            const zoneName = args.zone.zoneName;
            let zoneResourceGroup = pulumi.output(args.zone.resourceGroupName);
            if (args.zone.create) {
                const zone = new dns.Zone(`${name}-zone`, {
                    resourceGroupName: args.zone.resourceGroupName,
                    zoneName,
                    location: "global",
                    zoneType: "Public",
                }, child);
                this.dnsZoneId = zone.id;
                this.dnsNameServers = zone.nameServers;
                zoneResourceGroup = pulumi.all([zone.id, args.zone.resourceGroupName]).apply(([, rg]) => rg);
            }
            if (args.role === "primary") {
                const globalName = relativeRecordName(args.globalHostname, zoneName);
                if (globalName === undefined || globalName === "@") {
                    throw new Error(`globalHostname ${args.globalHostname} must be a name below the zone ${zoneName} (a CNAME cannot sit at the apex)`);
                }
                new dns.RecordSet(`${name}-global-cname`, {
                    resourceGroupName: zoneResourceGroup,
                    zoneName,
                    relativeRecordSetName: globalName,
                    recordType: "CNAME",
                    ttl: args.dnsTtlSeconds,
                    cnameRecord: { cname: this.profileFqdn },
                }, child);
            }
            const hostName = relativeRecordName(args.hostname, zoneName);
            if (hostName !== undefined) {
                new dns.RecordSet(`${name}-host-a`, {
                    resourceGroupName: zoneResourceGroup,
                    zoneName,
                    relativeRecordSetName: hostName,
                    recordType: "A",
                    ttl: args.dnsTtlSeconds,
                    aRecords: [{ ipv4Address: args.target }],
                }, child);
            }
        }

        this.registerOutputs({
            profileName: this.profileName,
            profileResourceGroup: this.profileResourceGroup,
            profileId: this.profileId,
            profileFqdn: this.profileFqdn,
            endpointName: this.endpointName,
        });
    }
}
