// The one table of pinned versions: what the program installs, until when its
// maker supports it, and where that date comes from. Code reads its pins from
// here, `npm run plan` and `pulumi preview` warn about a pin whose date has
// passed, and docs/versions.md is generated from it (`npm run -s versions -- --write`).

export type SupportCloud = "aws" | "azure" | "oci";

export interface SupportPin {
    /** What is pinned, as people call it. */
    component: string;
    version: string;
    /** Last day of support (YYYY-MM-DD), or undefined when the maker publishes no date. */
    endOfSupport?: string;
    /** Why there is no date, when there is none. */
    undated?: string;
    source: string;
}

export interface KubernetesOffer {
    version: string;
    /** End of the cloud's standard support (past it: extended or no support, so a warning). */
    endOfSupport: string;
    source: string;
}

const EKS_SOURCE = "docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html (release calendar)";
const AKS_SOURCE = "learn.microsoft.com/azure/aks/supported-kubernetes-versions (AKS release calendar)";
const OKE_SOURCE = "docs.oracle.com/iaas/Content/ContEng/Concepts/contengaboutk8sversions.htm; kubernetes.io/releases";

/**
 * The minor versions each cloud still lets a cluster run on, oldest first.
 * A version past its date is still offered (EKS extended support, an existing
 * AKS/OKE cluster being upgraded), so it plans with a warning; one not listed
 * is refused by config validation.
 */
export const KUBERNETES_OFFERS: Record<SupportCloud, readonly KubernetesOffer[]> = {
    aws: [
        // Standard support ended 2026-07-29; extended support (billed) runs to 2027-07-29.
        { version: "1.33", endOfSupport: "2026-07-29", source: EKS_SOURCE },
        // Standard support ended 2026-12-02; extended support (billed) runs to 2027-12-02.
        { version: "1.34", endOfSupport: "2026-12-02", source: EKS_SOURCE },
        { version: "1.35", endOfSupport: "2027-03-27", source: EKS_SOURCE },
    ],
    azure: [
        { version: "1.34", endOfSupport: "2026-10-31", source: AKS_SOURCE },
        { version: "1.35", endOfSupport: "2027-03-31", source: AKS_SOURCE },
    ],
    oci: [
        { version: "1.34", endOfSupport: "2026-10-27", source: OKE_SOURCE },
        { version: "1.35", endOfSupport: "2027-02-28", source: OKE_SOURCE },
    ],
};

/** The default control-plane version: in standard support on EKS, AKS and OKE today. */
export const DEFAULT_KUBERNETES_VERSION = "1.35";

/** Function runtimes of the failover functions. */
export const RUNTIMES = {
    lambda: "nodejs22.x",
    azureFunctions: "NODE|22",
    ociFunctionBaseImage: "node:22-alpine",
} as const;

const NODE22_END = "2027-04-30";

export const SOFTWARE_PINS = {
    lambda: { component: "AWS Lambda runtime", version: RUNTIMES.lambda, endOfSupport: NODE22_END, source: "docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html (deprecation date)" },
    azureFunctions: { component: "Azure Functions Node.js stack", version: RUNTIMES.azureFunctions, endOfSupport: NODE22_END, source: "learn.microsoft.com/azure/azure-functions/functions-versions (language support)" },
    ociFunctionBaseImage: { component: "OCI function base image", version: RUNTIMES.ociFunctionBaseImage, endOfSupport: NODE22_END, source: "github.com/nodejs/Release (Node.js 22 LTS end of life)" },
    certManager: { component: "cert-manager chart", version: "v1.21.1", undated: "supported until two newer minor releases exist", source: "cert-manager.io/docs/releases/ (supported releases)" },
    strimzi: { component: "Strimzi Kafka operator chart", version: "1.2.0", undated: "Strimzi supports its newest release only; 1.2.0 (2026-08-18) is it", source: "github.com/strimzi/strimzi-kafka-operator/releases/tag/1.2.0" },
    humioOperator: { component: "humio-operator chart", version: "0.34.1", undated: "the operator publishes no support window; newest on the chart index", source: "humio.github.io/humio-operator/index.yaml (0.32.0 to 0.34.1 after 0.31.1)" },
    envoyGateway: { component: "Envoy Gateway chart (gateway-helm)", version: "v1.9.0", endOfSupport: "2027-02-14", source: "gateway.envoyproxy.io/news/releases/matrix/ (v1.9 end of life)" },
    kafka: { component: "Apache Kafka (run by Strimzi)", version: "4.3.1", undated: "Apache Kafka patches its newest minor lines only; Strimzi 1.2.0 runs 4.2.x and 4.3.x", source: "strimzi.io/downloads/ (Strimzi 1.2.0 supported Kafka versions)" },
    pause: { component: "pause image (standby image pre-pull DaemonSet)", version: "registry.k8s.io/pause:3.10", undated: "a static image without a support window; the version kubeadm pins for Kubernetes 1.31 and newer", source: "github.com/kubernetes/kubernetes cmd/kubeadm/app/constants (PauseVersion)" },
    logscale: { component: "Falcon LogScale (humio/humio-core)", version: "1.252.1", endOfSupport: "2027-08-31", source: "library.humio.com/release-notes/ (1.252 long-term support release)" },
} as const satisfies Record<string, SupportPin>;

