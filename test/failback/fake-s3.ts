/**
 * FakeS3: the two S3 calls the failback makes, path-style on 127.0.0.1
 * (GET /<bucket>?list-type=2 and POST /<bucket>?delete), over buckets the
 * test owns. Each request's SigV4 signature is recomputed here from the raw
 * request (an implementation of its own, not the client's signer), so a path,
 * query or header the client signed differently from what it sent is a 403,
 * as at AWS. DeleteObjects needs a matching Content-MD5 and at most 1000 keys.
 */
import { createHash, createHmac } from "crypto";
import * as http from "http";
import { signingKey, uriEscape } from "../../functions/aws/sigv4";
import { xmlEscape } from "../../scripts/failback/xml";
import { LocalServer, startLocalServer } from "../support/local-server";

export interface FakeBucket { region: string; objects: { key: string; modified: number }[]; deleted: string[] }

export interface S3Request { op: "ListObjectsV2" | "DeleteObjects" | "unknown"; bucket: string; status: number; keys?: number; credentialScope?: string }

export const S3_KEYS = { accessKeyId: "AKIDFAILBACKTEST", secretAccessKey: "failback-test-secret" };

export class FakeS3 {
    readonly requests: S3Request[] = [];
    /** Keys per ListObjectsV2 page, as S3's MaxKeys default. */
    pageSize = 1000;
    /** Keys DeleteObjects reports as failed (AccessDenied), once each. */
    refuse = new Set<string>();
    private server!: LocalServer;

    private constructor(private readonly buckets: (name: string) => FakeBucket | undefined, private readonly onRequest: () => void) {}

    static async start(buckets: (name: string) => FakeBucket | undefined, onRequest: () => void = () => undefined): Promise<FakeS3> {
        const f = new FakeS3(buckets, onRequest);
        f.server = await startLocalServer((req, res, raw) => f.handle(req, res, raw));
        return f;
    }

    get url(): string { return this.server.url; }
    stop(): Promise<void> { return this.server.stop(); }

    private handle(req: http.IncomingMessage, res: http.ServerResponse, raw: string): void {
        this.onRequest();
        const url = new URL(req.url ?? "/", "http://x");
        const bucketName = decodeURIComponent(url.pathname.split("/")[1] ?? "");
        const op: S3Request["op"] = req.method === "GET" && url.searchParams.get("list-type") === "2" ? "ListObjectsV2"
            : req.method === "POST" && url.searchParams.has("delete") ? "DeleteObjects" : "unknown";
        const record: S3Request = { op, bucket: bucketName, status: 200 };
        this.requests.push(record);
        const send = (status: number, xml: string) => {
            record.status = status;
            res.writeHead(status, { "content-type": "application/xml" });
            res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
        };
        const error = (status: number, code: string, message: string) => send(status, `<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error>`);
        const bucket = this.buckets(bucketName);
        if (!bucket) return error(404, "NoSuchBucket", `The specified bucket ${bucketName} does not exist`);
        const auth = verifySignature(req, url, raw, bucket.region);
        record.credentialScope = auth.scope;
        if (!auth.ok) return error(403, "SignatureDoesNotMatch", auth.why);
        if (op === "ListObjectsV2") {
            const prefix = url.searchParams.get("prefix") ?? "";
            const all = bucket.objects.filter(o => o.key.startsWith(prefix)).sort((a, b) => (a.key < b.key ? -1 : 1));
            const token = url.searchParams.get("continuation-token");
            const start = token ? Number(Buffer.from(token, "base64").toString("utf8").replace(/^after:/, "")) : 0;
            if (token && !Number.isInteger(start)) return error(400, "InvalidArgument", "The continuation token provided is incorrect");
            const page = all.slice(start, start + this.pageSize);
            const next = start + page.length < all.length ? Buffer.from(`after:${start + page.length}`).toString("base64") : undefined;
            record.keys = page.length;
            return send(200, `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${bucketName}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${this.pageSize}</MaxKeys><IsTruncated>${next ? "true" : "false"}</IsTruncated>`
                + (token ? `<ContinuationToken>${token}</ContinuationToken>` : "") + (next ? `<NextContinuationToken>${next}</NextContinuationToken>` : "")
                + page.map(o => `<Contents><Key>${xmlEscape(o.key)}</Key><LastModified>${new Date(o.modified).toISOString()}</LastModified><ETag>&quot;x&quot;</ETag><Size>1</Size><StorageClass>STANDARD</StorageClass></Contents>`).join("")
                + "</ListBucketResult>");
        }
        if (op === "DeleteObjects") {
            const md5 = req.headers["content-md5"];
            if (!md5 && !Object.keys(req.headers).some(h => h.startsWith("x-amz-checksum-"))) return error(400, "InvalidRequest", "Missing required header for this request: Content-MD5");
            if (md5 && md5 !== createHash("md5").update(raw).digest("base64")) return error(400, "BadDigest", "The Content-MD5 you specified did not match what we received.");
            const keys = [...raw.matchAll(/<Key>([\s\S]*?)<\/Key>/g)].map(m => m[1].replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, "\"").replace(/&apos;/g, "'").replace(/&amp;/g, "&"));
            if (keys.length > 1000) return error(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema");
            record.keys = keys.length;
            const failed = keys.filter(k => this.refuse.delete(k));
            const gone = keys.filter(k => !failed.includes(k));
            bucket.deleted.push(...gone);
            bucket.objects = bucket.objects.filter(o => !gone.includes(o.key));
            const quiet = /<Quiet>true<\/Quiet>/.test(raw);
            return send(200, `<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${quiet ? "" : gone.map(k => `<Deleted><Key>${xmlEscape(k)}</Key></Deleted>`).join("")}`
                + failed.map(k => `<Error><Key>${xmlEscape(k)}</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`).join("") + "</DeleteResult>");
        }
        return error(400, "NotImplemented", `not faked: ${req.method} ${url.pathname}${url.search}`);
    }
}

