// Kubeconfig of an EKS cluster (pure). It carries no credential: `aws eks
// get-token` mints a short-lived token from whoever runs Pulumi or kubectl,
// which is what access-entry authentication expects.

export interface KubeconfigArgs {
    clusterName: string;
    endpoint: string;
    /** Base64 PEM, as EKS returns it. */
    certificateAuthorityData: string;
    region: string;
    /** AWS CLI profile to use; unset means the default credential chain. */
    profile?: string;
}

export function kubeconfig(a: KubeconfigArgs): Record<string, unknown> {
    const context = `aws-${a.region}-${a.clusterName}`;
    return {
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: context, cluster: { server: a.endpoint, "certificate-authority-data": a.certificateAuthorityData } }],
        contexts: [{ name: context, context: { cluster: context, user: context } }],
        "current-context": context,
        users: [{
            name: context,
            user: {
                exec: {
                    apiVersion: "client.authentication.k8s.io/v1beta1",
                    command: "aws",
                    args: ["eks", "get-token", "--cluster-name", a.clusterName, "--region", a.region, "--output", "json"],
                    env: a.profile ? [{ name: "AWS_PROFILE", value: a.profile }] : null,
                    interactiveMode: "Never",
                    provideClusterInfo: false,
                },
            },
        }],
    };
}
