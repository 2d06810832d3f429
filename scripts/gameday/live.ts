// The live pair of a gameday: readiness's LiveInput (the same stack outputs
// and clusters the pre-flight checks), and from it the route outage on the
// primary and the observer of the pair, by the standby's cloud.

import { KubeConnection } from "../../functions/k8s/http";
import { azCliToken } from "../readiness/az-token";
import { AzureClientOptions } from "../readiness/azure";
import { connectionFromKubeconfig } from "../readiness/kube";
import { LiveInput } from "../readiness/live";
import { OciConfigSource, ociProfileCredentials, readOciProfile } from "../readiness/oci-config";
import { OutputValue } from "../readiness/ports";
import { Clock, OutageMethod, PairObserver } from "./backend";
import { DnsOptions } from "./global-dns";
import { AwsObserverOptions, AwsPairObserver, observerNamesFromOutputs } from "./observe-aws";
import { AzurePairObserver, azureObserverNamesFromOutputs } from "./observe-azure";
import { OciObserverOptions, OciPairObserver, ociObserverNamesFromOutputs } from "./observe-oci";
import { HttpRouteOutage } from "./outage-route";

export interface LivePair {
    /** What the pre-flight readiness run reads. */
    readiness: LiveInput;
    outage: OutageMethod;
    observer: PairObserver;
    clock: Clock;
    /** The standby's expectedFailoverSeconds.totalS output, when it has one. */
    expectedTotalS?: number;
}

const plain = (o: Record<string, OutputValue>) => Object.fromEntries(Object.entries(o).filter(([, v]) => !v.secret).map(([k, v]) => [k, v.value]));

interface Common {
    dns?: DnsOptions;
    maxFailedReads?: number;
    kubeTimeoutMs?: number;
    /** Connections come from the kubeconfig outputs unless given (tests give the fakes'). */
    connections?: { primary: KubeConnection; secondary: KubeConnection };
}

/** What every cloud's live pair shares: the clusters, the outage (cloud-neutral) and the expected total. */
function pairOf(readiness: LiveInput, o: Common, observer: (p: Record<string, unknown>, s: Record<string, unknown>, standby: KubeConnection) => PairObserver): LivePair {
    const conn = (side: "primary" | "secondary"): KubeConnection => {
        const kc = readiness.outputs[side].kubeconfig?.value;
        if (typeof kc !== "string") throw new Error(`stack "${side === "primary" ? readiness.primaryStack : readiness.secondaryStack}" has no kubeconfig output`);
        return connectionFromKubeconfig(kc);
    };
    const connections = o.connections ?? { primary: conn("primary"), secondary: conn("secondary") };
    const p = plain(readiness.outputs.primary);
    const s = plain(readiness.outputs.secondary);
    const cluster = p.logscaleClusterName;
    if (typeof cluster !== "string") throw new Error(`stack "${readiness.primaryStack}" has no logscaleClusterName output; the outage needs it to name the HTTPRoutes`);
    const total = (s.expectedFailoverSeconds as { totalS?: unknown } | undefined)?.totalS;
    return {
        readiness,
        outage: new HttpRouteOutage(connections.primary, cluster),
        observer: observer(p, s, connections.secondary),
        clock: readiness.clock,
        expectedTotalS: typeof total === "number" ? total : undefined,
    };
}

export function awsLivePair(readiness: LiveInput, o: Omit<AwsObserverOptions, "clock"> & Common = {}): LivePair {
    return pairOf(readiness, o, (p, s, standby) => new AwsPairObserver(observerNamesFromOutputs(p, s), standby, { ...o, clock: readiness.clock }));
}

/** ARM token: the Azure CLI's unless given. */
export function azureLivePair(readiness: LiveInput, o: { azure?: Partial<AzureClientOptions> } & Common = {}): LivePair {
    const azure = { ...o.azure, token: o.azure?.token ?? azCliToken() };
    return pairOf(readiness, o, (p, s, standby) => new AzurePairObserver(azureObserverNamesFromOutputs(p, s), standby, { ...o, azure, clock: readiness.clock }));
}

/** Signing key: the ~/.oci/config profile's unless given; read once, so a broken profile is one error. */
export function ociLivePair(readiness: LiveInput, o: { oci?: Partial<OciObserverOptions["oci"]> & { config?: OciConfigSource } } & Common = {}): LivePair {
    return pairOf(readiness, o, (p, s, standby) => {
        const names = ociObserverNamesFromOutputs(p, s);
        const credentials = o.oci?.credentials ?? (() => { const c = ociProfileCredentials(readOciProfile(o.oci?.config)); return () => c; })();
        return new OciPairObserver(names, standby, { ...o, oci: { ...o.oci, credentials }, clock: readiness.clock });
    });
}

export const LIVE_CLOUDS = ["aws", "azure", "oci"] as const;

/** The live pair by the standby stack's cloud output (the pre-flight's adapter is picked the same way). */
export function livePair(readiness: LiveInput): LivePair {
    const cloud = readiness.outputs.secondary.cloud?.value;
    switch (cloud) {
        case "aws": return awsLivePair(readiness);
        case "azure": return azureLivePair(readiness);
        case "oci": return ociLivePair(readiness);
        default: throw new Error(`stack "${readiness.secondaryStack}" has cloud output ${JSON.stringify(cloud)}; the live gameday knows ${LIVE_CLOUDS.join(", ")}`);
    }
}
