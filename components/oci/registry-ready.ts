import * as http from "http";
import * as https from "https";
import * as pulumi from "@pulumi/pulumi";

export interface RegistryLoginCheck {
    /** https://<region>.ocir.io (http:// only for a loopback test registry). */
    registry: string;
    username: string;
    password: string;
    timeoutMs: number;
    intervalMs: number;
}

/**
 * Waits until the registry accepts the credentials, the way `docker login`
 * checks them: GET /v2/ for the Bearer challenge, then the token realm with
 * Basic auth. A new OCI auth token is rejected for a minute or two after it
 * is created; pushing before then fails the whole `pulumi up`.
 */
export async function waitForRegistryLogin(c: RegistryLoginCheck): Promise<number> {
    const deadline = Date.now() + c.timeoutMs;
    const basic = "Basic " + Buffer.from(`${c.username}:${c.password}`, "utf8").toString("base64");
    for (let attempt = 1; ; attempt++) {
        const challenge = await get(new URL("/v2/", c.registry).toString(), {});
        let status = challenge.status;
        if (challenge.status === 401) {
            const realm = /realm="([^"]+)"/.exec(challenge.headers["www-authenticate"] ?? "")?.[1];
            const service = /service="([^"]+)"/.exec(challenge.headers["www-authenticate"] ?? "")?.[1];
            if (!realm) throw new Error(`registry ${c.registry} answered 401 without a Bearer realm; cannot check the login`);
            const url = new URL(realm);
            if (service) url.searchParams.set("service", service);
            status = (await get(url.toString(), { authorization: basic })).status;
        }
        if (status === 200) return attempt;
        if (status !== 401 && status !== 403) throw new Error(`registry ${c.registry} answered HTTP ${status} to a login check`);
        if (Date.now() + c.intervalMs > deadline) {
            throw new Error(`registry ${c.registry} still rejects ${c.username} after ${Math.round(c.timeoutMs / 1000)}s (HTTP ${status}); check the user's group policy and the auth token`);
        }
        await new Promise(r => setTimeout(r, c.intervalMs));
    }
}

function get(url: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string> }> {
    const u = new URL(url);
    const mod = u.protocol === "https:" ? https : http;
    return new Promise((resolve, reject) => {
        const req = mod.request(u, { method: "GET", headers, timeout: 15000 }, res => {
            res.resume();
            res.on("end", () => {
                const h: Record<string, string> = {};
                for (const [k, v] of Object.entries(res.headers)) if (typeof v === "string") h[k] = v;
                resolve({ status: res.statusCode ?? 0, headers: h });
            });
        });
        req.on("timeout", () => req.destroy(new Error("timed out")));
        req.on("error", reject);
        req.end();
    });
}

interface ReadyInputs {
    registry: string;
    username: string;
    password: string;
    /** The auth token's OCID: a new token is a new check. */
    tokenId: string;
}

const readyProvider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: ReadyInputs) {
        const attempts = await waitForRegistryLogin({
            registry: inputs.registry, username: inputs.username, password: inputs.password, timeoutMs: 300000, intervalMs: 10000,
        });
        return { id: `${inputs.registry}|${inputs.username}|${inputs.tokenId}`, outs: { registry: inputs.registry, username: inputs.username, tokenId: inputs.tokenId, attempts } };
    },
    async diff(_id: string, olds: ReadyInputs, news: ReadyInputs) {
        const changed = ["registry", "username", "tokenId"].filter(k => (olds as unknown as Record<string, unknown>)[k] !== (news as unknown as Record<string, unknown>)[k]);
        return { changes: changed.length > 0, replaces: changed };
    },
};

export interface RegistryLoginReadyArgs {
    registry: pulumi.Input<string>;
    username: pulumi.Input<string>;
    password: pulumi.Input<string>;
    tokenId: pulumi.Input<string>;
}

/** Gate between a new OCIR auth token and the first image push. */
export class RegistryLoginReady extends pulumi.dynamic.Resource {
    constructor(name: string, args: RegistryLoginReadyArgs, opts?: pulumi.CustomResourceOptions) {
        super(readyProvider, name, { ...args, password: pulumi.secret(args.password), attempts: undefined }, opts, "oci-registry-login");
    }
}
