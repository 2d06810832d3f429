// Pinned Helm charts. A chart bump is a deliberate change that shows in the
// preview diff; nothing floats.

import { SOFTWARE_PINS } from "../../config/support";

export interface ChartPin {
    chart: string;
    version: string;
    /** A Helm repository URL, or an `oci://` registry path that holds `chart`. */
    repo: string;
}

/** The chart reference Helm takes: an OCI chart is named by its full URL and has no repository index. */
export function chartRef(pin: ChartPin): { chart: string; repositoryOpts?: { repo: string } } {
    return pin.repo.startsWith("oci://")
        ? { chart: `${pin.repo.replace(/\/+$/, "")}/${pin.chart}` }
        : { chart: pin.chart, repositoryOpts: { repo: pin.repo } };
}

export const CHARTS = {
    certManager: { chart: "cert-manager", version: SOFTWARE_PINS.certManager.version, repo: "https://charts.jetstack.io" },
    strimzi: { chart: "strimzi-kafka-operator", version: SOFTWARE_PINS.strimzi.version, repo: "https://strimzi.io/charts/" },
    ingressNginx: { chart: "ingress-nginx", version: "4.12.1", repo: "https://kubernetes.github.io/ingress-nginx" },
    // Published only as an OCI chart. It bundles the Gateway API v1.6.1 CRDs (experimental channel, a superset of standard).
    envoyGateway: { chart: "gateway-helm", version: SOFTWARE_PINS.envoyGateway.version, repo: "oci://docker.io/envoyproxy" },
    humioOperator: { chart: "humio-operator", version: SOFTWARE_PINS.humioOperator.version, repo: "https://humio.github.io/humio-operator" },
} as const satisfies Record<string, ChartPin>;

/** The Kafka version Strimzi runs (one it supports; see config/support.ts). */
export const KAFKA_VERSION = SOFTWARE_PINS.kafka.version;

export const LETS_ENCRYPT_SERVER = "https://acme-v02.api.letsencrypt.org/directory";
