// The two Blob Storage calls the failback makes (List Blobs and Delete Blob)
// over fetch with an Azure AD bearer token: @azure/storage-blob is not a
// dependency, and two REST calls do not justify it. The token, not the
// account key the stack exports for LogScale, so a person's own role
// assignment (Storage Blob Data Contributor) decides what the run may delete.

import { checkedEndpoint, fetchWithin } from "./endpoint";
import { BucketObject } from "./ports";
import { elements, text } from "./xml";

/** The REST version sent as x-ms-version; bearer tokens need 2017-11-09 or later. */
export const BLOB_API_VERSION = "2023-11-03";
/** Delete Blob calls in flight at once: enough to clear thousands of snapshots in seconds without tripping the account's throttling. */
export const DELETE_CONCURRENCY = 8;
const TIMEOUT_MS = 30_000;

export interface BlobContainerOptions {
    account: string;
    container: string;
    /** The account's blob endpoint, https://<account>.blob.core.windows.net (stack output storageEndpointBase). */
    endpoint: string;
    /** Bearer token for https://storage.azure.com/. */
    token: () => Promise<string>;
}

/** Each path segment escaped, the slashes kept: a blob name's "/" is part of the URL path, as Blob Storage expects. */
function blobPath(name: string): string {
    return name.split("/").map(encodeURIComponent).join("/");
}

export class BlobContainer {
    private readonly base: string;

    constructor(private readonly o: BlobContainerOptions) {
        this.base = checkedEndpoint(o.endpoint, "the Blob endpoint").href.replace(/\/+$/, "");
    }

    private async send(call: string, method: "GET" | "DELETE", url: string, ok: readonly number[], extra: Record<string, string> = {}): Promise<{ status: number; body: string }> {
        const res = await fetchWithin(url, {
            method, headers: { authorization: `Bearer ${await this.o.token()}`, "x-ms-version": BLOB_API_VERSION, ...extra },
        }, TIMEOUT_MS);
        const body = await res.text();
        if (!ok.includes(res.status)) {
            const detail = [text(body, "Code") ?? res.headers.get("x-ms-error-code"), text(body, "Message")?.split("\n")[0] ?? body.slice(0, 120)].filter(Boolean).join(" ");
            throw new Error(`Blob ${call} on ${new URL(url).pathname} of account ${this.o.account}: HTTP ${res.status} ${detail}`.trim());
        }
        return { status: res.status, body };
    }

    /** Every blob under prefix, following NextMarker. */
    async list(prefix: string): Promise<BucketObject[]> {
        const out: BucketObject[] = [];
        let marker = "";
        do {
            const q = new URLSearchParams({ restype: "container", comp: "list", prefix, ...(marker ? { marker } : {}) });
            const { body } = await this.send("List Blobs", "GET", `${this.base}/${encodeURIComponent(this.o.container)}?${q}`, [200]);
            for (const b of elements(body, "Blob")) {
                const name = text(b, "Name");
                const modified = Date.parse(text(b, "Last-Modified") ?? "");
                if (name === undefined || Number.isNaN(modified)) throw new Error(`Blob List Blobs on container ${this.o.container} of account ${this.o.account}: an entry without Name or Last-Modified`);
                out.push({ key: name, modified });
            }
            marker = text(body, "NextMarker") ?? "";
        } while (marker);
        return out;
    }

    /** Deletes each blob, DELETE_CONCURRENCY at a time; one already gone (404) counts as deleted, so a resumed step 6 does not stop on its own earlier work. */
    async delete(keys: readonly string[]): Promise<void> {
        let next = 0;
        const worker = async () => {
            while (next < keys.length) {
                const key = keys[next++];
                // include: a blob with snapshots of its own is refused (409 SnapshotsPresent) without it.
                await this.send("Delete Blob", "DELETE", `${this.base}/${encodeURIComponent(this.o.container)}/${blobPath(key)}`, [202, 404], { "x-ms-delete-snapshots": "include" });
            }
        };
        await Promise.all(Array.from({ length: Math.min(DELETE_CONCURRENCY, keys.length) }, worker));
    }
}
