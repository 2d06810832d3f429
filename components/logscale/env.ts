import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../config/errors";
import { FORBIDDEN_ENV_REASONS, FORBIDDEN_ENV_VARS, type DrMode } from "../../config/load";
import { KAFKA_TRUSTSTORE_DIR, kafkaBootstrapServers, kafkaCaSecretName } from "./names";
import type { EnvSet, EnvValue } from "./types";

/** An env value the program takes from a Secret it does not own (Strimzi's cluster CA). */
export interface SecretRefValue {
    secretKeyRef: { name: string; key: string };
}
export type EnvSource = EnvValue | SecretRefValue;
/** The full LogScale env, keyed by name so a duplicate cannot exist. */
export type LogScaleEnv = Record<string, EnvSource>;

/** Config key named in errors about user env vars. */
export const EXTRA_ENV_KEY = "logscale-dr:extraEnvVars";

/**
 * Names humio-operator always appends or derives per pod; a user value would
 * either be a duplicate the operator cannot resolve or break pod identity.
 */
export const OPERATOR_OWNED_ENV = [
    "BOOTSTRAP_ROOT_TOKEN_HASHED", "EXTRA_KAFKA_CONFIGS_FILE", "THIS_POD_IP", "POD_NAME", "POD_NAMESPACE",
    "HUMIO_PORT", "ELASTIC_PORT", "EXTERNAL_URL", "ZONE",
] as const;
const OPERATOR_OWNED_PREFIX = "TLS_";

/** Names that carry credentials; they may only arrive as {secret}. */
export const SECRET_NAME = /(ENCRYPTION_KEY|ACCOUNTKEY|ACCESSKEY|SECRETKEY|ACCESS_KEY|SECRET|PASSWORD|TOKEN|STATIC_USERS)/;

/** Env a pool adds on top of the common set (merged by the operator, pool wins; names must not clash). */
export const POOL_ENV: Record<"ingest" | "ui", Record<string, string>> = {
    ingest: { NODE_ROLES: "ingestonly", INITIAL_DISABLED_NODE_TASK: "digest,query,storage" },
    ui: { NODE_ROLES: "httponly", INITIAL_DISABLED_NODE_TASK: "digest,storage" },
};

export interface LogScaleEnvInput {
    /** Stack name, for error messages about user config. */
    stack: string;
    clusterName: string;
    dr?: DrMode;
    globalHostname: string;
    /** Value of STATIC_USERS (`admin:<password>`), a secret. */
    staticUsers: pulumi.Input<string>;
    storageEnv: EnvSet;
    recoveryEnv?: EnvSet;
    extraEnv?: { name: string; value: string }[];
}

/**
 * Every LogScale env var for this stack, by name. Order of precedence is
 * fixed: the program's own settings, then the cloud's storage env, then
 * recover-from env, then the user's extras; a later group may never redefine
 * a name an earlier one set.
 */
