// Runs a Pulumi program under the SDK's mock monitor and records every
// resource with what plain setMocks hides: parent, resource options
// (ignoreChanges, dependsOn, protect, ...) and which inputs are secret.
// Shared by the offline plan and the unit tests.

import * as pulumi from "@pulumi/pulumi";
import { defaultInvoke, defaultState } from "./state";

export const SECRET_PLACEHOLDER = "[secret]";
export const UNKNOWN_PLACEHOLDER = "[unknown]";

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * A StackSnapshot whose outputs are not known yet (as in `pulumi preview`):
 * needs `preview: true`; every getOutput of that reference is then unknown and
 * records as "[unknown]".
 */
export const UNKNOWN_STACK_OUTPUTS: StackSnapshot = { outputs: UNKNOWN as unknown as Record<string, unknown> };

export interface RecordedResource {
    type: string;
    name: string;
    urn: string;
    /** URN of the parent, undefined for stack-level resources. */
    parent?: string;
    custom: boolean;
    id?: string;
    /** Inputs with secret values replaced by "[secret]" (safe to print). */
    inputs: Record<string, unknown>;
    /** Inputs with secrets revealed (for assertions only; never print). */
    rawInputs: Record<string, unknown>;
    /** Dotted paths of secret inputs. */
    secretPaths: string[];
    ignoreChanges: string[];
    /** URNs this resource explicitly depends on (dependsOn). */
    dependsOn: string[];
    provider?: string;
    protect: boolean;
    deleteBeforeReplace: boolean;
    replaceOnChanges: string[];
    retainOnDelete: boolean;
}

export interface StackSnapshot {
    outputs: Record<string, unknown>;
    secretOutputNames?: string[];
}

export interface NewResourceArgs {
    type: string;
    name: string;
    inputs: Record<string, any>;
    provider?: string;
    custom?: boolean;
    id?: string;
}

export interface RunOptions<T> {
    project?: string;
    stack: string;
    /** Full config keys (`logscale-dr:dr`, `aws:region`) to raw string values. */
    config: Record<string, string>;
    /** Full config keys whose values are secret. */
    secretKeys?: string[];
    preview?: boolean;
    /** Outputs of other stacks, for StackReferences; undefined = stack not found. */
    stackOutputs?: (stackName: string) => StackSnapshot | undefined | Promise<StackSnapshot | undefined>;
    /** Extra state for a resource beyond its inputs (return undefined to use the defaults). */
    resourceState?: (args: NewResourceArgs) => Record<string, unknown> | undefined;
    /** Extra invoke results (return undefined to use the defaults). */
    invoke?: (token: string, inputs: Record<string, any>) => Record<string, unknown> | undefined;
    program: () => Promise<T> | T;
}

export interface RunResult {
    resources: RecordedResource[];
    /** Stack outputs with secrets replaced by "[secret]". */
    outputs: Record<string, unknown>;
    /** Stack outputs with secrets revealed (to feed a StackReference of another run). */
    rawOutputs: Record<string, unknown>;
    secretOutputNames: string[];
    /** Errors raised while the program ran (rejected outputs, failed registrations). */
    errors: Error[];
    /** Messages the program logged through pulumi.log (not printed to the console). */
    logs: LogMessage[];
}

export interface LogMessage {
    severity: "debug" | "info" | "warning" | "error";
    message: string;
}

/** Finds a resource by type token and logical name; throws with the known names if absent. */
export function findResource(run: Pick<RunResult, "resources">, type: string, name?: string): RecordedResource {
    const hit = run.resources.find(r => r.type === type && (name === undefined || r.name === name));
    if (!hit) {
        const known = run.resources.filter(r => r.type === type).map(r => r.name);
        throw new Error(`no ${type}${name ? ` named ${name}` : ""}; have: ${known.join(", ") || "none of that type"}`);
    }
    return hit;
}

let running = false;

/**
 * Runs `program` under mocks and resolves once every registration and output
 * has settled. Runs are serialised: the Pulumi runtime state is per process.
 */
