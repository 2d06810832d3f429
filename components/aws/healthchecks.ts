// Route 53 health checks of a pair (pure): what each side probes, and the
// resource options that keep the failover lock in place.

import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

/** LogScale's status endpoint. */
export const STATUS_PATH = "/api/v1/status";
/**
 * What a healthy LogScale answers at STATUS_PATH. Matching the body and not
 * only the HTTP code (seed 002) keeps a default backend, an error page or a
 * half-started node that answers 200 from counting as healthy.
 */
export const STATUS_MATCH = "\"status\":\"OK\"";

/** The FQDN the failover function writes into the primary check: it never resolves, so the check stays failed. */
export const LOCKED_FQDN = "failover-locked.invalid";

/**
 * Properties the failover function (or an operator failing back) changes at
 * run time; Pulumi must never revert them.
 */
export const PRIMARY_CHECK_RUNTIME_FIELDS = ["fqdn", "invertHealthcheck"] as const;

/**
 * Properties whose change makes Route 53 replace the check (create-only in
 * the Route 53 API: type, request interval, latency measurement, caller
 * reference; plus the routing-control ARN). A replacement creates a new check
 * with the configured FQDN: a locked pair would silently unlock and the
 * standby's alarm and function would watch a check that no longer exists.
 */
export const REPLACE_FORCING_FIELDS = ["type", "requestInterval", "measureLatency", "referenceName", "routingControlArn"] as const;

/**
 * Options of the primary health check. `ignoreChanges` keeps `pulumi up` from
 * undoing a lock. `protect` turns any replacement (a change of one of
 * REPLACE_FORCING_FIELDS, e.g. healthCheckIntervalSeconds) into a preview
 * error instead of a silent unlock; the operator decides, unprotects with
 * `pulumi state unprotect`, and redeploys the standby so it follows the new id.
 */
export function primaryHealthCheckOptions(): Pick<pulumi.CustomResourceOptions, "protect" | "ignoreChanges" | "deleteBeforeReplace"> {
    return { protect: true, ignoreChanges: [...PRIMARY_CHECK_RUNTIME_FIELDS], deleteBeforeReplace: false };
}

export function primaryHealthCheckArgs(a: {
    hostname: string;
    intervalSeconds: number;
    failureThreshold: number;
    tags: Record<string, string>;
}): aws.route53.HealthCheckArgs {
    if (a.intervalSeconds !== 10 && a.intervalSeconds !== 30) {
        throw new Error(`Route 53 health check interval ${a.intervalSeconds}s is not allowed: 10 or 30`);
    }
    if (!Number.isInteger(a.failureThreshold) || a.failureThreshold < 1 || a.failureThreshold > 10) {
        throw new Error(`Route 53 failure threshold ${a.failureThreshold} is not allowed: 1 to 10`);
    }
    return {
        type: "HTTPS_STR_MATCH",
        fqdn: a.hostname,
        port: 443,
        resourcePath: STATUS_PATH,
        searchString: STATUS_MATCH,
        enableSni: true,
        requestInterval: a.intervalSeconds,
        failureThreshold: a.failureThreshold,
        invertHealthcheck: false,
        measureLatency: false,
        tags: { ...a.tags, Name: `primary ${a.hostname}` },
    };
}

/**
 * The secondary is probed at its load balancer over TCP: on a standby the
 * LogScale pods are at zero, so only the ingress path can be up. Interval 30,
 * threshold 2, as in the reference design.
 */
export function secondaryHealthCheckArgs(a: {
    loadBalancerDnsName: pulumi.Input<string>;
    hostname: string;
    tags: Record<string, string>;
}): aws.route53.HealthCheckArgs {
    return {
        type: "TCP",
        fqdn: a.loadBalancerDnsName,
        port: 443,
        requestInterval: 30,
        failureThreshold: 2,
        measureLatency: false,
        tags: { ...a.tags, Name: `secondary ${a.hostname}` },
    };
}
