// A UDP DNS server on 127.0.0.1 that answers A queries from a table a test
// changes between reads, and NS queries from a second one (NXDOMAIN for names
// in neither, an empty answer for other types), enough for node's c-ares
// Resolver pointed at it with setServers.
import * as dgram from "dgram";
import type { AddressInfo } from "net";

export class FakeDns {
    /** name (lower case, no trailing dot) -> its A records. */
    readonly table = new Map<string, string[]>();
    /** name -> its NS host names. */
    readonly nsTable = new Map<string, string[]>();
    /** Every A question asked, lower case. */
    readonly asked: string[] = [];
    private constructor(private readonly socket: dgram.Socket, readonly port: number) {}

    static async start(): Promise<FakeDns> {
        const socket = dgram.createSocket("udp4");
        await new Promise<void>(resolve => socket.bind(0, "127.0.0.1", resolve));
        const f = new FakeDns(socket, (socket.address() as AddressInfo).port);
        socket.on("message", (msg, from) => {
            const answer = f.answer(msg);
            if (answer) socket.send(answer, from.port, from.address);
        });
        return f;
    }

    get server(): string { return `127.0.0.1:${this.port}`; }

    set(name: string, ips: string[]): void { this.table.set(name.toLowerCase().replace(/\.$/, ""), ips); }

    setNs(name: string, hosts: string[]): void { this.nsTable.set(name.toLowerCase().replace(/\.$/, ""), hosts); }

    stop(): Promise<void> { return new Promise(resolve => this.socket.close(() => resolve())); }

    private answer(q: Buffer): Buffer | undefined {
        if (q.length < 12 || q.readUInt16BE(4) !== 1) return undefined;
        const labels: string[] = [];
        let i = 12;
        while (i < q.length && q[i] !== 0) {
            labels.push(q.subarray(i + 1, i + 1 + q[i]).toString("ascii"));
            i += q[i] + 1;
        }
        const qEnd = i + 5;
        if (qEnd > q.length) return undefined;
        const qtype = q.readUInt16BE(i + 1);
        const name = labels.join(".").toLowerCase();
        const ips = this.table.get(name);
        const ns = this.nsTable.get(name);
        if (qtype === 1) this.asked.push(name);
        const records = qtype === 1 && ips ? ips : [];
        const nsRecords = qtype === 2 && ns ? ns : [];
        const known = ips !== undefined || ns !== undefined;
        const header = Buffer.alloc(12);
        q.copy(header, 0, 0, 2);
        // QR, opcode 0, AA, RD copied; RCODE 3 (NXDOMAIN) when the name is unknown.
        header.writeUInt16BE(0x8400 | (q.readUInt16BE(2) & 0x0100) | (known ? 0 : 3), 2);
        header.writeUInt16BE(1, 4);
        header.writeUInt16BE(records.length + nsRecords.length, 6);
        const rrs = records.map(ip => {
            const rr = Buffer.alloc(16);
            rr.writeUInt16BE(0xc00c, 0);
            rr.writeUInt16BE(1, 2);
            rr.writeUInt16BE(1, 4);
            rr.writeUInt32BE(60, 6);
            rr.writeUInt16BE(4, 10);
            ip.split(".").forEach((b, k) => rr.writeUInt8(Number(b), 12 + k));
            return rr;
        });
        const nsRrs = nsRecords.map(host => {
            // The host name uncompressed: labels, then the root.
            const rdata = Buffer.concat([...host.replace(/\.$/, "").split(".").map(l => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, "ascii")])), Buffer.from([0])]);
            const rr = Buffer.alloc(12);
            rr.writeUInt16BE(0xc00c, 0);
            rr.writeUInt16BE(2, 2);
            rr.writeUInt16BE(1, 4);
            rr.writeUInt32BE(60, 6);
            rr.writeUInt16BE(rdata.length, 10);
            return Buffer.concat([rr, rdata]);
        });
        return Buffer.concat([header, q.subarray(12, qEnd), ...rrs, ...nsRrs]);
    }
}
