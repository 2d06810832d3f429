// Compares two plans of one stack the way `pulumi preview --diff` compares the
// program with the state: resources by URN (created, deleted, updated), and
// for an update the property paths that change, after resetting the paths the
// resource ignores (ignoreChanges). Pure functions: no engine, no I/O.

import { isPlainObject, isSecret, Secret } from "./secret";

export type Op = "create" | "delete" | "update";

export interface DiffResource {
    urn?: string;
    type: string;
    name: string;
    /** Parent's logical name, null for stack-level resources. */
    parent: string | null;
    parentUrn?: string;
    inputs: unknown;
    ignoreChanges?: readonly string[];
    replaceOnChanges?: readonly string[];
}

export interface DiffPlan {
    stack: string;
    resources: readonly DiffResource[];
    outputs: Record<string, unknown>;
}

export interface PropertyChange {
    op: Op;
    /** Display path: `spec.nodeCount`, `tags["kubernetes.io/role"]`, `spec.environmentVariables[name=ENABLE_ALERTS].value`. */
    path: string;
    old?: unknown;
    new?: unknown;
    /** "order": the same named items, in another order (old and new are their names). */
    note?: "order";
    /** Both values are JSON documents in strings (IAM policies, Helm values): the changes inside them. */
    json?: PropertyChange[];
}

export interface ResourceChange {
    op: Op;
    type: string;
    name: string;
    parent: string | null;
    urn: string;
    parentUrn?: string;
    /** Paths that change (updates only). */
    paths: string[];
    details: PropertyChange[];
    /** An update touches a path in replaceOnChanges: Pulumi replaces the resource. */
    replace?: boolean;
    /** The resource as planned (after for create/update, before for delete), for display. */
    resource: DiffResource;
}

export interface OutputChange {
    op: Op;
    name: string;
    old?: unknown;
    new?: unknown;
}

export interface PlanDiff {
    stack: string;
    changes: ResourceChange[];
    outputs: OutputChange[];
    unchanged: number;
}

// ---------------------------------------------------------------------------
// Property paths

/** A step in a property path; `name` is a list item matched by its name field (`field`, default "name"). */
export type Segment = { key: string } | { index: number } | { name: string; field?: string } | { wildcard: true };

/** Parses a Pulumi property path (`a.b[0]["c.d"][*]`, `tags.*`), as used by ignoreChanges. */
export function parsePropertyPath(path: string): Segment[] {
    const segs: Segment[] = [];
    let i = 0;
    const fail = (why: string): never => { throw new Error(`invalid property path "${path}": ${why}`); };
    while (i < path.length) {
        const c = path[i];
        if (c === ".") {
            i++;
            continue;
        }
        if (c === "[") {
            if (path[i + 1] === "\"") {
                let j = i + 2;
                let key = "";
                while (j < path.length && path[j] !== "\"") {
                    if (path[j] === "\\" && j + 1 < path.length) j++;
                    key += path[j++];
                }
                if (path[j + 1] !== "]") fail("unterminated [\"...\"]");
                segs.push({ key });
                i = j + 2;
            } else {
                const j = path.indexOf("]", i);
                if (j < 0) fail("unterminated [");
                const inner = path.slice(i + 1, j);
                if (inner === "*") segs.push({ wildcard: true });
                else if (/^\d+$/.test(inner)) segs.push({ index: Number(inner) });
                else segs.push({ key: inner });
                i = j + 1;
            }
            continue;
        }
        let j = i;
        while (j < path.length && path[j] !== "." && path[j] !== "[") j++;
        const key = path.slice(i, j);
        segs.push(key === "*" ? { wildcard: true } : { key });
        i = j;
    }
    return segs;
}

export function formatPath(segs: readonly Segment[]): string {
    let out = "";
    for (const s of segs) {
        if ("key" in s) out += /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(s.key) ? `${out ? "." : ""}${s.key}` : `[${JSON.stringify(s.key)}]`;
        else if ("index" in s) out += `[${s.index}]`;
        else if ("name" in s) out += `[${s.field ?? "name"}=${s.name}]`;
        else out += "[*]";
    }
    return out;
}

// ---------------------------------------------------------------------------
// Values

