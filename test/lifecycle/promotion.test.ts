// The DR lifecycle as config flips, asserted change by change on the diffs
// the offline plan shows (scripts/plan: the Planner plans the example pair
// from Pulumi.<stack>.yaml, resolving StackReferences by planning the other
// stack; diffPlans is what `npm run plan -- --diff` prints). For each cloud:
// - promotion of the secondary: standby -> active phase 1 (generic
//   selector) -> phase 2 (pool selectors), and both flips at once;
// - failback on the primary: recoverFrom none -> secondary -> none.

import { strict as assert } from "assert";
import * as path from "path";
import type { Cloud } from "../../config/load";
import { clusterLayout } from "../../components/logscale/sizing";
import { REVERSE_RECOVERY_OUTPUT } from "../../components/dr/reverse";
import { promotionWarnings } from "../../scripts/plan/cli";
import { diffPlans, PlanDiff, ResourceChange, valuesEqual } from "../../scripts/plan/diff";
import type { Plan, PlannedResource } from "../../scripts/plan/model";
import { Planner } from "../../scripts/plan/planner";
import { isPlainObject, isSecret } from "../../scripts/plan/secret";
import type { Override } from "../../scripts/plan/stackfile";

const ROOT = path.resolve(__dirname, "../..");
const P = "logscale-dr";
const set = (key: string, value: string): Override => ({ key: `${P}:${key}`, value });

const T = {
    humio: "kubernetes:core.humio.com/v1alpha1:HumioCluster",
    secret: "kubernetes:core/v1:Secret",
    service: "kubernetes:core/v1:Service",
    gateway: "kubernetes:gateway.networking.k8s.io/v1:Gateway",
    route: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
    envoyProxy: "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy",
    patch: "kubernetes:apps/v1:DeploymentPatch",
    release: "kubernetes:helm.sh/v3:Release",
} as const;

const ENV_SECRET = "logscale-env-secrets";
const GENERIC_SELECTOR = { "app.kubernetes.io/name": "humio" };

interface CloudSpec {
    /** Node group / pool type, logical name per role, and the path of its node count. */
    pool: { type: string; name: (role: "digest" | "ingest" | "ui" | "ingress") => string; sizePath: string };
    failover: { type: string; name: string; children: Array<[type: string, name: string]> };
    /** Stack outputs that only describe the failover function. */
    failoverOutputs: string[];
    /** This stack's own DNS entry: promotion must never touch it. */
    dns: Array<[type: string, name: string]>;
}

