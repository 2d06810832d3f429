// The human form of a diff, modelled on `pulumi preview --diff`: changed
// resources under their (unchanged) parents, `+` create, `-` delete, `~`
// update with each changed path and `old => new`; then outputs and a summary.

import { DiffPlan, DiffResource, identity, PlanDiff, PropertyChange, ResourceChange } from "./diff";
import { entryLines, inline } from "./format";
import { treeOrder } from "./render";

const SYMBOL = { create: "+", delete: "-", update: "~" } as const;

export function renderDiff(diff: PlanDiff, before: DiffPlan, after: DiffPlan, header: readonly string[], warnings: readonly string[] = []): string {
    const lines: string[] = [...header];
    // With no resource change the summary line at the end is the only "Resources:" line.
    if (diff.changes.length > 0) {
        lines.push("", "Resources:");
        lines.push(...changeTree(diff.changes, before, after));
    }
    if (diff.outputs.length > 0) {
        lines.push("", "Outputs:");
        for (const o of diff.outputs) {
            if (o.op === "update") lines.push(`    ~ ${o.name}: ${inline(o.old)} => ${inline(o.new)}`);
            else lines.push(`    ${SYMBOL[o.op]} ${o.name}: ${inline(o.op === "create" ? o.new : o.old)}`);
        }
    }
    if (warnings.length > 0) {
        lines.push("", "Warnings:");
        for (const w of warnings) lines.push(`    warning: ${w}`);
    }
    const count = (op: ResourceChange["op"]) => diff.changes.filter(c => c.op === op).length;
    const replaced = diff.changes.filter(c => c.replace).length;
    lines.push("", diff.changes.length === 0
        ? `Resources: no changes, ${diff.unchanged} unchanged`
        : `Resources: ${count("create")} to create, ${count("delete")} to delete, ${count("update")} to update`
            + `${replaced ? ` (${replaced} replaced)` : ""}, ${diff.unchanged} unchanged`);
    return lines.join("\n") + "\n";
}

interface Node {
    urn: string;
    parentUrn?: string;
    resource: DiffResource;
    change?: ResourceChange;
}

/** Changed resources, each under its chain of parents so the reader sees where it sits. */
function changeTree(changes: readonly ResourceChange[], before: DiffPlan, after: DiffPlan): string[] {
    const all = new Map<string, Node>();
    for (const r of [...after.resources, ...before.resources]) {
        const urn = identity(r);
        if (!all.has(urn)) all.set(urn, { urn, parentUrn: r.parentUrn, resource: r });
    }
    const shown = new Set<string>();
    for (const c of changes) {
        all.set(c.urn, { urn: c.urn, parentUrn: c.parentUrn, resource: c.resource, change: c });
        for (let u: string | undefined = c.urn; u && !shown.has(u); u = all.get(u)?.parentUrn) shown.add(u);
    }
    const nodes = [...all.values()].filter(n => shown.has(n.urn));
    const lines: string[] = [];
    for (const { resource: n, depth } of treeOrder(nodes)) {
        const pad = "    ".repeat(depth + 1);
        const c = n.change;
        if (!c) {
            lines.push(`${pad}  ${n.resource.type}  ${n.resource.name}`);
            continue;
        }
        lines.push(`${pad}${SYMBOL[c.op]} ${c.type}  ${c.name}  ${c.replace ? "replace" : c.op}`);
        if (c.op === "create") lines.push(...entryLines(asObject(c.resource.inputs), `${pad}      `));
        for (const d of c.details) lines.push(...detailLines(d, `${pad}      `));
    }
    return lines;
}

function detailLines(d: PropertyChange, pad: string): string[] {
    if (!d.json) return [`${pad}${detailLine(d)}`];
    return [`${pad}~ ${d.path} (JSON):`, ...d.json.flatMap(x => detailLines(x, `${pad}    `))];
}

function detailLine(d: PropertyChange): string {
    if (d.note === "order") return `~ ${d.path}: order ${inline(d.old)} => ${inline(d.new)}`;
    if (d.op === "update") return `~ ${d.path}: ${inline(d.old)} => ${inline(d.new)}`;
    return `${SYMBOL[d.op]} ${d.path}: ${inline(d.op === "create" ? d.new : d.old)}`;
}

function asObject(v: unknown): Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v };
}
