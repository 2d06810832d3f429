import * as pulumi from "@pulumi/pulumi";
import {
    CLOUDS, CLUSTER_SIZES, CLUSTER_TYPES, CONFIG_KEYS, ConfigKey, DR_MODES, KeySpec, RECOVER_FROM, REGION_KEYS,
} from "./keys";
import { ConfigError } from "./errors";
import { nearest } from "./suggest";
import { kubernetesVersionProblem } from "./support";
import { validateDnsName, validateRegion } from "./validate";
import { ELB_ALIAS_TTL_S } from "../components/dr/rto";

export type Cloud = typeof CLOUDS[number];
export type DrMode = typeof DR_MODES[number];
export type ClusterSize = typeof CLUSTER_SIZES[number];
export type ClusterType = typeof CLUSTER_TYPES[number];

export interface EnvVarSetting {
    name: string;
    value: string;
}

export interface FailoverSettings {
    preFailoverFailureSeconds: number;
    cooldownSeconds: number;
    healthCheckIntervalSeconds: number;
    healthCheckFailureThreshold: number;
    requireHealthySecondary: boolean;
}

/** Names of the primary's stack outputs that a fallback config key can stand in for. */
export const FALLBACK_OUTPUTS = {
    primaryRegion: "region",
    primaryStorageBucket: "storageBucket",
    primaryStorageObjectKeyPrefix: "storageObjectKeyPrefix",
    primaryStorageEncryptionKey: "storageEncryptionKey",
    primaryStorageAccountName: "storageAccountName",
    primaryStorageAccountKey: "storageAccountKey",
    primaryStorageEndpointBase: "storageEndpointBase",
    primaryStorageAccessKeyId: "storageAccessKeyId",
    primaryStorageSecretAccessKey: "storageSecretAccessKey",
    primaryHealthCheckId: "healthCheckId",
    primaryDnsZoneId: "dnsZoneId",
    primaryLoadBalancerAddress: "loadBalancerAddress",
    primaryTrafficManagerProfileName: "trafficManagerProfileName",
    primaryTrafficManagerResourceGroup: "trafficManagerResourceGroup",
} as const satisfies Partial<Record<ConfigKey, string>>;

export type FallbackKey = keyof typeof FALLBACK_OUTPUTS;
/** Values given by hand for the primary's outputs, keyed by output name. Secret ones are secret Outputs. */
export type PrimaryFallback = Partial<Record<typeof FALLBACK_OUTPUTS[FallbackKey], pulumi.Input<string>>>;

export interface StackConfig {
    project: string;
    stack: string;
    cloud: Cloud;
    /** From the provider's own config (aws:region, azure-native:location, oci:region). */
    region: string;
    dr?: DrMode;
    drUseDedicatedRouting: boolean;
    primaryStack?: string;
    secondaryStack?: string;
    recoverFrom: typeof RECOVER_FROM[number];
    primaryFallback: PrimaryFallback;
    clusterName: string;
    clusterSize: ClusterSize;
    clusterType: ClusterType;
    logscaleVersion: string;
    license: pulumi.Output<string>;
    /** Shared admin password (secret); undefined: the LogScale layer generates one per stack. */
    adminPassword?: pulumi.Output<string>;
    kubernetesVersion: string;
    globalHostname: string;
    hostname: string;
    dnsZoneName: string;
    dnsZoneId?: string;
    manageGlobalDns: boolean;
    dnsTtlSeconds: number;
    failover: FailoverSettings;
    storageObjectKeyPrefix?: string;
    extraEnvVars: EnvVarSetting[];
    acmeEmail: string;
    /** Minutes between readiness runs on a standby; 0: no schedule. */
    readinessIntervalMinutes: number;
    recoveryDeadlineMinutes: number;
    /** The notification channel for people. */
    notify: { emails: string[]; webhookUrl?: pulumi.Output<string> };
    azure: { aksAdminGroupObjectIds: string[] };
    oci: { compartmentId?: string; tenancyId?: string; objectStorageNamespace?: string; homeRegion?: string };
}

