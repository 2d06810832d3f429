// The two S3 calls the failback makes (ListObjectsV2 and DeleteObjects),
// signed with SigV4 over fetch: @aws-sdk/client-s3 is not a dependency, and
// two REST calls do not justify it.

import { createHash, createHmac } from "crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentity, HttpRequest } from "@smithy/types";
import { uriEscape } from "../../functions/aws/sigv4";
import { checkedEndpoint, fetchWithin } from "./endpoint";
import { BucketObject } from "./ports";
import { elements, text, xmlEscape } from "./xml";

/** DeleteObjects takes at most this many keys per request. */
export const DELETE_BATCH = 1000;
const TIMEOUT_MS = 30_000;

/** SHA-256 (HMAC when given a secret) over node's crypto, in the shape SignatureV4 expects. */
class NodeSha256 {
    private readonly h;
    constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
        this.h = secret === undefined ? createHash("sha256") : createHmac("sha256", toBuffer(secret));
    }
    update(data: string | ArrayBuffer | ArrayBufferView): void { this.h.update(toBuffer(data)); }
    digest(): Promise<Uint8Array> { return Promise.resolve(new Uint8Array(this.h.digest())); }
    reset(): void { throw new Error("NodeSha256 is single-use"); }
}

function toBuffer(d: string | ArrayBuffer | ArrayBufferView): Buffer {
    if (typeof d === "string") return Buffer.from(d, "utf8");
    if (ArrayBuffer.isView(d)) return Buffer.from(d.buffer, d.byteOffset, d.byteLength);
    return Buffer.from(d);
}

export interface S3BucketOptions {
    bucket: string;
    region: string;
    credentials: () => Promise<AwsCredentialIdentity>;
    /** Path-style endpoint (tests); default the bucket's virtual-hosted https endpoint in its region. */
    endpoint?: string;
}

export class S3Bucket {
    private readonly signer: SignatureV4;
    private readonly base: URL;
    /** Path before the query: "/" virtual-hosted, "/<bucket>/" path-style. */
    private readonly root: string;

    constructor(private readonly o: S3BucketOptions) {
        this.signer = new SignatureV4({ service: "s3", region: o.region, credentials: o.credentials, sha256: NodeSha256, uriEscapePath: false, applyChecksum: true });
        this.base = o.endpoint ? checkedEndpoint(o.endpoint, "the S3 endpoint") : new URL(`https://${o.bucket}.s3.${o.region}.amazonaws.com`);
        this.root = o.endpoint ? `/${uriEscape(o.bucket)}/` : "/";
    }

    private async send(method: "GET" | "POST", query: Record<string, string>, body?: string, extra: Record<string, string> = {}): Promise<string> {
        const request: HttpRequest = {
            method, protocol: this.base.protocol, hostname: this.base.hostname, port: this.base.port ? Number(this.base.port) : undefined,
            path: this.root, query, headers: { host: this.base.host, ...extra }, body,
        };
        const signed = await this.signer.sign(request);
        // The query in the URL must be the one signed: RFC 3986 escaping, sorted as SigV4 sorts it.
        const qs = Object.keys(query).sort().map(k => `${uriEscape(k)}=${uriEscape(query[k])}`).join("&");
        const url = `${this.base.origin}${this.root}${qs ? `?${qs}` : ""}`;
        const headers = Object.fromEntries(Object.entries(signed.headers).filter(([k]) => k.toLowerCase() !== "host"));
        const res = await fetchWithin(url, { method, headers, body }, TIMEOUT_MS);
        const answer = await res.text();
        if (!res.ok) {
            throw new Error(`S3 ${query["list-type"] ? "ListObjectsV2" : "DeleteObjects"} on bucket ${this.o.bucket}: HTTP ${res.status} ${text(answer, "Code") ?? ""} ${text(answer, "Message") ?? answer.slice(0, 120)}`.trim());
        }
        return answer;
    }

    /** Every object under prefix, following continuation tokens. */
    async list(prefix: string): Promise<BucketObject[]> {
        const out: BucketObject[] = [];
        let token: string | undefined;
        do {
            const query: Record<string, string> = { "list-type": "2", prefix, ...(token ? { "continuation-token": token } : {}) };
            const xml = await this.send("GET", query);
            for (const c of elements(xml, "Contents")) {
                const key = text(c, "Key");
                const modified = Date.parse(text(c, "LastModified") ?? "");
                if (key === undefined || Number.isNaN(modified)) throw new Error(`S3 ListObjectsV2 on bucket ${this.o.bucket}: an entry without Key or LastModified`);
                out.push({ key, modified });
            }
            const truncated = text(xml, "IsTruncated") === "true";
            token = truncated ? text(xml, "NextContinuationToken") : undefined;
            if (truncated && !token) throw new Error(`S3 ListObjectsV2 on bucket ${this.o.bucket}: IsTruncated without NextContinuationToken`);
        } while (token);
        return out;
    }

    /** Deletes keys in batches of DELETE_BATCH; any key S3 reports as not deleted is an error naming it. */
    async delete(keys: readonly string[]): Promise<void> {
        for (let i = 0; i < keys.length; i += DELETE_BATCH) {
            const batch = keys.slice(i, i + DELETE_BATCH);
            // Quiet: the answer lists only the failures.
            const body = `<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Quiet>true</Quiet>${batch.map(k => `<Object><Key>${xmlEscape(k)}</Key></Object>`).join("")}</Delete>`;
            // DeleteObjects refuses a body without an integrity header; Content-MD5 is the one every S3 region takes.
            const md5 = createHash("md5").update(body).digest("base64");
            const xml = await this.send("POST", { delete: "" }, body, { "content-type": "application/xml", "content-md5": md5 });
            const errors = elements(xml, "Error");
            if (errors.length) {
                const e = errors[0];
                throw new Error(`S3 DeleteObjects on bucket ${this.o.bucket}: ${errors.length} of ${batch.length} key(s) not deleted, e.g. ${text(e, "Key")}: ${text(e, "Code")} ${text(e, "Message") ?? ""}`.trim());
            }
        }
    }
}
