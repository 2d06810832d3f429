import * as assert from "assert";
import {
    AWS_FAILOVER_ENV_VARS, AwsFailoverEnvSettings, awsFailoverEnvironment, eksCaPem, failoverSettingsFromEnv, LAMBDA_ENVIRONMENT_MAX_BYTES, readAwsFailoverEnv,
} from "../../functions/aws/env";
import { ALARM, awsEnvSettings, CA_DATA, ENDPOINT, PRIMARY, SECONDARY } from "./aws-fixtures";

describe("AWS failover environment contract (functions/aws/env)", () => {
    it("writes every variable, with the fixed namespace and operator defaults, and reads back the same settings", () => {
        const env = awsFailoverEnvironment(awsEnvSettings());
        assert.deepStrictEqual(env, {
            EKS_CLUSTER_NAME: "logscale-secondary",
            EKS_CLUSTER_REGION: "eu-west-1",
            EKS_CLUSTER_ENDPOINT: ENDPOINT,
            EKS_CLUSTER_CA_DATA: CA_DATA,
            PRIMARY_HEALTH_CHECK_ID: PRIMARY,
            SECONDARY_HEALTH_CHECK_ID: SECONDARY,
            COOLDOWN_PARAMETER_NAME: "/logscale-dr/secondary/last-failover-epoch",
            FAILOVER_ALARM_NAME: ALARM,
            PRE_FAILOVER_FAILURE_SECONDS: "180",
            FAILOVER_COOLDOWN_SECONDS: "300",
            RECHECK_INTERVAL_SECONDS: "30",
            RECOVERY_DEADLINE_MINUTES: "15",
            REQUIRE_HEALTHY_SECONDARY: "true",
            HUMIO_CLUSTER_NAME: "logscale",
            KUBERNETES_NAMESPACE: "logging",
            OPERATOR_DEPLOYMENT: "humio-operator",
            MAX_RECHECKS: "60",
            HOLDOFF_GAP_SECONDS: "40",
        });
        const read = readAwsFailoverEnv(env);
        assert.strictEqual(read.namespace, "logging");
        assert.strictEqual(read.operatorDeployment, "humio-operator");
        assert.strictEqual(read.preFailoverFailureSeconds, 180);
        assert.strictEqual(read.requireHealthySecondary, true);
        assert.strictEqual(read.eksClusterEndpoint, ENDPOINT);
        assert.strictEqual(read.failoverAlarmName, ALARM);
        assert.match(eksCaPem(read), /^-----BEGIN CERTIFICATE-----\nZml4dHVyZQ==\n-----END CERTIFICATE-----\n$/);
        const s = failoverSettingsFromEnv(read, 840);
        assert.deepStrictEqual(s, {
            namespace: "logging", operatorDeployment: "humio-operator", humioClusterName: "logscale",
            preFailoverFailureSeconds: 180, cooldownSeconds: 300, requireHealthySecondary: true,
            recheckIntervalSeconds: 30, waitBudgetSeconds: 840,
        });
    });

    it("uses no reserved AWS_ names and never the Kafka reset variable", () => {
        const env = awsFailoverEnvironment(awsEnvSettings());
        for (const name of Object.keys(env)) {
            assert.ok(!name.startsWith("AWS_"), name);
        }
        assert.ok(!JSON.stringify(env).includes("ALLOW_KAFKA_RESET_UNTIL_TIMESTAMP_MS"));
    });

    it("omits the secondary id when the gate is off and none is given", () => {
        const env = awsFailoverEnvironment(awsEnvSettings({ secondaryHealthCheckId: undefined, requireHealthySecondary: false }));
        assert.strictEqual(env.SECONDARY_HEALTH_CHECK_ID, undefined);
        assert.strictEqual(readAwsFailoverEnv(env).secondaryHealthCheckId, undefined);
    });

    const cases: [string, Partial<AwsFailoverEnvSettings>, RegExp][] = [
        ["gate on without a secondary check", { secondaryHealthCheckId: undefined }, /SECONDARY_HEALTH_CHECK_ID is not set; expected a Route 53 health check id \(UUID\) because REQUIRE_HEALTHY_SECONDARY is "true"/],
        ["health check id not a UUID", { primaryHealthCheckId: "hc-123" }, /PRIMARY_HEALTH_CHECK_ID is "hc-123"; expected a Route 53 health check id/],
        ["holdoff out of range", { preFailoverFailureSeconds: 7200 }, /PRE_FAILOVER_FAILURE_SECONDS is "7200"; expected an integer from 0 to 3600/],
        ["region malformed", { eksClusterRegion: "Europe" }, /EKS_CLUSTER_REGION is "Europe"; expected an AWS region/],
        ["namespace not a DNS label", { namespace: "Logging" }, /KUBERNETES_NAMESPACE is "Logging"/],
        ["recheck interval zero", { recheckIntervalSeconds: 0 }, /RECHECK_INTERVAL_SECONDS is "0"; expected an integer from 1 to 600/],
        ["endpoint over plain http", { eksClusterEndpoint: "http://api.example.com" }, /EKS_CLUSTER_ENDPOINT is "http:\/\/api.example.com"; expected the EKS cluster's API server URL \(https:\/\/<host>.*https is required because the EKS bearer token .* travels on it/],
        ["endpoint over plain http on loopback", { eksClusterEndpoint: "http://127.0.0.1:6443" }, /EKS_CLUSTER_ENDPOINT is "http:\/\/127.0.0.1:6443"; expected .*https is required/],
        ["endpoint with a path", { eksClusterEndpoint: "https://api.example.com/clusters/x" }, /EKS_CLUSTER_ENDPOINT is "https:\/\/api.example.com\/clusters\/x"/],
        ["endpoint missing", { eksClusterEndpoint: "" }, /EKS_CLUSTER_ENDPOINT is not set/],
        ["CA as PEM text instead of base64", { eksClusterCertificateAuthority: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----" },
            /EKS_CLUSTER_CA_DATA is .*; expected the EKS cluster's certificateAuthority.data \(base64 of a PEM certificate, on one line\)/],
        ["CA truncated (not padded base64)", { eksClusterCertificateAuthority: CA_DATA.slice(0, -3) }, /EKS_CLUSTER_CA_DATA is /],
        ["recheck interval as long as the gap allowance", { recheckIntervalSeconds: 40, holdoffGapSeconds: 40 },
            /RECHECK_INTERVAL_SECONDS \(40\) must be less than HOLDOFF_GAP_SECONDS \(40\), so the function's readings while it waits join into one failing run/],
        ["gap allowance zero", { holdoffGapSeconds: 0 }, /HOLDOFF_GAP_SECONDS is "0"; expected an integer from 1 to 1200/],
        ["alarm name missing", { failoverAlarmName: "" }, /FAILOVER_ALARM_NAME is not set; expected a CloudWatch alarm name/],
        ["alarm name too long", { failoverAlarmName: "a".repeat(256) }, /FAILOVER_ALARM_NAME is "a{256}"; expected a CloudWatch alarm name \(1-255 characters/],
    ];
    for (const [what, overrides, message] of cases) {
        it(`rejects ${what}, naming the variable`, () => {
            assert.throws(() => awsFailoverEnvironment(awsEnvSettings(overrides)), message);
        });
    }

    it("refuses a CA that is base64 but not a PEM certificate, naming the variable", () => {
        const env = readAwsFailoverEnv(awsFailoverEnvironment(awsEnvSettings({ eksClusterCertificateAuthority: Buffer.from("not a cert").toString("base64") })));
        assert.throws(() => eksCaPem(env), /EKS_CLUSTER_CA_DATA does not decode to a PEM certificate \(no "-----BEGIN CERTIFICATE-----" line\)/);
    });

    it("keeps within Lambda's 4 KB environment, naming the largest value when it does not", () => {
        // A real EKS CA (RSA 2048, about 1.5 KB of base64) leaves room to spare.
        const realistic = Buffer.from(`-----BEGIN CERTIFICATE-----\n${"A".repeat(1040)}\n-----END CERTIFICATE-----\n`).toString("base64");
        const env = awsFailoverEnvironment(awsEnvSettings({ eksClusterCertificateAuthority: realistic }));
        const bytes = Object.entries(env).reduce((n, [k, v]) => n + k.length + v.length, 0);
        assert.ok(bytes < LAMBDA_ENVIRONMENT_MAX_BYTES, `${bytes} bytes`);
        const huge = Buffer.from(`-----BEGIN CERTIFICATE-----\n${"A".repeat(3200)}\n-----END CERTIFICATE-----\n`).toString("base64");
        assert.throws(() => awsFailoverEnvironment(awsEnvSettings({ eksClusterCertificateAuthority: huge })),
            /failover function environment: \d+ bytes in total, Lambda allows 4096; the largest value is EKS_CLUSTER_CA_DATA \(\d+ bytes\)/);
    });

    it("names a missing variable when reading", () => {
        const env = awsFailoverEnvironment(awsEnvSettings());
        delete env[AWS_FAILOVER_ENV_VARS.cooldownParameterName];
        assert.throws(() => readAwsFailoverEnv(env), /COOLDOWN_PARAMETER_NAME is not set/);
        assert.throws(() => readAwsFailoverEnv({ ...env, REQUIRE_HEALTHY_SECONDARY: "yes" }), /REQUIRE_HEALTHY_SECONDARY is "yes"; expected "true" or "false"/);
    });
});
