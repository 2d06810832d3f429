import { strict as assert } from "assert";
import { isConfigError } from "../../config/errors";
import { buildLogScaleEnv, envList, envSecretData, type LogScaleEnvInput } from "../../components/logscale/env";
import { envSecretName, kafkaCaSecretName } from "../../components/logscale/names";
import type { DrMode } from "../../config/load";
import type { EnvSet } from "../../components/logscale/types";

const storageEnv: EnvSet = {
    S3_STORAGE_BUCKET: { value: "logscale-secondary" },
    S3_STORAGE_REGION: { value: "us-east-2" },
    S3_STORAGE_ENCRYPTION_KEY: { secret: "own-key" },
};
const recoveryEnv: EnvSet = {
    S3_RECOVER_FROM_BUCKET: { value: "logscale-primary" },
    S3_RECOVER_FROM_REGION: { value: "us-west-2" },
    S3_RECOVER_FROM_ENCRYPTION_KEY: { secret: "primary-key" },
    S3_RECOVER_FROM_REPLACE_REGION: { value: "us-west-2/us-east-2" },
    S3_RECOVER_FROM_REPLACE_BUCKET: { value: "logscale-primary/logscale-secondary" },
};
const input = (over: Partial<LogScaleEnvInput> = {}): LogScaleEnvInput => ({
    stack: "secondary",
    clusterName: "logscale",
    globalHostname: "logscale.example.com",
    staticUsers: "admin:pw",
    storageEnv,
    ...over,
});
const value = (env: ReturnType<typeof buildLogScaleEnv>, name: string) => {
    const v = env[name];
    assert.ok(v && "value" in v, `${name} should be a plain value, got ${JSON.stringify(v)}`);
    return (v as { value: unknown }).value;
};
const configError = (fn: () => unknown, ...parts: RegExp[]) => {
    let caught: unknown;
    try { fn(); } catch (e) { caught = e; }
    assert.ok(isConfigError(caught), `expected a ConfigError, got ${String(caught)}`);
    assert.equal(caught.key, "logscale-dr:extraEnvVars");
    for (const p of parts) assert.match(caught.message, p);
};