/** Fallback outputs a standby needs per cloud when it has no primaryStack. */
export const REQUIRED_FALLBACK: Record<Cloud, FallbackKey[]> = {
    aws: ["primaryRegion", "primaryStorageBucket", "primaryStorageEncryptionKey"],
    azure: ["primaryRegion", "primaryStorageBucket", "primaryStorageEncryptionKey", "primaryStorageAccountName", "primaryStorageAccountKey", "primaryStorageEndpointBase"],
    oci: ["primaryRegion", "primaryStorageBucket", "primaryStorageEncryptionKey", "primaryStorageEndpointBase", "primaryStorageAccessKeyId", "primaryStorageSecretAccessKey", "primaryLoadBalancerAddress"],
};

const HEALTH_CHECK_INTERVALS: Record<Cloud, number[]> = {
    aws: [10, 30],
    azure: [10, 30],
    oci: [10, 30, 60],
};

/** Env vars nothing may ever set, and why; the config loader and the LogScale env builder both refuse them. */
export const FORBIDDEN_ENV_REASONS = {
    ALLOW_KAFKA_RESET_UNTIL_TIMESTAMP_MS: "it overrides the Kafka reset LogScale enables by itself when recovering from a bucket (seed 000, Kafka Epoch Key)",
    AZURE_RECOVER_FROM_REPLACE_BUCKET: "each Azure storage account has its own endpoint, so replacing the bucket makes reads fail with 403",
} as const;
export const FORBIDDEN_ENV_VARS = Object.keys(FORBIDDEN_ENV_REASONS) as (keyof typeof FORBIDDEN_ENV_REASONS)[];

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export const MIN_LOGSCALE_VERSION = "1.130.0";
export const MIN_LOGSCALE_VERSION_DR = "1.235.0";

/**
 * Reads and validates the whole stack config from Pulumi's raw config map
 * (`pulumi.runtime.allConfig()`: full keys such as `logscale-dr:dr` and `aws:region`).
 * Pure apart from wrapping secrets: every problem is a ConfigError before any resource exists.
 */
