// Latency of each remote call in the drill, per cloud, taken from the RTO
// model's function rounds so that a simulated failover's function phase adds
// up to the seed's measured function time.

import type { Cloud } from "../../config/load";
import { FUNCTION_ROUNDS_S } from "../../components/dr/rto";
import type { KubeCall } from "./k8s";

export interface CallLatencyS {
    /** Trigger delivery and start: SNS -> Lambda, action group -> Function, ONS -> Function container. */
    invoke: number;
    /** One cloud API read (health, metrics, probe results, endpoint). */
    cloudRead: number;
    /** The secondary gate's own probe or read. */
    secondaryCheck: number;
    k8sRead: number;
    k8sAnnotate: number;
    deleteSecret: number;
    scale: number;
    /** One call of the DNS lock (OCI: the PUT; its GET runs in round 1 as a cloud read). */
    lockCall: number;
    /** Recording the failover time (AWS SSM; Azure/OCI an annotation). */
    record: number;
}

/**
 * Each round of the acting invocation takes its modelled time: AWS reads in
 * one round trip each; Azure's first round is its ARM read, with the
 * Kubernetes reads (the degraded-since annotation among them) and the TCP
 * gate running alongside in half the time; OCI reads the steering policy
 * in round 1, so its lock round is the one PUT.
 */
export function callLatency(cloud: Cloud): CallLatencyS {
    const r = FUNCTION_ROUNDS_S[cloud];
    switch (cloud) {
        case "aws":
            return { invoke: r.invoke, cloudRead: r.observe, secondaryCheck: r.observe, k8sRead: r.observe, k8sAnnotate: r.observe, deleteSecret: r.deleteSecret, scale: r.scale, lockCall: r.lock, record: r.lock };
        case "azure":
            return { invoke: r.invoke, cloudRead: r.observe, secondaryCheck: r.observe / 2, k8sRead: r.observe / 2, k8sAnnotate: r.observe / 2, deleteSecret: r.deleteSecret, scale: r.scale, lockCall: r.lock, record: r.observe / 2 };
        case "oci":
            return { invoke: r.invoke, cloudRead: r.observe, secondaryCheck: r.observe, k8sRead: r.observe / 2, k8sAnnotate: r.observe / 2, deleteSecret: r.deleteSecret, scale: r.scale, lockCall: r.lock, record: r.observe / 2 };
    }
}

export function kubeLatencyMs(l: CallLatencyS): (call: KubeCall) => number {
    return call => {
        switch (call) {
            case "deleteSecret": return l.deleteSecret * 1000;
            case "scaleDeployment":
            case "scaleDeploymentFrom": return l.scale * 1000;
            case "annotateDeployment": return l.k8sAnnotate * 1000;
            default: return l.k8sRead * 1000;
        }
    };
}
