import { azureHoldoffCadence } from "../../functions/azure/health";
import * as authorization from "@pulumi/azure-native/authorization";
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { StackConfig } from "../../config/load";
import { ConfigError } from "../../config/errors";
import { fallbackPeer, PeerOutputError, PeerStack, stackPeer } from "../dr/peer";
import { warnSameChangePromotion } from "../dr/promotion";
import { recoveryFollowUpSettings, stackFailoverSettings } from "../dr/failover-settings";
import { REVERSE_RECOVERY_OUTPUT, reverseRecoveryEnvVars } from "../dr/reverse";
import { pairRole, PairRole } from "../dr/role";
import { clusterLayout, commonClusterArgs, LogScaleCluster } from "../logscale";
import type { EnvSet } from "../logscale/types";
import type { Peers, StackOutputs } from "../stack";
import { AksCluster } from "./aks";
import { azureRecoveryEnv, azureStorageEnv } from "./env";
import { AzureFailoverFunction } from "./failover";
import { StandbyReadiness } from "./readiness";
import { AKS_STORAGE_CLASS, aksIngressExposure } from "./ingress";
import { peerRecoverySource } from "./recovery";
import {
    addressPlan, aksClusterName, cloudappFqdn, endpointName, publicIpDnsLabel, resourceGroupName, storageAccountName, trafficManagerProfileName,
} from "./names";
import { AzureNetwork } from "./network";
import { LOGSCALE_CONTAINER, LogScaleStorage } from "./storage";
import { TrafficSteering, TrafficSteeringArgs } from "./trafficmanager";
import { dnsZoneFromId, parseDnsZoneId, validateAzureConfig } from "./validate";

/**
 * One Azure region of the pair: resource group, network, AKS, Blob storage,
 * the LogScale layer, Traffic Manager steering and, on a standby, the
 * failover function. Returns the stack outputs (PEER_OUTPUTS.azure plus the
 * names the runbook's commands need).
 */
