// The AWS pair under the mock engine: the primary planned first, the standby
// reading it through a StackReference, and the standby promoted. Resource
// sets per DR mode, recover-from values traced to the primary, resource
// options, IAM scope, secrets.

import * as assert from "assert";
import { PEER_OUTPUTS } from "../../components/dr/contract";
import { RecordedResource, RunResult, StackSnapshot } from "../../scripts/mock/engine";
import { LICENSE, primaryConfig, runAws, secondaryConfig, snapshotOf } from "./fixtures";

const T = {
    function: "aws:lambda/function:Function",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    topic: "aws:sns/topic:Topic",
    subscription: "aws:sns/topicSubscription:TopicSubscription",
    permission: "aws:lambda/permission:Permission",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    key: "aws:kms/key:Key",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    parameter: "aws:ssm/parameter:Parameter",
    accessEntry: "aws:eks/accessEntry:AccessEntry",
    accessPolicy: "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
    nodeGroup: "aws:eks/nodeGroup:NodeGroup",
    healthCheck: "aws:route53/healthCheck:HealthCheck",
    record: "aws:route53/record:Record",
    zone: "aws:route53/zone:Zone",
    cluster: "aws:eks/cluster:Cluster",
    humio: "kubernetes:core.humio.com/v1alpha1:HumioCluster",
    secret: "kubernetes:core/v1:Secret",
    targetGroup: "aws:lb/targetGroup:TargetGroup",
    asgAttachment: "aws:autoscaling/attachment:Attachment",
    failoverComponent: "logscale:aws:FailoverFunction",
} as const;

/** A distinctive encryption key for the primary, so values traced to it cannot come from the standby's own key. */
const PRIMARY_KEY = "primary-storage-key-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKL";

const all = (run: RunResult, type: string) => run.resources.filter(r => r.type === type);
const one = (run: RunResult, type: string, name?: string): RecordedResource => {
    const hits = all(run, type).filter(r => name === undefined || r.name === name);
    assert.strictEqual(hits.length, 1, `expected one ${type}${name ? ` ${name}` : ""}, found ${hits.map(r => r.name).join(", ") || "none"}`);
    return hits[0];
};
const noErrors = (run: RunResult) => assert.deepStrictEqual(run.errors.map(e => e.message), []);

/** The HumioCluster's common env (every pool): name -> plain value or "secretKeyRef:<secret>/<key>". */
function humioEnv(run: RunResult): Record<string, string> {
    const spec = (one(run, T.humio).inputs as any).spec;
    const out: Record<string, string> = {};
    const vars = spec.commonEnvironmentVariables ?? spec.environmentVariables;
    assert.ok(Array.isArray(vars), "HumioCluster has no environment variable list");
    for (const e of vars as { name: string; value?: string; valueFrom?: any }[]) {
        out[e.name] = e.valueFrom ? `secretKeyRef:${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}` : String(e.value);
    }
    return out;
}

/** Revealed value of a key of the LogScale env Secret, and whether the engine saw it as a secret. */
function envSecret(run: RunResult, key: string): { value: unknown; secret: boolean } {
    const s = all(run, T.secret).find(r => (r.rawInputs as any).metadata?.name === "logscale-env-secrets");
    assert.ok(s, "no logscale-env-secrets Secret");
    return { value: (s.rawInputs as any).stringData?.[key], secret: s.secretPaths.some(p => p === `stringData.${key}` || p === "stringData") };
}

const policyOf = (r: RecordedResource) => JSON.parse(String((r.rawInputs as any).policy)) as { Statement: { Action: string | string[]; Resource: string | string[] }[] };
const list = (v: string | string[]) => ([] as string[]).concat(v);