describe("logscale env: buildLogScaleEnv", () => {
    const modes: [DrMode | undefined, string, string | undefined][] = [
        ["standby", "false", "true"],
        ["active", "true", "true"],
        [undefined, "true", undefined],
    ];
    for (const [dr, alerts, multi] of modes) {
        it(`dr=${dr ?? "(unset)"}: ENABLE_ALERTS=${alerts}, BUCKET_STORAGE_MULTIPLE_ENDPOINTS=${multi ?? "(absent)"}`, () => {
            const env = buildLogScaleEnv(input({ dr, recoveryEnv: dr === "standby" ? recoveryEnv : undefined }));
            assert.equal(value(env, "ENABLE_ALERTS"), alerts);
            if (multi) assert.equal(value(env, "BUCKET_STORAGE_MULTIPLE_ENDPOINTS"), multi);
            else assert.equal(env.BUCKET_STORAGE_MULTIPLE_ENDPOINTS, undefined);
            assert.equal("S3_RECOVER_FROM_BUCKET" in env, dr === "standby");
            assert.equal(env.ALLOW_KAFKA_RESET_UNTIL_TIMESTAMP_MS, undefined);
        });
    }

    it("points LogScale at the Strimzi TLS listener with the cluster CA truststore", () => {
        const env = buildLogScaleEnv(input({ clusterName: "ls1" }));
        assert.equal(value(env, "KAFKA_SERVERS"), "ls1-strimzi-kafka-kafka-bootstrap.logging.svc:9093");
        assert.equal(value(env, "KAFKA_COMMON_SECURITY_PROTOCOL"), "SSL");
        assert.equal(value(env, "KAFKA_COMMON_SSL_TRUSTSTORE_TYPE"), "PKCS12");
        assert.equal(value(env, "KAFKA_COMMON_SSL_TRUSTSTORE_LOCATION"), "/tmp/kafka/ca.p12");
        assert.deepEqual(env.KAFKA_COMMON_SSL_TRUSTSTORE_PASSWORD, { secretKeyRef: { name: kafkaCaSecretName("ls1"), key: "ca.password" } });
        assert.equal(value(env, "PUBLIC_URL"), "https://logscale.example.com");
        assert.equal(value(env, "AUTHENTICATION_METHOD"), "static");
        assert.deepEqual(env.STATIC_USERS, { secret: "admin:pw" });
    });

    it("every secret reaches the pod by secretKeyRef into the env Secret, never as a value", () => {
        const env = buildLogScaleEnv(input({ dr: "standby", recoveryEnv }));
        const list = envList(env, envSecretName("logscale"));
        const data = envSecretData(env);
        assert.deepEqual(Object.keys(data), ["S3_RECOVER_FROM_ENCRYPTION_KEY", "S3_STORAGE_ENCRYPTION_KEY", "STATIC_USERS"]);
        assert.deepEqual(data.S3_RECOVER_FROM_ENCRYPTION_KEY, "primary-key");
        for (const name of Object.keys(data)) {
            const e = list.find(x => x.name === name)!;
            assert.equal(e.value, undefined, name);
            assert.deepEqual(e.valueFrom, { secretKeyRef: { name: "logscale-env-secrets", key: name } });
        }
        const serialized = JSON.stringify(list);
        for (const secret of ["own-key", "primary-key", "admin:pw"]) assert.ok(!serialized.includes(secret), secret);
        for (const e of list) assert.ok((e.value === undefined) !== (e.valueFrom === undefined), `${e.name}: exactly one of value/valueFrom`);
    });

    it("the env list has each name once, sorted, whatever the input order", () => {
        const a = envList(buildLogScaleEnv(input({ dr: "standby", recoveryEnv, extraEnv: [{ name: "ZZ_TUNING", value: "1" }, { name: "AA_TUNING", value: "2" }] })), "s");
        const names = a.map(e => e.name);
        assert.equal(new Set(names).size, names.length);
        assert.deepEqual(names, [...names].sort());
        assert.ok(names.includes("AA_TUNING") && names.includes("ZZ_TUNING"));
    });

    it("user extra env may not override a name the program sets, and says which and why", () => {
        configError(() => buildLogScaleEnv(input({ extraEnv: [{ name: "KAFKA_SERVERS", value: "evil:9092" }] })),
            /KAFKA_SERVERS/, /set by logscale-dr/, /may not be overridden/, /stack "secondary"/);
        configError(() => buildLogScaleEnv(input({ extraEnv: [{ name: "S3_STORAGE_BUCKET", value: "x" }] })), /S3_STORAGE_BUCKET/, /storageEnv/);
        configError(() => buildLogScaleEnv(input({ dr: "standby", recoveryEnv, extraEnv: [{ name: "S3_RECOVER_FROM_BUCKET", value: "x" }] })), /recoveryEnv/);
        configError(() => buildLogScaleEnv(input({ extraEnv: [{ name: "NODE_ROLES", value: "all" }] })), /NODE_ROLES/, /node pool/);
        configError(() => buildLogScaleEnv(input({ extraEnv: [{ name: "TLS_KEYSTORE_LOCATION", value: "/x" }] })), /humio-operator/);
        configError(() => buildLogScaleEnv(input({ extraEnv: [{ name: "ENABLE_ALERTS", value: "true" }], dr: "standby" })), /ENABLE_ALERTS/);
        configError(() => buildLogScaleEnv(input({ extraEnv: [{ name: "SMTP_PASSWORD", value: "p" }] })), /SMTP_PASSWORD/, /plain/);
    });

    it("ALLOW_KAFKA_RESET_UNTIL_TIMESTAMP_MS and AZURE_RECOVER_FROM_REPLACE_BUCKET can never appear", () => {
        configError(() => buildLogScaleEnv(input({ extraEnv: [{ name: "ALLOW_KAFKA_RESET_UNTIL_TIMESTAMP_MS", value: "1" }] })), /must never be set/, /Kafka/);
        assert.throws(() => buildLogScaleEnv(input({ storageEnv: { ...storageEnv, ALLOW_KAFKA_RESET_UNTIL_TIMESTAMP_MS: { value: "1" } } })),
            /ALLOW_KAFKA_RESET_UNTIL_TIMESTAMP_MS, which must never be set/);
        assert.throws(() => buildLogScaleEnv(input({ dr: "standby", recoveryEnv: { AZURE_RECOVER_FROM_REPLACE_BUCKET: { value: "a/b" } } })),
            /AZURE_RECOVER_FROM_REPLACE_BUCKET, which must never be set: .*403/);
    });

    it("rejects cloud env that would leak a credential or mix storage and recovery", () => {
        assert.throws(() => buildLogScaleEnv(input({ storageEnv: { AZURE_STORAGE_ACCOUNTKEY: { value: "k" } } })), /AZURE_STORAGE_ACCOUNTKEY as a plain value/);
        assert.throws(() => buildLogScaleEnv(input({ storageEnv: { S3_RECOVER_FROM_BUCKET: { value: "b" } } })), /belong in recoveryEnv/);
        assert.throws(() => buildLogScaleEnv(input({ recoveryEnv: { S3_STORAGE_BUCKET: { value: "b" } } })), /only \*_RECOVER_FROM_\*/);
        assert.throws(() => buildLogScaleEnv(input({ storageEnv: { ENABLE_ALERTS: { value: "true" } } })), /ENABLE_ALERTS is set twice/);
    });

    it("keeps legitimate user tuning", () => {
        const env = buildLogScaleEnv(input({ extraEnv: [{ name: "HUMIO_MEMORY_OPTS", value: "-Xss2m" }] }));
        assert.equal(value(env, "HUMIO_MEMORY_OPTS"), "-Xss2m");
    });
});