/** Deep equality; a secret equals another secret holding the same value. */
export function valuesEqual(a: unknown, b: unknown): boolean {
    if (isSecret(a) || isSecret(b)) {
        if (!(isSecret(a) && isSecret(b))) return false;
        return valuesEqual(a.reveal(), b.reveal());
    }
    if (a === b) return true;
    if (Array.isArray(a) || Array.isArray(b)) {
        if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
        return a.every((x, i) => valuesEqual(x, b[i]));
    }
    if (isPlainObject(a) && isPlainObject(b)) {
        const ka = Object.keys(a).filter(k => a[k] !== undefined);
        const kb = Object.keys(b).filter(k => b[k] !== undefined);
        return ka.length === kb.length && ka.every(k => valuesEqual(a[k], b[k]));
    }
    return false;
}

const DELETE = Symbol("delete");

/**
 * What Pulumi's ignoreChanges does before diffing: the new inputs take the
 * old value at each ignored path, or lose it when the old inputs had none.
 */
export function applyIgnoreChanges(oldInputs: unknown, newInputs: unknown, ignoreChanges: readonly string[]): unknown {
    let out = newInputs;
    for (const p of ignoreChanges) {
        const segs = parsePropertyPath(p);
        if (segs.length === 0) continue;
        const r = reset(oldInputs, out, segs);
        out = r === DELETE ? undefined : r;
    }
    return out;
}

function reset(o: unknown, n: unknown, segs: readonly Segment[]): unknown {
    if (segs.length === 0) return o === undefined ? DELETE : o;
    const [s, ...rest] = segs;
    if (Array.isArray(n)) {
        const oa = Array.isArray(o) ? o : [];
        if ("wildcard" in s) {
            if (rest.length === 0) return Array.isArray(o) ? o : DELETE;
            return n.map((x, i) => reset(oa[i], x, rest)).filter(x => x !== DELETE);
        }
        if (!("index" in s) || s.index >= Math.max(n.length, oa.length)) return n;
        if (s.index >= n.length) return rest.length === 0 ? [...n, oa[s.index]] : n;
        const copy = [...n];
        const child = reset(oa[s.index], n[s.index], rest);
        if (child === DELETE) copy.splice(s.index, 1);
        else copy[s.index] = child;
        return copy;
    }
    if (isPlainObject(n)) {
        const oo = isPlainObject(o) ? o : {};
        const keys = "wildcard" in s ? [...new Set([...Object.keys(oo), ...Object.keys(n)])] : "key" in s ? [s.key] : "index" in s ? [String(s.index)] : [];
        const copy: Record<string, unknown> = { ...n };
        for (const k of keys) {
            if (rest.length > 0 && n[k] === undefined) continue;
            const child = reset(oo[k], n[k], rest);
            if (child === DELETE) delete copy[k];
            else copy[k] = child;
        }
        return copy;
    }
    // The new inputs have nothing at this path's parent: nothing to reset.
    return n;
}

// ---------------------------------------------------------------------------
// Property diff

/**
 * The changes between two input trees. Lists whose items all carry a unique
 * string `name` (env vars, containers, node pools) are matched by name, so
 * removing one item shows as that item's deletion instead of every later
 * index changing.
 */
export function diffProperties(oldInputs: unknown, newInputs: unknown, ignoreChanges: readonly string[] = []): PropertyChange[] {
    const out: PropertyChange[] = [];
    walk(oldInputs, applyIgnoreChanges(oldInputs, newInputs, ignoreChanges), [], out);
    return out;
}

function walk(o: unknown, n: unknown, segs: Segment[], out: PropertyChange[]): void {
    if (valuesEqual(o, n)) return;
    const path = formatPath(segs);
    if (o === undefined) {
        out.push({ op: "create", path, new: n });
        return;
    }
    if (n === undefined) {
        out.push({ op: "delete", path, old: o });
        return;
    }
    if (isPlainObject(o) && isPlainObject(n)) {
        for (const k of [...new Set([...Object.keys(o), ...Object.keys(n)])]) walk(o[k], n[k], [...segs, { key: k }], out);
        return;
    }
    if (Array.isArray(o) && Array.isArray(n)) {
        const key = o.length + n.length > 0 ? itemKey(o, n) : undefined;
        if (key) return walkNamed(o as Array<Record<string, unknown>>, n as Array<Record<string, unknown>>, key, segs, out);
        for (let i = 0; i < Math.max(o.length, n.length); i++) walk(o[i], n[i], [...segs, { index: i }], out);
        return;
    }
    const jo = typeof o === "string" ? jsonDocument(o) : undefined;
    const jn = typeof n === "string" ? jsonDocument(n) : undefined;
    if (jo !== undefined && jn !== undefined) {
        const inner: PropertyChange[] = [];
        walk(jo, jn, [], inner);
        out.push({ op: "update", path, old: o, new: n, json: inner });
        return;
    }
    out.push({ op: "update", path, old: o, new: n });
}

