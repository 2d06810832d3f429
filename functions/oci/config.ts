import type { FailoverSettings } from "../core/types";

/**
 * The function's configuration, passed as OCI Function config (which the
 * runtime exposes as environment variables). One table used both by the
 * Pulumi component that writes it and by the handler that reads it, so the
 * two cannot drift apart.
 */
export interface OciFunctionConfig {
    region: string;
    /** Compartment of the health-check monitors (their metrics live there). */
    compartmentId: string;
    clusterId: string;
    /** https://<private endpoint>:6443 of the standby's OKE cluster. */
    kubernetesServer: string;
    /** The cluster CA, PEM. */
    kubernetesCaPem: string;
    steeringPolicyId: string;
    primaryPool: string;
    primaryMonitorId: string;
    /** resultsUrl of the HTTPS monitor on the primary: its newest probe results say whether the primary answers now. */
    primaryResultsUrl: string;
    /** resultsUrl of the TCP monitor on the secondary's load balancer (the gate); empty: gate off. */
    secondaryResultsUrl: string;
    /** Seconds of probe results the gate looks at. */
    secondaryWindowSeconds: number;
    /** Seconds of metric history read to measure how long the primary has failed. */
    metricLookbackSeconds: number;
    /**
     * The alarm's repeatNotificationDuration in seconds; 0 when it does not
     * repeat. The repeat is the only thing that runs the function again on
     * OCI, so the function may promise a recheck only when this is above 0.
     */
    alarmRepeatSeconds: number;
    settings: Pick<FailoverSettings,
        "namespace" | "operatorDeployment" | "humioClusterName" | "preFailoverFailureSeconds" | "cooldownSeconds"
        | "requireHealthySecondary" | "recheckIntervalSeconds" | "waitBudgetSeconds">;
    /** The standby's cluster as people know it: the StandbyReady dimension and every message subject; default the HumioCluster's name. */
    clusterName?: string;
    /** People's ONS topic (never the one that invokes the function); absent: no messages. */
    notifyTopicId?: string;
    /** Minutes after the scale for LogScale to answer OK before "recovery not confirmed"; default 15. */
    recoveryDeadlineMinutes?: number;
    /** The model's failover total, compared with the measured one. */
    expectedFailoverSeconds?: number;
    /** Overrides of service endpoints (other realms, private endpoints); default https://<service>.<region>.oraclecloud.com. */
    endpoints?: { dns?: string; telemetry?: string; containerengine?: string; telemetryIngestion?: string; notification?: string };
}

/** OCI Functions limits the combined size of configuration keys and values to 4 KB. */
export const MAX_CONFIG_BYTES = 4096;

export const CONFIG_ENV = {
    region: "DR_REGION",
    compartmentId: "DR_COMPARTMENT_ID",
    clusterId: "DR_CLUSTER_ID",
    kubernetesServer: "DR_K8S_SERVER",
    kubernetesCaPem: "DR_K8S_CA_B64",
    steeringPolicyId: "DR_STEERING_POLICY_ID",
    primaryPool: "DR_PRIMARY_POOL",
    primaryMonitorId: "DR_PRIMARY_MONITOR_ID",
    primaryResultsUrl: "DR_PRIMARY_RESULTS_URL",
    secondaryResultsUrl: "DR_SECONDARY_RESULTS_URL",
    secondaryWindowSeconds: "DR_SECONDARY_WINDOW_SECONDS",
    metricLookbackSeconds: "DR_METRIC_LOOKBACK_SECONDS",
    alarmRepeatSeconds: "DR_ALARM_REPEAT_SECONDS",
    namespace: "DR_NAMESPACE",
    operatorDeployment: "DR_OPERATOR_DEPLOYMENT",
    humioClusterName: "DR_HUMIOCLUSTER",
    preFailoverFailureSeconds: "DR_HOLDOFF_SECONDS",
    cooldownSeconds: "DR_COOLDOWN_SECONDS",
    requireHealthySecondary: "DR_REQUIRE_HEALTHY_SECONDARY",
    recheckIntervalSeconds: "DR_RECHECK_SECONDS",
    waitBudgetSeconds: "DR_WAIT_BUDGET_SECONDS",
    dnsEndpoint: "DR_ENDPOINT_DNS",
    telemetryEndpoint: "DR_ENDPOINT_TELEMETRY",
    containerengineEndpoint: "DR_ENDPOINT_CONTAINERENGINE",
    telemetryIngestionEndpoint: "DR_ENDPOINT_TELEMETRY_INGESTION",
    notificationEndpoint: "DR_ENDPOINT_NOTIFICATION",
    clusterName: "DR_CLUSTER_NAME",
    notifyTopicId: "DR_NOTIFY_TOPIC_ID",
    recoveryDeadlineMinutes: "DR_RECOVERY_DEADLINE_MINUTES",
    expectedFailoverSeconds: "DR_EXPECTED_FAILOVER_SECONDS",
} as const;

