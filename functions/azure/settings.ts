// The Function App's settings, written by the Pulumi component and read by
// the handler: one table of names so the two sides cannot drift apart.

import type { FailoverSettings } from "../core/types";

/** Function names inside the package (folder names, `context.executionContext.functionName`). */
export const FUNCTION_NAMES = {
    /** HTTP trigger the metric alert's action group calls: enqueues, answers 202. */
    http: "failover",
    /** Minute timer that keeps a pending holdoff alive (alerts notify only on a state change): enqueues while one is pending. */
    timer: "recheck",
    /** Queue trigger: the only function that runs the failover, one message at a time. */
    worker: "converge",
    /** Timer of the readiness self-test (absent when readinessIntervalMinutes is 0): reads, publishes StandbyReady, changes nothing. */
    readiness: "readiness",
} as const;

/**
 * The Storage queue in the function's own account that every failover run
 * goes through. One name for the Pulumi Queue and the bindings, so the app
 * never listens on a queue nobody creates.
 */
export const FAILOVER_QUEUE_NAME = "logscale-dr-failover";

/** Binding names in function.json, read and written by the handler as `context.bindings.<name>`. */
export const QUEUE_BINDING = {
    /** Output binding of the HTTP and the timer function. */
    out: "failoverQueue",
    /** Trigger binding of the worker. */
    in: "message",
} as const;

/**
 * Application ID of the AKS Entra ID server application: the audience of
 * tokens that AKS clusters with managed Entra ID integration accept.
 */
export const AKS_AAD_SERVER_APP_ID = "6dae42f8-4368-4678-94ff-3960e28e3630";

export const ARM_PUBLIC_ENDPOINT = "https://management.azure.com";

/**
 * How long one queue-triggered run waits for the holdoff before handing over
 * to the minute timer. The run is no HTTP request (the action group got its
 * 202 already), so only host.json's functionTimeout (600 s) bounds it: 480 s
 * of waiting plus WRITE_ROUNDS_RESERVE_SECONDS (60) for the write rounds
 * leaves 60 s for the identity tokens, the settings and one call in flight
 * at the deadline, so the host never kills a run between scale and lock.
 */
export const WAIT_BUDGET_SECONDS = 480;

export const APP_SETTING = {
    namespace: "LOGSCALE_DR_NAMESPACE",
    operatorDeployment: "LOGSCALE_DR_OPERATOR_DEPLOYMENT",
    humioClusterName: "LOGSCALE_DR_HUMIO_CLUSTER",
    preFailoverFailureSeconds: "LOGSCALE_DR_HOLDOFF_SECONDS",
    cooldownSeconds: "LOGSCALE_DR_COOLDOWN_SECONDS",
    requireHealthySecondary: "LOGSCALE_DR_REQUIRE_HEALTHY_SECONDARY",
    recheckIntervalSeconds: "LOGSCALE_DR_RECHECK_SECONDS",
    primaryEndpointId: "LOGSCALE_DR_PRIMARY_ENDPOINT_ID",
    secondaryAddress: "LOGSCALE_DR_SECONDARY_ADDRESS",
    secondaryPort: "LOGSCALE_DR_SECONDARY_PORT",
    aksServer: "LOGSCALE_DR_AKS_SERVER",
    aksCaBase64: "LOGSCALE_DR_AKS_CA_BASE64",
    identityClientId: "LOGSCALE_DR_IDENTITY_CLIENT_ID",
    armEndpoint: "LOGSCALE_DR_ARM_ENDPOINT",
    /** The standby's name in people's messages and the metric's clusterName property (default: the HumioCluster's name). */
    clusterName: "LOGSCALE_DR_CLUSTER_NAME",
    /** Optional https URL the function POSTs its messages for people to (secret). */
    notifyWebhookUrl: "LOGSCALE_DR_NOTIFY_WEBHOOK_URL",
    /** Minutes after the scale for LogScale to answer OK (default 15). */
    recoveryDeadlineMinutes: "LOGSCALE_DR_RECOVERY_DEADLINE_MINUTES",
    /** The model's failover total, compared with the measured one. */
    expectedFailoverSeconds: "LOGSCALE_DR_EXPECTED_FAILOVER_SECONDS",
    /** The holdoff's gap allowance (functions/azure/health.ts trafficManagerMaxGapSeconds of the profile's probes). */
    holdoffGapSeconds: "LOGSCALE_DR_HOLDOFF_GAP_SECONDS",
} as const;