/** A JSON object or list kept in a string, else undefined. */
export function jsonDocument(s: string): unknown {
    const t = s.trim();
    if (!(t.startsWith("{") || t.startsWith("["))) return undefined;
    try {
        const v = JSON.parse(t);
        return typeof v === "object" && v !== null ? v : undefined;
    } catch {
        return undefined;
    }
}

/** Fields that name a list item: Kubernetes `name` (env vars, containers, pools), IAM statement `Sid`. */
const ITEM_KEYS = ["name", "Sid"] as const;

/** The field naming every item of both lists uniquely, if there is one. */
function itemKey(o: unknown[], n: unknown[]): string | undefined {
    return ITEM_KEYS.find(k => [o, n].every(a => {
        const names = a.map(x => (isPlainObject(x) && typeof x[k] === "string" ? x[k] : undefined));
        return names.every(v => v !== undefined) && new Set(names).size === names.length;
    }));
}

function walkNamed(o: Array<Record<string, unknown>>, n: Array<Record<string, unknown>>, key: string, segs: Segment[], out: PropertyChange[]): void {
    const nameOf = (x: Record<string, unknown>) => x[key] as string;
    const seg = (x: Record<string, unknown>): Segment => ({ name: nameOf(x), field: key });
    const newByName = new Map(n.map(x => [nameOf(x), x]));
    const oldNames = new Set(o.map(nameOf));
    for (const item of o) walk(item, newByName.get(nameOf(item)), [...segs, seg(item)], out);
    for (const item of n) if (!oldNames.has(nameOf(item))) walk(undefined, item, [...segs, seg(item)], out);
    const keptOld = o.map(nameOf).filter(x => newByName.has(x));
    const keptNew = n.map(nameOf).filter(x => oldNames.has(x));
    if (keptOld.join("\u0000") !== keptNew.join("\u0000")) {
        out.push({ op: "update", path: formatPath(segs), old: keptOld, new: keptNew, note: "order" });
    }
}

// ---------------------------------------------------------------------------
// Plan diff

export function identity(r: DiffResource): string {
    return r.urn ?? `${r.type}::${r.name}::${r.parent ?? ""}`;
}

/** Compares two plans of the same stack. Order: creates and updates as the new plan declares them, then deletes. */
export function diffPlans(before: DiffPlan, after: DiffPlan): PlanDiff {
    const old = new Map(before.resources.map(r => [identity(r), r]));
    const seen = new Set<string>();
    const changes: ResourceChange[] = [];
    let unchanged = 0;
    for (const r of after.resources) {
        const id = identity(r);
        seen.add(id);
        const prev = old.get(id);
        if (!prev) {
            changes.push(change("create", r, []));
            continue;
        }
        const details = diffProperties(prev.inputs, r.inputs, r.ignoreChanges ?? []);
        if (details.length === 0) {
            unchanged++;
            continue;
        }
        const c = change("update", r, details);
        if (replaces(r.replaceOnChanges ?? [], details)) c.replace = true;
        changes.push(c);
    }
    for (const r of before.resources) if (!seen.has(identity(r))) changes.push(change("delete", r, []));
    return { stack: after.stack, changes, outputs: diffOutputs(before.outputs, after.outputs), unchanged };
}

function change(op: Op, r: DiffResource, details: PropertyChange[]): ResourceChange {
    return {
        op,
        type: r.type,
        name: r.name,
        parent: r.parent,
        urn: identity(r),
        parentUrn: r.parentUrn,
        paths: details.map(d => d.path),
        details,
        resource: r,
    };
}

function replaces(replaceOnChanges: readonly string[], details: PropertyChange[]): boolean {
    if (replaceOnChanges.includes("*")) return true;
    const patterns = replaceOnChanges.map(parsePropertyPath);
    return details.some(d => {
        const path = parseDisplayPath(d.path);
        return patterns.some(p => prefixMatch(p, path) || prefixMatch(path, p));
    });
}

