// The OCI pair under the mock engine: the primary planned first, the standby
// reading it through a StackReference, the standby promoted, and bad input.

import * as assert from "assert";
import { PEER_OUTPUTS } from "../../components/dr/contract";
import { loadConfig } from "../../config/load";
import { createStack } from "../../components/stack";
import { RECHECK_INTERVAL_SECONDS, WAIT_BUDGET_SECONDS } from "../../components/oci/failover";
import { isConfigError } from "../../config/errors";
import { NewResourceArgs, RecordedResource, RunResult, runProgram, StackSnapshot } from "../../scripts/mock/engine";

const LICENSE = "oci-test-license-value-not-a-real-one";
const PRIMARY_KEY = "primary-oci-encryption-key-0123456789abcdefghijklmnopqrstuvwxyzABCDEF";
const COMPARTMENT = "ocid1.compartment.oc1..aaaaaaaatestcompartment";
const TENANCY = "ocid1.tenancy.oc1..aaaaaaaatesttenancy";

function primaryConfig(extra: Record<string, string | undefined> = {}): Record<string, string> {
    return clean({
        "oci:region": "us-ashburn-1",
        "logscale-dr:cloud": "oci",
        "logscale-dr:dr": "active",
        "logscale-dr:clusterName": "logscale",
        "logscale-dr:globalHostname": "logscale.example.com",
        "logscale-dr:dnsZoneName": "example.com",
        "logscale-dr:manageGlobalDns": "true",
        "logscale-dr:healthCheckIntervalSeconds": "30",
        "logscale-dr:logscaleLicense": LICENSE,
        "logscale-dr:ociCompartmentId": COMPARTMENT,
        "logscale-dr:ociTenancyId": TENANCY,
        "logscale-dr:ociObjectStorageNamespace": "axaxnpcrorw5",
        ...extra,
    });
}

function secondaryConfig(extra: Record<string, string | undefined> = {}): Record<string, string> {
    return primaryConfig({
        "oci:region": "us-phoenix-1",
        "logscale-dr:dr": "standby",
        "logscale-dr:drUseDedicatedRouting": "false",
        "logscale-dr:primaryStack": "primary",
        "logscale-dr:manageGlobalDns": "false",
        ...extra,
    });
}

function clean(c: Record<string, string | undefined>): Record<string, string> {
    return Object.fromEntries(Object.entries(c).filter((e): e is [string, string] => e[1] !== undefined));
}

/** Every data-source call of every run, with its inputs. */
const invokes: { stack: string; token: string; inputs: Record<string, any> }[] = [];

function run(stack: string, config: Record<string, string>, peers: Record<string, StackSnapshot> = {},
    resourceState?: (args: NewResourceArgs) => Record<string, unknown> | undefined): Promise<RunResult> {
    return runProgram({
        stack,
        config,
        secretKeys: ["logscale-dr:logscaleLicense"],
        stackOutputs: name => peers[name],
        resourceState,
        invoke: (token, inputs) => { invokes.push({ stack, token, inputs }); return undefined; },
        program: () => createStack(loadConfig(config, stack)),
    });
}

const T = {
    policy: "oci:Dns/steeringPolicy:SteeringPolicy",
    attachment: "oci:Dns/steeringPolicyAttachment:SteeringPolicyAttachment",
    httpMonitor: "oci:HealthChecks/httpMonitor:HttpMonitor",
    pingMonitor: "oci:HealthChecks/pingMonitor:PingMonitor",
    fn: "oci:Functions/function:Function",
    app: "oci:Functions/application:Application",
    alarm: "oci:Monitoring/alarm:Alarm",
    topic: "oci:Ons/notificationTopic:NotificationTopic",
    subscription: "oci:Ons/subscription:Subscription",
    dynamicGroup: "oci:Identity/dynamicGroup:DynamicGroup",
    policyIam: "oci:Identity/policy:Policy",
    authToken: "oci:Identity/authToken:AuthToken",
    image: "docker-build:index:Image",
    nodePool: "oci:ContainerEngine/nodePool:NodePool",
    cluster: "oci:ContainerEngine/cluster:Cluster",
    publicIp: "oci:Core/publicIp:PublicIp",
    rrset: "oci:Dns/rrset:Rrset",
    zone: "oci:Dns/zone:Zone",
    humio: "kubernetes:core.humio.com/v1alpha1:HumioCluster",
    secret: "kubernetes:core/v1:Secret",
    release: "kubernetes:helm.sh/v3:Release",
    role: "kubernetes:rbac.authorization.k8s.io/v1:Role",
    roleBinding: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
    schedule: "oci:ResourceScheduler/schedule:Schedule",
} as const;

