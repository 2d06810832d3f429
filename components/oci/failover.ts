import * as dockerBuild from "@pulumi/docker-build";
import * as k8s from "@pulumi/kubernetes";
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { OciFunctionConfig, toFunctionConfig } from "../../functions/oci/config";
import { alarmQuery, pendingDuration } from "../../functions/oci/health";
import type { StackFailoverSettings } from "../dr/failover-settings";
import { buildContextFiles, serializeHandler, writeBuildContext } from "./bundle";
import { functionMatchingRule, functionPolicyStatements, functionsServiceStatements, onsInvokeStatements, registryPushStatements } from "./iam";
import { ociNames } from "./names";
import { PeopleChannel, StandbyReadiness } from "./readiness";
import { logscaleProxyTarget, logscaleStatusServiceName } from "../../functions/k8s/recovery-io";
import { READINESS_METRIC } from "../../functions/oci/readiness";
import { RegistryLoginReady } from "./registry-ready";

export const FUNCTION_MEMORY_MB = 256;
/** OCI Functions' maximum; the holdoff wait and four rounds of calls fit well inside. */
export const FUNCTION_TIMEOUT_SECONDS = 300;
/**
 * While the alarm keeps FIRING it re-sends its notification this often; each
 * one runs the function again, which is how a holdoff that was not met yet is
 * re-checked instead of dropped (OCI has no other recheck: the function is
 * told this interval, DR_ALARM_REPEAT_SECONDS, and promises a recheck only
 * because of it). Equal to the function timeout, so two invocations of one
 * notification train never overlap.
 */
export const REPEAT_NOTIFICATION_SECONDS = FUNCTION_TIMEOUT_SECONDS;
export const REPEAT_NOTIFICATION = `PT${REPEAT_NOTIFICATION_SECONDS / 60}M`;
/**
 * How long Notifications keeps retrying a delivery to the function that
 * failed (the Functions service busy or erroring, a cold start that did not
 * come up). Short on purpose: the default is two hours, but after one repeat
 * interval the alarm has sent its next notification, which runs a fresh
 * reconcile anyway; a redelivery later than that carries nothing new and only
 * adds a parallel run.
 */
export const DELIVERY_MAX_RETRY_MS = REPEAT_NOTIFICATION_SECONDS * 1000;
/** The subscription's delivery policy (ONS DeliveryPolicy, sent as a JSON string). */
export const DELIVERY_POLICY = JSON.stringify({ backoffRetryPolicy: { maxRetryDuration: DELIVERY_MAX_RETRY_MS, policyType: "EXPONENTIAL" } });
/**
 * While a failover waits (holdoff, secondary gate, cooldown) the function
 * re-reads every this many seconds: a quarter of the metric's minute, so a
 * newly published minute is seen soon after it lands.
 */
export const RECHECK_INTERVAL_SECONDS = 15;
/**
 * How long one invocation may wait before it hands over to the alarm's next
 * repeat: the timeout less a minute for the four rounds and the retries.
 */
export const WAIT_BUDGET_SECONDS = FUNCTION_TIMEOUT_SECONDS - 60;
/** Seconds of the secondary's TCP probe results the gate reads (several probes at every interval OCI allows). */
export const SECONDARY_WINDOW_SECONDS = 180;
/** Metric history the function reads: the holdoff plus the metric's own delay, with room to spare. */
export function metricLookbackSeconds(holdoffSeconds: number): number {
    return holdoffSeconds + 900;
}

/** What the function's config is derived from, as plain values: the stack's part of OciFunctionConfig. */
export type FailoverFunctionValues = Pick<OciFunctionConfig,
    "region" | "compartmentId" | "clusterId" | "kubernetesServer" | "kubernetesCaPem" | "steeringPolicyId"
    | "primaryPool" | "primaryMonitorId" | "primaryResultsUrl" | "secondaryResultsUrl" | "clusterName" | "notifyTopicId"
    | "recoveryDeadlineMinutes" | "expectedFailoverSeconds"> & { settings: StackFailoverSettings };

