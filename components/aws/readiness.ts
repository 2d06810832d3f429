import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { failoverNames } from "./names";
import { PolicyDocument, READINESS_NAMESPACE, serviceTrustPolicy } from "./policies";

/** The event the schedule sends; functions/aws/readiness.ts isReadinessEvent recognises it. */
export const READINESS_EVENT = { logscaleDrReadiness: { source: "schedule" } } as const;

/** EventBridge Scheduler's rate expression: the unit is singular for 1. */
export function readinessScheduleExpression(minutes: number): string {
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 60) throw new Error(`readiness interval ${minutes} is not 1..60 minutes`);
    return `rate(${minutes} ${minutes === 1 ? "minute" : "minutes"})`;
}

/**
 * Not-ready or silent for two intervals: Minimum < 1 catches a single
 * failing run inside a period, and a missing datapoint (the schedule, the
 * function or its metric permission broke) counts as breaching.
 */
export function readinessAlarmSpec(clusterName: string, intervalMinutes: number) {
    return {
        namespace: READINESS_NAMESPACE,
        metricName: "StandbyReady",
        dimensions: { ClusterName: clusterName },
        statistic: "Minimum",
        period: intervalMinutes * 60,
        evaluationPeriods: 2,
        threshold: 1,
        comparisonOperator: "LessThanThreshold",
        treatMissingData: "breaching",
    } as const;
}

/** The scheduler's role may invoke this one function and nothing else. */
export function schedulerInvokePolicy(functionArn: string): PolicyDocument {
    return { Version: "2012-10-17", Statement: [{ Sid: "InvokeReadiness", Effect: "Allow", Action: "lambda:InvokeFunction", Resource: functionArn }] };
}

export interface StandbyReadinessArgs {
    names: ReturnType<typeof failoverNames>;
    accountId: pulumi.Input<string>;
    /** EKS cluster name: the metric's ClusterName dimension (functions/aws/readiness.ts writes the same). */
    clusterName: string;
    functionArn: pulumi.Input<string>;
    /** 0: no schedule and no alarm (nothing would feed the metric). */
    intervalMinutes: number;
    emails: string[];
    webhookUrl?: pulumi.Input<string>;
    tags: Record<string, string>;
}

/**
 * The standby's channel for people and its readiness self-test: the topic
 * people subscribe to (never the one that invokes the function), the
 * schedule that runs the self-test, the verdict parameter, and the alarm on
 * LogScaleDR/StandbyReady, which notifies people only. Standby only: a
 * promotion removes it with the function.
 */
export class StandbyReadiness extends pulumi.ComponentResource {
    readonly notifyTopicArn: pulumi.Output<string>;
    readonly readinessAlarmName: pulumi.Output<string> | undefined;
    readonly scheduleName: pulumi.Output<string> | undefined;

    constructor(name: string, args: StandbyReadinessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("logscale:aws:StandbyReadiness", name, {}, opts);
        const { names, tags } = args;

        const topic = new aws.sns.Topic(`${name}-notify`, { name: names.notifyTopic, tags }, { parent: this });
        args.emails.forEach((email, i) => {
            new aws.sns.TopicSubscription(`${name}-email-${i}`, { topic: topic.arn, protocol: "email", endpoint: email }, { parent: this });
        });
        if (args.webhookUrl !== undefined) {
            new aws.sns.TopicSubscription(`${name}-webhook`, {
                topic: topic.arn,
                protocol: "https",
                endpoint: pulumi.secret(args.webhookUrl),
                endpointAutoConfirms: true,
            }, { parent: this });
        }

        // The function writes it; Pulumi only creates it, so a verdict survives an update.
        new aws.ssm.Parameter(`${name}-verdict`, {
            name: names.readinessParameter,
            type: "String",
            value: "unknown",
            description: `Last readiness verdict of ${names.function} (ready, not-ready)`,
            tags,
        }, { parent: this, ignoreChanges: ["value"] });

        if (args.intervalMinutes > 0) {
            const role = new aws.iam.Role(`${name}-scheduler`, {
                assumeRolePolicy: pulumi.output(args.accountId).apply(account => JSON.stringify(serviceTrustPolicy("scheduler.amazonaws.com", account))),
                description: `EventBridge Scheduler: readiness runs of ${names.function}`,
                tags,
            }, { parent: this });
            const policy = new aws.iam.RolePolicy(`${name}-scheduler`, {
                role: role.id,
                policy: pulumi.output(args.functionArn).apply(arn => JSON.stringify(schedulerInvokePolicy(arn))),
            }, { parent: this });
            const schedule = new aws.scheduler.Schedule(`${name}-schedule`, {
                name: names.readinessSchedule,
                description: `LogScale DR: readiness self-test of ${names.function} (changes nothing)`,
                scheduleExpression: readinessScheduleExpression(args.intervalMinutes),
                flexibleTimeWindow: { mode: "OFF" },
                target: {
                    arn: args.functionArn,
                    roleArn: role.arn,
                    input: JSON.stringify(READINESS_EVENT),
                    // The next run is the retry; a missed one shows as missing data.
                    retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 },
                },
            }, { parent: this, dependsOn: [policy] });
            this.scheduleName = schedule.name;

            const spec = readinessAlarmSpec(args.clusterName, args.intervalMinutes);
            const alarm = new aws.cloudwatch.MetricAlarm(`${name}-alarm`, {
                name: names.readinessAlarm,
                alarmDescription: `Standby ${args.clusterName} not ready (or not reporting) for 2 readiness intervals: it may not be able to take over. Tells people only; never triggers a failover.`,
                ...spec,
                alarmActions: [topic.arn],
                okActions: [topic.arn],
                tags,
            }, { parent: this });
            this.readinessAlarmName = alarm.name;
        }

        this.notifyTopicArn = topic.arn;
        this.registerOutputs({ notifyTopicArn: this.notifyTopicArn, readinessAlarmName: this.readinessAlarmName, scheduleName: this.scheduleName });
    }
}
