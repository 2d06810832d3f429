// Default mock state and invoke results: what the real provider would compute
// (ids, ARNs, endpoints), derived deterministically from the inputs so plans
// are stable and values can be traced back to their source. One file per
// cloud; the owner of each cloud keeps its file in step with its components.

import type { NewResourceArgs } from "./engine";
import { awsInvoke, awsState } from "./state-aws";
import { azureInvoke, azureState } from "./state-azure";
import { ociInvoke, ociState } from "./state-oci";

export type Config = Record<string, string>;

export function defaultState(args: NewResourceArgs, config: Config): Record<string, unknown> {
    const [pkg] = args.type.split(":");
    switch (pkg) {
        case "aws": return awsState(args, config);
        case "azure-native": return azureState(args, config);
        case "oci": return ociState(args, config);
        case "random": return randomState(args);
        default: return {};
    }
}

export function defaultInvoke(token: string, inputs: Record<string, any>, config: Config): Record<string, unknown> {
    const [pkg] = token.split(":");
    switch (pkg) {
        case "aws": return awsInvoke(token, inputs, config);
        case "azure-native": return azureInvoke(token, inputs, config);
        case "oci": return ociInvoke(token, inputs, config);
        default: return { ...inputs };
    }
}

function randomState(args: NewResourceArgs): Record<string, unknown> {
    switch (args.type) {
        case "random:index/randomPassword:RandomPassword":
        case "random:index/randomString:RandomString": {
            const length = Number(args.inputs.length ?? 32);
            const seed = `mock-${args.name}-`;
            const result = seed.repeat(Math.ceil(length / seed.length)).slice(0, length);
            return { result, bcryptHash: `$2a$10$${result}` };
        }
        case "random:index/randomId:RandomId":
            return { hex: Buffer.from(args.name).toString("hex").slice(0, Number(args.inputs.byteLength ?? 8) * 2), b64Url: args.name };
        default:
            return {};
    }
}
