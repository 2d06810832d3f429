import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import * as authorization from "@pulumi/azure-native/authorization";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as monitor from "@pulumi/azure-native/monitor";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as storage from "@pulumi/azure-native/storage";
import * as web from "@pulumi/azure-native/web";
import type * as azureInputs from "@pulumi/azure-native/types/input";
import * as pulumi from "@pulumi/pulumi";
import { ARM_PUBLIC_ENDPOINT, appSettingsFor, AzureFunctionConfig, FAILOVER_QUEUE_NAME, FUNCTION_NAMES } from "../../functions/azure/settings";
import type { StackFailoverSettings } from "../dr/failover-settings";
import { failoverPackage, readinessSchedule } from "./failover-package";
import { withoutNetFrameworkVersion } from "./site-config";
import type { AksEndpoint } from "./kubeconfig";
import { ACTION_GROUP_SHORT_NAME, failoverActionGroupName, failoverAlertName, functionAppName, storageAccountName } from "./names";
import { RUNTIMES } from "../../config/support";
import {
    AKS_FAILOVER_DATA_ACTIONS, AKS_READINESS_DATA_ACTIONS, BUILT_IN_ROLES, namespaceScope, resourceGroupIdOf, roleDefinitionResourceId, TRAFFIC_MANAGER_LOCK_ACTIONS,
} from "./roles";

/** Traffic Manager's per-endpoint probe state: 1 while the endpoint is Online, 0 otherwise. */
export const PROBE_METRIC = "ProbeAgentCurrentEndpointStateByProfileResourceId";
export const PROBE_METRIC_NAMESPACE = "Microsoft.Network/trafficManagerProfiles";

/**
 * The alert on the primary endpoint. Window and frequency are one minute: the
 * holdoff (preFailoverFailureSeconds) is what guards against flapping, measured
 * by the function from the first failing reading, so a longer window would only
 * add to the detection time without adding certainty.
 */
export function primaryDownCriteria(primaryEndpointName: string): azureInputs.monitor.MetricAlertSingleResourceMultipleMetricCriteriaArgs {
    return {
        odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
        allOf: [{
            criterionType: "StaticThresholdCriterion",
            name: "primary-endpoint-not-online",
            metricNamespace: PROBE_METRIC_NAMESPACE,
            metricName: PROBE_METRIC,
            dimensions: [{ name: "EndpointName", operator: "Include", values: [primaryEndpointName] }],
            operator: "LessThan",
            threshold: 1,
            timeAggregation: "Maximum",
        }],
    };
}

export interface AzureFailoverFunctionArgs {
    clusterName: string;
    location: string;
    /** This (secondary) stack's resource group. */
    resourceGroupName: pulumi.Input<string>;
    subscriptionId: pulumi.Input<string>;
    /** Random suffix for the names that must be unique across Azure. */
    suffix: pulumi.Input<string>;
    /** The primary's Traffic Manager profile (in the primary stack's resource group). */
    profileId: pulumi.Input<string>;
    primaryEndpointName: string;
    aksClusterId: pulumi.Input<string>;
    aksEndpoint: pulumi.Input<AksEndpoint>;
    /** This cluster's ingress address: the secondary gate probes it. */
    secondaryAddress: pulumi.Input<string>;
    settings: StackFailoverSettings;
    /** Seconds between holdoff re-checks: inside the gap allowance, at most the probe interval (functions/azure/health.ts azureHoldoffCadence). */
    recheckIntervalSeconds: number;
    /** The holdoff's gap allowance (LOGSCALE_DR_HOLDOFF_GAP_SECONDS). */
    holdoffGapSeconds: number;
    /** Minutes between readiness runs; 0: no readiness function and no read role for it. */
    readinessIntervalMinutes: number;
    recoveryDeadlineMinutes: number;
    expectedFailoverSeconds: number;
    /** Optional https URL the function POSTs its messages for people to (secret). */
    notifyWebhookUrl?: pulumi.Input<string>;
}

/**
 * The standby's failover: a metric alert on the primary's Traffic Manager
 * endpoint, an action group that calls the function, and the function app
 * itself (package built from an inline callback, uploaded by Pulumi, run from
 * its blob URL with the app's managed identity), with a user-assigned identity
 * that may only read and disable endpoints of the pair's profile and patch the
 * operator Deployment and delete the TLS Secret in `logging`.
 */
