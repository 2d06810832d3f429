import { FailoverSettings } from "../core/types";

/**
 * The AWS failover function's environment contract: the infra code writes it
 * with awsFailoverEnvironment, the handler reads it with readAwsFailoverEnv.
 * Nothing here is secret (ids and names only); credentials come from the
 * function's role at run time.
 */
export interface AwsFailoverEnv {
    /** EKS cluster of this (standby) stack. */
    eksClusterName: string;
    /** Region of that cluster; also where the cooldown parameter lives. */
    eksClusterRegion: string;
    /**
     * The cluster's API server URL (EKS `endpoint`). Passed in rather than
     * looked up with eks:DescribeCluster, which would cost a round trip before
     * the first Kubernetes call; it changes only when the cluster is replaced,
     * and then `pulumi up` rewrites it.
     */
    eksClusterEndpoint: string;
    /** The cluster's CA bundle as EKS reports it (`certificateAuthority.data`: base64 of PEM). Public data. */
    eksClusterCertificateAuthority: string;
    /** Route 53 health check of the primary: watched, then locked. */
    primaryHealthCheckId: string;
    /** Route 53 health check of this stack's own endpoint (the secondary gate). */
    secondaryHealthCheckId?: string;
    /** SSM parameter holding the epoch seconds of the last failover ("0": none). */
    cooldownParameterName: string;
    /**
     * The CloudWatch alarm (us-east-1) that invokes the function. Set back to
     * OK when the function finds the primary healthy: the alarm notifies only
     * on a change to ALARM, so one left in ALARM would stay silent through
     * the next real outage.
     */
    failoverAlarmName: string;
    preFailoverFailureSeconds: number;
    cooldownSeconds: number;
    recheckIntervalSeconds: number;
    requireHealthySecondary: boolean;
    humioClusterName: string;
    namespace: string;
    operatorDeployment: string;
    /** Self-invocations allowed while a holdoff stays pending, so missing metrics cannot loop forever. */
    maxRechecks: number;
    /** SNS topic for people (never the one that triggers the function); unset: no notifications. */
    notifyTopicArn?: string;
    /**
     * SSM parameter keeping the last readiness verdict, so a change is told
     * once. In SSM rather than on a Kubernetes object: a broken path to the
     * cluster is one of the things readiness reports, and it must still be
     * able to remember that it did.
     */
    readinessParameterName?: string;
    /** How long after the scale LogScale has to answer /api/v1/status OK before "recovery not confirmed". */
    recoveryDeadlineMinutes: number;
    /** The model's failover total (expectedFailoverSeconds), compared with the measured one. */
    expectedFailoverSeconds?: number;
    /**
     * The longest silence between two failing readings that still counts as
     * one failing run (functions/aws/health.ts route53MaxGapSeconds of the
     * primary's check). Longer than the recheck interval, so the function's
     * own readings while it waits join up.
     */
    holdoffGapSeconds: number;
}

/** What the infra code passes; the rest has fixed defaults. */
export type AwsFailoverEnvSettings =
    Omit<AwsFailoverEnv, "namespace" | "operatorDeployment" | "recheckIntervalSeconds" | "maxRechecks" | "notifyTopicArn" | "readinessParameterName" | "recoveryDeadlineMinutes" | "expectedFailoverSeconds" | "holdoffGapSeconds">
    & Partial<Pick<AwsFailoverEnv, "namespace" | "operatorDeployment" | "recheckIntervalSeconds" | "maxRechecks" | "notifyTopicArn" | "readinessParameterName" | "recoveryDeadlineMinutes" | "expectedFailoverSeconds" | "holdoffGapSeconds">>;

