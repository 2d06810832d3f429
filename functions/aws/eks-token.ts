import { AwsCredentials, presignUrl } from "./sigv4";

export const EKS_TOKEN_PREFIX = "k8s-aws-v1.";

/** Regional STS endpoint; the cn- partition has its own domain. */
export function stsHost(region: string): string {
    return region.startsWith("cn-") ? `sts.${region}.amazonaws.com.cn` : `sts.${region}.amazonaws.com`;
}

/**
 * The bearer token `aws eks get-token` prints: a presigned STS
 * GetCallerIdentity URL that signs the header x-k8s-aws-id=<cluster>, so the
 * API server (aws-iam-authenticator) can call it and learn who we are, and a
 * token for one cluster cannot be replayed against another.
 */
export function eksBearerToken(clusterName: string, region: string, credentials: AwsCredentials, date: Date): string {
    const url = presignUrl({
        method: "GET",
        host: stsHost(region),
        path: "/",
        query: { Action: "GetCallerIdentity", Version: "2011-06-15" },
        headers: { "x-k8s-aws-id": clusterName },
        region,
        service: "sts",
        credentials,
        date,
        expiresSeconds: 60,
    });
    // base64url in node never pads, which is what the authenticator expects.
    return EKS_TOKEN_PREFIX + Buffer.from(url, "utf8").toString("base64url");
}

/** The Lambda runtime hands the execution role's credentials over in these variables. */
export function credentialsFromEnv(env: Record<string, string | undefined>): AwsCredentials {
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) {
        throw new Error("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set: the EKS token needs the function's role credentials");
    }
    return { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN || undefined };
}
