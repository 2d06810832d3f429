/**
 * FakeBlob: the two Blob Storage calls the failback makes, path-style on
 * 127.0.0.1 as Azurite serves them, over containers the test owns:
 *
 *   GET    /<account>/<container>?restype=container&comp=list&prefix=P[&marker=M]
 *          List Blobs, pageSize names per page (5000, as Blob Storage's
 *          maxresults default), the next page's marker in <NextMarker>.
 *   DELETE /<account>/<container>/<blob name>   Delete Blob: 202, 404 when absent.
 *
 * Every call needs "Authorization: Bearer <token>" (401 otherwise) and an
 * x-ms-version (400 otherwise), as Blob Storage does for Azure AD callers.
 *
 *   blob.refuse.add(name)    // the next Delete Blob of name answers 403 AuthorizationPermissionMismatch
 */
import * as http from "http";
import { xmlEscape } from "../../scripts/failback/xml";
import { LocalServer, startLocalServer } from "../support/local-server";

export interface FakeContainer { objects: { key: string; modified: number }[]; deleted: string[] }

export interface BlobRequest { op: "List Blobs" | "Delete Blob" | "unknown"; account: string; container: string; status: number; names?: number; version?: string }

export const BLOB_TOKEN = "storage-token-for-tests";

export class FakeBlob {
    readonly requests: BlobRequest[] = [];
    pageSize = 5000;
    refuse = new Set<string>();
    private server!: LocalServer;

    private constructor(private readonly containers: (account: string, container: string) => FakeContainer | undefined, private readonly onRequest: () => void) {}

    static async start(containers: (account: string, container: string) => FakeContainer | undefined, onRequest: () => void = () => undefined): Promise<FakeBlob> {
        const f = new FakeBlob(containers, onRequest);
        f.server = await startLocalServer((req, res) => f.handle(req, res));
        return f;
    }

    get url(): string { return this.server.url; }
    stop(): Promise<void> { return this.server.stop(); }

    private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
        this.onRequest();
        const url = new URL(req.url ?? "/", "http://x");
        const [account = "", container = "", ...rest] = url.pathname.slice(1).split("/").map(decodeURIComponent);
        const name = rest.join("/");
        const q = url.searchParams;
        const op: BlobRequest["op"] = req.method === "GET" && !name && q.get("restype") === "container" && q.get("comp") === "list" ? "List Blobs"
            : req.method === "DELETE" && name ? "Delete Blob" : "unknown";
        const record: BlobRequest = { op, account, container, status: 200, version: req.headers["x-ms-version"] as string | undefined };
        this.requests.push(record);
        const send = (status: number, xml?: string, code?: string) => {
            record.status = status;
            res.writeHead(status, { "content-type": "application/xml", ...(code ? { "x-ms-error-code": code } : {}) });
            res.end(xml === undefined ? "" : `\uFEFF<?xml version="1.0" encoding="utf-8"?>${xml}`);
        };
        const error = (status: number, code: string, message: string) => send(status, `<Error><Code>${code}</Code><Message>${xmlEscape(message)}\nRequestId:fake\nTime:2025-01-01T12:00:00.0000000Z</Message></Error>`, code);
        if (req.headers.authorization !== `Bearer ${BLOB_TOKEN}`) return error(401, "NoAuthenticationInformation", "Server failed to authenticate the request. Please refer to the information in the www-authenticate header.");
        if (!record.version) return error(400, "MissingRequiredHeader", "An HTTP header that's mandatory for this request is not specified: x-ms-version");
        const c = this.containers(account, container);
        if (!c) return error(404, "ContainerNotFound", "The specified container does not exist.");
        if (op === "List Blobs") {
            const prefix = q.get("prefix") ?? "";
            const all = c.objects.filter(o => o.key.startsWith(prefix)).sort((a, b) => (a.key < b.key ? -1 : 1));
            const marker = q.get("marker");
            const start = marker ? Number(Buffer.from(marker, "base64").toString("utf8").replace(/^at:/, "")) : 0;
            if (marker && !Number.isInteger(start)) return error(400, "OutOfRangeInput", "One of the request inputs is out of range.");
            const page = all.slice(start, start + this.pageSize);
            const next = start + page.length < all.length ? Buffer.from(`at:${start + page.length}`).toString("base64") : "";
            record.names = page.length;
            return send(200, `<EnumerationResults ServiceEndpoint="${this.url}/${account}/" ContainerName="${xmlEscape(container)}"><Prefix>${xmlEscape(prefix)}</Prefix>${marker ? `<Marker>${marker}</Marker>` : ""}<Blobs>`
                + page.map(o => `<Blob><Name>${xmlEscape(o.key)}</Name><Properties><Creation-Time>${new Date(o.modified).toUTCString()}</Creation-Time><Last-Modified>${new Date(o.modified).toUTCString()}</Last-Modified><Etag>0x8D</Etag><Content-Length>1</Content-Length><BlobType>BlockBlob</BlobType></Properties></Blob>`).join("")
                + `</Blobs><NextMarker>${next}</NextMarker></EnumerationResults>`);
        }
        if (op === "Delete Blob") {
            if (this.refuse.delete(name)) return error(403, "AuthorizationPermissionMismatch", "This request is not authorized to perform this operation using this permission.");
            if (!c.objects.some(o => o.key === name)) return error(404, "BlobNotFound", "The specified blob does not exist.");
            c.objects = c.objects.filter(o => o.key !== name);
            c.deleted.push(name);
            return send(202);
        }
        return error(400, "UnsupportedHttpVerb", `not faked: ${req.method} ${url.pathname}${url.search}`);
    }
}
