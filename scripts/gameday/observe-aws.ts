// The live PairObserver of an AWS pair: each phase read where the pair itself
// keeps it (Route 53, CloudWatch, the function's SSM record, the standby's
// API server, the zone's name servers), with the definitions the failover
// function and readiness use, so the gameday cannot disagree with either.

import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { GetHealthCheckStatusCommand, Route53Client } from "@aws-sdk/client-route-53";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { LOGSCALE_NAMESPACE, LOGSCALE_PORT, OPERATOR_DEPLOYMENT_NAME, uiServiceName } from "../../components/logscale/names";
import { checkersVerdict } from "../../functions/aws/health";
import { parseFailoverRecord } from "../../functions/core/record";
import { KubeConnection, kubeRequest } from "../../functions/k8s/http";
import { AwsClientOptions, AwsCloud, AwsPairNames, awsNamesFromOutputs } from "../readiness/aws";
import { HttpCluster } from "../readiness/kube";
import { Clock, PairObservation, PairObserver } from "./backend";
import { DnsOptions, GlobalDns } from "./global-dns";

export interface AwsObserverNames extends AwsPairNames {
    /** The SSM parameter the function writes its failover record to (failoverCooldownParameter output). */
    cooldownParameter: string;
    /** Each side's loadBalancerAddress output (the NLB's DNS name). */
    primaryLoadBalancer: string;
    secondaryLoadBalancer: string;
}