const SPECS: Record<Cloud, CloudSpec> = {
    aws: {
        pool: { type: "aws:eks/nodeGroup:NodeGroup", name: role => `logscale-nodes-${role}`, sizePath: "scalingConfig.desiredSize" },
        failover: {
            type: "logscale:aws:FailoverFunction",
            name: "logscale-failover",
            children: [
                ["aws:lambda/function:Function", "logscale-failover-function"],
                ["aws:lambda/permission:Permission", "logscale-failover-invoke"],
                ["aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "logscale-failover-async"],
                ["aws:cloudwatch/metricAlarm:MetricAlarm", "logscale-failover-alarm"],
                ["aws:sns/topic:Topic", "logscale-failover-topic"],
                ["aws:sns/topicSubscription:TopicSubscription", "logscale-failover-subscription"],
                ["aws:iam/role:Role", "logscale-failover-role"],
                ["aws:iam/rolePolicy:RolePolicy", "logscale-failover-policy"],
                ["aws:eks/accessEntry:AccessEntry", "logscale-failover-access"],
                ["aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "logscale-failover-access"],
                ["aws:kms/key:Key", "logscale-failover-env"],
                ["aws:cloudwatch/logGroup:LogGroup", "logscale-failover-logs"],
                ["aws:ssm/parameter:Parameter", "logscale-failover-cooldown"],
                ["logscale:aws:StandbyReadiness", "logscale-readiness"],
                ["aws:sns/topic:Topic", "logscale-readiness-notify"],
                ["aws:ssm/parameter:Parameter", "logscale-readiness-verdict"],
                ["aws:iam/role:Role", "logscale-readiness-scheduler"],
                ["aws:iam/rolePolicy:RolePolicy", "logscale-readiness-scheduler"],
                ["aws:scheduler/schedule:Schedule", "logscale-readiness-schedule"],
                ["aws:cloudwatch/metricAlarm:MetricAlarm", "logscale-readiness-alarm"],
            ],
        },
        failoverOutputs: ["primaryHealthCheckId", "failoverFunctionName", "failoverAlarmName", "failoverAlarmRegion", "failoverCooldownParameter",
            "notifyTopicArn", "readinessAlarmName"],
        dns: [
            ["logscale:aws:DnsSteering", "logscale-dns"],
            ["aws:route53/record:Record", "logscale-dns-hostname"],
            ["aws:route53/record:Record", "logscale-dns-global"],
            ["aws:route53/healthCheck:HealthCheck", "logscale-dns-secondary-health"],
        ],
    },
    azure: {
        pool: { type: "azure-native:containerservice:AgentPool", name: role => `logscale-aks-pool-${role}`, sizePath: "count" },
        failover: {
            type: "logscale:azure:FailoverFunction",
            name: "logscale-failover",
            children: [
                ["azure-native:web:WebApp", "logscale-failover-app"],
                ["azure-native:web:AppServicePlan", "logscale-failover-plan"],
                ["azure-native:web:WebAppScmAllowed", "logscale-failover-no-scm-basic-auth"],
                ["azure-native:web:WebAppFtpAllowed", "logscale-failover-no-ftp-basic-auth"],
                ["azure-native:storage:StorageAccount", "logscale-failover-storage"],
                ["azure-native:storage:BlobContainer", "logscale-failover-packages"],
                ["azure-native:storage:Blob", "logscale-failover-package"],
                ["azure-native:storage:Queue", "logscale-failover-queue"],
                ["azure-native:managedidentity:UserAssignedIdentity", "logscale-failover-identity"],
                ["azure-native:authorization:RoleDefinition", "logscale-failover-tm-lock-role"],
                ["azure-native:authorization:RoleDefinition", "logscale-failover-aks-role"],
                ["azure-native:authorization:RoleAssignment", "logscale-failover-tm-lock"],
                ["azure-native:authorization:RoleAssignment", "logscale-failover-tm-metrics"],
                ["azure-native:authorization:RoleAssignment", "logscale-failover-aks"],
                ["azure-native:authorization:RoleAssignment", "logscale-failover-storage-owner"],
                ["azure-native:authorization:RoleAssignment", "logscale-failover-storage-queue"],
                ["azure-native:operationalinsights:Workspace", "logscale-failover-logs"],
                ["azure-native:applicationinsights:Component", "logscale-failover-insights"],
                ["azure-native:monitor:ActionGroup", "logscale-failover-action-group"],
                ["azure-native:monitor:MetricAlert", "logscale-failover-alert"],
                ["azure-native:authorization:RoleDefinition", "logscale-failover-aks-read-role"],
                ["azure-native:authorization:RoleAssignment", "logscale-failover-aks-read"],
                ["logscale:azure:StandbyReadiness", "logscale-readiness"],
                ["azure-native:monitor:ActionGroup", "logscale-readiness-people"],
                ["azure-native:monitor:MetricAlert", "logscale-readiness-alert"],
                ["azure-native:monitor:ScheduledQueryRule", "logscale-readiness-absent"],
            ],
        },
        failoverOutputs: ["failoverFunctionAppName", "failoverAlertName", "failoverAlertResourceGroup", "failoverActionGroupName",
            "notifyActionGroupName", "readinessAlertName", "readinessAbsenceAlertName"],
        dns: [
            ["azure-native:trafficmanager:Endpoint", "logscale-traffic-endpoint-secondary"],
            ["azure-native:dns:RecordSet", "logscale-traffic-host-a"],
        ],
    },
    oci: {
        pool: { type: "oci:ContainerEngine/nodePool:NodePool", name: role => `logscale-oke-${role}`, sizePath: "nodeConfigDetails.size" },
        failover: {
            type: "logscale:oci:Failover",
            name: "logscale-failover",
            children: [
                ["oci:Functions/application:Application", "logscale-failover-app"],
                ["oci:Functions/function:Function", "logscale-failover-function"],
                ["oci:Monitoring/alarm:Alarm", "logscale-failover-alarm"],
                ["oci:Ons/notificationTopic:NotificationTopic", "logscale-failover-topic"],
                ["oci:Ons/subscription:Subscription", "logscale-failover-subscription"],
                ["oci:Logging/logGroup:LogGroup", "logscale-failover-logs"],
                ["oci:Logging/log:Log", "logscale-failover-invoke-log"],
                ["oci:Artifacts/containerRepository:ContainerRepository", "logscale-failover-repo"],
                ["docker-build:index:Image", "logscale-failover-image"],
                ["pulumi-nodejs:dynamic/oci-registry-login:Resource", "logscale-failover-registry-login"],
                ["oci:Identity/user:User", "logscale-failover-push-user"],
                ["oci:Identity/group:Group", "logscale-failover-push-group"],
                ["oci:Identity/userGroupMembership:UserGroupMembership", "logscale-failover-push-membership"],
                ["oci:Identity/authToken:AuthToken", "logscale-failover-push-token"],
                ["oci:Identity/policy:Policy", "logscale-failover-push-policy"],
                ["oci:Identity/policy:Policy", "logscale-failover-faas-policy"],
                ["oci:Identity/policy:Policy", "logscale-failover-invoke-policy"],
                ["oci:Identity/policy:Policy", "logscale-failover-function-policy"],
                ["oci:Identity/dynamicGroup:DynamicGroup", "logscale-failover-dynamic-group"],
                ["kubernetes:rbac.authorization.k8s.io/v1:Role", "logscale-failover-role"],
                ["kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "logscale-failover-role-binding"],
                // People's channel and the readiness self-test serve only the function.
                ["logscale:oci:PeopleChannel", "logscale-failover-people"],
                ["oci:Ons/notificationTopic:NotificationTopic", "logscale-failover-people-topic"],
                ["logscale:oci:StandbyReadiness", "logscale-failover-readiness"],
                ["oci:ResourceScheduler/schedule:Schedule", "logscale-failover-readiness-schedule"],
                ["oci:Identity/policy:Policy", "logscale-failover-readiness-schedule-policy"],
                ["oci:Monitoring/alarm:Alarm", "logscale-failover-readiness-not-ready"],
                ["oci:Monitoring/alarm:Alarm", "logscale-failover-readiness-absent"],
            ],
        },
        failoverOutputs: ["failoverFunctionId", "failoverAlarmId", "failoverImage", "failoverHandlerBytes", "failoverImageContextBytes", "notifyTopicId", "readinessScheduleId"],
        dns: [
            ["oci:Dns/steeringPolicy:SteeringPolicy", "logscale-global-policy"],
            ["oci:Dns/steeringPolicyAttachment:SteeringPolicyAttachment", "logscale-global-attachment"],
            ["oci:HealthChecks/httpMonitor:HttpMonitor", "logscale-global-primary-monitor"],
            ["oci:HealthChecks/pingMonitor:PingMonitor", "logscale-global-secondary-monitor"],
            ["oci:Dns/rrset:Rrset", "logscale-dns-hostname"],
        ],
    },
};

const key = (type: string, name: string) => `${type} ${name}`;
const keysOf = (changes: ResourceChange[], op?: string) => changes.filter(c => op === undefined || c.op === op).map(c => key(c.type, c.name)).sort();

function resource(plan: Plan, type: string, name: string): PlannedResource {
    const hits = plan.resources.filter(r => r.type === type && r.name === name);
    assert.equal(hits.length, 1, `plan of ${plan.stack} has ${hits.length} ${type} named ${name}`);
    return hits[0];
}

function change(diff: PlanDiff, type: string, name: string): ResourceChange {
    const hits = diff.changes.filter(c => c.type === type && c.name === name);
    assert.equal(hits.length, 1, `expected one change of ${type} ${name}, got ${hits.length}`);
    return hits[0];
}

function at(v: unknown, dotted: string): unknown {
    return dotted.split(".").reduce<unknown>((o, k) => (isPlainObject(o) ? o[k] : undefined), v);
}

function reveal(v: unknown): unknown {
    if (isSecret(v)) return reveal(v.reveal());
    if (Array.isArray(v)) return v.map(reveal);
    if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, reveal(x)]));
    return v;
}

