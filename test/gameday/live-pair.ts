// An AWS pair behind real local fakes for the live gameday: FakeKubernetes
// for each cluster (with the primary's HTTPRoutes and the standby's service
// proxy), the AWS fake for Route 53, CloudWatch and SSM, and two UDP DNS
// fakes: a recursive resolver whose cached answer for the global name stays
// on the primary, and the zone's name server, whose answer moves. PlayedWorld plays what AWS and the failover
// function would do, after every tick of a virtual clock, from what the
// gameday did to the fakes (a detached route is an outage).
import { httpRouteResources } from "../../components/logscale/gateway";
import { LOCKED_FQDN } from "../../functions/aws/platform";
import { AwsClientOptions, AwsCloud, awsNamesFromOutputs } from "../../scripts/readiness/aws";
import { HttpCluster } from "../../scripts/readiness/kube";
import { LiveInput } from "../../scripts/readiness/live";
import { OutputValue } from "../../scripts/readiness/ports";
import { awsLivePair, LivePair } from "../../scripts/gameday/live";
import { FakeAwsReadiness } from "../readiness/fake-aws";
import { FakeKubernetes } from "../support/fake-k8s";
import { FakeDns } from "./fake-dns";

export const GW = "gateway.networking.k8s.io/v1";
export const ROUTES = ["logscale-ingest", "logscale-ui", "logscale-https-redirect"];
export const COOLDOWN = "/logscale-dr/logscale/us-east-2/last-failover-epoch";
export const ALARM = "logscale-dr-failover-us-east-2-primary-unhealthy";
export const IPS = { primary: ["10.0.0.1", "10.0.0.2"], secondary: ["10.1.0.1", "10.1.0.2"] };
/** 2026-12-03T12:00:00Z: the record's epoch seconds compare with a real date. */
export const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);
const S = 1000;
const KEY = "s3-encryption-key-that-must-never-be-printed-0123456789abcdef";
const IMAGE = "humio/humio-core:1.252.1";
const OK = "Success: HTTP Status Code 200, OK";
const DOWN = "Failure: HTTP Status Code 404, Not Found";

export interface WorldOptions {
    functionNeverActs?: boolean;
    /** The global name goes back to the primary once its routes are back (a lock that did not hold). */
    failsBack?: boolean;
}

/** Seconds after the outage: Route 53 sees it, the alarm fires, the function acts; after the failover: LogScale serves, DNS answers move. */
export const PLAY = { checkS: 40, alarmS: 90, functionS: 278, readyS: 210, dnsS: 270 };

export class PlayedClock {
    constructor(private t: number, private readonly tick: (now: number) => void) { tick(t); }
    now(): number { return this.t; }
    async sleep(ms: number): Promise<void> { this.t += Math.max(0, ms); this.tick(this.t); }
}

export interface FakePair {
    kube: { primary: FakeKubernetes; secondary: FakeKubernetes };
    aws: FakeAwsReadiness;
    dns: { recursive: FakeDns; authoritative: FakeDns };
    clock: PlayedClock;
    outputs: { primary: Record<string, OutputValue>; secondary: Record<string, OutputValue> };
    clientOptions: AwsClientOptions;
    dnsOptions: { recursiveServers: string[]; authoritativePort: number };
    /** The routes' parentRefs as stored by the primary's fake API server. */
    parentRefs(name: string): unknown;
    readiness(): LiveInput;
    live(): LivePair;
    world: { failedOverAt?: number; downSince?: number };
    stop(): Promise<void>;
}

const out = (o: Record<string, unknown>, secret: string[] = []): Record<string, OutputValue> =>
    Object.fromEntries(Object.entries(o).map(([k, v]) => [k, { value: v, secret: secret.includes(k) }]));

