import * as monitor from "@pulumi/azure-native/monitor";
import type * as azureInputs from "@pulumi/azure-native/types/input";
import * as pulumi from "@pulumi/pulumi";
import { READINESS_METRIC } from "../../functions/azure/readiness";

/** Lookback windows a metric alert accepts, in minutes. */
export const METRIC_ALERT_WINDOWS = [1, 5, 10, 15, 30, 45, 60, 120, 180, 240, 300, 360, 720, 1440] as const;
/** Evaluation frequencies a metric alert accepts, in minutes. */
export const METRIC_ALERT_FREQUENCIES = [1, 5, 15, 30, 60] as const;

/** Action group short names are at most 12 characters; this one tells people's mail from the failover's. */
export const PEOPLE_ACTION_GROUP_SHORT_NAME = "lsdr-people";

export function isoMinutes(minutes: number): string {
    return minutes % 60 === 0 ? `PT${minutes / 60}H` : `PT${minutes}M`;
}

/**
 * Two readiness intervals, rounded up to a window Azure offers, checked at
 * the largest frequency not above one interval: the alert fires when no run
 * in the last two intervals found the standby ready.
 */
export function readinessAlertTiming(intervalMinutes: number): { windowSize: string; evaluationFrequency: string } {
    if (!Number.isInteger(intervalMinutes) || intervalMinutes < 1 || intervalMinutes > 60) {
        throw new Error(`readiness interval ${intervalMinutes} is not 1..60 minutes`);
    }
    const window = METRIC_ALERT_WINDOWS.find(w => w >= 2 * intervalMinutes)!;
    const frequency = [...METRIC_ALERT_FREQUENCIES].reverse().find(f => f <= intervalMinutes)!;
    return { windowSize: isoMinutes(window), evaluationFrequency: isoMinutes(frequency) };
}

/**
 * Not ready: the best StandbyReady of the window is below 1. The metric does
 * not exist until the first run reports it, so its validation is skipped.
 */
export function readinessCriteria(): azureInputs.monitor.MetricAlertSingleResourceMultipleMetricCriteriaArgs {
    return {
        odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
        allOf: [{
            criterionType: "StaticThresholdCriterion",
            name: "standby-not-ready",
            metricNamespace: READINESS_METRIC.namespace,
            metricName: READINESS_METRIC.name,
            operator: "LessThan",
            threshold: 1,
            timeAggregation: "Maximum",
            skipMetricValidation: true,
        }],
    };
}

/**
 * A metric alert evaluates nothing when no datapoint arrives (it has no
 * "missing data is breaching"), so silence (the timer, the function or its
 * metric path broke) is caught by a log alert that counts the datapoints:
 * fewer than one in the window fires.
 */
export const READINESS_ABSENCE_QUERY = `customMetrics | where name == "${READINESS_METRIC.name}"`;

export interface StandbyReadinessArgs {
    clusterName: string;
    resourceGroupName: pulumi.Input<string>;
    /** The function app's Application Insights component: where StandbyReady is recorded. */
    insightsId: pulumi.Input<string>;
    location: string;
    /** 0: no alerts (the package then has no readiness function to feed them). */
    intervalMinutes: number;
    emails: string[];
    webhookUrl?: pulumi.Input<string>;
}

/**
 * People's channel and the readiness alerts: a separate action group with
 * e-mail and webhook receivers only (never the failover function's, so an
 * alert for people can never start a failover), the not-ready metric alert
 * and the not-reporting log alert, both to that group only. Standby only: a
 * child of the failover function, removed with it at promotion.
 */
export class StandbyReadiness extends pulumi.ComponentResource {
    readonly peopleActionGroupName: pulumi.Output<string>;
    readonly readinessAlertName: pulumi.Output<string> | undefined;
    readonly absenceAlertName: pulumi.Output<string> | undefined;

    constructor(name: string, args: StandbyReadinessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("logscale:azure:StandbyReadiness", name, {}, opts);
        const child = { parent: this };

        const people = new monitor.ActionGroup(`${name}-people`, {
            resourceGroupName: args.resourceGroupName,
            actionGroupName: `${args.clusterName}-people`,
            groupShortName: PEOPLE_ACTION_GROUP_SHORT_NAME,
            location: "global",
            enabled: true,
            emailReceivers: args.emails.map((emailAddress, i) => ({ name: `email-${i + 1}`, emailAddress, useCommonAlertSchema: true })),
            webhookReceivers: args.webhookUrl === undefined ? [] : [{
                name: "webhook",
                serviceUri: pulumi.secret(args.webhookUrl),
                useCommonAlertSchema: true,
            }],
        }, child);
        this.peopleActionGroupName = people.name;

        if (args.intervalMinutes > 0) {
            const timing = readinessAlertTiming(args.intervalMinutes);
            const alert = new monitor.MetricAlert(`${name}-alert`, {
                resourceGroupName: args.resourceGroupName,
                ruleName: `${args.clusterName}-standby-not-ready`,
                location: "global",
                description: `Standby ${args.clusterName} not ready for 2 readiness intervals: it may not be able to take over. Tells people only; never triggers a failover.`,
                severity: 2,
                enabled: true,
                scopes: [args.insightsId],
                ...timing,
                autoMitigate: true,
                criteria: readinessCriteria(),
                actions: [{ actionGroupId: people.id }],
            }, child);
            this.readinessAlertName = alert.name;

            const absence = new monitor.ScheduledQueryRule(`${name}-absent`, {
                resourceGroupName: args.resourceGroupName,
                ruleName: `${args.clusterName}-standby-not-reporting`,
                location: args.location,
                description: `Standby ${args.clusterName} reported no readiness result for 2 intervals: the readiness timer, the function or its metric path is broken. Tells people only.`,
                severity: 2,
                enabled: true,
                kind: "LogAlert",
                scopes: [args.insightsId],
                ...timing,
                autoMitigate: true,
                // The metric does not exist before the first run.
                skipQueryValidation: true,
                criteria: {
                    allOf: [{
                        query: READINESS_ABSENCE_QUERY,
                        timeAggregation: "Count",
                        operator: "LessThan",
                        threshold: 1,
                        failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 },
                    }],
                },
                actions: { actionGroups: [people.id] },
            }, child);
            this.absenceAlertName = absence.name;
        }
        this.registerOutputs({ peopleActionGroupName: this.peopleActionGroupName, readinessAlertName: this.readinessAlertName, absenceAlertName: this.absenceAlertName });
    }
}
