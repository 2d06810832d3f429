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
 * The resource principal cannot be used. The message names the variable,
 * what is wrong with its value or file, and what is expected, so one log line
 * says what to fix. Explicit message and a method: see RemoteError
 * (functions/core/types.ts) on how closure serialization rebuilds Error subclasses.
 */
export class ResourcePrincipalError extends Error {
    constructor(message: string) {
        super(message);
        this.message = message;
        this.name = "ResourcePrincipalError";
    }

    toJSON(): { name: string; message: string } {
        return { name: this.name, message: this.message };
    }
}

/** What each variable must hold, for the errors. */
const EXPECTED: Record<keyof ResourcePrincipalEnv, string> = {
    OCI_RESOURCE_PRINCIPAL_VERSION: "2.2 (the resource principal version OCI Functions provides)",
    OCI_RESOURCE_PRINCIPAL_RPST: "the resource principal session token (a JWT), or the absolute path of a file holding it",
    OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM: "the session's RSA private key in PEM, or the absolute path of a file holding it",
    OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM_PASSPHRASE: "the private key's passphrase, or the absolute path of a file holding it",
    OCI_RESOURCE_PRINCIPAL_REGION: "the function's region identifier, such as us-phoenix-1",
};

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Reads the function's resource principal. The handler calls it once before
 * any remote call, so a broken principal ends the run with one named error
 * (not a bare ENOENT or OpenSSL decoder message per call), and then again on
 * every request: the Functions runtime rotates the session token and key
 * files under a running container, so a cached copy would start failing
 * with 401 after the token expires.
 */
export function resourcePrincipal(env: ResourcePrincipalEnv, readFile: ReadFile = p => fs.readFileSync(p, "utf8")): OciCredentials & { region: string } {
    const fail = (name: keyof ResourcePrincipalEnv, problem: string): never => {
        throw new ResourcePrincipalError(`resource principal: ${name} ${problem}; expected ${EXPECTED[name]}`);
    };
    const version = env.OCI_RESOURCE_PRINCIPAL_VERSION;
    if (version !== "2.2") {
        fail("OCI_RESOURCE_PRINCIPAL_VERSION", version === undefined || version === "" ? "is not set" : `is ${JSON.stringify(version)}`);
    }
    /** The value itself, or the content of the file it names; `where` says which, for the errors. */
    const valueOrFile = (name: keyof ResourcePrincipalEnv, required: boolean): { text: string; where: string } | undefined => {
        const v = env[name];
        if (v === undefined || v === "") {
            if (required) fail(name, "is not set");
            return undefined;
        }
        if (!v.startsWith("/")) return { text: v.trim(), where: "holds a value that" };
        let text: string;
        try {
            text = readFile(v);
        } catch (err) {
            const code = (err as NodeJS.ErrnoException).code;
            const why = code === "ENOENT" ? "was not found"
                : code === "EACCES" || code === "EPERM" ? "cannot be read (permission denied)"
                : code === "EISDIR" ? "is a directory"
                : `cannot be read (${code ?? (err as Error).message})`;
            return fail(name, `names file ${v}, which ${why}`);
        }
        if (text.trim() === "") fail(name, `names file ${v}, which is empty`);
        return { text: text.trim(), where: `names file ${v}, which` };
    };
    const rpst = valueOrFile("OCI_RESOURCE_PRINCIPAL_RPST", true)!;
    if (!JWT.test(rpst.text)) fail("OCI_RESOURCE_PRINCIPAL_RPST", `${rpst.where} is not a JWT (three base64url parts separated by dots)`);
    const pem = valueOrFile("OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM", true)!;
    const passphrase = valueOrFile("OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM_PASSPHRASE", false);
    const region = env.OCI_RESOURCE_PRINCIPAL_REGION;
    if (region === undefined || region === "") fail("OCI_RESOURCE_PRINCIPAL_REGION", "is not set");
    else if (!/^[a-z]{2}-[a-z]+-\d+$/.test(region)) fail("OCI_RESOURCE_PRINCIPAL_REGION", `is ${JSON.stringify(region)}`);
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem.text)) {
        fail("OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM", `${pem.where} is not a PEM private key (no "-----BEGIN ... PRIVATE KEY-----" line)`);
    }
    let privateKey: crypto.KeyObject;
    try {
        privateKey = crypto.createPrivateKey(passphrase ? { key: pem.text, format: "pem", passphrase: passphrase.text } : { key: pem.text, format: "pem" });
    } catch (err) {
        const detail = (err as Error).message;
        const encrypted = /ENCRYPTED/.test(pem.text);
        return fail("OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM", encrypted
            ? `${pem.where} is an encrypted private key that ${passphrase ? "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM_PASSPHRASE does not decrypt" : "needs OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM_PASSPHRASE"} (${detail})`
            : `${pem.where} is not a PEM private key: it does not decode (${detail})`);
    }
    if (privateKey.asymmetricKeyType !== "rsa") {
        fail("OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM", `${pem.where} is a key of type ${privateKey.asymmetricKeyType ?? "unknown"}, which cannot sign rsa-sha256`);
    }
    return { keyId: `ST$${rpst.text}`, privateKey, region: region! };
}

/** Parses the Authorization header this module writes (for verification in tests and log lines). */
export function parseSignatureHeader(value: string): Record<string, string> {
    if (!value.startsWith("Signature ")) throw new Error("not an OCI Signature authorization header");
    const out: Record<string, string> = {};
    for (const m of value.slice("Signature ".length).matchAll(/([a-zA-Z]+)="([^"]*)"/g)) out[m[1]] = m[2];
    return out;
}
