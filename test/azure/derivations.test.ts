import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { azureRecoveryEnv, azureStorageEnv, blobEndpointBase, replaceRegion } from "../../components/azure/env";
import { aksIngressExposure } from "../../components/azure/ingress";
import { aksKubeconfig, parseAksKubeconfig } from "../../components/azure/kubeconfig";
import {
    addressPlan, endpointName, functionAppName, publicIpDnsLabel, relativeRecordName, storageAccountName, trafficManagerRelativeName,
} from "../../components/azure/names";
import { aksPoolSpecs } from "../../components/azure/pools";
import { namespaceScope, resourceGroupIdOf } from "../../components/azure/roles";
import { ENDPOINT_IGNORE_CHANGES, ENDPOINT_PRIORITY, monitorConfig } from "../../components/azure/trafficmanager";
import { assertDifferentLocations, dnsZoneFromId, parseDnsZoneId } from "../../components/azure/validate";
import { clusterLayout } from "../../components/logscale/sizing";
import { NODE_ROLE_LABEL } from "../../components/logscale/types";

const value = <T>(o: pulumi.Input<T>): Promise<T> => new Promise(resolve => pulumi.output(o).apply(v => { resolve(v as T); return v; }));

describe("azure: names", () => {
    it("endpoint names come from the pair role, never from dr", () => {
        assert.equal(endpointName("primary"), "primary");
        assert.equal(endpointName("secondary"), "secondary");
    });

    it("storage account names are 3-24 lower-case alphanumerics and keep the suffix whole", () => {
        const long = storageAccountName("my-very-long-cluster-name", "data", "0a1b2c3d");
        assert.match(long, /^[a-z0-9]{3,24}$/);
        assert.ok(long.endsWith("0a1b2c3d"));
        assert.equal(storageAccountName("logscale", "fn", "0a1b2c3d"), "logscalefn0a1b2c3d");
        assert.notEqual(storageAccountName("logscale", "fn", "x1"), storageAccountName("logscale", "data", "x1"));
    });

    it("the function app name fits the 60-character host name limit and ends with the suffix", () => {
        const name = functionAppName("a-cluster-name-that-is-rather-long", "southeastasia", "0a1b2c3d");
        assert.ok(name.length <= 60, name);
        assert.match(name, /-failover-0a1b2c3d$/);
    });

    it("the Traffic Manager relative name is the global hostname flattened, hashed when longer than a label", () => {
        assert.equal(trafficManagerRelativeName("logscale.example.com"), "logscale-example-com");
        const long = trafficManagerRelativeName(`${"a".repeat(40)}.${"b".repeat(40)}.example.com`);
        assert.ok(long.length <= 63, long);
        assert.notEqual(long, trafficManagerRelativeName(`${"a".repeat(40)}.${"b".repeat(40)}.example.org`));
    });

    it("public IP labels are valid DNS labels", () => {
        assert.equal(publicIpDnsLabel("logscale", "0a1b2c3d"), "logscale-0a1b2c3d");
        assert.throws(() => publicIpDnsLabel("9bad", "x"), /not a valid label/);
    });

    it("each side of a pair gets its own VNet range; pod and service ranges stay off both", () => {
        const p = addressPlan("primary");
        const s = addressPlan("secondary");
        assert.notEqual(p.vnet, s.vnet);
        for (const plan of [p, s]) {
            assert.ok(!plan.podCidr.startsWith(plan.vnet.split(".").slice(0, 2).join(".")));
            assert.ok(plan.dnsServiceIP.startsWith("172.16."));
        }
    });

    it("record names are relative to the zone, undefined outside it", () => {
        assert.equal(relativeRecordName("logscale.example.com", "example.com"), "logscale");
        assert.equal(relativeRecordName("a.b.example.com", "Example.com"), "a.b");
        assert.equal(relativeRecordName("example.com", "example.com"), "@");
        assert.equal(relativeRecordName("logscale.example.org", "example.com"), undefined);
    });
});

