// The live pair of an AWS gameday: readiness's LiveInput (the same stack
// outputs and clusters the pre-flight checks), and from it the route outage
// on the primary and the observer of the pair.

import { KubeConnection } from "../../functions/k8s/http";
import { connectionFromKubeconfig } from "../readiness/kube";
import { LiveInput } from "../readiness/live";
import { OutputValue } from "../readiness/ports";
import { Clock, OutageMethod, PairObserver } from "./backend";
import { AwsObserverOptions, AwsPairObserver, observerNamesFromOutputs } from "./observe-aws";
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

/** Connections come from the kubeconfig outputs unless given (tests give the fakes'). */
export function awsLivePair(readiness: LiveInput, o: Omit<AwsObserverOptions, "clock"> & { connections?: { primary: KubeConnection; secondary: KubeConnection } } = {}): LivePair {
    const { primary, secondary } = readiness.outputs;
    const conn = (side: "primary" | "secondary"): KubeConnection => {
        const kc = readiness.outputs[side].kubeconfig?.value;
        if (typeof kc !== "string") throw new Error(`stack "${side === "primary" ? readiness.primaryStack : readiness.secondaryStack}" has no kubeconfig output`);
        return connectionFromKubeconfig(kc);
    };
    const connections = o.connections ?? { primary: conn("primary"), secondary: conn("secondary") };
    const p = plain(primary);
    const s = plain(secondary);
    const cluster = p.logscaleClusterName;
    if (typeof cluster !== "string") throw new Error(`stack "${readiness.primaryStack}" has no logscaleClusterName output; the outage needs it to name the HTTPRoutes`);
    const total = (s.expectedFailoverSeconds as { totalS?: unknown } | undefined)?.totalS;
    return {
        readiness,
        outage: new HttpRouteOutage(connections.primary, cluster),
        observer: new AwsPairObserver(observerNamesFromOutputs(p, s), connections.secondary, { ...o, clock: readiness.clock }),
        clock: readiness.clock,
        expectedTotalS: typeof total === "number" ? total : undefined,
    };
}
