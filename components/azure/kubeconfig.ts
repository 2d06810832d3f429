import { AKS_AAD_SERVER_APP_ID } from "../../functions/azure/settings";

export interface AksEndpoint {
    /** https://<fqdn>:443 */
    server: string;
    /** base64 of the PEM CA bundle, as kubeconfig's certificate-authority-data. */
    caData: string;
}

/**
 * Server and CA from the kubeconfig AKS hands out (listClusterUserCredential).
 * Only those two are kept: the user part of that kubeconfig is replaced by our
 * own exec block, and with local accounts disabled it holds no credential.
 */
export function parseAksKubeconfig(kubeconfigBase64: string): AksEndpoint {
    const text = Buffer.from(kubeconfigBase64, "base64").toString("utf8");
    const server = /^\s*server:\s*"?([^"\s]+)"?\s*$/m.exec(text)?.[1];
    const caData = /^\s*certificate-authority-data:\s*"?([A-Za-z0-9+/=]+)"?\s*$/m.exec(text)?.[1];
    if (!server || !/^https:\/\//.test(server)) {
        throw new Error("the AKS credentials kubeconfig has no https server; cannot build a kubeconfig for the cluster");
    }
    if (!caData || !Buffer.from(caData, "base64").toString("utf8").includes("-----BEGIN CERTIFICATE-----")) {
        throw new Error("the AKS credentials kubeconfig has no certificate-authority-data with a PEM certificate");
    }
    return { server, caData };
}

/**
 * A kubeconfig (JSON, which is YAML) that authenticates with kubelogin and
 * Entra ID: the cluster has local accounts disabled, so there is no static
 * credential to leak. `--login azurecli` suits a workstation; CI sets
 * AAD_LOGIN_METHOD (e.g. workloadidentity, spn), which kubelogin prefers.
 */
export function aksKubeconfig(clusterName: string, endpoint: AksEndpoint, tenantId: string): string {
    const user = `${clusterName}-entra`;
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: clusterName, cluster: { server: endpoint.server, "certificate-authority-data": endpoint.caData } }],
        contexts: [{ name: clusterName, context: { cluster: clusterName, user } }],
        "current-context": clusterName,
        users: [{
            name: user,
            user: {
                exec: {
                    apiVersion: "client.authentication.k8s.io/v1beta1",
                    command: "kubelogin",
                    args: ["get-token", "--login", "azurecli", "--server-id", AKS_AAD_SERVER_APP_ID, "--tenant-id", tenantId],
                    interactiveMode: "Never",
                    provideClusterInfo: false,
                },
            },
        }],
    }, null, 2);
}
