import * as crypto from "crypto";

// AWS Signature Version 4, query-string (presigned URL) form, with node crypto
// only: the EKS token needs one presigned STS URL, which is not worth bundling
// a signer (and its hash polyfills) into the function.
// Reference: AWS IAM User Guide, "Create a signed AWS API request" / "Authenticating
// requests: using query parameters"; checked against @smithy/signature-v4 in tests.

export interface AwsCredentials {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
}

export interface PresignInput {
    method: string;
    /** Host name, also signed as the "host" header. */
    host: string;
    path: string;
    /** Query parameters of the request itself (the X-Amz-* ones are added here). */
    query: Record<string, string>;
    /** Further headers to sign (lower or mixed case; "host" is added). */
    headers?: Record<string, string>;
    region: string;
    service: string;
    credentials: AwsCredentials;
    /** Signing time. */
    date: Date;
    expiresSeconds: number;
}

const ALGORITHM = "AWS4-HMAC-SHA256";
const EMPTY_PAYLOAD_SHA256 = crypto.createHash("sha256").update("").digest("hex");

/** RFC 3986 unreserved characters stay; everything else is %XX (encodeURIComponent leaves !'()*). */
export function uriEscape(value: string): string {
    return encodeURIComponent(value).replace(/[!'()*]/g, c => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

export function amzDate(date: Date): { longDate: string; shortDate: string } {
    const longDate = date.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
    return { longDate, shortDate: longDate.slice(0, 8) };
}

function hmac(key: crypto.BinaryLike, data: string): Buffer {
    return crypto.createHmac("sha256", key).update(data, "utf8").digest();
}

export function signingKey(secretAccessKey: string, shortDate: string, region: string, service: string): Buffer {
    const kDate = hmac("AWS4" + secretAccessKey, shortDate);
    const kRegion = hmac(kDate, region);
    const kService = hmac(kRegion, service);
    return hmac(kService, "aws4_request");
}

function canonicalPath(path: string): string {
    const segments = path.split("/").map(s => uriEscape(s));
    const joined = segments.join("/");
    return joined.startsWith("/") ? joined : "/" + joined;
}

function canonicalQuery(query: Record<string, string>): string {
    return Object.entries(query)
        .map(([k, v]) => [uriEscape(k), uriEscape(v)] as const)
        .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
        .map(([k, v]) => `${k}=${v}`)
        .join("&");
}

/** Returns the presigned URL (https). */
export function presignUrl(input: PresignInput): string {
    if (!input.credentials.accessKeyId || !input.credentials.secretAccessKey) {
        throw new Error("presignUrl: credentials need accessKeyId and secretAccessKey");
    }
    const { longDate, shortDate } = amzDate(input.date);
    const scope = `${shortDate}/${input.region}/${input.service}/aws4_request`;

    const headers: Record<string, string> = { host: input.host };
    for (const [name, value] of Object.entries(input.headers ?? {})) {
        headers[name.toLowerCase()] = value;
    }
    const headerNames = Object.keys(headers).sort();
    const signedHeaders = headerNames.join(";");
    const canonicalHeaders = headerNames.map(n => `${n}:${headers[n].trim().replace(/\s+/g, " ")}\n`).join("");

    const query: Record<string, string> = {
        ...input.query,
        "X-Amz-Algorithm": ALGORITHM,
        "X-Amz-Credential": `${input.credentials.accessKeyId}/${scope}`,
        "X-Amz-Date": longDate,
        "X-Amz-Expires": String(input.expiresSeconds),
        "X-Amz-SignedHeaders": signedHeaders,
    };
    if (input.credentials.sessionToken) {
        query["X-Amz-Security-Token"] = input.credentials.sessionToken;
    }
    const queryString = canonicalQuery(query);

    const canonicalRequest = [
        input.method.toUpperCase(),
        canonicalPath(input.path),
        queryString,
        canonicalHeaders,
        signedHeaders,
        EMPTY_PAYLOAD_SHA256,
    ].join("\n");
    const stringToSign = [
        ALGORITHM,
        longDate,
        scope,
        crypto.createHash("sha256").update(canonicalRequest, "utf8").digest("hex"),
    ].join("\n");
    const signature = crypto
        .createHmac("sha256", signingKey(input.credentials.secretAccessKey, shortDate, input.region, input.service))
        .update(stringToSign, "utf8")
        .digest("hex");
    return `https://${input.host}${canonicalPath(input.path)}?${queryString}&X-Amz-Signature=${signature}`;
}