/** Function config (all strings) from the typed config; throws when it would not fit in 4 KB. */
export function toFunctionConfig(c: OciFunctionConfig): Record<string, string> {
    const s = c.settings;
    const out: Record<string, string> = {
        [CONFIG_ENV.region]: c.region,
        [CONFIG_ENV.compartmentId]: c.compartmentId,
        [CONFIG_ENV.clusterId]: c.clusterId,
        [CONFIG_ENV.kubernetesServer]: c.kubernetesServer,
        [CONFIG_ENV.kubernetesCaPem]: Buffer.from(c.kubernetesCaPem, "utf8").toString("base64"),
        [CONFIG_ENV.steeringPolicyId]: c.steeringPolicyId,
        [CONFIG_ENV.primaryPool]: c.primaryPool,
        [CONFIG_ENV.primaryMonitorId]: c.primaryMonitorId,
        [CONFIG_ENV.primaryResultsUrl]: c.primaryResultsUrl,
        [CONFIG_ENV.secondaryResultsUrl]: c.secondaryResultsUrl,
        [CONFIG_ENV.secondaryWindowSeconds]: String(c.secondaryWindowSeconds),
        [CONFIG_ENV.metricLookbackSeconds]: String(c.metricLookbackSeconds),
        [CONFIG_ENV.alarmRepeatSeconds]: String(c.alarmRepeatSeconds),
        [CONFIG_ENV.namespace]: s.namespace,
        [CONFIG_ENV.operatorDeployment]: s.operatorDeployment,
        [CONFIG_ENV.humioClusterName]: s.humioClusterName,
        [CONFIG_ENV.preFailoverFailureSeconds]: String(s.preFailoverFailureSeconds),
        [CONFIG_ENV.cooldownSeconds]: String(s.cooldownSeconds),
        [CONFIG_ENV.requireHealthySecondary]: String(s.requireHealthySecondary),
        [CONFIG_ENV.recheckIntervalSeconds]: String(s.recheckIntervalSeconds),
        [CONFIG_ENV.waitBudgetSeconds]: String(s.waitBudgetSeconds),
    };
    if (c.endpoints?.dns) out[CONFIG_ENV.dnsEndpoint] = c.endpoints.dns;
    if (c.endpoints?.telemetry) out[CONFIG_ENV.telemetryEndpoint] = c.endpoints.telemetry;
    if (c.endpoints?.containerengine) out[CONFIG_ENV.containerengineEndpoint] = c.endpoints.containerengine;
    if (c.endpoints?.telemetryIngestion) out[CONFIG_ENV.telemetryIngestionEndpoint] = c.endpoints.telemetryIngestion;
    if (c.endpoints?.notification) out[CONFIG_ENV.notificationEndpoint] = c.endpoints.notification;
    if (c.clusterName) out[CONFIG_ENV.clusterName] = c.clusterName;
    if (c.notifyTopicId) out[CONFIG_ENV.notifyTopicId] = c.notifyTopicId;
    if (c.recoveryDeadlineMinutes !== undefined) out[CONFIG_ENV.recoveryDeadlineMinutes] = String(c.recoveryDeadlineMinutes);
    if (c.expectedFailoverSeconds !== undefined) out[CONFIG_ENV.expectedFailoverSeconds] = String(c.expectedFailoverSeconds);
    const size = Object.entries(out).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
    if (size > MAX_CONFIG_BYTES) {
        throw new Error(`OCI function config is ${size} bytes; OCI Functions allows ${MAX_CONFIG_BYTES} bytes of configuration`);
    }
    return out;
}

/**
 * Hosts on which plain http is accepted for the endpoints below: the test
 * fakes serve http on 127.0.0.1, and a loopback connection never leaves the
 * machine, so nothing on it can be read or replayed by a third party.
 */