export function buildLogScaleEnv(input: LogScaleEnvInput): LogScaleEnv {
    const env: LogScaleEnv = {};
    const why: Record<string, string> = {};
    const put = (name: string, value: EnvSource, reason: string) => {
        assertAllowed(name, reason);
        if ("value" in value && SECRET_NAME.test(name)) {
            throw new Error(`${reason} gives ${name} as a plain value; it names a credential and must be {secret} so it reaches pods through a Kubernetes Secret`);
        }
        if (name in why) {
            throw new Error(`LogScale env var ${name} is set twice: by ${why[name]} and by ${reason}; each name may appear once (the operator rejects duplicates)`);
        }
        env[name] = value;
        why[name] = reason;
    };

    const common = "logscale-dr (Kafka, URL, authentication, disk and alert settings)";
    put("KAFKA_SERVERS", { value: kafkaBootstrapServers(input.clusterName) }, common);
    put("KAFKA_COMMON_SECURITY_PROTOCOL", { value: "SSL" }, common);
    put("KAFKA_COMMON_SSL_TRUSTSTORE_TYPE", { value: "PKCS12" }, common);
    put("KAFKA_COMMON_SSL_TRUSTSTORE_LOCATION", { value: `${KAFKA_TRUSTSTORE_DIR}/ca.p12` }, common);
    put("KAFKA_COMMON_SSL_TRUSTSTORE_PASSWORD", { secretKeyRef: { name: kafkaCaSecretName(input.clusterName), key: "ca.password" } }, common);
    put("PUBLIC_URL", { value: `https://${input.globalHostname}` }, common);
    put("AUTHENTICATION_METHOD", { value: "static" }, common);
    put("STATIC_USERS", { secret: input.staticUsers }, common);
    // Bucket storage holds every segment; local disks are a cache that may vanish with its node.
    put("USING_EPHEMERAL_DISKS", { value: "true" }, common);
    put("LOCAL_STORAGE_PERCENTAGE", { value: "80" }, common);
    put("LOCAL_STORAGE_MIN_AGE_DAYS", { value: "1" }, common);
    put("ENABLE_ALERTS", { value: input.dr === "standby" ? "false" : "true" }, common);
    if (input.dr) {
        // Both sides of a pair read two buckets (own + peer); Azure answers 403 without it.
        put("BUCKET_STORAGE_MULTIPLE_ENDPOINTS", { value: "true" }, common);
    }
    for (const vars of Object.values(POOL_ENV)) {
        for (const name of Object.keys(vars)) {
            assertAllowed(name, "the node pool settings");
            why[name] = "logscale-dr (node pool roles)";
        }
    }

    for (const [name, value] of Object.entries(input.storageEnv)) {
        if (name.includes("_RECOVER_FROM_")) throw new Error(`storageEnv holds ${name}: recover-from variables belong in recoveryEnv`);
        put(name, value, "the cloud storage settings (storageEnv)");
    }
    for (const [name, value] of Object.entries(input.recoveryEnv ?? {})) {
        if (!name.includes("_RECOVER_FROM_")) throw new Error(`recoveryEnv holds ${name}: only *_RECOVER_FROM_* variables belong there`);
        put(name, value, "the recover-from settings (recoveryEnv)");
    }

    for (const { name, value } of input.extraEnv ?? []) {
        const fail = (reason: string): never => {
            throw new ConfigError(EXTRA_ENV_KEY, input.stack, `${name}=${value}`, reason);
        };
        if ((FORBIDDEN_ENV_VARS as readonly string[]).includes(name)) fail(`${name} must never be set (${forbiddenReason(name)})`);
        if ((OPERATOR_OWNED_ENV as readonly string[]).includes(name) || name.startsWith(OPERATOR_OWNED_PREFIX)) {
            fail(`${name} is set by humio-operator on every pod and may not be overridden`);
        }
        if (name in why) fail(`${name} is set by ${why[name]} and may not be overridden; remove it from extraEnvVars`);
        if (SECRET_NAME.test(name)) {
            fail(`${name} names a credential: extraEnvVars is plain-text config and would put it in the pod spec as a plain value`);
        }
        put(name, { value }, "extraEnvVars");
    }
    return env;
}

function assertAllowed(name: string, source: string): void {
    if ((FORBIDDEN_ENV_VARS as readonly string[]).includes(name)) {
        throw new Error(`${source} tried to set ${name}, which must never be set: ${forbiddenReason(name)}`);
    }
}

function forbiddenReason(name: string): string {
    return FORBIDDEN_ENV_REASONS[name as keyof typeof FORBIDDEN_ENV_REASONS];
}

/** A Kubernetes EnvVar as the HumioCluster takes it. */
export interface K8sEnvVar {
    name: string;
    value?: pulumi.Input<string>;
    valueFrom?: { secretKeyRef: { name: string; key: string } };
}

/**
 * The env as the pod list, sorted by name so the list (and the pod hash the
 * operator derives from it) never changes because of insertion order. Secret
 * values become references into `secretName`, keyed by the env name.
 */
export function envList(env: LogScaleEnv, secretName: string): K8sEnvVar[] {
    return Object.keys(env).sort().map(name => {
        const v = env[name];
        if ("secretKeyRef" in v) return { name, valueFrom: { secretKeyRef: { ...v.secretKeyRef } } };
        if ("secret" in v) return { name, valueFrom: { secretKeyRef: { name: secretName, key: name } } };
        return { name, value: v.value };
    });
}

/** The data of the env Secret: every `{secret}` value, under its env name. */
export function envSecretData(env: LogScaleEnv): Record<string, pulumi.Input<string>> {
    const data: Record<string, pulumi.Input<string>> = {};
    for (const name of Object.keys(env).sort()) {
        const v = env[name];
        if ("secret" in v) data[name] = v.secret;
    }
    return data;
}
