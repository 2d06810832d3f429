/**
 * OKE names versions "v1.35.2". The config key holds "1.35" (latest patch
 * OKE offers) or "1.35.2" (exactly that patch, the way to keep a later
 * `pulumi up` from upgrading the control plane when OKE adds a patch).
 */
export function pickKubernetesVersion(available: string[], wanted: string): string {
    const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?$/.exec(wanted.trim());
    if (!m) throw new Error(`kubernetesVersion "${wanted}" must look like 1.35 or 1.35.2; OKE offers ${available.join(", ") || "none"}`);
    const parsed = available
        .map(v => ({ v, p: /^v(\d+)\.(\d+)\.(\d+)$/.exec(v) }))
        .filter((x): x is { v: string; p: RegExpExecArray } => x.p !== null)
        .filter(x => x.p[1] === m[1] && x.p[2] === m[2] && (m[3] === undefined || x.p[3] === m[3]))
        .sort((a, b) => Number(b.p[3]) - Number(a.p[3]));
    if (parsed.length === 0) {
        throw new Error(`kubernetesVersion "${wanted}" is not offered by OKE in this region; available: ${available.join(", ") || "none"}`);
    }
    return parsed[0].v;
}

export interface NodeImageSource {
    imageId: string;
    sourceName: string;
    sourceType: string;
}

/**
 * The newest Oracle Linux 8 OKE worker image built for exactly this
 * Kubernetes version, for x86 shapes without GPUs (the LogScale and Kafka
 * shapes are AMD E5). OKE publishes names like
 * Oracle-Linux-8.10-2026.10.28-0-OKE-1.35.2-1367.
 */
export function pickNodeImage(sources: NodeImageSource[], kubernetesVersion: string): NodeImageSource {
    const version = kubernetesVersion.replace(/^v/, "");
    const escaped = version.replace(/\./g, "\\.");
    const pattern = new RegExp(`^Oracle-Linux-8\\.(\\d+)-(\\d{4}\\.\\d{2}\\.\\d{2})-(\\d+)-OKE-${escaped}-(\\d+)$`);
    const candidates = sources
        .filter(s => s.sourceType === "IMAGE")
        .map(s => ({ s, m: pattern.exec(s.sourceName) }))
        .filter((x): x is { s: NodeImageSource; m: RegExpExecArray } => x.m !== null)
        .sort((a, b) => (b.m[2].localeCompare(a.m[2])) || Number(b.m[4]) - Number(a.m[4]));
    if (candidates.length === 0) {
        const sample = sources.slice(0, 5).map(s => s.sourceName).join(", ");
        throw new Error(`no Oracle Linux 8 x86 OKE image for Kubernetes ${version} among ${sources.length} node pool image(s) (e.g. ${sample || "none"})`);
    }
    return candidates[0].s;
}