/** The function's configuration (functions/oci/config.ts), the one place the timing constants above meet the stack's settings. */
export function failoverFunctionConfig(v: FailoverFunctionValues): OciFunctionConfig {
    return {
        region: v.region,
        compartmentId: v.compartmentId,
        clusterId: v.clusterId,
        kubernetesServer: v.kubernetesServer,
        kubernetesCaPem: v.kubernetesCaPem,
        steeringPolicyId: v.steeringPolicyId,
        primaryPool: v.primaryPool,
        primaryMonitorId: v.primaryMonitorId,
        primaryResultsUrl: v.primaryResultsUrl,
        secondaryResultsUrl: v.settings.requireHealthySecondary ? v.secondaryResultsUrl : "",
        secondaryWindowSeconds: SECONDARY_WINDOW_SECONDS,
        metricLookbackSeconds: metricLookbackSeconds(v.settings.preFailoverFailureSeconds),
        alarmRepeatSeconds: REPEAT_NOTIFICATION_SECONDS,
        ...definedOnly({
            clusterName: v.clusterName,
            notifyTopicId: v.notifyTopicId,
            recoveryDeadlineMinutes: v.recoveryDeadlineMinutes,
            expectedFailoverSeconds: v.expectedFailoverSeconds,
        }),
        settings: {
            namespace: v.settings.namespace,
            operatorDeployment: v.settings.operatorDeployment,
            humioClusterName: v.settings.humioClusterName,
            preFailoverFailureSeconds: v.settings.preFailoverFailureSeconds,
            cooldownSeconds: v.settings.cooldownSeconds,
            requireHealthySecondary: v.settings.requireHealthySecondary,
            recheckIntervalSeconds: RECHECK_INTERVAL_SECONDS,
            waitBudgetSeconds: WAIT_BUDGET_SECONDS,
        },
    };
}

export interface OciFailoverArgs {
    compartmentId: pulumi.Input<string>;
    tenancyId: pulumi.Input<string>;
    region: string;
    objectStorageNamespace: string;
    clusterName: string;
    homeProvider: pulumi.ProviderResource;
    k8sProvider: pulumi.ProviderResource;
    /** The LogScale layer: the namespace and the operator Deployment must exist before RBAC binds to them. */
    logscale: pulumi.Resource;
    clusterId: pulumi.Input<string>;
    kubernetesServer: pulumi.Input<string>;
    kubernetesCaPem: pulumi.Input<string>;
    workerSubnetId: pulumi.Input<string>;
    steeringPolicyId: pulumi.Input<string>;
    primaryPool: string;
    primaryMonitorId: pulumi.Input<string>;
    /** resultsUrl of the primary's HTTPS monitor (whether the primary answers now). */
    primaryResultsUrl: pulumi.Input<string>;
    /** resultsUrl of the secondary's TCP monitor (the gate). */
    secondaryResultsUrl: pulumi.Input<string>;
    settings: StackFailoverSettings;
    /** Directory of the image build context (fixed, relative to the project). */
    buildDir?: string;
    /** Minutes between readiness self-tests; 0: no schedule and no readiness alarms. */
    readinessIntervalMinutes: number;
    /** People's topic subscriptions. */
    notifyEmails: string[];
    notifyWebhookUrl?: pulumi.Input<string>;
    recoveryDeadlineMinutes: number;
    expectedFailoverSeconds: number;
}

/**
 * The standby's failover function and everything around it: the image built
 * from the serialized handler and pushed to OCIR, the Functions application
 * and function in the worker subnet, its dynamic group and policies, the
 * Kubernetes RBAC it needs in `logging`, and the alarm -> topic ->
 * subscription chain that invokes it when the primary's health check fails
 * for the holdoff.
 */
export class OciFailover extends pulumi.ComponentResource {
    public readonly functionId: pulumi.Output<string>;
    public readonly imageRef: pulumi.Output<string>;
    public readonly alarmId: pulumi.Output<string>;
    public readonly handlerBytes: pulumi.Output<number>;
    public readonly contextBytes: pulumi.Output<number>;
    public readonly notifyTopicId: pulumi.Output<string>;
    public readonly readinessScheduleId: pulumi.Output<string> | undefined;
    public readonly readinessAlarmIds: pulumi.Output<string>[];

