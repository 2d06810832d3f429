import type { NewResourceArgs } from "./engine";
import type { Config } from "./state";

export const MOCK_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
export const MOCK_TENANT = "11111111-1111-1111-1111-111111111111";

export function azureState(args: NewResourceArgs, _config: Config): Record<string, unknown> {
    const [, mod, kind] = args.type.match(/^azure-native:([^:]+):(.+)$/) ?? [];
    const rg = String(args.inputs.resourceGroupName ?? "rg");
    const name = String(args.inputs.name ?? args.name);
    return {
        name,
        id: `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/${rg}/providers/Microsoft.${mod}/${kind}/${name}`,
    };
}

export function azureInvoke(token: string, inputs: Record<string, any>, _config: Config): Record<string, unknown> {
    switch (token) {
        case "azure-native:authorization:getClientConfig":
            return { clientId: "22222222-2222-2222-2222-222222222222", objectId: "33333333-3333-3333-3333-333333333333", subscriptionId: MOCK_SUBSCRIPTION, tenantId: MOCK_TENANT };
        default:
            return { ...inputs };
    }
}
