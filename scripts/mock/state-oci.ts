import type { NewResourceArgs } from "./engine";
import type { Config } from "./state";

export function ociState(args: NewResourceArgs, config: Config): Record<string, unknown> {
    const region = String(config["oci:region"] ?? "us-ashburn-1");
    const [, mod, kind] = args.type.match(/^oci:([^/]+)\/([^:]+):/) ?? [];
    return { id: `ocid1.${(kind ?? "resource").toLowerCase()}.oc1.${region}.mock${args.name.replace(/[^a-z0-9]/gi, "").toLowerCase()}`, module: mod };
}

export function ociInvoke(token: string, inputs: Record<string, any>, config: Config): Record<string, unknown> {
    switch (token) {
        case "oci:ObjectStorage/getNamespace:getNamespace":
            return { namespace: config["logscale-dr:ociObjectStorageNamespace"] ?? "mocknamespace", id: "ns" };
        default:
            return { ...inputs };
    }
}
