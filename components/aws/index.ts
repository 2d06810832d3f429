import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import packageJson from "../../package.json";
import type { StackConfig } from "../../config/load";
import { awsFailoverHandler } from "../../functions/aws/handler";
import { awsFailoverEnvironment } from "../../functions/aws/env";
import { recoveryFollowUpSettings, stackFailoverSettings } from "../dr/failover-settings";
import { awsHoldoffCadence } from "../../functions/aws/health";
import { pairRole } from "../dr/role";
import { warnSameChangePromotion } from "../dr/promotion";
import { REVERSE_RECOVERY_OUTPUT, reverseRecoveryEnvVars } from "../dr/reverse";
import { commonClusterArgs, LogScaleCluster } from "../logscale";
import { humioServiceAccountName, LOGSCALE_NAMESPACE } from "../logscale/names";
import { clusterLayout } from "../logscale/sizing";
import type { Peers, StackOutputs } from "../stack";
import { ClusterAddons } from "./addons";
import { VPC_CIDR } from "./cidr";
import { DnsSteering, ZoneSource } from "./dns";
import { EksCluster } from "./eks";
import { recoverFromEnv, storageEnv } from "./env";
import { FailoverFunction } from "./failover";
import { lambdaExcludedPackages, ROUTE53_METRICS_REGION } from "./failover-specs";
import { IngressLoadBalancer } from "./loadbalancer";
import { bucketName, eksClusterName, failoverNames, INGRESS_NODE_PORTS, stackTags } from "./names";
import { Network } from "./network";
import { nodeGroupSpecs } from "./nodegroup-specs";
import { NodeGroups } from "./nodegroups";
import { StandbyReadiness } from "./readiness";
import { peerBucketArn, readOnlyBucketArns, ResolvedRecovery, resolveRecovery } from "./recovery";
import { LogScaleStorage } from "./storage";

/**
 * One regional AWS stack: network, EKS and node groups, the LogScale bucket
 * and IRSA role, the ingress NLB, this stack's side of the Route 53 failover
 * routing, LogScale itself and, on a standby, the failover function.
 */