type EnvVar = { name: string; value?: unknown; valueFrom?: { secretKeyRef: { name: string; key: string } } };
const humioEnv = (plan: Plan): EnvVar[] => (resource(plan, T.humio, "logscale-humiocluster").inputs.spec as { commonEnvironmentVariables: EnvVar[] }).commonEnvironmentVariables;
const recoverFromNames = (plan: Plan) => humioEnv(plan).filter(e => e.name.includes("_RECOVER_FROM_")).map(e => e.name).sort();
const envPath = (name: string) => `spec.commonEnvironmentVariables[name=${name}]`;

/** Every resource under `ancestorUrn` in a plan (by parent links). */
function descendsFrom(plan: Plan, urn: string, ancestorUrn: string): boolean {
    const byUrn = new Map(plan.resources.map(r => [r.urn, r]));
    for (let r = byUrn.get(urn); r; r = r.parentUrn ? byUrn.get(r.parentUrn) : undefined) {
        if (r.parentUrn === ancestorUrn) return true;
    }
    return false;
}

// One planner for every cloud: peers are planned once per config and cached.
let shared: Planner | undefined;
const planner = (): Planner => (shared ??= new Planner(ROOT));

for (const cloud of ["aws", "azure", "oci"] as const) {
    const spec = SPECS[cloud];
    const standbyLayout = clusterLayout(cloud, "xsmall", "internal-ingest", "standby");
    const activeLayout = clusterLayout(cloud, "xsmall", "internal-ingest", "active");

    describe(`${cloud}: promotion of the secondary as config flips`, function () {
        this.timeout(120_000);
        let standby: Plan;
        let phase1: Plan;
        let phase2: Plan;
        let toPhase1: PlanDiff;
        let toPhase2: PlanDiff;

        before(async () => {
            const base = [set("cloud", cloud), set("clusterSize", "xsmall"), set("clusterType", "internal-ingest")];
            standby = await planner().plan("secondary", [...base, set("dr", "standby"), set("drUseDedicatedRouting", "false")]);
            phase1 = await planner().plan("secondary", [...base, set("dr", "active"), set("drUseDedicatedRouting", "false")]);
            phase2 = await planner().plan("secondary", [...base, set("dr", "active"), set("drUseDedicatedRouting", "true")]);
            toPhase1 = diffPlans(standby, phase1);
            toPhase2 = diffPlans(phase1, phase2);
        });

        it("the sizes under test really differ between standby and production", () => {
            assert.equal(standbyLayout.digest.podCount, 1);
            assert.equal(standbyLayout.targetReplicationFactor, 1);
            assert.ok(activeLayout.digest.podCount > 1 && activeLayout.targetReplicationFactor > 1);
            assert.ok(activeLayout.ingest && activeLayout.ui, "internal-ingest has dedicated ingest and UI pools when active");
        });

        it("phase 1 creates exactly the UI and ingest node pools, at production size", () => {
            assert.deepEqual(keysOf(toPhase1.changes, "create"), [key(spec.pool.type, spec.pool.name("ingest")), key(spec.pool.type, spec.pool.name("ui"))].sort());
            assert.equal(at(change(toPhase1, spec.pool.type, spec.pool.name("ingest")).resource.inputs, spec.pool.sizePath), activeLayout.ingest!.nodeCount);
            assert.equal(at(change(toPhase1, spec.pool.type, spec.pool.name("ui")).resource.inputs, spec.pool.sizePath), activeLayout.ui!.nodeCount);
        });

        it("phase 1 deletes the failover function and everything that only serves it, and the standby's image pre-pull; nothing else", () => {
            const prepull = key("kubernetes:apps/v1:DaemonSet", "logscale-image-prepull");
            const expected = [key(spec.failover.type, spec.failover.name), ...spec.failover.children.map(([t, n]) => key(t, n)), prepull].sort();
            assert.deepEqual(keysOf(toPhase1.changes, "delete"), expected);
            const component = resource(standby, spec.failover.type, spec.failover.name);
            for (const c of toPhase1.changes.filter(x => x.op === "delete" && x.urn !== component.urn && key(x.type, x.name) !== prepull)) {
                assert.ok(descendsFrom(standby, c.urn, component.urn), `${c.type} ${c.name} is deleted but is not part of the failover function`);
            }
            // And nothing of it is left behind.
            assert.ok(!phase1.resources.some(r => r.urn === component.urn || descendsFrom(phase1, r.urn, component.urn)));
        });

        it("phase 1 updates exactly the resources promotion must change", () => {
            const expected = [
                key(spec.pool.type, spec.pool.name("digest")),
                key(T.humio, "logscale-humiocluster"),
                key(T.secret, ENV_SECRET),
                key(T.patch, "logscale-operator-replicas"),
                key(T.gateway, "logscale-gateway"),
                key(T.route, "logscale-route-ingest"),
                key(T.route, "logscale-route-ui"),
                // The ingress tier grows only where the production table says so.
                ...(activeLayout.ingress.nodeCount !== standbyLayout.ingress.nodeCount
                    ? [key(spec.pool.type, spec.pool.name("ingress")), key(T.envoyProxy, "logscale-envoy-proxy")] : []),
            ].sort();
            assert.deepEqual(keysOf(toPhase1.changes, "update"), expected);
            assert.deepEqual(toPhase1.changes.filter(c => c.replace).map(c => key(c.type, c.name)), [], "promotion replaces nothing");
        });

        it("the digest pool (and the ingress tier where it grows) goes to production size", () => {
            const digest = change(toPhase1, spec.pool.type, spec.pool.name("digest"));
            assert.deepEqual(digest.details.map(d => [d.path, d.old, d.new]), [[spec.pool.sizePath, standbyLayout.digest.nodeCount, activeLayout.digest.nodeCount]]);
            if (activeLayout.ingress.nodeCount !== standbyLayout.ingress.nodeCount) {
                const ingress = change(toPhase1, spec.pool.type, spec.pool.name("ingress"));
                assert.deepEqual(ingress.details.map(d => [d.path, d.old, d.new]), [[spec.pool.sizePath, standbyLayout.ingress.nodeCount, activeLayout.ingress.nodeCount]]);
                const proxy = change(toPhase1, T.envoyProxy, "logscale-envoy-proxy");
                assert.deepEqual(proxy.details.map(d => [d.path, d.old, d.new]), [["spec.provider.kubernetes.envoyDeployment.replicas", standbyLayout.ingress.nodeCount, activeLayout.ingress.nodeCount]]);
            }
        });

        it("the HumioCluster keeps its identity and changes only nodeCount, replication, pools, ENABLE_ALERTS and *_RECOVER_FROM_*", () => {
            const before = resource(standby, T.humio, "logscale-humiocluster");
            for (const p of [phase1, phase2]) assert.equal(resource(p, T.humio, "logscale-humiocluster").urn, before.urn);
            const hc = change(toPhase1, T.humio, "logscale-humiocluster");
            assert.equal(hc.op, "update");
            const recoverFrom = recoverFromNames(standby);
            assert.ok(recoverFrom.length >= 5, `the standby recovers from its primary: ${recoverFrom.join(", ")}`);
            assert.deepEqual(hc.paths.slice().sort(), [
                "spec.nodeCount",
                "spec.targetReplicationFactor",
                "spec.nodePools[name=ingest]",
                "spec.nodePools[name=ui]",
                `${envPath("ENABLE_ALERTS")}.value`,
                ...recoverFrom.map(envPath),
            ].sort());
            const detail = (p: string) => hc.details.find(d => d.path === p)!;
            assert.deepEqual([detail("spec.nodeCount").old, detail("spec.nodeCount").new], [1, activeLayout.digest.podCount]);
            assert.deepEqual([detail("spec.targetReplicationFactor").old, detail("spec.targetReplicationFactor").new], [1, activeLayout.targetReplicationFactor]);
            assert.deepEqual([detail(`${envPath("ENABLE_ALERTS")}.value`).old, detail(`${envPath("ENABLE_ALERTS")}.value`).new], ["false", "true"]);
            for (const name of recoverFrom) assert.equal(detail(envPath(name)).op, "delete", `${name} is not removed`);
            assert.equal(detail("spec.nodePools[name=ingest]").op, "create");
            assert.equal(at(detail("spec.nodePools[name=ingest]").new, "spec.nodeCount"), activeLayout.ingest!.podCount);
            assert.equal(at(detail("spec.nodePools[name=ui]").new, "spec.nodeCount"), activeLayout.ui!.podCount);
            assert.deepEqual(recoverFromNames(phase1), []);
            assert.deepEqual(recoverFromNames(phase2), []);
        });

        it("the env Secret loses exactly the recover-from keys", () => {
            const secretNames = humioEnv(standby).filter(e => e.name.includes("_RECOVER_FROM_") && e.valueFrom).map(e => e.name).sort();
            assert.ok(secretNames.length > 0);
            const s = change(toPhase1, T.secret, ENV_SECRET);
            assert.deepEqual(s.details.map(d => [d.op, d.path]), secretNames.map(n => ["delete", `stringData.${n}`]));
        });

        it("the operator goes 0 -> 1 and Pulumi stops ignoring its replicas and chart", () => {
            const patch = change(toPhase1, T.patch, "logscale-operator-replicas");
            assert.deepEqual(patch.details.map(d => [d.path, d.old, d.new]), [["spec.replicas", 0, 1]]);
            assert.deepEqual(resource(standby, T.patch, "logscale-operator-replicas").ignoreChanges, ["spec.replicas"]);
            assert.deepEqual(resource(phase1, T.patch, "logscale-operator-replicas").ignoreChanges, []);
            assert.ok(resource(standby, T.release, "logscale-humio-operator").ignoreChanges.length > 0, "the standby freezes the operator chart");
            assert.deepEqual(resource(phase1, T.release, "logscale-humio-operator").ignoreChanges, []);
        });

        it("the Gateway adds the global hostname's listener and certificate, and the routes attach to it, nothing else", () => {
            const gw = change(toPhase1, T.gateway, "logscale-gateway");
            assert.deepEqual(gw.details.map(d => [d.op, d.path, reveal(d.new)]), [["create", "spec.listeners[name=https-global]", {
                name: "https-global", protocol: "HTTPS", port: 443, hostname: phase1.config[`${P}:globalHostname`],
                tls: { mode: "Terminate", certificateRefs: [{ kind: "Secret", group: "", name: "logscale-global-tls" }] },
                allowedRoutes: { namespaces: { from: "Same" } },
            }]]);
            for (const route of ["logscale-route-ingest", "logscale-route-ui"]) {
                assert.deepEqual(change(toPhase1, T.route, route).details.map(d => [d.op, d.path, reveal(d.new)]), [["create", "spec.parentRefs[2]",
                    { group: "gateway.networking.k8s.io", kind: "Gateway", name: "logscale", sectionName: "https-global" }]], route);
            }
        });

        it("the stack's own DNS entry is untouched through both phases", () => {
            for (const [type, name] of spec.dns) {
                const before = resource(standby, type, name);
                for (const [label, p, d] of [["phase 1", phase1, toPhase1], ["phase 2", phase2, toPhase2]] as const) {
                    const after = resource(p, type, name);
                    assert.equal(after.urn, before.urn, `${name} changes identity in ${label}`);
                    assert.ok(valuesEqual(after.inputs, before.inputs), `${name} inputs change in ${label}`);
                    assert.deepEqual(after.ignoreChanges, before.ignoreChanges, `${name} ignoreChanges change in ${label}`);
                    assert.ok(!d.changes.some(c => c.urn === before.urn), `${name} is in the ${label} diff`);
                }
            }
            if (cloud === "oci") {
                const policy = resource(phase1, "oci:Dns/steeringPolicy:SteeringPolicy", "logscale-global-policy");
                assert.ok(Array.isArray(policy.inputs.answers) && (policy.inputs.answers as unknown[]).length === 2, "both answers are declared");
                assert.ok(policy.ignoreChanges.includes("answers"), "the failover lock on the answers survives promotion");
            }
        });

        it("phase 1 keeps the Services on the generic selector; phase 2 switches them to the pools and changes nothing else", () => {
            for (const svc of ["logscale-ui-service", "logscale-ingest-service"]) {
                assert.deepEqual(reveal(at(resource(standby, T.service, svc).inputs, "spec.selector")), GENERIC_SELECTOR);
                assert.deepEqual(reveal(at(resource(phase1, T.service, svc).inputs, "spec.selector")), GENERIC_SELECTOR);
                assert.ok(!toPhase1.changes.some(c => c.type === T.service), "phase 1 changes no Service");
            }
            assert.deepEqual(keysOf(toPhase2.changes), [key(T.service, "logscale-ingest-service"), key(T.service, "logscale-ui-service")]);
            for (const [svc, pool] of [["logscale-ui-service", "logscale-ui"], ["logscale-ingest-service", "logscale-ingest"]]) {
                const c = change(toPhase2, T.service, svc);
                assert.equal(c.op, "update");
                assert.deepEqual(reveal(at(c.resource.inputs, "spec.selector")), { "humio.com/node-pool": pool });
                assert.deepEqual(c.paths.slice().sort(), ['spec.selector["app.kubernetes.io/name"]', 'spec.selector["humio.com/node-pool"]']);
            }
            assert.deepEqual(toPhase2.outputs, []);
        });

        it("the outputs lose what only described the failover function", () => {
            // expectedFailoverSeconds describes the standby's failover too (components/dr/rto.ts).
            assert.deepEqual(toPhase1.outputs.filter(o => o.op === "delete").map(o => o.name).sort(), [...spec.failoverOutputs, "expectedFailoverSeconds"].sort());
            assert.deepEqual(toPhase1.outputs.filter(o => o.op === "create"), []);
            for (const o of toPhase1.outputs.filter(x => x.op === "update")) assert.deepEqual([o.name, o.old, o.new], ["dr", "standby", "active"]);
        });

        it("warns when both flips come in one change (plan diff and program), never for the two-phase path", () => {
            const mentions = (ws: string[]) => ws.filter(w => /drUseDedicatedRouting/.test(w));
            assert.equal(promotionWarnings(standby, phase2).length, 1, "the --diff of dr=active + drUseDedicatedRouting=true warns");
            assert.deepEqual(promotionWarnings(standby, phase1), []);
            assert.deepEqual(promotionWarnings(phase1, phase2), []);
            assert.deepEqual(mentions(standby.warnings), []);
            assert.deepEqual(mentions(phase1.warnings), []);
            const program = mentions(phase2.warnings);
            assert.equal(program.length, 1, "the program itself warns on dr active + pool selectors");
            assert.match(program[0], /logscale-ui, logscale-ingest/);
            assert.match(program[0], /503/);
        });
    });

    describe(`${cloud}: failback on the primary as a config flip (recoverFrom)`, function () {
        this.timeout(120_000);
        let paired: Plan;
        let recovering: Plan;
        let flipOn: PlanDiff;
        let flipOff: PlanDiff;
        let reverse: Record<string, string>;

        before(async () => {
            const base = [set("cloud", cloud), set("secondaryStack", "secondary")];
            paired = await planner().plan("primary", [...base, set("recoverFrom", "none")]);
            recovering = await planner().plan("primary", [...base, set("recoverFrom", "secondary")]);
            flipOn = diffPlans(paired, recovering);
            flipOff = diffPlans(recovering, paired);
            reverse = reveal(paired.outputs[REVERSE_RECOVERY_OUTPUT]) as Record<string, string>;
        });

        it("the primary exports the reverse set, pointing at the secondary's storage with the regions inverted", () => {
            assert.ok(isPlainObject(paired.outputs[REVERSE_RECOVERY_OUTPUT]));
            const secondary = recovering.peers.find(p => p.stack === "secondary");
            assert.ok(secondary, "the secondary was planned for the StackReference");
            const region = reveal(secondary.outputs.region) as string;
            const prefix = cloud === "azure" ? "AZURE" : "S3";
            assert.equal(reverse[`${prefix}_RECOVER_FROM_BUCKET`], reveal(secondary.outputs.storageBucket));
            assert.equal(reverse[`${prefix}_RECOVER_FROM_ENCRYPTION_KEY`], reveal(secondary.outputs.storageEncryptionKey));
            assert.equal(reverse[`${prefix}_RECOVER_FROM_REPLACE_REGION`], `${region}/${paired.region}`);
            assert.ok(!("BUCKET_STORAGE_MULTIPLE_ENDPOINTS" in reverse));
            assert.deepEqual(reveal(recovering.outputs[REVERSE_RECOVERY_OUTPUT]), reverse, "the flip does not change the output");
        });

        it("recoverFrom: secondary adds exactly the reverse set to the HumioCluster, and nothing else changes", () => {
            assert.deepEqual(keysOf(flipOn.changes), [key(T.secret, ENV_SECRET), key(T.humio, "logscale-humiocluster")].sort());
            assert.deepEqual(flipOn.outputs, []);
            const hc = change(flipOn, T.humio, "logscale-humiocluster");
            assert.equal(hc.urn, resource(paired, T.humio, "logscale-humiocluster").urn);
            assert.deepEqual(hc.paths.slice().sort(), Object.keys(reverse).sort().map(envPath));
            const secretNames: string[] = [];
            for (const d of hc.details) {
                assert.equal(d.op, "create");
                const v = d.new as EnvVar;
                if (v.valueFrom) {
                    assert.deepEqual(v.valueFrom, { secretKeyRef: { name: ENV_SECRET, key: v.name } });
                    secretNames.push(v.name);
                } else {
                    assert.equal(reveal(v.value), reverse[v.name], `${v.name} differs from the exported set`);
                }
            }
            const s = change(flipOn, T.secret, ENV_SECRET);
            assert.deepEqual(s.details.map(d => [d.op, d.path]), secretNames.sort().map(n => ["create", `stringData.${n}`]));
            for (const d of s.details) {
                assert.ok(isSecret(d.new), `${d.path} is not secret`);
                assert.equal(reveal(d.new), reverse[d.path.slice("stringData.".length)]);
            }
        });

        it("flipping back to none removes exactly those variables and changes nothing else", () => {
            assert.deepEqual(keysOf(flipOff.changes), keysOf(flipOn.changes));
            for (const off of flipOff.changes) {
                const on = change(flipOn, off.type, off.name);
                assert.equal(off.op, "update");
                assert.deepEqual(off.details.map(d => [d.op, d.path]), on.details.map(d => ["delete", d.path]));
            }
            assert.deepEqual(flipOff.outputs, []);
            assert.deepEqual(recoverFromNames(paired), []);
        });
    });
}
