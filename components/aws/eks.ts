import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { kubeconfig } from "./kubeconfig";
import { CLUSTER_ROLE_POLICIES, eksSecretsKeyPolicy, managedPolicyArn, serviceTrustPolicy } from "./policies";

export interface EksClusterArgs {
    /** Physical EKS cluster name (see names.ts). */
    clusterName: string;
    kubernetesVersion: string;
    region: string;
    partition: pulumi.Input<string>;
    /** Private subnets: control-plane network interfaces and nodes. */
    subnetIds: pulumi.Input<string>[];
    tags: Record<string, string>;
    /** AWS CLI profile for the kubeconfig's token command (aws:profile). */
    awsProfile?: string;
}

/** Add-ons that nodes need before they can become Ready. */
export const PRE_COMPUTE_ADDONS = ["vpc-cni", "kube-proxy"] as const;

/**
 * EKS control plane with access-entry authentication only (no aws-auth
 * ConfigMap), Secrets envelope-encrypted with a KMS key, control-plane logs
 * with retention, the OIDC provider for IRSA, and a Kubernetes provider that
 * authenticates with `aws eks get-token`.
 */
export class EksCluster extends pulumi.ComponentResource {
    readonly cluster: aws.eks.Cluster;
    readonly name: pulumi.Output<string>;
    readonly arn: pulumi.Output<string>;
    readonly oidcProviderArn: pulumi.Output<string>;
    readonly oidcIssuer: pulumi.Output<string>;
    /** Security group EKS gives the control plane and managed node groups. */
    readonly clusterSecurityGroupId: pulumi.Output<string>;
    /** API server URL (public data: the failover function gets it in its environment). */
    readonly endpoint: pulumi.Output<string>;
    /** The cluster CA as EKS reports it: base64 of a PEM certificate (public data). */
    readonly certificateAuthorityData: pulumi.Output<string>;
    readonly kubeconfig: pulumi.Output<string>;
    readonly provider: k8s.Provider;
    /** Add-ons node groups must wait for. */
    readonly preComputeAddons: aws.eks.Addon[];

    constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("logscale:aws:EksCluster", name, {}, opts);
        const tags = args.tags;

        const role = new aws.iam.Role(`${name}-cluster`, {
            assumeRolePolicy: JSON.stringify(serviceTrustPolicy("eks.amazonaws.com")),
            tags,
        }, { parent: this });
        const attachments = CLUSTER_ROLE_POLICIES.map(p => new aws.iam.RolePolicyAttachment(`${name}-cluster-${p}`, {
            role: role.name,
            policyArn: pulumi.output(args.partition).apply(part => managedPolicyArn(part, p)),
        }, { parent: this }));

        const secretsKey = new aws.kms.Key(`${name}-secrets`, {
            description: `Envelope encryption of Kubernetes Secrets in EKS cluster ${args.clusterName}`,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            tags,
        }, { parent: this });
        const keyPolicy = new aws.iam.RolePolicy(`${name}-cluster-secrets-key`, {
            role: role.id,
            policy: secretsKey.arn.apply(arn => JSON.stringify(eksSecretsKeyPolicy(arn))),
        }, { parent: this });

        // Created here rather than by EKS so that it has a retention period and is removed with the stack.
        const logGroup = new aws.cloudwatch.LogGroup(`${name}-control-plane`, {
            name: `/aws/eks/${args.clusterName}/cluster`,
            retentionInDays: 90,
            tags,
        }, { parent: this });

        this.cluster = new aws.eks.Cluster(`${name}`, {
            name: args.clusterName,
            version: args.kubernetesVersion,
            roleArn: role.arn,
            vpcConfig: {
                subnetIds: args.subnetIds,
                endpointPrivateAccess: true,
                // The failover function runs outside the VPC and calls the API server.
                endpointPublicAccess: true,
            },
            accessConfig: {
                authenticationMode: "API",
                // The identity running `pulumi up` administers the cluster it creates.
                bootstrapClusterCreatorAdminPermissions: true,
            },
            // Add-ons are EKS-managed (below) instead of the self-managed defaults.
            bootstrapSelfManagedAddons: false,
            encryptionConfig: { provider: { keyArn: secretsKey.arn }, resources: ["secrets"] },
            enabledClusterLogTypes: ["api", "audit", "authenticator"],
            tags,
        }, { parent: this, dependsOn: [...attachments, keyPolicy, logGroup] });

        this.name = this.cluster.name;
        this.arn = this.cluster.arn;
        this.clusterSecurityGroupId = this.cluster.vpcConfig.clusterSecurityGroupId;
        this.endpoint = this.cluster.endpoint;
        this.certificateAuthorityData = this.cluster.certificateAuthority.apply(ca => {
            if (!ca?.data) throw new Error(`EKS cluster ${args.clusterName} reports no certificateAuthority.data`);
            return ca.data;
        });
        this.oidcIssuer = this.cluster.identities.apply(ids => {
            const issuer = ids?.[0]?.oidcs?.[0]?.issuer;
            if (!issuer) throw new Error(`EKS cluster ${args.clusterName} reports no OIDC issuer; IRSA needs one`);
            return issuer;
        });
        const oidc = new aws.iam.OpenIdConnectProvider(`${name}-oidc`, {
            url: this.oidcIssuer,
            clientIdLists: ["sts.amazonaws.com"],
            tags,
        }, { parent: this });
        this.oidcProviderArn = oidc.arn;

        this.preComputeAddons = PRE_COMPUTE_ADDONS.map(addon => new aws.eks.Addon(`${name}-${addon}`, {
            clusterName: this.cluster.name,
            addonName: addon,
            resolveConflictsOnCreate: "OVERWRITE",
            resolveConflictsOnUpdate: "PRESERVE",
            tags,
        }, { parent: this }));

        this.kubeconfig = pulumi.secret(pulumi.all([this.cluster.name, this.cluster.endpoint, this.cluster.certificateAuthority])
            .apply(([clusterName, endpoint, ca]) => JSON.stringify(kubeconfig({
                clusterName,
                endpoint,
                certificateAuthorityData: ca.data ?? "",
                region: args.region,
                profile: args.awsProfile,
            }))));
        this.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig }, { parent: this });

        this.registerOutputs({
            name: this.name,
            arn: this.arn,
            oidcProviderArn: this.oidcProviderArn,
            clusterSecurityGroupId: this.clusterSecurityGroupId,
            endpoint: this.endpoint,
            certificateAuthorityData: this.certificateAuthorityData,
            kubeconfig: this.kubeconfig,
        });
    }
}