/** Environment variable per field. None starts with AWS_ (reserved by Lambda). */
export const AWS_FAILOVER_ENV_VARS = {
    eksClusterName: "EKS_CLUSTER_NAME",
    eksClusterRegion: "EKS_CLUSTER_REGION",
    eksClusterEndpoint: "EKS_CLUSTER_ENDPOINT",
    eksClusterCertificateAuthority: "EKS_CLUSTER_CA_DATA",
    primaryHealthCheckId: "PRIMARY_HEALTH_CHECK_ID",
    secondaryHealthCheckId: "SECONDARY_HEALTH_CHECK_ID",
    cooldownParameterName: "COOLDOWN_PARAMETER_NAME",
    failoverAlarmName: "FAILOVER_ALARM_NAME",
    preFailoverFailureSeconds: "PRE_FAILOVER_FAILURE_SECONDS",
    cooldownSeconds: "FAILOVER_COOLDOWN_SECONDS",
    recheckIntervalSeconds: "RECHECK_INTERVAL_SECONDS",
    requireHealthySecondary: "REQUIRE_HEALTHY_SECONDARY",
    humioClusterName: "HUMIO_CLUSTER_NAME",
    namespace: "KUBERNETES_NAMESPACE",
    operatorDeployment: "OPERATOR_DEPLOYMENT",
    maxRechecks: "MAX_RECHECKS",
    notifyTopicArn: "NOTIFY_TOPIC_ARN",
    readinessParameterName: "READINESS_PARAMETER_NAME",
    recoveryDeadlineMinutes: "RECOVERY_DEADLINE_MINUTES",
    expectedFailoverSeconds: "EXPECTED_FAILOVER_SECONDS",
    holdoffGapSeconds: "HOLDOFF_GAP_SECONDS",
} as const satisfies Record<keyof AwsFailoverEnv, string>;

export const AWS_FAILOVER_DEFAULTS = {
    namespace: "logging",
    operatorDeployment: "humio-operator",
    // Route 53 publishes HealthCheckStatus once a minute; checking twice a
    // minute notices a met holdoff within half a period.
    recheckIntervalSeconds: 30,
    maxRechecks: 60,
    recoveryDeadlineMinutes: 15,
    // Route 53's default check, 10 s x 3: route53MaxGapSeconds(10, 3).
    holdoffGapSeconds: 40,
} as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const EKS_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
const SSM_NAME = /^[A-Za-z0-9_.\-/]{1,1011}$/;
// An https URL with a host and optional port, nothing after it (EKS endpoints have no path).
// No plain http even on loopback: the AWS test fakes serve TLS, and the token
// sent there is replayable against the real STS for its lifetime.
const HTTPS_ENDPOINT = /^https:\/\/[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:\d{1,5})?\/?$/;
// Standard base64, padded, one line: how EKS reports certificateAuthority.data.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// CloudWatch alarm names: 1-255 characters, no ASCII control characters.
const ALARM_NAME = /^[^\x00-\x1f\x7f]{1,255}$/;
const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
const PEM_CERTIFICATE = "-----BEGIN CERTIFICATE-----";
/** Lambda's limit on the environment: every key and value together. */
export const LAMBDA_ENVIRONMENT_MAX_BYTES = 4096;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

// Explicit message and a method: see RemoteError (functions/core/types.ts) on
// how closure serialization rebuilds Error subclasses.
export class AwsFailoverEnvError extends Error {
    constructor(message: string) {
        super(message);
        this.message = message;
        this.name = "AwsFailoverEnvError";
    }

    toJSON(): { name: string; message: string } {
        return { name: this.name, message: this.message };
    }
}

