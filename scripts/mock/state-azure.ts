import { createHash } from "crypto";
import type { NewResourceArgs } from "./engine";
import type { Config } from "./state";

export const MOCK_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
export const MOCK_TENANT = "11111111-1111-1111-1111-111111111111";

/** A GUID derived from a seed: identities and principals stay stable across plans. */
export function mockGuid(seed: string): string {
    const h = createHash("sha256").update(seed).digest("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A public IPv4 address derived from a seed (20.x.y.z, Azure's public range). */
function mockIp(seed: string): string {
    const h = createHash("sha256").update(seed).digest();
    return `20.${h[0]}.${h[1]}.${Math.max(1, h[2] % 255)}`;
}

/** A PEM certificate body that parses as base64; the content is a placeholder. */
export function mockCaPem(seed: string): string {
    const body = Buffer.from(`mock-aks-ca-${seed}`).toString("base64");
    return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}

// type token -> [ARM provider/type path, input holding the physical name]
const ARM: Record<string, [string, string]> = {
    "azure-native:managedidentity:UserAssignedIdentity": ["Microsoft.ManagedIdentity/userAssignedIdentities", "resourceName"],
    "azure-native:network:VirtualNetwork": ["Microsoft.Network/virtualNetworks", "virtualNetworkName"],
    "azure-native:network:PublicIPAddress": ["Microsoft.Network/publicIPAddresses", "publicIpAddressName"],
    "azure-native:containerservice:ManagedCluster": ["Microsoft.ContainerService/managedClusters", "resourceName"],
    "azure-native:storage:StorageAccount": ["Microsoft.Storage/storageAccounts", "accountName"],
    "azure-native:trafficmanager:Profile": ["Microsoft.Network/trafficManagerProfiles", "profileName"],
    "azure-native:dns:Zone": ["Microsoft.Network/dnszones", "zoneName"],
    "azure-native:operationalinsights:Workspace": ["Microsoft.OperationalInsights/workspaces", "workspaceName"],
    "azure-native:applicationinsights:Component": ["Microsoft.Insights/components", "resourceName"],
    "azure-native:web:AppServicePlan": ["Microsoft.Web/serverfarms", "name"],
    "azure-native:web:WebApp": ["Microsoft.Web/sites", "name"],
    "azure-native:monitor:ActionGroup": ["Microsoft.Insights/actionGroups", "actionGroupName"],
    "azure-native:monitor:MetricAlert": ["Microsoft.Insights/metricAlerts", "ruleName"],
};

export function azureState(args: NewResourceArgs, _config: Config): Record<string, unknown> {
    const i = args.inputs;
    const rg = String(i.resourceGroupName ?? "rg");
    const groupId = `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/${rg}`;
    const arm = ARM[args.type];
    if (arm) {
        const name = String(i[arm[1]] ?? args.name);
        const id = `${groupId}/providers/${arm[0]}/${name}`;
        const base = { name, id };
        switch (args.type) {
            case "azure-native:managedidentity:UserAssignedIdentity":
                return { ...base, clientId: mockGuid(`client-${id}`), principalId: mockGuid(`principal-${id}`), tenantId: MOCK_TENANT };
            case "azure-native:network:PublicIPAddress": {
                const label = (i.dnsSettings as { domainNameLabel?: string } | undefined)?.domainNameLabel;
                return { ...base, ipAddress: mockIp(id), dnsSettings: { ...(i.dnsSettings ?? {}), fqdn: label ? `${label}.${i.location}.cloudapp.azure.com` : undefined } };
            }
            case "azure-native:containerservice:ManagedCluster":
                return { ...base, fqdn: `${i.dnsPrefix ?? name}-mock.hcp.${i.location}.azmk8s.io`, provisioningState: "Succeeded" };
            case "azure-native:storage:StorageAccount":
                return { ...base, primaryEndpoints: { blob: `https://${name}.blob.core.windows.net/` } };
            case "azure-native:trafficmanager:Profile": {
                const relative = (i.dnsConfig as { relativeName?: string } | undefined)?.relativeName ?? name;
                return { ...base, dnsConfig: { ...(i.dnsConfig ?? {}), fqdn: `${relative}.trafficmanager.net` } };
            }
            case "azure-native:dns:Zone":
                return { ...base, nameServers: ["ns1-01.azure-dns.com.", "ns2-01.azure-dns.net.", "ns3-01.azure-dns.org.", "ns4-01.azure-dns.info."] };
            case "azure-native:applicationinsights:Component":
                return { ...base, connectionString: `InstrumentationKey=${mockGuid(id)};IngestionEndpoint=https://${i.location}-0.in.applicationinsights.azure.com/` };
            case "azure-native:web:WebApp":
                return { ...base, defaultHostName: `${name}.azurewebsites.net`, outboundIpAddresses: mockIp(`out-${id}`) };
            default:
                return base;
        }
    }
    switch (args.type) {
        case "azure-native:resources:ResourceGroup": {
            const name = String(i.resourceGroupName ?? args.name);
            return { name, id: `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/${name}` };
        }
        case "azure-native:network:Subnet": {
            const name = String(i.subnetName ?? args.name);
            return { name, id: `${groupId}/providers/Microsoft.Network/virtualNetworks/${i.virtualNetworkName}/subnets/${name}` };
        }
        case "azure-native:containerservice:AgentPool": {
            const name = String(i.agentPoolName ?? args.name);
            return { name, id: `${groupId}/providers/Microsoft.ContainerService/managedClusters/${i.resourceName}/agentPools/${name}` };
        }
        case "azure-native:storage:BlobContainer": {
            const name = String(i.containerName ?? args.name);
            return { name, id: `${groupId}/providers/Microsoft.Storage/storageAccounts/${i.accountName}/blobServices/default/containers/${name}` };
        }
        case "azure-native:storage:Queue": {
            const name = String(i.queueName ?? args.name);
            return { name, id: `${groupId}/providers/Microsoft.Storage/storageAccounts/${i.accountName}/queueServices/default/queues/${name}` };
        }
        case "azure-native:storage:Blob": {
            const name = String(i.blobName ?? args.name);
            const url = `https://${i.accountName}.blob.core.windows.net/${i.containerName}/${name}`;
            return { name, id: url, url };
        }
        case "azure-native:trafficmanager:Endpoint": {
            const name = String(i.endpointName ?? args.name);
            return {
                name,
                id: `${groupId}/providers/Microsoft.Network/trafficManagerProfiles/${i.profileName}/externalEndpoints/${name}`,
                endpointMonitorStatus: "CheckingEndpoint",
            };
        }
        case "azure-native:dns:RecordSet": {
            const name = String(i.relativeRecordSetName ?? args.name);
            return { name, id: `${groupId}/providers/Microsoft.Network/dnszones/${i.zoneName}/${i.recordType}/${name}`, fqdn: `${name}.${i.zoneName}.` };
        }
        case "azure-native:authorization:RoleAssignment": {
            const name = mockGuid(`assignment-${args.name}`);
            return { name, id: `${String(i.scope ?? "")}/providers/Microsoft.Authorization/roleAssignments/${name}` };
        }
        case "azure-native:authorization:RoleDefinition": {
            const name = mockGuid(`role-${args.name}`);
            return { name, id: `/subscriptions/${MOCK_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${name}` };
        }
        default: {
            const name = String(i.name ?? args.name);
            const [, mod, kind] = args.type.match(/^azure-native:([^:]+):(.+)$/) ?? [];
            return { name, id: `${groupId}/providers/Microsoft.${mod}/${kind}/${name}` };
        }
    }
}

export function azureInvoke(token: string, inputs: Record<string, any>, _config: Config): Record<string, unknown> {
    switch (token) {
        case "azure-native:authorization:getClientConfig":
            return { clientId: "22222222-2222-2222-2222-222222222222", objectId: "33333333-3333-3333-3333-333333333333", subscriptionId: MOCK_SUBSCRIPTION, tenantId: MOCK_TENANT };
        case "azure-native:containerservice:listManagedClusterUserCredentials": {
            const cluster = String(inputs.resourceName);
            const kubeconfig = [
                "apiVersion: v1",
                "kind: Config",
                "clusters:",
                "- cluster:",
                `    certificate-authority-data: ${Buffer.from(mockCaPem(cluster)).toString("base64")}`,
                `    server: https://${cluster}-mock.hcp.azmk8s.io:443`,
                `  name: ${cluster}`,
                "users:",
                `- name: clusterUser_${inputs.resourceGroupName}_${cluster}`,
                "  user: {}",
            ].join("\n");
            return { kubeconfigs: [{ name: "clusterUser", value: Buffer.from(kubeconfig).toString("base64") }] };
        }
        case "azure-native:storage:listStorageAccountKeys":
            return {
                keys: ["key1", "key2"].map(keyName => ({
                    keyName,
                    permissions: "FULL",
                    creationTime: "2024-01-01T00:00:00Z",
                    value: Buffer.from(`mock-${keyName}-${inputs.accountName}`).toString("base64"),
                })),
            };
        default:
            return { ...inputs };
    }
}
