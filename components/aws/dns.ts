import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { PairRole } from "../dr/role";
import { primaryHealthCheckArgs, primaryHealthCheckOptions, secondaryHealthCheckArgs } from "./healthchecks";

export type ZoneSource =
    /** This stack creates the zone (manageGlobalDns). */
    | { create: true; name: string }
    /** An existing zone: from config or the primary's `dnsZoneId` output. */
    | { create: false; zoneId: pulumi.Input<string> };

export interface DnsSteeringArgs {
    /** From pairRole(cfg), never from dr: promotion must not touch these records. */
    role: PairRole;
    zone: ZoneSource;
    globalHostname: string;
    hostname: string;
    loadBalancer: { dnsName: pulumi.Input<string>; zoneId: pulumi.Input<string> };
    healthCheck: { intervalSeconds: number; failureThreshold: number };
    tags: Record<string, string>;
}

/** Failover routing identifiers and types per side of the pair. */
export const FAILOVER_RECORD = {
    primary: { setIdentifier: "primary", type: "PRIMARY" },
    secondary: { setIdentifier: "secondary", type: "SECONDARY" },
} as const;

/**
 * This stack's side of the pair's Route 53 failover routing: its health
 * check, its failover record for the global hostname, and a plain record for
 * its own hostname — all aliases of its own NLB. Each stack declares only the
 * record that points at its own load balancer, whatever its DR mode.
 */
export class DnsSteering extends pulumi.ComponentResource {
    readonly zoneId: pulumi.Output<string>;
    readonly healthCheckId: pulumi.Output<string>;
    readonly globalRecordFqdn: pulumi.Output<string>;

    constructor(name: string, args: DnsSteeringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("logscale:aws:DnsSteering", name, {}, opts);

        if (args.zone.create) {
            const zone = new aws.route53.Zone(`${name}-zone`, {
                name: args.zone.name,
                comment: `LogScale DR global zone (managed by logscale-dr)`,
                forceDestroy: false,
                tags: args.tags,
            }, { parent: this });
            this.zoneId = zone.zoneId;
        } else {
            this.zoneId = pulumi.output(args.zone.zoneId);
        }

        const check = args.role === "primary"
            ? new aws.route53.HealthCheck(`${name}-primary-health`, primaryHealthCheckArgs({
                hostname: args.hostname,
                intervalSeconds: args.healthCheck.intervalSeconds,
                failureThreshold: args.healthCheck.failureThreshold,
                tags: args.tags,
            }), { parent: this, ...primaryHealthCheckOptions() })
            : new aws.route53.HealthCheck(`${name}-secondary-health`, secondaryHealthCheckArgs({
                loadBalancerDnsName: args.loadBalancer.dnsName,
                hostname: args.hostname,
                tags: args.tags,
            }), { parent: this });

        const alias = { name: args.loadBalancer.dnsName, zoneId: args.loadBalancer.zoneId };
        new aws.route53.Record(`${name}-hostname`, {
            zoneId: this.zoneId,
            name: args.hostname,
            type: "A",
            aliases: [{ ...alias, evaluateTargetHealth: false }],
        }, { parent: this });

        const side = FAILOVER_RECORD[args.role];
        const global = new aws.route53.Record(`${name}-global`, {
            zoneId: this.zoneId,
            name: args.globalHostname,
            type: "A",
            setIdentifier: side.setIdentifier,
            failoverRoutingPolicies: [{ type: side.type }],
            healthCheckId: check.id,
            aliases: [{ ...alias, evaluateTargetHealth: true }],
        }, { parent: this });

        this.healthCheckId = check.id;
        this.globalRecordFqdn = global.fqdn;
        this.registerOutputs({ zoneId: this.zoneId, healthCheckId: this.healthCheckId, globalRecordFqdn: this.globalRecordFqdn });
    }
}
