// Azure-specific checks of config and of the primary's outputs: each failure
// names the key (or output), the stack, the value and what is allowed.

import { ConfigError } from "../../config/errors";
import type { StackConfig } from "../../config/load";

const KEY = (k: string) => `logscale-dr:${k}`;

/** Traffic Manager accepts 0-9 tolerated failures (the config key allows up to 10 for other clouds). */
export const MAX_TOLERATED_FAILURES = 9;

export interface DnsZoneRef {
    subscriptionId: string;
    resourceGroupName: string;
    zoneName: string;
}

const DNS_ZONE_ID = /^\/subscriptions\/([0-9a-fA-F-]{36})\/resourceGroups\/([-\w.()]{1,90})\/providers\/Microsoft\.Network\/dns[zZ]ones\/([^/]+)$/;

/** Parses an Azure DNS zone resource id; undefined when it is not one. */
export function parseDnsZoneId(id: string): DnsZoneRef | undefined {
    const m = DNS_ZONE_ID.exec(id.trim());
    if (!m) {
        return undefined;
    }
    return { subscriptionId: m[1], resourceGroupName: m[2], zoneName: m[3].toLowerCase() };
}

/**
 * The zone named by an id must be the configured dnsZoneName: a record
 * created in another zone would never answer for the global hostname.
 */
export function dnsZoneFromId(id: string, dnsZoneName: string, key: string, stack: string): DnsZoneRef {
    const zone = parseDnsZoneId(id);
    if (!zone) {
        throw new ConfigError(key, stack, id,
            "on Azure, the resource id of an Azure DNS zone: /subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.Network/dnszones/<zone>");
    }
    if (zone.zoneName !== dnsZoneName.toLowerCase()) {
        throw new ConfigError(key, stack, id, `must name the zone of dnsZoneName ${dnsZoneName}, not ${zone.zoneName}`);
    }
    return zone;
}

/** Checks that only make sense on Azure; runs before any resource is declared. */
export function validateAzureConfig(cfg: StackConfig): void {
    const threshold = cfg.failover.healthCheckFailureThreshold;
    if (threshold > MAX_TOLERATED_FAILURES) {
        throw new ConfigError(KEY("healthCheckFailureThreshold"), cfg.stack, threshold,
            `Traffic Manager tolerates 0-${MAX_TOLERATED_FAILURES} failed probes; use 1-${MAX_TOLERATED_FAILURES} on Azure`);
    }
    if (cfg.dnsZoneId !== undefined) {
        dnsZoneFromId(cfg.dnsZoneId, cfg.dnsZoneName, KEY("dnsZoneId"), cfg.stack);
    }
    const fallbackZone = cfg.primaryFallback.dnsZoneId;
    if (typeof fallbackZone === "string") {
        dnsZoneFromId(fallbackZone, cfg.dnsZoneName, KEY("primaryDnsZoneId"), cfg.stack);
    }
    const fallbackRegion = cfg.primaryFallback.region;
    if (typeof fallbackRegion === "string") {
        assertDifferentLocations(fallbackRegion, cfg.region, cfg.stack, KEY("primaryRegion"));
    }
}

/**
 * A pair in one location protects against nothing, and REPLACE_REGION
 * "westus2/westus2" would make recovery patch the snapshot into itself.
 */
export function assertDifferentLocations(primaryLocation: string, thisLocation: string, stack: string, source: string): void {
    if (primaryLocation.toLowerCase() === thisLocation.toLowerCase()) {
        throw new ConfigError(source, stack, primaryLocation,
            `the primary is in location ${primaryLocation}, the same as this stack (azure-native:location); a DR pair needs two different Azure locations`);
    }
}
