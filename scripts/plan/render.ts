// The human form of a plan: resources as a tree under their parents, each with
// its resource options and inputs, then the stack outputs and warnings.

import { entryLines, inline, valueLines } from "./format";
import { Plan, PlannedResource } from "./model";
import { isPlainObject } from "./secret";

/** Inputs that carry cloud tags (AWS/Azure `tags`, OCI `freeformTags`). */
const TAG_INPUTS = ["tags", "freeformTags"];

export function renderPlan(plan: Plan): string {
    const lines: string[] = [];
    lines.push(`Offline plan of stack "${plan.stack}" (project ${plan.project}): cloud ${plan.cloud}${plan.region ? `, region ${plan.region}` : ""}, dr ${plan.dr ?? "(unset: no DR)"}`);
    for (const p of plan.peers) {
        lines.push(`StackReference ${p.key.split(":").pop()} "${p.reference}": resolved by planning stack "${p.stack}" offline from its Pulumi.${p.stack}.yaml`);
    }
    lines.push("Mock engine, no cloud calls: ids, ARNs and endpoints are stand-ins derived from the inputs; secret values print as [secret].");
    const common = commonTags(plan.resources);
    if (Object.keys(common).length > 0) {
        lines.push(`Tags every tagged resource carries (not repeated below): ${Object.entries(common).map(([k, v]) => `${k}=${inline(v)}`).join(", ")}`);
    }
    lines.push("");
    lines.push("Resources:");
    for (const r of treeOrder(plan.resources)) {
        const pad = "    ".repeat(r.depth);
        lines.push(`${pad}+ ${r.resource.type}  ${r.resource.name}${optionNotes(r.resource)}`);
        lines.push(...entryLines(withoutTags(r.resource.inputs, common), `${pad}      `));
    }
    lines.push("");
    lines.push("Outputs:");
    if (Object.keys(plan.outputs).length === 0) lines.push("    (none)");
    for (const [k, v] of Object.entries(plan.outputs)) lines.push(...valueLines(`${k}:`, v, "    "));
    for (const p of plan.peers) {
        lines.push("");
        lines.push(`Outputs of stack "${p.stack}" (${p.key.split(":").pop()}), planned offline, as this stack's StackReference sees them:`);
        for (const [k, v] of Object.entries(p.outputs)) lines.push(...valueLines(`${k}:`, v, "    "));
    }
    if (plan.warnings.length > 0) {
        lines.push("");
        lines.push("Warnings:");
        for (const w of plan.warnings) lines.push(`    warning: ${w}`);
    }
    const custom = plan.resources.filter(r => r.custom).length;
    lines.push("");
    lines.push(`${plan.resources.length} resources (${custom} custom, ${plan.resources.length - custom} components)`);
    return lines.join("\n") + "\n";
}

/** Resource options worth seeing in a review, as a suffix of the resource's line. */
export function optionNotes(r: Pick<PlannedResource, "ignoreChanges" | "protect" | "replaceOnChanges" | "deleteBeforeReplace" | "retainOnDelete">): string {
    const notes: string[] = [];
    if (r.ignoreChanges.length > 0) notes.push(`ignoreChanges: ${r.ignoreChanges.join(", ")}`);
    if (r.replaceOnChanges.length > 0) notes.push(`replaceOnChanges: ${r.replaceOnChanges.join(", ")}`);
    if (r.protect) notes.push("protect");
    if (r.deleteBeforeReplace) notes.push("deleteBeforeReplace");
    if (r.retainOnDelete) notes.push("retainOnDelete");
    return notes.length ? `  [${notes.join("; ")}]` : "";
}

/** Depth-first order under parents, keeping registration order among siblings. */
export function treeOrder<T extends { urn: string; parentUrn?: string }>(resources: readonly T[]): Array<{ resource: T; depth: number }> {
    const urns = new Set(resources.map(r => r.urn));
    const children = new Map<string | undefined, T[]>();
    for (const r of resources) {
        const parent = r.parentUrn && urns.has(r.parentUrn) ? r.parentUrn : undefined;
        children.set(parent, [...(children.get(parent) ?? []), r]);
    }
    const out: Array<{ resource: T; depth: number }> = [];
    const visit = (parent: string | undefined, depth: number) => {
        for (const r of children.get(parent) ?? []) {
            out.push({ resource: r, depth });
            visit(r.urn, depth + 1);
        }
    };
    visit(undefined, 0);
    return out;
}

/** The tag entries (same key and value) on every resource that has tags, when at least two do. */
export function commonTags(resources: readonly Pick<PlannedResource, "inputs">[]): Record<string, unknown> {
    const sets = resources.flatMap(r => TAG_INPUTS.map(k => r.inputs[k]).filter(isPlainObject));
    if (sets.length < 2) return {};
    const [first, ...rest] = sets;
    return Object.fromEntries(Object.entries(first).filter(([k, v]) => typeof v === "string" && rest.every(t => t[k] === v)));
}

function withoutTags(inputs: Record<string, unknown>, common: Record<string, unknown>): Record<string, unknown> {
    if (Object.keys(common).length === 0) return inputs;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(inputs)) {
        if (TAG_INPUTS.includes(k) && isPlainObject(v)) {
            const rest = Object.fromEntries(Object.entries(v).filter(([tk, tv]) => common[tk] !== tv));
            if (Object.keys(rest).length > 0) out[k] = rest;
        } else {
            out[k] = v;
        }
    }
    return out;
}