export async function deployAws(cfg: StackConfig, peers: Peers): Promise<StackOutputs> {
    if (cfg.cloud !== "aws") throw new Error(`deployAws called for cloud ${cfg.cloud}`);
    const role = pairRole(cfg);
    const standby = cfg.dr === "standby";
    const tags = stackTags(cfg);
    const name = cfg.clusterName;
    const eksName = eksClusterName(cfg);
    const partition = aws.getPartitionOutput().partition;
    const accountId = aws.getCallerIdentityOutput().accountId;
    const layout = clusterLayout("aws", cfg.clusterSize, cfg.clusterType, cfg.dr);
    if (standby && !peers.primary) {
        throw new Error(`stack "${cfg.stack}" is a standby but has no primary to recover from: set logscale-dr:primaryStack`);
    }

    // The secondary's storage as a recovery source, whenever the pair names it:
    // the failback set is exported (reverseRecoveryEnvVars) before it is used.
    const reverse = peers.secondary ? await resolveRecovery(peers.secondary, partition) : undefined;
    // Where this stack recovers from on a cold start: the primary (standby), or
    // the secondary during a deliberate failback (recoverFrom: secondary).
    const recovery: ResolvedRecovery | undefined = standby
        ? await resolveRecovery(peers.primary!, partition)
        : (cfg.recoverFrom === "secondary" ? reverse : undefined);

    const network = new Network(name, { eksClusterName: eksName, vpcCidr: VPC_CIDR, region: cfg.region, tags });

    const eks = new EksCluster(name, {
        clusterName: eksName,
        kubernetesVersion: cfg.kubernetesVersion,
        region: cfg.region,
        partition,
        subnetIds: network.privateSubnetIds,
        tags,
        awsProfile: new pulumi.Config("aws").get("profile"),
    });

    const nodes = new NodeGroups(`${name}-nodes`, {
        clusterName: eks.name,
        kubernetesVersion: cfg.kubernetesVersion,
        partition,
        subnetIds: network.privateSubnetIds,
        specs: nodeGroupSpecs(layout),
        tags,
        dependsOn: eks.preComputeAddons,
    });
    const ingressNodes = nodes.groups.ingress;
    if (!ingressNodes) throw new Error("the cluster layout has no ingress pool; the load balancer needs ingress nodes");

    const addons = new ClusterAddons(`${name}-addons`, {
        clusterName: eks.name,
        partition,
        oidcProviderArn: eks.oidcProviderArn,
        oidcIssuer: eks.oidcIssuer,
        provider: eks.provider,
        tags,
        dependsOn: Object.values(nodes.groups),
    });

    const storage = new LogScaleStorage(`${name}-storage`, {
        bucketName: accountId.apply(id => bucketName(name, cfg.region, id)),
        // Read-only on the other bucket of the pair. On a primary that names its
        // secondary the grant does not follow recoverFrom: after a failback the
        // primary's snapshot lists segments in the secondary's bucket until
        // LogScale has copied them, long after recoverFrom is back to none.
        readOnlyBucketArns: readOnlyBucketArns([
            ...(recovery ? [recovery.bucketArn] : []),
            ...(reverse ? [reverse.bucketArn] : []),
            ...(role === "secondary" && peers.primary ? [peerBucketArn(peers.primary, partition)] : []),
        ]),
        oidcProviderArn: eks.oidcProviderArn,
        oidcIssuer: eks.oidcIssuer,
        namespace: LOGSCALE_NAMESPACE,
        serviceAccounts: [humioServiceAccountName(name)],
        tags,
    });

    const lb = new IngressLoadBalancer(`${name}-ingress`, {
        vpcId: network.vpcId,
        publicSubnetIds: network.publicSubnetIds,
        nodeSecurityGroupId: eks.clusterSecurityGroupId,
        ingressAutoscalingGroupName: ingressNodes.resources.apply(r => {
            const asg = r?.[0]?.autoscalingGroups?.[0]?.name;
            if (!asg) throw new Error(`EKS node group for ingress in ${eksName} reports no Auto Scaling group`);
            return asg;
        }),
        nodePorts: INGRESS_NODE_PORTS,
        tags,
    });

    const dns = new DnsSteering(`${name}-dns`, {
        role,
        zone: zoneSource(cfg, peers),
        globalHostname: cfg.globalHostname,
        hostname: cfg.hostname,
        loadBalancer: { dnsName: lb.dnsName, zoneId: lb.zoneId },
        healthCheck: { intervalSeconds: cfg.failover.healthCheckIntervalSeconds, failureThreshold: cfg.failover.healthCheckFailureThreshold },
        tags,
    });

    const ownTarget = { stack: cfg.stack, bucket: storage.bucket, region: cfg.region };
    const reverseEnv = reverse ? recoverFromEnv(reverse, ownTarget) : undefined;
    const logscale = new LogScaleCluster(name, {
        ...commonClusterArgs(cfg),
        layout,
        storageEnv: storageEnv({
            bucket: storage.bucket,
            region: cfg.region,
            encryptionKey: storage.encryptionKey,
            objectKeyPrefix: cfg.storageObjectKeyPrefix,
        }),
        recoveryEnv: standby && recovery ? recoverFromEnv(recovery, ownTarget) : (cfg.recoverFrom === "secondary" ? reverseEnv : undefined),
        serviceAccountAnnotations: { "eks.amazonaws.com/role-arn": storage.roleArn },
        storageClassName: addons.storageClassName,
        ingress: { type: "NodePort", httpNodePort: INGRESS_NODE_PORTS.http, httpsNodePort: INGRESS_NODE_PORTS.https },
        provider: eks.provider,
    }, { dependsOn: [addons] });

    const outputs: StackOutputs = {
        // The contract a paired stack reads (components/dr/contract.ts).
        cloud: "aws",
        region: cfg.region,
        storageBucket: storage.bucket,
        storageEncryptionKey: storage.encryptionKey,
        storageObjectKeyPrefix: cfg.storageObjectKeyPrefix,
        bucketArn: storage.bucketArn,
        healthCheckId: dns.healthCheckId,
        dnsZoneId: dns.zoneId,
        loadBalancerAddress: lb.dnsName,
        loadBalancerZoneId: lb.zoneId,
        // For operators.
        pairRole: role,
        dr: cfg.dr ?? "none",
        eksClusterName: eks.name,
        kubeconfig: eks.kubeconfig,
        hostname: cfg.hostname,
        globalHostname: cfg.globalHostname,
        storageRoleArn: storage.roleArn,
        logscaleClusterName: name,
        logscaleAdminPassword: logscale.adminPassword,
    };
    if (reverseEnv) outputs[REVERSE_RECOVERY_OUTPUT] = reverseRecoveryEnvVars(reverseEnv);
    warnSameChangePromotion(cfg, role, layout);

    if (standby) {
        const primary = peers.primary!;
        const primaryHealthCheckId = primary.output("healthCheckId");
        const names = failoverNames(cfg);
        const failover = new FailoverFunction(`${name}-failover`, {
            names,
            region: cfg.region,
            partition,
            accountId,
            eksClusterName: eks.name,
            namespace: LOGSCALE_NAMESPACE,
            primaryHealthCheckId,
            secondaryHealthCheckId: dns.healthCheckId,
            handler: awsFailoverHandler,
            // The topic's ARN from its name: the function's environment and policy
            // must not wait on resources that wait on the function.
            environment: pulumi.all([eks.name, eks.endpoint, eks.certificateAuthorityData, primaryHealthCheckId, dns.healthCheckId, partition, accountId])
                .apply(([eksClusterName, eksClusterEndpoint, eksClusterCertificateAuthority, primaryId, secondaryId, p, account]) => awsFailoverEnvironment({
                    eksClusterName,
                    eksClusterRegion: cfg.region,
                    eksClusterEndpoint,
                    eksClusterCertificateAuthority,
                    primaryHealthCheckId: primaryId,
                    secondaryHealthCheckId: secondaryId,
                    cooldownParameterName: names.parameter,
                    failoverAlarmName: names.alarm,
                    notifyTopicArn: `arn:${p}:sns:${cfg.region}:${account}:${names.notifyTopic}`,
                    readinessParameterName: names.readinessParameter,
                    ...stackFailoverSettings(cfg),
                    ...recoveryFollowUpSettings(cfg),
                    ...awsHoldoffCadence(cfg.failover.healthCheckIntervalSeconds, cfg.failover.healthCheckFailureThreshold),
                })),
            excludePackages: lambdaExcludedPackages(packageJson),
            tags,
        });
        // A child of the function: it serves only the function, and promotion removes both together.
        const readiness = new StandbyReadiness(`${name}-readiness`, {
            names,
            accountId,
            clusterName: eksName,
            functionArn: failover.functionArn,
            intervalMinutes: cfg.readinessIntervalMinutes,
            emails: cfg.notify.emails,
            webhookUrl: cfg.notify.webhookUrl,
            tags,
        }, { parent: failover });
        Object.assign(outputs, {
            notifyTopicArn: readiness.notifyTopicArn,
            ...(readiness.readinessAlarmName ? { readinessAlarmName: readiness.readinessAlarmName } : {}),
            primaryHealthCheckId,
            failoverFunctionName: failover.functionName,
            failoverAlarmName: failover.alarmName,
            failoverAlarmRegion: ROUTE53_METRICS_REGION,
            failoverCooldownParameter: failover.cooldownParameter,
        });
    }
    return outputs;
}

/**
 * The hosted zone of the global hostname: created here with manageGlobalDns,
 * else given in config, else the primary's (StackReference or fallback).
 */
function zoneSource(cfg: StackConfig, peers: Peers): ZoneSource {
    if (cfg.manageGlobalDns) return { create: true, name: cfg.dnsZoneName };
    if (cfg.dnsZoneId) return { create: false, zoneId: cfg.dnsZoneId };
    if (peers.primary) return { create: false, zoneId: peers.primary.output("dnsZoneId") };
    if (cfg.primaryFallback.dnsZoneId) return { create: false, zoneId: cfg.primaryFallback.dnsZoneId };
    throw new Error(`stack "${cfg.stack}": no Route 53 zone for ${cfg.globalHostname}: set logscale-dr:dnsZoneId, logscale-dr:manageGlobalDns, or logscale-dr:primaryStack`);
}