export async function deployAzure(cfg: StackConfig, peers: Peers): Promise<StackOutputs> {
    validateAzureConfig(cfg);
    const role = pairRole(cfg);
    if (cfg.manageGlobalDns && role === "secondary") {
        throw new ConfigError("logscale-dr:manageGlobalDns", cfg.stack, true,
            "on Azure the primary stack owns the Traffic Manager profile and the global DNS zone; set it on the primary, not on a stack paired with primaryStack");
    }
    const c = cfg.clusterName;
    const location = cfg.region;
    const primary = role === "secondary" ? primaryPeerOf(cfg, peers) : undefined;

    const client = authorization.getClientConfigOutput();
    const suffix = new random.RandomId(`${c}-name-suffix`, { byteLength: 4 }).hex;
    const group = new resources.ResourceGroup(`${c}-rg`, { resourceGroupName: resourceGroupName(c, location), location });
    const rg = group.name;
    const plan = addressPlan(role);

    const publicIpName = `${c}-ingress`;
    const net = new AzureNetwork(`${c}-network`, {
        clusterName: c,
        location,
        resourceGroupName: rg,
        plan,
        publicIpName,
        publicIpDnsLabel: suffix.apply(s => publicIpDnsLabel(c, s)),
    });

    const layout = clusterLayout("azure", cfg.clusterSize, cfg.clusterType, cfg.dr);
    const aks = new AksCluster(`${c}-aks`, {
        clusterName: aksClusterName(c, location),
        location,
        resourceGroupName: rg,
        kubernetesVersion: cfg.kubernetesVersion,
        layout,
        nodeSubnetId: net.nodeSubnetId,
        addressPlan: plan,
        ingressPublicIpId: net.publicIpId,
        adminGroupObjectIds: cfg.azure.aksAdminGroupObjectIds,
        tenantId: client.tenantId,
        subscriptionId: client.subscriptionId,
        deployerObjectId: client.objectId,
    });

    const store = new LogScaleStorage(`${c}-storage`, {
        location,
        resourceGroupName: rg,
        accountName: suffix.apply(s => storageAccountName(c, "data", s)),
        containerName: LOGSCALE_CONTAINER,
    });

    const primaryLocation = primary ? checkedPeerLocation(primary, cfg) : undefined;
    // Failback: the set that points this primary at its secondary's container,
    // exported whenever the pair names the secondary and used on recoverFrom: secondary.
    const reverseEnv = peers.secondary
        ? azureRecoveryEnv(await peerRecoverySource(peers.secondary, checkedPeerLocation(peers.secondary, cfg)), location)
        : undefined;
    let recoveryEnv: EnvSet | undefined;
    if (cfg.dr === "standby" && primary && primaryLocation) {
        recoveryEnv = azureRecoveryEnv(await peerRecoverySource(primary, primaryLocation), location);
    } else if (cfg.recoverFrom === "secondary" && reverseEnv) {
        recoveryEnv = reverseEnv;
    }

    const logscale = new LogScaleCluster(c, {
        ...commonClusterArgs(cfg),
        layout,
        storageEnv: azureStorageEnv(store, cfg.storageObjectKeyPrefix),
        recoveryEnv,
        storageClassName: AKS_STORAGE_CLASS,
        ingress: aksIngressExposure(publicIpName, resourceGroupName(c, location)),
        provider: aks.provider,
    });

    const steering = new TrafficSteering(`${c}-traffic`, {
        role,
        clusterName: c,
        resourceGroupName: rg,
        globalHostname: cfg.globalHostname,
        hostname: cfg.hostname,
        dnsTtlSeconds: cfg.dnsTtlSeconds,
        healthCheckIntervalSeconds: cfg.failover.healthCheckIntervalSeconds,
        healthCheckFailureThreshold: cfg.failover.healthCheckFailureThreshold,
        target: net.publicIpAddress,
        profile: primary
            ? { existing: primaryProfileOf(primary, client.subscriptionId) }
            : { create: { profileName: trafficManagerProfileName(c) } },
        zone: dnsZoneOf(cfg, role, rg, primary),
    });

    const outputs: StackOutputs = {
        cloud: "azure",
        region: location,
        pairRole: role,
        storageBucket: store.container,
        storageAccountName: store.accountName,
        storageAccountKey: store.accountKey,
        storageEndpointBase: store.endpointBase,
        storageEncryptionKey: store.encryptionKey,
        trafficManagerProfileName: steering.profileName,
        trafficManagerResourceGroup: steering.profileResourceGroup,
        trafficManagerProfileId: steering.profileId,
        trafficManagerFqdn: steering.profileFqdn,
        trafficManagerEndpointName: steering.endpointName,
        trafficManagerPrimaryEndpointName: endpointName("primary"),
        trafficManagerSecondaryEndpointName: endpointName("secondary"),
        loadBalancerAddress: net.publicIpAddress,
        clusterFqdn: pulumi.all([suffix]).apply(([s]) => cloudappFqdn(publicIpDnsLabel(c, s), location)),
        hostname: cfg.hostname,
        globalHostname: cfg.globalHostname,
        resourceGroupName: rg,
        aksClusterName: aks.clusterName,
        // The HumioCluster's name: the gameday observer and the failback find its admin token Secret by it, as on AWS and OCI.
        logscaleClusterName: c,
        kubeconfig: aks.kubeconfig,
        logscaleAdminPassword: logscale.adminPassword,
    };
    if (cfg.storageObjectKeyPrefix) outputs.storageObjectKeyPrefix = cfg.storageObjectKeyPrefix;
    if (steering.dnsZoneId) outputs.dnsZoneId = steering.dnsZoneId;
    else if (cfg.dnsZoneId) outputs.dnsZoneId = cfg.dnsZoneId;
    if (steering.dnsNameServers) outputs.dnsNameServers = steering.dnsNameServers;
    if (primaryLocation) outputs.primaryRegion = primaryLocation;
    if (reverseEnv) outputs[REVERSE_RECOVERY_OUTPUT] = reverseRecoveryEnvVars(reverseEnv);
    warnSameChangePromotion(cfg, role, layout);

    if (cfg.dr === "standby" && primary) {
        const failover = new AzureFailoverFunction(`${c}-failover`, {
            clusterName: c,
            location,
            resourceGroupName: rg,
            subscriptionId: client.subscriptionId,
            suffix,
            profileId: steering.profileId,
            primaryEndpointName: endpointName("primary"),
            aksClusterId: aks.clusterId,
            aksEndpoint: aks.endpoint,
            secondaryAddress: net.publicIpAddress,
            settings: stackFailoverSettings(cfg),
            ...azureHoldoffCadence(cfg.failover.healthCheckIntervalSeconds, cfg.failover.healthCheckFailureThreshold),
            readinessIntervalMinutes: cfg.readinessIntervalMinutes,
            notifyWebhookUrl: cfg.notify.webhookUrl,
            ...recoveryFollowUpSettings(cfg),
        }, { dependsOn: [logscale, steering] });
        // A child of the function: it serves only the function, and promotion removes both together.
        const readiness = new StandbyReadiness(`${c}-readiness`, {
            clusterName: c,
            resourceGroupName: rg,
            insightsId: failover.insightsId,
            location,
            intervalMinutes: cfg.readinessIntervalMinutes,
            emails: cfg.notify.emails,
            webhookUrl: cfg.notify.webhookUrl,
        }, { parent: failover });
        outputs.notifyActionGroupName = readiness.peopleActionGroupName;
        if (readiness.readinessAlertName) outputs.readinessAlertName = readiness.readinessAlertName;
        if (readiness.absenceAlertName) outputs.readinessAbsenceAlertName = readiness.absenceAlertName;
        outputs.failoverFunctionAppName = failover.functionAppName;
        outputs.failoverAlertName = failover.alertName;
        outputs.failoverAlertResourceGroup = rg;
        outputs.failoverActionGroupName = failover.actionGroupName;
    }
    return outputs;
}

