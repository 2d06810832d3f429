import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { loadConfig } from "../../config/load";
import { commonClusterArgs } from "../../components/logscale/common";
import { findResource } from "../../scripts/mock/engine";
import { primaryConfig, runAws, secondaryConfig, snapshotOf } from "../aws/fixtures";

const P = "logscale-dr";
const PASSWORD = "shared-admin-password-4711";

const RAW: Record<"aws" | "azure" | "oci", Record<string, string>> = {
    aws: { "aws:region": "us-east-2" },
    azure: { "azure-native:location": "eastus2" },
    oci: {
        "oci:region": "us-ashburn-1",
        [`${P}:ociCompartmentId`]: "ocid1.compartment.oc1..aaaaaaaatestcompartment",
        [`${P}:ociTenancyId`]: "ocid1.tenancy.oc1..aaaaaaaatesttenancy",
        [`${P}:ociObjectStorageNamespace`]: "testnamespace",
    },
};

function config(cloud: keyof typeof RAW, extra: Record<string, string> = {}) {
    return loadConfig({
        ...RAW[cloud],
        [`${P}:cloud`]: cloud,
        [`${P}:dr`]: "active",
        [`${P}:clusterName`]: "logs",
        [`${P}:logscaleVersion`]: "1.252.1",
        [`${P}:globalHostname`]: "logscale.example.com",
        [`${P}:dnsZoneName`]: "example.com",
        [`${P}:manageGlobalDns`]: "true",
        [`${P}:acmeEmail`]: "sre@example.com",
        [`${P}:logscaleLicense`]: "license-text",
        [`${P}:extraEnvVars`]: JSON.stringify(["LOG4J_CONFIGURATION=log4j2-json-stdout.xml"]),
        ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [`${P}:${k}`, v])),
    }, "primary", P);
}

function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise(resolve => o.apply(v => { resolve(v); return v; }));
}

describe("commonClusterArgs (the LogScaleCluster arguments every cloud passes through from config)", () => {
    for (const cloud of ["aws", "azure", "oci"] as const) {
        it(`${cloud}: exactly the common fields, each the config's own value`, () => {
            const cfg = config(cloud, { drUseDedicatedRouting: "false" });
            const args = commonClusterArgs(cfg);
            assert.deepEqual(Object.keys(args).sort(), [
                "acmeEmail", "adminPassword", "cloud", "clusterName", "dr", "drUseDedicatedRouting", "extraEnv",
                "globalHostname", "hostname", "license", "logscaleVersion",
            ]);
            assert.equal(args.cloud, cloud);
            assert.equal(args.clusterName, "logs");
            assert.equal(args.dr, "active");
            assert.equal(args.drUseDedicatedRouting, false);
            assert.equal(args.logscaleVersion, "1.252.1");
            assert.equal(args.license, cfg.license);
            assert.equal(args.hostname, cfg.hostname);
            assert.equal(args.globalHostname, "logscale.example.com");
            assert.equal(args.acmeEmail, "sre@example.com");
            assert.deepEqual(args.extraEnv, [{ name: "LOG4J_CONFIGURATION", value: "log4j2-json-stdout.xml" }]);
        });
    }

    it("passes logscaleAdminPassword through as the config's secret, and nothing when it is unset", async () => {
        const cfg = config("azure", { logscaleAdminPassword: PASSWORD });
        const args = commonClusterArgs(cfg);
        assert.equal(args.adminPassword, cfg.adminPassword);
        const password = args.adminPassword as pulumi.Output<string>;
        assert.equal(await pulumi.isSecret(password), true);
        assert.equal(await valueOf(password), PASSWORD);
        assert.equal(commonClusterArgs(config("azure")).adminPassword, undefined);
    });

    it("both stacks of a pair log in with the shared admin password, and neither generates one", async function () {
        this.timeout(30000);
        const extra = { "logscale-dr:logscaleAdminPassword": PASSWORD };
        const primary = await runAws("primary", primaryConfig(extra));
        const secondary = await runAws("secondary", secondaryConfig(extra), name => (name === "primary" ? snapshotOf(primary) : undefined));
        for (const run of [primary, secondary]) {
            assert.deepEqual(run.errors.map(e => e.message), []);
            assert.equal(run.resources.some(r => r.type === "random:index/randomPassword:RandomPassword" && r.name.endsWith("-admin-password")), false);
            const envSecret = findResource(run, "kubernetes:core/v1:Secret", "logscale-env-secrets");
            assert.equal((envSecret.rawInputs.stringData as Record<string, string>).STATIC_USERS, `admin:${PASSWORD}`);
            assert.ok(envSecret.secretPaths.includes("stringData"));
        }
    });
});