export function observerNamesFromOutputs(primary: Record<string, unknown>, secondary: Record<string, unknown>): AwsObserverNames {
    const need = (o: Record<string, unknown>, side: string, k: string) => {
        const v = o[k];
        if (typeof v !== "string" || v === "") throw new Error(`the ${side} stack has no "${k}" output; the live gameday observer needs it`);
        return v;
    };
    return {
        ...awsNamesFromOutputs(secondary),
        cooldownParameter: need(secondary, "standby", "failoverCooldownParameter"),
        primaryLoadBalancer: need(primary, "primary", "loadBalancerAddress"),
        secondaryLoadBalancer: need(secondary, "standby", "loadBalancerAddress"),
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

/** What LogScale answers when it serves (components/aws/healthchecks.ts STATUS_MATCH, spacing allowed). */
const STATUS_OK = /"status"\s*:\s*"OK"/;

type Readings = Omit<PairObservation, "operatorScaleUps">;

export class AwsPairObserver implements PairObserver {
    private readonly r53: Route53Client;
    private readonly cw: CloudWatchClient;
    private readonly ssm: SSMClient;
    private readonly cloud: AwsCloud;
    private readonly dns: GlobalDns;
    private readonly standby: HttpCluster;
    private readonly startedAtS: number;
    private last: Readings = { healthCheckUnhealthy: false, alarmFiring: false, operatorReplicas: 0, logscaleReady: false, globalResolvesTo: "unknown", dnsLocked: false };
    private readonly failures = new Map<keyof Readings, number>();
    private scaleUps = 0;
    private lastReplicas: number | undefined;

    constructor(private readonly n: AwsObserverNames, private readonly standbyConn: KubeConnection, private readonly o: AwsObserverOptions) {
        const base = { maxAttempts: 2, ...(o.aws?.endpoint ? { endpoint: o.aws.endpoint } : {}), ...(o.aws?.credentials ? { credentials: o.aws.credentials } : {}) };
        this.r53 = new Route53Client({ ...base, region: "us-east-1" });
        this.cw = new CloudWatchClient({ ...base, region: n.failoverAlarmRegion });
        this.ssm = new SSMClient({ ...base, region: n.region });
        // dnsLocked is readiness's own definition (the check's FQDN is the lock's), not a second one.
        this.cloud = new AwsCloud(n, o.aws);
        this.dns = new GlobalDns(this.r53, n.dnsZoneId, n.globalHostname, { primary: n.primaryLoadBalancer, secondary: n.secondaryLoadBalancer }, o.dns);
        this.standby = new HttpCluster(standbyConn, o.kubeTimeoutMs);
        // A record older than the gameday is an earlier failover, not this one's.
        this.startedAtS = Math.floor(o.clock.now() / 1000);
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

    /**
     * The function keeps no decision log outside CloudWatch Logs; what it
     * records is its failover (functions/core/record.ts in the cooldown
     * parameter). A record made since the gameday began is "failed-over";
     * anything else reads "no-failover-recorded".
     */
    async functionDecision(): Promise<string> {
        let value: string | undefined;
        try {
            value = (await this.ssm.send(new GetParameterCommand({ Name: this.n.cooldownParameter }))).Parameter?.Value;
        } catch (e) {
            if ((e as { name?: string }).name === "ParameterNotFound") return "no-failover-recorded";
            throw e;
        }
        const r = parseFailoverRecord(value);
        if (r !== undefined && "error" in r) throw new Error(`SSM parameter ${this.n.cooldownParameter} ${r.error}`);
        return r !== undefined && r.epochSeconds >= this.startedAtS ? "failed-over" : "no-failover-recorded";
    }

    async operatorReplicas(): Promise<number> {
        const r = await this.standby.deploymentReplicas(LOGSCALE_NAMESPACE, OPERATOR_DEPLOYMENT_NAME);
        if (r === undefined) throw new Error(`Deployment ${LOGSCALE_NAMESPACE}/${OPERATOR_DEPLOYMENT_NAME} not found on the standby`);
        return r;
    }

    /** /api/v1/status through the API server's service proxy: the standby has no public name of its own to ask before DNS moves. */
    async logscaleReady(): Promise<boolean> {
        // "https:" because LogScale pods serve TLS themselves (HumioCluster tls.enabled); names are DNS labels, nothing to escape.
        const svc = `https:${uiServiceName(this.n.logscaleClusterName)}:${LOGSCALE_PORT}`;
        const path = `/api/v1/namespaces/${LOGSCALE_NAMESPACE}/services/${svc}/proxy/api/v1/status`;
        const res = await kubeRequest(this.standbyConn, undefined, { call: "k8s.serviceProxy", method: "GET", path, timeoutMs: this.o.kubeTimeoutMs ?? 10_000 });
        // 503 (no endpoints) is the standby at zero: an answer, not a failed read.
        return res.status === 200 && STATUS_OK.test(res.body);
    }

    async dnsLocked(): Promise<boolean> {
        return (await this.cloud.dnsLock()).locked;
    }

    async observe(): Promise<PairObservation> {
        const read = async <K extends keyof Readings>(k: K, f: () => Promise<Readings[K]>): Promise<Readings[K]> => {
            try {
                const v = await f();
                this.failures.delete(k);
                return v;
            } catch (e) {
                const n = (this.failures.get(k) ?? 0) + 1;
                this.failures.set(k, n);
                // One failed poll keeps the last value: a lost answer is not a phase change.
                if (n >= (this.o.maxFailedReads ?? 3)) throw new Error(`reading ${k} failed ${n} polls in a row: ${(e as Error).message}`);
                return this.last[k];
            }
        };
        const [healthCheckUnhealthy, alarmFiring, functionDecision, operatorReplicas, logscaleReady, globalResolvesTo, dnsLocked] = await Promise.all([
            read("healthCheckUnhealthy", () => this.healthCheckUnhealthy()),
            read("alarmFiring", () => this.alarmFiring()),
            read("functionDecision", () => this.functionDecision()),
            read("operatorReplicas", () => this.operatorReplicas()),
            read("logscaleReady", () => this.logscaleReady()),
            read("globalResolvesTo", () => this.dns.resolvesTo()),
            read("dnsLocked", () => this.dnsLocked()),
        ]);
        this.last = { healthCheckUnhealthy, alarmFiring, functionDecision, operatorReplicas, logscaleReady, globalResolvesTo, dnsLocked };
        if (this.lastReplicas === 0 && operatorReplicas > 0) this.scaleUps++;
        this.lastReplicas = operatorReplicas;
        return { ...this.last, operatorScaleUps: this.scaleUps };
    }
}