const all = (r: RunResult, type: string) => r.resources.filter(x => x.type === type);
const one = (r: RunResult, type: string): RecordedResource => {
    const hits = all(r, type);
    assert.strictEqual(hits.length, 1, `expected one ${type}, found ${hits.map(h => h.name).join(", ") || "none"}`);
    return hits[0];
};
/** The failover chain's own alarm and topic (the readiness alarms and people's topic sit beside them). */
const failoverAlarm = (r: RunResult) => named(r, T.alarm, /-failover-alarm$/);
const failoverTopic = (r: RunResult) => named(r, T.topic, /-failover-topic$/);
const named = (r: RunResult, type: string, name: RegExp): RecordedResource => {
    const hits = all(r, type).filter(x => name.test(x.name));
    assert.strictEqual(hits.length, 1, `expected one ${type} named ${name}, found ${all(r, type).map(h => h.name).join(", ") || "none"}`);
    return hits[0];
};
const noErrors = (r: RunResult) => assert.deepStrictEqual(r.errors.map(e => e.message), []);
const raw = (x: RecordedResource) => x.rawInputs as any;

function humioEnv(r: RunResult): Record<string, string> {
    const spec = raw(one(r, T.humio)).spec;
    const out: Record<string, string> = {};
    for (const e of (spec.commonEnvironmentVariables ?? spec.environmentVariables) as { name: string; value?: string; valueFrom?: any }[]) {
        out[e.name] = e.valueFrom ? `secretKeyRef:${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}` : String(e.value);
    }
    return out;
}

function envSecret(r: RunResult, key: string): { value: unknown; secret: boolean } {
    const s = all(r, T.secret).find(x => raw(x).metadata?.name === "logscale-env-secrets");
    assert.ok(s, "no logscale-env-secrets Secret");
    return { value: raw(s).stringData?.[key], secret: s.secretPaths.some(p => p === `stringData.${key}` || p === "stringData") };
}

