// Plans one stack offline: reads its config, plans the stacks it references
// (one level deep), runs the program under the mock engine and turns the
// recording into a Plan. Problems with the input come out as PlanFailure with
// exit code 2 and one line; anything the program itself throws, exit code 1.

import { ConfigError, isConfigError } from "../../config/errors";
import { CONFIG_KEYS, REGION_KEYS } from "../../config/keys";
import { RecordedResource, runProgram, RunResult, StackSnapshot, UNKNOWN_STACK_OUTPUTS } from "../mock/engine";
import { Plan, PlannedResource, PeerInfo } from "./model";
import { annotate, maskLeaks, scrubText, Secret, secretStrings, wrapAll } from "./secret";
import {
    applyOverrides, ConfigSource, keyNaming, listStacks, missingStackError, Override, PlanInputError, ProjectInfo, readProject, readStackConfig,
    securePlaceholder,
} from "./stackfile";

/** Runs the project's program for a config; the default is what index.ts does. */
export type Program = (config: Record<string, string>, stack: string, project: string) => Promise<Record<string, unknown>>;

export const defaultProgram: Program = async (config, stack, project) => {
    const [{ loadConfig }, { createStack }] = await Promise.all([import("../../config/load"), import("../../components/stack")]);
    return createStack(loadConfig(config, stack, project));
};

/**
 * Checks a stack's config before anything is planned, so invalid config fails
 * fast (before the referenced stacks are planned). Throws ConfigError.
 */
export type Validate = (config: Record<string, string>, stack: string, project: string) => void | Promise<void>;

export const defaultValidate: Validate = async (config, stack, project) => {
    (await import("../../config/load")).loadConfig(config, stack, project);
};

/** Keys whose override also applies to the referenced stack: a pair always runs in one cloud. */
export const PAIR_WIDE_KEYS = ["cloud"] as const;

export class PlanFailure extends Error {
    constructor(readonly exitCode: 1 | 2, message: string) {
        super(message);
        this.name = "PlanFailure";
    }
}

/**
 * Plans a stack. Peers it references are planned first from their own stack
 * files (the mock engine runs one program at a time), and their outputs serve
 * the StackReference. A peer's own references resolve as unknown values: only
 * one level is followed, so two stacks that reference each other terminate.
 */
export class Planner {
    private readonly project: ProjectInfo;
    private readonly program: Program;
    private readonly validate: Validate;
    /** Peer snapshots by stack and config, shared by the runs of one command (--diff plans twice). */
    private readonly peerCache = new Map<string, PeerPlan>();
    /** Every secret value this planner has seen, to scrub from anything printed (errors included). */
    private readonly seenSecrets = new Set<string>();

    constructor(readonly dir: string, program: Program = defaultProgram, validate: Validate = defaultValidate) {
        this.project = readProjectOrFail(dir);
        this.program = program;
        this.validate = validate;
    }

    get projectName(): string {
        return this.project.name;
    }

    /** The stack's config with overrides applied, or a PlanFailure naming the missing stack file. */
    source(stack: string, overrides: readonly Override[] = []): ConfigSource {
        const src = readStackConfig(this.project, stack);
        if (!src) {
            const have = listStacks(this.dir);
            throw new PlanFailure(2, `invalid --stack "${stack}": no Pulumi.${stack}.yaml in ${this.dir}; stacks of this project: ${have.join(", ") || "none"}`);
        }
        const out = applyOverrides(src, overrides, this.project.name);
        configSecrets(out).forEach(x => this.seenSecrets.add(x));
        return out;
    }

    /** Replaces every secret value this planner has seen with "[secret]". */
    scrub(text: string): string {
        return scrubText(text, this.seenSecrets);
    }

    /** Validates a stack's config with overrides (PlanFailure exit 2 when invalid), without planning. */
    async check(stack: string, overrides: readonly Override[] = []): Promise<ConfigSource> {
        const src = this.source(stack, overrides);
        try {
            await this.validate(src.config, src.stack, this.project.name);
        } catch (e) {
            if (isConfigError(e)) throw new PlanFailure(2, new ConfigError(e.key, e.stack, e.value, e.allowed).message);
            throw e;
        }
        return src;
    }