/** Reads and validates the function's environment; the error names the variable, its value and what is allowed. */
export function readAwsFailoverEnv(env: Record<string, string | undefined>): AwsFailoverEnv {
    const V = AWS_FAILOVER_ENV_VARS;
    const fail = (variable: string, value: string | undefined, allowed: string): never => {
        const got = value === undefined ? "is not set" : `is ${JSON.stringify(value)}`;
        throw new AwsFailoverEnvError(`failover function environment: ${variable} ${got}; expected ${allowed}`);
    };
    const text = (variable: string, pattern: RegExp, allowed: string): string => {
        const value = env[variable];
        if (value === undefined || value === "" || !pattern.test(value)) {
            return fail(variable, value === "" ? undefined : value, allowed);
        }
        return value;
    };
    const integer = (variable: string, min: number, max: number, fallback?: number): number => {
        const value = env[variable];
        if ((value === undefined || value === "") && fallback !== undefined) {
            return fallback;
        }
        if (value === undefined || !/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
            return fail(variable, value, `an integer from ${min} to ${max}`);
        }
        return Number(value);
    };

    const requireValue = env[V.requireHealthySecondary];
    if (requireValue !== "true" && requireValue !== "false") {
        fail(V.requireHealthySecondary, requireValue, `"true" or "false"`);
    }
    const requireHealthySecondary = requireValue === "true";
    const secondaryRaw = env[V.secondaryHealthCheckId];
    let secondaryHealthCheckId: string | undefined;
    if (secondaryRaw !== undefined && secondaryRaw !== "") {
        secondaryHealthCheckId = text(V.secondaryHealthCheckId, UUID, "a Route 53 health check id (UUID)");
    } else if (requireHealthySecondary) {
        fail(V.secondaryHealthCheckId, undefined, `a Route 53 health check id (UUID) because ${V.requireHealthySecondary} is "true"`);
    }

    const optional = (variable: string, pattern: RegExp, allowed: string): string | undefined =>
        env[variable] === undefined || env[variable] === "" ? undefined : text(variable, pattern, allowed);

    const read: AwsFailoverEnv = {
        eksClusterName: text(V.eksClusterName, EKS_NAME, "an EKS cluster name (letters, digits, - and _, up to 100 characters)"),
        eksClusterRegion: text(V.eksClusterRegion, REGION, "an AWS region such as eu-west-1"),
        eksClusterEndpoint: text(V.eksClusterEndpoint, HTTPS_ENDPOINT,
            "the EKS cluster's API server URL (https://<host>, the cluster's endpoint output); https is required because the EKS bearer token (a presigned STS request) travels on it"),
        eksClusterCertificateAuthority: text(V.eksClusterCertificateAuthority, BASE64,
            "the EKS cluster's certificateAuthority.data (base64 of a PEM certificate, on one line)"),
        primaryHealthCheckId: text(V.primaryHealthCheckId, UUID, "a Route 53 health check id (UUID)"),
        secondaryHealthCheckId,
        cooldownParameterName: text(V.cooldownParameterName, SSM_NAME, "an SSM parameter name such as /logscale-dr/last-failover-epoch"),
        failoverAlarmName: text(V.failoverAlarmName, ALARM_NAME, "a CloudWatch alarm name (1-255 characters, no control characters)"),
        preFailoverFailureSeconds: integer(V.preFailoverFailureSeconds, 0, 3600),
        cooldownSeconds: integer(V.cooldownSeconds, 0, 86400),
        recheckIntervalSeconds: integer(V.recheckIntervalSeconds, 1, 600, AWS_FAILOVER_DEFAULTS.recheckIntervalSeconds),
        requireHealthySecondary,
        humioClusterName: text(V.humioClusterName, DNS_SUBDOMAIN, "a Kubernetes object name (lower-case DNS subdomain)"),
        namespace: text(V.namespace, DNS_LABEL, "a Kubernetes namespace name (lower-case DNS label)"),
        operatorDeployment: text(V.operatorDeployment, DNS_SUBDOMAIN, "a Kubernetes Deployment name (lower-case DNS subdomain)"),
        maxRechecks: integer(V.maxRechecks, 0, 1000, AWS_FAILOVER_DEFAULTS.maxRechecks),
        notifyTopicArn: optional(V.notifyTopicArn, SNS_TOPIC_ARN, "an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)"),
        readinessParameterName: optional(V.readinessParameterName, SSM_NAME, "an SSM parameter name such as /logscale-dr/standby-ready"),
        recoveryDeadlineMinutes: integer(V.recoveryDeadlineMinutes, 1, 240, AWS_FAILOVER_DEFAULTS.recoveryDeadlineMinutes),
        expectedFailoverSeconds: env[V.expectedFailoverSeconds] ? integer(V.expectedFailoverSeconds, 1, 86400) : undefined,
        holdoffGapSeconds: integer(V.holdoffGapSeconds, 1, 1200, AWS_FAILOVER_DEFAULTS.holdoffGapSeconds),
    };
    if (read.recheckIntervalSeconds >= read.holdoffGapSeconds) {
        // The waiting function's own readings would be too far apart to join
        // into one run, so a holdoff could only ever be met by the metric.
        throw new AwsFailoverEnvError(`failover function environment: ${V.recheckIntervalSeconds} (${read.recheckIntervalSeconds}) must be less than ` +
            `${V.holdoffGapSeconds} (${read.holdoffGapSeconds}), so the function's readings while it waits join into one failing run`);
    }
    return read;
}

/**
 * The Lambda's environment variables. Validates the same way the handler
 * reads them, so a bad value fails `pulumi up` instead of the first failover.
 * Call it with plain values (inside pulumi.all(...).apply when they are Outputs).
 */
