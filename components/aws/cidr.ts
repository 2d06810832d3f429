// Subnet plan of the regional VPC (pure).

/** The VPC of each regional stack. Both stacks of a pair may use it: they are never peered. */
export const VPC_CIDR = "10.0.0.0/16";

export interface SubnetPlan {
    /** One per availability zone, large: the VPC CNI gives every pod a VPC address. */
    private: string[];
    /** One per availability zone, small: NAT gateways and the load balancer only. */
    public: string[];
}

export function parseCidr(cidr: string): { base: number; prefix: number } {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
    if (!m) throw new Error(`"${cidr}" is not an IPv4 CIDR block (a.b.c.d/n)`);
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some(o => o > 255) || prefix > 32) throw new Error(`"${cidr}" is not an IPv4 CIDR block (a.b.c.d/n)`);
    const base = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    if ((base & mask) >>> 0 !== base) throw new Error(`"${cidr}" has host bits set; use the network address`);
    return { base, prefix };
}

export function formatCidr(base: number, prefix: number): string {
    return `${base >>> 24}.${(base >>> 16) & 255}.${(base >>> 8) & 255}.${base & 255}/${prefix}`;
}

/**
 * Splits the VPC into `zones` private subnets of a quarter of the VPC each
 * (a /18 in a /16) and, in the last quarter, `zones` public subnets of a
 * sixteenth of that quarter each (a /22 in a /16).
 */
export function subnetPlan(vpcCidr: string, zones: number): SubnetPlan {
    const { base, prefix } = parseCidr(vpcCidr);
    if (zones < 1 || zones > 3) throw new Error(`subnetPlan: ${zones} zones; 1 to 3 are supported`);
    if (prefix > 20) throw new Error(`VPC ${vpcCidr} is too small: at least a /20 is needed for pods of ${zones} zones`);
    const privPrefix = prefix + 2;
    const privSize = 2 ** (32 - privPrefix);
    const pubPrefix = privPrefix + 4;
    const pubSize = 2 ** (32 - pubPrefix);
    const publicBase = base + 3 * privSize;
    return {
        private: Array.from({ length: zones }, (_, i) => formatCidr(base + i * privSize, privPrefix)),
        public: Array.from({ length: zones }, (_, i) => formatCidr(publicBase + i * pubSize, pubPrefix)),
    };
}
