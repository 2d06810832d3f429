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
    /** Route 53 health check of the primary: watched, then locked. */
    primaryHealthCheckId: string;
    /** Route 53 health check of this stack's own endpoint (the secondary gate). */
    secondaryHealthCheckId?: string;
    /** SSM parameter holding the epoch seconds of the last failover ("0": none). */
    cooldownParameterName: string;
    preFailoverFailureSeconds: number;
    cooldownSeconds: number;
    recheckIntervalSeconds: number;
    requireHealthySecondary: boolean;
    humioClusterName: string;
    namespace: string;
    operatorDeployment: string;
    /** Self-invocations allowed while a holdoff stays pending, so missing metrics cannot loop forever. */
    maxRechecks: number;
}

/** What the infra code passes; the rest has fixed defaults. */
export type AwsFailoverEnvSettings =
    Omit<AwsFailoverEnv, "namespace" | "operatorDeployment" | "recheckIntervalSeconds" | "maxRechecks">
    & Partial<Pick<AwsFailoverEnv, "namespace" | "operatorDeployment" | "recheckIntervalSeconds" | "maxRechecks">>;

/** Environment variable per field. None starts with AWS_ (reserved by Lambda). */
export const AWS_FAILOVER_ENV_VARS = {
    eksClusterName: "EKS_CLUSTER_NAME",
    eksClusterRegion: "EKS_CLUSTER_REGION",
    primaryHealthCheckId: "PRIMARY_HEALTH_CHECK_ID",
    secondaryHealthCheckId: "SECONDARY_HEALTH_CHECK_ID",
    cooldownParameterName: "COOLDOWN_PARAMETER_NAME",
    preFailoverFailureSeconds: "PRE_FAILOVER_FAILURE_SECONDS",
    cooldownSeconds: "FAILOVER_COOLDOWN_SECONDS",
    recheckIntervalSeconds: "RECHECK_INTERVAL_SECONDS",
    requireHealthySecondary: "REQUIRE_HEALTHY_SECONDARY",
    humioClusterName: "HUMIO_CLUSTER_NAME",
    namespace: "KUBERNETES_NAMESPACE",
    operatorDeployment: "OPERATOR_DEPLOYMENT",
    maxRechecks: "MAX_RECHECKS",
} as const satisfies Record<keyof AwsFailoverEnv, string>;

export const AWS_FAILOVER_DEFAULTS = {
    namespace: "logging",
    operatorDeployment: "humio-operator",
    // Route 53 publishes HealthCheckStatus once a minute; checking twice a
    // minute notices a met holdoff within half a period.
    recheckIntervalSeconds: 30,
    maxRechecks: 60,
} as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const EKS_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
const SSM_NAME = /^[A-Za-z0-9_.\-/]{1,1011}$/;
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

    return {
        eksClusterName: text(V.eksClusterName, EKS_NAME, "an EKS cluster name (letters, digits, - and _, up to 100 characters)"),
        eksClusterRegion: text(V.eksClusterRegion, REGION, "an AWS region such as eu-west-1"),
        primaryHealthCheckId: text(V.primaryHealthCheckId, UUID, "a Route 53 health check id (UUID)"),
        secondaryHealthCheckId,
        cooldownParameterName: text(V.cooldownParameterName, SSM_NAME, "an SSM parameter name such as /logscale-dr/last-failover-epoch"),
        preFailoverFailureSeconds: integer(V.preFailoverFailureSeconds, 0, 3600),
        cooldownSeconds: integer(V.cooldownSeconds, 0, 86400),
        recheckIntervalSeconds: integer(V.recheckIntervalSeconds, 1, 600, AWS_FAILOVER_DEFAULTS.recheckIntervalSeconds),
        requireHealthySecondary,
        humioClusterName: text(V.humioClusterName, DNS_SUBDOMAIN, "a Kubernetes object name (lower-case DNS subdomain)"),
        namespace: text(V.namespace, DNS_LABEL, "a Kubernetes namespace name (lower-case DNS label)"),
        operatorDeployment: text(V.operatorDeployment, DNS_SUBDOMAIN, "a Kubernetes Deployment name (lower-case DNS subdomain)"),
        maxRechecks: integer(V.maxRechecks, 0, 1000, AWS_FAILOVER_DEFAULTS.maxRechecks),
    };
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
        [V.primaryHealthCheckId]: full.primaryHealthCheckId,
        [V.cooldownParameterName]: full.cooldownParameterName,
        [V.preFailoverFailureSeconds]: String(full.preFailoverFailureSeconds),
        [V.cooldownSeconds]: String(full.cooldownSeconds),
        [V.recheckIntervalSeconds]: String(full.recheckIntervalSeconds),
        [V.requireHealthySecondary]: String(full.requireHealthySecondary),
        [V.humioClusterName]: full.humioClusterName,
        [V.namespace]: full.namespace,
        [V.operatorDeployment]: full.operatorDeployment,
        [V.maxRechecks]: String(full.maxRechecks),
    };
    if (full.secondaryHealthCheckId) {
        env[V.secondaryHealthCheckId] = full.secondaryHealthCheckId;
    }
    readAwsFailoverEnv(env);
    return env;
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