    constructor(name: string, args: OciFailoverArgs, opts?: pulumi.ComponentResourceOptions) {
        super("logscale:oci:Failover", name, {}, opts);
        const n = ociNames(args.clusterName, args.region);
        const child = { parent: this };
        const home = { parent: this, provider: args.homeProvider };
        const kube = { parent: this, provider: args.k8sProvider };
        const registryHost = `${args.region}.ocir.io`;
        const compartment = pulumi.output(args.compartmentId);

        const repo = new oci.artifacts.ContainerRepository(`${name}-repo`, {
            compartmentId: args.compartmentId,
            displayName: n.repository,
            isPublic: false,
            isImmutable: false,
            readme: { content: "LogScale DR failover function (built by Pulumi from functions/oci).", format: "text/plain" },
        }, child);

        // A push-only identity: the auth token can write this one repository and nothing else.
        const pushUser = new oci.identity.User(`${name}-push-user`, {
            compartmentId: args.tenancyId, name: n.registryUser, description: `Pushes the DR failover image to ${n.repository}`,
        }, home);
        const pushGroup = new oci.identity.Group(`${name}-push-group`, {
            compartmentId: args.tenancyId, name: n.registryGroup, description: `May push to ${n.repository} only`,
        }, home);
        const pushMembership = new oci.identity.UserGroupMembership(`${name}-push-membership`, {
            compartmentId: args.tenancyId, groupId: pushGroup.id, userId: pushUser.id,
        }, home);
        const pushPolicy = new oci.identity.Policy(`${name}-push-policy`, {
            compartmentId: args.compartmentId,
            name: n.registryPolicy,
            description: `Push the DR failover image to ${n.repository}`,
            statements: pulumi.all([pushGroup.id, compartment]).apply(([g, c]) => registryPushStatements(g, c, n.repository)),
        }, home);
        const token = new oci.identity.AuthToken(`${name}-push-token`, {
            userId: pushUser.id, description: `OCIR push for ${n.repository}`,
        }, { ...home, dependsOn: [pushMembership, pushPolicy] });
        const registryUser = pushUser.name.apply(u => `${args.objectStorageNamespace}/${u}`);
        const registryPassword = pulumi.secret(token.token);
        const loginReady = new RegistryLoginReady(`${name}-registry-login`, {
            registry: `https://${registryHost}`, username: registryUser, password: registryPassword, tokenId: token.id,
        }, child);

        const buildDir = args.buildDir ?? path.join(".build", `oci-failover-${args.clusterName}-${args.region}`);
        const ctx = pulumi.output(serializeHandler()).apply(text => buildContextFiles(text, n.function, FUNCTION_MEMORY_MB, FUNCTION_TIMEOUT_SECONDS));
        const location = ctx.apply(c => writeBuildContext(buildDir, c));
        const tag = pulumi.interpolate`${registryHost}/${args.objectStorageNamespace}/${n.repository}:${ctx.apply(c => c.hash.slice(0, 16))}`;

        const image = new dockerBuild.Image(`${name}-image`, {
            tags: [tag],
            push: true,
            // Functions runs single-architecture amd64 images (GENERIC_X86 application shape).
            platforms: ["linux/amd64"],
            context: { location },
            dockerfile: { location: location.apply(l => path.join(l, "Dockerfile")) },
            registries: [{ address: registryHost, username: registryUser, password: registryPassword }],
            // A preview must not need a Docker daemon or push anything.
            buildOnPreview: false,
        }, { ...child, dependsOn: [repo, loginReady] });

        const app = new oci.functions.Application(`${name}-app`, {
            compartmentId: args.compartmentId,
            displayName: n.functionsApp,
            subnetIds: [args.workerSubnetId],
            shape: "GENERIC_X86",
        }, child);

        // Before the function exists: the service pulls the image and joins the subnet at creation.
        const servicePolicyBase = new oci.identity.Policy(`${name}-faas-policy`, {
            compartmentId: args.compartmentId,
            name: `${n.functionServicePolicy}-faas`,
            description: "Functions service: pull the failover image, attach to the worker subnet",
            statements: compartment.apply(c => functionsServiceStatements(c, n.repository)),
        }, home);

        const people = new PeopleChannel(`${name}-people`, {
            compartmentId: args.compartmentId, topicName: n.notifyTopic, emails: args.notifyEmails, webhookUrl: args.notifyWebhookUrl,
        }, child);

        const fnConfig = pulumi.all([people.topicId, args.clusterId, args.kubernetesServer, args.kubernetesCaPem, args.steeringPolicyId, args.primaryMonitorId,
            args.primaryResultsUrl, args.secondaryResultsUrl, compartment]).apply(([notifyTopicId, clusterId, server, ca, policyId, monitorId, primaryResultsUrl, secondaryResultsUrl, c]) =>
            toFunctionConfig(failoverFunctionConfig({
                region: args.region,
                compartmentId: c,
                clusterId,
                kubernetesServer: server,
                kubernetesCaPem: ca,
                steeringPolicyId: policyId,
                primaryPool: args.primaryPool,
                primaryMonitorId: monitorId,
                primaryResultsUrl,
                secondaryResultsUrl,
                clusterName: args.clusterName,
                notifyTopicId,
                recoveryDeadlineMinutes: args.recoveryDeadlineMinutes,
                expectedFailoverSeconds: args.expectedFailoverSeconds,
                settings: args.settings,
            })));

        const fn = new oci.functions.Function(`${name}-function`, {
            applicationId: app.id,
            displayName: n.function,
            image: tag,
            imageDigest: image.digest,
            memoryInMbs: String(FUNCTION_MEMORY_MB),
            timeoutInSeconds: FUNCTION_TIMEOUT_SECONDS,
            config: fnConfig,
        }, { ...child, dependsOn: [servicePolicyBase] });

        const logGroup = new oci.logging.LogGroup(`${name}-logs`, {
            compartmentId: args.compartmentId, displayName: n.function, description: "Invocation logs of the DR failover function",
        }, child);
        new oci.logging.Log(`${name}-invoke-log`, {
            displayName: `${n.function}-invoke`,
            logGroupId: logGroup.id,
            logType: "SERVICE",
            isEnabled: true,
            retentionDuration: 90,
            configuration: { source: { category: "invoke", resource: app.id, service: "functions", sourceType: "OCISERVICE" }, compartmentId: args.compartmentId },
        }, child);

        const dynamicGroup = new oci.identity.DynamicGroup(`${name}-dynamic-group`, {
            compartmentId: args.tenancyId,
            name: n.dynamicGroup,
            description: "The LogScale DR failover function (resource principal)",
            matchingRule: fn.id.apply(functionMatchingRule),
        }, home);
        const fnPolicy = new oci.identity.Policy(`${name}-function-policy`, {
            compartmentId: args.compartmentId,
            name: n.functionPolicy,
            description: "DR failover function: OKE token, health metrics and probe results, steering policy get/update",
            statements: pulumi.all([dynamicGroup.id, compartment, people.topicId]).apply(([dg, c, topic]) => functionPolicyStatements({
                dynamicGroupId: dg, compartmentId: c, notifyTopicId: topic, readinessMetricNamespace: READINESS_METRIC.namespace,
            })),
        }, home);
        const invokePolicy = new oci.identity.Policy(`${name}-invoke-policy`, {
            compartmentId: args.compartmentId,
            name: n.functionServicePolicy,
            description: "Notifications subscriptions of this compartment may invoke the DR failover function",
            statements: pulumi.all([compartment, fn.id]).apply(([c, f]) => onsInvokeStatements(c, f)),
        }, home);

        // Inside the cluster the function may read/patch one Deployment, read/delete one Secret,
        // and, for the readiness self-test, read one HumioCluster and list the namespace's
        // Secrets (it asks for metadata only: names, never values).
        const role = new k8s.rbac.v1.Role(`${name}-role`, {
            metadata: { name: "logscale-dr-failover", namespace: args.settings.namespace },
            rules: functionRbacRules(args.settings),
        }, { ...kube, dependsOn: [args.logscale] });
        new k8s.rbac.v1.RoleBinding(`${name}-role-binding`, {
            metadata: { name: "logscale-dr-failover", namespace: args.settings.namespace },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
            // OKE maps a resource principal to its dynamic groups (as Kubernetes groups) and its own OCID (as the user).
            subjects: [
                { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: dynamicGroup.id },
                { kind: "User", apiGroup: "rbac.authorization.k8s.io", name: fn.id },
            ],
        }, kube);

        const topic = new oci.ons.NotificationTopic(`${name}-topic`, {
            compartmentId: args.compartmentId, name: n.topic, description: "Primary LogScale unhealthy: invokes the DR failover function",
        }, child);
        new oci.ons.Subscription(`${name}-subscription`, {
            compartmentId: args.compartmentId, topicId: topic.id, protocol: "ORACLE_FUNCTIONS", endpoint: fn.id,
            deliveryPolicy: DELIVERY_POLICY,
        }, { ...child, dependsOn: [invokePolicy, fnPolicy] });
        const alarm = new oci.monitoring.Alarm(`${name}-alarm`, {
            compartmentId: args.compartmentId,
            metricCompartmentId: args.compartmentId,
            displayName: n.alarm,
            isEnabled: true,
            namespace: "oci_healthchecks",
            query: pulumi.output(args.primaryMonitorId).apply(alarmQuery),
            resolution: "1m",
            // The holdoff lives in the alarm: it fires only once the primary failed this long.
            pendingDuration: pendingDuration(args.settings.preFailoverFailureSeconds),
            repeatNotificationDuration: REPEAT_NOTIFICATION,
            severity: "CRITICAL",
            destinations: [topic.id],
            body: `Every Health Checks probe of ${args.clusterName}'s primary failed in every minute of ${pendingDuration(args.settings.preFailoverFailureSeconds)}; the DR failover function decides and acts.`,
            // The function logs type, title and dedupeKey from the JSON the alarm sends.
            messageFormat: "RAW",
        }, child);

        const readiness = args.readinessIntervalMinutes > 0
            ? new StandbyReadiness(`${name}-readiness`, {
                compartmentId: args.compartmentId,
                homeProvider: args.homeProvider,
                clusterName: args.clusterName,
                functionId: fn.id,
                peopleTopicId: people.topicId,
                intervalMinutes: args.readinessIntervalMinutes,
                names: { schedule: n.readinessSchedule, schedulePolicy: n.readinessSchedulePolicy, notReadyAlarm: n.readinessNotReadyAlarm, absentAlarm: n.readinessAbsentAlarm },
            }, { ...child, dependsOn: [fnPolicy] })
            : undefined;

        this.notifyTopicId = people.topicId;
        this.readinessScheduleId = readiness?.scheduleId;
        this.readinessAlarmIds = readiness ? [readiness.notReadyAlarmId, readiness.absentAlarmId] : [];
        this.functionId = fn.id;
        this.imageRef = image.ref;
        this.alarmId = alarm.id;
        this.handlerBytes = ctx.apply(c => c.handlerBytes);
        this.contextBytes = ctx.apply(c => c.contextBytes);
        this.registerOutputs({
            functionId: this.functionId, imageRef: this.imageRef, alarmId: this.alarmId,
            handlerBytes: this.handlerBytes, contextBytes: this.contextBytes,
            notifyTopicId: this.notifyTopicId, readinessScheduleId: this.readinessScheduleId,
        });
    }
}

/** The function's Kubernetes RBAC in the LogScale namespace: named objects wherever the API allows it. */
export function functionRbacRules(settings: Pick<StackFailoverSettings, "operatorDeployment" | "humioClusterName">) {
    return [
        { apiGroups: ["apps"], resources: ["deployments"], resourceNames: [settings.operatorDeployment], verbs: ["get", "patch"] },
        { apiGroups: [""], resources: ["secrets"], resourceNames: [settings.humioClusterName], verbs: ["get", "delete"] },
        { apiGroups: ["core.humio.com"], resources: ["humioclusters"], resourceNames: [settings.humioClusterName], verbs: ["get"] },
        // list cannot be limited by name; the client asks for PartialObjectMetadataList.
        { apiGroups: [""], resources: ["secrets"], verbs: ["list"] },
        // LogScale's /api/v1/status after a failover; the proxy's name is scheme:name:port, the plain name covers clients that omit the scheme.
        { apiGroups: [""], resources: ["services/proxy"], resourceNames: [logscaleProxyTarget(settings.humioClusterName), logscaleStatusServiceName(settings.humioClusterName)], verbs: ["get"] },
    ];
}

function definedOnly<T extends Record<string, unknown>>(o: T): Partial<T> {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
