import { strict as assert } from "assert";
import { loadConfig } from "../../config/load";
import { PEER_OUTPUTS } from "../../components/dr/contract";
import { createStack } from "../../components/stack";
import { packageFiles, readinessSchedule } from "../../components/azure/failover-package";
import { AKS_FAILOVER_DATA_ACTIONS, AKS_READINESS_DATA_ACTIONS, BUILT_IN_ROLES, TRAFFIC_MANAGER_LOCK_ACTIONS } from "../../components/azure/roles";
import { FAILOVER_QUEUE_NAME } from "../../functions/azure/settings";
import { findResource, runProgram, RunResult } from "../../scripts/mock/engine";
import { mockGuid } from "../../scripts/mock/state-azure";

const LICENSE = "LICENSE-VALUE-never-plain-4711";
const BASE: Record<string, string> = {
    "logscale-dr:cloud": "azure",
    "logscale-dr:clusterName": "logscale",
    "logscale-dr:logscaleVersion": "1.252.1",
    "logscale-dr:globalHostname": "logscale.example.com",
    "logscale-dr:dnsZoneName": "example.com",
    "logscale-dr:logscaleLicense": LICENSE,
};
const PRIMARY = { ...BASE, "azure-native:location": "westus2", "logscale-dr:dr": "active", "logscale-dr:manageGlobalDns": "true" };
const STANDBY = { ...BASE, "azure-native:location": "eastus2", "logscale-dr:dr": "standby", "logscale-dr:primaryStack": "primary", "logscale-dr:drUseDedicatedRouting": "false" };
const PROMOTED = { ...STANDBY, "logscale-dr:dr": "active" };

const SUFFIX: Record<string, string> = { primary: "a1a1a1a1", secondary: "b2b2b2b2" };

function plan(stack: string, config: Record<string, string>, peers: Record<string, RunResult | Record<string, unknown>> = {}): Promise<RunResult> {
    return runProgram({
        stack,
        config,
        secretKeys: ["logscale-dr:logscaleLicense", "logscale-dr:primaryStorageAccountKey", "logscale-dr:primaryStorageEncryptionKey"],
        stackOutputs: name => {
            const peer = peers[name];
            if (!peer) return undefined;
            if ("rawOutputs" in peer) {
                const run = peer as RunResult;
                return { outputs: run.rawOutputs, secretOutputNames: run.secretOutputNames };
            }
            return { outputs: peer, secretOutputNames: [] };
        },
        // Distinct random suffixes, so each side's storage account has its own name.
        resourceState: args => (args.type === "random:index/randomId:RandomId" ? { hex: SUFFIX[stack] ?? "c3c3c3c3" } : undefined),
        program: () => createStack(loadConfig(config, stack)),
    });
}

const ofType = (run: RunResult, type: string) => run.resources.filter(r => r.type === type);
const messages = (run: RunResult) => run.errors.map(e => e.message).join("\n");

type EnvEntry = { value?: string; secretKey?: string };
function humioEnv(run: RunResult): Record<string, EnvEntry> {
    const hc = findResource(run, "kubernetes:core.humio.com/v1alpha1:HumioCluster");
    const list = (hc.rawInputs.spec as { commonEnvironmentVariables: { name: string; value?: string; valueFrom?: { secretKeyRef: { key: string } } }[] }).commonEnvironmentVariables;
    const env: Record<string, EnvEntry> = {};
    for (const e of list) {
        assert.equal(e.name in env, false, `${e.name} appears twice`);
        env[e.name] = e.valueFrom ? { secretKey: e.valueFrom.secretKeyRef.key } : { value: e.value };
    }
    return env;
}
const envSecretData = (run: RunResult) =>
    (findResource(run, "kubernetes:core/v1:Secret", "logscale-env-secrets").rawInputs.stringData as Record<string, string>);