export function loadConfig(raw: Record<string, string>, stack: string, project = "logscale-dr"): StackConfig {
    const fail = (key: string, value: unknown, allowed: string): never => {
        throw new ConfigError(key, stack, value, allowed);
    };
    const full = (k: string) => `${project}:${k}`;

    for (const k of Object.keys(raw)) {
        if (k.startsWith(`${project}:`) && !(k.slice(project.length + 1) in CONFIG_KEYS)) {
            const near = nearest(k.slice(project.length + 1), Object.keys(CONFIG_KEYS));
            const hint = near === undefined ? "" : `did you mean ${near}? `;
            fail(k, raw[k], `unknown key; ${hint}allowed keys are ${Object.keys(CONFIG_KEYS).join(", ")}`);
        }
    }

    const str = (k: ConfigKey): string | undefined => {
        const v = raw[full(k)];
        if (v === undefined || v === "") {
            const d = (CONFIG_KEYS[k] as KeySpec).default;
            return d === undefined ? undefined : String(d);
        }
        return v;
    };
    const enumOf = <T extends string>(k: ConfigKey, allowed: readonly T[]): T | undefined => {
        const v = str(k);
        if (v === undefined) return undefined;
        if (!(allowed as readonly string[]).includes(v)) fail(full(k), v, `allowed values are ${allowed.join(", ")}`);
        return v as T;
    };
    const bool = (k: ConfigKey): boolean => {
        const v = str(k);
        if (v === "true") return true;
        if (v === "false" || v === undefined) return false;
        return fail(full(k), v, "must be a boolean: true or false");
    };
    const int = (k: ConfigKey): number => {
        const spec = CONFIG_KEYS[k] as KeySpec;
        const v = str(k);
        if (v === undefined || !/^-?\d+$/.test(v)) return fail(full(k), v, `must be an integer from ${spec.min} to ${spec.max}`);
        const n = Number(v);
        if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
            fail(full(k), v, `must be an integer from ${spec.min} to ${spec.max}`);
        }
        return n;
    };
    const arr = (k: ConfigKey): unknown[] => {
        const v = raw[full(k)];
        if (v === undefined || v === "") return [];
        let parsed: unknown;
        try {
            parsed = JSON.parse(v);
        } catch {
            return fail(full(k), v, "must be a list (YAML sequence)");
        }
        if (!Array.isArray(parsed)) fail(full(k), parsed, "must be a list (YAML sequence)");
        return parsed as unknown[];
    };

    const cloud = enumOf("cloud", CLOUDS)!;
    const regionKey = REGION_KEYS[cloud];
    const region = raw[regionKey];
    if (!region) fail(regionKey, region, `required for cloud ${cloud}: set the provider's region (pulumi config set ${regionKey} <region>)`);
    validateRegion(cloud, region!, (allowed) => fail(regionKey, region, allowed));

    const kubernetesVersion = str("kubernetesVersion")!;
    // Refused only when the cloud does not offer it at all; a version past its end
    // of support plans with a warning, so an existing cluster can still be upgraded.
    const kubernetesProblem = kubernetesVersionProblem(cloud, kubernetesVersion);
    if (kubernetesProblem) fail(full("kubernetesVersion"), kubernetesVersion, kubernetesProblem);

    const dr = enumOf("dr", DR_MODES);
    const clusterName = str("clusterName")!;
    if (!/^[a-z][a-z0-9-]{1,30}[a-z0-9]$/.test(clusterName)) {
        fail(full("clusterName"), clusterName, "3-32 characters: lower-case letters, digits and '-', starting with a letter");
    }

    const logscaleVersion = str("logscaleVersion")!;
    const minVersion = dr ? MIN_LOGSCALE_VERSION_DR : MIN_LOGSCALE_VERSION;
    if (!/^\d+\.\d+\.\d+$/.test(logscaleVersion) || compareVersions(logscaleVersion, minVersion) < 0) {
        fail(full("logscaleVersion"), logscaleVersion, `a pinned version x.y.z, at least ${minVersion}${dr ? " (recover-from support with dr set)" : ""}`);
    }

    const licenseRaw = raw[full("logscaleLicense")];
    if (!licenseRaw) fail(full("logscaleLicense"), undefined, "required: pulumi config set --secret logscaleLicense <license>");

    const globalHostname = str("globalHostname");
    const dnsZoneName = str("dnsZoneName");
    if (!dnsZoneName) fail(full("dnsZoneName"), dnsZoneName, "required: the DNS zone of globalHostname, e.g. example.com");
    validateDnsName(dnsZoneName!, (why) => fail(full("dnsZoneName"), dnsZoneName, why));
    if (!globalHostname) fail(full("globalHostname"), globalHostname, `required: the global FQDN inside ${dnsZoneName}`);
    validateDnsName(globalHostname!, (why) => fail(full("globalHostname"), globalHostname, why));
    if (!globalHostname!.endsWith(`.${dnsZoneName}`)) {
        fail(full("globalHostname"), globalHostname, `must be a name inside dnsZoneName ${dnsZoneName}`);
    }
    const hostname = str("hostname") ?? `${clusterName}-${region}.${dnsZoneName}`;
    validateDnsName(hostname, (why) => fail(full("hostname"), hostname, why));
    if (hostname === globalHostname) fail(full("hostname"), hostname, "must differ from globalHostname (it names this cluster only)");

    const primaryStack = str("primaryStack");
    const secondaryStack = str("secondaryStack");
    if (primaryStack !== undefined && primaryStack === stack) fail(full("primaryStack"), primaryStack, "must name the other stack of the pair, not this one");
    if (secondaryStack !== undefined && secondaryStack === stack) fail(full("secondaryStack"), secondaryStack, "must name the other stack of the pair, not this one");

    const primaryFallback: PrimaryFallback = {};
    for (const [key, output] of Object.entries(FALLBACK_OUTPUTS) as [FallbackKey, string][]) {
        const v = raw[full(key)];
        if (v === undefined || v === "") continue;
        (primaryFallback as Record<string, pulumi.Input<string>>)[output] = (CONFIG_KEYS[key] as KeySpec).secret ? pulumi.secret(v) : v;
    }
    if (dr === "standby" && !primaryStack) {
        const missing = REQUIRED_FALLBACK[cloud].filter(k => !raw[full(k)]);
        if (missing.length > 0) {
            fail(full("primaryStack"), undefined,
                `a standby needs primaryStack (a StackReference to the primary) or the fallback values ${REQUIRED_FALLBACK[cloud].join(", ")} (missing: ${missing.join(", ")})`);
        }
    }

    const recoverFrom = enumOf("recoverFrom", RECOVER_FROM)!;
    if (recoverFrom === "secondary") {
        if (dr === "standby") fail(full("recoverFrom"), recoverFrom, "reverse recovery is for the primary (dr: active or unset), not a standby");
        if (!secondaryStack) fail(full("secondaryStack"), undefined, "required when recoverFrom is secondary: the stack whose storage the primary recovers from");
    }

    const manageGlobalDns = bool("manageGlobalDns");
    const dnsZoneId = str("dnsZoneId");
    if (manageGlobalDns && dnsZoneId) {
        fail(full("dnsZoneId"), dnsZoneId, "must be unset when manageGlobalDns is true (this stack creates the zone)");
    }
    if (!manageGlobalDns && !dnsZoneId && !primaryStack && !raw[full("primaryDnsZoneId")]) {
        fail(full("dnsZoneId"), undefined, "required unless manageGlobalDns is true or the zone comes from the primary (primaryStack or primaryDnsZoneId)");
    }

    // The AWS global record is an alias of the NLB: Route 53 gives it the load
    // balancer's fixed TTL, so another value would be a setting that does nothing.
    if (cloud === "aws" && raw[full("dnsTtlSeconds")] !== undefined && int("dnsTtlSeconds") !== ELB_ALIAS_TTL_S) {
        fail(full("dnsTtlSeconds"), int("dnsTtlSeconds"), `on aws the global record is an alias of the ingress load balancer, which Route 53 answers with its fixed ${ELB_ALIAS_TTL_S} s TTL; leave it unset or ${ELB_ALIAS_TTL_S}`);
    }

    const interval = int("healthCheckIntervalSeconds");
    if (!HEALTH_CHECK_INTERVALS[cloud].includes(interval)) {
        fail(full("healthCheckIntervalSeconds"), interval, `allowed values on ${cloud} are ${HEALTH_CHECK_INTERVALS[cloud].join(", ")}`);
    }

    const extraEnvVars = parseExtraEnvVars(arr("extraEnvVars"), (value, allowed) => fail(full("extraEnvVars"), value, allowed));

    const objectKeyPrefix = str("storageObjectKeyPrefix");
    if (objectKeyPrefix !== undefined && !/^[A-Za-z0-9._\-/]{1,200}$/.test(objectKeyPrefix)) {
        fail(full("storageObjectKeyPrefix"), objectKeyPrefix, "letters, digits, '.', '_', '-' and '/' only, at most 200 characters");
    }

    const acmeEmail = str("acmeEmail") ?? `hostmaster@${dnsZoneName}`;
    if (!EMAIL.test(acmeEmail)) fail(full("acmeEmail"), acmeEmail, "must be an e-mail address");

    const notifyEmails = arr("notifyEmails").map((v, i) => {
        if (typeof v !== "string" || !EMAIL.test(v)) fail(full("notifyEmails"), v, `entry ${i + 1} is not an e-mail address (name@domain.tld)`);
        return v as string;
    });
    const duplicate = notifyEmails.find((e, i) => notifyEmails.findIndex(o => o.toLowerCase() === e.toLowerCase()) !== i);
    if (duplicate !== undefined) fail(full("notifyEmails"), duplicate, "listed twice; each address may appear once");
    const webhookRaw = raw[full("notifyWebhookUrl")];
    if (webhookRaw) {
        let url: URL | undefined;
        try {
            url = new URL(webhookRaw);
        } catch {
            url = undefined;
        }
        // The value is a secret: the error shows only its scheme.
        if (!url || url.protocol !== "https:" || !url.hostname) {
            fail(full("notifyWebhookUrl"), url ? `${url.protocol}//[secret]` : "[secret]", "must be an https:// URL with a host (an https subscription of the people topic or action group)");
        }
    }

    const aksAdminGroupObjectIds = arr("azureAksAdminGroupObjectIds").map(v => {
        if (typeof v !== "string" || !/^[0-9a-f-]{36}$/i.test(v)) fail(full("azureAksAdminGroupObjectIds"), v, "must be a list of Entra ID group object ids (GUIDs)");
        return v as string;
    });

    const oci = {
        compartmentId: str("ociCompartmentId"),
        tenancyId: str("ociTenancyId"),
        objectStorageNamespace: str("ociObjectStorageNamespace"),
        homeRegion: str("ociHomeRegion"),
    };
    if (cloud === "oci") {
        if (!oci.compartmentId || !/^ocid1\.(compartment|tenancy)\.oc\d+\.\.[a-z0-9]+$/.test(oci.compartmentId)) {
            fail(full("ociCompartmentId"), oci.compartmentId, "required for cloud oci: a compartment OCID (ocid1.compartment.oc1..<id>)");
        }
        if (!oci.tenancyId || !/^ocid1\.tenancy\.oc\d+\.\.[a-z0-9]+$/.test(oci.tenancyId)) {
            fail(full("ociTenancyId"), oci.tenancyId, "required for cloud oci: a tenancy OCID (ocid1.tenancy.oc1..<id>)");
        }
        if (!oci.objectStorageNamespace || !/^[a-z0-9]{1,63}$/.test(oci.objectStorageNamespace)) {
            fail(full("ociObjectStorageNamespace"), oci.objectStorageNamespace, "required for cloud oci: the tenancy's Object Storage namespace (lower-case letters and digits)");
        }
        if (oci.homeRegion !== undefined) {
            validateRegion("oci", oci.homeRegion, (allowed) => fail(full("ociHomeRegion"), oci.homeRegion, allowed));
        }
    }

    return {
        project,
        stack,
        cloud,
        region: region!,
        dr,
        drUseDedicatedRouting: str("drUseDedicatedRouting") === undefined ? true : bool("drUseDedicatedRouting"),
        primaryStack,
        secondaryStack,
        recoverFrom,
        primaryFallback,
        clusterName,
        clusterSize: enumOf("clusterSize", CLUSTER_SIZES)!,
        clusterType: enumOf("clusterType", CLUSTER_TYPES)!,
        logscaleVersion,
        license: pulumi.secret(licenseRaw!),
        adminPassword: raw[full("logscaleAdminPassword")] ? pulumi.secret(raw[full("logscaleAdminPassword")]) : undefined,
        kubernetesVersion,
        globalHostname: globalHostname!,
        hostname,
        dnsZoneName: dnsZoneName!,
        dnsZoneId,
        manageGlobalDns,
        dnsTtlSeconds: int("dnsTtlSeconds"),
        failover: {
            preFailoverFailureSeconds: int("preFailoverFailureSeconds"),
            cooldownSeconds: int("failoverCooldownSeconds"),
            healthCheckIntervalSeconds: interval,
            healthCheckFailureThreshold: int("healthCheckFailureThreshold"),
            requireHealthySecondary: str("requireHealthySecondary") === undefined ? true : bool("requireHealthySecondary"),
        },
        storageObjectKeyPrefix: objectKeyPrefix,
        extraEnvVars,
        acmeEmail,
        readinessIntervalMinutes: int("readinessIntervalMinutes"),
        recoveryDeadlineMinutes: int("recoveryDeadlineMinutes"),
        notify: { emails: notifyEmails, webhookUrl: webhookRaw ? pulumi.secret(webhookRaw) : undefined },
        azure: { aksAdminGroupObjectIds },
        oci,
    };
}

function parseExtraEnvVars(items: unknown[], fail: (value: unknown, allowed: string) => never): EnvVarSetting[] {
    const seen = new Set<string>();
    return items.map(item => {
        const eq = typeof item === "string" ? item.indexOf("=") : -1;
        if (typeof item !== "string" || eq <= 0) return fail(item, "each entry must be a string NAME=value");
        const name = item.slice(0, eq);
        const value = item.slice(eq + 1);
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) fail(item, "env var names are letters, digits and '_', not starting with a digit");
        if (name in FORBIDDEN_ENV_REASONS) {
            fail(name, `${name} must never be set: ${FORBIDDEN_ENV_REASONS[name as keyof typeof FORBIDDEN_ENV_REASONS]}`);
        }
        if (seen.has(name)) fail(name, `duplicate env var name ${name}: each name may appear once (the operator rejects duplicates)`);
        seen.add(name);
        return { name, value };
    });
}

export function compareVersions(a: string, b: string): number {
    const pa = a.split(".").map(Number);
    const pb = b.split(".").map(Number);
    for (let i = 0; i < 3; i++) {
        if (pa[i] !== pb[i]) return pa[i] - pb[i];
    }
    return 0;
}
