import * as assert from "assert";
import * as crypto from "crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import { EKS_TOKEN_PREFIX, eksBearerToken } from "../../functions/aws/eks-token";
import { presignUrl, PresignInput } from "../../functions/aws/sigv4";

// node crypto in the shape @smithy/signature-v4 wants (a Checksum constructor).
class Sha256 {
    private readonly hash: crypto.Hash | crypto.Hmac;
    constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
        this.hash = secret === undefined ? crypto.createHash("sha256") : crypto.createHmac("sha256", toBuffer(secret));
    }
    update(data: Uint8Array): void {
        this.hash.update(toBuffer(data));
    }
    async digest(): Promise<Uint8Array> {
        return new Uint8Array(this.hash.digest());
    }
    reset(): void {
        throw new Error("not used");
    }
}

function toBuffer(data: string | ArrayBuffer | ArrayBufferView): Buffer {
    if (typeof data === "string") {
        return Buffer.from(data, "utf8");
    }
    if (ArrayBuffer.isView(data)) {
        return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    }
    return Buffer.from(data);
}

async function smithyPresign(input: PresignInput): Promise<Record<string, string>> {
    const signer = new SignatureV4({ service: input.service, region: input.region, credentials: input.credentials, sha256: Sha256 });
    const headers: Record<string, string> = { host: input.host };
    for (const [k, v] of Object.entries(input.headers ?? {})) {
        headers[k.toLowerCase()] = v;
    }
    const signed = await signer.presign(
        { method: input.method, protocol: "https:", hostname: input.host, path: input.path, query: { ...input.query }, headers },
        { signingDate: input.date, expiresIn: input.expiresSeconds },
    );
    return Object.fromEntries(Object.entries(signed.query ?? {}).map(([k, v]) => [k, String(v)]));
}

function ourQuery(url: string): Record<string, string> {
    return Object.fromEntries(new URL(url).searchParams.entries());
}

describe("SigV4 presigner (functions/aws/sigv4) against @smithy/signature-v4", () => {
    const base: PresignInput = {
        method: "GET",
        host: "sts.eu-west-1.amazonaws.com",
        path: "/",
        query: { Action: "GetCallerIdentity", Version: "2011-06-15" },
        headers: { "x-k8s-aws-id": "logscale-secondary" },
        region: "eu-west-1",
        service: "sts",
        credentials: {
            accessKeyId: "AKIDEXAMPLE",
            secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            sessionToken: "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ+abc/def=",
        },
        date: new Date(Date.UTC(2025, 2, 4, 5, 6, 7)),
        expiresSeconds: 60,
    };

    it("produces the same signed query as smithy for the EKS token request (with a session token)", async () => {
        const ours = ourQuery(presignUrl(base));
        const theirs = await smithyPresign(base);
        assert.deepStrictEqual(ours, theirs);
        assert.strictEqual(ours["X-Amz-SignedHeaders"], "host;x-k8s-aws-id");
        assert.strictEqual(ours["X-Amz-Date"], "20250304T050607Z");
        assert.strictEqual(ours["X-Amz-Credential"], "AKIDEXAMPLE/20250304/eu-west-1/sts/aws4_request");
    });

    it("matches smithy without a session token, with a nested path and reserved characters", async () => {
        const input: PresignInput = {
            ...base,
            credentials: { accessKeyId: "AKID2", secretAccessKey: "secret/with+chars" },
            path: "/a b/c(d)",
            query: { Zeta: "1", alpha: "x y/z*!'()", Action: "List" },
            headers: { "X-Custom": "  spaced   value  " },
            region: "us-east-1",
            service: "execute-api",
            host: "api.example.com",
            date: new Date(Date.UTC(2024, 11, 31, 23, 59, 59)),
            expiresSeconds: 900,
        };
        const ours = ourQuery(presignUrl(input));
        const theirs = await smithyPresign(input);
        assert.deepStrictEqual(ours, theirs);
        assert.strictEqual(ours["X-Amz-Security-Token"], undefined);
    });

    it("changes the signature when anything signed changes", () => {
        const sig = (i: PresignInput) => ourQuery(presignUrl(i))["X-Amz-Signature"];
        const reference = sig(base);
        assert.match(reference, /^[0-9a-f]{64}$/);
        assert.notStrictEqual(sig({ ...base, headers: { "x-k8s-aws-id": "other-cluster" } }), reference);
        assert.notStrictEqual(sig({ ...base, date: new Date(base.date.getTime() + 1000) }), reference);
        assert.notStrictEqual(sig({ ...base, region: "eu-west-2" }), reference);
    });

    it("builds the EKS token: k8s-aws-v1. + unpadded base64url of the presigned STS URL", async () => {
        const token = eksBearerToken("logscale-secondary", "eu-west-1", base.credentials, base.date);
        assert.ok(token.startsWith(EKS_TOKEN_PREFIX));
        const encoded = token.slice(EKS_TOKEN_PREFIX.length);
        assert.match(encoded, /^[A-Za-z0-9_-]+$/, "base64url without padding");
        const url = new URL(Buffer.from(encoded, "base64url").toString("utf8"));
        assert.strictEqual(url.origin, "https://sts.eu-west-1.amazonaws.com");
        assert.strictEqual(url.pathname, "/");
        const q = Object.fromEntries(url.searchParams.entries());
        assert.strictEqual(q.Action, "GetCallerIdentity");
        assert.strictEqual(q.Version, "2011-06-15");
        assert.strictEqual(q["X-Amz-Expires"], "60");
        assert.deepStrictEqual(q, await smithyPresign(base));
    });
});
