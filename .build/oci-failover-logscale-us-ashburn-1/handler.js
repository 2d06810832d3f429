exports.handler = __f0;

var __clock_1 = {systemClock: __systemClock};
var __LEVEL_ORDER = {debug: 10, info: 20, warn: 30, error: 40};
var __f1_prototype = Object.create(global.Error.prototype);
Object.defineProperty(__f1_prototype, "constructor", { configurable: true, writable: true, value: __f1 });
Object.defineProperty(__f1_prototype, "toJSON", { configurable: true, writable: true, value: __f2 });
Object.defineProperty(__f1, "prototype", { value: __f1_prototype });
Object.setPrototypeOf(__f1, global.Error);
var __types_1 = {RemoteError: __f1};
var __log_1 = {jsonLogger: __jsonLogger};
var __config_1 = {};
__config_1.fromFunctionEnv = __fromFunctionEnv;
var __config_1_CONFIG_ENV = {kubernetesCaPem: "DR_K8S_CA_B64", requireHealthySecondary: "DR_REQUIRE_HEALTHY_SECONDARY", secondaryResultsUrl: "DR_SECONDARY_RESULTS_URL", region: "DR_REGION", compartmentId: "DR_COMPARTMENT_ID", clusterId: "DR_CLUSTER_ID", kubernetesServer: "DR_K8S_SERVER", steeringPolicyId: "DR_STEERING_POLICY_ID", primaryPool: "DR_PRIMARY_POOL", primaryMonitorId: "DR_PRIMARY_MONITOR_ID", secondaryWindowSeconds: "DR_SECONDARY_WINDOW_SECONDS", metricLookbackSeconds: "DR_METRIC_LOOKBACK_SECONDS", namespace: "DR_NAMESPACE", operatorDeployment: "DR_OPERATOR_DEPLOYMENT", humioClusterName: "DR_HUMIOCLUSTER", preFailoverFailureSeconds: "DR_HOLDOFF_SECONDS", cooldownSeconds: "DR_COOLDOWN_SECONDS", recheckIntervalSeconds: "DR_RECHECK_SECONDS", waitBudgetSeconds: "DR_WAIT_BUDGET_SECONDS", dnsEndpoint: "DR_ENDPOINT_DNS", telemetryEndpoint: "DR_ENDPOINT_TELEMETRY", containerengineEndpoint: "DR_ENDPOINT_CONTAINERENGINE"};
__config_1.CONFIG_ENV = __config_1_CONFIG_ENV;
var __BODY_METHODS = ["POST", "PUT", "PATCH"];
var __signer_1 = {resourcePrincipal: __resourcePrincipal, signRequest: __signRequest};
var __f3_prototype = {};
Object.defineProperty(__f3_prototype, "constructor", { configurable: true, writable: true, value: __f3 });
var __health_1 = {};
__health_1.healthQuery = __healthQuery;
__health_1.primaryHealthFromMetrics = __primaryHealthFromMetrics;
var __health_1_DEFAULT_WINDOW = {resolutionSeconds: 60, staleAfterSeconds: 300};
__health_1.DEFAULT_WINDOW = __health_1_DEFAULT_WINDOW;
__health_1.UNHEALTHY_BELOW = 0.5;
__health_1.secondaryHealthyFromProbes = __secondaryHealthyFromProbes;
var __retry_1 = {};
__retry_1.isRetryableStatus = __isRetryableStatus;
__retry_1.validateRetryPolicy = __validateRetryPolicy;
var __retry_1_DEFAULT_RETRY = {maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 5000};
__retry_1.DEFAULT_RETRY = __retry_1_DEFAULT_RETRY;
__retry_1.withRetry = __withRetry;
__retry_1.errorMessage = __errorMessage;
var __http_1 = {ociRequest: __ociRequest, ociError: __ociError, parseJson: __parseJson, ociBadAnswer: __ociBadAnswer};
Object.defineProperty(__f3_prototype, "primaryHealth", { configurable: true, writable: true, value: __f4 });
Object.defineProperty(__f3_prototype, "secondaryHealthy", { configurable: true, writable: true, value: __f5 });
Object.defineProperty(__f3_prototype, "lastFailoverEpoch", { configurable: true, writable: true, value: __f6 });
Object.defineProperty(__f3_prototype, "recordFailover", { configurable: true, writable: true, value: __f7 });
Object.setPrototypeOf(__f9, global.Error);
var __lock_1 = {planLock: __planLock, LockRefused: __f9};
Object.defineProperty(__f3_prototype, "lockDns", { configurable: true, writable: true, value: __f8 });
Object.defineProperty(__f3_prototype, "scheduleRecheck", { configurable: true, writable: true, value: __f10 });
Object.defineProperty(__f3, "prototype", { value: __f3_prototype });
var __platform_1 = {defaultEndpoints: __defaultEndpoints, OciPlatform: __f3, COOLDOWN_ANNOTATION: "logscale.dr/last-failover-epoch"};
var __f11_prototype = {};
Object.defineProperty(__f11_prototype, "constructor", { configurable: true, writable: true, value: __f11 });
var __CERTIFICATE_ERRORS = ["DEPTH_ZERO_SELF_SIGNED_CERT", "SELF_SIGNED_CERT_IN_CHAIN", "UNABLE_TO_VERIFY_LEAF_SIGNATURE", "UNABLE_TO_GET_ISSUER_CERT", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "CERT_HAS_EXPIRED", "CERT_NOT_YET_VALID", "CERT_SIGNATURE_FAILURE", "CERT_UNTRUSTED", "CERT_REJECTED", "ERR_TLS_CERT_ALTNAME_INVALID"];
var __0_http_1 = {httpError: __httpError, badAnswer: __badAnswer, kubeRequest: __kubeRequest};
Object.defineProperty(__f11_prototype, "getDeploymentReplicas", { configurable: true, writable: true, value: __f12 });
Object.defineProperty(__f11_prototype, "scaleDeployment", { configurable: true, writable: true, value: __f13 });
Object.defineProperty(__f11_prototype, "scaleDeploymentFrom", { configurable: true, writable: true, value: __f14 });
Object.defineProperty(__f11_prototype, "getDeploymentAnnotation", { configurable: true, writable: true, value: __f15 });
Object.defineProperty(__f11_prototype, "annotateDeployment", { configurable: true, writable: true, value: __f16 });
Object.defineProperty(__f11_prototype, "getSecretMeta", { configurable: true, writable: true, value: __f17 });
Object.defineProperty(__f11_prototype, "deleteSecret", { configurable: true, writable: true, value: __f18 });
Object.defineProperty(__f11_prototype, "close", { configurable: true, writable: true, value: __f19 });
Object.defineProperty(__f11_prototype, "req", { configurable: true, writable: true, value: __f20 });
Object.defineProperty(__f11_prototype, "send", { configurable: true, writable: true, value: __f21 });
Object.defineProperty(__f11_prototype, "connection", { configurable: true, writable: true, value: __f22 });
Object.defineProperty(__f11_prototype, "agentFor", { configurable: true, writable: true, value: __f23 });
Object.defineProperty(__f11, "prototype", { value: __f11_prototype });
var __client_1 = {KubeClient: __f11};
var __oke_1 = {okeToken: __okeToken};
var __decide_1 = {validateSettings: __validateSettings, judge: __judge, tlsSecretIsStale: __tlsSecretIsStale, TLS_SECRET_CLOCK_SKEW_MS: 2000};
var __failover_1 = {runFailover: __runFailover};
var __handler_1 = {main: __main};
const path = require("path/posix");
const http = require("http");
const fs = require("fs");