export async function runProgram<T extends Record<string, unknown> | void>(opts: RunOptions<T>): Promise<RunResult> {
    if (running) throw new Error("runProgram: a run is already in progress in this process");
    running = true;
    const errors: Error[] = [];
    const onRejection = (reason: unknown) => { errors.push(reason instanceof Error ? reason : new Error(String(reason))); };
    process.on("unhandledRejection", onRejection);
    const logs: LogMessage[] = [];
    const restoreConsole = captureRuntimeLogs(logs);
    // Pulumi reads `new Error().stack` for every resource (source positions the
    // mock monitor ignores); under ts-node each read maps every frame through
    // source maps, which was a third of a plan's time. Plain V8 traces meanwhile.
    const errorClass = Error as { prepareStackTrace?: unknown };
    const prepareStackTrace = errorClass.prepareStackTrace;
    errorClass.prepareStackTrace = undefined;
    try {
        const project = opts.project ?? "logscale-dr";
        const recorded = new Map<string, RecordedResource>();
        const order: string[] = [];

        const mocks: pulumi.runtime.Mocks = {
            newResource: async (args) => {
                if (args.type === "pulumi:pulumi:StackReference") {
                    const stackName = String(args.inputs.name ?? args.id ?? args.name);
                    const snap = opts.stackOutputs ? await opts.stackOutputs(stackName) : undefined;
                    if (!snap) throw new Error(`stack "${stackName}" not found (StackReference)`);
                    return {
                        id: stackName,
                        state: { name: stackName, outputs: snap.outputs, secretOutputNames: snap.secretOutputNames ?? [] },
                    };
                }
                const extra = opts.resourceState?.(args) ?? defaultState(args, opts.config);
                const id = typeof extra.id === "string" ? extra.id : `${args.name}-id`;
                return { id, state: { ...args.inputs, ...extra } };
            },
            call: async (args) => opts.invoke?.(args.token, args.inputs) ?? defaultInvoke(args.token, args.inputs, opts.config),
        };
        await pulumi.runtime.setMocks(mocks, project, opts.stack, opts.preview ?? false);
        pulumi.runtime.setAllConfig(opts.config, opts.secretKeys ?? []);
        instrumentMonitor(recorded, order);

        let outputs: Record<string, unknown> = {};
        let rawOutputs: Record<string, unknown> = {};
        const secretOutputNames: string[] = [];
        try {
            const result = (await opts.program()) ?? {};
            for (const [key, value] of Object.entries(result as Record<string, unknown>)) {
                const o = pulumi.output(value) as any;
                const [v, secret, known] = await Promise.all([o.promise(true), o.isSecret, o.isKnown]);
                rawOutputs[key] = known ? v : UNKNOWN_PLACEHOLDER;
                outputs[key] = secret ? SECRET_PLACEHOLDER : rawOutputs[key];
                if (secret) secretOutputNames.push(key);
            }
        } catch (e) {
            errors.push(e instanceof Error ? e : new Error(String(e)));
        }
        await (pulumi.runtime as any).waitForRPCs?.();
        // Let rejected apply callbacks surface as unhandled rejections before we look.
        await new Promise(r => setImmediate(r));
        const resources = order.map(u => recorded.get(u)!).filter(Boolean);
        return { resources, outputs, rawOutputs, secretOutputNames, errors: dedupe(errors), logs };
    } finally {
        errorClass.prepareStackTrace = prepareStackTrace;
        restoreConsole();
        process.off("unhandledRejection", onRejection);
        running = false;
    }
}

/**
 * Without an engine, pulumi.log writes "<severity>: [runtime] <message>" to the
 * console; collect those instead so they can be asserted and shown in a plan.
 * Anything else still reaches the console.
 */