describe("oci stack (mock engine)", function () {
    this.timeout(120_000);
    let primary: RunResult;
    let snap: StackSnapshot;
    let standby: RunResult;
    let promoted: RunResult;

    before(async () => {
        primary = await run("primary", primaryConfig(), {}, args =>
            args.type === "random:index/randomPassword:RandomPassword" && args.name.endsWith("-encryption-key") ? { result: PRIMARY_KEY } : undefined);
        snap = { outputs: primary.rawOutputs, secretOutputNames: primary.secretOutputNames };
        standby = await run("secondary", secondaryConfig(), { primary: snap });
        // Promotion is the one config flip: dr standby -> active.
        promoted = await run("secondary", secondaryConfig({ "logscale-dr:dr": "active" }), { primary: snap });
    });

    it("plans the primary, the standby and the promoted secondary without errors", () => {
        noErrors(primary);
        noErrors(standby);
        noErrors(promoted);
    });

    it("builds Pulumi's kubeconfig for the cluster's public endpoint (a VCN-native cluster has no legacy one)", () => {
        const calls = invokes.filter(i => i.token === "oci:ContainerEngine/getClusterKubeConfig:getClusterKubeConfig");
        assert.ok(calls.length >= 3, `expected a kubeconfig lookup per run, got ${calls.length}`);
        for (const c of calls) assert.strictEqual(c.inputs.endpoint, "PUBLIC_ENDPOINT", `${c.stack}: kubeconfig endpoint ${c.inputs.endpoint}`);
    });

    describe("outputs", () => {
        it("exports the OCI peer contract, keys and encryption key as secrets", () => {
            for (const name of PEER_OUTPUTS.oci.required) {
                assert.ok(primary.rawOutputs[name] !== undefined && primary.rawOutputs[name] !== "", `missing required output ${name}`);
            }
            for (const name of PEER_OUTPUTS.oci.secret) {
                assert.ok(primary.secretOutputNames.includes(name), `${name} not secret`);
                assert.strictEqual(primary.outputs[name], "[secret]");
            }
            assert.strictEqual(primary.rawOutputs.storageEncryptionKey, PRIMARY_KEY);
            assert.strictEqual(primary.rawOutputs.storageEndpointBase, "https://axaxnpcrorw5.compat.objectstorage.us-ashburn-1.oraclecloud.com");
            assert.strictEqual(primary.rawOutputs.loadBalancerAddress, raw(one(primary, T.publicIp)).ipAddress ?? primary.rawOutputs.loadBalancerAddress);
            assert.ok(primary.secretOutputNames.includes("kubeconfig"));
            assert.strictEqual(standby.rawOutputs.steeringPolicyId, one(standby, T.policy).id);
            assert.ok(!("steeringPolicyId" in primary.rawOutputs));
        });

        it("reports the handler and build-context size on the standby", () => {
            assert.ok(Number(standby.rawOutputs.failoverHandlerBytes) > 10_000 && Number(standby.rawOutputs.failoverHandlerBytes) < 1024 * 1024);
            assert.ok(Number(standby.rawOutputs.failoverImageContextBytes) > Number(standby.rawOutputs.failoverHandlerBytes));
        });
    });

    describe("storage env and recover-from values", () => {
        it("primary: S3-compatible storage env, keys through secretKeyRef, no recover-from", () => {
            const env = humioEnv(primary);
            assert.strictEqual(env.S3_STORAGE_BUCKET, "logscale-us-ashburn-1-logscale");
            assert.strictEqual(env.S3_STORAGE_REGION, "us-ashburn-1");
            assert.strictEqual(env.S3_STORAGE_ENDPOINT_BASE, "https://axaxnpcrorw5.compat.objectstorage.us-ashburn-1.oraclecloud.com");
            assert.strictEqual(env.S3_STORAGE_PATH_STYLE_ACCESS, "true");
            for (const k of ["S3_STORAGE_ACCESSKEY", "S3_STORAGE_SECRETKEY", "S3_STORAGE_ENCRYPTION_KEY"]) {
                assert.match(env[k], /^secretKeyRef:logscale-env-secrets\//, k);
            }
            assert.deepStrictEqual(envSecret(primary, "S3_STORAGE_ENCRYPTION_KEY"), { value: PRIMARY_KEY, secret: true });
            assert.deepStrictEqual(Object.keys(env).filter(k => k.includes("RECOVER_FROM")), []);
        });

        it("standby: recovers from the primary's bucket with the primary's key pair and rewrites region and bucket", () => {
            const env = humioEnv(standby);
            assert.strictEqual(env.S3_STORAGE_BUCKET, "logscale-us-phoenix-1-logscale");
            assert.strictEqual(env.S3_RECOVER_FROM_BUCKET, "logscale-us-ashburn-1-logscale");
            assert.strictEqual(env.S3_RECOVER_FROM_REGION, "us-ashburn-1");
            assert.strictEqual(env.S3_RECOVER_FROM_ENDPOINT_BASE, primary.rawOutputs.storageEndpointBase);
            assert.strictEqual(env.S3_RECOVER_FROM_PATH_STYLE_ACCESS, "true");
            assert.strictEqual(env.S3_RECOVER_FROM_REPLACE_REGION, "us-ashburn-1/us-phoenix-1");
            assert.strictEqual(env.S3_RECOVER_FROM_REPLACE_BUCKET, "logscale-us-ashburn-1-logscale/logscale-us-phoenix-1-logscale");
            assert.deepStrictEqual(envSecret(standby, "S3_RECOVER_FROM_ENCRYPTION_KEY"), { value: PRIMARY_KEY, secret: true });
            assert.deepStrictEqual(envSecret(standby, "S3_RECOVER_FROM_ACCESSKEY"), { value: primary.rawOutputs.storageAccessKeyId, secret: true });
            assert.deepStrictEqual(envSecret(standby, "S3_RECOVER_FROM_SECRETKEY"), { value: primary.rawOutputs.storageSecretAccessKey, secret: true });
            assert.notStrictEqual(envSecret(standby, "S3_STORAGE_SECRETKEY").value, primary.rawOutputs.storageSecretAccessKey);
            assert.ok(!("ALLOW_KAFKA_RESET_UNTIL_TIMESTAMP_MS" in env));
            assert.ok(!("S3_RECOVER_FROM_OBJECT_KEY_PREFIX" in env));
        });
    });

    describe("DNS steering", () => {
        it("only the secondary's stack declares the policy, its monitors and the attachment", () => {
            for (const t of [T.policy, T.attachment, T.httpMonitor, T.pingMonitor]) {
                assert.deepStrictEqual(all(primary, t), [], t);
                one(standby, t);
                one(promoted, t);
            }
        });

        it("rules filter disabled answers first, then health, priority, limit 1; one answer per cluster", () => {
            const p = raw(one(standby, T.policy));
            assert.strictEqual(p.template, "FAILOVER");
            assert.deepStrictEqual(p.rules.map((r: any) => r.ruleType), ["FILTER", "HEALTH", "PRIORITY", "LIMIT"]);
            assert.deepStrictEqual(p.rules[0].defaultAnswerDatas, [{ answerCondition: "answer.isDisabled != true", shouldKeep: true }]);
            assert.deepStrictEqual(p.answers, [
                { name: "primary", rtype: "A", rdata: primary.rawOutputs.loadBalancerAddress, pool: "primary", isDisabled: false },
                { name: "secondary", rtype: "A", rdata: standby.rawOutputs.loadBalancerAddress, pool: "secondary", isDisabled: false },
            ]);
            assert.notStrictEqual(primary.rawOutputs.loadBalancerAddress, standby.rawOutputs.loadBalancerAddress);
            assert.strictEqual(p.healthCheckMonitorId, one(standby, T.httpMonitor).id);
            assert.strictEqual(p.ttl, 60);
            const a = raw(one(standby, T.attachment));
            assert.deepStrictEqual([a.domainName, a.zoneId, a.steeringPolicyId], ["logscale.example.com", primary.rawOutputs.dnsZoneId, one(standby, T.policy).id]);
        });

        it("never lets a later `pulumi up` re-enable a disabled answer (answers are ignored after creation)", () => {
            assert.deepStrictEqual(one(standby, T.policy).ignoreChanges, ["answers"]);
            assert.deepStrictEqual(one(promoted, T.policy).ignoreChanges, ["answers"]);
        });

        it("promotion keeps the policy, its answers, the monitors and the attachment: same URNs, same inputs", () => {
            for (const t of [T.policy, T.attachment, T.httpMonitor, T.pingMonitor]) {
                const before = one(standby, t);
                const after = one(promoted, t);
                assert.strictEqual(after.urn, before.urn, t);
                assert.deepStrictEqual(after.rawInputs, before.rawInputs, t);
            }
        });

        it("the primary monitor probes the primary's address over HTTPS with the global Host header", () => {
            const m = raw(one(standby, T.httpMonitor));
            assert.deepStrictEqual([m.protocol, m.targets, m.port, m.path, m.headers, m.intervalInSeconds],
                ["HTTPS", [primary.rawOutputs.loadBalancerAddress], 443, "/api/v1/status", { Host: "logscale.example.com" }, 30]);
            const ping = raw(one(standby, T.pingMonitor));
            assert.deepStrictEqual([ping.protocol, ping.targets, ping.port], ["TCP", [standby.rawOutputs.loadBalancerAddress], 443]);
        });

        it("each stack keeps an A record for its own hostname; the primary creates the zone and protects it", () => {
            const host = (r: RunResult) => all(r, T.rrset).map(x => [raw(x).domain, raw(x).items[0].rdata]);
            assert.deepStrictEqual(host(primary), [["logscale-us-ashburn-1.example.com", primary.rawOutputs.loadBalancerAddress]]);
            assert.deepStrictEqual(host(standby), [["logscale-us-phoenix-1.example.com", standby.rawOutputs.loadBalancerAddress]]);
            assert.strictEqual(one(primary, T.zone).protect, true);
            assert.deepStrictEqual(all(standby, T.zone), []);
        });
    });

    describe("failover function (standby only)", () => {
        const failoverTypes = [T.fn, T.app, T.alarm, T.topic, T.subscription, T.dynamicGroup, T.authToken, T.image, T.role, T.roleBinding, T.schedule];

        it("is deployed on the standby and absent on the primary and once promoted", () => {
            for (const t of failoverTypes) {
                assert.ok(all(standby, t).length > 0, t);
                assert.deepStrictEqual(all(primary, t), [], t);
                assert.deepStrictEqual(all(promoted, t), [], t);
            }
        });

        it("function: memory as a string, the image by tag and digest, config wired to the policy and monitors", () => {
            const fn = raw(one(standby, T.fn));
            assert.strictEqual(fn.memoryInMbs, "256");
            assert.strictEqual(fn.timeoutInSeconds, 300);
            assert.match(fn.image, /^us-phoenix-1\.ocir\.io\/axaxnpcrorw5\/logscale\/us-phoenix-1\/dr-failover:[0-9a-f]{16}$/);
            assert.strictEqual(fn.config.DR_STEERING_POLICY_ID, one(standby, T.policy).id);
            assert.strictEqual(fn.config.DR_PRIMARY_MONITOR_ID, one(standby, T.httpMonitor).id);
            assert.ok(String(fn.config.DR_PRIMARY_RESULTS_URL).endsWith(`/20180501/httpProbeResults/${one(standby, T.httpMonitor).id}`), fn.config.DR_PRIMARY_RESULTS_URL);
            assert.deepStrictEqual([fn.config.DR_RECHECK_SECONDS, fn.config.DR_WAIT_BUDGET_SECONDS], [String(RECHECK_INTERVAL_SECONDS), String(WAIT_BUDGET_SECONDS)]);
            assert.strictEqual(fn.config.DR_SECONDARY_RESULTS_URL, raw(one(standby, T.pingMonitor)).resultsUrl ?? fn.config.DR_SECONDARY_RESULTS_URL);
            assert.strictEqual(fn.config.DR_PRIMARY_POOL, "primary");
            assert.strictEqual(fn.config.DR_HOLDOFF_SECONDS, "180");
            assert.strictEqual(fn.config.DR_K8S_SERVER, "https://10.0.0.2:6443");
            const image = raw(one(standby, T.image));
            assert.deepStrictEqual([image.push, image.platforms, image.buildOnPreview], [true, ["linux/amd64"], false]);
            assert.deepStrictEqual(image.tags, [fn.image]);
            assert.ok(one(standby, T.image).secretPaths.some(p => p.startsWith("registries")), "registry password is secret");
        });

        it("alarm: the primary monitor's metric, the holdoff as pending duration, repeats while firing, notifies the topic", () => {
            const alarm = raw(failoverAlarm(standby));
            assert.strictEqual(alarm.namespace, "oci_healthchecks");
            assert.strictEqual(alarm.query, `HTTP.isHealthy[1m]{resourceId = "${one(standby, T.httpMonitor).id}"}.grouping().max() < 1`);
            assert.strictEqual(alarm.pendingDuration, "PT3M");
            assert.strictEqual(alarm.repeatNotificationDuration, "PT5M");
            assert.deepStrictEqual(alarm.destinations, [failoverTopic(standby).id]);
            const sub = raw(one(standby, T.subscription));
            assert.deepStrictEqual([sub.protocol, sub.endpoint, sub.topicId], ["ORACLE_FUNCTIONS", one(standby, T.fn).id, failoverTopic(standby).id]);
        });

        it("the alarm's repeat is the recheck: the function is told its interval, and ONS stops redelivering once the next repeat is due", () => {
            const alarm = raw(failoverAlarm(standby));
            const repeat = /^PT(\d+)M$/.exec(alarm.repeatNotificationDuration);
            assert.ok(repeat, `the alarm must repeat while FIRING, got ${alarm.repeatNotificationDuration}`);
            const repeatSeconds = Number(repeat[1]) * 60;
            assert.strictEqual(raw(one(standby, T.fn)).config.DR_ALARM_REPEAT_SECONDS, String(repeatSeconds));
            const sub = raw(one(standby, T.subscription));
            assert.strictEqual(typeof sub.deliveryPolicy, "string", "deliveryPolicy is a JSON string");
            assert.deepStrictEqual(JSON.parse(sub.deliveryPolicy), { backoffRetryPolicy: { maxRetryDuration: 300_000, policyType: "EXPONENTIAL" } });
            // Not beyond the repeat: a later redelivery would only run beside the next notification's run.
            assert.ok(JSON.parse(sub.deliveryPolicy).backoffRetryPolicy.maxRetryDuration <= repeatSeconds * 1000);
        });

        it("least privilege: a dynamic group of this one function, compartment-scoped statements, RBAC on named objects and a metadata-only Secret list", () => {
            const dg = raw(one(standby, T.dynamicGroup));
            assert.strictEqual(dg.matchingRule, `ALL {resource.type = 'fnfunc', resource.id = '${one(standby, T.fn).id}'}`);
            assert.strictEqual(dg.compartmentId, TENANCY);
            const statements = all(standby, T.policyIam).flatMap(p => raw(p).statements as string[]);
            assert.ok(statements.length > 0 && statements.every(s => s.includes(`compartment id ${COMPARTMENT}`)), statements.join("\n"));
            assert.ok(!statements.some(s => /\b(manage all-resources|in tenancy)\b/.test(s)));
            const role = raw(one(standby, T.role));
            assert.deepStrictEqual(role.metadata.namespace, "logging");
            assert.deepStrictEqual(role.rules.map((r: any) => [r.resources, r.resourceNames, r.verbs]), [
                [["deployments"], ["humio-operator"], ["get", "patch"]],
                [["secrets"], ["logscale"], ["get", "delete"]],
                [["humioclusters"], ["logscale"], ["get"]],
                [["secrets"], undefined, ["list"]],
                [["services/proxy"], ["https:logscale-ui-cip:8080", "logscale-ui-cip"], ["get"]],
            ]);
            const fn = raw(one(standby, T.fn));
            assert.deepStrictEqual([fn.config.DR_RECOVERY_DEADLINE_MINUTES, Number(fn.config.DR_EXPECTED_FAILOVER_SECONDS) > 0], ["15", true]);
            assert.deepStrictEqual(raw(one(standby, T.roleBinding)).subjects.map((s: any) => s.name), [one(standby, T.dynamicGroup).id, one(standby, T.fn).id]);
        });

        it("readiness: the Resource Scheduler invokes this function every 5 minutes with the readiness body, and only that schedule may invoke it", () => {
            const schedule = raw(one(standby, T.schedule));
            assert.deepStrictEqual([schedule.action, schedule.recurrenceType, schedule.recurrenceDetails], ["START_RESOURCE", "CRON", "*/5 * * * *"]);
            assert.deepStrictEqual(schedule.resources.map((r: any) => r.id), [one(standby, T.fn).id]);
            assert.deepStrictEqual(JSON.parse(schedule.resources[0].parameters[0].value), { logscaleDrReadiness: { source: "resource-scheduler" } });
            assert.strictEqual(schedule.resources[0].parameters[0].parameterType, "BODY");
            const statements = all(standby, T.policyIam).flatMap(p => raw(p).statements as string[]);
            assert.ok(statements.includes(`Allow any-user to use fn-invocation in compartment id ${COMPARTMENT} where all {request.principal.type = 'resourceschedule', ` +
                `request.principal.id = '${one(standby, T.schedule).id}', target.function.id = '${one(standby, T.fn).id}'}`), statements.join("\n"));
        });

        it("readiness alarms: not ready, and not reporting, each for 2 intervals, to people's topic only (never the failover topic)", () => {
            const people = named(standby, T.topic, /-people-topic$/);
            const readinessAlarms = all(standby, T.alarm).filter(a => a.name !== failoverAlarm(standby).name).map(raw);
            assert.deepStrictEqual(readinessAlarms.map(a => [a.namespace, a.query, a.pendingDuration]), [
                ["logscale_dr", 'StandbyReady[5m]{clusterName = "logscale"}.min() < 1', "PT10M"],
                ["logscale_dr", 'StandbyReady[5m]{clusterName = "logscale"}.absent()', "PT10M"],
            ]);
            for (const a of readinessAlarms) assert.deepStrictEqual(a.destinations, [people.id]);
            assert.deepStrictEqual(raw(failoverAlarm(standby)).destinations, [failoverTopic(standby).id], "the failover alarm does not page people");
            const fn = raw(one(standby, T.fn));
            assert.deepStrictEqual([fn.config.DR_NOTIFY_TOPIC_ID, fn.config.DR_CLUSTER_NAME], [people.id, "logscale"]);
            // The function may post its own metric namespace and publish to people's topic, nothing wider.
            const statements = all(standby, T.policyIam).flatMap(p => raw(p).statements as string[]);
            assert.ok(statements.some(x => x.endsWith(`to use metrics in compartment id ${COMPARTMENT} where target.metrics.namespace = 'logscale_dr'`)));
            assert.ok(statements.some(x => x.endsWith(`to use ons-topics in compartment id ${COMPARTMENT} where target.ons-topic.id = '${people.id}'`)));
        });

        it("notifyEmails and a secret webhook subscribe people's topic; readinessIntervalMinutes 0 plans no schedule and no readiness alarms", async () => {
            const r = await run("secondary", secondaryConfig({
                "logscale-dr:notifyEmails": JSON.stringify(["sre@example.com", "oncall@example.com"]),
                "logscale-dr:notifyWebhookUrl": "https://hooks.example.com/T000/secret-path",
                "logscale-dr:readinessIntervalMinutes": "0",
            }), { primary: snap });
            noErrors(r);
            const people = named(r, T.topic, /-people-topic$/);
            const subs = all(r, T.subscription).filter(x => raw(x).topicId === people.id);
            assert.deepStrictEqual(subs.map(x => [raw(x).protocol, raw(x).endpoint]).slice(0, 2), [["EMAIL", "sre@example.com"], ["EMAIL", "oncall@example.com"]]);
            const hook = subs.find(x => raw(x).protocol === "CUSTOM_HTTPS");
            assert.ok(hook && hook.secretPaths.includes("endpoint"), "the webhook URL is a secret input");
            assert.deepStrictEqual(all(r, T.schedule), []);
            assert.deepStrictEqual(all(r, T.alarm).map(a => a.name), [failoverAlarm(r).name]);
            assert.ok(!JSON.stringify(r.rawOutputs).includes("secret-path"));
        });

        it("IAM writes go to the home-region provider", () => {
            const homeProvider = (r: RecordedResource) => r.provider ?? "";
            for (const t of [T.dynamicGroup, T.authToken, T.policyIam]) {
                for (const r of all(standby, t)) assert.match(homeProvider(r), /oci-home/, `${t} ${r.name}`);
            }
        });
    });

    describe("cluster", () => {
        it("OKE enhanced with node pools per layout role; the standby has no UI or ingest pools", () => {
            assert.strictEqual(raw(one(primary, T.cluster)).type, "ENHANCED_CLUSTER");
            assert.strictEqual(raw(one(primary, T.cluster)).kubernetesVersion, "v1.35.2");
            const roles = (r: RunResult) => all(r, T.nodePool).map(x => raw(x).initialNodeLabels[0].value).sort();
            assert.deepStrictEqual(roles(primary), ["kafka", "logscale-digest", "logscale-ingest", "logscale-ingress", "logscale-ui", "system"]);
            assert.deepStrictEqual(roles(standby), ["kafka", "logscale-digest", "logscale-ingress", "system"]);
            assert.deepStrictEqual(roles(promoted), roles(primary));
            const digest = all(standby, T.nodePool).find(x => raw(x).initialNodeLabels[0].value === "logscale-digest")!;
            assert.strictEqual(raw(digest).nodeConfigDetails.size, 1);
            assert.strictEqual(raw(digest).nodeConfigDetails.placementConfigs.length, 3);
            assert.match(raw(digest).nodeSourceDetails.imageId, /oke13521367$/);
        });

        it("the Envoy Gateway proxy sits behind a flexible OCI load balancer on the reserved IP, security lists left to Pulumi", () => {
            const proxy = primary.resources.find(r => r.type === "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy")!;
            const svc = raw(proxy).spec.provider.kubernetes.envoyService;
            assert.strictEqual(svc.type, "LoadBalancer");
            assert.strictEqual(svc.loadBalancerIP, primary.rawOutputs.loadBalancerAddress);
            assert.strictEqual(svc.annotations["oci.oraclecloud.com/security-rule-management-mode"], "None");
            assert.strictEqual(raw(one(primary, T.publicIp)).lifetime, "RESERVED");
        });

        it("uses OKE's block volume storage class for LogScale disks", () => {
            const spec = raw(one(primary, T.humio)).spec;
            const json = JSON.stringify(spec);
            assert.ok(json.includes('"storageClassName":"oci-bv"'), "oci-bv not used");
        });
    });

    it("secrets never appear in plain inputs or outputs", () => {
        const secrets = [LICENSE, PRIMARY_KEY, String(primary.rawOutputs.storageSecretAccessKey), "mock-auth-token-logscale-failover-push-token"];
        for (const r of [primary, standby, promoted]) {
            for (const res of r.resources) {
                const text = JSON.stringify(res.inputs);
                for (const s of secrets) assert.ok(!text.includes(s), `${res.type} ${res.name} shows a secret in plain text`);
            }
            const out = JSON.stringify(r.outputs);
            for (const s of secrets) assert.ok(!out.includes(s), "a stack output shows a secret");
        }
    });

    describe("failback and a stack without a pair", () => {
        it("a primary with recoverFrom: secondary recovers from the promoted secondary's bucket", async () => {
            const promotedSnap = { outputs: promoted.rawOutputs, secretOutputNames: promoted.secretOutputNames };
            const r = await run("primary", primaryConfig({ "logscale-dr:secondaryStack": "secondary", "logscale-dr:recoverFrom": "secondary" }), { secondary: promotedSnap });
            noErrors(r);
            const env = humioEnv(r);
            assert.strictEqual(env.S3_RECOVER_FROM_BUCKET, "logscale-us-phoenix-1-logscale");
            assert.strictEqual(env.S3_RECOVER_FROM_REPLACE_REGION, "us-phoenix-1/us-ashburn-1");
            assert.deepStrictEqual(envSecret(r, "S3_RECOVER_FROM_SECRETKEY"), { value: promoted.rawOutputs.storageSecretAccessKey, secret: true });
            assert.deepStrictEqual(all(r, T.policy), [], "the primary never owns the steering policy");
        });

        it("without dr the global name is a plain A record and no policy exists", async () => {
            const r = await run("solo", primaryConfig({ "logscale-dr:dr": undefined }));
            noErrors(r);
            assert.deepStrictEqual(all(r, T.rrset).map(x => raw(x).domain).sort(), ["logscale-us-ashburn-1.example.com", "logscale.example.com"]);
            assert.deepStrictEqual(all(r, T.policy), []);
        });
    });

    describe("bad input", () => {
        const expectConfigError = (config: Record<string, string>, key: string, allowed: RegExp) => {
            try {
                loadConfig(config, "secondary");
            } catch (e) {
                assert.ok(isConfigError(e), String(e));
                assert.strictEqual((e as { key: string }).key, key);
                assert.match((e as Error).message, allowed);
                return;
            }
            assert.fail(`no error for ${key}`);
        };

        it("missing compartment or tenancy id, a region that is not an OCI region", () => {
            expectConfigError(secondaryConfig({ "logscale-dr:ociCompartmentId": undefined }), "logscale-dr:ociCompartmentId", /compartment OCID/);
            expectConfigError(secondaryConfig({ "logscale-dr:ociTenancyId": undefined }), "logscale-dr:ociTenancyId", /tenancy OCID/);
            expectConfigError(secondaryConfig({ "oci:region": "us-east-1" }), "oci:region", /us-ashburn-1/);
        });

        it("a standby whose primary stack lacks an output fails naming the stack and the output", async () => {
            const partial = { ...snap, outputs: { ...snap.outputs } };
            delete partial.outputs.storageSecretAccessKey;
            const r = await run("secondary", secondaryConfig(), { primary: partial });
            assert.ok(r.errors.some(e => /stack "primary" has no usable output "storageSecretAccessKey"/.test(e.message)), r.errors.map(e => e.message).join("\n"));
        });

        it("a pair in one region is refused", async () => {
            const r = await run("secondary", secondaryConfig({ "oci:region": "us-ashburn-1" }), { primary: snap });
            assert.ok(r.errors.some(e => /is in us-ashburn-1 too; a DR pair needs two different OCI regions/.test(e.message)), r.errors.map(e => e.message).join("\n"));
        });

        it("a standby paired with a primary of another cloud is refused", async () => {
            const aws = { ...snap, outputs: { ...snap.outputs, cloud: "aws" } };
            const r = await run("secondary", secondaryConfig(), { primary: aws });
            assert.ok(r.errors.some(e => /stack "primary" is a aws stack; an OCI stack recovers only from an OCI stack/.test(e.message)), r.errors.map(e => e.message).join("\n"));
        });
    });
});
