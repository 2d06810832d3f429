// The operator's OCI API key, from the CLI's ~/.oci/config: the profile
// OCI_CLI_PROFILE names (DEFAULT otherwise), read here rather than through
// the SDK so readiness signs with functions/oci/signer.ts like the function.

import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { OciCredentials } from "../../functions/oci/signer";

export interface OciProfile {
    /** The file and profile it came from, for the errors. */
    source: string;
    tenancy: string;
    user?: string;
    fingerprint: string;
    keyFile: string;
    region?: string;
    passPhrase?: string;
    /** `oci session authenticate` profiles sign with a session token instead of the user's key. */
    securityTokenFile?: string;
}

export interface OciConfigSource {
    /** Default: OCI_CLI_CONFIG_FILE, else ~/.oci/config. */
    file?: string;
    env?: Record<string, string | undefined>;
    home?: string;
    readFile?: (p: string) => string;
}

/** INI sections as the CLI reads them: later keys win, `#`/`;` lines are comments, DEFAULT is inherited by every profile. */
export function parseOciConfig(text: string): Record<string, Record<string, string>> {
    const out: Record<string, Record<string, string>> = {};
    let section: Record<string, string> | undefined;
    for (const raw of text.split(/\r?\n/)) {
        const line = raw.trim();
        if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
        const head = /^\[([^\]]+)\]$/.exec(line);
        if (head) {
            section = out[head[1].trim()] ??= {};
            continue;
        }
        const eq = line.indexOf("=");
        if (eq <= 0 || !section) continue;
        section[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
    }
    return out;
}

export function readOciProfile(src: OciConfigSource = {}): OciProfile {
    const env = src.env ?? process.env;
    const home = src.home ?? os.homedir();
    const read = src.readFile ?? (p => fs.readFileSync(p, "utf8"));
    const expand = (p: string) => (p.startsWith("~/") ? path.join(home, p.slice(2)) : p);
    const file = expand(src.file ?? env.OCI_CLI_CONFIG_FILE ?? "~/.oci/config");
    const name = env.OCI_CLI_PROFILE || "DEFAULT";
    let text: string;
    try {
        text = read(file);
    } catch (e) {
        throw new Error(`cannot read the OCI CLI config ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (oci setup config writes it)`);
    }
    const sections = parseOciConfig(text);
    if (!sections[name]) throw new Error(`${file} has no profile [${name}]${env.OCI_CLI_PROFILE ? " (OCI_CLI_PROFILE)" : ""}`);
    const p = { ...(sections.DEFAULT ?? {}), ...sections[name] };
    const source = `${file} [${name}]`;
    const need = (k: string) => {
        if (!p[k]) throw new Error(`${source} has no ${k}`);
        return p[k];
    };
    const securityTokenFile = p.security_token_file ? expand(p.security_token_file) : undefined;
    return {
        source, tenancy: need("tenancy"), fingerprint: need("fingerprint"), keyFile: expand(need("key_file")),
        user: securityTokenFile ? p.user : need("user"), region: p.region, passPhrase: p.pass_phrase, securityTokenFile,
    };
}

/** The signing identity of a profile: keyId <tenancy>/<user>/<fingerprint>, or ST$<token> for a session profile. */
export function ociProfileCredentials(p: OciProfile, readFile: (f: string) => string = f => fs.readFileSync(f, "utf8")): OciCredentials {
    const load = (f: string, what: string) => {
        try {
            return readFile(f);
        } catch (e) {
            throw new Error(`${p.source}: cannot read ${what} ${f}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
    };
    let privateKey: crypto.KeyObject;
    try {
        const pem = load(p.keyFile, "key_file");
        privateKey = crypto.createPrivateKey(p.passPhrase ? { key: pem, format: "pem", passphrase: p.passPhrase } : { key: pem, format: "pem" });
    } catch (e) {
        if ((e as Error).message.startsWith(p.source)) throw e;
        throw new Error(`${p.source}: key_file ${p.keyFile} is not a usable PEM private key${p.passPhrase ? "" : " (encrypted keys need pass_phrase)"}: ${(e as Error).message}`);
    }
    if (p.securityTokenFile) return { keyId: `ST$${load(p.securityTokenFile, "security_token_file").trim()}`, privateKey };
    return { keyId: `${p.tenancy}/${p.user}/${p.fingerprint}`, privateKey };
}
