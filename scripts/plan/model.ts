// What one offline plan holds, and its JSON form (the contract of
// `npm run plan -- --json`).

export interface PlannedResource {
    urn: string;
    type: string;
    name: string;
    /** Parent's logical name; null for stack-level resources. */
    parent: string | null;
    parentUrn?: string;
    custom: boolean;
    /** Inputs; secret leaves are `Secret`s (they print as "[secret]"). */
    inputs: Record<string, unknown>;
    ignoreChanges: string[];
    /** URNs of every resource this one waits for (explicit dependsOn and the resources its inputs come from). */
    dependsOn: string[];
    protect: boolean;
    replaceOnChanges: string[];
    deleteBeforeReplace: boolean;
    retainOnDelete: boolean;
}

export interface PeerInfo {
    /** Config key that names the peer (logscale-dr:primaryStack). */
    key: string;
    /** Stack name as configured. */
    reference: string;
    /** Local stack planned for it. */
    stack: string;
    /** Its planned outputs (what the StackReference returned); secret leaves are `Secret`s. */
    outputs: Record<string, unknown>;
}

export interface Plan {
    project: string;
    stack: string;
    cloud: string;
    region?: string;
    dr?: string;
    /** The full config the program saw (secret values as Secret). */
    config: Record<string, unknown>;
    resources: PlannedResource[];
    outputs: Record<string, unknown>;
    /** Warnings the program logged, and secrets found in plain values. */
    warnings: string[];
    peers: PeerInfo[];
}

export interface PlanJson {
    stack: string;
    cloud: string;
    region?: string;
    dr?: string | null;
    resources: Array<{
        type: string;
        name: string;
        parent: string | null;
        inputs: Record<string, unknown>;
        ignoreChanges: string[];
        urn: string;
        dependsOn: string[];
        protect: boolean;
        replaceOnChanges: string[];
    }>;
    outputs: Record<string, unknown>;
    warnings: string[];
    /** Stacks planned offline to serve this stack's StackReferences, with the outputs they returned. */
    peers: Array<{ key: string; stack: string; outputs: Record<string, unknown> }>;
}

/** The JSON object `--json` prints. Secret leaves serialise as "[secret]" through Secret.toJSON. */
export function planToJson(plan: Plan): PlanJson {
    const nameOf = new Map(plan.resources.map(r => [r.urn, r.name]));
    return {
        stack: plan.stack,
        cloud: plan.cloud,
        region: plan.region,
        dr: plan.dr ?? null,
        resources: plan.resources.map(r => ({
            type: r.type,
            name: r.name,
            parent: r.parent,
            inputs: r.inputs,
            ignoreChanges: r.ignoreChanges,
            urn: r.urn,
            dependsOn: r.dependsOn.map(u => nameOf.get(u) ?? u),
            protect: r.protect,
            replaceOnChanges: r.replaceOnChanges,
        })),
        outputs: plan.outputs,
        warnings: plan.warnings,
        peers: plan.peers.map(p => ({ key: p.key, stack: p.stack, outputs: p.outputs })),
    };
}
