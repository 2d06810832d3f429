// Pinned Helm charts. A chart bump is a deliberate change that shows in the
// preview diff; nothing floats.

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
    certManager: { chart: "cert-manager", version: "v1.17.1", repo: "https://charts.jetstack.io" },
    strimzi: { chart: "strimzi-kafka-operator", version: "0.47.0", repo: "https://strimzi.io/charts/" },
    ingressNginx: { chart: "ingress-nginx", version: "4.12.1", repo: "https://kubernetes.github.io/ingress-nginx" },
    // 0.34.1 (2026-02-19): the newest release on the chart index, which lists 0.32.0 to 0.34.1 after 0.31.1.
    // v1.9.0 (2026-08-15): the newest Envoy Gateway release; published only as an OCI chart. It bundles
    // the Gateway API v1.6.1 CRDs (experimental channel, a superset of standard).
    envoyGateway: { chart: "gateway-helm", version: "v1.9.0", repo: "oci://docker.io/envoyproxy" },
    humioOperator: { chart: "humio-operator", version: "0.34.1", repo: "https://humio.github.io/humio-operator" },
} as const satisfies Record<string, ChartPin>;

/** Kafka version Strimzi 0.47 runs (it supports 3.9.0, 3.9.1 and 4.0.0). */
export const KAFKA_VERSION = "3.9.1";

export const LETS_ENCRYPT_SERVER = "https://acme-v02.api.letsencrypt.org/directory";