function __serveFn(__0, __1) {
  return (function() {
    with({ serveFn: __serveFn, this: undefined, arguments: undefined }) {

return function /*serveFn*/(handle, env) {
    const listener = env.FN_LISTENER;
    if ((env.FN_FORMAT ?? "http-stream") !== "http-stream")
        throw new Error(`FN_FORMAT ${env.FN_FORMAT} is not supported; expected http-stream`);
    if (!listener || !listener.startsWith("unix:"))
        throw new Error(`FN_LISTENER must be unix:<path>, got ${JSON.stringify(listener)}`);
    const socketPath = listener.slice("unix:".length);
    const phonyName = `${path.basename(socketPath)}.tmp`;
    const phonyPath = path.join(path.dirname(socketPath), phonyName);
    const version = `fdk-node/0.0.0-logscale-dr (njsv=${process.version})`;
    const server = http.createServer((req, res) => {
        if (req.method !== "POST" || req.url !== "/call") {
            res.writeHead(400, { "content-type": "application/json", "Fn-Fdk-Version": version });
            res.end(JSON.stringify({ message: "Invalid method", detail: `${req.method} ${req.url}` }));
            return;
        }
        const chunks = [];
        req.on("data", (c) => chunks.push(c));
        req.on("end", () => {
            handle(Buffer.concat(chunks).toString("utf8")).then(result => {
                res.writeHead(200, { "content-type": "application/json", "Fn-Fdk-Version": version });
                res.end(JSON.stringify(result));
            }, err => {
                process.stderr.write(`failover handler failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
                res.writeHead(502, { "content-type": "application/json", "Fn-Fdk-Version": version });
                res.end(JSON.stringify({ message: "Exception in function, consult logs for details", detail: String(err) }));
            });
        });
    });
    server.keepAliveTimeout = 0;
    server.listen(phonyPath, () => {
        fs.chmodSync(phonyPath, 0o666);
        fs.symlinkSync(phonyName, socketPath);
    });
    server.on("error", err => {
        process.stderr.write(`cannot listen on ${phonyPath}: ${err.message}\n`);
        process.exit(3);
    });
    return server;
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __systemClock() {
  return (function() {
    with({ systemClock: __systemClock, this: undefined, arguments: undefined }) {

return function /*systemClock*/() {
    return {
        now: () => Date.now(),
        sleep: (ms) => new Promise(resolve => { setTimeout(resolve, ms); }),
    };
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __f1(__0, __1, __2, __3) {
  return (function() {
    with({ __super: global.Error, this: undefined, arguments: undefined }) {

return function /*constructor*/(message, 
/** HTTP status, or undefined for connection errors and timeouts. */
status, retryable, call) {
    __super.call(this, message);
    this.status = status;
    this.retryable = retryable;
    this.call = call;
    this.message = message;
    this.name = "RemoteError";
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __f2() {
  return (function() {
    with({ __super: global.Error, this: undefined, arguments: undefined }) {

return function /*toJSON*/() {
    return { name: this.name, message: this.message, status: this.status, retryable: this.retryable, call: this.call };
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __describeError(__0) {
  return (function() {
    with({ types_1: __types_1, describeError: __describeError, this: undefined, arguments: undefined }) {

return function /*describeError*/(err) {
    if (err instanceof types_1.RemoteError) {
        return { name: err.name, message: err.message, status: err.status, retryable: err.retryable, call: err.call };
    }
    if (err instanceof Error) {
        return { name: err.name, message: err.message };
    }
    return { message: String(err) };
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __safeStringify(__0) {
  return (function() {
    with({ safeStringify: __safeStringify, this: undefined, arguments: undefined }) {

return function /*safeStringify*/(value) {
    try {
        return JSON.stringify(value);
    }
    catch {
        // A circular field must not cost the log line itself.
        const seen = new WeakSet();
        return JSON.stringify(value, (_key, v) => {
            if (typeof v === "object" && v !== null) {
                if (seen.has(v)) {
                    return "[circular]";
                }
                seen.add(v);
            }
            return v;
        });
    }
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __jsonLogger() {
  return (function() {
    with({ LEVEL_ORDER: __LEVEL_ORDER, describeError: __describeError, safeStringify: __safeStringify, jsonLogger: __jsonLogger, this: undefined, arguments: undefined }) {

return function /*jsonLogger*/(options = {}) {
    const write = options.write ?? ((line) => { process.stdout.write(line + "\n"); });
    const now = options.now ?? (() => Date.now());
    const min = LEVEL_ORDER[options.minLevel ?? "info"];
    const base = options.base ?? {};
    return (level, event, fields) => {
        if (LEVEL_ORDER[level] < min) {
            return;
        }
        const line = { ts: new Date(now()).toISOString(), level, event, ...base };
        for (const [key, value] of Object.entries(fields ?? {})) {
            line[key] = value instanceof Error ? describeError(value) : value;
        }
        write(safeStringify(line));
    };
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __summarizeNotification(__0) {
  return (function() {
    with({ summarizeNotification: __summarizeNotification, this: undefined, arguments: undefined }) {

return function /*summarizeNotification*/(body) {
    try {
        const m = JSON.parse(body);
        return { type: m.type, title: m.title, dedupeKey: m.dedupeKey, timestamp: m.timestampEpochMillis };
    }
    catch {
        return { bodyBytes: Buffer.byteLength(body) };
    }
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __fromFunctionEnv(__0) {
  return (function() {
    with({ exports: __config_1, fromFunctionEnv: __fromFunctionEnv, this: undefined, arguments: undefined }) {

return function /*fromFunctionEnv*/(env) {
    const problems = [];
    const str = (key, pattern, what) => {
        const v = env[key];
        if (v === undefined || v === "") {
            problems.push(`${key} is not set${what ? ` (${what})` : ""}`);
            return "";
        }
        if (pattern && !pattern.test(v))
            problems.push(`${key}=${JSON.stringify(v)} is not ${what}`);
        return v;
    };
    const int = (key, min) => {
        const v = env[key];
        if (v === undefined || !/^\d+$/.test(v) || Number(v) < min) {
            problems.push(`${key}=${JSON.stringify(v)} must be an integer >= ${min}`);
            return min;
        }
        return Number(v);
    };
    const bool = (key) => {
        const v = env[key];
        if (v !== "true" && v !== "false")
            problems.push(`${key}=${JSON.stringify(v)} must be true or false`);
        return v === "true";
    };
    const ocid = (kind) => new RegExp(`^ocid1\\.${kind}\\.`);
    const url = /^https?:\/\/[^\s]+$/;
    const caB64 = str(exports.CONFIG_ENV.kubernetesCaPem, /^[A-Za-z0-9+/=]+$/, "the base64 of the cluster CA PEM");
    const caPem = caB64 ? Buffer.from(caB64, "base64").toString("utf8") : "";
    if (caB64 && !caPem.includes("-----BEGIN CERTIFICATE-----"))
        problems.push(`${exports.CONFIG_ENV.kubernetesCaPem} does not decode to a PEM certificate`);
    const requireHealthySecondary = bool(exports.CONFIG_ENV.requireHealthySecondary);
    const secondaryResultsUrl = env[exports.CONFIG_ENV.secondaryResultsUrl] ?? "";
    if (requireHealthySecondary && !url.test(secondaryResultsUrl)) {
        problems.push(`${exports.CONFIG_ENV.secondaryResultsUrl} must be the secondary monitor's results URL when ${exports.CONFIG_ENV.requireHealthySecondary} is true`);
    }
    const optionalUrl = (key) => {
        const v = env[key];
        if (v === undefined || v === "")
            return undefined;
        if (!url.test(v))
            problems.push(`${key}=${JSON.stringify(v)} must be an http(s) URL`);
        return v;
    };
    const cfg = {
        region: str(exports.CONFIG_ENV.region, /^[a-z]{2}-[a-z]+-\d$/, "an OCI region identifier such as us-ashburn-1"),
        compartmentId: str(exports.CONFIG_ENV.compartmentId, /^ocid1\.(compartment|tenancy)\./, "a compartment OCID"),
        clusterId: str(exports.CONFIG_ENV.clusterId, ocid("cluster"), "a cluster OCID"),
        kubernetesServer: str(exports.CONFIG_ENV.kubernetesServer, url, "the API server URL"),
        kubernetesCaPem: caPem,
        steeringPolicyId: str(exports.CONFIG_ENV.steeringPolicyId, /^ocid1\.[a-z0-9-]+\./, "a steering policy OCID"),
        primaryPool: str(exports.CONFIG_ENV.primaryPool, /^[A-Za-z0-9_-]+$/, "a pool name"),
        primaryMonitorId: str(exports.CONFIG_ENV.primaryMonitorId, /^ocid1\.[a-z0-9]+\./, "a health-check monitor OCID"),
        secondaryResultsUrl,
        secondaryWindowSeconds: int(exports.CONFIG_ENV.secondaryWindowSeconds, 30),
        metricLookbackSeconds: int(exports.CONFIG_ENV.metricLookbackSeconds, 300),
        settings: {
            namespace: str(exports.CONFIG_ENV.namespace, /^[a-z0-9-]+$/, "a namespace name"),
            operatorDeployment: str(exports.CONFIG_ENV.operatorDeployment, /^[a-z0-9.-]+$/, "a Deployment name"),
            humioClusterName: str(exports.CONFIG_ENV.humioClusterName, /^[a-z0-9.-]+$/, "a HumioCluster name"),
            preFailoverFailureSeconds: int(exports.CONFIG_ENV.preFailoverFailureSeconds, 0),
            cooldownSeconds: int(exports.CONFIG_ENV.cooldownSeconds, 0),
            requireHealthySecondary,
            recheckIntervalSeconds: int(exports.CONFIG_ENV.recheckIntervalSeconds, 1),
            waitBudgetSeconds: int(exports.CONFIG_ENV.waitBudgetSeconds, 0),
        },
        endpoints: {
            dns: optionalUrl(exports.CONFIG_ENV.dnsEndpoint),
            telemetry: optionalUrl(exports.CONFIG_ENV.telemetryEndpoint),
            containerengine: optionalUrl(exports.CONFIG_ENV.containerengineEndpoint),
        },
    };
    if (problems.length > 0)
        throw new Error(`invalid function configuration: ${problems.join("; ")}`);
    return cfg;
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}
const crypto = require("crypto");

function __resourcePrincipal(__0) {
  return (function() {
    with({ resourcePrincipal: __resourcePrincipal, this: undefined, arguments: undefined }) {

return function /*resourcePrincipal*/(env, readFile = p => fs.readFileSync(p, "utf8")) {
    const version = env.OCI_RESOURCE_PRINCIPAL_VERSION;
    if (version !== "2.2") {
        throw new Error(`resource principal: OCI_RESOURCE_PRINCIPAL_VERSION is ${JSON.stringify(version)}; this function supports 2.2 (OCI Functions)`);
    }
    const valueOrFile = (name, required) => {
        const v = env[name];
        if (v === undefined || v === "") {
            if (required)
                throw new Error(`resource principal: ${name} is not set`);
            return undefined;
        }
        return v.startsWith("/") ? readFile(v).trim() : v;
    };
    const rpst = valueOrFile("OCI_RESOURCE_PRINCIPAL_RPST", true);
    const pem = valueOrFile("OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM", true);
    const passphrase = valueOrFile("OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM_PASSPHRASE", false);
    const region = env.OCI_RESOURCE_PRINCIPAL_REGION;
    if (!region)
        throw new Error("resource principal: OCI_RESOURCE_PRINCIPAL_REGION is not set");
    const privateKey = crypto.createPrivateKey(passphrase ? { key: pem, format: "pem", passphrase } : { key: pem, format: "pem" });
    return { keyId: `ST$${rpst}`, privateKey, region };
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __signingHeaderNames(__0) {
  return (function() {
    with({ BODY_METHODS: __BODY_METHODS, signingHeaderNames: __signingHeaderNames, this: undefined, arguments: undefined }) {

return function /*signingHeaderNames*/(method) {
    const base = ["date", "(request-target)", "host"];
    return BODY_METHODS.includes(method.toUpperCase()) ? [...base, "content-length", "content-type", "x-content-sha256"] : base;
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __signRequest(__0, __1) {
  return (function() {
    with({ BODY_METHODS: __BODY_METHODS, signingHeaderNames: __signingHeaderNames, signRequest: __signRequest, this: undefined, arguments: undefined }) {

return function /*signRequest*/(req, creds, now = new Date()) {
    const url = new URL(req.url);
    const method = req.method.toUpperCase();
    const headers = {};
    for (const [k, v] of Object.entries(req.headers ?? {}))
        headers[k.toLowerCase()] = v;
    headers.date = headers.date ?? now.toUTCString();
    headers.host = url.host;
    if (BODY_METHODS.includes(method)) {
        const body = Buffer.from(req.body ?? "", "utf8");
        headers["content-type"] = headers["content-type"] ?? "application/json";
        headers["content-length"] = String(body.length);
        headers["x-content-sha256"] = crypto.createHash("sha256").update(body).digest("base64");
    }
    const names = signingHeaderNames(method);
    const target = `${method.toLowerCase()} ${url.pathname}${url.search}`;
    const signingString = names.map(n => `${n}: ${n === "(request-target)" ? target : headers[n]}`).join("\n");
    const signature = crypto.sign("sha256", Buffer.from(signingString, "utf8"), creds.privateKey).toString("base64");
    headers.authorization =
        `Signature version="1",keyId="${creds.keyId}",algorithm="rsa-sha256",headers="${names.join(" ")}",signature="${signature}"`;
    return headers;
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __defaultEndpoints(__0) {
  return (function() {
    with({ defaultEndpoints: __defaultEndpoints, this: undefined, arguments: undefined }) {

return function /*defaultEndpoints*/(region, realmDomain = "oraclecloud.com") {
    return {
        dns: `https://dns.${region}.${realmDomain}`,
        telemetry: `https://telemetry.${region}.${realmDomain}`,
        containerengine: `https://containerengine.${region}.${realmDomain}`,
    };
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __f3(__0, __1, __2, __3, __4) {
  return (function() {
    with({ this: undefined, arguments: undefined }) {

return function /*constructor*/(target, credentials, k8s, clock, log) {
        this.target = target;
        this.credentials = credentials;
        this.k8s = k8s;
        this.clock = clock;
        this.log = log;
    };

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __healthQuery(__0) {
  return (function() {
    with({ healthQuery: __healthQuery, this: undefined, arguments: undefined }) {

return function /*healthQuery*/(monitorId) {
    if (!/^ocid1\.[a-z0-9]+\./.test(monitorId) || /["\\]/.test(monitorId)) {
        throw new Error(`health query: "${monitorId}" is not an OCID`);
    }
    return `HTTP.isHealthy[1m]{resourceId = "${monitorId}"}.grouping().mean()`;
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __primaryHealthFromMetrics(__0, __1) {
  return (function() {
    with({ exports: __health_1, primaryHealthFromMetrics: __primaryHealthFromMetrics, this: undefined, arguments: undefined }) {

return function /*primaryHealthFromMetrics*/(points, nowMs, window = exports.DEFAULT_WINDOW) {
    const parsed = points
        .map(p => ({ t: Date.parse(p.timestamp), v: p.value }))
        .filter(p => Number.isFinite(p.t) && typeof p.v === "number" && Number.isFinite(p.v))
        .sort((a, b) => b.t - a.t);
    if (parsed.length === 0) {
        throw new Error("no HTTP.isHealthy datapoints for the primary's monitor in the query window; not deciding on missing data");
    }
    const ageSeconds = Math.round((nowMs - parsed[0].t) / 1000);
    if (ageSeconds > window.staleAfterSeconds) {
        throw new Error(`the newest HTTP.isHealthy datapoint is ${ageSeconds}s old (limit ${window.staleAfterSeconds}s); not deciding on stale data`);
    }
    if (parsed[0].v >= exports.UNHEALTHY_BELOW) {
        return { healthy: true, failingForSeconds: 0, detail: `healthy fraction ${parsed[0].v} at ${new Date(parsed[0].t).toISOString()}` };
    }
    let count = 0;
    let previous = parsed[0].t;
    for (const p of parsed) {
        // A gap in the series breaks the run: an unobserved minute is not a failed one.
        if (previous - p.t > window.resolutionSeconds * 1000 * 1.5)
            break;
        if (p.v >= exports.UNHEALTHY_BELOW)
            break;
        count++;
        previous = p.t;
    }
    return {
        healthy: false,
        failingForSeconds: count * window.resolutionSeconds,
        detail: `${count} consecutive minute(s) with healthy fraction < ${exports.UNHEALTHY_BELOW}, newest ${parsed[0].v} at ${new Date(parsed[0].t).toISOString()}`,
    };
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __secondaryHealthyFromProbes(__0, __1, __2) {
  return (function() {
    with({ secondaryHealthyFromProbes: __secondaryHealthyFromProbes, this: undefined, arguments: undefined }) {

return function /*secondaryHealthyFromProbes*/(results, nowMs, windowSeconds) {
    const recent = results.filter(r => typeof r.startTime === "number" && nowMs - r.startTime <= windowSeconds * 1000);
    if (recent.length === 0) {
        throw new Error(`no probe results for the secondary's monitor in the last ${windowSeconds}s; cannot confirm the secondary is reachable`);
    }
    const newest = new Map();
    for (const r of recent) {
        const key = r.vantagePointName ?? "(unnamed)";
        const cur = newest.get(key);
        if (!cur || r.startTime > cur.startTime)
            newest.set(key, r);
    }
    const all = [...newest.values()];
    const ok = all.filter(r => r.isHealthy === true).length;
    return { healthy: ok * 2 > all.length, detail: `${ok}/${all.length} vantage points reach the secondary` };
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __isLoopback(__0) {
  return (function() {
    with({ isLoopback: __isLoopback, this: undefined, arguments: undefined }) {

return function /*isLoopback*/(host) {
    return host === "127.0.0.1" || host === "localhost" || host === "[::1]" || host === "::1";
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}
const https = require("https");

function __ociRequest(__0, __1) {
  return (function() {
    with({ isLoopback: __isLoopback, types_1: __types_1, signer_1: __signer_1, MAX_RESPONSE_BYTES: 4194304, ociRequest: __ociRequest, this: undefined, arguments: undefined }) {

return async function /*ociRequest*/(credentials, req) {
    const url = new URL(req.url);
    const isHttps = url.protocol === "https:";
    if (!isHttps && !(url.protocol === "http:" && isLoopback(url.hostname))) {
        throw new types_1.RemoteError(`${req.call}: endpoint ${req.url} must be https:// (http:// only on a loopback test server)`, undefined, false, req.call);
    }
    let creds;
    try {
        creds = credentials();
    }
    catch (err) {
        throw new types_1.RemoteError(`${req.call}: no credentials to sign with: ${err.message}`, undefined, false, req.call);
    }
    const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
    const headers = (0, signer_1.signRequest)({ method: req.method, url: req.url, body: payload, headers: { accept: "application/json", ...req.headers } }, creds);
    const options = {
        method: req.method,
        hostname: url.hostname.replace(/^\[|\]$/g, ""),
        port: url.port || (isHttps ? 443 : 80),
        path: url.pathname + url.search,
        headers,
    };
    return new Promise((resolve, reject) => {
        // Declared before the callbacks that clear it (the closure serializer rejects a use before the declaration).
        let timer = undefined;
        let settled = false;
        const fail = (message) => {
            if (!settled) {
                settled = true;
                clearTimeout(timer);
                reject(new types_1.RemoteError(`${req.call} ${req.method} ${url.pathname}: ${message}`, undefined, true, req.call));
            }
        };
        const request = (isHttps ? https : http).request(options, res => {
            const chunks = [];
            let size = 0;
            res.on("data", (chunk) => {
                size += chunk.length;
                if (size > MAX_RESPONSE_BYTES) {
                    request.destroy(new Error(`response larger than ${MAX_RESPONSE_BYTES} bytes`));
                    return;
                }
                chunks.push(chunk);
            });
            res.on("end", () => {
                if (!settled) {
                    settled = true;
                    clearTimeout(timer);
                    const h = {};
                    for (const [k, v] of Object.entries(res.headers))
                        if (v !== undefined)
                            h[k] = Array.isArray(v) ? v.join(", ") : v;
                    resolve({ status: res.statusCode ?? 0, headers: h, body: Buffer.concat(chunks).toString("utf8") });
                }
            });
            res.on("error", err => fail(`response failed: ${err.message}`));
        });
        timer = setTimeout(() => {
            fail(`timed out after ${req.timeoutMs} ms`);
            request.destroy();
        }, req.timeoutMs);
        request.on("error", err => {
            const code = err.code;
            fail(`connection failed: ${code ? code + " " : ""}${err.message}`);
        });
        if (payload !== undefined)
            request.write(payload);
        request.end();
    });
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __isRetryableStatus(__0) {
  return (function() {
    with({ isRetryableStatus: __isRetryableStatus, this: undefined, arguments: undefined }) {

return function /*isRetryableStatus*/(status) {
    if (status === undefined) {
        return true;
    }
    return status === 429 || status >= 500;
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __validateRetryPolicy(__0) {
  return (function() {
    with({ validateRetryPolicy: __validateRetryPolicy, this: undefined, arguments: undefined }) {

return function /*validateRetryPolicy*/(policy) {
    if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
        return `retry.maxAttempts must be an integer >= 1 (got ${policy.maxAttempts})`;
    }
    if (!(policy.baseDelayMs >= 0) || !(policy.maxDelayMs >= policy.baseDelayMs)) {
        return `retry delays must satisfy 0 <= baseDelayMs <= maxDelayMs (got ${policy.baseDelayMs}, ${policy.maxDelayMs})`;
    }
    return undefined;
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __isRetryable(__0) {
  return (function() {
    with({ types_1: __types_1, isRetryable: __isRetryable, this: undefined, arguments: undefined }) {

return function /*isRetryable*/(err) {
    return err instanceof types_1.RemoteError ? err.retryable : false;
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __errorMessage(__0) {
  return (function() {
    with({ errorMessage: __errorMessage, this: undefined, arguments: undefined }) {

return function /*errorMessage*/(err) {
    if (err instanceof Error) {
        return err.message;
    }
    return String(err);
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __backoffDelayMs(__0, __1, __2) {
  return (function() {
    with({ backoffDelayMs: __backoffDelayMs, this: undefined, arguments: undefined }) {

return function /*backoffDelayMs*/(attempt, policy, random) {
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * Math.pow(2, attempt - 1));
    return Math.floor(random() * ceiling);
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __withRetry(__0, __1) {
  return (function() {
    with({ isRetryable: __isRetryable, errorMessage: __errorMessage, backoffDelayMs: __backoffDelayMs, types_1: __types_1, withRetry: __withRetry, this: undefined, arguments: undefined }) {

return async function /*withRetry*/(fn, opts) {
    for (let attempt = 1;; attempt++) {
        try {
            return await fn();
        }
        catch (err) {
            const retryable = isRetryable(err);
            if (!retryable || attempt >= opts.policy.maxAttempts) {
                if (retryable && opts.log) {
                    opts.log("warn", "retry.exhausted", { call: opts.call, attempts: attempt, error: errorMessage(err) });
                }
                throw err;
            }
            const delayMs = backoffDelayMs(attempt, opts.policy, opts.random);
            if (opts.log) {
                opts.log("warn", "retry.scheduled", {
                    call: opts.call,
                    attempt,
                    delayMs,
                    status: err instanceof types_1.RemoteError ? err.status : undefined,
                    error: errorMessage(err),
                });
            }
            await opts.sleep(delayMs);
        }
    }
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __ociError(__0, __1) {
  return (function() {
    with({ types_1: __types_1, retry_1: __retry_1, ociError: __ociError, this: undefined, arguments: undefined }) {

return function /*ociError*/(req, res) {
    let detail = res.body.length > 300 ? res.body.slice(0, 300) + "..." : res.body;
    try {
        const parsed = JSON.parse(res.body);
        if (parsed && (parsed.code || parsed.message))
            detail = [parsed.code, parsed.message].filter(Boolean).join(": ");
    }
    catch {
        // not JSON: keep the raw text
    }
    const requestId = res.headers["opc-request-id"];
    return new types_1.RemoteError(`${req.call} ${req.method} ${new URL(req.url).pathname}: HTTP ${res.status} ${detail}${requestId ? ` (opc-request-id ${requestId})` : ""}`, res.status, (0, retry_1.isRetryableStatus)(res.status), req.call);
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __ociBadAnswer(__0, __1) {
  return (function() {
    with({ types_1: __types_1, ociBadAnswer: __ociBadAnswer, this: undefined, arguments: undefined }) {

return function /*ociBadAnswer*/(req, what) {
    return new types_1.RemoteError(`${req.call} ${req.method} ${new URL(req.url).pathname}: unexpected answer: ${what}`, undefined, false, req.call);
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __parseJson(__0, __1) {
  return (function() {
    with({ ociBadAnswer: __ociBadAnswer, parseJson: __parseJson, this: undefined, arguments: undefined }) {

return function /*parseJson*/(req, res) {
    try {
        return JSON.parse(res.body);
    }
    catch {
        throw ociBadAnswer(req, `body is not JSON: ${res.body.slice(0, 120)}`);
    }
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __f4() {
  return (function() {
    with({ health_1: __health_1, http_1: __http_1, types_1: __types_1, this: undefined, arguments: undefined }) {

return async function /*primaryHealth*/() {
        const now = this.clock.now();
        const t = this.target;
        const req = {
            call: "oci.monitoring.summarizeMetricsData",
            method: "POST",
            url: `${t.endpoints.telemetry}/20180401/metrics/actions/summarizeMetricsData?compartmentId=${encodeURIComponent(t.compartmentId)}`,
            body: {
                namespace: "oci_healthchecks",
                query: (0, health_1.healthQuery)(t.primaryMonitorId),
                startTime: new Date(now - t.metricLookbackSeconds * 1000).toISOString(),
                endTime: new Date(now).toISOString(),
                resolution: "1m",
            },
            timeoutMs: t.timeoutMs,
        };
        const res = await (0, http_1.ociRequest)(this.credentials, req);
        if (res.status !== 200)
            throw (0, http_1.ociError)(req, res);
        const series = (0, http_1.parseJson)(req, res);
        if (!Array.isArray(series))
            throw (0, http_1.ociBadAnswer)(req, "expected a list of metric series");
        if (series.length > 1)
            throw (0, http_1.ociBadAnswer)(req, `expected one series for the grouped query, got ${series.length}`);
        const points = series.length === 0 ? [] : series[0].aggregatedDatapoints;
        if (!Array.isArray(points))
            throw (0, http_1.ociBadAnswer)(req, "series has no aggregatedDatapoints list");
        try {
            return (0, health_1.primaryHealthFromMetrics)(points, now);
        }
        catch (err) {
            throw new types_1.RemoteError(`${req.call}: ${err.message}`, undefined, false, req.call);
        }
    };

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __f5() {
  return (function() {
    with({ types_1: __types_1, http_1: __http_1, health_1: __health_1, this: undefined, arguments: undefined }) {

return async function /*secondaryHealthy*/() {
        const t = this.target;
        if (!t.secondaryResultsUrl) {
            throw new types_1.RemoteError("oci.healthchecks.listPingProbeResults: no secondary monitor is configured", undefined, false, "oci.healthchecks.listPingProbeResults");
        }
        const now = this.clock.now();
        const url = new URL(t.secondaryResultsUrl.replace(/^http:\/\/(?!127\.0\.0\.1|localhost)/, "https://"));
        url.searchParams.set("startTimeGreaterThanOrEqualTo", String(now - t.secondaryWindowSeconds * 1000));
        url.searchParams.set("sortOrder", "DESC");
        url.searchParams.set("limit", "200");
        const req = { call: "oci.healthchecks.listPingProbeResults", method: "GET", url: url.toString(), timeoutMs: t.timeoutMs };
        const res = await (0, http_1.ociRequest)(this.credentials, req);
        if (res.status !== 200)
            throw (0, http_1.ociError)(req, res);
        const results = (0, http_1.parseJson)(req, res);
        if (!Array.isArray(results))
            throw (0, http_1.ociBadAnswer)(req, "expected a list of probe results");
        try {
            const verdict = (0, health_1.secondaryHealthyFromProbes)(results, now, t.secondaryWindowSeconds);
            this.log("info", "oci.secondary-health", { healthy: verdict.healthy, detail: verdict.detail });
            return verdict.healthy;
        }
        catch (err) {
            throw new types_1.RemoteError(`${req.call}: ${err.message}`, undefined, false, req.call);
        }
    };

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __f6() {
  return (function() {
    with({ exports: __platform_1, this: undefined, arguments: undefined }) {

return async function /*lastFailoverEpoch*/() {
        const t = this.target;
        const v = await this.k8s.getDeploymentAnnotation(t.namespace, t.operatorDeployment, exports.COOLDOWN_ANNOTATION);
        if (v === undefined)
            return undefined;
        if (!/^\d{1,12}$/.test(v)) {
            // A hand-edited annotation must not block failover forever; the
            // operator-replica check still prevents a second scale-up.
            this.log("warn", "oci.cooldown-annotation-invalid", { annotation: exports.COOLDOWN_ANNOTATION, value: v });
            return undefined;
        }
        return Number(v);
    };

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __f7(__0) {
  return (function() {
    with({ exports: __platform_1, this: undefined, arguments: undefined }) {

return async function /*recordFailover*/(epochSeconds) {
        const t = this.target;
        await this.k8s.annotateDeployment(t.namespace, t.operatorDeployment, { [exports.COOLDOWN_ANNOTATION]: String(epochSeconds) });
    };

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __f9(__0) {
  return (function() {
    with({ __super: global.Error, this: undefined, arguments: undefined }) {

return function /*constructor*/(message) {
    __super.call(this, message);
    this.name = "LockRefused";
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __planLock(__0, __1) {
  return (function() {
    with({ LockRefused: __f9, planLock: __planLock, this: undefined, arguments: undefined }) {

return function /*planLock*/(policy, primaryPool) {
    if (typeof policy !== "object" || policy === null)
        throw new LockRefused("steering policy answer is not a JSON object");
    const p = policy;
    if (!Array.isArray(p.answers))
        throw new LockRefused("steering policy has no answers array");
    if (!Array.isArray(p.rules))
        throw new LockRefused("steering policy has no rules array");
    if (typeof p.template !== "string")
        throw new LockRefused("steering policy has no template");
    const answers = p.answers;
    for (const a of answers) {
        if (typeof a !== "object" || a === null || typeof a.name !== "string" || typeof a.rdata !== "string" || typeof a.rtype !== "string") {
            throw new LockRefused(`steering policy answer ${JSON.stringify(a)} lacks name, rtype or rdata`);
        }
    }
    const primary = answers.filter(a => a.pool === primaryPool);
    if (primary.length === 0) {
        const pools = [...new Set(answers.map(a => a.pool ?? "(none)"))].join(", ");
        throw new LockRefused(`steering policy has no answer in pool "${primaryPool}" (pools: ${pools}); refusing to guess which answer is the primary`);
    }
    const served = answers.filter(a => a.pool !== primaryPool && a.isDisabled !== true);
    if (served.length === 0) {
        // Disabling the primary with every other answer disabled too would
        // leave the global name answering nothing at all.
        throw new LockRefused(`every answer outside pool "${primaryPool}" is disabled; locking would leave the policy with no answer to serve`);
    }
    const result = { primaryAnswers: primary.map(a => a.name), servedAnswers: served.map(a => a.name) };
    if (primary.every(a => a.isDisabled === true))
        return result;
    const update = {
        template: p.template,
        answers: answers.map(a => (a.pool === primaryPool ? { ...a, isDisabled: true } : { ...a })),
        rules: p.rules,
    };
    if (typeof p.displayName === "string")
        update.displayName = p.displayName;
    if (typeof p.ttl === "number")
        update.ttl = p.ttl;
    if (typeof p.healthCheckMonitorId === "string")
        update.healthCheckMonitorId = p.healthCheckMonitorId;
    if (p.freeformTags && typeof p.freeformTags === "object")
        update.freeformTags = p.freeformTags;
    if (p.definedTags && typeof p.definedTags === "object")
        update.definedTags = p.definedTags;
    result.update = update;
    return result;
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __f8() {
  return (function() {
    with({ http_1: __http_1, lock_1: __lock_1, types_1: __types_1, this: undefined, arguments: undefined }) {

return async function /*lockDns*/() {
        const t = this.target;
        const url = `${t.endpoints.dns}/20180115/steeringPolicies/${encodeURIComponent(t.steeringPolicyId)}`;
        for (let attempt = 1; attempt <= 3; attempt++) {
            const get = { call: "oci.dns.getSteeringPolicy", method: "GET", url, timeoutMs: t.timeoutMs };
            const got = await (0, http_1.ociRequest)(this.credentials, get);
            if (got.status !== 200)
                throw (0, http_1.ociError)(get, got);
            const policy = (0, http_1.parseJson)(get, got);
            let plan;
            try {
                plan = (0, lock_1.planLock)(policy, t.primaryPool);
            }
            catch (err) {
                if (err instanceof lock_1.LockRefused)
                    throw new types_1.RemoteError(`${get.call}: ${err.message}`, undefined, false, get.call);
                throw err;
            }
            if (!plan.update) {
                this.log("info", "oci.dns-already-locked", { disabled: plan.primaryAnswers, served: plan.servedAnswers });
                return;
            }
            const etag = got.headers.etag;
            const put = {
                call: "oci.dns.updateSteeringPolicy",
                method: "PUT",
                url,
                body: plan.update,
                headers: etag ? { "if-match": etag } : {},
                timeoutMs: t.timeoutMs,
            };
            const res = await (0, http_1.ociRequest)(this.credentials, put);
            if (res.status === 412) {
                this.log("warn", "oci.dns-lock-conflict", { attempt });
                continue;
            }
            if (res.status !== 200)
                throw (0, http_1.ociError)(put, res);
            const after = (0, http_1.parseJson)(put, res);
            const stillEnabled = (after.answers ?? []).filter(a => a.pool === t.primaryPool && a.isDisabled !== true);
            if (!Array.isArray(after.answers) || stillEnabled.length > 0) {
                throw (0, http_1.ociBadAnswer)(put, "the updated policy does not show the primary answers disabled");
            }
            this.log("info", "oci.dns-locked", { disabled: plan.primaryAnswers, served: plan.servedAnswers });
            return;
        }
        throw new types_1.RemoteError("oci.dns.updateSteeringPolicy: the policy changed under every one of 3 attempts (HTTP 412)", 412, true, "oci.dns.updateSteeringPolicy");
    };

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __f10(__0) {
  return (function() {
    with({ this: undefined, arguments: undefined }) {

return async function /*scheduleRecheck*/(afterSeconds) {
        this.log("info", "oci.recheck-by-alarm-repeat", { afterSeconds });
    };

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __stripUndefined(__0) {
  return (function() {
    with({ stripUndefined: __stripUndefined, this: undefined, arguments: undefined }) {

return function /*stripUndefined*/(o) {
    const out = {};
    for (const [k, v] of Object.entries(o))
        if (v !== undefined)
            out[k] = v;
    return out;
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __f11(__0) {
  return (function() {
    with({ this: undefined, arguments: undefined }) {

return function /*constructor*/(options) {
        this.connectionSource = options.connection;
        this.timeoutMs = options.timeoutMs ?? 10000;
        this.connectionPromise = undefined;
        this.agents = {};
    };

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __deploymentPath(__0, __1) {
  return (function() {
    with({ deploymentPath: __deploymentPath, this: undefined, arguments: undefined }) {

return function /*deploymentPath*/(namespace, name) {
    return `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments/${encodeURIComponent(name)}`;
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __statusMessage(__0) {
  return (function() {
    with({ statusMessage: __statusMessage, this: undefined, arguments: undefined }) {

return function /*statusMessage*/(body) {
    try {
        const parsed = JSON.parse(body);
        if (parsed && parsed.kind === "Status") {
            return [parsed.reason, parsed.message].filter(Boolean).join(": ");
        }
    }
    catch {
        // not JSON: fall through to the raw text
    }
    return body.length > 300 ? body.slice(0, 300) + "..." : body;
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __httpError(__0, __1) {
  return (function() {
    with({ types_1: __types_1, statusMessage: __statusMessage, retry_1: __retry_1, httpError: __httpError, this: undefined, arguments: undefined }) {

return function /*httpError*/(req, res) {
    return new types_1.RemoteError(`${req.call} ${req.method} ${req.path}: HTTP ${res.status} ${statusMessage(res.body)}`, res.status, (0, retry_1.isRetryableStatus)(res.status), req.call);
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __badAnswer(__0, __1) {
  return (function() {
    with({ types_1: __types_1, badAnswer: __badAnswer, this: undefined, arguments: undefined }) {

return function /*badAnswer*/(req, what) {
    return new types_1.RemoteError(`${req.call} ${req.method} ${req.path}: unexpected answer: ${what}`, undefined, false, req.call);
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __isCertificateError(__0) {
  return (function() {
    with({ CERTIFICATE_ERRORS: __CERTIFICATE_ERRORS, isCertificateError: __isCertificateError, this: undefined, arguments: undefined }) {

return function /*isCertificateError*/(code) {
    return code !== undefined && CERTIFICATE_ERRORS.includes(code);
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __kubeRequest(__0, __1, __2) {
  return (function() {
    with({ types_1: __types_1, MAX_RESPONSE_BYTES: 4194304, isCertificateError: __isCertificateError, kubeRequest: __kubeRequest, this: undefined, arguments: undefined }) {

return async function /*kubeRequest*/(conn, agent, req) {
    const url = new URL(req.path, conn.server);
    const isHttps = url.protocol === "https:";
    if (!isHttps && url.protocol !== "http:") {
        throw new types_1.RemoteError(`${req.call}: API server URL ${conn.server} must be https:// (or http:// for a local test server)`, undefined, false, req.call);
    }
    const token = conn.token ? await conn.token() : undefined;
    const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body), "utf8");
    const headers = { accept: req.accept ?? "application/json" };
    if (token) {
        headers.authorization = `Bearer ${token}`;
    }
    if (payload) {
        headers["content-type"] = req.contentType ?? "application/json";
        headers["content-length"] = String(payload.length);
    }
    const options = {
        method: req.method,
        hostname: url.hostname.replace(/^\[|\]$/g, ""),
        port: url.port || (isHttps ? 443 : 80),
        path: url.pathname + url.search,
        headers,
        agent,
    };
    if (isHttps && conn.caPem) {
        options.ca = conn.caPem;
    }
    return new Promise((resolve, reject) => {
        let settled = false;
        // Declared before the callbacks that clear it (closure serialization
        // cannot follow a const used ahead of its declaration).
        let timer;
        const fail = (message, retryable = true) => {
            if (!settled) {
                settled = true;
                reject(new types_1.RemoteError(`${req.call} ${req.method} ${req.path}: ${message}`, undefined, retryable, req.call));
            }
        };
        const request = (isHttps ? https : http).request(options, res => {
            const chunks = [];
            let size = 0;
            res.on("data", (chunk) => {
                size += chunk.length;
                if (size > MAX_RESPONSE_BYTES) {
                    request.destroy(new Error(`response larger than ${MAX_RESPONSE_BYTES} bytes`));
                    return;
                }
                chunks.push(chunk);
            });
            res.on("end", () => {
                if (!settled) {
                    settled = true;
                    clearTimeout(timer);
                    resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") });
                }
            });
            res.on("error", err => fail(`response failed: ${err.message}`));
        });
        // One deadline for the whole exchange (connect, TLS, headers, body):
        // a socket idle timeout alone lets a trickling server hold us forever.
        timer = setTimeout(() => {
            fail(`timed out after ${req.timeoutMs} ms`);
            request.destroy();
        }, req.timeoutMs);
        request.on("error", err => {
            clearTimeout(timer);
            const code = err.code;
            fail(`connection failed: ${code ? code + " " : ""}${err.message}`, !isCertificateError(code));
        });
        if (payload) {
            request.write(payload);
        }
        request.end();
    });
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __parseObject(__0, __1) {
  return (function() {
    with({ http_1: __0_http_1, parseObject: __parseObject, this: undefined, arguments: undefined }) {

return function /*parseObject*/(req, res) {
    let parsed;
    try {
        parsed = JSON.parse(res.body);
    }
    catch {
        throw (0, http_1.badAnswer)(req, `body is not JSON: ${res.body.slice(0, 120)}`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw (0, http_1.badAnswer)(req, "body is not a JSON object");
    }
    return parsed;
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __f12(__0, __1) {
  return (function() {
    with({ deploymentPath: __deploymentPath, http_1: __0_http_1, parseObject: __parseObject, this: undefined, arguments: undefined }) {

return async function /*getDeploymentReplicas*/(namespace, name) {
        const req = this.req("k8s.getDeploymentReplicas", "GET", deploymentPath(namespace, name));
        const res = await this.send(req);
        if (res.status !== 200) {
            throw (0, http_1.httpError)(req, res);
        }
        const obj = parseObject(req, res);
        const spec = obj.spec;
        // The API server defaults spec.replicas to 1 when a manifest leaves it out.
        const replicas = spec?.replicas === undefined ? 1 : spec.replicas;
        if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0) {
            throw (0, http_1.badAnswer)(req, `spec.replicas is ${JSON.stringify(replicas)}, expected an integer >= 0`);
        }
        return replicas;
    };

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __f13(__0, __1, __2) {
  return (function() {
    with({ deploymentPath: __deploymentPath, MERGE_PATCH: "application/merge-patch+json", http_1: __0_http_1, this: undefined, arguments: undefined }) {

return async function /*scaleDeployment*/(namespace, name, replicas) {
        const req = this.req("k8s.scaleDeployment", "PATCH", deploymentPath(namespace, name), { spec: { replicas } }, MERGE_PATCH);
        const res = await this.send(req);
        if (res.status !== 200) {
            throw (0, http_1.httpError)(req, res);
        }
    };

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __f14(__0, __1, __2, __3) {
  return (function() {
    with({ deploymentPath: __deploymentPath, JSON_PATCH: "application/json-patch+json", http_1: __0_http_1, this: undefined, arguments: undefined }) {

return async function /*scaleDeploymentFrom*/(namespace, name, from, to) {
        const patch = [
            { op: "test", path: "/spec/replicas", value: from },
            { op: "replace", path: "/spec/replicas", value: to },
        ];
        const req = this.req("k8s.scaleDeploymentFrom", "PATCH", deploymentPath(namespace, name), patch, JSON_PATCH);
        const res = await this.send(req);
        if (res.status === 200) {
            return "scaled";
        }
        // A failed "test" op is 422; 409 is an update conflict with a concurrent writer.
        if (res.status === 422 || res.status === 409) {
            return "conflict";
        }
        throw (0, http_1.httpError)(req, res);
    };

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __f15(__0, __1, __2) {
  return (function() {
    with({ deploymentPath: __deploymentPath, http_1: __0_http_1, parseObject: __parseObject, this: undefined, arguments: undefined }) {

return async function /*getDeploymentAnnotation*/(namespace, name, key) {
        const req = this.req("k8s.getDeploymentAnnotation", "GET", deploymentPath(namespace, name));
        const res = await this.send(req);
        if (res.status !== 200) {
            throw (0, http_1.httpError)(req, res);
        }
        const metadata = parseObject(req, res).metadata;
        const value = metadata?.annotations?.[key];
        if (value !== undefined && typeof value !== "string") {
            throw (0, http_1.badAnswer)(req, `annotation ${key} is ${JSON.stringify(value)}, expected a string`);
        }
        return value;
    };

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __f16(__0, __1, __2) {
  return (function() {
    with({ deploymentPath: __deploymentPath, MERGE_PATCH: "application/merge-patch+json", http_1: __0_http_1, this: undefined, arguments: undefined }) {

return async function /*annotateDeployment*/(namespace, name, annotations) {
        const req = this.req("k8s.annotateDeployment", "PATCH", deploymentPath(namespace, name), { metadata: { annotations } }, MERGE_PATCH);
        const res = await this.send(req);
        if (res.status !== 200) {
            throw (0, http_1.httpError)(req, res);
        }
    };

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __secretPath(__0, __1) {
  return (function() {
    with({ secretPath: __secretPath, this: undefined, arguments: undefined }) {

return function /*secretPath*/(namespace, name) {
    return `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(name)}`;
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __f17(__0, __1) {
  return (function() {
    with({ secretPath: __secretPath, PARTIAL_METADATA: "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json", http_1: __0_http_1, parseObject: __parseObject, this: undefined, arguments: undefined }) {

return async function /*getSecretMeta*/(namespace, name) {
        const req = this.req("k8s.getSecretMeta", "GET", secretPath(namespace, name));
        req.accept = PARTIAL_METADATA;
        const res = await this.send(req);
        if (res.status === 404) {
            return undefined;
        }
        if (res.status !== 200) {
            throw (0, http_1.httpError)(req, res);
        }
        const metadata = parseObject(req, res).metadata;
        const uid = metadata?.uid;
        const creationTimestamp = metadata?.creationTimestamp;
        if (typeof uid !== "string" || uid.length === 0) {
            throw (0, http_1.badAnswer)(req, `metadata.uid is ${JSON.stringify(uid)}`);
        }
        if (typeof creationTimestamp !== "string" || Number.isNaN(Date.parse(creationTimestamp))) {
            throw (0, http_1.badAnswer)(req, `metadata.creationTimestamp is ${JSON.stringify(creationTimestamp)}, expected RFC 3339`);
        }
        return { uid, creationTimestamp };
    };

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __f18(__0, __1, __2) {
  return (function() {
    with({ secretPath: __secretPath, http_1: __0_http_1, this: undefined, arguments: undefined }) {

return async function /*deleteSecret*/(namespace, name, preconditions) {
        const body = preconditions ? { kind: "DeleteOptions", apiVersion: "v1", preconditions: { uid: preconditions.uid } } : undefined;
        const req = this.req("k8s.deleteSecret", "DELETE", secretPath(namespace, name), body);
        const res = await this.send(req);
        if (res.status === 200 || res.status === 202) {
            return "deleted";
        }
        if (res.status === 404) {
            return "absent";
        }
        // 409 on a uid precondition: the name now holds another object.
        if (res.status === 409 && preconditions) {
            return "replaced";
        }
        throw (0, http_1.httpError)(req, res);
    };

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __f19() {
  return (function() {
    with({ this: undefined, arguments: undefined }) {

return function /*close*/() {
        this.agents.http?.destroy();
        this.agents.https?.destroy();
        this.agents = {};
    };

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __f20(__0, __1, __2, __3, __4) {
  return (function() {
    with({ this: undefined, arguments: undefined }) {

return function /*req*/(call, method, path, body, contentType) {
        return { call, method, path, body, contentType, timeoutMs: this.timeoutMs };
    };

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __f21(__0) {
  return (function() {
    with({ http_1: __0_http_1, this: undefined, arguments: undefined }) {

return async function /*send*/(req) {
        const conn = await this.connection();
        return (0, http_1.kubeRequest)(conn, this.agentFor(conn.server), req);
    };

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __f22() {
  return (function() {
    with({ this: undefined, arguments: undefined }) {

return function /*connection*/() {
        const source = this.connectionSource;
        if (typeof source !== "function") {
            return Promise.resolve(source);
        }
        if (!this.connectionPromise) {
            const pending = source();
            this.connectionPromise = pending;
            pending.catch(() => {
                if (this.connectionPromise === pending) {
                    this.connectionPromise = undefined;
                }
            });
        }
        return this.connectionPromise;
    };

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __f23(__0) {
  return (function() {
    with({ this: undefined, arguments: undefined }) {

return function /*agentFor*/(server) {
        if (server.startsWith("https:")) {
            return this.agents.https ??= new https.Agent({ keepAlive: true, maxSockets: 8 });
        }
        return this.agents.http ??= new http.Agent({ keepAlive: true, maxSockets: 8 });
    };

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __okeToken(__0, __1, __2) {
  return (function() {
    with({ signer_1: __signer_1, okeToken: __okeToken, this: undefined, arguments: undefined }) {

return function /*okeToken*/(region, clusterId, creds, now = new Date(), realmDomain = "oraclecloud.com") {
    if (!/^ocid1\.cluster\./.test(clusterId))
        throw new Error(`OKE token: "${clusterId}" is not a cluster OCID (ocid1.cluster....)`);
    const url = `https://containerengine.${region}.${realmDomain}/cluster_request/${clusterId}`;
    const signed = (0, signer_1.signRequest)({ method: "GET", url }, creds, now);
    const query = new URLSearchParams({ authorization: signed.authorization, date: signed.date });
    const full = `${url}?${query.toString()}`;
    return Buffer.from(full, "utf8").toString("base64").replace(/\+/g, "-").replace(/\//g, "_");
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __realmOf(__0) {
  return (function() {
    with({ realmOf: __realmOf, this: undefined, arguments: undefined }) {

return function /*realmOf*/(containerengineEndpoint) {
    const host = new URL(containerengineEndpoint).hostname;
    const m = host.match(/^containerengine\.[a-z0-9-]+\.(.+)$/);
    return m ? m[1] : "oraclecloud.com";
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __validateSettings(__0) {
  return (function() {
    with({ validateSettings: __validateSettings, this: undefined, arguments: undefined }) {

return function /*validateSettings*/(s) {
    const nonEmpty = ["namespace", "operatorDeployment", "humioClusterName"];
    for (const key of nonEmpty) {
        const v = s[key];
        if (typeof v !== "string" || v.length === 0) {
            return `${key} must be a non-empty string (got ${JSON.stringify(v)})`;
        }
    }
    const seconds = ["preFailoverFailureSeconds", "cooldownSeconds", "waitBudgetSeconds"];
    for (const key of seconds) {
        const v = s[key];
        if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
            return `${key} must be a number of seconds >= 0 (got ${JSON.stringify(v)})`;
        }
    }
    if (typeof s.recheckIntervalSeconds !== "number" || !Number.isFinite(s.recheckIntervalSeconds) || s.recheckIntervalSeconds < 1) {
        return `recheckIntervalSeconds must be a number of seconds >= 1 (got ${JSON.stringify(s.recheckIntervalSeconds)})`;
    }
    if (typeof s.requireHealthySecondary !== "boolean") {
        return `requireHealthySecondary must be a boolean (got ${JSON.stringify(s.requireHealthySecondary)})`;
    }
    return undefined;
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __judge(__0, __1, __2) {
  return (function() {
    with({ judge: __judge, this: undefined, arguments: undefined }) {

return function /*judge*/(obs, settings, nowMs) {
    const nowSeconds = Math.floor(nowMs / 1000);
    if (obs.lastFailoverEpoch !== undefined) {
        const since = nowSeconds - obs.lastFailoverEpoch;
        // |since|: a time recorded slightly in the future (clock skew between
        // writers) is as recent as one slightly in the past.
        if (Math.abs(since) < settings.cooldownSeconds) {
            return {
                kind: "stop",
                decision: "cooldown",
                reason: `last failover at ${obs.lastFailoverEpoch} is ${since}s ago, within the ${settings.cooldownSeconds}s cooldown`,
            };
        }
    }
    if (obs.operatorReplicas >= 1) {
        return {
            kind: "stop",
            decision: "already-failed-over",
            reason: `${settings.operatorDeployment} already has ${obs.operatorReplicas} replica(s)`,
        };
    }
    if (obs.primary.healthy) {
        return { kind: "stop", decision: "primary-healthy", reason: "the primary is healthy" };
    }
    if (obs.primary.failingForSeconds < settings.preFailoverFailureSeconds) {
        return {
            kind: "wait",
            remainingSeconds: settings.preFailoverFailureSeconds - obs.primary.failingForSeconds,
            reason: `the primary has failed for ${obs.primary.failingForSeconds}s of the required ${settings.preFailoverFailureSeconds}s`,
        };
    }
    if (settings.requireHealthySecondary && obs.secondaryHealthy !== true) {
        return { kind: "stop", decision: "secondary-unhealthy", reason: "the secondary's own health check is failing; not failing over onto it" };
    }
    return {
        kind: "act",
        reason: `the primary has failed for ${obs.primary.failingForSeconds}s (holdoff ${settings.preFailoverFailureSeconds}s)`,
    };
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __tlsSecretIsStale(__0, __1) {
  return (function() {
    with({ exports: __decide_1, tlsSecretIsStale: __tlsSecretIsStale, this: undefined, arguments: undefined }) {

return function /*tlsSecretIsStale*/(meta, startedAtMs) {
    const created = Date.parse(meta.creationTimestamp);
    if (Number.isNaN(created)) {
        return false;
    }
    return created + 1000 + exports.TLS_SECRET_CLOCK_SKEW_MS <= startedAtMs;
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __allOrFirstError(__0) {
  return (function() {
    with({ retry_1: __retry_1, allOrFirstError: __allOrFirstError, this: undefined, arguments: undefined }) {

return async function /*allOrFirstError*/(promises) {
    const settled = await Promise.allSettled(promises);
    const failures = settled.filter((s) => s.status === "rejected");
    if (failures.length > 0) {
        const first = failures[0].reason;
        if (failures.length === 1) {
            throw first;
        }
        throw new Error(failures.map(f => (0, retry_1.errorMessage)(f.reason)).join("; "));
    }
    return settled.map(s => s.value);
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __runFailover(__0, __1, __2, __3, __4) {
  return (function() {
    with({ decide_1: __decide_1, retry_1: __retry_1, allOrFirstError: __allOrFirstError, types_1: __types_1, runFailover: __runFailover, this: undefined, arguments: undefined }) {

return async function /*runFailover*/(platform, k8s, settings, clock, log, options = {}) {
    const startedAtMs = clock.now();
    const startedAt = new Date(startedAtMs).toISOString();
    const draft = { decision: "error", reason: "", operatorScaled: false, dnsLocked: false };
    const finish = (decision, reason, extra = {}) => {
        Object.assign(draft, extra, { decision, reason });
        const result = { ...draft, startedAt, durationMs: clock.now() - startedAtMs };
        const level = decision === "error" ? "error" : (result.dnsLockError || result.cooldownRecordError ? "warn" : "info");
        log(level, "failover.result", { ...result });
        return result;
    };
    const invalid = (0, decide_1.validateSettings)(settings) ?? (settings.retry ? (0, retry_1.validateRetryPolicy)(settings.retry) : undefined);
    if (invalid) {
        return finish("error", "the failover settings are invalid", { error: invalid });
    }
    log("info", "failover.start", { cloud: platform.cloud, settings: { ...settings } });
    const policy = settings.retry ?? retry_1.DEFAULT_RETRY;
    const random = options.random ?? Math.random;
    const remote = (call, fn, onFailure) => (0, retry_1.withRetry)(async () => {
        try {
            return await fn();
        }
        catch (err) {
            if (onFailure) {
                onFailure(err);
            }
            throw err;
        }
    }, { call, policy, random, log, sleep: ms => clock.sleep(ms) });
    const { namespace, operatorDeployment, humioClusterName } = settings;
    const observe = async () => {
        const [lastFailoverEpoch, primary, secondaryHealthy, operatorReplicas, tlsSecret] = await allOrFirstError([
            remote("platform.lastFailoverEpoch", () => platform.lastFailoverEpoch()),
            remote("platform.primaryHealth", () => platform.primaryHealth()),
            settings.requireHealthySecondary
                ? remote("platform.secondaryHealthy", () => platform.secondaryHealthy())
                : Promise.resolve(undefined),
            remote("k8s.getDeploymentReplicas", () => k8s.getDeploymentReplicas(namespace, operatorDeployment)),
            remote("k8s.getSecretMeta", () => k8s.getSecretMeta(namespace, humioClusterName)),
        ]);
        return { lastFailoverEpoch, primary, secondaryHealthy, operatorReplicas, tlsSecret };
    };
    const deadlineMs = startedAtMs + settings.waitBudgetSeconds * 1000;
    let obs;
    let checks = 0;
    for (;;) {
        checks++;
        try {
            obs = await observe();
        }
        catch (err) {
            return finish("error", "could not read the state the decision needs", { error: (0, retry_1.errorMessage)(err), checks });
        }
        Object.assign(draft, {
            checks,
            primary: obs.primary,
            operatorReplicasBefore: obs.operatorReplicas,
            lastFailoverEpoch: obs.lastFailoverEpoch,
            secondaryHealthy: obs.secondaryHealthy,
        });
        const verdict = (0, decide_1.judge)(obs, settings, clock.now());
        log("info", "failover.check", {
            check: checks,
            verdict: verdict.kind,
            reason: verdict.reason,
            primary: obs.primary,
            operatorReplicas: obs.operatorReplicas,
            lastFailoverEpoch: obs.lastFailoverEpoch,
            secondaryHealthy: obs.secondaryHealthy,
        });
        if (verdict.kind === "stop") {
            if (verdict.decision === "primary-healthy" && platform.clearDegraded) {
                const clear = platform.clearDegraded.bind(platform);
                try {
                    await remote("platform.clearDegraded", () => clear());
                }
                catch (err) {
                    // Stale holdoff tracking only makes a later holdoff look longer
                    // than it is; it must not turn "healthy" into an error.
                    log("warn", "failover.clear-degraded-failed", { error: err });
                }
            }
            return finish(verdict.decision, verdict.reason);
        }
        if (verdict.kind === "act") {
            break;
        }
        const sleepMs = Math.ceil(Math.min(settings.recheckIntervalSeconds, verdict.remainingSeconds) * 1000);
        if (clock.now() + sleepMs > deadlineMs) {
            return handOver(verdict.reason, Math.ceil(sleepMs / 1000));
        }
        log("info", "failover.holdoff-wait", { sleepMs, remainingSeconds: verdict.remainingSeconds });
        await clock.sleep(sleepMs);
    }
    async function handOver(reason, afterSeconds) {
        if (!platform.scheduleRecheck) {
            log("error", "failover.holdoff-unscheduled", { reason });
            return finish("holdoff-pending", `${reason}; the wait budget is spent and this platform cannot schedule a recheck, so only a new alarm notification runs the check again`, { recheckScheduled: false });
        }
        const schedule = platform.scheduleRecheck.bind(platform);
        try {
            await remote("platform.scheduleRecheck", () => schedule(afterSeconds));
        }
        catch (err) {
            return finish("error", `${reason}; scheduling a recheck failed, so the failover may be lost`, { error: (0, retry_1.errorMessage)(err), recheckScheduled: false });
        }
        return finish("holdoff-pending", `${reason}; the wait budget is spent, a recheck is scheduled`, { recheckScheduled: true });
    }
    // Round 2: the stale TLS secret. Its metadata came with round 1; a Secret
    // newer than this invocation belongs to an operator another invocation
    // already started, and the uid precondition keeps a Secret recreated
    // between our read and our delete.
    const secret = obs.tlsSecret;
    if (secret === undefined) {
        draft.tlsSecret = "absent";
    }
    else if (!(0, decide_1.tlsSecretIsStale)(secret, startedAtMs)) {
        draft.tlsSecret = "kept-fresh";
        log("warn", "failover.tls-secret-kept", { name: humioClusterName, creationTimestamp: secret.creationTimestamp, startedAt });
    }
    else {
        try {
            const deleted = await remote("k8s.deleteSecret", () => k8s.deleteSecret(namespace, humioClusterName, { uid: secret.uid }));
            draft.tlsSecret = deleted === "replaced" ? "kept-fresh" : deleted;
        }
        catch (err) {
            // A stale CA would leave the recovered cluster unreachable; scaling
            // after a failed delete trades a clean retry for a broken failover.
            return finish("error", `deleting the stale TLS secret ${namespace}/${humioClusterName} failed; the operator was not scaled`, { error: (0, retry_1.errorMessage)(err) });
        }
        log("info", "failover.tls-secret", { name: humioClusterName, result: draft.tlsSecret });
    }
    // Round 3: compare-and-set 0 -> 1, so that of N concurrent invocations
    // exactly one scales and goes on to lock.
    let ambiguousAttempt = false;
    let scaled;
    try {
        scaled = await remote("k8s.scaleDeploymentFrom", () => k8s.scaleDeploymentFrom(namespace, operatorDeployment, obs.operatorReplicas, 1), err => { if (err instanceof types_1.RemoteError && err.retryable) {
            ambiguousAttempt = true;
        } });
    }
    catch (err) {
        return finish("error", `scaling ${namespace}/${operatorDeployment} to 1 failed`, { error: (0, retry_1.errorMessage)(err) });
    }
    if (scaled === "conflict" && !ambiguousAttempt) {
        return finish("already-failed-over", `${operatorDeployment} was no longer at ${obs.operatorReplicas} replicas when this invocation scaled it; another invocation failed over first`);
    }
    // A conflict after an attempt whose outcome we never saw (timeout, reset,
    // 5xx) may be our own write answered late: lock anyway, since locking twice
    // is harmless and not locking lets DNS fail back on its own.
    draft.operatorScaled = true;
    log("info", "failover.scaled", { deployment: operatorDeployment, from: obs.operatorReplicas, to: 1, ambiguous: scaled === "conflict" });
    // Round 4: independent of each other; neither undoes the scale-up.
    const [lock, record] = await Promise.allSettled([
        remote("platform.lockDns", () => platform.lockDns()),
        remote("platform.recordFailover", () => platform.recordFailover(Math.floor(clock.now() / 1000))),
    ]);
    if (lock.status === "fulfilled") {
        draft.dnsLocked = true;
    }
    else {
        draft.dnsLockError = (0, retry_1.errorMessage)(lock.reason);
        log("error", "failover.dns-lock-failed", { error: lock.reason });
    }
    if (record.status === "rejected") {
        draft.cooldownRecordError = (0, retry_1.errorMessage)(record.reason);
        log("error", "failover.cooldown-record-failed", { error: record.reason });
    }
    const why = scaled === "conflict"
        ? "the scale-up answered late (an earlier attempt's outcome was unknown); treated as this invocation's"
        : `${operatorDeployment} scaled ${obs.operatorReplicas} -> 1`;
    return finish("failed-over", `${why}; ${draft.dnsLocked ? "DNS locked" : "DNS lock FAILED, lock it by hand"}`);
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __handleNotification(__0, __1) {
  return (function() {
    with({ clock_1: __clock_1, log_1: __log_1, summarizeNotification: __summarizeNotification, config_1: __config_1, signer_1: __signer_1, platform_1: __platform_1, stripUndefined: __stripUndefined, client_1: __client_1, oke_1: __oke_1, realmOf: __realmOf, failover_1: __failover_1, handleNotification: __handleNotification, this: undefined, arguments: undefined }) {

return async function /*handleNotification*/(body, env, deps = {}) {
    const clock = deps.clock ?? (0, clock_1.systemClock)();
    const log = deps.log ?? (0, log_1.jsonLogger)({ base: { fn: env.FN_FN_ID, cloud: "oci" } });
    log("info", "oci.notification", summarizeNotification(body));
    let cfg;
    try {
        cfg = (0, config_1.fromFunctionEnv)(env);
    }
    catch (err) {
        const result = {
            decision: "error",
            reason: "the function configuration is invalid; nothing was read or changed",
            error: err.message,
            operatorScaled: false,
            dnsLocked: false,
            startedAt: new Date(clock.now()).toISOString(),
            durationMs: 0,
        };
        log("error", "failover.result", { ...result });
        return result;
    }
    const credentials = deps.credentials ?? (() => (0, signer_1.resourcePrincipal)(env));
    const endpoints = { ...(0, platform_1.defaultEndpoints)(cfg.region), ...stripUndefined(cfg.endpoints ?? {}) };
    const k8s = new client_1.KubeClient({
        connection: {
            server: cfg.kubernetesServer,
            caPem: cfg.kubernetesCaPem,
            token: () => (0, oke_1.okeToken)(cfg.region, cfg.clusterId, credentials(), new Date(clock.now()), realmOf(endpoints.containerengine)),
        },
        timeoutMs: 10000,
    });
    const platform = new platform_1.OciPlatform({
        region: cfg.region,
        compartmentId: cfg.compartmentId,
        steeringPolicyId: cfg.steeringPolicyId,
        primaryPool: cfg.primaryPool,
        primaryMonitorId: cfg.primaryMonitorId,
        secondaryResultsUrl: cfg.secondaryResultsUrl,
        secondaryWindowSeconds: cfg.secondaryWindowSeconds,
        metricLookbackSeconds: cfg.metricLookbackSeconds,
        namespace: cfg.settings.namespace,
        operatorDeployment: cfg.settings.operatorDeployment,
        endpoints: { dns: endpoints.dns, telemetry: endpoints.telemetry },
        timeoutMs: 10000,
    }, credentials, k8s, clock, log);
    try {
        return await (0, failover_1.runFailover)(platform, k8s, cfg.settings, clock, log);
    }
    finally {
        // A warm container serves the next notification much later; idle keep-alive sockets would only go stale.
        k8s.close();
    }
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __main() {
  return (function() {
    with({ serveFn: __serveFn, handleNotification: __handleNotification, main: __main, this: undefined, arguments: undefined }) {

return function /*main*/() {
    const env = process.env;
    return serveFn(body => handleNotification(body, env), env);
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __f0() {
  return (function() {
    with({ handler_1: __handler_1, this: undefined, arguments: undefined }) {

return () => {
        (0, handler_1.main)();
    };

    }
  }).apply(undefined, undefined).apply(this, arguments);
}
