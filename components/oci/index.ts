import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../config/errors";
import type { StackConfig } from "../../config/load";
import { pairRole, PairRole } from "../dr/role";
import { fallbackPeer, PeerStack, stackPeer } from "../dr/peer";
import { warnSameChangePromotion } from "../dr/promotion";
import { recoveryFollowUpSettings, stackFailoverSettings } from "../dr/failover-settings";
import { REVERSE_RECOVERY_OUTPUT, reverseRecoveryEnvVars } from "../dr/reverse";
import { clusterLayout, commonClusterArgs, LogScaleCluster } from "../logscale";
import type { EnvSet, IngressExposure } from "../logscale/types";
import type { Peers, StackOutputs } from "../stack";
import { GlobalSteering, RegionalDns, RegionalDnsArgs } from "./dns";
import { ociRecoveryEnv, OciRecoverySource, ociStorageEnv } from "./env";
import { OciFailover } from "./failover";
import { ociNames } from "./names";
import { OciNetwork } from "./network";
import { OkeCluster } from "./oke";
import { homeRegionProvider } from "./provider";
import { PRIMARY_POOL } from "./steering";
import { OciStorage } from "./storage";

/** OKE's block volume CSI class: LogScale's UI/ingest disks and Kafka's JBOD. */
export const STORAGE_CLASS = "oci-bv";

/**
 * The Envoy Gateway proxy behind an OCI flexible load balancer on the reserved public
 * IP, TCP pass-through so TLS ends at the Gateway (cert-manager's
 * certificates). The cloud controller is told to leave security lists
 * alone: the network component opens exactly the node ports it needs, and
 * two writers of the same list would fight on every `pulumi up`.
 */
export function ociIngressExposure(reservedIp: pulumi.Input<string>): IngressExposure {
    return {
        type: "LoadBalancer",
        loadBalancerIP: reservedIp,
        annotations: {
            "oci.oraclecloud.com/load-balancer-type": "lb",
            "service.beta.kubernetes.io/oci-load-balancer-shape": "flexible",
            "service.beta.kubernetes.io/oci-load-balancer-shape-flex-min": "10",
            "service.beta.kubernetes.io/oci-load-balancer-shape-flex-max": "100",
            "service.beta.kubernetes.io/oci-load-balancer-backend-protocol": "TCP",
            "oci.oraclecloud.com/security-rule-management-mode": "None",
        },
    };
}

/** The secondary's view of its primary, also after promotion (when `dr` no longer makes the caller resolve it). */
function primaryPeer(cfg: StackConfig, peers: Peers, role: PairRole): PeerStack | undefined {
    if (role !== "secondary") return undefined;
    if (peers.primary) return peers.primary;
    return cfg.primaryStack ? stackPeer(cfg.primaryStack, "oci") : fallbackPeer(cfg.primaryFallback);
}

/**
 * A recovery source's outputs. Refuses a peer of another cloud, or one in
 * this stack's own region (the pair would share bucket, user and policy
 * names, and a region outage would take both), before LogScale sees a value.
 */
async function recoverySource(peer: PeerStack, ownRegion: string, ownStack: string): Promise<OciRecoverySource> {
    const cloud = peer.output("cloud");
    const region = peer.output("region");
    const checked = (v: pulumi.Output<string>) => pulumi.all([cloud, region, v]).apply(([c, r, x]) => {
        if (c !== "oci") throw new Error(`stack "${peer.name}" is a ${c} stack; an OCI stack recovers only from an OCI stack's Object Storage`);
        // A ConfigError, so the plan and `pulumi up` report it as one config line (exit 2).
        if (r === ownRegion) {
            throw new ConfigError("oci:region", ownStack, r,
                `stack "${peer.name}" is in ${r} too; a DR pair needs two different OCI regions (set oci:region of one of them to another region)`);
        }
        return x;
    });
    return {
        bucket: checked(peer.output("storageBucket")),
        region,
        endpointBase: peer.output("storageEndpointBase"),
        accessKeyId: peer.output("storageAccessKeyId"),
        secretAccessKey: peer.output("storageSecretAccessKey"),
        encryptionKey: peer.output("storageEncryptionKey"),
        objectKeyPrefix: await peer.optionalValue("storageObjectKeyPrefix"),
    };
}