export function isLoopbackHost(hostname: string): boolean {
    return hostname === "127.0.0.1" || hostname === "localhost" || hostname === "::1" || hostname === "[::1]";
}

/** What travels on each endpoint the function calls, for the https error. */
const CARRIES = {
    signed: "a signed OCI request travels on it",
    bearer: "the OKE bearer token travels on it",
} as const;

/**
 * Reads the config back in the function. Every problem is reported at once,
 * naming the variable and what it must be, so a broken deployment says what
 * to fix in one log line instead of failing on the first call.
 */
export function fromFunctionEnv(env: Record<string, string | undefined>): OciFunctionConfig {
    const problems: string[] = [];
    const str = (key: string, pattern?: RegExp, what?: string): string => {
        const v = env[key];
        if (v === undefined || v === "") {
            problems.push(`${key} is not set${what ? ` (${what})` : ""}`);
            return "";
        }
        if (pattern && !pattern.test(v)) problems.push(`${key}=${JSON.stringify(v)} is not ${what}`);
        return v;
    };
    const int = (key: string, min: number): number => {
        const v = env[key];
        if (v === undefined || !/^\d+$/.test(v) || Number(v) < min) {
            problems.push(`${key}=${JSON.stringify(v)} must be an integer >= ${min}`);
            return min;
        }
        return Number(v);
    };
    const bool = (key: string): boolean => {
        const v = env[key];
        if (v !== "true" && v !== "false") problems.push(`${key}=${JSON.stringify(v)} must be true or false`);
        return v === "true";
    };
    const ocid = (kind: string) => new RegExp(`^ocid1\\.${kind}\\.`);
    const url = /^https?:\/\/[^\s]+$/;
    // A signature or token sent over plain http can be captured and replayed
    // (a signature stays valid for minutes, the OKE token for its lifetime),
    // so every endpoint is https except on loopback (isLoopbackHost).
    const requireHttps = (key: string, v: string, carries: string): void => {
        if (!url.test(v)) return;
        let parsed: URL;
        try {
            parsed = new URL(v);
        } catch {
            problems.push(`${key}=${JSON.stringify(v)} is not a URL`);
            return;
        }
        if (parsed.protocol === "https:" || (parsed.protocol === "http:" && isLoopbackHost(parsed.hostname))) return;
        problems.push(`${key}=${JSON.stringify(v)} must be https: ${carries} (plain http is accepted for loopback test servers only)`);
    };

    const caB64 = str(CONFIG_ENV.kubernetesCaPem, /^[A-Za-z0-9+/=]+$/, "the base64 of the cluster CA PEM");
    const caPem = caB64 ? Buffer.from(caB64, "base64").toString("utf8") : "";
    if (caB64 && !caPem.includes("-----BEGIN CERTIFICATE-----")) problems.push(`${CONFIG_ENV.kubernetesCaPem} does not decode to a PEM certificate`);
    const requireHealthySecondary = bool(CONFIG_ENV.requireHealthySecondary);
    const secondaryResultsUrl = env[CONFIG_ENV.secondaryResultsUrl] ?? "";
    if (requireHealthySecondary && !url.test(secondaryResultsUrl)) {
        problems.push(`${CONFIG_ENV.secondaryResultsUrl} must be the secondary monitor's results URL when ${CONFIG_ENV.requireHealthySecondary} is true`);
    }
    requireHttps(CONFIG_ENV.secondaryResultsUrl, secondaryResultsUrl, CARRIES.signed);
    const optionalUrl = (key: string, carries: string): string | undefined => {
        const v = env[key];
        if (v === undefined || v === "") return undefined;
        if (!url.test(v)) problems.push(`${key}=${JSON.stringify(v)} must be an https URL`);
        requireHttps(key, v, carries);
        return v;
    };
    const httpsUrl = (key: string, carries: string, what: string): string => {
        const v = str(key, url, what);
        requireHttps(key, v, carries);
        return v;
    };

    const cfg: OciFunctionConfig = {
        region: str(CONFIG_ENV.region, /^[a-z]{2}-[a-z]+-\d$/, "an OCI region identifier such as us-ashburn-1"),
        compartmentId: str(CONFIG_ENV.compartmentId, /^ocid1\.(compartment|tenancy)\./, "a compartment OCID"),
        clusterId: str(CONFIG_ENV.clusterId, ocid("cluster"), "a cluster OCID"),
        kubernetesServer: httpsUrl(CONFIG_ENV.kubernetesServer, CARRIES.bearer, "the API server URL"),
        kubernetesCaPem: caPem,
        steeringPolicyId: str(CONFIG_ENV.steeringPolicyId, /^ocid1\.[a-z0-9-]+\./, "a steering policy OCID"),
        primaryPool: str(CONFIG_ENV.primaryPool, /^[A-Za-z0-9_-]+$/, "a pool name"),
        primaryMonitorId: str(CONFIG_ENV.primaryMonitorId, /^ocid1\.[a-z0-9]+\./, "a health-check monitor OCID"),
        primaryResultsUrl: httpsUrl(CONFIG_ENV.primaryResultsUrl, CARRIES.signed, "the primary HTTPS monitor's results URL"),
        secondaryResultsUrl,
        secondaryWindowSeconds: int(CONFIG_ENV.secondaryWindowSeconds, 30),
        metricLookbackSeconds: int(CONFIG_ENV.metricLookbackSeconds, 300),
        alarmRepeatSeconds: int(CONFIG_ENV.alarmRepeatSeconds, 0),
        settings: {
            namespace: str(CONFIG_ENV.namespace, /^[a-z0-9-]+$/, "a namespace name"),
            operatorDeployment: str(CONFIG_ENV.operatorDeployment, /^[a-z0-9.-]+$/, "a Deployment name"),
            humioClusterName: str(CONFIG_ENV.humioClusterName, /^[a-z0-9.-]+$/, "a HumioCluster name"),
            preFailoverFailureSeconds: int(CONFIG_ENV.preFailoverFailureSeconds, 0),
            cooldownSeconds: int(CONFIG_ENV.cooldownSeconds, 0),
            requireHealthySecondary,
            recheckIntervalSeconds: int(CONFIG_ENV.recheckIntervalSeconds, 1),
            waitBudgetSeconds: int(CONFIG_ENV.waitBudgetSeconds, 0),
        },
        endpoints: {
            dns: optionalUrl(CONFIG_ENV.dnsEndpoint, CARRIES.signed),
            telemetry: optionalUrl(CONFIG_ENV.telemetryEndpoint, CARRIES.signed),
            containerengine: optionalUrl(CONFIG_ENV.containerengineEndpoint, "the OKE bearer token is a request signed for this host"),
        },
    };
    // Present only when set, so a config survives toFunctionConfig -> fromFunctionEnv unchanged.
    const telemetryIngestion = optionalUrl(CONFIG_ENV.telemetryIngestionEndpoint, CARRIES.signed);
    if (telemetryIngestion !== undefined) cfg.endpoints!.telemetryIngestion = telemetryIngestion;
    const notification = optionalUrl(CONFIG_ENV.notificationEndpoint, CARRIES.signed);
    if (notification !== undefined) cfg.endpoints!.notification = notification;
    const clusterName = env[CONFIG_ENV.clusterName];
    if (clusterName !== undefined && clusterName !== "") {
        if (!/^[A-Za-z0-9._-]{1,100}$/.test(clusterName)) problems.push(`${CONFIG_ENV.clusterName}=${JSON.stringify(clusterName)} must be 1-100 letters, digits, '.', '_' or '-'`);
        cfg.clusterName = clusterName;
    }
    for (const [key, field, min, max] of [[CONFIG_ENV.recoveryDeadlineMinutes, "recoveryDeadlineMinutes", 1, 240], [CONFIG_ENV.expectedFailoverSeconds, "expectedFailoverSeconds", 1, 86400]] as const) {
        const v = env[key];
        if (v === undefined || v === "") continue;
        if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) problems.push(`${key}=${JSON.stringify(v)} must be an integer from ${min} to ${max}`);
        else cfg[field] = Number(v);
    }
    const topic = env[CONFIG_ENV.notifyTopicId];
    if (topic !== undefined && topic !== "") {
        if (!/^ocid1\.onstopic\./.test(topic)) problems.push(`${CONFIG_ENV.notifyTopicId}=${JSON.stringify(topic)} is not a Notifications topic OCID (ocid1.onstopic....)`);
        cfg.notifyTopicId = topic;
    }
    if (problems.length > 0) throw new Error(`invalid function configuration: ${problems.join("; ")}`);
    return cfg;
}
