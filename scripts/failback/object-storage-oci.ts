// One side's Object Storage bucket as the failback reads and empties it:
// ListObjects and DeleteObject on the native API, signed like every other OCI
// call here (functions/oci/http.ts). The stack's S3 key is LogScale's and is
// left to LogScale; the operator's own identity does the deleting.

import { ociBadAnswer, ociError, OciCall, ociRequest, parseJson } from "../../functions/oci/http";
import { OciCredentials } from "../../functions/oci/signer";
import { checkApiEndpoint } from "../readiness/outputs";
import { BucketObject } from "./ports";

const TIMEOUT_MS = 30_000;
/** ListObjects' largest page. */
const PAGE_LIMIT = 1000;
/** DeleteObject is one request per object: enough in flight to empty a snapshot prefix quickly, few enough not to be throttled. */
const DELETE_CONCURRENCY = 8;

export interface OciBucketOptions {
    namespace: string;
    bucket: string;
    region: string;
    credentials: () => OciCredentials;
    /** Default https://objectstorage.<region>.oraclecloud.com; http only on loopback. */
    endpoint?: string;
}

/**
 * The namespace from the stack's storageEndpointBase output, the S3
 * compatibility host components/oci/env.ts s3EndpointBase builds from it:
 * https://<namespace>.compat.objectstorage.<region>.oraclecloud.com.
 */
export function namespaceFromEndpointBase(endpointBase: string): string | undefined {
    return /^https:\/\/([a-z0-9]{1,63})\.compat\.objectstorage\.[a-z0-9-]+\.[a-z0-9.-]+\/?$/.exec(endpointBase)?.[1];
}

export class OciBucket {
    private readonly base: string;

    constructor(private readonly o: OciBucketOptions) {
        const host = checkApiEndpoint(o.endpoint ?? `https://objectstorage.${o.region}.oraclecloud.com`, "OCI Object Storage");
        this.base = `${host}/n/${encodeURIComponent(o.namespace)}/b/${encodeURIComponent(o.bucket)}/o`;
    }

    async list(prefix: string): Promise<BucketObject[]> {
        const out: BucketObject[] = [];
        let start: string | undefined;
        do {
            const q = new URLSearchParams({ prefix, fields: "name,timeModified", limit: String(PAGE_LIMIT) });
            if (start !== undefined) q.set("start", start);
            const req: OciCall = { call: "oci.objectstorage.listObjects", method: "GET", url: `${this.base}?${q}`, timeoutMs: TIMEOUT_MS };
            const res = await ociRequest(this.o.credentials, req);
            // OCI answers 404 NotAuthorizedOrNotFound for a missing permission too.
            if (res.status !== 200) throw this.listError(ociError(req, res));
            const page = parseJson(req, res) as { objects?: { name?: unknown; timeModified?: unknown }[]; nextStartWith?: unknown };
            if (!Array.isArray(page?.objects)) throw this.listError(ociBadAnswer(req, "no objects list"));
            for (const o of page.objects) {
                const modified = typeof o.timeModified === "string" ? Date.parse(o.timeModified) : NaN;
                if (typeof o.name !== "string" || Number.isNaN(modified)) throw this.listError(ociBadAnswer(req, `object ${JSON.stringify(o)} has no name or timeModified`));
                out.push({ key: o.name, modified });
            }
            start = typeof page.nextStartWith === "string" && page.nextStartWith !== "" ? page.nextStartWith : undefined;
        } while (start !== undefined);
        return out;
    }

    /** Stops handing out deletes at the first failure: with a missing permission every one would fail the same way. */
    async delete(keys: string[]): Promise<void> {
        const queue = [...keys];
        let deleted = 0;
        let failure: { key: string; message: string } | undefined;
        const worker = async () => {
            for (let key = queue.shift(); key !== undefined && !failure; key = queue.shift()) {
                const req: OciCall = { call: "oci.objectstorage.deleteObject", method: "DELETE", url: `${this.base}/${encodeURIComponent(key)}`, timeoutMs: TIMEOUT_MS };
                try {
                    const res = await ociRequest(this.o.credentials, req);
                    // Gone already (a retried run, or LogScale's own cleanup) is what the step wants.
                    if (res.status !== 204 && res.status !== 200 && res.status !== 404) throw ociError(req, res);
                    deleted++;
                } catch (e) {
                    failure ??= { key, message: (e as Error).message };
                }
            }
        };
        await Promise.all(Array.from({ length: Math.min(DELETE_CONCURRENCY, keys.length) }, worker));
        if (failure) {
            throw new Error(`Object Storage DeleteObject on bucket ${this.o.bucket}: ${deleted} of ${keys.length} object(s) deleted before ${failure.key} failed: ${failure.message}`);
        }
    }

    private listError(e: Error): Error {
        return new Error(`Object Storage ListObjects on bucket ${this.o.bucket} (namespace ${this.o.namespace}): ${e.message}`);
    }
}
