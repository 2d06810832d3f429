import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    eksAccessPolicyArn, FUNCTION_ACCESS_POLICY, FUNCTION_ASYNC, FUNCTION_TIMEOUT_SECONDS, primaryAlarmSpec, ROUTE53_METRICS_REGION,
} from "./failover-specs";
import type { failoverNames } from "./names";
import { failoverFunctionPolicy, serviceTrustPolicy } from "./policies";
import { RUNTIMES } from "../../config/support";

export interface FailoverFunctionArgs {
    names: ReturnType<typeof failoverNames>;
    /** The standby's region: function, parameter, key, logs, cluster. */
    region: string;
    partition: pulumi.Input<string>;
    accountId: pulumi.Input<string>;
    eksClusterName: pulumi.Input<string>;
    /** Namespace the function may act in (its EKS access is scoped to it). */
    namespace: string;
    /** The primary's health check, from the primary stack's `healthCheckId` output. */
    primaryHealthCheckId: pulumi.Input<string>;
    /** This stack's own health check (the secondary gate). */
    secondaryHealthCheckId: pulumi.Input<string>;
    /** The Lambda handler (serialized into the bundle). */
    handler: aws.lambda.Callback<unknown, unknown>;
    /**
     * The function's environment (ids, names, the cluster's endpoint and CA;
     * nothing secret; encrypted at rest with the function's own key). Its
     * FAILOVER_ALARM_NAME must be names.alarm.
     */
    environment: pulumi.Input<Record<string, string>>;
    /** Production dependencies to keep out of the bundle. */
    excludePackages: string[];
    tags: Record<string, string>;
}

/**
 * The standby's automatic failover: Route 53 marks the primary unhealthy ->
 * CloudWatch alarm (us-east-1) -> SNS topic (us-east-1) -> this function,
 * which waits out the holdoff, respects the cooldown kept in SSM, and scales
 * humio-operator through its namespaced EKS access entry. When it finds the
 * primary healthy it sets the alarm back to OK, so that the next failure
 * notifies again. Everything here exists on a standby only; promotion
 * removes it.
 */
export class FailoverFunction extends pulumi.ComponentResource {
    readonly functionName: pulumi.Output<string>;
    readonly functionArn: pulumi.Output<string>;
    readonly alarmName: pulumi.Output<string>;
    readonly topicArn: pulumi.Output<string>;
    readonly roleArn: pulumi.Output<string>;
    readonly cooldownParameter: pulumi.Output<string>;

    constructor(name: string, args: FailoverFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("logscale:aws:FailoverFunction", name, {}, opts);
        const { names, tags } = args;

        const key = new aws.kms.Key(`${name}-env`, {
            description: `Environment of the LogScale DR failover function ${names.function}`,
            enableKeyRotation: true,
            deletionWindowInDays: 7,
            tags,
        }, { parent: this });

        const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, {
            name: names.logGroup,
            retentionInDays: 90,
            tags,
        }, { parent: this });

        // Epoch seconds of the last failover; the function writes it, Pulumi only creates it.
        const cooldown = new aws.ssm.Parameter(`${name}-cooldown`, {
            name: names.parameter,
            type: "String",
            value: "0",
            description: `Epoch seconds of the last automatic failover by ${names.function} (0: never)`,
            tags,
        }, { parent: this, ignoreChanges: ["value"] });

        const role = new aws.iam.Role(`${name}-role`, {
            assumeRolePolicy: pulumi.output(args.accountId).apply(account => JSON.stringify(serviceTrustPolicy("lambda.amazonaws.com", account))),
            description: `LogScale DR failover function ${names.function}`,
            tags,
        }, { parent: this });
        const policy = new aws.iam.RolePolicy(`${name}-policy`, {
            role: role.id,
            policy: pulumi.all([
                args.partition, args.accountId, args.primaryHealthCheckId, args.secondaryHealthCheckId, key.arn,
            ]).apply(([partition, accountId, primaryHealthCheckId, secondaryHealthCheckId, kmsKeyArn]) =>
                JSON.stringify(failoverFunctionPolicy({
                    partition,
                    region: args.region,
                    accountId,
                    primaryHealthCheckId,
                    secondaryHealthCheckId,
                    functionName: names.function,
                    parameterName: names.parameter,
                    logGroupName: names.logGroup,
                    // By name: the alarm notifies the topic that invokes this
                    // function, so its resource cannot feed the function's role.
                    alarmName: names.alarm,
                    alarmRegion: ROUTE53_METRICS_REGION,
                    kmsKeyArn,
                    notifyTopicName: names.notifyTopic,
                    readinessParameterName: names.readinessParameter,
                }))),
        }, { parent: this });