    async plan(stack: string, overrides: readonly Override[] = []): Promise<Plan> {
        const src = await this.check(stack, overrides);
        const pairWide = overrides.filter(o => PAIR_WIDE_KEYS.some(k => o.key === `${this.project.name}:${k}`));
        const peers: PeerInfo[] = [];
        const snapshots = new Map<string, StackSnapshot>();
        const peerSecrets = new Set<string>();

        const ensurePeer = async (reference: string): Promise<void> => {
            const target = this.localStack(reference);
            const key = keyNaming(src.config, this.project.name, reference) ?? `${this.project.name}:primaryStack`;
            if (target === undefined || !readStackConfig(this.project, target)) {
                throw new PlanFailure(2, missingStackError(this.project, key, stack, reference, target ?? reference).message);
            }
            if (snapshots.has(reference)) return;
            const peerSrc = applyOverrides(readStackConfig(this.project, target)!, pairWide, this.project.name);
            checkGlobalDnsOwnership(src, peerSrc, this.project.name, key);
            const peer = await this.planPeer(peerSrc);
            snapshots.set(reference, peer.snapshot);
            peer.secrets.forEach(s => peerSecrets.add(s));
            peers.push({ key, reference, stack: target, outputs: peer.outputs });
        };

        // The references the program will make, predicted from config so their
        // stacks are planned before the run; a reference the prediction missed
        // is planned after a first run, and the run repeated.
        for (const ref of predictedReferences(src.config, this.project.name)) await ensurePeer(ref);
        let run = await this.run(src, (name) => snapshots.get(name));
        const missed = run.missed.filter(n => !snapshots.has(n));
        if (missed.length > 0) {
            for (const ref of missed) await ensurePeer(ref);
            run = await this.run(src, (name) => snapshots.get(name));
        }
        throwOnErrors(run.result, src, this.project.name);
        const used = peers.filter(p => run.requested.includes(p.reference));
        return this.toPlan(src, run.result, used, peerSecrets);
    }

    private async planPeer(src: ConfigSource): Promise<PeerPlan> {
        const cacheKey = JSON.stringify([src.stack, src.config]);
        const cached = this.peerCache.get(cacheKey);
        if (cached) return cached;
        configSecrets(src).forEach(x => this.seenSecrets.add(x));
        const { result } = await this.run(src, () => UNKNOWN_STACK_OUTPUTS);
        try {
            throwOnErrors(result, src, this.project.name);
        } catch (e) {
            if (e instanceof PlanFailure && e.exitCode === 1) {
                throw new PlanFailure(1, `planning stack "${src.stack}" (referenced by this stack): ${e.message}`);
            }
            throw e;
        }
        const outputs = annotateOutputs(result);
        const secrets = secretStrings(outputs);
        configSecrets(src).forEach(s => secrets.add(s));
        secrets.forEach(x => this.seenSecrets.add(x));
        const entry: PeerPlan = { snapshot: { outputs: result.rawOutputs, secretOutputNames: result.secretOutputNames }, secrets, outputs };
        this.peerCache.set(cacheKey, entry);
        return entry;
    }

    private async run(src: ConfigSource, resolve: (name: string) => StackSnapshot | undefined): Promise<{ result: RunResult; missed: string[]; requested: string[] }> {
        const missed: string[] = [];
        const requested: string[] = [];
        const result = await runProgram({
            project: this.project.name,
            stack: src.stack,
            config: src.config,
            secretKeys: src.secretKeys,
            // Preview semantics: values that are not known yet stay unknown instead of undefined.
            preview: true,
            stackOutputs: (name) => {
                requested.push(name);
                const snap = resolve(name);
                if (!snap) missed.push(name);
                return snap;
            },
            program: () => this.program(src.config, src.stack, this.project.name),
        });
        return { result, missed, requested };
    }

    private localStack(reference: string): string | undefined {
        const parts = reference.split("/");
        if (parts.length === 1) return parts[0];
        if (parts.length === 2) return parts[1];
        if (parts.length === 3 && parts[1] === this.project.name) return parts[2];
        return undefined;
    }

    private toPlan(src: ConfigSource, run: RunResult, peers: PeerInfo[], peerSecrets: Set<string>): Plan {
        const p = this.project.name;
        const byUrn = new Map(run.resources.map(r => [r.urn, r]));
        const secrets = new Set(peerSecrets);
        configSecrets(src).forEach(s => secrets.add(s));
        const resources = run.resources.map(r => toPlanned(r, byUrn));
        resources.forEach(r => secretStrings(r.inputs, secrets));
        const outputs0 = annotateOutputs(run);
        secretStrings(outputs0, secrets);

        const warnings = run.logs.filter(l => l.severity === "warning").map(l => l.message);
        for (const r of resources) {
            const { value, leaks } = maskLeaks(r.inputs, secrets);
            r.inputs = value as Record<string, unknown>;
            for (const leak of leaks) {
                warnings.push(`${r.type} "${r.name}": input ${leak.path} holds a secret value without being marked secret (it would be stored in plain text in the Pulumi state); masked here`);
            }
        }
        const { value: outputs, leaks } = maskLeaks(outputs0, secrets);
        for (const leak of leaks) warnings.push(`stack output ${leak.path} holds a secret value without being marked secret; masked here`);
        for (const peer of peers) peer.outputs = maskLeaks(peer.outputs, secrets).value as Record<string, unknown>;

        const cloud = src.config[`${p}:cloud`] ?? String(CONFIG_KEYS.cloud.default);
        const plan: Plan = {
            project: p,
            stack: src.stack,
            cloud,
            region: src.config[(REGION_KEYS as Record<string, string>)[cloud]],
            dr: src.config[`${p}:dr`],
            config: Object.fromEntries(Object.entries(src.config).map(([k, v]) => [k, src.secretKeys.includes(k) ? new Secret(v) : v])),
            resources,
            outputs: outputs as Record<string, unknown>,
            warnings,
            peers,
        };
        secrets.forEach(x => this.seenSecrets.add(x));
        return plan;
    }
}