/** SigV4 as S3 checks it: credential scope <date>/<region>/s3/aws4_request, the signed headers, and the signature over the request as received. */
function verifySignature(req: http.IncomingMessage, url: URL, body: string, region: string): { ok: boolean; why: string; scope?: string } {
    const auth = String(req.headers.authorization ?? "");
    const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
    if (!m) return { ok: false, why: `no SigV4 Authorization header (got ${JSON.stringify(auth.slice(0, 40))})` };
    const [, keyId, date, scopeRegion, service, signedHeaders, signature] = m;
    const scope = `${date}/${scopeRegion}/${service}/aws4_request`;
    if (keyId !== S3_KEYS.accessKeyId) return { ok: false, why: `unknown access key ${keyId}`, scope };
    if (service !== "s3" || scopeRegion !== region) return { ok: false, why: `credential scope ${scope}; the bucket wants ${region}/s3`, scope };
    const payloadHash = String(req.headers["x-amz-content-sha256"] ?? "");
    if (payloadHash !== createHash("sha256").update(body).digest("hex")) return { ok: false, why: "x-amz-content-sha256 missing or not the body's hash", scope };
    const amzDate = String(req.headers["x-amz-date"] ?? "");
    const names = signedHeaders.split(";");
    if (!names.includes("host") || !names.includes("x-amz-date")) return { ok: false, why: `SignedHeaders ${signedHeaders} leave out host or x-amz-date`, scope };
    const canonicalHeaders = names.map(n => `${n}:${String(req.headers[n] ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
    const query = [...url.searchParams.entries()].map(([k, v]) => [uriEscape(k), uriEscape(v)]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join("&");
    const canonical = [req.method, url.pathname, query, canonicalHeaders, signedHeaders, payloadHash].join("\n");
    const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, createHash("sha256").update(canonical).digest("hex")].join("\n");
    const expected = createHmac("sha256", signingKey(S3_KEYS.secretAccessKey, date, scopeRegion, "s3")).update(toSign).digest("hex");
    return expected === signature ? { ok: true, why: "", scope } : { ok: false, why: "The request signature we calculated does not match the signature you provided", scope };
}
