import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import { READINESS_BODY, READINESS_METRIC } from "../../functions/oci/readiness";
import { scheduleInvokeStatements } from "./iam";

/**
 * The Resource Scheduler's cron: every `minutes`, on the minute grid. It is
 * the OCI service that invokes a function on a schedule with the caller's
 * choice of body; the alternative, an always-firing alarm repeating its
 * notification, would bend an alerting service into a clock and put the
 * self-test on the same topic path as the failover.
 */
export function readinessCron(minutes: number): string {
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 60) throw new Error(`readiness interval ${minutes} is not 1..60 minutes`);
    return minutes === 60 ? "0 * * * *" : `*/${minutes} * * * *`;
}

const dimensionValue = (clusterName: string): string => {
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(clusterName)) throw new Error(`cluster name "${clusterName}" cannot be a metric dimension value (letters, digits, '.', '_', '-')`);
    return clusterName;
};

/**
 * The two alarms on StandbyReady, as MQL: a not-ready datapoint within the
 * interval window, and no datapoint at all (the schedule, the function or
 * its metric permission broke). Both must hold for two intervals before they
 * fire, so one slow run does not page anyone.
 */
export function readinessAlarmSpecs(clusterName: string, intervalMinutes: number) {
    const series = `${READINESS_METRIC.name}[${intervalMinutes}m]{${READINESS_METRIC.dimension} = "${dimensionValue(clusterName)}"}`;
    const pendingDuration = `PT${2 * intervalMinutes}M`;
    return {
        notReady: { query: `${series}.min() < 1`, pendingDuration },
        absent: { query: `${series}.absent()`, pendingDuration },
    };
}

export interface PeopleChannelArgs {
    compartmentId: pulumi.Input<string>;
    topicName: string;
    emails: string[];
    /** A secret https URL: an ONS HTTPS (custom URL) subscription. */
    webhookUrl?: pulumi.Input<string>;
}

/**
 * People's topic: e-mail subscriptions and an optional webhook. Separate from
 * the topic that invokes the function, so a message to people can never
 * start a failover and a failover alarm never lands in anyone's inbox raw.
 */
export class PeopleChannel extends pulumi.ComponentResource {
    readonly topicId: pulumi.Output<string>;

    constructor(name: string, args: PeopleChannelArgs, opts?: pulumi.ComponentResourceOptions) {
        super("logscale:oci:PeopleChannel", name, {}, opts);
        const topic = new oci.ons.NotificationTopic(`${name}-topic`, {
            compartmentId: args.compartmentId,
            name: args.topicName,
            description: "LogScale DR: failover events and standby readiness, for people (never invokes anything)",
        }, { parent: this });
        args.emails.forEach((email, i) => {
            new oci.ons.Subscription(`${name}-email-${i}`, {
                compartmentId: args.compartmentId, topicId: topic.id, protocol: "EMAIL", endpoint: email,
            }, { parent: this });
        });
        if (args.webhookUrl !== undefined) {
            new oci.ons.Subscription(`${name}-webhook`, {
                compartmentId: args.compartmentId, topicId: topic.id, protocol: "CUSTOM_HTTPS", endpoint: pulumi.secret(args.webhookUrl),
            }, { parent: this });
        }
        this.topicId = topic.id;
        this.registerOutputs({ topicId: this.topicId });
    }
}

export interface StandbyReadinessArgs {
    compartmentId: pulumi.Input<string>;
    homeProvider: pulumi.ProviderResource;
    clusterName: string;
    functionId: pulumi.Input<string>;
    peopleTopicId: pulumi.Input<string>;
    /** > 0; at 0 the component is not created at all. */
    intervalMinutes: number;
    names: { schedule: string; schedulePolicy: string; notReadyAlarm: string; absentAlarm: string };
}

/**
 * The self-test's schedule and its alarms: the Resource Scheduler invokes
 * the function with the readiness body, a policy lets that one schedule
 * invoke that one function, and two alarms on StandbyReady go to people's
 * topic only: never to the topic that invokes the failover.
 */
export class StandbyReadiness extends pulumi.ComponentResource {
    readonly scheduleId: pulumi.Output<string>;
    readonly notReadyAlarmId: pulumi.Output<string>;
    readonly absentAlarmId: pulumi.Output<string>;

    constructor(name: string, args: StandbyReadinessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("logscale:oci:StandbyReadiness", name, {}, opts);
        const child = { parent: this };
        const schedule = new oci.resourcescheduler.Schedule(`${name}-schedule`, {
            compartmentId: args.compartmentId,
            displayName: args.names.schedule,
            description: `LogScale DR: readiness self-test of ${args.clusterName}'s failover function (changes nothing)`,
            action: "START_RESOURCE",
            recurrenceType: "CRON",
            recurrenceDetails: readinessCron(args.intervalMinutes),
            resources: [{
                id: args.functionId,
                parameters: [{ parameterType: "BODY", value: JSON.stringify(READINESS_BODY) }],
            }],
        }, child);
        new oci.identity.Policy(`${name}-schedule-policy`, {
            compartmentId: args.compartmentId,
            name: args.names.schedulePolicy,
            description: "The readiness schedule may invoke the DR failover function, nothing else",
            statements: pulumi.all([pulumi.output(args.compartmentId), schedule.id, pulumi.output(args.functionId)])
                .apply(([c, s, f]) => scheduleInvokeStatements(c, s, f)),
        }, { parent: this, provider: args.homeProvider });

        const specs = readinessAlarmSpecs(args.clusterName, args.intervalMinutes);
        const alarm = (key: "notReady" | "absent", displayName: string, body: string) => new oci.monitoring.Alarm(`${name}-${key === "notReady" ? "not-ready" : "absent"}`, {
            compartmentId: args.compartmentId,
            metricCompartmentId: args.compartmentId,
            displayName,
            isEnabled: true,
            namespace: READINESS_METRIC.namespace,
            query: specs[key].query,
            resolution: "1m",
            pendingDuration: specs[key].pendingDuration,
            severity: "WARNING",
            destinations: [args.peopleTopicId],
            body,
            messageFormat: "ONS_OPTIMIZED",
        }, child);
        const notReady = alarm("notReady", args.names.notReadyAlarm,
            `Standby ${args.clusterName} reported not ready for 2 readiness intervals: it may not be able to take over. The readiness message names the failing checks. Tells people only; never triggers a failover.`);
        const absent = alarm("absent", args.names.absentAlarm,
            `Standby ${args.clusterName} sent no readiness result for 2 intervals: the schedule, the function or its metric permission broke. Tells people only; never triggers a failover.`);

        this.scheduleId = schedule.id;
        this.notReadyAlarmId = notReady.id;
        this.absentAlarmId = absent.id;
        this.registerOutputs({ scheduleId: this.scheduleId, notReadyAlarmId: this.notReadyAlarmId, absentAlarmId: this.absentAlarmId });
    }
}
