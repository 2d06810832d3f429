/**
 * FakeObjectStorage: the two OCI Object Storage calls the failback makes, on
 * 127.0.0.1, over buckets the test owns, each request's OCI signature
 * verified against the test public key (test/oci/fake-oci.ts verifyOciSignature):
 *
 *   GET    /n/{namespace}/b/{bucket}/o?prefix=&fields=&limit=&start=   ListObjects (pages of pageSize, nextStartWith)
 *   DELETE /n/{namespace}/b/{bucket}/o/{object name, URL-encoded}       DeleteObject (204; 404 when absent)
 */
import * as crypto from "crypto";
import * as http from "http";
import { LocalServer, startLocalServer } from "../support/local-server";
import { verifyOciSignature } from "../oci/fake-oci";
import { FakeBucket } from "./fake-s3";

export interface ObjectStorageRequest { op: "ListObjects" | "DeleteObject" | "unknown"; namespace: string; bucket: string; status: number; object?: string; query?: Record<string, string> }

export class FakeObjectStorage {
    readonly requests: ObjectStorageRequest[] = [];
    /** Objects per ListObjects page when the request asks for more (OCI's largest is 1000). */
    pageSize = 1000;
    /** Object names whose DeleteObject answers 403, once each. */
    refuse = new Set<string>();
    private server!: LocalServer;

    private constructor(private readonly buckets: (namespace: string, bucket: string) => FakeBucket | undefined, private readonly publicKey: crypto.KeyObject,
        private readonly keyId: string, private readonly onRequest: () => void) {}

    static async start(buckets: (namespace: string, bucket: string) => FakeBucket | undefined, publicKey: crypto.KeyObject, keyId: string,
        onRequest: () => void = () => undefined): Promise<FakeObjectStorage> {
        const f = new FakeObjectStorage(buckets, publicKey, keyId, onRequest);
        f.server = await startLocalServer((req, res, raw) => f.handle(req, res, raw));
        return f;
    }

    get url(): string { return this.server.url; }
    stop(): Promise<void> { return this.server.stop(); }

    private handle(req: http.IncomingMessage, res: http.ServerResponse, raw: string): void {
        this.onRequest();
        const url = new URL(req.url ?? "/", this.url);
        const m = /^\/n\/([^/]+)\/b\/([^/]+)\/o(?:\/(.+))?$/.exec(url.pathname);
        const object = m?.[3] === undefined ? undefined : decodeURIComponent(m[3]);
        const op: ObjectStorageRequest["op"] = m && req.method === "GET" && object === undefined ? "ListObjects"
            : m && req.method === "DELETE" && object !== undefined ? "DeleteObject" : "unknown";
        const rec: ObjectStorageRequest = { op, namespace: m ? decodeURIComponent(m[1]) : "", bucket: m ? decodeURIComponent(m[2]) : "", status: 0, object, query: Object.fromEntries(url.searchParams) };
        this.requests.push(rec);
        const answer = (status: number, body?: unknown) => {
            rec.status = status;
            res.writeHead(status, { "content-type": "application/json", "opc-request-id": `os-${this.requests.length}` });
            res.end(body === undefined ? "" : JSON.stringify(body));
        };
        const sig = verifyOciSignature(req, url, raw, this.publicKey, this.keyId);
        if (!sig.ok) return answer(401, { code: "NotAuthenticated", message: sig.why });
        const bucket = m ? this.buckets(rec.namespace, rec.bucket) : undefined;
        if (op === "unknown") return answer(404, { code: "NotFound", message: `${req.method} ${url.pathname}` });
        if (!bucket) return answer(404, { code: "BucketNotFound", message: `Either the bucket named '${rec.bucket}' does not exist in the namespace '${rec.namespace}' or you are not authorized to access it` });
        if (op === "ListObjects") {
            const prefix = url.searchParams.get("prefix") ?? "";
            const start = url.searchParams.get("start") ?? "";
            const limit = Number(url.searchParams.get("limit") ?? 1000);
            if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return answer(400, { code: "InvalidParameter", message: `limit ${url.searchParams.get("limit")}` });
            const fields = (url.searchParams.get("fields") ?? "name").split(",");
            // Lexicographic by name, from start inclusive, as ListObjects pages.
            const matching = bucket.objects.filter(o => o.key.startsWith(prefix) && o.key >= start).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
            const page = matching.slice(0, Math.min(limit, this.pageSize));
            const next = matching[page.length];
            return answer(200, {
                objects: page.map(o => ({ name: o.key, ...(fields.includes("timeModified") ? { timeModified: new Date(o.modified).toISOString() } : {}) })),
                prefixes: [],
                ...(next ? { nextStartWith: next.key } : {}),
            });
        }
        const name = object!;
        if (this.refuse.delete(name)) return answer(403, { code: "NotAuthorizedOrNotFound", message: `Authorization failed or requested resource not found for object '${name}'` });
        if (!bucket.objects.some(o => o.key === name)) return answer(404, { code: "ObjectNotFound", message: `The object '${name}' was not found in the bucket '${rec.bucket}'` });
        bucket.objects = bucket.objects.filter(o => o.key !== name);
        bucket.deleted.push(name);
        return answer(204);
    }
}
