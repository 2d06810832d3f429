// The live PairObserver of an AWS pair: each phase read where the pair itself
// keeps it (Route 53, CloudWatch, the function's SSM record, the standby's
// API server, the zone's name servers), with the definitions the failover
// function and readiness use, so the gameday cannot disagree with either.

import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { GetHealthCheckStatusCommand, Route53Client } from "@aws-sdk/client-route-53";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { checkersVerdict } from "../../functions/aws/health";
import { KubeConnection } from "../../functions/k8s/http";
import { AwsClientOptions, AwsCloud, AwsPairNames, awsNamesFromOutputs } from "../readiness/aws";
import { HttpCluster } from "../readiness/kube";
import { Clock, PairObservation, PairObserver } from "./backend";
import { DnsOptions, GlobalDns, route53NameServers } from "./global-dns";
import { logscaleReady, operatorReplicas, Poller, recordDecision, observerOutput, readersOf } from "./standby";

export interface AwsObserverNames extends AwsPairNames {
    /** The SSM parameter the function writes its failover record to (failoverCooldownParameter output). */
    cooldownParameter: string;
    /** Each side's loadBalancerAddress output (the NLB's DNS name). */
    primaryLoadBalancer: string;
    secondaryLoadBalancer: string;
}

export function observerNamesFromOutputs(primary: Record<string, unknown>, secondary: Record<string, unknown>): AwsObserverNames {
    return {
        ...awsNamesFromOutputs(secondary),
        cooldownParameter: observerOutput(secondary, "standby", "failoverCooldownParameter"),
        primaryLoadBalancer: observerOutput(primary, "primary", "loadBalancerAddress"),
        secondaryLoadBalancer: observerOutput(secondary, "standby", "loadBalancerAddress"),
    };
}

export interface AwsObserverOptions {
    clock: Clock;
    aws?: AwsClientOptions;
    dns?: DnsOptions;
    /** Consecutive failed polls of one reading that end the gameday (default 3); fewer count as "unchanged". */
    maxFailedReads?: number;
    kubeTimeoutMs?: number;
}

export class AwsPairObserver implements PairObserver {
    private readonly r53: Route53Client;
    private readonly cw: CloudWatchClient;
    private readonly ssm: SSMClient;
    private readonly cloud: AwsCloud;
    private readonly dns: GlobalDns;
    private readonly standby: HttpCluster;
    private readonly startedAtS: number;
    private readonly poller: Poller;

    constructor(private readonly n: AwsObserverNames, private readonly standbyConn: KubeConnection, private readonly o: AwsObserverOptions) {
        const base = { maxAttempts: 2, ...(o.aws?.endpoint ? { endpoint: o.aws.endpoint } : {}), ...(o.aws?.credentials ? { credentials: o.aws.credentials } : {}) };
        this.r53 = new Route53Client({ ...base, region: "us-east-1" });
        this.cw = new CloudWatchClient({ ...base, region: n.failoverAlarmRegion });
        this.ssm = new SSMClient({ ...base, region: n.region });
        // dnsLocked is readiness's own definition (the check's FQDN is the lock's), not a second one.
        this.cloud = new AwsCloud(n, o.aws);
        this.dns = new GlobalDns(route53NameServers(this.r53, n.dnsZoneId), `hosted zone ${n.dnsZoneId}`, n.globalHostname, { primary: n.primaryLoadBalancer, secondary: n.secondaryLoadBalancer }, o.dns);
        this.standby = new HttpCluster(standbyConn, o.kubeTimeoutMs);
        // A record older than the gameday is an earlier failover, not this one's.
        this.startedAtS = Math.floor(o.clock.now() / 1000);
        this.poller = new Poller(o.maxFailedReads);
    }

    async healthCheckUnhealthy(): Promise<boolean> {
        const out = await this.r53.send(new GetHealthCheckStatusCommand({ HealthCheckId: this.n.primaryHealthCheckId }));
        // The function's rule (Route 53's: healthy above 18% healthy checkers), so "unhealthy" here is what DNS and the function act on.
        return !checkersVerdict(out.HealthCheckObservations ?? []).healthy;
    }

    async alarmFiring(): Promise<boolean> {
        const out = await this.cw.send(new DescribeAlarmsCommand({ AlarmNames: [this.n.failoverAlarmName] }));
        const a = out.MetricAlarms?.[0];
        if (!a) throw new Error(`CloudWatch alarm ${this.n.failoverAlarmName} not found in ${this.n.failoverAlarmRegion}`);
        return a.StateValue === "ALARM";
    }

    /** The failover record in the cooldown parameter (standby.ts recordDecision). */
    async functionDecision(): Promise<string> {
        let value: string | undefined;
        try {
            value = (await this.ssm.send(new GetParameterCommand({ Name: this.n.cooldownParameter }))).Parameter?.Value;
        } catch (e) {
            if ((e as { name?: string }).name === "ParameterNotFound") return "no-failover-recorded";
            throw e;
        }
        return recordDecision(value, this.startedAtS, `SSM parameter ${this.n.cooldownParameter}`);
    }

    operatorReplicas(): Promise<number> {
        return operatorReplicas(this.standby);
    }

    logscaleReady(): Promise<boolean> {
        return logscaleReady(this.standbyConn, this.n.logscaleClusterName, this.o.kubeTimeoutMs);
    }

    async dnsLocked(): Promise<boolean> {
        return (await this.cloud.dnsLock()).locked;
    }

    globalResolvesTo(): Promise<PairObservation["globalResolvesTo"]> {
        return this.dns.resolvesTo();
    }

    observe(): Promise<PairObservation> {
        return this.poller.poll(readersOf(this));
    }
}
