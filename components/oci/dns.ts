import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import { STEERING_TEMPLATE, steeringAnswers, steeringRules } from "./steering";

/** Where probes go: LogScale's unauthenticated status endpoint behind the ingress. */
export const HEALTH_PATH = "/api/v1/status";
/** OCI Health Checks monitors accept these intervals; the probe timeout must not exceed the interval. */
export const MONITOR_INTERVALS = [10, 30, 60] as const;
export const PROBE_TIMEOUT_SECONDS = 10;

export function monitorInterval(seconds: number): number {
    if (!(MONITOR_INTERVALS as readonly number[]).includes(seconds)) {
        throw new Error(`healthCheckIntervalSeconds ${seconds} is not an OCI Health Checks interval; allowed: ${MONITOR_INTERVALS.join(", ")}`);
    }
    return seconds;
}

export interface RegionalDnsArgs {
    compartmentId: pulumi.Input<string>;
    /** Create the zone (manageGlobalDns) or use this existing zone OCID. */
    zone: { create: true; name: string } | { create: false; id: pulumi.Input<string> };
    hostname: string;
    address: pulumi.Input<string>;
    ttl: number;
    /** A stack without a pair serves the global name with a plain A record (no steering policy exists). */
    standaloneGlobalHostname?: string;
}

/** The zone (when this stack manages it) and this cluster's own A record. */
export class RegionalDns extends pulumi.ComponentResource {
    public readonly zoneId: pulumi.Output<string>;

    constructor(name: string, args: RegionalDnsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("logscale:oci:RegionalDns", name, {}, opts);
        const child = { parent: this };
        const zoneId = args.zone.create
            ? new oci.dns.Zone(`${name}-zone`, { compartmentId: args.compartmentId, name: args.zone.name, zoneType: "PRIMARY", scope: "GLOBAL" },
                { ...child, protect: true }).id
            : pulumi.output(args.zone.id);
        const aRecord = (id: string, domain: string) => new oci.dns.Rrset(`${name}-${id}`, {
            zoneNameOrId: zoneId,
            domain,
            rtype: "A",
            items: [{ domain, rtype: "A", rdata: args.address, ttl: args.ttl }],
        }, child);
        aRecord("hostname", args.hostname);
        if (args.standaloneGlobalHostname) aRecord("global", args.standaloneGlobalHostname);
        this.zoneId = zoneId;
        this.registerOutputs({ zoneId: this.zoneId });
    }
}

export interface GlobalSteeringArgs {
    compartmentId: pulumi.Input<string>;
    zoneId: pulumi.Input<string>;
    globalHostname: string;
    displayName: string;
    monitorPrefix: string;
    primaryAddress: pulumi.Input<string>;
    secondaryAddress: pulumi.Input<string>;
    ttl: number;
    intervalSeconds: number;
}

/**
 * The pair's one steering policy for the global name, owned by the
 * secondary's stack (see README "OCI: who owns the steering policy"):
 * - an HTTPS monitor on the primary's load balancer (Host = the global name),
 *   which feeds the policy's HEALTH rule, the failover alarm and the
 *   function's holdoff (its metric) and "answers now" (its probe results);
 * - a TCP monitor on the secondary's load balancer, the failover function's
 *   secondary gate (a standby has no LogScale pods, so HTTPS would fail);
 * - the policy (FILTER, HEALTH, PRIORITY, LIMIT) with one answer per cluster;
 * - its attachment to the zone.
 *
 * Nothing here depends on the DR mode, so promoting the secondary neither
 * removes nor replaces any of it. `answers` is ignored after creation: the
 * provider replaces the whole policy on any answer change, and a new policy
 * would come back with the primary enabled, silently unlocking DNS.
 */
export class GlobalSteering extends pulumi.ComponentResource {
    public readonly policyId: pulumi.Output<string>;
    public readonly primaryMonitorId: pulumi.Output<string>;
    public readonly primaryResultsUrl: pulumi.Output<string>;
    public readonly secondaryMonitorId: pulumi.Output<string>;
    public readonly secondaryResultsUrl: pulumi.Output<string>;

    constructor(name: string, args: GlobalSteeringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("logscale:oci:GlobalSteering", name, {}, opts);
        const child = { parent: this };
        const interval = monitorInterval(args.intervalSeconds);

        const primaryMonitor = new oci.healthchecks.HttpMonitor(`${name}-primary-monitor`, {
            compartmentId: args.compartmentId,
            displayName: `${args.monitorPrefix}-primary-https`,
            protocol: "HTTPS",
            targets: [args.primaryAddress],
            port: 443,
            path: HEALTH_PATH,
            method: "GET",
            // The target is an IP: without the Host header no HTTPRoute matches and the Gateway answers 404.
            headers: { Host: args.globalHostname },
            intervalInSeconds: interval,
            timeoutInSeconds: Math.min(PROBE_TIMEOUT_SECONDS, interval),
            isEnabled: true,
        }, child);
        const secondaryMonitor = new oci.healthchecks.PingMonitor(`${name}-secondary-monitor`, {
            compartmentId: args.compartmentId,
            displayName: `${args.monitorPrefix}-secondary-tcp`,
            protocol: "TCP",
            targets: [args.secondaryAddress],
            port: 443,
            intervalInSeconds: interval,
            timeoutInSeconds: Math.min(PROBE_TIMEOUT_SECONDS, interval),
            isEnabled: true,
        }, child);

        const policy = new oci.dns.SteeringPolicy(`${name}-policy`, {
            compartmentId: args.compartmentId,
            displayName: args.displayName,
            template: STEERING_TEMPLATE,
            ttl: args.ttl,
            healthCheckMonitorId: primaryMonitor.id,
            answers: steeringAnswers(args.primaryAddress, args.secondaryAddress),
            rules: steeringRules(),
        }, { ...child, ignoreChanges: ["answers"] });

        new oci.dns.SteeringPolicyAttachment(`${name}-attachment`, {
            steeringPolicyId: policy.id,
            zoneId: args.zoneId,
            domainName: args.globalHostname,
            displayName: args.globalHostname,
        }, { ...child, deleteBeforeReplace: true });

        this.policyId = policy.id;
        this.primaryMonitorId = primaryMonitor.id;
        this.primaryResultsUrl = primaryMonitor.resultsUrl;
        this.secondaryMonitorId = secondaryMonitor.id;
        this.secondaryResultsUrl = secondaryMonitor.resultsUrl;
        this.registerOutputs({
            policyId: this.policyId, primaryMonitorId: this.primaryMonitorId, primaryResultsUrl: this.primaryResultsUrl,
            secondaryMonitorId: this.secondaryMonitorId, secondaryResultsUrl: this.secondaryResultsUrl,
        });
    }
}
