import { RemoteError } from "../core/types";
import { KubeConnection } from "../k8s/http";
import { awsCall } from "./errors";
import { eksBearerToken } from "./eks-token";
import { AwsCredentials } from "./sigv4";
import { sdkClientConfig } from "./platform";

/**
 * Finds the API server with EKS DescribeCluster and authenticates with a
 * fresh presigned-STS token per request. The IAM principal must hold an EKS
 * access entry scoped to the namespace.
 */
export function eksConnection(clusterName: string, region: string, credentials: () => AwsCredentials, now: () => number): () => Promise<KubeConnection> {
    return async () => {
        const { EKSClient, DescribeClusterCommand } = require("@aws-sdk/client-eks") as typeof import("@aws-sdk/client-eks");
        const client = new EKSClient(sdkClientConfig(region));
        const out = await awsCall("eks.DescribeCluster", () => client.send(new DescribeClusterCommand({ name: clusterName })));
        const endpoint = out.cluster?.endpoint;
        const caData = out.cluster?.certificateAuthority?.data;
        if (!endpoint || !endpoint.startsWith("https://")) {
            throw new RemoteError(`eks.DescribeCluster: cluster ${clusterName} has endpoint ${JSON.stringify(endpoint)}; expected an https:// URL`,
                undefined, false, "eks.DescribeCluster");
        }
        if (!caData) {
            throw new RemoteError(`eks.DescribeCluster: cluster ${clusterName} has no certificateAuthority.data`, undefined, false, "eks.DescribeCluster");
        }
        const caPem = Buffer.from(caData, "base64").toString("utf8");
        if (!caPem.includes("-----BEGIN CERTIFICATE-----")) {
            throw new RemoteError(`eks.DescribeCluster: certificateAuthority.data of ${clusterName} is not a base64 PEM certificate`,
                undefined, false, "eks.DescribeCluster");
        }
        return {
            server: endpoint,
            caPem,
            token: () => eksBearerToken(clusterName, region, credentials(), new Date(now())),
        };
    };
}
