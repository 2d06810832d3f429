import * as crypto from "crypto";
import { decodeOkeToken } from "../../functions/oci/oke";
import { parseSignatureHeader } from "../../functions/oci/signer";

export const REGION = "us-phoenix-1";
export const COMPARTMENT = "ocid1.compartment.oc1..aaaacompartment";
export const CLUSTER = "ocid1.cluster.oc1.phx.aaaacluster";
export const POLICY = "ocid1.dnspolicy.oc1..aaaapolicy";
export const MONITOR = "ocid1.httpmonitor.oc1..aaaaprimary";
export const PING = "ocid1.pingmonitor.oc1..aaaasecondary";
export const RPST = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJvY2lkMS5mbmZ1bmMub2MxLi5mbiJ9.c2ln";
export const KEY_ID = `ST$${RPST}`;

let keys: { privateKey: crypto.KeyObject; publicKey: crypto.KeyObject; privatePem: string } | undefined;

/** One RSA key pair per test process: generating one costs tens of milliseconds. */
export function testKeys() {
    if (!keys) {
        const { privateKey, publicKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
        keys = { privateKey, publicKey, privatePem: privateKey.export({ type: "pkcs8", format: "pem" }) as string };
    }
    return keys;
}

export function credentials() {
    return { keyId: KEY_ID, privateKey: testKeys().privateKey };
}

/** The policy as GetSteeringPolicy returns it (REST field names: defaultAnswerData, not the provider's defaultAnswerDatas). */
export function policyDoc(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        id: POLICY,
        compartmentId: COMPARTMENT,
        displayName: "logscale-global",
        ttl: 60,
        healthCheckMonitorId: MONITOR,
        template: "FAILOVER",
        freeformTags: { team: "sre" },
        definedTags: {},
        lifecycleState: "ACTIVE",
        answers: [
            { name: "primary", rtype: "A", rdata: "203.0.113.10", pool: "primary", isDisabled: false },
            { name: "secondary", rtype: "A", rdata: "203.0.113.20", pool: "secondary", isDisabled: false },
        ],
        rules: [
            { ruleType: "FILTER", description: "drop disabled", defaultAnswerData: [{ answerCondition: "answer.isDisabled != true", shouldKeep: true }] },
            { ruleType: "HEALTH", description: "drop down" },
            { ruleType: "PRIORITY", defaultAnswerData: [{ answerCondition: "answer.pool == 'primary'", value: 1 }, { answerCondition: "answer.pool == 'secondary'", value: 99 }] },
            { ruleType: "LIMIT", defaultCount: 1 },
        ],
        ...overrides,
    };
}

/** Minutes ending at `endMs` (newest last) with the given per-minute values (HTTP.isHealthy max: 0 when every probe failed). */
export function series(endMs: number, values: number[]): { timestamp: string; value: number }[] {
    const newest = Math.floor(endMs / 60000) * 60000 - 60000;
    return values.map((value, i) => ({ timestamp: new Date(newest - (values.length - 1 - i) * 60000).toISOString(), value }));
}

export const VANTAGE_POINTS = ["goo-chs", "aws-iad", "azr-ams"];

/**
 * ListHttpProbeResults of the primary's HTTPS monitor: one result per
 * vantage point every intervalS (at half an interval past each multiple of
 * it, as the drill probes) over the last windowS before nowMs, healthy as
 * `healthy` says (for every probe, or per probe start time).
 */
export function httpProbes(nowMs: number, healthy: boolean | ((startTime: number) => boolean), opts: { intervalS?: number; windowS?: number } = {}): { startTime: number; isHealthy: boolean; vantagePointName: string }[] {
    const intervalMs = (opts.intervalS ?? 10) * 1000;
    const windowMs = (opts.windowS ?? 300) * 1000;
    const out: { startTime: number; isHealthy: boolean; vantagePointName: string }[] = [];
    const phase = intervalMs / 2;
    for (let t = Math.floor((nowMs - phase) / intervalMs) * intervalMs + phase; t >= nowMs - windowMs; t -= intervalMs) {
        const ok = typeof healthy === "function" ? healthy(t) : healthy;
        VANTAGE_POINTS.forEach((vp, i) => out.push({ startTime: t + i * 100, isHealthy: ok, vantagePointName: vp }));
    }
    return out;
}

/**
 * What OKE checks in a bearer token: a containerengine cluster_request URL
 * for this cluster, with date and authorization parameters, signed by the
 * caller's key.
 */
export function okeTokenIsValid(authorization: string | undefined, clusterId: string, region: string): boolean {
    if (!authorization?.startsWith("Bearer ")) return false;
    try {
        const url = decodeOkeToken(authorization.slice("Bearer ".length));
        if (url.protocol !== "https:" || url.host !== `containerengine.${region}.oraclecloud.com` || url.pathname !== `/cluster_request/${clusterId}`) return false;
        const auth = url.searchParams.get("authorization");
        const date = url.searchParams.get("date");
        if (!auth || !date) return false;
        const p = parseSignatureHeader(auth);
        if (p.keyId !== KEY_ID || p.headers !== "date (request-target) host") return false;
        const signing = `date: ${date}\n(request-target): get ${url.pathname}\nhost: ${url.host}`;
        return crypto.verify("sha256", Buffer.from(signing), testKeys().publicKey, Buffer.from(p.signature, "base64"));
    } catch {
        return false;
    }
}
