// Built-in Kubernetes objects checked against the official OpenAPI schemas, as
// shipped by the npm package kubernetes-models: its validate() for types,
// formats, enums and required fields, and the TypeScript compiler over its
// interfaces for unknown fields, which validate() lets through (the API server
// would drop such a field without a word: a misspelt `nodeSelector` is a pod
// scheduled anywhere).
import * as path from "path";
import * as ts from "typescript";

const REPO_ROOT = path.resolve(__dirname, "../..");

/** A Pulumi Kubernetes type token split into what kubernetes-models names. */
export interface BuiltinKind {
    /** Module path, e.g. "kubernetes-models/apps/v1/Deployment". */
    module: string;
    kind: string;
    /** Server-side-apply patch resources (DeploymentPatch): a partial object. */
    patch: boolean;
}

/** API groups served by the Kubernetes API server itself; every other group is a CRD's. */
const BUILTIN_GROUPS = new Set([
    "core", "apps", "batch", "policy", "autoscaling", "rbac.authorization.k8s.io", "storage.k8s.io",
    "networking.k8s.io", "scheduling.k8s.io", "coordination.k8s.io", "discovery.k8s.io", "node.k8s.io",
    "admissionregistration.k8s.io", "apiextensions.k8s.io", "certificates.k8s.io", "flowcontrol.apiserver.k8s.io",
    "resource.k8s.io", "events.k8s.io",
]);

/** The kubernetes-models module for a type token, or undefined when the group is not built in. */
export function builtinKind(token: string): BuiltinKind | undefined {
    const m = /^kubernetes:([^/:]+)\/([^:]+):(\w+)$/.exec(token);
    if (!m || !BUILTIN_GROUPS.has(m[1])) return undefined;
    const [, group, version, rawKind] = m;
    const patch = rawKind.endsWith("Patch");
    const kind = patch ? rawKind.slice(0, -"Patch".length) : rawKind;
    const dir = group === "core" ? version : `${group}/${version}`;
    return { module: `kubernetes-models/${dir}/${kind}`, kind, patch };
}

// kubernetes-models is ESM only; TypeScript's CommonJS output would turn a
// plain import() into require(), which its exports map refuses.
const importEsm = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<Record<string, unknown>>;

interface ModelClass {
    new (data: unknown): { validate(): void };
}

/** validate() errors of one object, as lines; [] when it conforms. */
export async function modelErrors(kind: BuiltinKind, obj: unknown): Promise<string[]> {
    const mod = await importEsm(kind.module);
    const Model = mod[kind.kind] as ModelClass | undefined;
    if (!Model) throw new Error(`${kind.module} exports no ${kind.kind}`);
    try {
        new Model(obj).validate();
        return [];
    } catch (e) {
        const errors = (e as { errors?: { instancePath?: string; message?: string; params?: unknown }[] }).errors;
        if (!errors) return [String((e as Error).message ?? e)];
        return errors.map(x => `${x.instancePath || "/"} ${x.message}${x.params ? ` ${JSON.stringify(x.params)}` : ""}`);
    }
}

export interface StrictTarget {
    /** Printed with each error, e.g. "aws secondary kubernetes:apps/v1:Deployment logscale-x". */
    label: string;
    kind: BuiltinKind;
    obj: unknown;
}

const VIRTUAL_FILE = path.join(REPO_ROOT, "__plan_objects__.ts");

/** A TS literal for a JSON value; plan placeholders for unknown values type as anything. */
function literal(value: unknown): string {
    if (value === "[unknown]") return "(undefined as any)";
    if (Array.isArray(value)) return `[${value.map(literal).join(", ")}]`;
    if (value && typeof value === "object") {
        return `{ ${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${literal(v)}`).join(", ")} }`;
    }
    return JSON.stringify(value);
}

/**
 * Unknown-field errors (and any other type error) of every target, by
 * type-checking each object as an object literal against its kubernetes-models
 * interface: TypeScript's excess-property check is the strictness validate()
 * lacks. One program for all targets keeps it to a single compile.
 */
export function strictTypeErrors(targets: readonly StrictTarget[]): string[] {
    const lines: string[] = [
        "type DeepPartial<T> = T extends (infer U)[] ? DeepPartial<U>[] : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;",
    ];
    const owner: number[] = [];
    targets.forEach((t, i) => {
        lines.push(`import type { I${t.kind.kind} as T${i} } from ${JSON.stringify(t.kind.module)};`);
    });
    const firstObjectLine = lines.length;
    targets.forEach((t, i) => {
        const type = t.kind.patch ? `DeepPartial<T${i}>` : `T${i}`;
        lines.push(`export const o${i}: ${type} = ${literal(t.obj)};`);
        owner.push(i);
    });
    const source = lines.join("\n");
    const options: ts.CompilerOptions = {
        target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
        strict: true, noEmit: true, skipLibCheck: true, types: [],
    };
    const host = ts.createCompilerHost(options);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (file, lang, onError) => file === VIRTUAL_FILE ? ts.createSourceFile(file, source, lang) : getSourceFile(file, lang, onError);
    const fileExists = host.fileExists.bind(host);
    host.fileExists = f => f === VIRTUAL_FILE || fileExists(f);
    const readFile = host.readFile.bind(host);
    host.readFile = f => f === VIRTUAL_FILE ? source : readFile(f);
    const program = ts.createProgram([VIRTUAL_FILE], options, host);
    return ts.getPreEmitDiagnostics(program).map(d => {
        const text = ts.flattenDiagnosticMessageText(d.messageText, "\n  ");
        if (!d.file || d.file.fileName !== VIRTUAL_FILE || d.start === undefined) return text;
        const line = d.file.getLineAndCharacterOfPosition(d.start).line;
        const target = line >= firstObjectLine ? targets[owner[line - firstObjectLine]] : undefined;
        return target ? `${target.label}: ${text}` : text;
    });
}
