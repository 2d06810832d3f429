// Pure derivations of the AWS stack: names, subnets, IAM documents, env sets,
// health checks, node groups, the failover alarm and the bundle exclusions.

import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { parseCidr, subnetPlan, VPC_CIDR } from "../../components/aws/cidr";
import { recoverFromEnv, replacement, SameRegionError, storageEnv } from "../../components/aws/env";
import { eksAccessPolicyArn, lambdaExcludedPackages, primaryAlarmSpec, ROUTE53_METRICS_REGION } from "../../components/aws/failover-specs";
import {
    primaryHealthCheckArgs, primaryHealthCheckOptions, REPLACE_FORCING_FIELDS, secondaryHealthCheckArgs, STATUS_MATCH, STATUS_PATH,
} from "../../components/aws/healthchecks";
import { kubeconfig } from "../../components/aws/kubeconfig";
import { listenerPlan } from "../../components/aws/loadbalancer";
import { bucketName, eksClusterName, failoverNames } from "../../components/aws/names";
import { ec2InstanceType, nodeGroupSpecs } from "../../components/aws/nodegroup-specs";
import {
    failoverFunctionPolicy, irsaTrustPolicy, logscaleStoragePolicy, NODE_ROLE_POLICIES, PolicyDocument, Statement, tlsOnlyBucketPolicy,
} from "../../components/aws/policies";
import { readOnlyBucketArns } from "../../components/aws/recovery";
import { clusterLayout } from "../../components/logscale/sizing";
import type { EnvSet } from "../../components/logscale/types";

const actions = (s: Statement) => ([] as string[]).concat(s.Action);
const resources = (s: Statement) => ([] as string[]).concat(s.Resource ?? []);

/** Resolves every Output in an EnvSet (setMocks is not needed: the values are plain or derived from plain). */
async function resolveEnv(env: EnvSet): Promise<Record<string, { value?: string; secret?: string }>> {
    const out: Record<string, { value?: string; secret?: string }> = {};
    for (const [k, v] of Object.entries(env)) {
        if ("secret" in v) out[k] = { secret: await (pulumi.output(v.secret) as any).promise() };
        else out[k] = { value: await (pulumi.output(v.value) as any).promise() };
    }
    return out;
}