function cluster(kube: FakeKubernetes, env: unknown[]): void {
    kube.putHumioCluster("logging", "logscale", { image: IMAGE, nodeCount: 3, commonEnvironmentVariables: env });
    kube.putObject("kafka.strimzi.io/v1", "Kafka", "kafkas", "logging", "logscale-strimzi-kafka", { spec: { kafka: { version: "4.3.1" } } });
    kube.putDeployment("logging", "strimzi-cluster-operator", { replicas: 1, labels: { "helm.sh/chart": "strimzi-kafka-operator-1.2.0" } });
}

export async function fakePair(o: WorldOptions = {}): Promise<FakePair> {
    const kube = { primary: await FakeKubernetes.start(), secondary: await FakeKubernetes.start() };
    cluster(kube.primary, []);
    cluster(kube.secondary, [
        { name: "S3_RECOVER_FROM_BUCKET", value: "logscale-us-west-2" },
        { name: "S3_RECOVER_FROM_REGION", value: "us-west-2" },
        { name: "S3_RECOVER_FROM_ENCRYPTION_KEY", valueFrom: { secretKeyRef: { name: "logscale-env-secrets", key: "S3_RECOVER_FROM_ENCRYPTION_KEY" } } },
    ]);
    kube.primary.putDeployment("logging", "humio-operator", { replicas: 1, labels: { "helm.sh/chart": "humio-operator-0.34.1" } });
    kube.secondary.putDeployment("logging", "humio-operator", { replicas: 0, labels: { "helm.sh/chart": "humio-operator-0.34.1" } });
    kube.secondary.putSecret("logging", "logscale-env-secrets", { data: { S3_RECOVER_FROM_ENCRYPTION_KEY: Buffer.from(KEY).toString("base64") } });
    kube.secondary.jobRunner = () => ({ result: "succeeded", afterGets: 2, log: "LOGSCALE-DR-PROBE ok objects=4 newest=globalsnapshots/globalsnapshot-1736942400000.json\n" });
    for (const r of Object.values(httpRouteResources({ clusterName: "logscale", hostname: "logscale-us-west-2.example.com", globalHostname: "logscale.example.com", dr: "active" }))) {
        kube.primary.putObject(GW, "HTTPRoute", "httproutes", "logging", r.metadata.name, { spec: r.spec });
    }
    const aws = await FakeAwsReadiness.start({
        healthCheckFqdn: { "hc-primary": "logscale-us-west-2.example.com" },
        records: [
            { name: "logscale.example.com.", type: "A", failover: "PRIMARY" },
            { name: "logscale.example.com.", type: "A", failover: "SECONDARY" },
        ],
        alarms: { [ALARM]: { actionsEnabled: true, state: "OK" } },
        parameters: { "/logscale-dr/logscale/us-east-2/standby-ready": "ready" },
        checkerStatus: { "hc-primary": Array(8).fill(OK) },
        hostedZones: { ZFAKE: { name: "example.com.", nameServers: ["ns-1.fake-dns.test", "ns-2.fake-dns.test"] } },
    });
    const dns = { recursive: await FakeDns.start(), authoritative: await FakeDns.start() };
    dns.recursive.set("ns-1.fake-dns.test", ["127.0.0.1"]);
    dns.recursive.set("ns-2.fake-dns.test", ["127.0.0.1"]);
    dns.recursive.set("primary-nlb.elb.test", IPS.primary);
    dns.recursive.set("secondary-nlb.elb.test", IPS.secondary);
    // A cache within the TTL: what a recursive resolver would still say after Route 53 switched.
    dns.recursive.set("logscale.example.com", IPS.primary);
    dns.authoritative.set("logscale.example.com", IPS.primary);

    const world: FakePair["world"] = {};
    const play = (now: number) => {
        const refs = (kube.primary.object(GW, "httproutes", "logging", "logscale-ui")?.spec as { parentRefs?: unknown[] } | undefined)?.parentRefs;
        const detached = !refs || refs.length === 0;
        if (detached && world.downSince === undefined) world.downSince = now;
        if (!detached) world.downSince = undefined;
        const downS = world.downSince === undefined ? -1 : (now - world.downSince) / S;
        if (!o.functionNeverActs && world.failedOverAt === undefined && downS >= PLAY.functionS) {
            world.failedOverAt = now;
            kube.secondary.deployment("logging", "humio-operator")!.spec.replicas = 1;
            aws.state.healthCheckFqdn["hc-primary"] = LOCKED_FQDN;
            aws.state.parameters[COOLDOWN] = `${Math.floor(now / S)};lock=applied`;
        }
        const locked = aws.state.healthCheckFqdn["hc-primary"] === LOCKED_FQDN;
        aws.state.checkerStatus!["hc-primary"] = Array(8).fill(locked || downS >= PLAY.checkS ? DOWN : OK);
        aws.state.alarms[ALARM].state = locked || downS >= PLAY.alarmS ? "ALARM" : "OK";
        const sinceFo = world.failedOverAt === undefined ? -1 : (now - world.failedOverAt) / S;
        const back = o.failsBack && !detached;
        dns.authoritative.set("logscale.example.com", sinceFo >= PLAY.dnsS && !back ? IPS.secondary : IPS.primary);
        const ready = sinceFo >= PLAY.readyS;
        kube.secondary.serviceProxy = (ns, svc, path) => (ns === "logging" && svc === "https:logscale-ui-cip:8080" && path === "/api/v1/status"
            ? (ready ? { status: 200, body: '{"status":"OK","version":"1.252.1"}' } : { status: 503, body: "no endpoints available for service" })
            : { status: 404, body: `not proxied: ${ns} ${svc} ${path}` });
    };
    const clock = new PlayedClock(T0, play);
    const outputs = {
        primary: out({
            cloud: "aws", region: "us-west-2", storageBucket: "logscale-us-west-2", storageEncryptionKey: KEY, logscaleClusterName: "logscale",
            loadBalancerAddress: "primary-nlb.elb.test",
        }, ["storageEncryptionKey"]),
        secondary: out({
            cloud: "aws", region: "us-east-2", logscaleClusterName: "logscale", primaryHealthCheckId: "hc-primary", dnsZoneId: "ZFAKE", globalHostname: "logscale.example.com",
            failoverAlarmName: ALARM, failoverAlarmRegion: "us-east-1", failoverCooldownParameter: COOLDOWN,
            loadBalancerAddress: "secondary-nlb.elb.test", expectedFailoverSeconds: { totalS: 548 },
        }),
    };
    const clientOptions = { endpoint: aws.url, credentials: { accessKeyId: "AKIDFAKE", secretAccessKey: "fake" } };
    const dnsOptions = { recursiveServers: [dns.recursive.server], authoritativePort: dns.authoritative.port };
    const readiness = (): LiveInput => ({
        primaryStack: "primary", secondaryStack: "secondary", outputs, clock, runId: "gameday-test", pollMs: 5 * S, jobTimeoutMs: 120 * S,
        clusters: { primary: new HttpCluster({ server: kube.primary.url }), secondary: new HttpCluster({ server: kube.secondary.url }) },
        cloud: new AwsCloud(awsNamesFromOutputs(Object.fromEntries(Object.entries(outputs.secondary).map(([k, v]) => [k, v.value]))), clientOptions),
    });
    return {
        kube, aws, dns, clock, outputs, clientOptions, dnsOptions, world, readiness,
        parentRefs: name => (kube.primary.object(GW, "httproutes", "logging", name)?.spec as { parentRefs?: unknown }).parentRefs,
        live: () => awsLivePair(readiness(), { aws: clientOptions, dns: dnsOptions, connections: { primary: { server: kube.primary.url }, secondary: { server: kube.secondary.url } } }),
        async stop() { await kube.primary.stop(); await kube.secondary.stop(); await aws.stop(); await dns.recursive.stop(); await dns.authoritative.stop(); },
    };
}
