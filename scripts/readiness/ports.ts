// What the live readiness checks need from the world, one read per method,
// so every check runs unchanged against fakes over real HTTP. The live
// implementations: ./kube.ts (a cluster's API server), ./aws.ts, ./azure.ts
// and ./oci.ts (the pair's cloud APIs, chosen in ./clouds.ts), ./stacks.ts
// (the stacks' outputs through the Automation API).

import { systemClock } from "../../functions/core/clock";
import { EnvVar } from "./job";

// The failover core's clock: the same interface the tests' virtual clocks implement.
export type { Clock } from "../../functions/core/types";
export const realClock = systemClock();

export interface JobState {
    succeeded: boolean;
    failed: boolean;
    /** The Failed condition's reason and message, when there is one. */
    failure?: string;
}

/** One cluster's API server. */
export interface ClusterPort {
    /** spec.replicas (1 when left out), or undefined when the Deployment does not exist. */
    deploymentReplicas(namespace: string, name: string): Promise<number | undefined>;
    /** A Deployment's metadata.labels, or undefined when it does not exist. */
    deploymentLabels(namespace: string, name: string): Promise<Record<string, string> | undefined>;
    /** Any namespaced object by its API path pieces, or undefined on 404. */
    object(apiVersion: string, plural: string, namespace: string, name: string): Promise<Record<string, unknown> | undefined>;
    /** One key of a Secret, decoded; undefined when the Secret or key is absent. Kept in memory only to be hashed. */
    secretValue(namespace: string, name: string, key: string): Promise<string | undefined>;
    createJob(manifest: Record<string, unknown>): Promise<void>;
    /** undefined when the Job does not exist. */
    job(namespace: string, name: string): Promise<JobState | undefined>;
    /** The last lines of the log of the Job's pod; undefined when it has no pod yet. */
    jobLog(namespace: string, jobName: string): Promise<string | undefined>;
    /** Deletes the Job and, in the background, its pods; a missing Job is not an error. */
    deleteJob(namespace: string, name: string): Promise<void>;
}

export type SelfTest = { available: false; reason: string } | { available: true; ready: boolean; detail: string };

/** The pair's cloud: DNS, the failover alarm, the readiness self-test. */
export interface CloudPort {
    readonly cloud: "aws" | "azure" | "oci";
    /** Whether the failover lock is in place, with what was read (e.g. the health check's FQDN). */
    dnsLock(): Promise<{ locked: boolean; detail: string }>;
    /** The pair's records, endpoints or answers the failover switches between: which are there, which are missing. */
    dnsTargets(): Promise<{ present: string[]; missing: string[] }>;
    alarm(): Promise<{ name: string; enabled: boolean }>;
    lastSelfTest(): Promise<SelfTest>;
}

/** A stack output as the Automation API returns it. */
export interface OutputValue {
    value: unknown;
    secret: boolean;
}

export interface StacksPort {
    outputs(stack: string): Promise<Record<string, OutputValue>>;
}

export type { EnvVar };