export class AzureFailoverFunction extends pulumi.ComponentResource {
    public readonly functionAppName: pulumi.Output<string>;
    public readonly functionAppId: pulumi.Output<string>;
    public readonly alertName: pulumi.Output<string>;
    public readonly actionGroupName: pulumi.Output<string>;
    public readonly identityPrincipalId: pulumi.Output<string>;
    public readonly packageBlobName: pulumi.Output<string>;
    public readonly packageSize: pulumi.Output<number>;
    /** The Application Insights component the function logs and reports StandbyReady to. */
    public readonly insightsId: pulumi.Output<string>;

    constructor(name: string, args: AzureFailoverFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("logscale:azure:FailoverFunction", name, {}, opts);
        const child = { parent: this };
        const roleId = (guid: string) => pulumi.output(args.subscriptionId).apply(s => roleDefinitionResourceId(s, guid));

        const identity = new managedidentity.UserAssignedIdentity(`${name}-identity`, {
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            resourceName: `${args.clusterName}-failover`,
        }, child);

        // The function's own storage: host keys, timer locks and the package.
        // Separate from LogScale's account, which the function must not reach.
        const account = new storage.StorageAccount(`${name}-storage`, {
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            accountName: pulumi.output(args.suffix).apply(s => storageAccountName(args.clusterName, "fn", s)),
            kind: "StorageV2",
            sku: { name: "Standard_LRS" },
            minimumTlsVersion: "TLS1_2",
            enableHttpsTrafficOnly: true,
            allowBlobPublicAccess: false,
            // Pulumi uploads the package with the account key; the function itself uses its identity.
            allowSharedKeyAccess: true,
            allowCrossTenantReplication: false,
        }, child);
        const packages = new storage.BlobContainer(`${name}-packages`, {
            resourceGroupName: args.resourceGroupName,
            accountName: account.name,
            containerName: "function-packages",
            publicAccess: "None",
        }, child);
        const pkg = failoverPackage({ readinessSchedule: readinessSchedule(args.readinessIntervalMinutes) });
        const blob = new storage.Blob(`${name}-package`, {
            resourceGroupName: args.resourceGroupName,
            accountName: account.name,
            containerName: packages.name,
            blobName: pkg.blobName,
            type: "Block",
            contentType: "application/zip",
            source: pkg.archive,
        }, child);
        const storageRole = new authorization.RoleAssignment(`${name}-storage-owner`, {
            principalId: identity.principalId,
            principalType: "ServicePrincipal",
            roleDefinitionId: roleId(BUILT_IN_ROLES.storageBlobDataOwner),
            scope: account.id,
            description: "Failover function: its host storage and its package",
        }, child);
        // Every failover run goes through this queue (HTTP and timer enqueue,
        // the worker dequeues), so a run never starts inside the alert's call.
        const queue = new storage.Queue(`${name}-queue`, {
            resourceGroupName: args.resourceGroupName,
            accountName: account.name,
            queueName: FAILOVER_QUEUE_NAME,
        }, child);
        // Account scope, not the queue: the host creates and writes the poison queue next to it.
        const queueRole = new authorization.RoleAssignment(`${name}-storage-queue`, {
            principalId: identity.principalId,
            principalType: "ServicePrincipal",
            roleDefinitionId: roleId(BUILT_IN_ROLES.storageQueueDataContributor),
            scope: account.id,
            description: "Failover function: enqueue and dequeue its failover runs",
        }, child);

        // Least privilege on the profile: read and disable endpoints, nothing else.
        const profileGroup = pulumi.output(args.profileId).apply(resourceGroupIdOf);
        const lockRole = new authorization.RoleDefinition(`${name}-tm-lock-role`, {
            scope: profileGroup,
            roleName: pulumi.interpolate`logscale-dr failover lock (${args.clusterName}, ${args.location}, ${pulumi.getStack()})`,
            description: "Read a Traffic Manager external endpoint and set it Disabled (the failover DNS lock).",
            roleType: "CustomRole",
            permissions: [{ actions: [...TRAFFIC_MANAGER_LOCK_ACTIONS], notActions: [], dataActions: [], notDataActions: [] }],
            assignableScopes: [profileGroup],
        }, child);
        const lockAssignment = new authorization.RoleAssignment(`${name}-tm-lock`, {
            principalId: identity.principalId,
            principalType: "ServicePrincipal",
            roleDefinitionId: lockRole.id,
            scope: args.profileId,
            description: "Failover function: disable the primary endpoint",
        }, child);

        const metricsAssignment = new authorization.RoleAssignment(`${name}-tm-metrics`, {
            principalId: identity.principalId,
            principalType: "ServicePrincipal",
            roleDefinitionId: roleId(BUILT_IN_ROLES.monitoringReader),
            scope: args.profileId,
            description: "Failover function: read the primary endpoint's state minutes for the holdoff",
        }, child);

        const aksGroup = pulumi.output(args.aksClusterId).apply(resourceGroupIdOf);
        const aksRole = new authorization.RoleDefinition(`${name}-aks-role`, {
            scope: aksGroup,
            roleName: pulumi.interpolate`logscale-dr failover scale-up (${args.clusterName}, ${args.location}, ${pulumi.getStack()})`,
            description: "Patch Deployments (scale humio-operator, holdoff/cooldown annotations) and read/delete Secrets (stale TLS secret) in one namespace.",
            roleType: "CustomRole",
            permissions: [{ actions: [], notActions: [], dataActions: [...AKS_FAILOVER_DATA_ACTIONS], notDataActions: [] }],
            assignableScopes: [aksGroup],
        }, child);
        const aksAssignment = new authorization.RoleAssignment(`${name}-aks`, {
            principalId: identity.principalId,
            principalType: "ServicePrincipal",
            roleDefinitionId: aksRole.id,
            scope: pulumi.output(args.aksClusterId).apply(id => namespaceScope(id, args.settings.namespace)),
            description: `Failover function: scale ${args.settings.operatorDeployment} and delete the stale TLS secret in ${args.settings.namespace}`,
        }, child);

        // Not only for the readiness schedule: after a failover the function reads LogScale's
        // /api/v1/status through the Service proxy, a read this role covers in the one namespace.
        const readinessAssignments: authorization.RoleAssignment[] = [];
        {
            const readRole = new authorization.RoleDefinition(`${name}-aks-read-role`, {
                scope: aksGroup,
                roleName: pulumi.interpolate`logscale-dr readiness read (${args.clusterName}, ${args.location}, ${pulumi.getStack()})`,
                description: "Read the HumioCluster (a custom resource) for the readiness self-test and LogScale's status through the Service proxy after a failover, in one namespace.",
                roleType: "CustomRole",
                permissions: [{ actions: [], notActions: [], dataActions: [...AKS_READINESS_DATA_ACTIONS], notDataActions: [] }],
                assignableScopes: [aksGroup],
            }, child);
            readinessAssignments.push(new authorization.RoleAssignment(`${name}-aks-read`, {
                principalId: identity.principalId,
                principalType: "ServicePrincipal",
                roleDefinitionId: readRole.id,
                scope: pulumi.output(args.aksClusterId).apply(id => namespaceScope(id, args.settings.namespace)),
                description: `Readiness self-test and recovery check: read the HumioCluster and LogScale's status in ${args.settings.namespace}`,
            }, child));
        }

        const workspace = new operationalinsights.Workspace(`${name}-logs`, {
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            workspaceName: `${args.clusterName}-${args.location}-failover`,
            sku: { name: "PerGB2018" },
            retentionInDays: 30,
        }, child);
        const insights = new applicationinsights.Component(`${name}-insights`, {
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            resourceName: `${args.clusterName}-${args.location}-failover`,
            kind: "web",
            applicationType: "web",
            ingestionMode: "LogAnalytics",
            workspaceResourceId: workspace.id,
            retentionInDays: 30,
        }, child);

        // Dedicated (App Service) Linux plan: runs a package from a blob URL
        // fetched with the app's identity, with Always On for the minute timer.
        const plan = new web.AppServicePlan(`${name}-plan`, {
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            name: `${args.clusterName}-${args.location}-failover`,
            kind: "linux",
            reserved: true,
            sku: { name: "P0v3", tier: "Premium0V3", capacity: 1 },
        }, child);

        const config: pulumi.Output<AzureFunctionConfig> = pulumi.all([identity.clientId, args.aksEndpoint, args.profileId, args.secondaryAddress, args.notifyWebhookUrl])
            .apply(([clientId, endpoint, profileId, secondaryAddress, notifyWebhookUrl]) => ({
                failover: { ...args.settings, recheckIntervalSeconds: args.recheckIntervalSeconds },
                primaryEndpointId: `${profileId}/externalEndpoints/${args.primaryEndpointName}`,
                secondaryAddress,
                secondaryPort: 443,
                aksServer: endpoint.server,
                aksCaPem: Buffer.from(endpoint.caData, "base64").toString("utf8"),
                identityClientId: clientId,
                armEndpoint: ARM_PUBLIC_ENDPOINT,
                clusterName: args.clusterName,
                recoveryDeadlineMinutes: args.recoveryDeadlineMinutes,
                expectedFailoverSeconds: args.expectedFailoverSeconds,
                holdoffGapSeconds: args.holdoffGapSeconds,
                ...(notifyWebhookUrl === undefined ? {} : { notifyWebhookUrl }),
            }));
        const packageUrl = blob.url;
        const appSettings = pulumi.all([config, packageUrl, identity.id, identity.clientId, account.name, insights.connectionString])
            .apply(([cfg, url, identityId, clientId, accountName, connection]) => Object.entries({
                FUNCTIONS_EXTENSION_VERSION: "~4",
                FUNCTIONS_WORKER_RUNTIME: "node",
                WEBSITE_RUN_FROM_PACKAGE: url,
                WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID: identityId,
                AzureWebJobsStorage__accountName: accountName,
                AzureWebJobsStorage__credential: "managedidentity",
                AzureWebJobsStorage__clientId: clientId,
                APPLICATIONINSIGHTS_CONNECTION_STRING: connection,
                ...appSettingsFor(cfg),
            }).map(([settingName, value]) => ({ name: settingName, value })));

        const app = new web.WebApp(`${name}-app`, {
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            name: pulumi.output(args.suffix).apply(s => functionAppName(args.clusterName, args.location, s)),
            kind: "functionapp,linux",
            serverFarmId: plan.id,
            reserved: true,
            httpsOnly: true,
            identity: { type: web.ManagedServiceIdentityType.UserAssigned, userAssignedIdentities: [identity.id] },
            siteConfig: {
                linuxFxVersion: RUNTIMES.azureFunctions,
                alwaysOn: true,
                ftpsState: "Disabled",
                minTlsVersion: "1.2",
                http20Enabled: true,
                appSettings,
            },
        }, {
            ...child,
            // The app starts by fetching its package and its host storage with
            // this identity and listens on the queue at once, then acts with
            // the other two roles.
            dependsOn: [storageRole, queue, queueRole, lockAssignment, metricsAssignment, aksAssignment, ...readinessAssignments],
            transformations: [withoutNetFrameworkVersion],
        });

        // No basic-auth publishing (Kudu/FTP passwords): the only code the app
        // runs is the package Pulumi uploads.
        new web.WebAppScmAllowed(`${name}-no-scm-basic-auth`, { resourceGroupName: args.resourceGroupName, name: app.name, allow: false }, child);
        new web.WebAppFtpAllowed(`${name}-no-ftp-basic-auth`, { resourceGroupName: args.resourceGroupName, name: app.name, allow: false }, child);

        const actionGroup = new monitor.ActionGroup(`${name}-action-group`, {
            resourceGroupName: args.resourceGroupName,
            actionGroupName: failoverActionGroupName(args.clusterName),
            groupShortName: ACTION_GROUP_SHORT_NAME,
            location: "global",
            enabled: true,
            azureFunctionReceivers: [{
                name: "failover-function",
                functionAppResourceId: app.id,
                functionName: FUNCTION_NAMES.http,
                httpTriggerUrl: pulumi.interpolate`https://${app.defaultHostName}/api/${FUNCTION_NAMES.http}`,
                useCommonAlertSchema: true,
            }],
        }, child);

        const alert = new monitor.MetricAlert(`${name}-alert`, {
            resourceGroupName: args.resourceGroupName,
            ruleName: failoverAlertName(args.clusterName),
            location: "global",
            description: `The primary LogScale endpoint ${args.primaryEndpointName} is not Online in Traffic Manager: the standby's failover function checks the holdoff and fails over.`,
            severity: 1,
            enabled: true,
            scopes: [args.profileId],
            evaluationFrequency: "PT1M",
            windowSize: "PT1M",
            // Resolved notifications let the function forget the holdoff when the primary comes back.
            autoMitigate: true,
            criteria: primaryDownCriteria(args.primaryEndpointName),
            actions: [{ actionGroupId: actionGroup.id }],
        }, child);

        this.functionAppName = app.name;
        this.functionAppId = app.id;
        this.alertName = alert.name;
        this.actionGroupName = actionGroup.name;
        this.identityPrincipalId = identity.principalId;
        this.packageBlobName = blob.name;
        this.packageSize = pkg.size;
        this.insightsId = insights.id;
        this.registerOutputs({
            functionAppName: this.functionAppName,
            alertName: this.alertName,
            actionGroupName: this.actionGroupName,
            identityPrincipalId: this.identityPrincipalId,
            packageBlobName: this.packageBlobName,
        });
    }
}