/** Traffic Manager's default probing, 10 s with 3 tolerated failures: trafficManagerMaxGapSeconds(10, 3). */
export const DEFAULT_HOLDOFF_GAP_SECONDS = 25;
export const HOLDOFF_GAP_RANGE_SECONDS = { min: 1, max: 1200 } as const;

export interface AzureFunctionConfig {
    /** Everything but the wait budget, which depends on the trigger. */
    failover: Omit<FailoverSettings, "waitBudgetSeconds">;
    /** ARM id of the primary's Traffic Manager external endpoint. */
    primaryEndpointId: string;
    /** This (secondary) cluster's ingress address, probed for the secondary gate. */
    secondaryAddress?: string;
    secondaryPort: number;
    /** https://<AKS API server FQDN>:443 */
    aksServer: string;
    /** PEM CA of the AKS API server. */
    aksCaPem?: string;
    /** Client id of the user-assigned identity the function runs as. */
    identityClientId: string;
    armEndpoint: string;
    /** Names the standby in messages and on the StandbyReady metric; parseAppSettings defaults it to the HumioCluster's name. */
    clusterName?: string;
    notifyWebhookUrl?: string;
    recoveryDeadlineMinutes?: number;
    expectedFailoverSeconds?: number;
    /**
     * The longest silence between two failing readings that still counts as
     * one failing run; unset: DEFAULT_HOLDOFF_GAP_SECONDS. Longer than the
     * recheck interval, so the function's own readings while it waits join up.
     */
    holdoffGapSeconds?: number;
}

/** The gap allowance a config runs with. */
export function holdoffGapOf(config: AzureFunctionConfig): number {
    return config.holdoffGapSeconds ?? DEFAULT_HOLDOFF_GAP_SECONDS;
}

const ENDPOINT_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/trafficManagerProfiles\/[^/]+\/externalEndpoints\/[^/]+$/i;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The app settings for a config (the component writes exactly these). */
export function appSettingsFor(config: AzureFunctionConfig): Record<string, string> {
    const f = config.failover;
    const settings: Record<string, string> = {
        [APP_SETTING.namespace]: f.namespace,
        [APP_SETTING.operatorDeployment]: f.operatorDeployment,
        [APP_SETTING.humioClusterName]: f.humioClusterName,
        [APP_SETTING.preFailoverFailureSeconds]: String(f.preFailoverFailureSeconds),
        [APP_SETTING.cooldownSeconds]: String(f.cooldownSeconds),
        [APP_SETTING.requireHealthySecondary]: String(f.requireHealthySecondary),
        [APP_SETTING.recheckIntervalSeconds]: String(f.recheckIntervalSeconds),
        [APP_SETTING.primaryEndpointId]: config.primaryEndpointId,
        [APP_SETTING.secondaryPort]: String(config.secondaryPort),
        [APP_SETTING.aksServer]: config.aksServer,
        [APP_SETTING.identityClientId]: config.identityClientId,
        [APP_SETTING.armEndpoint]: config.armEndpoint,
    };
    if (config.clusterName !== undefined) {
        settings[APP_SETTING.clusterName] = config.clusterName;
    }
    if (config.notifyWebhookUrl !== undefined) {
        settings[APP_SETTING.notifyWebhookUrl] = config.notifyWebhookUrl;
    }
    if (config.recoveryDeadlineMinutes !== undefined) {
        settings[APP_SETTING.recoveryDeadlineMinutes] = String(config.recoveryDeadlineMinutes);
    }
    if (config.expectedFailoverSeconds !== undefined) {
        settings[APP_SETTING.expectedFailoverSeconds] = String(config.expectedFailoverSeconds);
    }
    if (config.holdoffGapSeconds !== undefined) {
        settings[APP_SETTING.holdoffGapSeconds] = String(config.holdoffGapSeconds);
    }
    if (config.secondaryAddress !== undefined) {
        settings[APP_SETTING.secondaryAddress] = config.secondaryAddress;
    }
    if (config.aksCaPem !== undefined) {
        settings[APP_SETTING.aksCaBase64] = Buffer.from(config.aksCaPem, "utf8").toString("base64");
    }
    return settings;
}