describe("azure: storage and recover-from env", () => {
    const bucket = {
        accountName: "primaryacct",
        container: "logscale",
        endpointBase: blobEndpointBase("primaryacct"),
        accountKey: "ACCOUNT-KEY",
        encryptionKey: "ENCRYPTION-KEY",
    };

    it("AZURE_STORAGE_* carries the account, container and endpoint as values and both keys as secrets", async () => {
        const env = azureStorageEnv(bucket, "cluster-a/");
        assert.deepEqual(Object.keys(env).sort(), [
            "AZURE_STORAGE_ACCOUNTKEY", "AZURE_STORAGE_ACCOUNTNAME", "AZURE_STORAGE_BUCKET", "AZURE_STORAGE_ENCRYPTION_KEY",
            "AZURE_STORAGE_ENDPOINT_BASE", "AZURE_STORAGE_OBJECT_KEY_PREFIX", "AZURE_STORAGE_USE_HTTP_PROXY",
        ]);
        assert.deepEqual(env.AZURE_STORAGE_ACCOUNTKEY, { secret: "ACCOUNT-KEY" });
        assert.deepEqual(env.AZURE_STORAGE_ENCRYPTION_KEY, { secret: "ENCRYPTION-KEY" });
        assert.deepEqual(env.AZURE_STORAGE_ENDPOINT_BASE, { value: "https://primaryacct.blob.core.windows.net" });
        assert.deepEqual(env.AZURE_STORAGE_OBJECT_KEY_PREFIX, { value: "cluster-a/" });
        // Set once, by the LogScale layer, for every stack with dr.
        assert.equal("BUCKET_STORAGE_MULTIPLE_ENDPOINTS" in env, false);
        assert.equal("AZURE_STORAGE_OBJECT_KEY_PREFIX" in azureStorageEnv(bucket), false);
    });

    it("AZURE_RECOVER_FROM_* points at the peer's own account and never replaces the bucket", async () => {
        const env = azureRecoveryEnv({ ...bucket, location: "westus2", objectKeyPrefix: undefined }, "eastus2");
        assert.deepEqual(Object.keys(env).sort(), [
            "AZURE_RECOVER_FROM_ACCOUNTKEY", "AZURE_RECOVER_FROM_ACCOUNTNAME", "AZURE_RECOVER_FROM_BUCKET", "AZURE_RECOVER_FROM_ENCRYPTION_KEY",
            "AZURE_RECOVER_FROM_ENDPOINT_BASE", "AZURE_RECOVER_FROM_REPLACE_REGION",
        ]);
        assert.equal("AZURE_RECOVER_FROM_REPLACE_BUCKET" in env, false);
        assert.deepEqual(env.AZURE_RECOVER_FROM_ACCOUNTKEY, { secret: "ACCOUNT-KEY" });
        assert.deepEqual(env.AZURE_RECOVER_FROM_ENCRYPTION_KEY, { secret: "ENCRYPTION-KEY" });
        assert.equal(await value((env.AZURE_RECOVER_FROM_REPLACE_REGION as { value: pulumi.Input<string> }).value), "westus2/eastus2");
        // A peer writing at the container root gets no prefix variable, not an empty one.
        assert.equal("AZURE_RECOVER_FROM_OBJECT_KEY_PREFIX" in azureRecoveryEnv({ ...bucket, location: "westus2", objectKeyPrefix: "" }, "eastus2"), false);
        const prefixed = azureRecoveryEnv({ ...bucket, location: "westus2", objectKeyPrefix: "p/" }, "eastus2");
        assert.deepEqual(Object.keys(prefixed).filter(k => !(k in env)), ["AZURE_RECOVER_FROM_OBJECT_KEY_PREFIX"]);
        assert.equal(await value((prefixed.AZURE_RECOVER_FROM_OBJECT_KEY_PREFIX as { value: pulumi.Input<string> }).value), "p/");
    });

    it("REPLACE_REGION is source/target and refuses one location for both", () => {
        assert.equal(replaceRegion("eastus2", "westus2"), "eastus2/westus2");
        assert.throws(() => replaceRegion("westus2", "WestUS2"), /same as this stack.*two different Azure locations/);
        assert.throws(() => replaceRegion("", "westus2"), /needs both locations/);
    });
});

describe("azure: Traffic Manager settings", () => {
    it("probes HTTPS /api/v1/status with the global Host header and the longest allowed timeout", () => {
        const ten = monitorConfig(10, 3, "logscale.example.com");
        assert.equal(ten.protocol, "HTTPS");
        assert.equal(ten.port, 443);
        assert.equal(ten.path, "/api/v1/status");
        assert.equal(ten.intervalInSeconds, 10);
        assert.equal(ten.timeoutInSeconds, 9);
        assert.equal(ten.toleratedNumberOfFailures, 3);
        assert.deepEqual(ten.customHeaders, [{ name: "Host", value: "logscale.example.com" }]);
        assert.equal(monitorConfig(30, 3, "x.example.com").timeoutInSeconds, 10);
    });

    it("rejects intervals and failure counts Traffic Manager does not have", () => {
        assert.throws(() => monitorConfig(60, 3, "x.example.com"), /10 or 30/);
        assert.throws(() => monitorConfig(30, 10, "x.example.com"), /0-9/);
    });

    it("endpoints: priority by role, endpointStatus ignored so the lock survives pulumi up", () => {
        assert.deepEqual(ENDPOINT_PRIORITY, { primary: 1, secondary: 2 });
        assert.deepEqual(ENDPOINT_IGNORE_CHANGES, ["endpointStatus"]);
    });
});