export function awsFailoverEnvironment(settings: AwsFailoverEnvSettings): Record<string, string> {
    const V = AWS_FAILOVER_ENV_VARS;
    const full: AwsFailoverEnv = { ...AWS_FAILOVER_DEFAULTS, ...dropUndefined(settings) };
    const env: Record<string, string> = {
        [V.eksClusterName]: full.eksClusterName,
        [V.eksClusterRegion]: full.eksClusterRegion,
        [V.eksClusterEndpoint]: full.eksClusterEndpoint,
        [V.eksClusterCertificateAuthority]: full.eksClusterCertificateAuthority,
        [V.primaryHealthCheckId]: full.primaryHealthCheckId,
        [V.cooldownParameterName]: full.cooldownParameterName,
        [V.failoverAlarmName]: full.failoverAlarmName,
        [V.preFailoverFailureSeconds]: String(full.preFailoverFailureSeconds),
        [V.cooldownSeconds]: String(full.cooldownSeconds),
        [V.recheckIntervalSeconds]: String(full.recheckIntervalSeconds),
        [V.requireHealthySecondary]: String(full.requireHealthySecondary),
        [V.humioClusterName]: full.humioClusterName,
        [V.namespace]: full.namespace,
        [V.operatorDeployment]: full.operatorDeployment,
        [V.maxRechecks]: String(full.maxRechecks),
        [V.recoveryDeadlineMinutes]: String(full.recoveryDeadlineMinutes),
        [V.holdoffGapSeconds]: String(full.holdoffGapSeconds),
    };
    if (full.expectedFailoverSeconds !== undefined) {
        env[V.expectedFailoverSeconds] = String(full.expectedFailoverSeconds);
    }
    if (full.secondaryHealthCheckId) {
        env[V.secondaryHealthCheckId] = full.secondaryHealthCheckId;
    }
    if (full.notifyTopicArn) {
        env[V.notifyTopicArn] = full.notifyTopicArn;
    }
    if (full.readinessParameterName) {
        env[V.readinessParameterName] = full.readinessParameterName;
    }
    readAwsFailoverEnv(env);
    const bytes = Object.entries(env).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
    if (bytes > LAMBDA_ENVIRONMENT_MAX_BYTES) {
        const largest = Object.entries(env).sort((a, b) => b[1].length - a[1].length)[0];
        throw new AwsFailoverEnvError(`failover function environment: ${bytes} bytes in total, Lambda allows ${LAMBDA_ENVIRONMENT_MAX_BYTES}; ` +
            `the largest value is ${largest[0]} (${Buffer.byteLength(largest[1])} bytes)`);
    }
    return env;
}

/**
 * The cluster's CA as PEM, decoded from EKS_CLUSTER_CA_DATA. Apart from
 * readAwsFailoverEnv, which only checks that the value is base64, because
 * the offline plan's stand-in cluster reports a CA that is not a certificate;
 * the handler calls this before any remote call, so a value that is not a
 * PEM certificate still fails the invocation before it changes anything.
 */
export function eksCaPem(env: Pick<AwsFailoverEnv, "eksClusterCertificateAuthority">): string {
    const pem = Buffer.from(env.eksClusterCertificateAuthority, "base64").toString("utf8");
    if (!pem.includes(PEM_CERTIFICATE)) {
        throw new AwsFailoverEnvError(`failover function environment: ${AWS_FAILOVER_ENV_VARS.eksClusterCertificateAuthority} does not decode to a PEM certificate ` +
            `(no "${PEM_CERTIFICATE}" line); expected the EKS cluster's certificateAuthority.data`);
    }
    return pem;
}

/** The core's settings for one invocation; the wait budget comes from the invocation's remaining time. */
export function failoverSettingsFromEnv(env: AwsFailoverEnv, waitBudgetSeconds: number): FailoverSettings {
    return {
        namespace: env.namespace,
        operatorDeployment: env.operatorDeployment,
        humioClusterName: env.humioClusterName,
        preFailoverFailureSeconds: env.preFailoverFailureSeconds,
        cooldownSeconds: env.cooldownSeconds,
        requireHealthySecondary: env.requireHealthySecondary,
        recheckIntervalSeconds: env.recheckIntervalSeconds,
        waitBudgetSeconds,
    };
}

function dropUndefined<T extends object>(value: T): T {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
