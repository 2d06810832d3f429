import { AwsFailoverEnv, awsFailoverEnvironment, AwsFailoverEnvSettings, readAwsFailoverEnv } from "../../functions/aws/env";

export const PRIMARY = "0b6f2c3e-1a2b-4c5d-8e9f-0123456789ab";
export const SECONDARY = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d";
export const ARN = "arn:aws:lambda:eu-west-1:123456789012:function:logscale-secondary-dr-failover";
export const ALARM = "logscale-dr-failover-eu-west-1-primary-unhealthy";
export const ENDPOINT = "https://0123456789ABCDEF0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com";
/** The shape EKS reports (base64 of PEM); tests that dial the API server pass their fake's own CA. */
export const CA_DATA = Buffer.from("-----BEGIN CERTIFICATE-----\nZml4dHVyZQ==\n-----END CERTIFICATE-----\n").toString("base64");

/** The endpoint and CA of a local API server, as the stack would pass them. */
export function kubeAt(kube: { url: string; caPem?: string }): Pick<AwsFailoverEnvSettings, "eksClusterEndpoint" | "eksClusterCertificateAuthority"> {
    return { eksClusterEndpoint: kube.url, eksClusterCertificateAuthority: Buffer.from(kube.caPem ?? "").toString("base64") };
}

export function awsEnvSettings(overrides: Partial<AwsFailoverEnvSettings> = {}): AwsFailoverEnvSettings {
    return {
        eksClusterName: "logscale-secondary",
        eksClusterRegion: "eu-west-1",
        eksClusterEndpoint: ENDPOINT,
        eksClusterCertificateAuthority: CA_DATA,
        primaryHealthCheckId: PRIMARY,
        secondaryHealthCheckId: SECONDARY,
        cooldownParameterName: "/logscale-dr/secondary/last-failover-epoch",
        failoverAlarmName: ALARM,
        preFailoverFailureSeconds: 180,
        cooldownSeconds: 300,
        requireHealthySecondary: true,
        humioClusterName: "logscale",
        ...overrides,
    };
}

export function awsEnv(overrides: Partial<AwsFailoverEnv> = {}): AwsFailoverEnv {
    return { ...readAwsFailoverEnv(awsFailoverEnvironment(awsEnvSettings())), ...overrides };
}

/** Route 53 checker reports: `success` healthy ones, then `failure` failing ones. */
export function observations(success: number, failure: number) {
    return [
        ...Array.from({ length: success }, (_, i) => ({ Region: "us-east-1" as const, IPAddress: `15.0.0.${i}`, StatusReport: { Status: "Success: HTTP Status Code 200, OK" } })),
        ...Array.from({ length: failure }, (_, i) => ({ Region: "eu-west-1" as const, IPAddress: `16.0.0.${i}`, StatusReport: { Status: "Failure: Connection timed out." } })),
    ];
}

/** One datapoint per minute, latest first; values are the Maximum of each minute. */
export function minutes(latestStartMs: number, values: number[]) {
    return values.map((v, i) => ({ Timestamp: new Date(latestStartMs - i * 60_000), Maximum: v }));
}