/** Every pin, with the Kubernetes defaults of each cloud first. */
export function supportTable(): SupportPin[] {
    const clouds: Record<SupportCloud, string> = { aws: "EKS", azure: "AKS", oci: "OKE" };
    const kube = (Object.keys(clouds) as SupportCloud[]).map(cloud => {
        const offer = kubernetesOffer(cloud, DEFAULT_KUBERNETES_VERSION);
        if (!offer) throw new Error(`the default Kubernetes version ${DEFAULT_KUBERNETES_VERSION} is not offered on ${cloud}`);
        return { component: `Kubernetes on ${clouds[cloud]} (default)`, version: offer.version, endOfSupport: offer.endOfSupport, source: offer.source };
    });
    return [...kube, ...Object.values(SOFTWARE_PINS)];
}

function minorOf(version: string): string | undefined {
    return /^v?(\d+\.\d+)(\.\d+)?$/.exec(version)?.[1];
}

/** The cloud's offer for a configured version ("1.35", or "1.35.2" for an exact patch). */
export function kubernetesOffer(cloud: SupportCloud, version: string): KubernetesOffer | undefined {
    const minor = minorOf(version);
    return minor === undefined ? undefined : KUBERNETES_OFFERS[cloud].find(o => o.version === minor);
}

/**
 * Why a configured kubernetesVersion is refused, or undefined when the cloud
 * offers it. EKS takes a minor version only; AKS and OKE also take an exact patch.
 */
export function kubernetesVersionProblem(cloud: SupportCloud, version: string): string | undefined {
    const allowed = KUBERNETES_OFFERS[cloud].map(o => o.version).join(", ");
    const form = cloud === "aws" ? /^\d+\.\d+$/ : /^\d+\.\d+(\.\d+)?$/;
    if (!form.test(version)) {
        return `must look like ${DEFAULT_KUBERNETES_VERSION}${cloud === "aws" ? "" : ` or ${DEFAULT_KUBERNETES_VERSION}.1`}; ${cloud} offers ${allowed}`;
    }
    if (!kubernetesOffer(cloud, version)) return `not offered on ${cloud}; allowed versions are ${allowed}`;
    return undefined;
}

/** ISO day (YYYY-MM-DD) of `today`, which tests set through LOGSCALE_DR_TODAY. */
export function today(env: NodeJS.ProcessEnv = process.env): string {
    const injected = env.LOGSCALE_DR_TODAY;
    if (injected !== undefined) {
        if (!/^\d{4}-\d{2}-\d{2}$/.test(injected)) throw new Error(`LOGSCALE_DR_TODAY=${JSON.stringify(injected)} must be a date YYYY-MM-DD`);
        return injected;
    }
    return new Date().toISOString().slice(0, 10);
}

/** One warning line per pin of this stack whose end of support is before `day`. */
export function expiredPinWarnings(pins: readonly SupportPin[], day: string): string[] {
    return pins
        .filter(p => p.endOfSupport !== undefined && p.endOfSupport < day)
        .map(p => `${p.component} ${p.version} is past its end of support (${p.endOfSupport}, ${p.source}); move to a supported version`);
}

/** The pins one stack uses: its cloud's Kubernetes version and runtime, and the shared software. */
export function stackPins(cloud: SupportCloud, kubernetesVersion: string): SupportPin[] {
    const offer = kubernetesOffer(cloud, kubernetesVersion);
    const clouds: Record<SupportCloud, string> = { aws: "EKS", azure: "AKS", oci: "OKE" };
    const runtime = { aws: SOFTWARE_PINS.lambda, azure: SOFTWARE_PINS.azureFunctions, oci: SOFTWARE_PINS.ociFunctionBaseImage }[cloud];
    const { lambda: _l, azureFunctions: _a, ociFunctionBaseImage: _o, ...shared } = SOFTWARE_PINS;
    return [
        ...(offer ? [{ component: `Kubernetes on ${clouds[cloud]}`, version: kubernetesVersion, endOfSupport: offer.endOfSupport, source: offer.source }] : []),
        runtime,
        ...Object.values(shared),
    ];
}
