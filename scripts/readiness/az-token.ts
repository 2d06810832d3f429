// An ARM bearer token on the operator's machine: the Azure CLI's, so
// readiness uses whoever `az login` signed in, with no secret of its own.

import { execFile } from "child_process";

export const ARM_RESOURCE = "https://management.azure.com/";
/** Blob Storage's Azure AD resource: the failback deletes snapshots with the signed-in person's data role, not an account key. */
export const STORAGE_RESOURCE = "https://storage.azure.com/";

export type RunCommand = (cmd: string, args: string[]) => Promise<string>;

/**
 * `az account get-access-token --resource <ARM, or another resource>` as a token source; the
 * answer is kept until five minutes before it expires (a run makes a handful
 * of calls, and `az` takes a second or two to start).
 */
export function azCliToken(run: RunCommand = runAz, now: () => number = Date.now, resource: string = ARM_RESOURCE): () => Promise<string> {
    let cached: { token: string; expiresMs: number } | undefined;
    return async () => {
        if (cached && now() < cached.expiresMs - 300_000) return cached.token;
        let text: string;
        try {
            text = await run("az", ["account", "get-access-token", "--resource", resource, "--output", "json"]);
        } catch (e) {
            const detail = ((e as { stderr?: string }).stderr || (e as Error).message || String(e)).trim().split("\n").pop();
            throw new Error(`az account get-access-token failed (is the Azure CLI installed and logged in? az login): ${detail}`);
        }
        let out: { accessToken?: unknown; expires_on?: unknown; expiresOn?: unknown };
        try {
            out = JSON.parse(text) as typeof out;
        } catch {
            throw new Error("az account get-access-token did not print JSON");
        }
        if (typeof out.accessToken !== "string" || out.accessToken === "") throw new Error("az account get-access-token returned no accessToken");
        // expires_on (epoch seconds) since CLI 2.54; older ones only have the local-time expiresOn, so they are not cached.
        const epoch = typeof out.expires_on === "number" ? out.expires_on : typeof out.expires_on === "string" ? Number(out.expires_on) : NaN;
        cached = Number.isFinite(epoch) ? { token: out.accessToken, expiresMs: epoch * 1000 } : undefined;
        return out.accessToken;
    };
}

function runAz(cmd: string, args: string[]): Promise<string> {
    return new Promise((resolve, reject) => execFile(cmd, args, { timeout: 60_000, maxBuffer: 1024 * 1024 }, (e, stdout, stderr) =>
        (e ? reject(Object.assign(e, { stderr })) : resolve(stdout))));
}