/**
 * The primary as a peer. A standby has it from resolvePeers; a promoted
 * secondary still needs the profile from it, and reads it through the same
 * StackReference (same logical name, so promotion changes nothing).
 */
function primaryPeerOf(cfg: StackConfig, peers: Peers): PeerStack {
    if (peers.primary) return peers.primary;
    return cfg.primaryStack ? stackPeer(cfg.primaryStack, "azure") : fallbackPeer(cfg.primaryFallback);
}

/** The peer's location, refused when it is this stack's own. */
function checkedPeerLocation(peer: PeerStack, cfg: StackConfig): pulumi.Output<string> {
    return peer.output("region").apply(location => {
        if (location.toLowerCase() === cfg.region.toLowerCase()) {
            throw new PeerOutputError(peer.name, "region",
                `it is ${location}, the same Azure location as stack "${cfg.stack}" (azure-native:location ${cfg.region}); a DR pair needs two different locations`);
        }
        return location;
    });
}

function primaryProfileOf(primary: PeerStack, subscriptionId: pulumi.Output<string>) {
    const profileName = primary.output("trafficManagerProfileName");
    const profileGroup = primary.output("trafficManagerResourceGroup");
    const profileId = pulumi.all([primary.optionalOutput("trafficManagerProfileId"), subscriptionId, profileGroup, profileName])
        .apply(([id, sub, rgName, name]) => id ?? `/subscriptions/${sub}/resourceGroups/${rgName}/providers/Microsoft.Network/trafficManagerProfiles/${name}`);
    return { profileName, resourceGroupName: profileGroup, profileId };
}

/**
 * Where the A/CNAME records go. The primary creates the zone (manageGlobalDns)
 * or uses dnsZoneId; a secondary uses dnsZoneId or the primary's zone.
 */
function dnsZoneOf(cfg: StackConfig, role: PairRole, rg: pulumi.Output<string>, primary?: PeerStack): TrafficSteeringArgs["zone"] {
    if (cfg.manageGlobalDns) {
        return { zoneName: cfg.dnsZoneName, resourceGroupName: rg, create: true };
    }
    if (cfg.dnsZoneId) {
        const zone = dnsZoneFromId(cfg.dnsZoneId, cfg.dnsZoneName, "logscale-dr:dnsZoneId", cfg.stack);
        return { zoneName: zone.zoneName, resourceGroupName: zone.resourceGroupName, create: false };
    }
    if (role === "secondary" && primary) {
        const zoneGroup = primary.output("dnsZoneId").apply(id => {
            const zone = parseDnsZoneId(id);
            if (!zone || zone.zoneName !== cfg.dnsZoneName.toLowerCase()) {
                throw new PeerOutputError(primary.name, "dnsZoneId", `${JSON.stringify(id)} is not the Azure DNS zone ${cfg.dnsZoneName} (dnsZoneName of stack "${cfg.stack}")`);
            }
            return zone.resourceGroupName;
        });
        return { zoneName: cfg.dnsZoneName.toLowerCase(), resourceGroupName: zoneGroup, create: false };
    }
    return undefined;
}
