import * as crypto from "crypto";
import * as fs from "fs";

/**
 * OCI API request signing (HTTP Signatures, draft-cavage, "version 1" as OCI
 * documents it in "Request Signatures"), written against node's crypto so the
 * function carries no SDK.
 */

/** A signing identity: the keyId OCI expects and the RSA private key that goes with it. */
export interface OciCredentials {
    /** Resource principal: "ST$<session token>"; API key: "<tenancy>/<user>/<fingerprint>". */
    keyId: string;
    privateKey: crypto.KeyObject;
}

export interface RequestToSign {
    method: string;
    url: string;
    /** Headers already on the request (lower- or mixed-case names). */
    headers?: Record<string, string>;
    body?: string;
}

/** Methods whose body is covered by the signature (OCI signs content headers only for these). */
const BODY_METHODS = ["POST", "PUT", "PATCH"];

export function signingHeaderNames(method: string): string[] {
    const base = ["date", "(request-target)", "host"];
    return BODY_METHODS.includes(method.toUpperCase()) ? [...base, "content-length", "content-type", "x-content-sha256"] : base;
}

/**
 * Returns the request's headers plus date, host, the body headers OCI
 * requires (x-content-sha256, content-type, content-length) and the
 * Authorization header. `now` is injectable so signatures are reproducible.
 */
export function signRequest(req: RequestToSign, creds: OciCredentials, now: Date = new Date()): Record<string, string> {
    const url = new URL(req.url);
    const method = req.method.toUpperCase();
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v;
    headers.date = headers.date ?? now.toUTCString();
    headers.host = url.host;
    if (BODY_METHODS.includes(method)) {
        const body = Buffer.from(req.body ?? "", "utf8");
        headers["content-type"] = headers["content-type"] ?? "application/json";
        headers["content-length"] = String(body.length);
        headers["x-content-sha256"] = crypto.createHash("sha256").update(body).digest("base64");
    }
    const names = signingHeaderNames(method);
    const target = `${method.toLowerCase()} ${url.pathname}${url.search}`;
    const signingString = names.map(n => `${n}: ${n === "(request-target)" ? target : headers[n]}`).join("\n");
    const signature = crypto.sign("sha256", Buffer.from(signingString, "utf8"), creds.privateKey).toString("base64");
    headers.authorization =
        `Signature version="1",keyId="${creds.keyId}",algorithm="rsa-sha256",headers="${names.join(" ")}",signature="${signature}"`;
    return headers;
}

/** The resource-principal environment a Function gets (RP v2.2): values, or absolute paths to files holding them. */
export interface ResourcePrincipalEnv {
    OCI_RESOURCE_PRINCIPAL_VERSION?: string;
    OCI_RESOURCE_PRINCIPAL_RPST?: string;
    OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM?: string;
    OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM_PASSPHRASE?: string;
    OCI_RESOURCE_PRINCIPAL_REGION?: string;
}

export type ReadFile = (path: string) => string;

/**
 * Reads the function's resource principal on every call: the Functions
 * runtime rotates the session token and key files under a running container,
 * so a cached copy would start failing with 401 after the token expires.
 */
export function resourcePrincipal(env: ResourcePrincipalEnv, readFile: ReadFile = p => fs.readFileSync(p, "utf8")): OciCredentials & { region: string } {
    const version = env.OCI_RESOURCE_PRINCIPAL_VERSION;
    if (version !== "2.2") {
        throw new Error(`resource principal: OCI_RESOURCE_PRINCIPAL_VERSION is ${JSON.stringify(version)}; this function supports 2.2 (OCI Functions)`);
    }
    const valueOrFile = (name: keyof ResourcePrincipalEnv, required: boolean): string | undefined => {
        const v = env[name];
        if (v === undefined || v === "") {
            if (required) throw new Error(`resource principal: ${name} is not set`);
            return undefined;
        }
        return v.startsWith("/") ? readFile(v).trim() : v;
    };
    const rpst = valueOrFile("OCI_RESOURCE_PRINCIPAL_RPST", true)!;
    const pem = valueOrFile("OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM", true)!;
    const passphrase = valueOrFile("OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM_PASSPHRASE", false);
    const region = env.OCI_RESOURCE_PRINCIPAL_REGION;
    if (!region) throw new Error("resource principal: OCI_RESOURCE_PRINCIPAL_REGION is not set");
    const privateKey = crypto.createPrivateKey(passphrase ? { key: pem, format: "pem", passphrase } : { key: pem, format: "pem" });
    return { keyId: `ST$${rpst}`, privateKey, region };
}

/** Parses the Authorization header this module writes (for verification in tests and log lines). */
export function parseSignatureHeader(value: string): Record<string, string> {
    if (!value.startsWith("Signature ")) throw new Error("not an OCI Signature authorization header");
    const out: Record<string, string> = {};
    for (const m of value.slice("Signature ".length).matchAll(/([a-zA-Z]+)="([^"]*)"/g)) out[m[1]] = m[2];
    return out;
}