describe("azure stacks under the mock engine", function () {
    this.timeout(120000);
    let primary: RunResult;
    let standby: RunResult;
    let promoted: RunResult;

    before(async () => {
        primary = await plan("primary", PRIMARY);
        standby = await plan("secondary", STANDBY, { primary });
        promoted = await plan("secondary", PROMOTED, { primary });
    });

    it("plans without errors and exports every peer output, secret ones as secrets", () => {
        for (const run of [primary, standby, promoted]) {
            assert.equal(messages(run), "");
            for (const name of PEER_OUTPUTS.azure.required) {
                assert.ok(run.outputs[name] !== undefined && run.outputs[name] !== "", `output ${name} missing`);
            }
            for (const name of PEER_OUTPUTS.azure.secret) {
                assert.ok(run.secretOutputNames.includes(name), `output ${name} is not secret`);
            }
        }
        // The secondary passes the pair's profile through, so a failback can find it.
        assert.equal(standby.outputs.trafficManagerProfileName, primary.outputs.trafficManagerProfileName);
        assert.equal(standby.outputs.trafficManagerResourceGroup, "logscale-westus2");
        assert.equal(standby.outputs.primaryRegion, "westus2");
        assert.equal(primary.outputs.storageEndpointBase, `https://${primary.outputs.storageAccountName}.blob.core.windows.net`);
    });

    it("standby: the HumioCluster recovers from the primary's own container, account and endpoint", () => {
        const env = humioEnv(standby);
        assert.deepEqual(env.AZURE_RECOVER_FROM_BUCKET, { value: primary.outputs.storageBucket });
        assert.deepEqual(env.AZURE_RECOVER_FROM_ACCOUNTNAME, { value: primary.outputs.storageAccountName });
        assert.deepEqual(env.AZURE_RECOVER_FROM_ENDPOINT_BASE, { value: primary.outputs.storageEndpointBase });
        assert.equal("AZURE_RECOVER_FROM_OBJECT_KEY_PREFIX" in env, false, "the primary writes at the container root: no prefix variable");
        assert.deepEqual(env.AZURE_RECOVER_FROM_REPLACE_REGION, { value: "westus2/eastus2" });
        assert.notEqual(env.AZURE_STORAGE_ACCOUNTNAME.value, primary.outputs.storageAccountName, "writes go to its own account");
        assert.deepEqual(env.BUCKET_STORAGE_MULTIPLE_ENDPOINTS, { value: "true" });
        assert.deepEqual(env.ENABLE_ALERTS, { value: "false" });
        assert.equal("AZURE_RECOVER_FROM_REPLACE_BUCKET" in env, false);
        assert.equal("ALLOW_KAFKA_RESET_UNTIL_TIMESTAMP_MS" in env, false);
        // Keys reach the pod through the Secret only, with the primary's values.
        for (const name of ["AZURE_RECOVER_FROM_ACCOUNTKEY", "AZURE_RECOVER_FROM_ENCRYPTION_KEY", "AZURE_STORAGE_ACCOUNTKEY", "AZURE_STORAGE_ENCRYPTION_KEY"]) {
            assert.deepEqual(env[name], { secretKey: name });
        }
        const data = envSecretData(standby);
        assert.equal(data.AZURE_RECOVER_FROM_ACCOUNTKEY, primary.rawOutputs.storageAccountKey);
        assert.equal(data.AZURE_RECOVER_FROM_ENCRYPTION_KEY, primary.rawOutputs.storageEncryptionKey);
        assert.equal(data.AZURE_STORAGE_ACCOUNTKEY, standby.rawOutputs.storageAccountKey);
    });

    it("primary and promoted secondary: no recover-from variables, multiple endpoints still on", () => {
        for (const run of [primary, promoted]) {
            const env = humioEnv(run);
            assert.deepEqual(Object.keys(env).filter(n => n.includes("_RECOVER_FROM_")), []);
            assert.deepEqual(env.BUCKET_STORAGE_MULTIPLE_ENDPOINTS, { value: "true" });
            assert.deepEqual(env.ENABLE_ALERTS, { value: "true" });
        }
    });

    it("the secondary endpoint is the same resource, under the same parent, in standby and after promotion", () => {
        const endpoint = (run: RunResult) => findResource(run, "azure-native:trafficmanager:Endpoint");
        const before = endpoint(standby);
        const after = endpoint(promoted);
        assert.equal(ofType(standby, "azure-native:trafficmanager:Endpoint").length, 1);
        assert.equal(before.urn, after.urn);
        assert.equal(before.parent, after.parent);
        assert.equal(findResource(standby, "logscale:azure:TrafficSteering").urn, before.parent);
        for (const ep of [before, after]) {
            assert.deepEqual(ep.ignoreChanges, ["endpointStatus"]);
            assert.equal(ep.rawInputs.endpointName, "secondary");
            assert.equal(ep.rawInputs.priority, 2);
            assert.equal(ep.rawInputs.endpointType, "ExternalEndpoints");
            assert.equal(ep.rawInputs.profileName, primary.outputs.trafficManagerProfileName);
            assert.equal(ep.rawInputs.resourceGroupName, primary.outputs.trafficManagerResourceGroup);
        }
        assert.equal(before.rawInputs.target, standby.outputs.loadBalancerAddress);
        // The profile belongs to the primary stack alone.
        assert.equal(ofType(standby, "azure-native:trafficmanager:Profile").length, 0);
        assert.equal(ofType(promoted, "azure-native:trafficmanager:Profile").length, 0);
    });

    it("primary: Priority profile probing /api/v1/status over HTTPS with the Host header, its endpoint separate with priority 1", () => {
        const profile = findResource(primary, "azure-native:trafficmanager:Profile");
        const i = profile.rawInputs as Record<string, any>;
        assert.equal(i.trafficRoutingMethod, "Priority");
        assert.equal(i.location, "global");
        assert.equal("endpoints" in i, false, "endpoints are never inline");
        assert.deepEqual(i.dnsConfig, { relativeName: "logscale-example-com", ttl: 60 });
        assert.equal(i.monitorConfig.protocol, "HTTPS");
        assert.equal(i.monitorConfig.path, "/api/v1/status");
        assert.equal(i.monitorConfig.intervalInSeconds, 10);
        assert.equal(i.monitorConfig.toleratedNumberOfFailures, 3);
        assert.deepEqual(i.monitorConfig.customHeaders, [{ name: "Host", value: "logscale.example.com" }]);
        const ep = findResource(primary, "azure-native:trafficmanager:Endpoint");
        assert.equal(ep.parent, profile.parent);
        assert.deepEqual(ep.ignoreChanges, ["endpointStatus"]);
        assert.deepEqual([ep.rawInputs.endpointName, ep.rawInputs.priority, ep.rawInputs.endpointStatus], ["primary", 1, "Enabled"]);
        const cname = findResource(primary, "azure-native:dns:RecordSet", "logscale-traffic-global-cname");
        assert.deepEqual(cname.rawInputs.cnameRecord, { cname: "logscale-example-com.trafficmanager.net" });
        assert.equal(cname.rawInputs.relativeRecordSetName, "logscale");
        // Each side has its own A record; only the primary owns the zone and the global name.
        assert.equal(ofType(primary, "azure-native:dns:Zone").length, 1);
        assert.equal(ofType(standby, "azure-native:dns:Zone").length, 0);
        assert.equal(findResource(standby, "azure-native:dns:RecordSet", "logscale-traffic-host-a").rawInputs.relativeRecordSetName, "logscale-eastus2");
        assert.equal(ofType(standby, "azure-native:dns:RecordSet").length, 1);
    });

    it("a 30 s probe interval gets a 10 s timeout", async () => {
        const run = await plan("primary", { ...PRIMARY, "logscale-dr:healthCheckIntervalSeconds": "30" });
        const mc = findResource(run, "azure-native:trafficmanager:Profile").rawInputs.monitorConfig as Record<string, unknown>;
        assert.deepEqual([mc.intervalInSeconds, mc.timeoutInSeconds], [30, 10]);
    });

    it("the failover function exists on the standby only, alerting on the primary endpoint's probe metric", () => {
        for (const run of [primary, promoted]) {
            for (const t of ["logscale:azure:FailoverFunction", "logscale:azure:StandbyReadiness", "azure-native:monitor:MetricAlert", "azure-native:monitor:ScheduledQueryRule", "azure-native:web:WebApp", "azure-native:authorization:RoleDefinition"]) {
                assert.equal(ofType(run, t).length, 0, `${t} outside standby`);
            }
        }
        const alert = findResource(standby, "azure-native:monitor:MetricAlert", "logscale-failover-alert").rawInputs as Record<string, any>;
        assert.deepEqual(alert.scopes, [primary.outputs.trafficManagerProfileId]);
        const criterion = alert.criteria.allOf[0];
        assert.equal(criterion.metricName, "ProbeAgentCurrentEndpointStateByProfileResourceId");
        assert.equal(criterion.metricNamespace, "Microsoft.Network/trafficManagerProfiles");
        assert.deepEqual(criterion.dimensions, [{ name: "EndpointName", operator: "Include", values: ["primary"] }]);
        assert.deepEqual([criterion.operator, criterion.threshold, criterion.timeAggregation], ["LessThan", 1, "Maximum"]);
        assert.equal(alert.autoMitigate, true);
        const group = findResource(standby, "azure-native:monitor:ActionGroup", "logscale-failover-action-group").rawInputs as Record<string, any>;
        assert.equal(alert.actions[0].actionGroupId, findResource(standby, "azure-native:monitor:ActionGroup", "logscale-failover-action-group").id);
        const receiver = group.azureFunctionReceivers[0];
        const app = findResource(standby, "azure-native:web:WebApp");
        assert.equal(receiver.functionAppResourceId, app.id);
        assert.equal(receiver.functionName, "failover");
        assert.equal(receiver.useCommonAlertSchema, true);
        assert.ok(group.groupShortName.length <= 12);
        assert.equal(standby.outputs.failoverAlertName, "logscale-primary-endpoint-down");
        assert.equal(standby.outputs.failoverAlertResourceGroup, "logscale-eastus2");
    });

    it("the function runs its Pulumi-uploaded package with its own identity and is told exactly what to act on", () => {
        const app = findResource(standby, "azure-native:web:WebApp");
        const settings = Object.fromEntries((app.rawInputs.siteConfig as { appSettings: { name: string; value: string }[] }).appSettings.map(s => [s.name, s.value]));
        const blob = findResource(standby, "azure-native:storage:Blob");
        assert.match(String(blob.rawInputs.blobName), /^failover-[0-9a-f]{16}\.zip$/);
        assert.deepEqual(blob.inputs.source, { archive: ["converge/function.json", "failover/function.json", "handler.js", "host.json", "readiness/function.json", "recheck/function.json"] });
        assert.equal(settings.WEBSITE_RUN_FROM_PACKAGE, `https://logscalefnb2b2b2b2.blob.core.windows.net/function-packages/${blob.rawInputs.blobName}`);
        const identity = findResource(standby, "azure-native:managedidentity:UserAssignedIdentity", "logscale-failover-identity");
        assert.equal(settings.WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID, identity.id);
        assert.equal(settings.AzureWebJobsStorage__credential, "managedidentity");
        assert.equal(settings.LOGSCALE_DR_PRIMARY_ENDPOINT_ID, `${primary.outputs.trafficManagerProfileId}/externalEndpoints/primary`);
        assert.equal(settings.LOGSCALE_DR_SECONDARY_ADDRESS, standby.outputs.loadBalancerAddress);
        assert.equal(settings.LOGSCALE_DR_HOLDOFF_SECONDS, "180");
        assert.equal(settings.LOGSCALE_DR_COOLDOWN_SECONDS, "300");
        assert.match(settings.LOGSCALE_DR_AKS_SERVER, /^https:\/\/logscale-eastus2-mock\.hcp\.azmk8s\.io:443$/);
        assert.equal((app.rawInputs.siteConfig as Record<string, unknown>).linuxFxVersion, "NODE|22");
        // The SDK's .NET default means nothing on a Linux Node app and is stripped (components/azure/site-config.ts).
        assert.equal("netFrameworkVersion" in (app.rawInputs.siteConfig as Record<string, unknown>), false);
        assert.equal(app.rawInputs.httpsOnly, true);
        assert.ok(app.dependsOn.length >= 3, "the app waits for its role assignments");
        for (const t of ["azure-native:web:WebAppScmAllowed", "azure-native:web:WebAppFtpAllowed"]) {
            assert.equal(findResource(standby, t).rawInputs.allow, false, `${t}: no basic-auth publishing`);
        }
        // No account key or other secret reaches the function's settings.
        assert.equal(app.secretPaths.length, 0);
        for (const k of ["storageAccountKey", "storageEncryptionKey"]) {
            assert.equal(JSON.stringify(settings).includes(String(primary.rawOutputs[k])), false);
        }
    });

    it("the function's identity: custom roles scoped to the profile and to the logging namespace, nothing broader", () => {
        const principal = findResource(standby, "azure-native:managedidentity:UserAssignedIdentity", "logscale-failover-identity");
        const mine = ofType(standby, "azure-native:authorization:RoleAssignment").filter(a => a.name.startsWith("logscale-failover-"));
        assert.deepEqual(mine.map(a => a.name).sort(), ["logscale-failover-aks", "logscale-failover-aks-read", "logscale-failover-storage-owner", "logscale-failover-storage-queue", "logscale-failover-tm-lock", "logscale-failover-tm-metrics"]);
        const lock = findResource(standby, "azure-native:authorization:RoleAssignment", "logscale-failover-tm-lock");
        assert.equal(lock.rawInputs.scope, primary.outputs.trafficManagerProfileId);
        // The holdoff's metric read: Monitoring Reader (built-in) on the profile alone, not its group.
        const metrics = findResource(standby, "azure-native:authorization:RoleAssignment", "logscale-failover-tm-metrics");
        assert.equal(metrics.rawInputs.scope, primary.outputs.trafficManagerProfileId);
        assert.match(String(metrics.rawInputs.roleDefinitionId), /\/roleDefinitions\/43d0d8ad-25c7-4714-9337-8ba259a9fe05$/);
        assert.equal(lock.rawInputs.roleDefinitionId, findResource(standby, "azure-native:authorization:RoleDefinition", "logscale-failover-tm-lock-role").id);
        const aks = findResource(standby, "azure-native:authorization:RoleAssignment", "logscale-failover-aks");
        assert.equal(aks.rawInputs.scope, `${findResource(standby, "azure-native:containerservice:ManagedCluster").id}/namespaces/logging`);
        for (const a of mine) {
            assert.equal(a.rawInputs.principalId, mockGuid(`principal-${principal.id}`), `${a.name} is for the function's identity`);
        }
        const lockRole = findResource(standby, "azure-native:authorization:RoleDefinition", "logscale-failover-tm-lock-role").rawInputs as Record<string, any>;
        assert.deepEqual(lockRole.permissions[0].actions, [...TRAFFIC_MANAGER_LOCK_ACTIONS]);
        assert.deepEqual(lockRole.permissions[0].dataActions, []);
        assert.deepEqual(lockRole.assignableScopes, ["/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/logscale-westus2"]);
        const aksRole = findResource(standby, "azure-native:authorization:RoleDefinition", "logscale-failover-aks-role").rawInputs as Record<string, any>;
        assert.deepEqual(aksRole.permissions[0].actions, []);
        assert.deepEqual(aksRole.permissions[0].dataActions, [...AKS_FAILOVER_DATA_ACTIONS]);
        assert.ok(AKS_FAILOVER_DATA_ACTIONS.every(a => !a.includes("*")));
    });

    describe("readiness and people's channel", () => {
        it("the package's readiness timer runs every 5 minutes (NCRONTAB) and has no queue output", () => {
            const files = packageFiles("", { readinessSchedule: readinessSchedule(5) });
            const fn = JSON.parse(files["readiness/function.json"]) as { bindings: { type: string; schedule?: string }[] };
            assert.deepEqual(fn.bindings.map(b => b.type), ["timerTrigger"]);
            assert.equal(fn.bindings[0].schedule, "0 */5 * * * *");
            assert.deepEqual([readinessSchedule(0), readinessSchedule(1), readinessSchedule(60), readinessSchedule(7)], [undefined, "0 * * * * *", "0 0 * * * *", "00:07:00"]);
        });

        it("alerts on StandbyReady < 1 over 2 intervals, and on its absence, to the people's action group only", () => {
            const insights = findResource(standby, "azure-native:applicationinsights:Component", "logscale-failover-insights");
            const people = findResource(standby, "azure-native:monitor:ActionGroup", "logscale-readiness-people");
            const failoverGroup = findResource(standby, "azure-native:monitor:ActionGroup", "logscale-failover-action-group");
            const alert = findResource(standby, "azure-native:monitor:MetricAlert", "logscale-readiness-alert").rawInputs as Record<string, any>;
            assert.deepEqual(alert.scopes, [insights.id]);
            const c = alert.criteria.allOf[0];
            assert.deepEqual([c.metricNamespace, c.metricName, c.operator, c.threshold, c.timeAggregation, c.skipMetricValidation],
                ["azure.applicationinsights", "StandbyReady", "LessThan", 1, "Maximum", true]);
            assert.deepEqual([alert.windowSize, alert.evaluationFrequency], ["PT10M", "PT5M"]);
            assert.deepEqual(alert.actions, [{ actionGroupId: people.id }]);
            const absent = findResource(standby, "azure-native:monitor:ScheduledQueryRule", "logscale-readiness-absent").rawInputs as Record<string, any>;
            assert.deepEqual(absent.scopes, [insights.id]);
            assert.deepEqual([absent.criteria.allOf[0].timeAggregation, absent.criteria.allOf[0].operator, absent.criteria.allOf[0].threshold], ["Count", "LessThan", 1]);
            assert.match(absent.criteria.allOf[0].query, /customMetrics \| where name == "StandbyReady"/);
            assert.deepEqual(absent.actions.actionGroups, [people.id]);
            for (const id of [...(alert.actions as { actionGroupId?: string }[]).map(x => x.actionGroupId), ...absent.actions.actionGroups]) {
                assert.notEqual(id, failoverGroup.id, "a readiness alert never reaches the failover function");
            }
            const group = people.rawInputs as Record<string, any>;
            assert.equal(group.azureFunctionReceivers, undefined);
            assert.ok(group.groupShortName.length <= 12);
            assert.equal(standby.outputs.notifyActionGroupName, "logscale-people");
        });

        it("the readiness read role: a read-only data action on the logging namespace, beside the failover role", () => {
            const role = findResource(standby, "azure-native:authorization:RoleDefinition", "logscale-failover-aks-read-role").rawInputs as Record<string, any>;
            assert.deepEqual(role.permissions[0], { actions: [], notActions: [], dataActions: [...AKS_READINESS_DATA_ACTIONS], notDataActions: [] });
            assert.ok(AKS_READINESS_DATA_ACTIONS.every(a => a.endsWith("/read")));
            const a = findResource(standby, "azure-native:authorization:RoleAssignment", "logscale-failover-aks-read");
            assert.equal(a.rawInputs.scope, `${findResource(standby, "azure-native:containerservice:ManagedCluster").id}/namespaces/logging`);
        });
    });

    it("the failover queue lives in the function's own account, which the identity may use as a queue and nothing more", () => {
        const account = findResource(standby, "azure-native:storage:StorageAccount", "logscale-failover-storage");
        const queue = findResource(standby, "azure-native:storage:Queue", "logscale-failover-queue");
        assert.equal(queue.rawInputs.queueName, FAILOVER_QUEUE_NAME);
        assert.equal(queue.rawInputs.accountName, account.rawInputs.accountName);
        assert.equal(queue.rawInputs.resourceGroupName, "logscale-eastus2");
        const role = findResource(standby, "azure-native:authorization:RoleAssignment", "logscale-failover-storage-queue");
        assert.equal(role.rawInputs.scope, account.id);
        assert.equal(role.rawInputs.roleDefinitionId, `/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/${BUILT_IN_ROLES.storageQueueDataContributor}`);
        assert.equal(BUILT_IN_ROLES.storageQueueDataContributor, "974c5e8b-45b9-4653-ba55-5f855dd0fb88");
        const principal = findResource(standby, "azure-native:managedidentity:UserAssignedIdentity", "logscale-failover-identity");
        assert.equal(role.rawInputs.principalId, mockGuid(`principal-${principal.id}`));
        const app = findResource(standby, "azure-native:web:WebApp");
        for (const r of [queue, role]) {
            assert.ok(app.dependsOn.includes(r.urn), `the app waits for ${r.name}`);
        }
        // The plan stays at one instance: with batchSize 1 that is the one-run-at-a-time bound.
        assert.equal((findResource(standby, "azure-native:web:AppServicePlan").rawInputs.sku as { capacity: number }).capacity, 1);
        for (const run of [primary, promoted]) {
            assert.equal(ofType(run, "azure-native:storage:Queue").length, 0);
        }
    });

    it("AKS: Entra ID with Azure RBAC, no local accounts, one labelled pool per role; UI and ingest pools only when active", () => {
        for (const run of [primary, standby]) {
            const cluster = findResource(run, "azure-native:containerservice:ManagedCluster").rawInputs as Record<string, any>;
            assert.equal(cluster.aadProfile.managed, true);
            assert.equal(cluster.aadProfile.enableAzureRBAC, true);
            assert.equal(cluster.disableLocalAccounts, true);
            assert.deepEqual(cluster.agentPoolProfiles.map((p: { name: string }) => p.name), ["system"]);
            assert.deepEqual(cluster.agentPoolProfiles[0].nodeLabels, { "k8s-app": "system" });
            for (const pool of ofType(run, "azure-native:containerservice:AgentPool")) {
                assert.equal(Object.keys(pool.rawInputs.nodeLabels as object)[0], "k8s-app");
            }
        }
        const pools = (run: RunResult) => ofType(run, "azure-native:containerservice:AgentPool").map(p => p.rawInputs.agentPoolName).sort();
        assert.deepEqual(pools(standby), ["digest", "ingress", "strimzi"]);
        assert.deepEqual(pools(promoted), ["digest", "ingest", "ingress", "strimzi", "ui"]);
        // Promotion adds pools next to the existing ones; the digest pool is the same resource, grown.
        const digest = (run: RunResult) => findResource(run, "azure-native:containerservice:AgentPool", "logscale-aks-pool-digest");
        assert.equal(digest(standby).urn, digest(promoted).urn);
        assert.deepEqual([digest(standby).rawInputs.count, digest(promoted).rawInputs.count], [1, 3]);
        assert.deepEqual(findResource(standby, "azure-native:containerservice:AgentPool", "logscale-aks-pool-ingress").ignoreChanges, ["count"]);
    });

    it("storage: no public blob access, TLS 1.2 and HTTPS only; the account key is read as a secret", () => {
        const account = findResource(standby, "azure-native:storage:StorageAccount", "logscale-storage-account").rawInputs as Record<string, unknown>;
        assert.equal(account.allowBlobPublicAccess, false);
        assert.equal(account.minimumTlsVersion, "TLS1_2");
        assert.equal(account.enableHttpsTrafficOnly, true);
        assert.equal(findResource(standby, "azure-native:storage:BlobContainer", "logscale-storage-container").rawInputs.publicAccess, "None");
    });

    it("secrets never appear in plain text: not in any resource input, not in the outputs", () => {
        const secrets = [LICENSE, primary.rawOutputs.storageAccountKey, primary.rawOutputs.storageEncryptionKey, standby.rawOutputs.storageAccountKey]
            .map(String);
        for (const run of [primary, standby, promoted]) {
            for (const r of run.resources) {
                const text = JSON.stringify(r.inputs);
                for (const s of secrets) assert.equal(text.includes(s), false, `${r.type} ${r.name} shows a secret in plain text`);
            }
            const out = JSON.stringify(run.outputs);
            for (const s of secrets) assert.equal(out.includes(s), false, "a secret output is shown in plain text");
        }
        const envSecret = findResource(standby, "kubernetes:core/v1:Secret", "logscale-env-secrets");
        assert.ok(envSecret.secretPaths.some(p => p.startsWith("stringData")));
    });

    it("failback: a primary with recoverFrom=secondary cold-starts from the secondary's container, regions swapped", async () => {
        const run = await plan("primary", { ...PRIMARY, "logscale-dr:recoverFrom": "secondary", "logscale-dr:secondaryStack": "secondary" }, { secondary: promoted });
        assert.equal(messages(run), "");
        const env = humioEnv(run);
        assert.deepEqual(env.AZURE_RECOVER_FROM_ACCOUNTNAME, { value: promoted.outputs.storageAccountName });
        assert.deepEqual(env.AZURE_RECOVER_FROM_REPLACE_REGION, { value: "eastus2/westus2" });
        assert.equal("AZURE_RECOVER_FROM_REPLACE_BUCKET" in env, false);
        assert.equal(envSecretData(run).AZURE_RECOVER_FROM_ACCOUNTKEY, promoted.rawOutputs.storageAccountKey);
        assert.equal("AZURE_RECOVER_FROM_OBJECT_KEY_PREFIX" in env, false);
    });

    it("a primary with an object key prefix: the standby recovers under it (StackReference and fallback config)", async () => {
        const prefixedPrimary = await plan("primary", { ...PRIMARY, "logscale-dr:storageObjectKeyPrefix": "cluster-a/" });
        assert.equal(messages(prefixedPrimary), "");
        assert.equal(prefixedPrimary.outputs.storageObjectKeyPrefix, "cluster-a/");
        assert.deepEqual(humioEnv(prefixedPrimary).AZURE_STORAGE_OBJECT_KEY_PREFIX, { value: "cluster-a/" });
        const run = await plan("secondary", STANDBY, { primary: prefixedPrimary });
        assert.equal(messages(run), "");
        assert.deepEqual(humioEnv(run).AZURE_RECOVER_FROM_OBJECT_KEY_PREFIX, { value: "cluster-a/" });
        assert.equal("AZURE_STORAGE_OBJECT_KEY_PREFIX" in humioEnv(run), false, "the standby's own writes go to its container root");

        const fallback: Record<string, string> = {
            ...BASE,
            "azure-native:location": "eastus2",
            "logscale-dr:dr": "standby",
            "logscale-dr:drUseDedicatedRouting": "false",
            "logscale-dr:dnsZoneId": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/dns/providers/Microsoft.Network/dnszones/example.com",
            "logscale-dr:primaryRegion": "westus2",
            "logscale-dr:primaryStorageBucket": "logscale",
            "logscale-dr:primaryStorageEncryptionKey": "enc",
            "logscale-dr:primaryStorageAccountName": "primaryacct",
            "logscale-dr:primaryStorageAccountKey": "key",
            "logscale-dr:primaryStorageEndpointBase": "https://primaryacct.blob.core.windows.net",
            "logscale-dr:primaryTrafficManagerProfileName": "logscale-tm",
            "logscale-dr:primaryTrafficManagerResourceGroup": "logscale-westus2",
            "logscale-dr:primaryLoadBalancerAddress": "198.51.100.10",
        };
        const byHand = await plan("secondary", { ...fallback, "logscale-dr:primaryStorageObjectKeyPrefix": "cluster-a/" });
        assert.equal(messages(byHand), "");
        assert.deepEqual(humioEnv(byHand).AZURE_RECOVER_FROM_OBJECT_KEY_PREFIX, { value: "cluster-a/" });
        const rootByHand = await plan("secondary", fallback);
        assert.equal(messages(rootByHand), "");
        assert.equal("AZURE_RECOVER_FROM_OBJECT_KEY_PREFIX" in humioEnv(rootByHand), false);
    });
});

