import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { loadConfig } from "../../config/load";
import { CONFIG_KEYS, KeySpec } from "../../config/keys";
import { ConfigError, isConfigError } from "../../config/errors";

const P = "logscale-dr";
const base: Record<string, string> = {
    "aws:region": "us-east-2",
    [`${P}:cloud`]: "aws",
    [`${P}:dr`]: "standby",
    [`${P}:primaryStack`]: "primary",
    [`${P}:globalHostname`]: "logscale.example.com",
    [`${P}:dnsZoneName`]: "example.com",
    [`${P}:logscaleLicense`]: "license-text",
};

function load(overrides: Record<string, string | undefined> = {}, stack = "secondary") {
    const raw: Record<string, string> = { ...base };
    for (const [k, v] of Object.entries(overrides)) {
        const key = k.includes(":") ? k : `${P}:${k}`;
        if (v === undefined) delete raw[key];
        else raw[key] = v;
    }
    return loadConfig(raw, stack, P);
}

function expectError(overrides: Record<string, string | undefined>, key: string, allowedPattern: RegExp): ConfigError {
    try {
        load(overrides);
    } catch (e) {
        assert.ok(isConfigError(e), `expected ConfigError, got ${e}`);
        const err = e as ConfigError;
        assert.equal(err.key, key);
        assert.equal(err.stack, "secondary");
        assert.match(err.allowed, allowedPattern);
        assert.ok(err.message.includes(key) && err.message.includes('"secondary"'), err.message);
        assert.equal(err.message.split("\n").length, 1);
        return err;
    }
    assert.fail(`expected a ConfigError for ${key}`);
}

