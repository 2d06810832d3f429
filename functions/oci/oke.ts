import { OciCredentials, signRequest } from "./signer";

/**
 * The bearer token OKE accepts, built the way `oci ce cluster generate-token`
 * builds it: sign GET https://containerengine.<region>.oraclecloud.com/
 * cluster_request/<clusterId>, move the Authorization and Date headers into
 * the query string, and base64url-encode the whole URL (padding kept). The API
 * server verifies the signature with OCI IAM; the token is good for a few
 * minutes, so it is minted per request.
 */
export function okeToken(region: string, clusterId: string, creds: OciCredentials, now: Date = new Date(), realmDomain = "oraclecloud.com"): string {
    if (!/^ocid1\.cluster\./.test(clusterId)) throw new Error(`OKE token: "${clusterId}" is not a cluster OCID (ocid1.cluster....)`);
    const url = `https://containerengine.${region}.${realmDomain}/cluster_request/${clusterId}`;
    const signed = signRequest({ method: "GET", url }, creds, now);
    const query = new URLSearchParams({ authorization: signed.authorization, date: signed.date });
    const full = `${url}?${query.toString()}`;
    return Buffer.from(full, "utf8").toString("base64").replace(/\+/g, "-").replace(/\//g, "_");
}

/** Inverse of okeToken's encoding, for tests and for logging what a token targets (never its signature). */
export function decodeOkeToken(token: string): URL {
    return new URL(Buffer.from(token.replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("utf8"));
}