function zoneOf(cfg: StackConfig, primary: PeerStack | undefined): RegionalDnsArgs["zone"] {
    if (cfg.manageGlobalDns) return { create: true, name: cfg.dnsZoneName };
    if (cfg.dnsZoneId) return { create: false, id: cfg.dnsZoneId };
    if (primary) return { create: false, id: primary.output("dnsZoneId") };
    throw new Error(`stack "${cfg.stack}": no OCI DNS zone for ${cfg.globalHostname}: set logscale-dr:dnsZoneId (the zone OCID), logscale-dr:manageGlobalDns, or logscale-dr:primaryStack`);
}

/**
 * One OCI region of the pair: VCN, OKE and its node pools, the Object
 * Storage bucket with its S3 key, the reserved ingress IP and DNS, the
 * LogScale layer, and by pair role and DR mode the steering policy
 * (secondary) and the failover function (standby).
 */
export async function deployOci(cfg: StackConfig, peers: Peers): Promise<StackOutputs> {
    const { compartmentId, tenancyId, objectStorageNamespace } = cfg.oci;
    if (!compartmentId || !tenancyId || !objectStorageNamespace) {
        throw new Error(`stack "${cfg.stack}": cloud oci needs logscale-dr:ociCompartmentId, logscale-dr:ociTenancyId and logscale-dr:ociObjectStorageNamespace`);
    }
    const role = pairRole(cfg);
    const names = ociNames(cfg.clusterName, cfg.region);
    const home = homeRegionProvider(cfg);
    const layout = clusterLayout("oci", cfg.clusterSize, cfg.clusterType, cfg.dr);
    const primary = primaryPeer(cfg, peers, role);

    const network = new OciNetwork(`${cfg.clusterName}-network`, { compartmentId, displayPrefix: names.base, dnsLabel: names.vcnDnsLabel });
    const oke = new OkeCluster(`${cfg.clusterName}-oke`, {
        compartmentId,
        tenancyId,
        displayName: names.cluster,
        clusterName: cfg.clusterName,
        kubernetesVersion: cfg.kubernetesVersion,
        layout,
        vcnId: network.vcnId,
        apiSubnetId: network.apiSubnetId,
        lbSubnetId: network.lbSubnetId,
        workerSubnetId: network.workerSubnetId,
    });
    const storage = new OciStorage(`${cfg.clusterName}-storage`, {
        compartmentId,
        tenancyId,
        namespace: objectStorageNamespace,
        region: cfg.region,
        bucketName: names.bucket,
        userName: names.storageUser,
        groupName: names.storageGroup,
        policyName: names.storagePolicy,
        homeProvider: home,
    });
    // Reserved, so the address in DNS and in the peer's steering policy outlives the load balancer.
    const ingressIp = new oci.core.PublicIp(`${cfg.clusterName}-ingress-ip`, {
        compartmentId,
        lifetime: "RESERVED",
        displayName: names.loadBalancerIp,
    });

    const ownTarget = { bucket: storage.bucket, region: cfg.region };
    // Failback: the set that points this primary at its secondary's bucket,
    // exported whenever the pair names the secondary and used on recoverFrom: secondary.
    const reverseEnv = peers.secondary
        ? ociRecoveryEnv(await recoverySource(peers.secondary, cfg.region, cfg.stack), ownTarget)
        : undefined;
    let recoveryEnv: EnvSet | undefined;
    if (cfg.dr === "standby") {
        recoveryEnv = ociRecoveryEnv(await recoverySource(primary!, cfg.region, cfg.stack), ownTarget);
    } else if (cfg.recoverFrom === "secondary" && reverseEnv) {
        recoveryEnv = reverseEnv;
    }

    const logscale = new LogScaleCluster(cfg.clusterName, {
        ...commonClusterArgs(cfg),
        layout,
        storageEnv: ociStorageEnv({
            bucket: storage.bucket,
            region: cfg.region,
            endpointBase: storage.endpointBase,
            accessKeyId: storage.accessKeyId,
            secretAccessKey: storage.secretAccessKey,
            encryptionKey: storage.encryptionKey,
            objectKeyPrefix: cfg.storageObjectKeyPrefix,
        }),
        recoveryEnv,
        storageClassName: STORAGE_CLASS,
        ingress: ociIngressExposure(ingressIp.ipAddress),
        provider: oke.provider,
    });

    const dns = new RegionalDns(`${cfg.clusterName}-dns`, {
        compartmentId,
        zone: zoneOf(cfg, primary),
        hostname: cfg.hostname,
        address: ingressIp.ipAddress,
        ttl: cfg.dnsTtlSeconds,
        // Without a pair there is no steering policy; the global name is a plain record.
        standaloneGlobalHostname: role === "primary" && cfg.dr === undefined ? cfg.globalHostname : undefined,
    });

    const outputs: StackOutputs = {
        cloud: "oci",
        region: cfg.region,
        pairRole: role,
        dr: cfg.dr ?? "none",
        storageBucket: storage.bucket,
        storageEndpointBase: storage.endpointBase,
        storageAccessKeyId: storage.accessKeyId,
        storageSecretAccessKey: storage.secretAccessKey,
        storageEncryptionKey: storage.encryptionKey,
        dnsZoneId: dns.zoneId,
        loadBalancerAddress: ingressIp.ipAddress,
        hostname: cfg.hostname,
        globalHostname: cfg.globalHostname,
        okeClusterId: oke.clusterId,
        kubeconfig: oke.kubeconfig,
        logscaleClusterName: cfg.clusterName,
        logscaleAdminPassword: logscale.adminPassword,
    };
    if (cfg.storageObjectKeyPrefix !== undefined) outputs.storageObjectKeyPrefix = cfg.storageObjectKeyPrefix;
    if (reverseEnv) outputs[REVERSE_RECOVERY_OUTPUT] = reverseRecoveryEnvVars(reverseEnv);
    warnSameChangePromotion(cfg, role, layout);

    if (role === "secondary") {
        const steering = new GlobalSteering(`${cfg.clusterName}-global`, {
            compartmentId,
            zoneId: dns.zoneId,
            globalHostname: cfg.globalHostname,
            displayName: names.steeringPolicy,
            monitorPrefix: names.base,
            primaryAddress: primary!.output("loadBalancerAddress"),
            secondaryAddress: ingressIp.ipAddress,
            ttl: cfg.dnsTtlSeconds,
            intervalSeconds: cfg.failover.healthCheckIntervalSeconds,
        });
        outputs.steeringPolicyId = steering.policyId;
        outputs.healthMonitorId = steering.primaryMonitorId;

        if (cfg.dr === "standby") {
            const failover = new OciFailover(`${cfg.clusterName}-failover`, {
                compartmentId,
                tenancyId,
                region: cfg.region,
                objectStorageNamespace,
                clusterName: cfg.clusterName,
                homeProvider: home,
                k8sProvider: oke.provider,
                logscale,
                clusterId: oke.clusterId,
                kubernetesServer: oke.privateServer,
                kubernetesCaPem: oke.caPem,
                workerSubnetId: network.workerSubnetId,
                steeringPolicyId: steering.policyId,
                primaryPool: PRIMARY_POOL,
                primaryMonitorId: steering.primaryMonitorId,
                primaryResultsUrl: steering.primaryResultsUrl,
                secondaryResultsUrl: steering.secondaryResultsUrl,
                settings: stackFailoverSettings(cfg),
                readinessIntervalMinutes: cfg.readinessIntervalMinutes,
                notifyEmails: cfg.notify.emails,
                notifyWebhookUrl: cfg.notify.webhookUrl,
                ...recoveryFollowUpSettings(cfg),
            });
            outputs.failoverFunctionId = failover.functionId;
            outputs.notifyTopicId = failover.notifyTopicId;
            if (failover.readinessScheduleId) outputs.readinessScheduleId = failover.readinessScheduleId;
            outputs.failoverAlarmId = failover.alarmId;
            outputs.failoverImage = failover.imageRef;
            outputs.failoverHandlerBytes = failover.handlerBytes;
            outputs.failoverImageContextBytes = failover.contextBytes;
        }
    }
    return outputs;
}
