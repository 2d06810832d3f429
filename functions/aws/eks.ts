import { KubeConnection } from "../k8s/http";
import { eksBearerToken } from "./eks-token";
import { AwsFailoverEnv, eksCaPem } from "./env";
import { AwsCredentials } from "./sigv4";

/**
 * The API server as the stack passed it (endpoint and CA in the environment,
 * no eks:DescribeCluster round trip before the first Kubernetes call), with a
 * fresh presigned-STS token per request. The IAM principal must hold an EKS
 * access entry scoped to the namespace.
 */
export function eksConnection(
    env: Pick<AwsFailoverEnv, "eksClusterName" | "eksClusterRegion" | "eksClusterEndpoint" | "eksClusterCertificateAuthority">,
    credentials: () => AwsCredentials,
    now: () => number,
): KubeConnection {
    const clusterName = env.eksClusterName;
    const region = env.eksClusterRegion;
    return {
        server: env.eksClusterEndpoint,
        caPem: eksCaPem(env),
        token: () => eksBearerToken(clusterName, region, credentials(), new Date(now())),
    };
}
