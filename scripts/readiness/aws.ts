// CloudPort for an AWS pair, from the standby stack's outputs: the Route 53
// health-check lock and failover records, the failover alarm in CloudWatch,
// and the readiness self-test's last verdict in SSM.

import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { GetHealthCheckCommand, ListResourceRecordSetsCommand, Route53Client } from "@aws-sdk/client-route-53";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { LOCKED_FQDN } from "../../functions/aws/platform";
import { parseVerdict } from "../../functions/aws/readiness";
import { CloudPort, SelfTest } from "./ports";

export interface AwsPairNames {
    primaryHealthCheckId: string;
    dnsZoneId: string;
    globalHostname: string;
    failoverAlarmName: string;
    failoverAlarmRegion: string;
    /** Where the standby runs: its SSM parameters live there. */
    region: string;
    logscaleClusterName: string;
}

/** Test seams: an endpoint and static credentials; live runs use the default credential chain. */
export interface AwsClientOptions {
    endpoint?: string;
    credentials?: { accessKeyId: string; secretAccessKey: string };
}

export function awsNamesFromOutputs(o: Record<string, unknown>): AwsPairNames {
    const need = (k: string) => {
        const v = o[k];
        if (typeof v !== "string" || v === "") throw new Error(`the standby stack has no "${k}" output; readiness needs it for the AWS checks`);
        return v;
    };
    return {
        primaryHealthCheckId: need("primaryHealthCheckId"), dnsZoneId: need("dnsZoneId"), globalHostname: need("globalHostname"),
        failoverAlarmName: need("failoverAlarmName"), failoverAlarmRegion: need("failoverAlarmRegion"), region: need("region"),
        logscaleClusterName: need("logscaleClusterName"),
    };
}

/** The SSM parameter components/aws/names.ts gives the self-test's verdict. */
export const readinessParameter = (n: AwsPairNames) => `/logscale-dr/${n.logscaleClusterName}/${n.region}/standby-ready`;

export class AwsCloud implements CloudPort {
    readonly cloud = "aws" as const;
    private readonly r53: Route53Client;
    private readonly cw: CloudWatchClient;
    private readonly ssm: SSMClient;

    constructor(private readonly n: AwsPairNames, o: AwsClientOptions = {}) {
        const base = { maxAttempts: 2, ...(o.endpoint ? { endpoint: o.endpoint } : {}), ...(o.credentials ? { credentials: o.credentials } : {}) };
        this.r53 = new Route53Client({ ...base, region: "us-east-1" });
        this.cw = new CloudWatchClient({ ...base, region: n.failoverAlarmRegion });
        this.ssm = new SSMClient({ ...base, region: n.region });
    }

    async dnsLock(): Promise<{ locked: boolean; detail: string }> {
        const out = await this.r53.send(new GetHealthCheckCommand({ HealthCheckId: this.n.primaryHealthCheckId }));
        const fqdn = out.HealthCheck?.HealthCheckConfig?.FullyQualifiedDomainName;
        return { locked: fqdn === LOCKED_FQDN, detail: `health check ${this.n.primaryHealthCheckId} probes ${fqdn ?? "an IP address"}` };
    }

    async dnsTargets(): Promise<{ present: string[]; missing: string[] }> {
        const name = `${this.n.globalHostname.replace(/\.$/, "")}.`;
        const out = await this.r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: this.n.dnsZoneId, StartRecordName: name, MaxItems: 20 }));
        const sets = (out.ResourceRecordSets ?? []).filter(r => r.Name === name);
        const present: string[] = [];
        const missing: string[] = [];
        for (const role of ["PRIMARY", "SECONDARY"] as const) {
            const r = sets.find(x => x.Failover === role);
            (r ? present : missing).push(`${role} ${r?.Type ?? "record"} ${name}`);
        }
        return { present, missing };
    }

    async alarm(): Promise<{ name: string; enabled: boolean }> {
        const out = await this.cw.send(new DescribeAlarmsCommand({ AlarmNames: [this.n.failoverAlarmName] }));
        const a = out.MetricAlarms?.[0];
        if (!a) throw new Error(`CloudWatch alarm ${this.n.failoverAlarmName} not found in ${this.n.failoverAlarmRegion}`);
        return { name: this.n.failoverAlarmName, enabled: a.ActionsEnabled === true };
    }

    async lastSelfTest(): Promise<SelfTest> {
        const name = readinessParameter(this.n);
        try {
            const v = (await this.ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value;
            const ready = parseVerdict(v);
            if (ready === undefined) return { available: false, reason: `${name} holds "${v}": the self-test has not run yet` };
            return { available: true, ready, detail: `the last readiness self-test said ${v} (${name})` };
        } catch (e) {
            if ((e as { name?: string }).name === "ParameterNotFound") return { available: false, reason: `${name} does not exist: the readiness self-test is not deployed` };
            throw e;
        }
    }
}
