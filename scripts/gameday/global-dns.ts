// Where the global hostname points, asked of the zone's own name servers:
// a recursive resolver would answer from its cache for up to the TTL, and the
// gameday measures when the cloud's DNS switched, not when a cache expired.
// Which servers are authoritative is the cloud's to say (Route 53's
// delegation set, OCI's zone, Traffic Manager's domain), so it is passed in.

import { promises as dnsPromises } from "dns";
import * as net from "net";
import { GetHostedZoneCommand, Route53Client } from "@aws-sdk/client-route-53";

export interface DnsOptions {
    /**
     * Servers ("ip" or "ip:port") that resolve the name servers' and load
     * balancers' own names; default: the system's resolver. A test's fake.
     */
    recursiveServers?: string[];
    /** Port the zone's name servers are asked on: 53, or a test fake's. */
    authoritativePort?: number;
    timeoutMs?: number;
}

export type Side = "primary" | "secondary" | "unknown";

/** The side whose load balancer addresses the answers name; unknown when none or both. */
export function sideOf(answers: readonly string[], primary: readonly string[], secondary: readonly string[]): Side {
    const p = answers.some(a => primary.includes(a));
    const s = answers.some(a => secondary.includes(a));
    return p === s ? "unknown" : p ? "primary" : "secondary";
}

const withPort = (ip: string, port: number) => (net.isIPv6(ip) ? `[${ip}]:${port}` : `${ip}:${port}`);
// NODATA and NXDOMAIN are answers ("points nowhere"), not failed reads.
const NO_ANSWER = new Set(["ENODATA", "ENOTFOUND"]);

/** The authoritative name servers' host names; throws a one-line error naming the zone when there are none. */
export type NameServerSource = () => Promise<string[]>;

export function route53NameServers(r53: Route53Client, zoneId: string): NameServerSource {
    return async () => {
        const out = await r53.send(new GetHostedZoneCommand({ Id: zoneId }));
        const names = out.DelegationSet?.NameServers ?? [];
        if (names.length === 0) throw new Error(`hosted zone ${zoneId} has no DelegationSet name servers (a private zone?); the gameday needs a public zone`);
        return names;
    };
}

/**
 * The NS records of a domain, asked of the recursive resolver: for a name a
 * cloud serves under its own domain (Traffic Manager's trafficmanager.net),
 * where no zone of ours lists the servers.
 */
export function domainNameServers(domain: string, o: DnsOptions = {}): NameServerSource {
    return async () => {
        const r = new dnsPromises.Resolver({ timeout: o.timeoutMs ?? 3000, tries: 2 });
        if (o.recursiveServers) r.setServers(o.recursiveServers);
        let names: string[];
        try {
            names = await r.resolveNs(domain);
        } catch (e) {
            throw new Error(`resolving the NS records of ${domain}: ${(e as Error).message}`);
        }
        if (names.length === 0) throw new Error(`${domain} has no NS records`);
        return names;
    };
}

export class GlobalDns {
    private authoritative: Promise<dnsPromises.Resolver> | undefined;

    /** `zone` names the servers' zone in errors; `hostname` is the name whose answers move on failover. */
    constructor(
        private readonly servers: NameServerSource,
        private readonly zone: string,
        private readonly hostname: string,
        private readonly loadBalancers: { primary: string; secondary: string },
        private readonly o: DnsOptions = {},
    ) {}

    private resolver(servers?: string[]): dnsPromises.Resolver {
        const r = new dnsPromises.Resolver({ timeout: this.o.timeoutMs ?? 3000, tries: 2 });
        if (servers) r.setServers(servers);
        return r;
    }

    private async addresses(r: dnsPromises.Resolver, name: string): Promise<string[]> {
        if (net.isIP(name)) return [name];
        try {
            return await r.resolve4(name.replace(/\.$/, ""));
        } catch (e) {
            if (NO_ANSWER.has((e as { code?: string }).code ?? "")) return [];
            throw new Error(`resolving ${name}: ${(e as Error).message}`);
        }
    }

    /** The zone's name servers, by address; read once, as they do not change during a gameday. */
    nameServers(): Promise<dnsPromises.Resolver> {
        const pending = this.authoritative ??= (async () => {
            const names = await this.servers();
            const rec = this.resolver(this.o.recursiveServers);
            const ips = (await Promise.all(names.map(n => this.addresses(rec, n)))).flat();
            if (ips.length === 0) throw new Error(`none of the name servers of ${this.zone} resolves: ${names.join(", ")}`);
            return this.resolver(ips.map(ip => withPort(ip, this.o.authoritativePort ?? 53)));
        })();
        pending.catch(() => { if (this.authoritative === pending) this.authoritative = undefined; });
        return pending;
    }

    async resolvesTo(): Promise<Side> {
        const auth = await this.nameServers();
        const rec = this.resolver(this.o.recursiveServers);
        const [answers, primary, secondary] = await Promise.all([
            this.addresses(auth, this.hostname),
            this.addresses(rec, this.loadBalancers.primary),
            this.addresses(rec, this.loadBalancers.secondary),
        ]);
        return sideOf(answers, primary, secondary);
    }
}
