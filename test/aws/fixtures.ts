// Config and runners shared by the AWS tests: the example pair of
// Pulumi.primary.yaml / Pulumi.secondary.yaml, planned under the mock engine.

import { loadConfig } from "../../config/load";
import { createStack } from "../../components/stack";
import { NewResourceArgs, RunResult, runProgram, StackSnapshot } from "../../scripts/mock/engine";

export const LICENSE = "test-license-value-not-a-real-one";

export function primaryConfig(extra: Record<string, string> = {}): Record<string, string> {
    return {
        "aws:region": "us-west-2",
        "logscale-dr:cloud": "aws",
        "logscale-dr:dr": "active",
        "logscale-dr:clusterName": "logscale",
        "logscale-dr:clusterSize": "xsmall",
        "logscale-dr:clusterType": "internal-ingest",
        "logscale-dr:globalHostname": "logscale.example.com",
        "logscale-dr:dnsZoneName": "example.com",
        "logscale-dr:manageGlobalDns": "true",
        "logscale-dr:logscaleLicense": LICENSE,
        ...extra,
    };
}

export function secondaryConfig(extra: Record<string, string> = {}): Record<string, string> {
    return {
        "aws:region": "us-east-2",
        "logscale-dr:cloud": "aws",
        "logscale-dr:dr": "standby",
        "logscale-dr:drUseDedicatedRouting": "false",
        "logscale-dr:primaryStack": "primary",
        "logscale-dr:clusterName": "logscale",
        "logscale-dr:clusterSize": "xsmall",
        "logscale-dr:clusterType": "internal-ingest",
        "logscale-dr:globalHostname": "logscale.example.com",
        "logscale-dr:dnsZoneName": "example.com",
        "logscale-dr:logscaleLicense": LICENSE,
        ...extra,
    };
}

const SECRET_KEYS = ["logscale-dr:logscaleLicense", "logscale-dr:primaryStorageEncryptionKey"];

export function runAws(stack: string, config: Record<string, string>,
    stackOutputs?: (name: string) => StackSnapshot | undefined,
    resourceState?: (args: NewResourceArgs) => Record<string, unknown> | undefined): Promise<RunResult> {
    return runProgram({
        stack,
        config,
        secretKeys: SECRET_KEYS.filter(k => k in config),
        stackOutputs,
        resourceState,
        program: () => createStack(loadConfig(config, stack)),
    });
}

/** The primary's outputs as a StackReference sees them. */
export function snapshotOf(run: RunResult): StackSnapshot {
    return { outputs: run.rawOutputs, secretOutputNames: run.secretOutputNames };
}