describe("config loader: readiness and notifications", () => {
    it("defaults to a 5-minute readiness interval and no subscribers", () => {
        const cfg = load();
        assert.equal(cfg.readinessIntervalMinutes, 5);
        assert.deepEqual(cfg.notify.emails, []);
        assert.equal(cfg.notify.webhookUrl, undefined);
    });
    it("takes 0 (off) to 60 minutes, refuses the rest", () => {
        assert.equal(load({ readinessIntervalMinutes: "0" }).readinessIntervalMinutes, 0);
        assert.equal(load({ readinessIntervalMinutes: "60" }).readinessIntervalMinutes, 60);
        expectError({ readinessIntervalMinutes: "61" }, `${P}:readinessIntervalMinutes`, /integer from 0 to 60/);
        expectError({ readinessIntervalMinutes: "-1" }, `${P}:readinessIntervalMinutes`, /integer from 0 to 60/);
    });
    it("names the entry of notifyEmails that is not an address, and a duplicate", () => {
        assert.deepEqual(load({ notifyEmails: JSON.stringify(["a@example.com", "b@example.org"]) }).notify.emails, ["a@example.com", "b@example.org"]);
        const err = expectError({ notifyEmails: JSON.stringify(["a@example.com", "oncall"]) }, `${P}:notifyEmails`, /entry 2 is not an e-mail address/);
        assert.match(err.message, /"oncall"/);
        expectError({ notifyEmails: JSON.stringify(["a@example.com", "A@example.com"]) }, `${P}:notifyEmails`, /listed twice/);
        expectError({ notifyEmails: "\"a@example.com\"" }, `${P}:notifyEmails`, /must be a list/);
    });
    it("wants an https webhook and never prints its value", () => {
        assert.ok(load({ notifyWebhookUrl: "https://hooks.example.com/x" }).notify.webhookUrl);
        const err = expectError({ notifyWebhookUrl: "http://hooks.example.com/token-abc" }, `${P}:notifyWebhookUrl`, /https:\/\//);
        assert.ok(!err.message.includes("token-abc"), err.message);
        expectError({ notifyWebhookUrl: "not a url" }, `${P}:notifyWebhookUrl`, /https:\/\//);
    });
});

describe("config loader", () => {
    it("applies defaults from the key table", () => {
        const cfg = load();
        assert.equal(cfg.cloud, "aws");
        assert.equal(cfg.region, "us-east-2");
        assert.equal(cfg.dr, "standby");
        assert.equal(cfg.drUseDedicatedRouting, true);
        assert.equal(cfg.clusterSize, "xsmall");
        assert.equal(cfg.failover.preFailoverFailureSeconds, 180);
        assert.equal(cfg.failover.cooldownSeconds, 300);
        assert.equal(cfg.failover.healthCheckIntervalSeconds, 10);
        assert.equal(cfg.failover.healthCheckFailureThreshold, 3);
        assert.equal(cfg.hostname, "logscale-us-east-2.example.com");
        assert.equal(cfg.acmeEmail, "hostmaster@example.com");
        assert.deepEqual(cfg.extraEnvVars, []);
    });

    it("leaves dr unset for a stack without DR", () => {
        const cfg = load({ dr: undefined, primaryStack: undefined, manageGlobalDns: "true" });
        assert.equal(cfg.dr, undefined);
    });

    it("reads extra env vars as NAME=value", () => {
        const cfg = load({ extraEnvVars: JSON.stringify(["LOG4J_FORMAT_MSG_NO_LOOKUPS=true", "X=a=b"]) });
        assert.deepEqual(cfg.extraEnvVars, [{ name: "LOG4J_FORMAT_MSG_NO_LOOKUPS", value: "true" }, { name: "X", value: "a=b" }]);
    });

    const errors: [string, Record<string, string | undefined>, string, RegExp][] = [
        ["unknown cloud", { cloud: "gcp" }, `${P}:cloud`, /aws, azure, oci/],
        ["unknown dr mode", { dr: "passive" }, `${P}:dr`, /active, standby/],
        ["unknown key", { drMode: "standby" }, `${P}:drMode`, /unknown key/],
        ["mistyped key, with the nearest key suggested before the list", { clustrSize: "small" }, `${P}:clustrSize`, /unknown key; did you mean clusterSize\? allowed keys are cloud, /],
        ["a key with no near match, without a suggestion", { zzzzzzzzzz: "1" }, `${P}:zzzzzzzzzz`, /unknown key; allowed keys are /],
        ["boolean of the wrong type", { drUseDedicatedRouting: "yes" }, `${P}:drUseDedicatedRouting`, /boolean/],
        ["integer of the wrong type", { preFailoverFailureSeconds: "3m" }, `${P}:preFailoverFailureSeconds`, /integer/],
        ["integer out of range", { failoverCooldownSeconds: "-1" }, `${P}:failoverCooldownSeconds`, /integer from 0/],
        ["health check interval not allowed on the cloud", { healthCheckIntervalSeconds: "60" }, `${P}:healthCheckIntervalSeconds`, /10, 30/],
        ["a DNS TTL on AWS, where the alias record takes the load balancer's fixed 60 s", { dnsTtlSeconds: "30" }, `${P}:dnsTtlSeconds`, /alias of the ingress load balancer.*fixed 60 s TTL; leave it unset or 60/],
        ["standby without primaryStack or fallback", { primaryStack: undefined }, `${P}:primaryStack`, /primaryStorageBucket/],
        ["unpinned or old LogScale version", { logscaleVersion: "latest" }, `${P}:logscaleVersion`, /1\.235\.0/],
        ["LogScale version without recover-from support", { logscaleVersion: "1.200.0" }, `${P}:logscaleVersion`, /recover-from/],
        ["missing license", { logscaleLicense: undefined }, `${P}:logscaleLicense`, /--secret/],
        ["missing region", { "aws:region": undefined }, "aws:region", /aws:region/],
        ["not an AWS region", { "aws:region": "mars-1" }, "aws:region", /AWS region/],
        ["an AWS-shaped name that is not a region, naming the allowed ones", { "aws:region": "us-west-9" }, "aws:region", /an AWS region: af-south-1, .*us-west-2/],
        ["an Azure location that does not exist, naming the allowed ones", { cloud: "azure", "azure-native:location": "westus9" }, "azure-native:location", /an Azure location name .*: australiacentral, .*westus2/],
        ["hostname outside the zone", { globalHostname: "logscale.example.org" }, `${P}:globalHostname`, /inside dnsZoneName/],
        ["hostname that is not a DNS name", { globalHostname: "log_scale.example.com" }, `${P}:globalHostname`, /DNS name/],
        ["ALLOW_KAFKA_RESET_UNTIL_TIMESTAMP_MS in extra env", { extraEnvVars: JSON.stringify(["ALLOW_KAFKA_RESET_UNTIL_TIMESTAMP_MS=1"]) }, `${P}:extraEnvVars`, /Kafka Epoch Key/],
        ["AZURE_RECOVER_FROM_REPLACE_BUCKET in extra env", { extraEnvVars: JSON.stringify(["AZURE_RECOVER_FROM_REPLACE_BUCKET=a/b"]) }, `${P}:extraEnvVars`, /403/],
        ["duplicate env var name", { extraEnvVars: JSON.stringify(["A=1", "A=2"]) }, `${P}:extraEnvVars`, /duplicate env var name A/],
        ["env entry not NAME=value", { extraEnvVars: JSON.stringify([{ name: "A", value: "1" }]) }, `${P}:extraEnvVars`, /NAME=value/],
        ["env list that is not a list", { extraEnvVars: "A=1" }, `${P}:extraEnvVars`, /list/],
        ["zone both managed and given", { manageGlobalDns: "true", dnsZoneId: "Z1" }, `${P}:dnsZoneId`, /must be unset/],
        ["no zone source on a primary", { dr: "active", primaryStack: undefined }, `${P}:dnsZoneId`, /manageGlobalDns/],
        ["primaryStack naming itself", { primaryStack: "secondary" }, `${P}:primaryStack`, /other stack/],
        ["reverse recovery on a standby", { recoverFrom: "secondary", secondaryStack: "primary2" }, `${P}:recoverFrom`, /primary/],
        ["reverse recovery without secondaryStack", { dr: "active", primaryStack: undefined, manageGlobalDns: "true", recoverFrom: "secondary" }, `${P}:secondaryStack`, /recoverFrom/],
        ["OCI without compartment", { cloud: "oci", "oci:region": "us-ashburn-1" }, `${P}:ociCompartmentId`, /compartment OCID/],
        ["OCI region that is not an OCI region", { cloud: "oci", "oci:region": "us-east-2" }, "oci:region", /us-ashburn-1/],
        ["cluster name with capitals", { clusterName: "LogScale" }, `${P}:clusterName`, /lower-case/],
    ];
    for (const [title, overrides, key, allowed] of errors) {
        it(`rejects ${title}`, () => { expectError(overrides, key, allowed); });
    }

    it("accepts a standby with the fallback values instead of primaryStack and keeps secrets secret", async () => {
        const cfg = load({
            primaryStack: undefined,
            primaryRegion: "us-west-2",
            primaryStorageBucket: "primary-bucket",
            primaryStorageEncryptionKey: "k3y",
            primaryDnsZoneId: "Z123",
        });
        assert.equal(cfg.primaryFallback.storageBucket, "primary-bucket");
        const key = cfg.primaryFallback.storageEncryptionKey as any;
        assert.equal(await key.isSecret, true);
        assert.equal(await (cfg.license as any).isSecret, true);
    });
});

describe("config loader: dnsTtlSeconds per cloud", () => {
    it("AWS takes it unset or 60 (the alias's own TTL); Azure and OCI take any value in range", () => {
        assert.equal(load({}).dnsTtlSeconds, 60);
        assert.equal(load({ dnsTtlSeconds: "60" }).dnsTtlSeconds, 60);
        assert.equal(load({ cloud: "azure", "aws:region": undefined, "azure-native:location": "eastus2", dnsTtlSeconds: "30" }).dnsTtlSeconds, 30);
    });
});

describe("Pulumi.yaml config schema", () => {
    const project = parse(fs.readFileSync(path.join(__dirname, "../../Pulumi.yaml"), "utf8"));

    it("declares exactly the keys of the config table, each with type, description and default", () => {
        assert.deepEqual(Object.keys(project.config).sort(), Object.keys(CONFIG_KEYS).sort());
        for (const [key, spec0] of Object.entries(CONFIG_KEYS)) {
            const spec = spec0 as KeySpec;
            const decl = project.config[key];
            assert.equal(decl.type, spec.type, key);
            assert.ok(typeof decl.description === "string" && decl.description.length > 10, key);
            assert.equal(decl.default, spec.default, key);
            assert.equal(Boolean(decl.secret), Boolean(spec.secret), key);
        }
    });

    for (const stack of ["primary", "secondary"]) {
        it(`example stack ${stack} loads without errors`, () => {
            const file = parse(fs.readFileSync(path.join(__dirname, `../../Pulumi.${stack}.yaml`), "utf8"));
            const raw: Record<string, string> = {};
            for (const [k, v] of Object.entries(file.config as Record<string, unknown>)) {
                raw[k] = typeof v === "object" && v !== null && "secure" in v ? "offline-secret" : String(v);
            }
            const cfg = loadConfig(raw, stack, P);
            assert.equal(cfg.cloud, "aws");
            assert.equal(cfg.dr, stack === "primary" ? "active" : "standby");
        });
    }
});
