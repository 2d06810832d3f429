// Stack config as `pulumi preview` would hand it to the program, read from
// Pulumi.yaml and Pulumi.<stack>.yaml without the Pulumi CLI: full keys
// (`logscale-dr:dr`, `aws:region`) to strings, plus which keys are secret.

import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ConfigError } from "../../config/errors";
import { CONFIG_KEYS, KeySpec } from "../../config/keys";

export interface ProjectInfo {
    dir: string;
    name: string;
    /** Defaults from Pulumi.yaml's `config:` block, which Pulumi applies to every stack. */
    defaults: Record<string, string>;
}

export interface ConfigSource {
    stack: string;
    /** Full key -> raw string value (structured values as JSON, like `pulumi.runtime.allConfig()`). */
    config: Record<string, string>;
    /** Full keys whose values are secret. */
    secretKeys: string[];
}

/** One `--set`/`--diff` assignment; `value` undefined removes the key. */
export interface Override {
    key: string;
    value: string | undefined;
}

/**
 * `secure:` values are encrypted with the stack's secrets provider, which a
 * fresh machine cannot reach. The plan uses this stand-in (always secret) so
 * the program runs; it says where it came from if it ever shows up.
 */
export function securePlaceholder(key: string): string {
    return `offline-plan-placeholder-for-${key.replace(/[^A-Za-z0-9-]/g, "-")}`;
}

export class PlanInputError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PlanInputError";
    }
}

export function readProject(dir: string): ProjectInfo {
    const file = path.join(dir, "Pulumi.yaml");
    if (!fs.existsSync(file)) throw new PlanInputError(`no Pulumi.yaml in ${dir}: run the plan from the project folder`);
    const doc = parse(fs.readFileSync(file, "utf8")) as { name?: unknown; config?: Record<string, unknown> } | null;
    if (!doc || typeof doc.name !== "string") throw new PlanInputError(`${file} has no project name`);
    const name = doc.name;
    const defaults: Record<string, string> = {};
    for (const [key, spec] of Object.entries(doc.config ?? {})) {
        const full = fullKey(key, name);
        if (spec !== null && typeof spec === "object" && !Array.isArray(spec)) {
            const s = spec as { default?: unknown; value?: unknown };
            const v = s.value !== undefined ? s.value : s.default;
            if (v !== undefined) defaults[full] = toConfigString(v);
        } else if (spec !== null && spec !== undefined) {
            defaults[full] = toConfigString(spec);
        }
    }
    return { dir, name, defaults };
}

/** The stack names this project has a Pulumi.<stack>.yaml for. */
export function listStacks(dir: string): string[] {
    return fs.readdirSync(dir)
        .map(f => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

export function stackFile(dir: string, stack: string): string | undefined {
    return ["yaml", "yml"].map(ext => path.join(dir, `Pulumi.${stack}.${ext}`)).find(f => fs.existsSync(f));
}

/** Reads Pulumi.<stack>.yaml; undefined when the stack has no file. */
export function readStackConfig(project: ProjectInfo, stack: string): ConfigSource | undefined {
    const file = stackFile(project.dir, stack);
    if (!file) return undefined;
    let doc: { config?: Record<string, unknown> } | null;
    try {
        doc = parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new PlanInputError(`${path.basename(file)} is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
    }
    const config: Record<string, string> = { ...project.defaults };
    const secretKeys = new Set<string>();
    for (const [key, raw] of Object.entries(doc?.config ?? {})) {
        const full = fullKey(key, project.name);
        const { value, secret } = decode(raw, full);
        config[full] = value;
        if (secret) secretKeys.add(full);
    }
    for (const k of Object.keys(config)) if (isSecretKey(k, project.name)) secretKeys.add(k);
    return { stack, config, secretKeys: [...secretKeys].sort() };
}

/** Applies overrides; a project key marked secret stays secret even when its value comes from the command line. */
export function applyOverrides(src: ConfigSource, overrides: readonly Override[], project: string): ConfigSource {
    const config = { ...src.config };
    const secretKeys = new Set(src.secretKeys);
    for (const { key, value } of overrides) {
        if (value === undefined) {
            delete config[key];
            secretKeys.delete(key);
            continue;
        }
        config[key] = value;
        if (isSecretKey(key, project)) secretKeys.add(key);
        else secretKeys.delete(key);
    }
    return { stack: src.stack, config, secretKeys: [...secretKeys].sort() };
}

/**
 * Parses `key=value` (`cloud=azure`, `logscale-dr:cloud=azure`, `aws:region=eu-west-1`).
 * An empty value removes the key (`dr=` plans the stack without DR).
 */
export function parseAssignment(text: string, project: string, flag: string): Override {
    const eq = text.indexOf("=");
    if (eq <= 0) throw new PlanInputError(`invalid ${flag} "${text}": expected <key>=<value>, e.g. ${flag} dr=active`);
    const key = fullKey(text.slice(0, eq).trim(), project);
    const value = text.slice(eq + 1);
    if (!/^[A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+$/.test(key)) {
        throw new PlanInputError(`invalid ${flag} key "${text.slice(0, eq)}": expected <key> or <namespace>:<key>, e.g. dr or aws:region`);
    }
    return { key, value: value === "" ? undefined : value };
}

export function fullKey(key: string, project: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

function isSecretKey(full: string, project: string): boolean {
    if (!full.startsWith(`${project}:`)) return false;
    const spec = (CONFIG_KEYS as Record<string, KeySpec>)[full.slice(project.length + 1)];
    return spec?.secret === true;
}

/** Turns a YAML config value into the string Pulumi passes to the program. */
function decode(raw: unknown, key: string): { value: string; secret: boolean } {
    if (isSecure(raw)) return { value: securePlaceholder(key), secret: true };
    if (raw !== null && typeof raw === "object") {
        let secret = false;
        const replaced = replaceSecure(raw, key, () => { secret = true; });
        return { value: JSON.stringify(replaced), secret };
    }
    return { value: toConfigString(raw), secret: false };
}

function isSecure(v: unknown): v is { secure: string } {
    return v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { secure?: unknown }).secure === "string";
}

function replaceSecure(v: unknown, key: string, found: () => void): unknown {
    if (isSecure(v)) {
        found();
        return securePlaceholder(key);
    }
    if (Array.isArray(v)) return v.map(x => replaceSecure(x, key, found));
    if (v !== null && typeof v === "object") {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replaceSecure(x, key, found)]));
    }
    return v;
}

function toConfigString(v: unknown): string {
    if (typeof v === "string") return v;
    if (v === null || v === undefined) return "";
    if (typeof v === "object") return JSON.stringify(v);
    return String(v);
}

/** The config key of this project that names `peer` (primaryStack / secondaryStack), for error messages. */
export function keyNaming(config: Record<string, string>, project: string, peer: string): string | undefined {
    for (const k of ["primaryStack", "secondaryStack"]) {
        if (config[`${project}:${k}`] === peer) return `${project}:${k}`;
    }
    return undefined;
}

export function missingStackError(project: ProjectInfo, key: string, originStack: string, value: string, target: string): ConfigError {
    const have = listStacks(project.dir);
    return new ConfigError(key, originStack, value,
        `the offline plan resolves a StackReference by planning that stack from its Pulumi.<stack>.yaml, and there is no Pulumi.${target}.yaml in ${project.dir}; `
        + `stacks of this project: ${have.join(", ") || "none"}`);
}