interface PeerPlan {
    /** What the referencing stack's StackReference returns. */
    snapshot: StackSnapshot;
    /** The peer's outputs as printed (secrets wrapped). */
    outputs: Record<string, unknown>;
    secrets: Set<string>;
}

function readProjectOrFail(dir: string): ProjectInfo {
    try {
        return readProject(dir);
    } catch (e) {
        if (e instanceof PlanInputError) throw new PlanFailure(2, e.message);
        throw e;
    }
}

/**
 * The stacks the program will reference, by the rule of components/stack.ts
 * resolvePeers (a secondary reads its primary whatever its dr mode). Only a
 * speed-up: a reference it misses is planned after a first run.
 */
export function predictedReferences(config: Record<string, string>, project: string): string[] {
    return [config[`${project}:primaryStack`], config[`${project}:secondaryStack`]].filter((s): s is string => !!s);
}

/** Exactly one stack of a pair may create the global DNS zone; the plan sees both stacks, so it checks. */
function checkGlobalDnsOwnership(origin: ConfigSource, peer: ConfigSource, project: string, peerKey: string): void {
    const key = `${project}:manageGlobalDns`;
    if (origin.config[key] === "true" && peer.config[key] === "true") {
        throw new PlanFailure(2, new ConfigError(key, origin.stack, true,
            `exactly one stack of a pair may set it, and stack "${peer.stack}" (${peerKey.slice(project.length + 1)}) sets it too; set it to false in one of them`).message);
    }
}

function configSecrets(src: ConfigSource): Set<string> {
    const out = new Set<string>();
    for (const k of src.secretKeys) {
        if (src.config[k] === undefined) continue;
        secretStrings(new Secret(src.config[k]), out);
        // A secure value inside a structured value is only the stand-in, so look for that too.
        out.add(securePlaceholder(k));
    }
    return out;
}

function annotateOutputs(run: RunResult): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(run.rawOutputs)) out[k] = run.secretOutputNames.includes(k) ? wrapAll(v) : v;
    return out;
}

function toPlanned(r: RecordedResource, byUrn: Map<string, RecordedResource>): PlannedResource {
    return {
        urn: r.urn,
        type: r.type,
        name: r.name,
        parent: r.parent ? byUrn.get(r.parent)?.name ?? null : null,
        parentUrn: r.parent,
        custom: r.custom,
        inputs: annotate(r.inputs, r.rawInputs) as Record<string, unknown>,
        ignoreChanges: r.ignoreChanges,
        dependsOn: r.dependsOn,
        protect: r.protect,
        replaceOnChanges: r.replaceOnChanges,
        deleteBeforeReplace: r.deleteBeforeReplace,
        retainOnDelete: r.retainOnDelete,
    };
}

/**
 * Invalid input (ConfigError, a peer stack without a usable output) is exit 2
 * with one line; any other error the program raised is exit 1.
 */
function throwOnErrors(run: RunResult, src: ConfigSource, project: string): void {
    const logged = run.logs.filter(l => l.severity === "error").map(l => new Error(l.message));
    const errors = [...run.errors, ...logged];
    if (errors.length === 0) return;
    const config = errors.find(isConfigError);
    if (config) throw new PlanFailure(2, new ConfigError(config.key, config.stack, config.value, config.allowed).message);
    const peer = errors.find(isPeerOutputError);
    if (peer) {
        const key = keyNaming(src.config, project, peer.stack);
        const what = `stack "${peer.stack}" has no usable output "${peer.output}": ${peer.why}`;
        throw new PlanFailure(2, key
            ? new ConfigError(key, src.stack, peer.stack, what).message
            : new ConfigError(`${project}:primaryStack`, src.stack, undefined, `the fallback config has no usable output "${peer.output}": ${peer.why}`).message);
    }
    const messages = [...new Set(errors.map(e => e.message))];
    throw new PlanFailure(1, messages.join("\n"));
}

interface PeerOutputErrorLike extends Error {
    stack: string;
    output: string;
    why: string;
}

function isPeerOutputError(e: unknown): e is PeerOutputErrorLike {
    return e instanceof Error && e.name === "PeerOutputError" && typeof (e as Partial<PeerOutputErrorLike>).output === "string";
}
