// The live FailbackWorld of an AWS pair. Built from both stacks' outputs:
// each cluster through its kubeconfig, LogScale on its own hostname, each
// bucket in its region, and from the secondary's outputs the Route 53 health
// check the failover function locked, its CloudWatch alarm and its SSM record.

import { CloudWatchClient, DescribeAlarmsCommand, DisableAlarmActionsCommand, EnableAlarmActionsCommand } from "@aws-sdk/client-cloudwatch";
import { GetHealthCheckCommand, Route53Client, UpdateHealthCheckCommand } from "@aws-sdk/client-route-53";
import { GetParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { LOCKED_FQDN } from "../../functions/aws/platform";
import { parseFailoverRecord } from "../../functions/core/record";
import { FailoverRecord } from "../../functions/core/types";
import { KubeSideOptions } from "./kube-side";
import { FailbackWorld, Side } from "./ports";
import { S3Bucket } from "./s3";
import { StackPort } from "./stack-port";
import { needOutput, optionalOutput, pairOutputs, PairWorld, sideBasics, SideParts, SIDES } from "./world-base";

export interface AwsWorldOptions {
    /** Test seams: one endpoint for Route 53, CloudWatch and SSM, one for S3 (path-style), static credentials. */
    awsEndpoint?: string;
    s3Endpoint?: string;
    credentials?: { accessKeyId: string; secretAccessKey: string };
    /** LogScale base URL per side; default https://<hostname output>. */
    logscaleUrl?: Partial<Record<Side, string>>;
    /** The Kafka admin Job's clock and cadence (tests pass a virtual clock). */
    kube?: KubeSideOptions;
}


export class AwsWorld extends PairWorld implements FailbackWorld {
    private constructor(
        sides: Record<Side, SideParts>,
        private readonly n: { healthCheckId: string; primaryHostname: string },
        private readonly route53: Route53Client,
        private readonly cloudwatchIn: (region: string) => CloudWatchClient,
        private readonly ssm: SSMClient,
    ) {
        super(sides);
    }

    static async create(stacks: Record<Side, StackPort>, o: AwsWorldOptions = {}): Promise<AwsWorld> {
        const out = await pairOutputs(stacks, "aws", "AWS");
        const s = out.secondary, sName = stacks.secondary.name;
        const base = { maxAttempts: 2, ...(o.awsEndpoint ? { endpoint: o.awsEndpoint } : {}), ...(o.credentials ? { credentials: o.credentials } : {}) };
        const secondaryRegion = needOutput("AWS", s, sName, "region", "the SSM failover record");
        const ssm = new SSMClient({ ...base, region: secondaryRegion });
        // The default credential chain (as for `pulumi up`), resolved once by an SDK client and shared with the S3 signer.
        const credentials = o.credentials ? async () => o.credentials! : () => ssm.config.credentials();
        const parts = {} as Record<Side, SideParts>;
        for (const side of SIDES) {
            const so = out[side], name = stacks[side].name;
            parts[side] = {
                ...sideBasics("AWS", stacks[side], so, side, o).basics,
                bucket: new S3Bucket({ bucket: needOutput("AWS", so, name, "storageBucket", "the snapshot steps"), region: needOutput("AWS", so, name, "region", "the bucket"), credentials, endpoint: o.s3Endpoint }),
            };
        }
        return new AwsWorld(parts, {
            // The primary's own check: the secondary exports it too, but only while it is a standby.
            healthCheckId: needOutput("AWS", out.primary, stacks.primary.name, "healthCheckId", "the DNS lock"),
            primaryHostname: needOutput("AWS", out.primary, stacks.primary.name, "hostname", "the DNS unlock"),
        }, new Route53Client({ ...base, region: "us-east-1" }), (region: string) => new CloudWatchClient({ ...base, region }), ssm);
    }

    /**
     * The failover function's alarm and record, from the secondary's outputs as they are now:
     * a promoted secondary exports neither (promotion removed them) until step 13's up.
     */
    private async failover(): Promise<{ alarm: string; alarmRegion: string; parameter?: string } | undefined> {
        const o = await this.sides.secondary.stack.outputs();
        const alarm = optionalOutput(o, "failoverAlarmName");
        if (!alarm) return undefined;
        const alarmRegion = optionalOutput(o, "failoverAlarmRegion");
        if (!alarmRegion) throw new Error(`stack "${this.sides.secondary.stack.name}" exports failoverAlarmName but no "failoverAlarmRegion"; the AWS failback needs it for the failover alarm`);
        return { alarm, alarmRegion, parameter: optionalOutput(o, "failoverCooldownParameter") };
    }

    /** The lock is the primary's health check probing a name that never resolves (functions/aws/platform.ts lockDns). */
    async dnsLocked(): Promise<boolean> {
        const out = await this.route53.send(new GetHealthCheckCommand({ HealthCheckId: this.n.healthCheckId }));
        return out.HealthCheck?.HealthCheckConfig?.FullyQualifiedDomainName === LOCKED_FQDN;
    }

    async unlockDns(): Promise<void> {
        await this.route53.send(new UpdateHealthCheckCommand({ HealthCheckId: this.n.healthCheckId, FullyQualifiedDomainName: this.n.primaryHostname }));
    }

    async lockRecord(): Promise<FailoverRecord | undefined> {
        const parameter = (await this.failover())?.parameter;
        // No function, no record: what step 11 would mark is gone with it.
        if (!parameter) return undefined;
        let value: string | undefined;
        try {
            value = (await this.ssm.send(new GetParameterCommand({ Name: parameter }))).Parameter?.Value;
        } catch (e) {
            if ((e as { name?: string }).name === "ParameterNotFound") return undefined;
            throw e;
        }
        const r = parseFailoverRecord(value);
        if (r && "error" in r) throw new Error(`failover record ${parameter} ${r.error}`);
        return r;
    }

    protected async writeLockRecord(value: string): Promise<void> {
        const parameter = (await this.failover())!.parameter!;
        await this.ssm.send(new PutParameterCommand({ Name: parameter, Value: value, Type: "String", Overwrite: true }));
    }

    async alarmEnabled(): Promise<boolean | undefined> {
        const f = await this.failover();
        if (!f) return undefined;
        const a = (await this.cloudwatchIn(f.alarmRegion).send(new DescribeAlarmsCommand({ AlarmNames: [f.alarm] }))).MetricAlarms?.[0];
        if (!a) throw new Error(`CloudWatch alarm ${f.alarm} not found; allowed: the secondary's failoverAlarmName output in its failoverAlarmRegion`);
        return a.ActionsEnabled === true;
    }

    /** Actions, not the alarm: it keeps evaluating, so enabling it again shows the primary's real state at once. */
    async setAlarm(enabled: boolean): Promise<void> {
        const f = await this.failover();
        if (!f) throw new Error(`stack "${this.sides.secondary.stack.name}" exports no failoverAlarmName: it has no failover alarm to ${enabled ? "enable" : "disable"}`);
        const names = { AlarmNames: [f.alarm] };
        await this.cloudwatchIn(f.alarmRegion).send(enabled ? new EnableAlarmActionsCommand(names) : new DisableAlarmActionsCommand(names));
    }
}