describe("azure: AKS derivations", () => {
    it("standby: system, strimzi, digest (one node) and ingress pools, no ingest or UI", () => {
        const pools = aksPoolSpecs(clusterLayout("azure", "xsmall", "internal-ingest", "standby"));
        assert.deepEqual(pools.map(p => p.name), ["system", "strimzi", "digest", "ingress"]);
        const digest = pools.find(p => p.role === "digest")!;
        assert.equal(digest.count, 1);
        assert.equal(digest.autoscale, false);
        assert.equal(pools[0].mode, "System");
        for (const p of pools) {
            assert.match(p.name, /^[a-z][a-z0-9]{0,11}$/);
            assert.equal(Object.keys(p.nodeLabels)[0], NODE_ROLE_LABEL);
        }
    });

    it("active internal-ingest adds ingest and UI pools sized from the table; stateful pools never autoscale", () => {
        const pools = aksPoolSpecs(clusterLayout("azure", "xsmall", "internal-ingest", "active"));
        assert.deepEqual(pools.map(p => p.name), ["system", "strimzi", "digest", "ingest", "ui", "ingress"]);
        const digest = pools.find(p => p.role === "digest")!;
        assert.deepEqual([digest.vmSize, digest.count, digest.minCount, digest.maxCount], ["Standard_L8s_v3", 3, 3, 3]);
        assert.equal(pools.find(p => p.role === "kafka")!.autoscale, false);
        const ui = pools.find(p => p.role === "ui")!;
        assert.deepEqual([ui.autoscale, ui.count, ui.minCount, ui.maxCount], [true, 2, 1, 3]);
        assert.deepEqual(pools.find(p => p.role === "ingest")!.nodeLabels, { "k8s-app": "logscale-ingest" });
    });

    it("basic clusters have no ingest or UI pools even when active", () => {
        assert.deepEqual(aksPoolSpecs(clusterLayout("azure", "small", "basic", "active")).map(p => p.name), ["system", "strimzi", "digest", "ingress"]);
    });

    it("kubeconfig: server and CA from the AKS credentials, authentication through kubelogin and Entra ID", () => {
        const ca = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        const raw = `apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: ${Buffer.from(ca).toString("base64")}\n    server: https://aks-x.hcp.westus2.azmk8s.io:443\n  name: aks\nusers:\n- name: u\n  user:\n    token: should-not-be-copied\n`;
        const endpoint = parseAksKubeconfig(Buffer.from(raw).toString("base64"));
        assert.equal(endpoint.server, "https://aks-x.hcp.westus2.azmk8s.io:443");
        const kc = JSON.parse(aksKubeconfig("aks", endpoint, "tenant-1"));
        assert.equal(kc.clusters[0].cluster["certificate-authority-data"], Buffer.from(ca).toString("base64"));
        const exec = kc.users[0].user.exec;
        assert.equal(exec.command, "kubelogin");
        assert.deepEqual(exec.args, ["get-token", "--login", "azurecli", "--server-id", "6dae42f8-4368-4678-94ff-3960e28e3630", "--tenant-id", "tenant-1"]);
        assert.equal(JSON.stringify(kc).includes("should-not-be-copied"), false);
        assert.throws(() => parseAksKubeconfig(Buffer.from("apiVersion: v1\n").toString("base64")), /no https server/);
    });

    it("the ingress Service uses the stack's own static public IP", () => {
        const e = aksIngressExposure("logscale-ingress", "logscale-westus2");
        assert.equal(e.type, "LoadBalancer");
        assert.equal(e.annotations!["service.beta.kubernetes.io/azure-pip-name"], "logscale-ingress");
        assert.equal(e.annotations!["service.beta.kubernetes.io/azure-load-balancer-resource-group"], "logscale-westus2");
    });
});

describe("azure: RBAC scopes and input checks", () => {
    const aksId = "/subscriptions/s1/resourceGroups/rg-a/providers/Microsoft.ContainerService/managedClusters/aks";

    it("namespace scope and resource group of a resource id", () => {
        assert.equal(namespaceScope(aksId, "logging"), `${aksId}/namespaces/logging`);
        assert.equal(resourceGroupIdOf(aksId), "/subscriptions/s1/resourceGroups/rg-a");
        assert.throws(() => resourceGroupIdOf("/subscriptions/s1"), /not an Azure resource id/);
    });

    it("dnsZoneId must be an Azure DNS zone id of dnsZoneName", () => {
        const id = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/dns-rg/providers/Microsoft.Network/dnszones/example.com";
        assert.deepEqual(parseDnsZoneId(id), { subscriptionId: "00000000-0000-0000-0000-000000000001", resourceGroupName: "dns-rg", zoneName: "example.com" });
        assert.equal(dnsZoneFromId(id, "Example.com", "logscale-dr:dnsZoneId", "s").resourceGroupName, "dns-rg");
        assert.throws(() => dnsZoneFromId("Z123456", "example.com", "logscale-dr:dnsZoneId", "s"),
            /invalid config logscale-dr:dnsZoneId = "Z123456" in stack "s": on Azure, the resource id of an Azure DNS zone/);
        assert.throws(() => dnsZoneFromId(id, "example.org", "logscale-dr:dnsZoneId", "s"), /must name the zone of dnsZoneName example.org, not example.com/);
    });

    it("a pair in one location is refused, case-insensitively", () => {
        assert.throws(() => assertDifferentLocations("westus2", "WestUS2", "secondary", "logscale-dr:primaryRegion"),
            /logscale-dr:primaryRegion = "westus2" in stack "secondary".*two different Azure locations/);
        assert.doesNotThrow(() => assertDifferentLocations("westus2", "eastus2", "secondary", "logscale-dr:primaryRegion"));
    });
});