/** Display paths are property paths except for `[name=X]` items. */
function parseDisplayPath(path: string): Segment[] {
    return parsePropertyPath(path).map(s => {
        const hit = "key" in s ? /^(name|Sid)=(.*)$/.exec(s.key) : null;
        return hit ? { name: hit[2], field: hit[1] } : s;
    });
}

function prefixMatch(prefix: readonly Segment[], path: readonly Segment[]): boolean {
    if (prefix.length > path.length) return false;
    return prefix.every((s, i) => {
        const t = path[i];
        if ("wildcard" in s || "wildcard" in t) return true;
        if ("key" in s && "key" in t) return s.key === t.key;
        if ("index" in s && "index" in t) return s.index === t.index;
        if ("name" in s && "name" in t) return s.name === t.name;
        return false;
    });
}

export function diffOutputs(before: Record<string, unknown>, after: Record<string, unknown>): OutputChange[] {
    const out: OutputChange[] = [];
    for (const name of [...new Set([...Object.keys(before), ...Object.keys(after)])]) {
        const o = before[name];
        const n = after[name];
        if (valuesEqual(o, n)) continue;
        if (o === undefined) out.push({ op: "create", name, new: n });
        else if (n === undefined) out.push({ op: "delete", name, old: o });
        else out.push({ op: "update", name, old: o, new: n });
    }
    return out;
}

// ---------------------------------------------------------------------------
// JSON

export interface DiffJson {
    stack: string;
    changes: Array<{ op: Op; type: string; name: string; paths: string[]; urn: string; parent: string | null; replace?: boolean; details: PropertyChange[] }>;
    outputs: OutputChange[];
    summary: { create: number; delete: number; update: number; unchanged: number };
}

/** The object `--diff --json` and `--compare --json` print; secrets serialise as "[secret]". */
export function diffToJson(diff: PlanDiff): DiffJson {
    const count = (op: Op) => diff.changes.filter(c => c.op === op).length;
    return {
        stack: diff.stack,
        changes: diff.changes.map(c => ({
            op: c.op,
            type: c.type,
            name: c.name,
            paths: c.paths,
            urn: c.urn,
            parent: c.parent,
            ...(c.replace ? { replace: true } : {}),
            details: c.details,
        })),
        outputs: diff.outputs,
        summary: { create: count("create"), delete: count("delete"), update: count("update"), unchanged: diff.unchanged },
    };
}

/**
 * Reads a saved `--json` plan for --compare. Its secrets are already
 * "[secret]", so a secret that changed between two saved plans compares equal.
 */
export function planFromJson(doc: unknown, label: string): DiffPlan {
    const fail = (why: string): never => { throw new Error(`${label} is not a plan saved with \`npm run plan -- --stack <stack> --json\`: ${why}`); };
    if (!isPlainObject(doc)) return fail("expected a JSON object");
    if (Array.isArray(doc.changes)) return fail("it is a diff (--diff --json output), not a plan");
    if (typeof doc.stack !== "string") return fail("no \"stack\"");
    if (!Array.isArray(doc.resources)) return fail("no \"resources\" list");
    const resources: DiffResource[] = doc.resources.map((r, i) => {
        if (!isPlainObject(r) || typeof r.type !== "string" || typeof r.name !== "string") return fail(`resources[${i}] has no type and name`);
        return {
            urn: typeof r.urn === "string" ? r.urn : undefined,
            type: r.type,
            name: r.name,
            parent: typeof r.parent === "string" ? r.parent : null,
            inputs: isPlainObject(r.inputs) ? r.inputs : {},
            ignoreChanges: stringList(r.ignoreChanges),
            replaceOnChanges: stringList(r.replaceOnChanges),
        };
    });
    linkParents(resources);
    return { stack: doc.stack, resources, outputs: isPlainObject(doc.outputs) ? doc.outputs : {} };
}

function stringList(v: unknown): string[] {
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/** Saved plans name the parent only; its URN is the one whose type the child's URN is qualified by. */
function linkParents(resources: DiffResource[]): void {
    for (const r of resources) {
        if (r.parent === null || r.parentUrn) continue;
        const chain = r.urn?.split("::")[2]?.split("$") ?? [];
        const parentType = chain.length >= 2 ? chain[chain.length - 2] : undefined;
        const hit = resources.find(p => p.name === r.parent && (parentType === undefined || p.type === parentType));
        if (hit) r.parentUrn = identity(hit);
    }
}

/** Marks a value secret in fixtures and programs that build plans by hand. */
export function secret(v: unknown): Secret {
    return new Secret(v);
}
