// Azure names, derived from config alone so that the runbook's commands, the
// failover function and the peer stack can name a resource before it exists.
// Names that must be unique across Azure (storage accounts, the function
// app's host name, public IP DNS labels) take a random suffix the stack
// keeps in its state.

import * as crypto from "crypto";
import type { PairRole } from "../dr/role";

/** Traffic Manager endpoint name of each side of a pair: fixed, so promotion never renames (= replaces, = re-enables) one. */
export function endpointName(role: PairRole): string {
    return role;
}

export function resourceGroupName(clusterName: string, location: string): string {
    return `${clusterName}-${location}`;
}

export function aksClusterName(clusterName: string, location: string): string {
    return `${clusterName}-${location}`;
}

/** The profile lives in the primary's resource group; one profile per pair. */
export function trafficManagerProfileName(clusterName: string): string {
    return `${clusterName}-global`;
}

export function failoverAlertName(clusterName: string): string {
    return `${clusterName}-primary-endpoint-down`;
}

export function failoverActionGroupName(clusterName: string): string {
    return `${clusterName}-failover`;
}

/** Action group short names are at most 12 characters (shown in SMS and e-mail). */
export const ACTION_GROUP_SHORT_NAME = "logscale-dr";

/**
 * The profile's DNS name under trafficmanager.net (global namespace): derived
 * from the global hostname, which the user's domain makes unique. Labels are
 * at most 63 characters; a longer name keeps its start and a hash of the rest.
 */
export function trafficManagerRelativeName(globalHostname: string): string {
    const flat = globalHostname.toLowerCase().replace(/[^a-z0-9-]/g, "-").replace(/-+/g, "-").replace(/^-|-$/g, "");
    if (flat.length <= 63) {
        return flat;
    }
    const hash = crypto.createHash("sha256").update(globalHostname).digest("hex").slice(0, 8);
    return `${flat.slice(0, 54).replace(/-+$/, "")}-${hash}`;
}

/** Storage account names: 3-24 lower-case letters and digits, unique in Azure. */
export function storageAccountName(clusterName: string, purpose: "data" | "fn", suffix: string): string {
    const tag = purpose === "fn" ? "fn" : "";
    const clean = suffix.toLowerCase().replace(/[^a-z0-9]/g, "");
    const base = clusterName.toLowerCase().replace(/[^a-z0-9]/g, "");
    const name = `${base.slice(0, Math.max(0, 24 - tag.length - clean.length))}${tag}${clean}`;
    if (!/^[a-z0-9]{3,24}$/.test(name)) {
        throw new Error(`storage account name ${JSON.stringify(name)} derived from clusterName ${JSON.stringify(clusterName)} is not 3-24 lower-case letters and digits`);
    }
    return name;
}

/** The function app's host name is <name>.azurewebsites.net: at most 60 characters, unique in Azure. */
export function functionAppName(clusterName: string, location: string, suffix: string): string {
    const head = `${clusterName}-${location}`.slice(0, 60 - "-failover-".length - suffix.length).replace(/-+$/, "");
    return `${head}-failover-${suffix}`;
}

/** DNS label of the ingress public IP: <label>.<location>.cloudapp.azure.com, unique per location. */
export function publicIpDnsLabel(clusterName: string, suffix: string): string {
    const label = `${clusterName}-${suffix}`.toLowerCase().slice(0, 63).replace(/-+$/, "");
    if (!/^[a-z][a-z0-9-]{1,61}[a-z0-9]$/.test(label)) {
        throw new Error(`public IP DNS label ${JSON.stringify(label)} is not a valid label`);
    }
    return label;
}

export function cloudappFqdn(label: string, location: string): string {
    return `${label}.${location}.cloudapp.azure.com`;
}

/**
 * Address plan. Each side of a pair gets its own /16 so that the two VNets can
 * be peered later (private replication, private API access) without
 * renumbering. Pods use the Azure CNI overlay range, services a range outside
 * both VNets; neither leaves the cluster, so both sides share them.
 */
export interface AddressPlan {
    vnet: string;
    nodes: string;
    podCidr: string;
    serviceCidr: string;
    dnsServiceIP: string;
}

export function addressPlan(role: PairRole): AddressPlan {
    const second = role === "primary" ? 40 : 41;
    return {
        vnet: `10.${second}.0.0/16`,
        nodes: `10.${second}.0.0/18`,
        podCidr: "10.244.0.0/16",
        serviceCidr: "172.16.0.0/16",
        dnsServiceIP: "172.16.0.10",
    };
}

/** The A-record name of `fqdn` inside `zone`, or undefined when it is not inside it ("@" for the apex). */
export function relativeRecordName(fqdn: string, zone: string): string | undefined {
    const f = fqdn.toLowerCase();
    const z = zone.toLowerCase();
    if (f === z) {
        return "@";
    }
    return f.endsWith(`.${z}`) ? f.slice(0, -(z.length + 1)) : undefined;
}
