// Where the global hostname points, asked of the zone's own name servers:
// a recursive resolver would answer from its cache for up to the TTL, and the
// gameday measures when Route 53 switched, not when a cache expired.

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

export class GlobalDns {
    private authoritative: Promise<dnsPromises.Resolver> | undefined;

    constructor(
        private readonly r53: Route53Client,
        private readonly zoneId: string,
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

    /** The zone's DelegationSet name servers, by address; read once, as they do not change during a gameday. */
    nameServers(): Promise<dnsPromises.Resolver> {
        const pending = this.authoritative ??= (async () => {
            const out = await this.r53.send(new GetHostedZoneCommand({ Id: this.zoneId }));
            const names = out.DelegationSet?.NameServers ?? [];
            if (names.length === 0) throw new Error(`hosted zone ${this.zoneId} has no DelegationSet name servers (a private zone?); the gameday needs a public zone`);
            const rec = this.resolver(this.o.recursiveServers);
            const ips = (await Promise.all(names.map(n => this.addresses(rec, n)))).flat();
            if (ips.length === 0) throw new Error(`none of the name servers of zone ${this.zoneId} resolves: ${names.join(", ")}`);
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