function captureRuntimeLogs(logs: LogMessage[]): () => void {
    const methods = ["log", "info", "warn", "error"] as const;
    const saved = methods.map(m => console[m]);
    for (const [i, m] of methods.entries()) {
        console[m] = (...args: unknown[]) => {
            const hit = typeof args[0] === "string" ? /^(debug|info|warning|error): \[runtime\] ([\s\S]*)$/.exec(args[0]) : null;
            if (hit && args.length === 1) logs.push({ severity: hit[1] as LogMessage["severity"], message: hit[2] });
            else saved[i].apply(console, args);
        };
    }
    return () => methods.forEach((m, i) => { console[m] = saved[i]; });
}

function dedupe(errors: Error[]): Error[] {
    const seen = new Set<string>();
    return errors.filter(e => (seen.has(e.message) ? false : (seen.add(e.message), true)));
}

function instrumentMonitor(recorded: Map<string, RecordedResource>, order: string[]): void {
    const monitor = (pulumi.runtime as any).getMonitor();
    const register = monitor.registerResource.bind(monitor);
    const read = monitor.readResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: any, resp: any) => void) => {
        register(req, (err: any, resp: any) => {
            if (!err && resp) record(recorded, order, req, resp.getUrn(), resp.getId());
            callback(err, resp);
        });
    };
    monitor.readResource = (req: any, callback: (err: any, resp: any) => void) => {
        read(req, (err: any, resp: any) => {
            if (!err && resp) record(recorded, order, req, resp.getUrn(), req.getId());
            callback(err, resp);
        });
    };
}

function record(recorded: Map<string, RecordedResource>, order: string[], req: any, urn: string, id: string | undefined): void {
    const raw = (req.getObject?.() ?? req.getProperties?.())?.toJavaScript() ?? {};
    const secretPaths: string[] = [];
    const inputs = walk(raw, "", secretPaths, false) as Record<string, unknown>;
    const rawInputs = walk(raw, "", [], true) as Record<string, unknown>;
    const list = (getter: string): string[] => (typeof req[getter] === "function" ? req[getter]() : []) ?? [];
    const flag = (getter: string): boolean => (typeof req[getter] === "function" ? Boolean(req[getter]()) : false);
    if (!recorded.has(urn)) order.push(urn);
    recorded.set(urn, {
        type: req.getType(),
        name: req.getName(),
        urn,
        parent: req.getParent() || undefined,
        custom: typeof req.getCustom === "function" ? req.getCustom() : true,
        id: id || undefined,
        inputs,
        rawInputs,
        secretPaths,
        ignoreChanges: list("getIgnorechangesList"),
        dependsOn: list("getDependenciesList"),
        provider: req.getProvider() || undefined,
        protect: flag("getProtect"),
        deleteBeforeReplace: flag("getDeletebeforereplace"),
        replaceOnChanges: list("getReplaceonchangesList"),
        retainOnDelete: flag("getRetainondelete"),
    });
}

/** Turns the wire form of inputs into plain values, marking secrets, assets and resource references. */
function walk(v: unknown, path: string, secretPaths: string[], reveal: boolean): unknown {
    if (v === UNKNOWN) return UNKNOWN_PLACEHOLDER;
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}[${i}]`, secretPaths, reveal));
    if (v && typeof v === "object") {
        const o = v as Record<string, unknown>;
        const sig = o[SIG_KEY];
        if (sig === SECRET_SIG) {
            secretPaths.push(path);
            return reveal ? walk(o.value, path, [], true) : SECRET_PLACEHOLDER;
        }
        if (sig === ASSET_SIG) return { asset: o.path ?? o.uri ?? (typeof o.text === "string" ? `text(${(o.text as string).length} bytes)` : "asset") };
        if (sig === ARCHIVE_SIG) return { archive: o.path ?? o.uri ?? Object.keys((o.assets as object) ?? {}) };
        if (sig === RESOURCE_SIG) return o.id ?? o.urn;
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(o)) out[k] = walk(x, path ? `${path}.${k}` : k, secretPaths, reveal);
        return out;
    }
    return v;
}