        const fn = new aws.lambda.CallbackFunction(`${name}-function`, {
            name: names.function,
            description: "LogScale DR: fail over to this standby when the primary's Route 53 health check fails",
            callback: args.handler,
            // Explicit: the SDK's default changes between releases, and a runtime change must show in a preview.
            runtime: RUNTIMES.lambda,
            role: role.arn,
            timeout: FUNCTION_TIMEOUT_SECONDS,
            memorySize: 256,
            reservedConcurrentExecutions: FUNCTION_ASYNC.reservedConcurrency,
            kmsKeyArn: key.arn,
            environment: { variables: args.environment },
            loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
            codePathOptions: { extraExcludePackages: args.excludePackages },
            tags,
        }, { parent: this, dependsOn: [policy, logGroup] });

        new aws.lambda.FunctionEventInvokeConfig(`${name}-async`, {
            functionName: fn.name,
            maximumRetryAttempts: FUNCTION_ASYNC.maximumRetryAttempts,
            maximumEventAgeInSeconds: FUNCTION_ASYNC.maximumEventAgeSeconds,
        }, { parent: this });

        const topic = new aws.sns.Topic(`${name}-topic`, {
            region: ROUTE53_METRICS_REGION,
            name: names.topic,
            tags,
        }, { parent: this });
        const permission = new aws.lambda.Permission(`${name}-invoke`, {
            function: fn.name,
            action: "lambda:InvokeFunction",
            principal: "sns.amazonaws.com",
            sourceArn: topic.arn,
        }, { parent: this });
        new aws.sns.TopicSubscription(`${name}-subscription`, {
            region: ROUTE53_METRICS_REGION,
            topic: topic.arn,
            protocol: "lambda",
            endpoint: fn.arn,
        }, { parent: this, dependsOn: [permission] });

        const spec = pulumi.output(args.primaryHealthCheckId).apply(primaryAlarmSpec);
        const alarm = new aws.cloudwatch.MetricAlarm(`${name}-alarm`, {
            region: ROUTE53_METRICS_REGION,
            name: names.alarm,
            alarmDescription: pulumi.interpolate`Primary LogScale health check ${args.primaryHealthCheckId} failing: invokes ${names.function} in ${args.region}`,
            namespace: spec.namespace,
            metricName: spec.metricName,
            dimensions: spec.dimensions,
            statistic: spec.statistic,
            period: spec.period,
            evaluationPeriods: spec.evaluationPeriods,
            threshold: spec.threshold,
            comparisonOperator: spec.comparisonOperator,
            treatMissingData: spec.treatMissingData,
            alarmActions: [topic.arn],
            tags,
        }, { parent: this });

        const entry = new aws.eks.AccessEntry(`${name}-access`, {
            clusterName: args.eksClusterName,
            principalArn: role.arn,
            type: "STANDARD",
            tags,
        }, { parent: this });
        new aws.eks.AccessPolicyAssociation(`${name}-access`, {
            clusterName: args.eksClusterName,
            principalArn: role.arn,
            policyArn: pulumi.output(args.partition).apply(p => eksAccessPolicyArn(p, FUNCTION_ACCESS_POLICY)),
            accessScope: { type: "namespace", namespaces: [args.namespace] },
        }, { parent: this, dependsOn: [entry] });

        this.functionName = fn.name;
        this.functionArn = fn.arn;
        this.alarmName = alarm.name;
        this.topicArn = topic.arn;
        this.roleArn = role.arn;
        this.cooldownParameter = cooldown.name;
        this.registerOutputs({
            functionName: this.functionName,
            functionArn: this.functionArn,
            alarmName: this.alarmName,
            topicArn: this.topicArn,
            roleArn: this.roleArn,
            cooldownParameter: this.cooldownParameter,
        });
    }
}
