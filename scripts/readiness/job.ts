// The recovery-path probe: a one-shot Job in the standby cluster that lists
// the primary's globalsnapshots/ objects with LogScale's own identity. Built
// as a pure function so the manifest's safety properties (pinned image, no
// retries, bounded run, nothing secret printed) are unit-tested.
//
// Image: the cloud's CLI, not LogScale's. humio/humio-core has no object-store
// client a shell can call, so listing with it would mean starting LogScale's
// JVM against the bucket. The CLI reads the same credentials LogScale does:
// the IRSA web-identity token the EKS webhook injects for the service account
// (AWS), the recover-from access key pair from LogScale's env Secret (OCI,
// through its S3 compatibility endpoint), the storage account key (Azure).

import { oneShotJob, oneShotJobName } from "./one-shot-job";

export type ProbeCloud = "aws" | "azure" | "oci";

/** Pinned to an exact release tag: the Job runs with LogScale's cloud identity, so what runs must not drift. */
export const PROBE_IMAGES: Record<ProbeCloud, string> = {
    aws: "public.ecr.aws/aws-cli/aws-cli:2.27.50",
    oci: "public.ecr.aws/aws-cli/aws-cli:2.27.50",
    azure: "mcr.microsoft.com/azure-cli:2.75.0",
};

/** The marker of the probe's one result line, so a stray CLI warning is never read as the verdict. */
export const PROBE_MARKER = "LOGSCALE-DR-PROBE";

export interface EnvVar {
    name: string;
    value?: string;
    valueFrom?: { secretKeyRef?: { name: string; key: string } };
}

export interface ProbeInput {
    cloud: ProbeCloud;
    namespace: string;
    serviceAccount: string;
    /** The standby HumioCluster's *_RECOVER_FROM_* env, copied as it is (secret refs stay refs). */
    recoverFromEnv: readonly EnvVar[];
    /** Makes the Job name unique per run. */
    runId: string;
    image?: string;
    activeDeadlineSeconds?: number;
    ttlSecondsAfterFinished?: number;
}

// The encryption key is not needed to list, so it never enters the pod.
const NOT_FOR_THE_PROBE = /_RECOVER_FROM_(ENCRYPTION_KEY|REPLACE_[A-Z_]+)$/;

// The object-store calls print only a count and the newest key; secrets are
// in env vars the CLI reads itself, and nothing echoes them (no set -x).
const S3_SCRIPT = [
    "set -eu",
    'P="${S3_RECOVER_FROM_OBJECT_KEY_PREFIX:-}globalsnapshots/"',
    'if [ -n "${S3_RECOVER_FROM_ACCESSKEY:-}" ]; then export AWS_ACCESS_KEY_ID="$S3_RECOVER_FROM_ACCESSKEY" AWS_SECRET_ACCESS_KEY="$S3_RECOVER_FROM_SECRETKEY"; fi',
    'EP=""; if [ -n "${S3_RECOVER_FROM_ENDPOINT_BASE:-}" ]; then EP="--endpoint-url $S3_RECOVER_FROM_ENDPOINT_BASE"; fi',
    'if ! OUT=$(aws s3api list-objects-v2 $EP --region "$S3_RECOVER_FROM_REGION" --bucket "$S3_RECOVER_FROM_BUCKET" --prefix "$P" --query "[length(Contents || \\`[]\\`), sort_by(Contents || \\`[]\\`, &LastModified)[-1].Key]" --output text 2>/tmp/err); then',
    `  echo "${PROBE_MARKER} fail listing s3://$S3_RECOVER_FROM_BUCKET/$P: $(tail -c 300 /tmp/err | tr '\\n' ' ')"; exit 1; fi`,
    'set -- $OUT',
    `if [ "\${1:-0}" = "0" ]; then echo "${PROBE_MARKER} fail no objects under s3://$S3_RECOVER_FROM_BUCKET/$P"; exit 1; fi`,
    `echo "${PROBE_MARKER} ok objects=$1 newest=\${2:-}"`,
].join("\n");

const AZURE_SCRIPT = [
    "set -eu",
    'P="${AZURE_RECOVER_FROM_OBJECT_KEY_PREFIX:-}globalsnapshots/"',
    // The key goes by env, not argv, so it is not in the pod's process list either.
    'export AZURE_STORAGE_ACCOUNT="$AZURE_RECOVER_FROM_ACCOUNTNAME" AZURE_STORAGE_KEY="$AZURE_RECOVER_FROM_ACCOUNTKEY"',
    'if ! OUT=$(az storage blob list --only-show-errors --container-name "$AZURE_RECOVER_FROM_BUCKET" --prefix "$P" --query "[length(@), sort_by(@, &properties.lastModified)[-1].name]" --output tsv 2>/tmp/err); then',
    `  echo "${PROBE_MARKER} fail listing $AZURE_RECOVER_FROM_BUCKET/$P: $(tail -c 300 /tmp/err | tr '\\n' ' ')"; exit 1; fi`,
    'set -- $OUT',
    `if [ "\${1:-0}" = "0" ]; then echo "${PROBE_MARKER} fail no blobs under $AZURE_RECOVER_FROM_BUCKET/$P"; exit 1; fi`,
    `echo "${PROBE_MARKER} ok objects=$1 newest=\${2:-}"`,
].join("\n");

export function probeJobName(runId: string): string {
    return oneShotJobName("logscale-dr-readiness", runId);
}

export function recoveryProbeJob(i: ProbeInput): Record<string, unknown> {
    const env = i.recoverFromEnv.filter(e => !NOT_FOR_THE_PROBE.test(e.name)).map(e => JSON.parse(JSON.stringify(e)) as EnvVar);
    // One attempt (oneShotJob): a retry would hide an intermittent permission problem the verdict must show.
    // No Kubernetes API token either; IRSA's projected token is mounted by its webhook regardless.
    return oneShotJob({
        name: probeJobName(i.runId),
        namespace: i.namespace,
        labels: { "app.kubernetes.io/name": "logscale-dr-readiness", "app.kubernetes.io/component": "recovery-probe" },
        activeDeadlineSeconds: i.activeDeadlineSeconds ?? 120,
        ttlSecondsAfterFinished: i.ttlSecondsAfterFinished ?? 600,
        serviceAccountName: i.serviceAccount,
        container: {
            name: "list-globalsnapshots",
            image: i.image ?? PROBE_IMAGES[i.cloud],
            imagePullPolicy: "IfNotPresent",
            command: ["/bin/sh", "-c", i.cloud === "azure" ? AZURE_SCRIPT : S3_SCRIPT],
            env,
            resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "256Mi" } },
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
        },
    });
}

export interface ProbeResult {
    ok: boolean;
    detail: string;
}

/** The verdict from the pod log's last marker line; undefined when the log has none. */
export function parseProbeLog(log: string): ProbeResult | undefined {
    const line = log.split("\n").map(l => l.trim()).filter(l => l.startsWith(`${PROBE_MARKER} `)).pop();
    if (!line) return undefined;
    const rest = line.slice(PROBE_MARKER.length + 1);
    if (rest.startsWith("ok ")) return { ok: true, detail: rest.slice(3) };
    return { ok: false, detail: rest.replace(/^fail /, "") };
}
