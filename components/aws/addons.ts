import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EBS_CSI_POLICY, irsaTrustPolicy, managedPolicyArn } from "./policies";

export interface ClusterAddonsArgs {
    clusterName: pulumi.Input<string>;
    partition: pulumi.Input<string>;
    oidcProviderArn: pulumi.Input<string>;
    oidcIssuer: pulumi.Input<string>;
    provider: k8s.Provider;
    tags: Record<string, string>;
    /** The node groups: these add-ons run pods and only become ACTIVE once nodes exist. */
    dependsOn: pulumi.Resource[];
}

/** StorageClass for LogScale and Kafka data volumes on EKS. */
export const GP3_STORAGE_CLASS = "gp3";
/** Service account of the EBS CSI controller (set by the add-on). */
export const EBS_CSI_SERVICE_ACCOUNT = { namespace: "kube-system", name: "ebs-csi-controller-sa" } as const;

/**
 * Add-ons that schedule pods (CoreDNS, the EBS CSI driver with its own IRSA
 * role) and the encrypted gp3 StorageClass the data volumes use.
 */
export class ClusterAddons extends pulumi.ComponentResource {
    readonly storageClassName: string = GP3_STORAGE_CLASS;
    readonly storageClass: k8s.storage.v1.StorageClass;

    constructor(name: string, args: ClusterAddonsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("logscale:aws:ClusterAddons", name, {}, opts);

        const ebsRole = new aws.iam.Role(`${name}-ebs-csi`, {
            assumeRolePolicy: pulumi.all([args.oidcProviderArn, args.oidcIssuer]).apply(([arn, issuer]) =>
                JSON.stringify(irsaTrustPolicy(arn, issuer, EBS_CSI_SERVICE_ACCOUNT.namespace, [EBS_CSI_SERVICE_ACCOUNT.name]))),
            tags: args.tags,
        }, { parent: this });
        const ebsPolicy = new aws.iam.RolePolicyAttachment(`${name}-ebs-csi`, {
            role: ebsRole.name,
            policyArn: pulumi.output(args.partition).apply(p => managedPolicyArn(p, EBS_CSI_POLICY)),
        }, { parent: this });

        const coredns = new aws.eks.Addon(`${name}-coredns`, {
            clusterName: args.clusterName,
            addonName: "coredns",
            resolveConflictsOnCreate: "OVERWRITE",
            resolveConflictsOnUpdate: "PRESERVE",
            tags: args.tags,
        }, { parent: this, dependsOn: args.dependsOn });
        const ebs = new aws.eks.Addon(`${name}-aws-ebs-csi-driver`, {
            clusterName: args.clusterName,
            addonName: "aws-ebs-csi-driver",
            serviceAccountRoleArn: ebsRole.arn,
            resolveConflictsOnCreate: "OVERWRITE",
            resolveConflictsOnUpdate: "PRESERVE",
            tags: args.tags,
        }, { parent: this, dependsOn: [...args.dependsOn, ebsPolicy] });

        this.storageClass = new k8s.storage.v1.StorageClass(`${name}-gp3`, {
            metadata: {
                name: GP3_STORAGE_CLASS,
                annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
            },
            provisioner: "ebs.csi.aws.com",
            parameters: { type: "gp3", encrypted: "true", "csi.storage.k8s.io/fstype": "ext4" },
            // Bind where the pod lands: EBS volumes are zonal.
            volumeBindingMode: "WaitForFirstConsumer",
            allowVolumeExpansion: true,
            reclaimPolicy: "Delete",
        }, { parent: this, provider: args.provider, dependsOn: [ebs, coredns] });

        this.registerOutputs({ storageClassName: this.storageClassName });
    }
}