/**
 * Reads the handler's config from the environment. Every problem is listed
 * at once, by setting name, so one look at the log fixes a broken app.
 */
export function parseAppSettings(env: Record<string, string | undefined>): AzureFunctionConfig {
    const problems: string[] = [];
    const text = (name: string, required = true): string | undefined => {
        const v = env[name];
        if (v === undefined || v.trim() === "") {
            if (required) {
                problems.push(`${name} is not set`);
            }
            return undefined;
        }
        return v.trim();
    };
    const seconds = (name: string, min: number): number => {
        const v = text(name);
        if (v === undefined) {
            return 0;
        }
        if (!/^\d+$/.test(v) || Number(v) < min) {
            problems.push(`${name} must be a whole number of seconds >= ${min} (got ${JSON.stringify(v)})`);
            return 0;
        }
        return Number(v);
    };

    const requireText = text(APP_SETTING.requireHealthySecondary);
    if (requireText !== undefined && requireText !== "true" && requireText !== "false") {
        problems.push(`${APP_SETTING.requireHealthySecondary} must be true or false (got ${JSON.stringify(requireText)})`);
    }
    const requireHealthySecondary = requireText !== "false";

    const primaryEndpointId = text(APP_SETTING.primaryEndpointId) ?? "";
    if (primaryEndpointId && !ENDPOINT_ID.test(primaryEndpointId)) {
        problems.push(`${APP_SETTING.primaryEndpointId} must be the ARM id of a Traffic Manager external endpoint `
            + `(/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.Network/trafficManagerProfiles/<p>/externalEndpoints/<e>), got ${JSON.stringify(primaryEndpointId)}`);
    }

    const secondaryAddress = text(APP_SETTING.secondaryAddress, requireHealthySecondary);
    const portText = text(APP_SETTING.secondaryPort, false) ?? "443";
    const secondaryPort = Number(portText);
    if (!/^\d+$/.test(portText) || secondaryPort < 1 || secondaryPort > 65535) {
        problems.push(`${APP_SETTING.secondaryPort} must be a TCP port 1-65535 (got ${JSON.stringify(portText)})`);
    }

    const aksServer = text(APP_SETTING.aksServer) ?? "";
    if (aksServer && !/^https?:\/\/[^/\s]+\/?$/.test(aksServer)) {
        problems.push(`${APP_SETTING.aksServer} must be the API server URL https://<host>[:port] (got ${JSON.stringify(aksServer)})`);
    } else if (aksServer) {
        requireHttps(APP_SETTING.aksServer, aksServer, problems);
    }
    const caText = text(APP_SETTING.aksCaBase64, false);
    let aksCaPem: string | undefined;
    if (caText !== undefined) {
        aksCaPem = Buffer.from(caText, "base64").toString("utf8");
        if (!aksCaPem.includes("-----BEGIN CERTIFICATE-----")) {
            problems.push(`${APP_SETTING.aksCaBase64} must be a base64-encoded PEM certificate bundle`);
        }
    }

    const identityClientId = text(APP_SETTING.identityClientId) ?? "";
    if (identityClientId && !GUID.test(identityClientId)) {
        problems.push(`${APP_SETTING.identityClientId} must be the client id (GUID) of the function's user-assigned identity (got ${JSON.stringify(identityClientId)})`);
    }
    const armEndpoint = (text(APP_SETTING.armEndpoint, false) ?? ARM_PUBLIC_ENDPOINT).replace(/\/+$/, "");
    if (!/^https?:\/\/[^/\s]+$/.test(armEndpoint)) {
        problems.push(`${APP_SETTING.armEndpoint} must be a URL such as ${ARM_PUBLIC_ENDPOINT} (got ${JSON.stringify(armEndpoint)})`);
    } else {
        requireHttps(APP_SETTING.armEndpoint, armEndpoint, problems);
    }

    const notifyWebhookUrl = text(APP_SETTING.notifyWebhookUrl, false);
    if (notifyWebhookUrl !== undefined) {
        // The URL itself is a secret (it usually carries a token): never echoed.
        let url: URL | undefined;
        try {
            url = new URL(notifyWebhookUrl);
        } catch {
            url = undefined;
        }
        if (!url || !(url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK_HOSTS.includes(url.hostname.toLowerCase())))) {
            problems.push(`${APP_SETTING.notifyWebhookUrl} must be an https URL`);
        }
    }
    const humioClusterName = text(APP_SETTING.humioClusterName) ?? "";

    const config: AzureFunctionConfig = {
        failover: {
            namespace: text(APP_SETTING.namespace) ?? "",
            operatorDeployment: text(APP_SETTING.operatorDeployment) ?? "",
            humioClusterName,
            preFailoverFailureSeconds: seconds(APP_SETTING.preFailoverFailureSeconds, 0),
            cooldownSeconds: seconds(APP_SETTING.cooldownSeconds, 0),
            requireHealthySecondary,
            recheckIntervalSeconds: seconds(APP_SETTING.recheckIntervalSeconds, 1),
        },
        primaryEndpointId,
        secondaryAddress,
        secondaryPort,
        aksServer: aksServer.replace(/\/+$/, ""),
        aksCaPem,
        identityClientId,
        armEndpoint,
    };
    // Only when set, so a config survives appSettingsFor -> parseAppSettings unchanged; readers default to the HumioCluster's name.
    const clusterName = text(APP_SETTING.clusterName, false);
    if (clusterName !== undefined) {
        config.clusterName = clusterName;
    }
    if (notifyWebhookUrl !== undefined) {
        config.notifyWebhookUrl = notifyWebhookUrl;
    }
    for (const [name, field, min, max] of [[APP_SETTING.recoveryDeadlineMinutes, "recoveryDeadlineMinutes", 1, 240], [APP_SETTING.expectedFailoverSeconds, "expectedFailoverSeconds", 1, 86400]] as const) {
        const v = text(name, false);
        if (v === undefined) continue;
        if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) problems.push(`${name} must be a whole number from ${min} to ${max} (got ${JSON.stringify(v)})`);
        else config[field] = Number(v);
    }
    const gapText = text(APP_SETTING.holdoffGapSeconds, false);
    if (gapText !== undefined) {
        const { min, max } = HOLDOFF_GAP_RANGE_SECONDS;
        if (!/^\d+$/.test(gapText) || Number(gapText) < min || Number(gapText) > max) {
            problems.push(`${APP_SETTING.holdoffGapSeconds} must be a whole number of seconds from ${min} to ${max} (got ${JSON.stringify(gapText)})`);
        } else if (config.failover.recheckIntervalSeconds >= Number(gapText)) {
            // The waiting function's own readings would be too far apart to join
            // into one run, so a holdoff could only ever be met by the metric.
            problems.push(`${APP_SETTING.recheckIntervalSeconds} (${config.failover.recheckIntervalSeconds}) must be less than ${APP_SETTING.holdoffGapSeconds} (${gapText}), `
                + "so the function's readings while it waits join into one failing run");
        } else {
            config.holdoffGapSeconds = Number(gapText);
        }
    }
    if (problems.length > 0) {
        throw new Error(`invalid function app settings: ${problems.join("; ")}`);
    }
    return config;
}

const LOOPBACK_HOSTS: readonly string[] = ["127.0.0.1", "[::1]", "localhost"];

/**
 * The AKS API server and ARM receive the identity's bearer token on every
 * call, so a plain-http URL would hand it to anyone on the path. Plain http
 * is allowed for loopback hosts only: the test fakes listen on 127.0.0.1
 * without TLS, and a token sent to this machine does not leave it. (The
 * identity endpoint is no app setting: the platform sets IDENTITY_ENDPOINT.)
 */
function requireHttps(name: string, value: string, problems: string[]): void {
    let url: URL;
    try {
        url = new URL(value);
    } catch {
        problems.push(`${name} is not a URL (got ${JSON.stringify(value)})`);
        return;
    }
    if (url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK_HOSTS.includes(url.hostname.toLowerCase()))) {
        return;
    }
    problems.push(`${name} must be an https URL (got ${JSON.stringify(value)}): a bearer token travels on it`);
}
