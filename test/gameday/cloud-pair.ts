// What the Azure and OCI gameday fakes share with each other (the AWS one,
// ./live-pair.ts, predates them): both clusters with the primary's HTTPRoutes
// and the standby at zero, the two UDP DNS fakes, and a played world on a
// virtual clock that tracks when the routes were detached and when the
// played function failed over. The cloud's own fake is the caller's.
import { httpRouteResources } from "../../components/logscale/gateway";
import { KubeConnection } from "../../functions/k8s/http";
import { EnvVar } from "../../scripts/readiness/job";
import { HttpCluster } from "../../scripts/readiness/kube";
import { logscaleSide, PROBE_OK } from "../readiness/live-pair";
import { FakeKubernetes } from "../support/fake-k8s";
import { FakeDns } from "./fake-dns";
import { GW, PlayedClock, T0 } from "./live-pair";

const S = 1000;
export const ENCRYPTION_KEY = "cloud-encryption-key-that-must-never-be-printed-0123456789ab";

/** Seconds after the outage: the monitor sees it, the alert fires, the function acts; after the failover: LogScale serves, DNS answers move. */
export const PLAY = { checkS: 40, alarmS: 90, functionS: 278, readyS: 210, dnsS: 270 };

export interface WorldOptions {
    functionNeverActs?: boolean;
}

export interface World {
    /** Epoch ms the primary's routes have been detached since; undefined while attached. */
    downSince?: number;
    failedOverAt?: number;
    /** Seconds since detached (-1 while attached) and since the failover (-1 before). */
    downS: number;
    sinceFoS: number;
}

export interface Base {
    kube: { primary: FakeKubernetes; secondary: FakeKubernetes };
    dns: { recursive: FakeDns; authoritative: FakeDns };
    dnsOptions: { recursiveServers: string[]; authoritativePort: number };
    connections: { primary: KubeConnection; secondary: KubeConnection };
    clusters: { primary: HttpCluster; secondary: HttpCluster };
    world: World;
    clock: PlayedClock;
    parentRefs(name: string): unknown;
    annotate(key: string, value: string): void;
    stop(): Promise<void>;
}

/**
 * `failOver` is the played function's act (called once, at PLAY.functionS of
 * outage); `tick` plays the cloud after every clock step, from the world.
 */
export async function basePair(recoverFrom: EnvVar[], secretKey: string, o: WorldOptions, failOver: (now: number) => void, tick: (w: World, now: number) => void): Promise<Base> {
    const kube = { primary: await FakeKubernetes.start(), secondary: await FakeKubernetes.start() };
    logscaleSide(kube.primary, [], { replicas: 1 });
    logscaleSide(kube.secondary, recoverFrom, { replicas: 0, annotations: { "logscale.dr/standby-ready": "ready" } });
    kube.secondary.putSecret("logging", "logscale-env-secrets", { data: { [secretKey]: Buffer.from(ENCRYPTION_KEY).toString("base64") } });
    kube.secondary.jobRunner = () => ({ result: "succeeded", afterGets: 2, log: PROBE_OK });
    for (const r of Object.values(httpRouteResources({ clusterName: "logscale", hostname: "logscale-primary.example.com", globalHostname: "logscale.example.com", dr: "active" }))) {
        kube.primary.putObject(GW, "HTTPRoute", "httproutes", "logging", r.metadata.name, { spec: r.spec });
    }
    const dns = { recursive: await FakeDns.start(), authoritative: await FakeDns.start() };
    const world: World = { downS: -1, sinceFoS: -1 };
    const play = (now: number) => {
        const refs = (kube.primary.object(GW, "httproutes", "logging", "logscale-ui")?.spec as { parentRefs?: unknown[] } | undefined)?.parentRefs;
        const detached = !refs || refs.length === 0;
        if (detached && world.downSince === undefined) world.downSince = now;
        if (!detached) world.downSince = undefined;
        world.downS = world.downSince === undefined ? -1 : (now - world.downSince) / S;
        if (!o.functionNeverActs && world.failedOverAt === undefined && world.downS >= PLAY.functionS) {
            world.failedOverAt = now;
            kube.secondary.deployment("logging", "humio-operator")!.spec.replicas = 1;
            failOver(now);
        }
        world.sinceFoS = world.failedOverAt === undefined ? -1 : (now - world.failedOverAt) / S;
        const ready = world.sinceFoS >= PLAY.readyS;
        kube.secondary.serviceProxy = (ns, svc, path) => (ns === "logging" && svc === "https:logscale-ui-cip:8080" && path === "/api/v1/status"
            ? (ready ? { status: 200, body: '{"status":"OK","version":"1.252.1"}' } : { status: 503, body: "no endpoints available for service" })
            : { status: 404, body: `not proxied: ${ns} ${svc} ${path}` });
        tick(world, now);
    };
    const connections = { primary: { server: kube.primary.url }, secondary: { server: kube.secondary.url } };
    return {
        kube, dns, world, connections,
        dnsOptions: { recursiveServers: [dns.recursive.server], authoritativePort: dns.authoritative.port },
        clusters: { primary: new HttpCluster(connections.primary), secondary: new HttpCluster(connections.secondary) },
        // Last: the first tick plays the world, which needs the fakes above.
        clock: new PlayedClock(T0, play),
        parentRefs: name => (kube.primary.object(GW, "httproutes", "logging", name)?.spec as { parentRefs?: unknown }).parentRefs,
        annotate(key, value) {
            const d = kube.secondary.deployment("logging", "humio-operator")!;
            d.metadata.annotations = { ...(d.metadata.annotations ?? {}), [key]: value };
        },
        async stop() { await kube.primary.stop(); await kube.secondary.stop(); await dns.recursive.stop(); await dns.authoritative.stop(); },
    };
}