describe("aws stack (mock engine)", function () {
    this.timeout(60_000);
    let primary: RunResult;
    let primarySnap: StackSnapshot;
    let standby: RunResult;
    let promoted: RunResult;

    before(async () => {
        primary = await runAws("primary", primaryConfig(), undefined, args =>
            args.type === "random:index/randomPassword:RandomPassword" && args.name === "logscale-storage-encryption-key"
                ? { result: PRIMARY_KEY } : undefined);
        primarySnap = snapshotOf(primary);
        standby = await runAws("secondary", secondaryConfig(), name => (name === "primary" ? primarySnap : undefined));
        promoted = await runAws("secondary", secondaryConfig({ "logscale-dr:dr": "active" }),
            name => (name === "primary" ? primarySnap : undefined));
    });

    it("plans all three without errors", () => {
        noErrors(primary);
        noErrors(standby);
        noErrors(promoted);
    });

    describe("outputs", () => {
        it("exports every output of the AWS peer contract, the encryption key as a secret", () => {
            for (const name of PEER_OUTPUTS.aws.required) {
                assert.ok(primary.rawOutputs[name] !== undefined && primary.rawOutputs[name] !== "", `missing required output ${name}`);
            }
            for (const name of PEER_OUTPUTS.aws.optional) assert.ok(name in primary.rawOutputs, `optional output ${name} not exported`);
            for (const name of PEER_OUTPUTS.aws.secret) assert.ok(primary.secretOutputNames.includes(name), `${name} not secret`);
            assert.strictEqual(primary.outputs.storageEncryptionKey, "[secret]");
            assert.strictEqual(primary.rawOutputs.storageEncryptionKey, PRIMARY_KEY);
            assert.ok(primary.secretOutputNames.includes("kubeconfig"));
            assert.strictEqual(primary.rawOutputs.cloud, "aws");
            assert.strictEqual(primary.rawOutputs.healthCheckId, one(primary, T.healthCheck).id);
        });
        it("names the failover function and alarm on the standby only", () => {
            assert.strictEqual(standby.rawOutputs.failoverFunctionName, one(standby, T.function).rawInputs.name);
            assert.strictEqual(standby.rawOutputs.failoverAlarmName, one(standby, T.alarm, "logscale-failover-alarm").rawInputs.name);
            assert.ok(!("failoverFunctionName" in promoted.rawOutputs));
            assert.ok(!("failoverFunctionName" in primary.rawOutputs));
        });
    });

    describe("resources per DR mode", () => {
        const failoverTypes = [T.function, T.alarm, T.topic, T.subscription, T.permission, T.key, T.parameter, T.accessEntry, T.accessPolicy];
        it("deploys the failover function and its alarm, topic, role, key, logs, parameter and access on a standby", () => {
            for (const t of failoverTypes) assert.strictEqual(all(standby, t).filter(r => r.name.startsWith("logscale-failover")).length, 1, t);
            one(standby, T.role, "logscale-failover-role");
            one(standby, T.logGroup, "logscale-failover-logs");
        });
        it("removes all of it when active", () => {
            for (const run of [promoted, primary]) {
                assert.deepStrictEqual(run.resources.filter(r => r.name.startsWith("logscale-failover")).map(r => `${r.type} ${r.name}`), []);
                for (const t of [T.function, T.alarm, T.topic, T.subscription, T.permission, T.parameter, T.accessEntry, T.accessPolicy]) {
                    assert.deepStrictEqual(all(run, t), [], t);
                }
            }
        });
        it("has no UI or ingest node groups on the standby and both once promoted", () => {
            const roles = (run: RunResult) => all(run, T.nodeGroup).map(r => (r.inputs as any).labels["k8s-app"]).sort();
            assert.deepStrictEqual(roles(standby), ["kafka", "logscale-digest", "logscale-ingress"]);
            assert.deepStrictEqual(roles(promoted), ["kafka", "logscale-digest", "logscale-ingest", "logscale-ingress", "logscale-ui"]);
            const digest = all(standby, T.nodeGroup).find(r => (r.inputs as any).labels["k8s-app"] === "logscale-digest")!;
            assert.strictEqual((digest.inputs as any).scalingConfig.desiredSize, 1);
        });
        it("uses access-entry authentication on EKS", () => {
            assert.deepStrictEqual((one(standby, T.cluster).inputs as any).accessConfig,
                { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true });
        });
    });

    describe("recover-from", () => {
        it("traces every S3_RECOVER_FROM_* value to the primary's outputs", () => {
            const env = humioEnv(standby);
            const recover = Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith("S3_RECOVER_FROM_")));
            assert.deepStrictEqual(recover, {
                S3_RECOVER_FROM_BUCKET: "logscale-us-west-2-123456789012",
                S3_RECOVER_FROM_REGION: "us-west-2",
                S3_RECOVER_FROM_ENCRYPTION_KEY: "secretKeyRef:logscale-env-secrets/S3_RECOVER_FROM_ENCRYPTION_KEY",
                S3_RECOVER_FROM_REPLACE_REGION: "us-west-2/us-east-2",
                S3_RECOVER_FROM_REPLACE_BUCKET: "logscale-us-west-2-123456789012/logscale-us-east-2-123456789012",
            });
            assert.strictEqual(recover.S3_RECOVER_FROM_BUCKET, primary.rawOutputs.storageBucket);
            assert.strictEqual(env.S3_STORAGE_BUCKET, standby.rawOutputs.storageBucket);
            const key = envSecret(standby, "S3_RECOVER_FROM_ENCRYPTION_KEY");
            assert.strictEqual(key.value, PRIMARY_KEY);
            assert.ok(key.secret, "the primary's key must stay secret");
            assert.notStrictEqual(envSecret(standby, "S3_STORAGE_ENCRYPTION_KEY").value, PRIMARY_KEY);
            assert.ok(!("ALLOW_KAFKA_RESET_UNTIL_TIMESTAMP_MS" in env));
        });
        it("has no recover-from variables when active", () => {
            for (const run of [primary, promoted]) {
                assert.deepStrictEqual(Object.keys(humioEnv(run)).filter(k => k.includes("_RECOVER_FROM_")), []);
                assert.strictEqual(envSecret(run, "S3_RECOVER_FROM_ENCRYPTION_KEY").value, undefined);
            }
        });
        it("grants the standby read-only access to the primary's bucket and read/write to its own", () => {
            const doc = policyOf(one(standby, T.rolePolicy, "logscale-storage-irsa"));
            const on = (arn: string) => doc.Statement.filter(s => list(s.Resource).some(r => r === arn || r === `${arn}/*`)).flatMap(s => list(s.Action));
            assert.deepStrictEqual(on(String(primary.rawOutputs.bucketArn)).sort(), ["s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket"]);
            assert.ok(on(String(standby.rawOutputs.bucketArn)).includes("s3:PutObject"));
            const primaryDoc = policyOf(one(primary, T.rolePolicy, "logscale-storage-irsa"));
            assert.strictEqual(primaryDoc.Statement.length, 2, "an active primary reads no other bucket");
        });
        it("encrypts the bucket with SSE-S3 and sets no Bucket Key (Bucket Keys apply to SSE-KMS only)", () => {
            const sse = primary.resources.find(r => r.type === "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")!;
            assert.deepStrictEqual(sse.rawInputs.rules, [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
        });
        it("keeps the read-only grant on the primary's bucket after promotion", () => {
            // The promoted cluster's snapshot still lists the primary's bucket until every segment is copied.
            assert.deepStrictEqual(policyOf(one(promoted, T.rolePolicy, "logscale-storage-irsa")),
                policyOf(one(standby, T.rolePolicy, "logscale-storage-irsa")));
        });
    });

    describe("resource options", () => {
        it("ignores runtime changes to the primary health check and protects it from replacement", () => {
            const hc = one(primary, T.healthCheck);
            assert.deepStrictEqual([...hc.ignoreChanges].sort(), ["fqdn", "invertHealthcheck"]);
            assert.strictEqual(hc.protect, true);
            assert.strictEqual(hc.deleteBeforeReplace, false);
            assert.strictEqual((hc.inputs as any).type, "HTTPS_STR_MATCH");
            assert.strictEqual((hc.inputs as any).searchString, "\"status\":\"OK\"");
            assert.strictEqual((hc.inputs as any).fqdn, "logscale-us-west-2.example.com");
            const secondary = one(standby, T.healthCheck);
            assert.deepStrictEqual({ type: (secondary.inputs as any).type, interval: (secondary.inputs as any).requestInterval, threshold: (secondary.inputs as any).failureThreshold },
                { type: "TCP", interval: 30, threshold: 2 });
        });
        it("ignores the cooldown parameter's value", () => {
            assert.deepStrictEqual(one(standby, T.parameter, "logscale-failover-cooldown").ignoreChanges, ["value"]);
        });
        it("associates the namespaced access policy only after the access entry", () => {
            const entry = one(standby, T.accessEntry);
            const assoc = one(standby, T.accessPolicy);
            assert.ok(assoc.dependsOn.includes(entry.urn), `dependsOn ${assoc.dependsOn.join(", ")}`);
            assert.deepStrictEqual((assoc.inputs as any).accessScope, { type: "namespace", namespaces: ["logging"] });
            assert.strictEqual((assoc.inputs as any).principalArn, (entry.inputs as any).principalArn);
        });
        it("puts the alarm, topic and subscription in us-east-1 and watches the primary's check", () => {
            for (const [t, n] of [[T.alarm, "alarm"], [T.topic, "topic"], [T.subscription, "subscription"]]) {
                assert.strictEqual((one(standby, t, `logscale-failover-${n}`).inputs as any).region, "us-east-1", t);
            }
            const alarm = one(standby, T.alarm, "logscale-failover-alarm").inputs as any;
            assert.deepStrictEqual(alarm.dimensions, { HealthCheckId: primary.rawOutputs.healthCheckId });
            assert.deepStrictEqual([alarm.namespace, alarm.metricName], ["AWS/Route53", "HealthCheckStatus"]);
            assert.deepStrictEqual(alarm.alarmActions, [one(standby, T.topic, "logscale-failover-topic").rawInputs.arn ?? (alarm.alarmActions as string[])[0]]);
            assert.strictEqual((one(standby, T.function).inputs as any).region, undefined, "the function runs in the standby's region");
        });
        it("runs one invocation at a time and bounds the async queue: retries and event age cover the holdoff recheck", () => {
            assert.strictEqual((one(standby, T.function).inputs as any).reservedConcurrentExecutions, 1);
            const cfg = standby.resources.find(r => r.type === "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig")!;
            assert.strictEqual(cfg.rawInputs.maximumRetryAttempts, 2);
            // Two 900 s runs plus margin: a recheck queued behind a sleeping run must not expire before it runs.
            assert.strictEqual(cfg.rawInputs.maximumEventAgeInSeconds, 2400);
            assert.ok(Number(cfg.rawInputs.maximumEventAgeInSeconds) <= 21600, "Lambda's maximum event age");
            assert.strictEqual(primary.resources.some(r => r.type === cfg.type), false, "the primary has no failover function");
        });
        it("gives the function an explicit runtime, role, timeout and a bundle without dependencies", () => {
            const fn = one(standby, T.function).inputs as any;
            assert.strictEqual(fn.runtime, "nodejs22.x");
            assert.strictEqual(fn.timeout, 900);
            assert.strictEqual(fn.role, `arn:aws:iam::123456789012:role/logscale-failover-role`);
            assert.deepStrictEqual(fn.code, { archive: ["__index.js"] });
            assert.strictEqual(fn.environment.variables.PRIMARY_HEALTH_CHECK_ID, primary.rawOutputs.healthCheckId);
            assert.strictEqual(fn.environment.variables.SECONDARY_HEALTH_CHECK_ID, standby.rawOutputs.healthCheckId);
            assert.strictEqual(fn.kmsKeyArn, one(standby, T.key, "logscale-failover-env").rawInputs.arn ?? fn.kmsKeyArn);
            assert.strictEqual((one(standby, T.key, "logscale-failover-env").inputs as any).enableKeyRotation, true);
        });
    });

    describe("failover function environment", () => {
        it("carries the cluster's endpoint and CA (no EKS lookup at run time) and the alarm's name (for the re-arm)", () => {
            const vars = (one(standby, T.function).rawInputs as any).environment.variables as Record<string, string>;
            const kc = JSON.parse(String(standby.rawOutputs.kubeconfig)) as { clusters: { cluster: { server: string; "certificate-authority-data": string } }[] };
            assert.match(vars.EKS_CLUSTER_ENDPOINT, /^https:\/\//);
            assert.strictEqual(vars.EKS_CLUSTER_ENDPOINT, kc.clusters[0].cluster.server);
            assert.strictEqual(vars.EKS_CLUSTER_CA_DATA, kc.clusters[0].cluster["certificate-authority-data"]);
            assert.strictEqual(vars.EKS_CLUSTER_NAME, standby.rawOutputs.eksClusterName);
            assert.strictEqual(vars.FAILOVER_ALARM_NAME, one(standby, T.alarm, "logscale-failover-alarm").rawInputs.name);
            assert.strictEqual(vars.FAILOVER_ALARM_NAME, standby.rawOutputs.failoverAlarmName);
            assert.deepStrictEqual((one(standby, T.function).secretPaths).filter(p => p.startsWith("environment")), [], "nothing secret in the environment");
        });
    });

    describe("least privilege", () => {
        it("attaches no managed policy to the function role and allows no wildcard action", () => {
            const failover = one(standby, T.failoverComponent);
            const role = one(standby, T.role, "logscale-failover-role");
            const roleName = (role.rawInputs as any).name ?? role.name;
            assert.deepStrictEqual(all(standby, T.attachment).filter(a => a.parent === failover.urn || (a.rawInputs as any).role === roleName), []);
            const policies = all(standby, T.rolePolicy).filter(p => p.parent === failover.urn);
            assert.strictEqual(policies.length, 1);
            const doc = policyOf(policies[0]);
            for (const s of doc.Statement) {
                for (const a of list(s.Action)) assert.ok(!a.includes("*"), `wildcard action ${a}`);
                if (list(s.Resource).includes("*")) {
                    assert.ok(["cloudwatch:GetMetricStatistics", "cloudwatch:PutMetricData"].includes(list(s.Action).join()), `* for ${list(s.Action)}`);
                    if (list(s.Action).includes("cloudwatch:PutMetricData")) assert.deepStrictEqual((s as any).Condition, { StringEquals: { "cloudwatch:namespace": "LogScaleDR" } });
                }
            }
            const update = doc.Statement.filter(s => list(s.Action).includes("route53:UpdateHealthCheck")).flatMap(s => list(s.Resource));
            assert.deepStrictEqual(update, [`arn:aws:route53:::healthcheck/${primary.rawOutputs.healthCheckId}`]);
        });
        it("lets the function re-arm only its own alarm, and gives it nothing on EKS", () => {
            const failover = one(standby, T.failoverComponent);
            const doc = policyOf(all(standby, T.rolePolicy).filter(p => p.parent === failover.urn)[0]);
            const alarm = one(standby, T.alarm, "logscale-failover-alarm");
            const rearm = doc.Statement.filter(s => list(s.Action).includes("cloudwatch:SetAlarmState")).flatMap(s => list(s.Resource));
            assert.deepStrictEqual(rearm, [`arn:aws:cloudwatch:us-east-1:123456789012:alarm:${(alarm.rawInputs as any).name}`]);
            assert.deepStrictEqual(doc.Statement.flatMap(s => list(s.Action)).filter(a => a.startsWith("eks:")), []);
            // By name, not through the alarm resource: the alarm waits on the topic, which waits on the function and its role.
            assert.ok(!one(standby, T.function).dependsOn.includes(alarm.urn));
        });
        it("gives nodes only the standard worker policies", () => {
            const nodeRole = one(standby, T.role, "logscale-nodes-node");
            const attached = all(standby, T.attachment).filter(a => a.parent === nodeRole.parent).map(a => String((a.inputs as any).policyArn)).sort();
            assert.deepStrictEqual(attached, [
                "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
                "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
                "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
            ]);
        });
    });

    describe("readiness and notifications for people", () => {
        const schedule = "aws:scheduler/schedule:Schedule";
        it("schedules the readiness run every 5 minutes with the readiness event, through a role that may invoke only this function", () => {
            const s = one(standby, schedule).rawInputs as any;
            assert.strictEqual(s.scheduleExpression, "rate(5 minutes)");
            assert.deepStrictEqual(JSON.parse(s.target.input), { logscaleDrReadiness: { source: "schedule" } });
            assert.strictEqual(s.target.arn, one(standby, T.function).rawInputs.arn ?? s.target.arn);
            assert.strictEqual(s.target.retryPolicy.maximumRetryAttempts, 0);
            const role = one(standby, T.role, "logscale-readiness-scheduler");
            assert.deepStrictEqual(JSON.parse(String((role.rawInputs as any).assumeRolePolicy)).Statement[0].Principal, { Service: "scheduler.amazonaws.com" });
            const doc = policyOf(one(standby, T.rolePolicy, "logscale-readiness-scheduler"));
            assert.deepStrictEqual(doc.Statement.map(st => [list(st.Action), list(st.Resource)]),
                [[["lambda:InvokeFunction"], ["arn:aws:lambda:us-east-2:123456789012:function:logscale-dr-failover-us-east-2"]]]);
        });
        it("alarms on LogScaleDR/StandbyReady (Minimum < 1, 2 periods of the interval, missing data breaching) to the people's topic only", () => {
            const alarm = one(standby, T.alarm, "logscale-readiness-alarm").rawInputs as any;
            assert.deepStrictEqual([alarm.namespace, alarm.metricName, alarm.statistic, alarm.comparisonOperator, alarm.threshold, alarm.period, alarm.evaluationPeriods, alarm.treatMissingData],
                ["LogScaleDR", "StandbyReady", "Minimum", "LessThanThreshold", 1, 300, 2, "breaching"]);
            assert.deepStrictEqual(alarm.dimensions, { ClusterName: standby.rawOutputs.eksClusterName });
            const people = String(standby.rawOutputs.notifyTopicArn);
            const trigger = (one(standby, T.alarm, "logscale-failover-alarm").rawInputs as any).alarmActions[0];
            assert.match(people, /^arn:aws:sns:us-east-2:123456789012:logscale-dr-failover-us-east-2-notify$/);
            assert.match(trigger, /:sns:us-east-1:/);
            assert.deepStrictEqual(alarm.alarmActions, [people]);
            assert.deepStrictEqual(alarm.okActions, [people]);
            assert.strictEqual((one(standby, T.topic, "logscale-readiness-notify").inputs as any).region, undefined, "the people's topic sits beside the standby");
        });
        it("lets the function publish to the people's topic only and put metrics in LogScaleDR only", () => {
            const failover = one(standby, T.failoverComponent);
            const doc = policyOf(all(standby, T.rolePolicy).filter(p => p.parent === failover.urn)[0]);
            const of = (a: string) => doc.Statement.filter(st => list(st.Action).includes(a));
            assert.deepStrictEqual(of("sns:Publish").map(st => [list(st.Action), list(st.Resource)]),
                [[["sns:Publish"], ["arn:aws:sns:us-east-2:123456789012:logscale-dr-failover-us-east-2-notify"]]]);
            assert.deepStrictEqual(of("cloudwatch:PutMetricData").map(st => (st as any).Condition), [{ StringEquals: { "cloudwatch:namespace": "LogScaleDR" } }]);
            const vars = (one(standby, T.function).rawInputs as any).environment.variables as Record<string, string>;
            assert.strictEqual(vars.NOTIFY_TOPIC_ARN, "arn:aws:sns:us-east-2:123456789012:logscale-dr-failover-us-east-2-notify");
            assert.strictEqual(vars.NOTIFY_TOPIC_ARN, standby.rawOutputs.notifyTopicArn);
            assert.strictEqual(vars.READINESS_PARAMETER_NAME, (one(standby, T.parameter, "logscale-readiness-verdict").rawInputs as any).name);
        });
        it("has none of it on the primary or once promoted", () => {
            for (const run of [primary, promoted]) {
                assert.deepStrictEqual(run.resources.filter(r => r.name.startsWith("logscale-readiness")).map(r => r.name), []);
                assert.deepStrictEqual(all(run, schedule), []);
            }
        });
    });

    describe("DNS steering", () => {
        it("declares the secondary's failover record identically in standby and active plans", () => {
            const a = one(standby, T.record, "logscale-dns-global");
            const b = one(promoted, T.record, "logscale-dns-global");
            assert.strictEqual(a.urn, b.urn);
            assert.strictEqual(a.parent, b.parent);
            assert.deepStrictEqual(a.inputs, b.inputs);
            assert.deepStrictEqual((a.inputs as any).failoverRoutingPolicies, [{ type: "SECONDARY" }]);
            assert.strictEqual((a.inputs as any).healthCheckId, standby.rawOutputs.healthCheckId);
            const hcA = one(standby, T.healthCheck);
            const hcB = one(promoted, T.healthCheck);
            assert.deepStrictEqual([hcA.urn, hcA.inputs], [hcB.urn, hcB.inputs]);
        });
        it("points the primary's PRIMARY record at its NLB with its health check; the zone is created once", () => {
            const r = one(primary, T.record, "logscale-dns-global").inputs as any;
            assert.deepStrictEqual(r.failoverRoutingPolicies, [{ type: "PRIMARY" }]);
            assert.strictEqual(r.healthCheckId, primary.rawOutputs.healthCheckId);
            assert.strictEqual(r.name, "logscale.example.com");
            assert.deepStrictEqual(r.aliases, [{ name: primary.rawOutputs.loadBalancerAddress, zoneId: primary.rawOutputs.loadBalancerZoneId, evaluateTargetHealth: true }]);
            assert.strictEqual(all(primary, T.zone).length, 1);
            assert.strictEqual(all(standby, T.zone).length, 0);
            assert.strictEqual((one(standby, T.record, "logscale-dns-global").inputs as any).zoneId, primary.rawOutputs.dnsZoneId);
        });
    });

    describe("load balancer", () => {
        it("targets the ingress node group's node ports", () => {
            const ports = all(standby, T.targetGroup).map(r => (r.inputs as any).port).sort();
            assert.deepStrictEqual(ports, [30080, 30443]);
            const ingress = all(standby, T.nodeGroup).find(r => (r.inputs as any).labels["k8s-app"] === "logscale-ingress")!;
            for (const att of all(standby, T.asgAttachment)) {
                assert.strictEqual((att.inputs as any).autoscalingGroupName, `eks-${ingress.name}-asg`);
            }
            assert.strictEqual(all(standby, T.asgAttachment).length, 2);
        });

        it("health-checks the node ports over TCP with a timeout below the interval (AWS rejects timeout >= interval)", () => {
            for (const tg of all(standby, T.targetGroup)) {
                const hc = (tg.inputs as any).healthCheck;
                assert.strictEqual(hc.protocol, "TCP");
                assert.ok(Number.isInteger(hc.timeout) && hc.timeout >= 2 && hc.timeout < hc.interval, `${tg.name}: timeout ${hc.timeout}, interval ${hc.interval}`);
            }
        });
    });

    describe("secrets", () => {
        it("never shows the license or an encryption key in plain inputs or outputs", () => {
            const own = String(standby.rawOutputs.storageEncryptionKey);
            for (const run of [primary, standby, promoted]) {
                const text = JSON.stringify(run.resources.map(r => r.inputs)) + JSON.stringify(run.outputs);
                for (const secret of [LICENSE, PRIMARY_KEY, own]) assert.ok(!text.includes(secret), `a secret leaked in ${run === primary ? "primary" : "secondary"}`);
            }
        });
    });
});

describe("aws stack (mock engine): peers and config", function () {
    this.timeout(60_000);
    let primarySnap: StackSnapshot;

    before(async () => {
        primarySnap = snapshotOf(await runAws("primary", primaryConfig()));
    });

    it("adds S3_RECOVER_FROM_OBJECT_KEY_PREFIX when the primary uses a prefix", async () => {
        const snap = { ...primarySnap, outputs: { ...primarySnap.outputs, storageObjectKeyPrefix: "logs/" } };
        const run = await runAws("secondary", secondaryConfig(), n => (n === "primary" ? snap : undefined));
        noErrors(run);
        assert.strictEqual(humioEnv(run).S3_RECOVER_FROM_OBJECT_KEY_PREFIX, "logs/");
        assert.strictEqual(humioEnv(run).S3_STORAGE_OBJECT_KEY_PREFIX, undefined);
    });

    it("fails naming the stack and the output when the primary lacks one", async () => {
        const { healthCheckId: _dropped, ...outputs } = primarySnap.outputs;
        const run = await runAws("secondary", secondaryConfig(), n => (n === "primary" ? { ...primarySnap, outputs } : undefined));
        const messages = run.errors.map(e => e.message).join("\n");
        assert.match(messages, /stack "primary" has no usable output "healthCheckId"/);
    });

    it("refuses a pair in one region", async () => {
        const run = await runAws("secondary", secondaryConfig({ "aws:region": "us-west-2" }), n => (n === "primary" ? primarySnap : undefined));
        assert.match(run.errors.map(e => e.message).join("\n"), /invalid config aws:region = "us-west-2" in stack "secondary": the stack it recovers from \("primary"\) is in us-west-2 too; a DR pair needs two different AWS regions/);
    });

    it("takes recover-from values from fallback config without a StackReference", async () => {
        const cfg = secondaryConfig({
            "logscale-dr:primaryRegion": "us-west-2",
            "logscale-dr:primaryStorageBucket": "hand-written-bucket",
            "logscale-dr:primaryStorageEncryptionKey": "hand-written-key-0123456789",
            "logscale-dr:primaryHealthCheckId": "0b1c2d3e-1111-4222-8333-444455556666",
            "logscale-dr:primaryDnsZoneId": "ZHAND",
        });
        delete cfg["logscale-dr:primaryStack"];
        const run = await runAws("secondary", cfg);
        noErrors(run);
        assert.deepStrictEqual(all(run, "pulumi:pulumi:StackReference"), []);
        const env = humioEnv(run);
        assert.strictEqual(env.S3_RECOVER_FROM_BUCKET, "hand-written-bucket");
        assert.strictEqual(env.S3_RECOVER_FROM_REPLACE_BUCKET, "hand-written-bucket/logscale-us-east-2-123456789012");
        assert.strictEqual(envSecret(run, "S3_RECOVER_FROM_ENCRYPTION_KEY").value, "hand-written-key-0123456789");
        assert.deepStrictEqual((one(run, T.alarm, "logscale-failover-alarm").inputs as any).dimensions, { HealthCheckId: "0b1c2d3e-1111-4222-8333-444455556666" });
        assert.strictEqual((one(run, T.record, "logscale-dns-global").inputs as any).zoneId, "ZHAND");
        const doc = policyOf(one(run, T.rolePolicy, "logscale-storage-irsa"));
        const readOnly = doc.Statement.filter(s => list(s.Resource).includes("arn:aws:s3:::hand-written-bucket/*")).flatMap(s => list(s.Action));
        assert.deepStrictEqual(readOnly, ["s3:GetObject"], "the bucket ARN is derived from primaryStorageBucket");
    });

    it("subscribes every notifyEmails address and the secret webhook; readinessIntervalMinutes 0 plans no schedule and no readiness alarm", async () => {
        const run = await runAws("secondary", secondaryConfig({
            "logscale-dr:notifyEmails": JSON.stringify(["oncall@example.com", "dr@example.com"]),
            "logscale-dr:notifyWebhookUrl": "https://hooks.example.com/T/123",
            "logscale-dr:readinessIntervalMinutes": "0",
        }), n => (n === "primary" ? primarySnap : undefined));
        noErrors(run);
        const subs = all(run, T.subscription).filter(r => r.name.startsWith("logscale-readiness"));
        assert.deepStrictEqual(subs.map(r => [(r.rawInputs as any).protocol, (r.rawInputs as any).endpoint]).sort(),
            [["email", "dr@example.com"], ["email", "oncall@example.com"], ["https", "https://hooks.example.com/T/123"]]);
        assert.ok(subs.every(r => (r.rawInputs as any).topic === run.rawOutputs.notifyTopicArn), "every subscription is on the people's topic");
        const hook = subs.find(r => (r.rawInputs as any).protocol === "https")!;
        assert.ok(hook.secretPaths.some(p => p === "endpoint"), "the webhook URL stays secret");
        assert.deepStrictEqual(all(run, "aws:scheduler/schedule:Schedule"), []);
        assert.deepStrictEqual(all(run, T.alarm).map(r => r.name), ["logscale-failover-alarm"]);
    });

    it("a 10-minute interval: rate(10 minutes) and 600 s alarm periods", async () => {
        const run = await runAws("secondary", secondaryConfig({ "logscale-dr:readinessIntervalMinutes": "10" }), n => (n === "primary" ? primarySnap : undefined));
        noErrors(run);
        assert.strictEqual((one(run, "aws:scheduler/schedule:Schedule").rawInputs as any).scheduleExpression, "rate(10 minutes)");
        assert.strictEqual((one(run, T.alarm, "logscale-readiness-alarm").rawInputs as any).period, 600);
    });

    it("fails naming the fallback output a standby without primaryStack lacks", async () => {
        const cfg = secondaryConfig({
            "logscale-dr:primaryRegion": "us-west-2",
            "logscale-dr:primaryStorageBucket": "hand-written-bucket",
            "logscale-dr:primaryStorageEncryptionKey": "hand-written-key-0123456789",
            "logscale-dr:primaryDnsZoneId": "ZHAND",
        });
        delete cfg["logscale-dr:primaryStack"];
        const run = await runAws("secondary", cfg);
        assert.match(run.errors.map(e => e.message).join("\n"), /"\(fallback config\)" has no usable output "healthCheckId".*primaryHealthCheckId/);
    });
});
