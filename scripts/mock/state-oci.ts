import * as crypto from "crypto";
import type { NewResourceArgs } from "./engine";
import type { Config } from "./state";

// What the OCI provider computes, derived from names and config so a plan is
// stable and each value can be traced to the resource it came from.

function region(config: Config): string {
    return String(config["oci:region"] ?? "us-ashburn-1");
}

function digit(seed: string, mod: number): number {
    return crypto.createHash("sha256").update(seed).digest()[0] % mod;
}

/** Region key of OCIR/OSN service names (IAD for us-ashburn-1, PHX for us-phoenix-1, ...). */
function regionKey(r: string): string {
    const known: Record<string, string> = { "us-ashburn-1": "iad", "us-phoenix-1": "phx", "eu-frankfurt-1": "fra", "uk-london-1": "lhr" };
    return known[r] ?? r.split("-")[1].slice(0, 3);
}

const MOCK_CA_PEM = "-----BEGIN CERTIFICATE-----\nTU9DSyBPS0UgQ0EgKG9mZmxpbmUgcGxhbik=\n-----END CERTIFICATE-----\n";

export function ociState(args: NewResourceArgs, config: Config): Record<string, unknown> {
    const r = region(config);
    const [, mod, kind] = args.type.match(/^oci:([^/]+)\/([^:]+):/) ?? [];
    const id = `ocid1.${(kind ?? "resource").toLowerCase()}.oc1.${r}.mock${args.name.replace(/[^a-z0-9]/gi, "").toLowerCase()}`;
    const base = { id, module: mod };
    switch (args.type) {
        case "oci:Core/publicIp:PublicIp":
            // TEST-NET-3 addresses: one per region and name, never routable.
            return { ...base, ipAddress: `203.0.113.${10 + digit(`${r}/${args.name}`, 240)}` };
        case "oci:HealthChecks/httpMonitor:HttpMonitor":
            return { ...base, homeRegion: r, resultsUrl: `https://healthchecks.${r}.oraclecloud.com/20180501/httpProbeResults/${id}` };
        case "oci:HealthChecks/pingMonitor:PingMonitor":
            return { ...base, homeRegion: r, resultsUrl: `https://healthchecks.${r}.oraclecloud.com/20180501/pingProbeResults/${id}` };
        case "oci:ContainerEngine/cluster:Cluster":
            return {
                ...base,
                endpoints: [{ kubernetes: "", privateEndpoint: "10.0.0.2:6443", publicEndpoint: `198.51.100.${10 + digit(r, 240)}:6443`, vcnHostnameEndpoint: "" }],
            };
        case "oci:Identity/customerSecretKey:CustomerSecretKey":
            return { ...base, id: `mock${crypto.createHash("sha1").update(`${r}/${args.name}`).digest("hex")}`, key: `mock-s3-secret-${r}-${args.name}` };
        case "oci:Identity/authToken:AuthToken":
            return { ...base, token: `mock-auth-token-${args.name}` };
        case "oci:Dns/zone:Zone":
            return { ...base, id: `ocid1.dns-zone.oc1..mock${String(args.inputs.name ?? args.name).replace(/[^a-z0-9]/gi, "")}` };
        default:
            return base;
    }
}

export function ociInvoke(token: string, inputs: Record<string, any>, config: Config): Record<string, unknown> {
    const r = region(config);
    const key = regionKey(r);
    switch (token) {
        case "oci:ObjectStorage/getNamespace:getNamespace":
            return { namespace: config["logscale-dr:ociObjectStorageNamespace"] ?? "mocknamespace", id: "ns" };
        case "oci:Core/getServices:getServices":
            return {
                id: "services",
                services: [
                    { id: `ocid1.service.oc1.${r}.mockobjectstorage`, name: `OCI ${key.toUpperCase()} Object Storage`, cidrBlock: `oci-${key}-objectstorage`, description: "" },
                    { id: `ocid1.service.oc1.${r}.mockall`, name: `All ${key.toUpperCase()} Services In Oracle Services Network`, cidrBlock: `all-${key}-services-in-oracle-services-network`, description: "" },
                ],
            };
        case "oci:Identity/getAvailabilityDomains:getAvailabilityDomains":
            return {
                id: "ads",
                compartmentId: inputs.compartmentId,
                availabilityDomains: [1, 2, 3].map(n => ({ id: `ocid1.availabilitydomain.oc1..mock${n}`, name: `Mock:${r.toUpperCase()}-AD-${n}`, compartmentId: inputs.compartmentId })),
            };
        case "oci:ContainerEngine/getClusterOption:getClusterOption":
            return { id: "all", clusterOptionId: "all", kubernetesVersions: ["v1.33.1", "v1.34.1", "v1.34.2", "v1.35.0", "v1.35.2"], clusterPodNetworkOptions: [] };
        case "oci:ContainerEngine/getNodePoolOption:getNodePoolOption": {
            const image = (name: string) => ({ imageId: `ocid1.image.oc1.${r}.mock${name.replace(/[^a-z0-9]/gi, "").toLowerCase()}`, sourceName: name, sourceType: "IMAGE" });
            return {
                id: String(inputs.nodePoolOptionId),
                nodePoolOptionId: inputs.nodePoolOptionId,
                images: [],
                kubernetesVersions: [],
                shapes: [],
                sources: [
                    image("Oracle-Linux-8.10-2026.09.30-0-OKE-1.35.2-1341"),
                    image("Oracle-Linux-8.10-2026.10.28-0-OKE-1.35.2-1367"),
                    image("Oracle-Linux-8.10-aarch64-2026.10.28-0-OKE-1.35.2-1367"),
                    image("Oracle-Linux-8.10-2026.10.28-0-OKE-1.34.2-1367"),
                    image("Oracle-Linux-8.10-2025.05.19-0-OKE-1.33.1-800"),
                    image("Oracle-Linux-8.10-2025.06.17-0-OKE-1.33.1-813"),
                    image("Oracle-Linux-8.10-aarch64-2025.06.17-0-OKE-1.33.1-813"),
                    image("Oracle-Linux-8.10-Gen2-GPU-2025.06.17-0-OKE-1.33.1-813"),
                    image("Oracle-Linux-8.10-2025.06.17-0-OKE-1.32.1-813"),
                ],
            };
        }
        case "oci:ContainerEngine/getClusterKubeConfig:getClusterKubeConfig": {
            const ca = Buffer.from(MOCK_CA_PEM).toString("base64");
            return {
                id: String(inputs.clusterId),
                clusterId: inputs.clusterId,
                content: [
                    "apiVersion: v1",
                    "kind: Config",
                    "clusters:",
                    "- name: oke",
                    "  cluster:",
                    `    server: https://198.51.100.${10 + digit(r, 240)}:6443`,
                    `    certificate-authority-data: ${ca}`,
                    "users:",
                    "- name: oke-user",
                    "  user:",
                    "    exec:",
                    "      apiVersion: client.authentication.k8s.io/v1beta1",
                    "      command: oci",
                    `      args: [ce, cluster, generate-token, --cluster-id, "${inputs.clusterId}", --region, ${r}]`,
                    "contexts:",
                    "- name: oke",
                    "  context: {cluster: oke, user: oke-user}",
                    "current-context: oke",
                    "",
                ].join("\n"),
            };
        }
        default:
            return { ...inputs };
    }
}