describe("aws derivations", () => {
    describe("names", () => {
        it("derives the bucket from cluster, region and account, within S3's 63 characters", () => {
            assert.strictEqual(bucketName("logscale", "us-west-2", "123456789012"), "logscale-us-west-2-123456789012");
            const longest = "a".repeat(32);
            assert.strictEqual(bucketName(longest, "ap-southeast-4", "123456789012").length, 60);
            assert.throws(() => bucketName("Logscale", "us-west-2", "123456789012"), /not valid/);
        });
        it("keeps the function name within Lambda's 64 characters and the parameter absolute", () => {
            const n = failoverNames({ clusterName: "a".repeat(32), region: "ap-southeast-4" });
            assert.ok(n.function.length <= 64, n.function);
            assert.strictEqual(n.logGroup, `/aws/lambda/${n.function}`);
            assert.match(n.parameter, /^\/logscale-dr\//);
            assert.strictEqual(eksClusterName({ clusterName: "logscale", region: "us-east-2" }), "logscale-us-east-2");
        });
    });

    describe("subnets", () => {
        it("plans three /18 private and three /22 public subnets that do not overlap", () => {
            const plan = subnetPlan(VPC_CIDR, 3);
            assert.deepStrictEqual(plan.private, ["10.0.0.0/18", "10.0.64.0/18", "10.0.128.0/18"]);
            assert.deepStrictEqual(plan.public, ["10.0.192.0/22", "10.0.196.0/22", "10.0.200.0/22"]);
            const ranges = [...plan.private, ...plan.public].map(c => {
                const { base, prefix } = parseCidr(c);
                return [base, base + 2 ** (32 - prefix) - 1];
            }).sort((a, b) => a[0] - b[0]);
            for (let i = 1; i < ranges.length; i++) assert.ok(ranges[i][0] > ranges[i - 1][1], "subnets overlap");
        });
        it("rejects malformed or too small blocks", () => {
            assert.throws(() => parseCidr("10.0.0.1/16"), /host bits/);
            assert.throws(() => parseCidr("10.0.0/16"), /not an IPv4 CIDR/);
            assert.throws(() => subnetPlan("10.0.0.0/24", 3), /too small/);
        });
    });

    describe("storage env", () => {
        it("sets bucket, region, preferred copy source and the key as a secret; the prefix only when set", async () => {
            const env = storageEnv({ bucket: "b", region: "us-west-2", encryptionKey: "k" });
            assert.deepStrictEqual(await resolveEnv(env), {
                S3_STORAGE_BUCKET: { value: "b" },
                S3_STORAGE_REGION: { value: "us-west-2" },
                S3_STORAGE_ENCRYPTION_KEY: { secret: "k" },
                S3_STORAGE_PREFERRED_COPY_SOURCE: { value: "true" },
            });
            const withPrefix = storageEnv({ bucket: "b", region: "us-west-2", encryptionKey: "k", objectKeyPrefix: "pfx/" });
            assert.deepStrictEqual(withPrefix.S3_STORAGE_OBJECT_KEY_PREFIX, { value: "pfx/" });
        });
        it("derives the recover-from set, REPLACE_* as <source>/<target>, never the Kafka reset override", async () => {
            const env = recoverFromEnv(
                { stack: "primary", bucket: "p-bkt", region: "us-west-2", encryptionKey: "pk" },
                { stack: "secondary", bucket: "s-bkt", region: "us-east-2" },
            );
            assert.deepStrictEqual(await resolveEnv(env), {
                S3_RECOVER_FROM_BUCKET: { value: "p-bkt" },
                S3_RECOVER_FROM_REGION: { value: "us-west-2" },
                S3_RECOVER_FROM_ENCRYPTION_KEY: { secret: "pk" },
                S3_RECOVER_FROM_REPLACE_REGION: { value: "us-west-2/us-east-2" },
                S3_RECOVER_FROM_REPLACE_BUCKET: { value: "p-bkt/s-bkt" },
            });
            assert.ok(!("ALLOW_KAFKA_RESET_UNTIL_TIMESTAMP_MS" in env));
            const prefixed = recoverFromEnv(
                { stack: "primary", bucket: "p", region: "us-west-2", encryptionKey: "pk", objectKeyPrefix: "logs/" },
                { stack: "secondary", bucket: "s", region: "us-east-2" },
            );
            assert.deepStrictEqual(prefixed.S3_RECOVER_FROM_OBJECT_KEY_PREFIX, { value: "logs/" });
        });
        it("refuses a pair in one region, naming both stacks", async () => {
            const env = recoverFromEnv(
                { stack: "primary", bucket: "p", region: "us-east-2", encryptionKey: "pk" },
                { stack: "secondary", bucket: "s", region: "us-east-2" },
            );
            await assert.rejects((pulumi.output(env.S3_RECOVER_FROM_REPLACE_REGION as { value: string }).value as any).promise(),
                (e: Error) => e instanceof SameRegionError && /"secondary".*"primary".*us-east-2.*two different AWS regions/.test(e.message));
            assert.throws(() => replacement("a/b", "c"), /may contain "\/"/);
        });
    });

    describe("read-only buckets", () => {
        it("keeps each named bucket once and drops peers that name none", async () => {
            const arns = readOnlyBucketArns([pulumi.output("arn:aws:s3:::p"), pulumi.output(undefined), pulumi.output("arn:aws:s3:::p")]);
            assert.deepStrictEqual(await (arns as any).promise(), ["arn:aws:s3:::p"]);
        });
    });

    describe("IAM documents", () => {
        const noWildcardActions = (d: PolicyDocument) => {
            for (const s of d.Statement) {
                for (const a of actions(s)) assert.ok(!a.includes("*"), `wildcard action ${a}`);
            }
        };
        it("scopes LogScale to its bucket read/write and the source bucket read-only", () => {
            const d = logscaleStoragePolicy("arn:aws:s3:::own", ["arn:aws:s3:::primary"]);
            noWildcardActions(d);
            const onPrimary = d.Statement.filter(s => resources(s).some(r => r.startsWith("arn:aws:s3:::primary")));
            assert.ok(onPrimary.length > 0);
            for (const s of onPrimary) {
                for (const a of actions(s)) assert.ok(["s3:ListBucket", "s3:GetBucketLocation", "s3:GetObject"].includes(a), `write on primary: ${a}`);
            }
            const writes = d.Statement.filter(s => actions(s).includes("s3:PutObject"));
            assert.deepStrictEqual(writes.flatMap(resources), ["arn:aws:s3:::own/*"]);
            assert.strictEqual(logscaleStoragePolicy("arn:aws:s3:::own", []).Statement.length, 2);
        });
        it("trusts only the named service accounts through the OIDC provider", () => {
            const d = irsaTrustPolicy("arn:aws:iam::1:oidc-provider/oidc.eks/x", "https://oidc.eks/x", "logging", ["logscale-humio"]);
            assert.deepStrictEqual(d.Statement[0].Condition, {
                StringEquals: { "oidc.eks/x:aud": "sts.amazonaws.com", "oidc.eks/x:sub": "system:serviceaccount:logging:logscale-humio" },
            });
            assert.throws(() => irsaTrustPolicy("a", "b", "logging", []), /at least one/);
        });
        it("denies non-TLS access to the bucket", () => {
            const s = tlsOnlyBucketPolicy("arn:aws:s3:::b").Statement[0];
            assert.strictEqual(s.Effect, "Deny");
            assert.deepStrictEqual(s.Condition, { Bool: { "aws:SecureTransport": "false" } });
        });
        it("gives the failover function exactly its resources, * only for the two metric calls (PutMetricData held to LogScaleDR), nothing on EKS", () => {
            const d = failoverFunctionPolicy({
                partition: "aws", region: "us-east-2", accountId: "123456789012",
                primaryHealthCheckId: "p-id", secondaryHealthCheckId: "s-id",
                functionName: "fn", parameterName: "/logscale-dr/x", logGroupName: "/aws/lambda/fn",
                alarmName: "fn-primary-unhealthy", alarmRegion: "us-east-1", kmsKeyArn: "arn:aws:kms:us-east-2:123456789012:key/k",
                notifyTopicName: "fn-notify", readinessParameterName: "/logscale-dr/ready",
            });
            noWildcardActions(d);
            const byAction = (a: string) => d.Statement.filter(s => actions(s).includes(a)).flatMap(resources);
            assert.deepStrictEqual(byAction("route53:UpdateHealthCheck"), ["arn:aws:route53:::healthcheck/p-id"]);
            assert.deepStrictEqual(byAction("route53:GetHealthCheckStatus").sort(),
                ["arn:aws:route53:::healthcheck/p-id", "arn:aws:route53:::healthcheck/s-id"]);
            assert.deepStrictEqual(byAction("ssm:PutParameter"),
                ["arn:aws:ssm:us-east-2:123456789012:parameter/logscale-dr/x", "arn:aws:ssm:us-east-2:123456789012:parameter/logscale-dr/ready"]);
            assert.deepStrictEqual(byAction("sns:Publish"), ["arn:aws:sns:us-east-2:123456789012:fn-notify"]);
            const put = d.Statement.filter(s => actions(s).includes("cloudwatch:PutMetricData"));
            assert.deepStrictEqual(put.map(s => [actions(s), s.Condition]), [[["cloudwatch:PutMetricData"], { StringEquals: { "cloudwatch:namespace": "LogScaleDR" } }]]);
            // The endpoint and CA come in the environment; Kubernetes access is the namespaced access entry.
            assert.deepStrictEqual(d.Statement.flatMap(actions).filter(a => a.startsWith("eks:")), []);
            // Re-arming only its own alarm, which lives in us-east-1 whatever the function's region.
            assert.deepStrictEqual(byAction("cloudwatch:SetAlarmState"), ["arn:aws:cloudwatch:us-east-1:123456789012:alarm:fn-primary-unhealthy"]);
            assert.deepStrictEqual(d.Statement.filter(s => actions(s).includes("cloudwatch:SetAlarmState")).flatMap(actions), ["cloudwatch:SetAlarmState"]);
            assert.deepStrictEqual(byAction("lambda:InvokeFunction"), ["arn:aws:lambda:us-east-2:123456789012:function:fn"]);
            assert.deepStrictEqual(byAction("logs:PutLogEvents"), ["arn:aws:logs:us-east-2:123456789012:log-group:/aws/lambda/fn:*"]);
            assert.deepStrictEqual(byAction("kms:Decrypt"), ["arn:aws:kms:us-east-2:123456789012:key/k"]);
            const star = d.Statement.filter(s => resources(s).includes("*"));
            assert.deepStrictEqual(star.flatMap(actions), ["cloudwatch:GetMetricStatistics", "cloudwatch:PutMetricData"]);
            assert.ok(!d.Statement.some(s => actions(s).includes("logs:CreateLogGroup")), "the log group is created by Pulumi");
        });
        it("gives nodes only the standard worker policies", () => {
            assert.deepStrictEqual([...NODE_ROLE_POLICIES].sort(),
                ["AmazonEC2ContainerRegistryReadOnly", "AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy"]);
        });
    });

    describe("health checks", () => {
        it("probes the primary's own hostname over HTTPS with SNI and matches the status body", () => {
            const a = primaryHealthCheckArgs({ hostname: "logscale-us-west-2.example.com", intervalSeconds: 10, failureThreshold: 3, tags: {} });
            assert.deepStrictEqual(
                { type: a.type, fqdn: a.fqdn, port: a.port, resourcePath: a.resourcePath, searchString: a.searchString, enableSni: a.enableSni, requestInterval: a.requestInterval, failureThreshold: a.failureThreshold },
                { type: "HTTPS_STR_MATCH", fqdn: "logscale-us-west-2.example.com", port: 443, resourcePath: STATUS_PATH, searchString: STATUS_MATCH, enableSni: true, requestInterval: 10, failureThreshold: 3 },
            );
            assert.strictEqual(STATUS_MATCH, "\"status\":\"OK\"");
            assert.throws(() => primaryHealthCheckArgs({ hostname: "h.example.com", intervalSeconds: 20, failureThreshold: 3, tags: {} }), /10 or 30/);
        });
        it("probes the secondary's load balancer over TCP every 30 s, threshold 2", () => {
            const a = secondaryHealthCheckArgs({ loadBalancerDnsName: "nlb.example", hostname: "h", tags: {} });
            assert.deepStrictEqual({ type: a.type, fqdn: a.fqdn, port: a.port, requestInterval: a.requestInterval, failureThreshold: a.failureThreshold },
                { type: "TCP", fqdn: "nlb.example", port: 443, requestInterval: 30, failureThreshold: 2 });
        });
        it("guards the primary check: runtime fields ignored, replacement refused", () => {
            const o = primaryHealthCheckOptions();
            assert.deepStrictEqual(o.ignoreChanges, ["fqdn", "invertHealthcheck"]);
            assert.strictEqual(o.protect, true);
            // The replace-forcing fields are not ignored: a changed interval must surface (as a protect error), not vanish.
            for (const f of REPLACE_FORCING_FIELDS) assert.ok(!o.ignoreChanges!.includes(f), f);
        });
    });

    describe("node groups", () => {
        it("has UI and ingest groups only on an active internal-ingest layout", () => {
            const roles = (l: ReturnType<typeof clusterLayout>) => nodeGroupSpecs(l).map(s => s.role);
            assert.deepStrictEqual(roles(clusterLayout("aws", "xsmall", "internal-ingest", "active")), ["digest", "ingest", "ui", "kafka", "ingress"]);
            assert.deepStrictEqual(roles(clusterLayout("aws", "xsmall", "internal-ingest", "standby")), ["digest", "kafka", "ingress"]);
            assert.deepStrictEqual(roles(clusterLayout("aws", "xsmall", "basic", "active")), ["digest", "kafka", "ingress"]);
        });
        it("labels each group with its k8s-app role and keeps desired within the bounds", () => {
            for (const s of nodeGroupSpecs(clusterLayout("aws", "small", "internal-ingest", "standby"))) {
                assert.deepStrictEqual(Object.keys(s.labels), ["k8s-app"]);
                assert.ok(s.scaling.minSize <= s.scaling.desiredSize && s.scaling.desiredSize <= s.scaling.maxSize, JSON.stringify(s));
            }
            const digest = nodeGroupSpecs(clusterLayout("aws", "small", "internal-ingest", "standby")).find(s => s.role === "digest")!;
            assert.deepStrictEqual(digest.labels, { "k8s-app": "logscale-digest" });
            assert.strictEqual(digest.scaling.desiredSize, 1);
        });
        it("runs Kafka on the EC2 type of the MSK class", () => {
            assert.strictEqual(ec2InstanceType("kafka.m5.large"), "m5.large");
            assert.strictEqual(ec2InstanceType("i4i.2xlarge"), "i4i.2xlarge");
            assert.throws(() => ec2InstanceType("large"), /not an EC2 instance type/);
        });
    });

    describe("failover wiring", () => {
        it("alarms on the primary's HealthCheckStatus minimum below 1, in us-east-1", () => {
            assert.strictEqual(ROUTE53_METRICS_REGION, "us-east-1");
            assert.deepStrictEqual(primaryAlarmSpec("abc-123"), {
                namespace: "AWS/Route53", metricName: "HealthCheckStatus", dimensions: { HealthCheckId: "abc-123" },
                statistic: "Minimum", period: 60, evaluationPeriods: 1, threshold: 1,
                comparisonOperator: "LessThanThreshold", treatMissingData: "breaching",
            });
            assert.throws(() => primaryAlarmSpec("a b"), /not a Route 53 health check id/);
        });
        it("excludes every production dependency except @pulumi/* from the bundle", () => {
            assert.deepStrictEqual(lambdaExcludedPackages({ dependencies: { "@pulumi/aws": "1", yaml: "2", "@azure/identity": "3" } }), ["@azure/identity", "yaml"]);
            assert.deepStrictEqual(lambdaExcludedPackages({}), []);
        });
        it("uses the EKS access policy ARN form", () => {
            assert.strictEqual(eksAccessPolicyArn("aws", "AmazonEKSEditPolicy"), "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy");
        });
    });

    describe("load balancer and kubeconfig", () => {
        it("maps 80 and 443 to distinct node ports in range", () => {
            assert.deepStrictEqual(listenerPlan({ http: 30080, https: 30443 }).map(l => [l.port, l.nodePort]), [[80, 30080], [443, 30443]]);
            assert.throws(() => listenerPlan({ http: 80, https: 30443 }), /outside the NodePort range/);
            assert.throws(() => listenerPlan({ http: 30080, https: 30080 }), /must differ/);
        });
        it("authenticates with aws eks get-token for the cluster and region", () => {
            const k = kubeconfig({ clusterName: "c", endpoint: "https://e", certificateAuthorityData: "Y2E=", region: "us-east-2" }) as any;
            assert.deepStrictEqual(k.users[0].user.exec.args, ["eks", "get-token", "--cluster-name", "c", "--region", "us-east-2", "--output", "json"]);
            assert.strictEqual(k.users[0].user.exec.command, "aws");
            assert.strictEqual(k.clusters[0].cluster.server, "https://e");
        });
    });
});