describe("azure stacks: bad input", function () {
    this.timeout(120000);
    let primary: RunResult;
    before(async () => {
        primary = await plan("primary", PRIMARY);
    });

    it("a standby in the primary's own location", async () => {
        const run = await plan("secondary", { ...STANDBY, "azure-native:location": "westus2" }, { primary });
        assert.match(messages(run), /stack "primary" has no usable output "region": it is westus2, the same Azure location as stack "secondary"/);
    });

    it("a primary stack without the Traffic Manager outputs", async () => {
        const outputs = { ...primary.rawOutputs };
        delete outputs.trafficManagerProfileName;
        const run = await plan("secondary", STANDBY, { primary: outputs });
        assert.match(messages(run), /stack "primary" has no usable output "trafficManagerProfileName"/);
    });

    it("fallback config without the profile: the missing key is named", async () => {
        const config: Record<string, string> = {
            ...BASE,
            "azure-native:location": "eastus2",
            "logscale-dr:dr": "standby",
            "logscale-dr:dnsZoneId": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/dns/providers/Microsoft.Network/dnszones/example.com",
            "logscale-dr:primaryRegion": "westus2",
            "logscale-dr:primaryStorageBucket": "logscale",
            "logscale-dr:primaryStorageEncryptionKey": "enc",
            "logscale-dr:primaryStorageAccountName": "primaryacct",
            "logscale-dr:primaryStorageAccountKey": "key",
            "logscale-dr:primaryStorageEndpointBase": "https://primaryacct.blob.core.windows.net",
        };
        const run = await plan("secondary", config);
        assert.match(messages(run), /no usable output "trafficManagerProfileName": set logscale-dr:primaryTrafficManagerProfileName or use primaryStack/);
        const same = await plan("secondary", { ...config, "logscale-dr:primaryRegion": "eastus2" });
        assert.match(messages(same), /invalid config logscale-dr:primaryRegion = "eastus2" in stack "secondary".*two different Azure locations/);
    });

    it("a global hostname that is not a DNS name", async () => {
        const run = await plan("primary", { ...PRIMARY, "logscale-dr:globalHostname": "LogScale_.example.com" });
        assert.match(messages(run), /invalid config logscale-dr:globalHostname = "LogScale_.example.com" in stack "primary": must be a lower-case DNS name/);
        assert.equal(run.resources.length, 0);
    });

    it("Azure-only limits and ids: 10 tolerated failures, a Route 53 zone id, manageGlobalDns on the secondary", async () => {
        const threshold = await plan("primary", { ...PRIMARY, "logscale-dr:healthCheckFailureThreshold": "10" });
        assert.match(messages(threshold), /logscale-dr:healthCheckFailureThreshold = 10 .*Traffic Manager tolerates 0-9/);
        const zone = await plan("primary", { ...PRIMARY, "logscale-dr:manageGlobalDns": "false", "logscale-dr:dnsZoneId": "Z0123456789ABC" });
        assert.match(messages(zone), /logscale-dr:dnsZoneId = "Z0123456789ABC".*Azure DNS zone/);
        const dns = await plan("secondary", { ...STANDBY, "logscale-dr:manageGlobalDns": "true" }, { primary });
        assert.match(messages(dns), /logscale-dr:manageGlobalDns.*the primary stack owns the Traffic Manager profile/);
        for (const run of [threshold, zone, dns]) assert.equal(ofType(run, "azure-native:resources:ResourceGroup").length, 0);
    });
    it("notifyEmails and a secret webhook on the people's group; readinessIntervalMinutes 0: no timer, no readiness alerts (the read role stays: the recovery check needs it)", async () => {
        const primaryRun = await plan("primary", PRIMARY);
        const run = await plan("secondary", {
            ...STANDBY,
            "logscale-dr:notifyEmails": JSON.stringify(["oncall@example.com", "dr@example.com"]),
            "logscale-dr:notifyWebhookUrl": "https://hooks.example.com/T/123",
            "logscale-dr:readinessIntervalMinutes": "0",
        }, { primary: primaryRun });
        assert.equal(messages(run), "");
        const people = findResource(run, "azure-native:monitor:ActionGroup", "logscale-readiness-people");
        assert.deepEqual((people.rawInputs.emailReceivers as { emailAddress: string }[]).map(r => r.emailAddress), ["oncall@example.com", "dr@example.com"]);
        assert.deepEqual((people.rawInputs.webhookReceivers as { serviceUri: string }[]).map(r => r.serviceUri), ["https://hooks.example.com/T/123"]);
        assert.ok(people.secretPaths.some(p => p.startsWith("webhookReceivers")), "the webhook URL stays secret");
        assert.deepEqual(run.resources.filter(r => r.type === "azure-native:monitor:MetricAlert").map(r => r.name), ["logscale-failover-alert"]);
        assert.equal(ofType(run, "azure-native:monitor:ScheduledQueryRule").length, 0);
        assert.equal(run.resources.some(r => r.name === "logscale-failover-aks-read-role"), true);
        const blob = findResource(run, "azure-native:storage:Blob");
        assert.equal((blob.inputs.source as { archive: string[] }).archive.includes("readiness/function.json"), false);
        const app = findResource(run, "azure-native:web:WebApp");
        assert.ok(app.secretPaths.some(p => p.startsWith("siteConfig")), "the app settings carrying the webhook are secret");
    });
});
